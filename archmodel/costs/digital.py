"""Per-head digital periphery and on-chip interconnect.

Reference: Leroux 2025, Fig. 5 (digital control and routing: 113.7 mW,
4,000 pJ per token per head).

The digital block of each query head is active from the start of its
readout count until its result leaves: the readout time, the adder tree
over the S sub-tiles, the output scale and the control/routing cycles::

    t_reduce = (ceil(log2 S)·c_stage + c_scale + c_control) / f_digital   [s]
    E        = H · P_digital · (t_readout + t_reduce)                     [J]

Only ``t_reduce`` is on the critical path of this op (the readout time is
already on the ``weighted_sum`` op).  The adder tree is sized for the whole
window, so its depth does not shrink at short contexts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archmodel.costs.cost import Cost, Step
from archmodel.costs.technology import area_factor, energy_factor
from archmodel.costs.pulse_circuits import readout_time
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def reduction_cycles(chip: GainCellChip, tiling: GainCellTiling) -> int:
    """Cycles of the adder tree, output scale and control per head [-]."""
    digital = chip.digital
    return tiling.adder_stages * digital.adder_stage_cycles + digital.scale_cycles + digital.control_cycles


def digital_periphery(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    digital = chip.digital
    cycles = reduction_cycles(chip, tiling)
    reduce_time = cycles / chip.clocks.digital
    active_time = readout_time(chip) + reduce_time
    turns = tiling.query_heads_per_kv_head
    key = ("digital_control", digital.group)
    return Cost(
        energy={key: step.constant(tiling.heads * digital.power * energy_factor(chip) * active_time)},
        events={key: step.constant(tiling.heads * active_time * chip.clocks.digital)},
        latency=step.constant(turns * reduce_time),
        cycles=step.constant(turns * cycles),
        clock="digital",
        area={key: tiling.kv_heads * digital.area * area_factor(chip)},
        sources={key: ("$.digital.power", "$.digital.adder_stage_cycles", "$.digital.scale_cycles",
                       "$.digital.control_cycles", "$.digital.area", "$.clocks.digital", "$.signed_readout.counter_steps")},
    )


def interconnect(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Bits moved to and from the heads: q and output per query head, k and v per KV head.

    E = (2·H + 2·H_kv) · d · bits_per_value · E_bit
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
