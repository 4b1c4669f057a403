"""Per-head digital periphery and on-chip interconnect.

Reference: Leroux 2025, Fig. 5 (digital control and routing: 113.7 mW,
4,000 pJ per token per head) — reproduced from parts, not used as an input.

The digital block of each query head holds the S sub-tile results (b₀ =
ceil(log2 L_out) bits each), sums them in an adder tree of K = ceil(log2 S)
stages (stage k: ceil(S/2^k)·d registers of b₀ + k bits), scales and
offsets the d outputs, and is clocked from the start of the readout count
until its result leaves.  With V = V_DD and capacitances at the chip's node::

    cycles   = steps_readout + K·c_stage + c_scale + c_control             [-]
    E_reg    = N_reg · cycles · C_reg·V²           N_reg = Σ registers·bits  [J]
    E_add    = (s − 1)·d · (b₀ + K) · C_add·V²     s = live sub-tiles         [J]
    E_scale  = d · ((b₀ + K)·b_w·C_mult + (b₀ + K)·C_add) · V²               [J]
    E_leak   = P_leak · t_active,   t_active = cycles / f_digital            [J]

so the clock sets the latency and the leakage share only.  Only the
reduction (K·c_stage + c_scale + c_control cycles) is on the critical path
of this op; the readout count is on the ``weighted_sum`` op.  The adder tree
is sized (and clocked) for the whole window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.costs.pulse_circuits import bits_for, live_subtiles, readout_time
from archmodel.costs.technology import area_factor, digital_clock, energy_factor, leakage_factor, switching_energy
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def reduction_cycles(chip: GainCellChip, tiling: GainCellTiling) -> int:
    """Cycles of the adder tree, output scale and control per head [-]."""
    digital = chip.digital
    return tiling.adder_stages * digital.adder_stage_cycles + digital.scale_cycles + digital.control_cycles


def subtile_result_bits(chip: GainCellChip) -> int:
    """b₀: bits of one sub-tile result (the readout counter or the ADC) [-]."""
    return chip.adc.bits if chip.adc is not None else bits_for(chip.signed_readout.levels)


def register_bits(chip: GainCellChip, tiling: GainCellTiling) -> int:
    """N_reg: register bits of one head's block, clocked every active cycle [-].

    S·d·b₀ sub-tile results + Σ_k ceil(S/2^k)·d·(b₀ + k) adder-tree stages
    + d·b_w scaled outputs (b_w = ``interconnect.bits_per_value``).
    """
    base, dim, subtiles = subtile_result_bits(chip), tiling.head_dim, tiling.subtiles
    tree = sum(-(-subtiles // 2**stage) * dim * (base + stage) for stage in range(1, tiling.adder_stages + 1))
    return subtiles * dim * base + tree + dim * chip.interconnect.bits_per_value


def operation_capacitance(chip: GainCellChip, tiling: GainCellTiling, step: Step) -> np.ndarray:
    """Σ operations × their switched capacitance per head, at the reference node [F]."""
    digital, dim = chip.digital, tiling.head_dim
    width = subtile_result_bits(chip) + tiling.adder_stages
    additions = (live_subtiles(tiling, step) - 1) * dim * width * digital.adder_capacitance
    scale = dim * (width * chip.interconnect.bits_per_value * digital.multiplier_capacitance + width * digital.adder_capacitance)
    return additions + scale


def active_time(chip: GainCellChip, tiling: GainCellTiling) -> np.ndarray:
    """t_active: readout count plus reduction, per head [s]."""
    return readout_time(chip) + reduction_cycles(chip, tiling) / digital_clock(chip)


def digital_periphery(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    digital = chip.digital
    clock = digital_clock(chip)
    cycles = reduction_cycles(chip, tiling)
    active = active_time(chip, tiling)
    registers = register_bits(chip, tiling) * active * clock * digital.register_capacitance
    per_head = (switching_energy(chip, registers + operation_capacitance(chip, tiling, step))
                + digital.leakage_power * leakage_factor(chip) * active)
    turns = tiling.query_heads_per_kv_head
    key = ("digital_control", digital.group)
    return Cost(
        energy={key: tiling.heads * per_head * np.ones_like(step.live_tokens)},
        events={key: step.constant(tiling.heads * active * clock)},
        latency=step.constant(turns * cycles / clock),
        cycles=step.constant(turns * cycles),
        clock="digital",
        area={key: tiling.kv_heads * digital.area * area_factor(chip)},
        sources={key: ("$.digital.register_capacitance", "$.digital.adder_capacitance",
                       "$.digital.multiplier_capacitance", "$.digital.leakage_power",
                       "$.digital.adder_stage_cycles", "$.digital.scale_cycles", "$.digital.control_cycles",
                       "$.digital.area", "$.clocks.digital", "$.signed_readout.counter_steps",
                       "$.signed_readout.levels", "$.interconnect.bits_per_value")},
    )


def interconnect(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Bits moved to and from the heads: q and output per query head, k and v per KV head.

    E = (2·H + 2·H_kv) · d · bits_per_value · E_bit · (C(N)/C(N₀))·(V/V₀)²
    """
    link = chip.interconnect
    bits = (2 * tiling.heads + 2 * tiling.kv_heads) * tiling.head_dim * link.bits_per_value
    key = ("interconnect", link.group)
    return Cost(
        energy={key: step.constant(bits * link.energy_per_bit * energy_factor(chip))},
        events={key: step.constant(bits)},
        latency=step.zeros(),
        sources={key: ("$.interconnect.energy_per_bit", "$.interconnect.bits_per_value")},
    )
