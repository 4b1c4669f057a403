"""PWM query drivers, HardSigmoid charge-to-pulse circuits, signed readouts.

Reference: Leroux 2025, Methods eq. 3 (T_max = 15 ns, 4-bit query, S_sat),
5-bit signed readout with a 16-level counter.

Events per layer and sequence (H query heads, d head dim, n live tokens,
s = ceil(n / w) live sub-tiles, g query heads per KV head), energies with
V_DD = supply, V_R = read voltage, C(N) the periphery capacitances at the
chip's node (:func:`~archmodel.costs.technology.switching_energy`):

- query pulses, H·d·s (one per K-array row of each live sub-tile):
  K word line C_WL·V_R² with C_WL over w cells, plus the width counter
  comparing q against the shared step counter, b_q = ceil(log2 L_q) adder
  bits in each of L_q − 1 steps: (L_q − 1)·b_q·C_add·V_DD²;
  latency g·T_max;
- charge-to-pulse, H·n (one per live token column): one comparator
  decision C_cmp·V_DD²; latency g·T_max (its φ pulses drive the V rows);
- signed readout, H·d·s: comparator C_cmp·V_DD² plus a b_out = ceil(log2 L_out)
  bit counter for ``counter_steps`` clock periods,
  steps·b_out·C_add·V_DD²; latency g·steps / f_digital.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.costs.gaincell_arrays import line_capacitance
from archmodel.costs.technology import area_factor, digital_clock, switching_energy
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def live_subtiles(tiling: GainCellTiling, step: Step) -> np.ndarray:
    """s = ceil(n / w): sub-tiles holding at least one live token [-]."""
    return np.ceil(step.live_tokens / tiling.subtile_width)


def bits_for(levels: int) -> int:
    """Bits of a counter or register holding ``levels`` values [-]."""
    return math.ceil(math.log2(levels))


def _pulse_phase(chip, tiling, step) -> tuple[np.ndarray, np.ndarray]:
    turns = tiling.query_heads_per_kv_head
    latency = step.constant(turns * chip.query_driver.max_pulse_width)
    return latency, step.constant(turns * (chip.query_driver.levels - 1))


def query_pulse_energy(chip: GainCellChip) -> np.ndarray:
    """Width-counter energy of one PWM pulse: (L_q − 1)·b_q·C_add·V_DD² [J]."""
    driver = chip.query_driver
    operations = (driver.levels - 1) * bits_for(driver.levels)
    return switching_energy(chip, operations * chip.digital.adder_capacitance)


def query_pulses(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    driver = chip.query_driver
    pulses = tiling.heads * tiling.head_dim * live_subtiles(tiling, step)
    latency, cycles = _pulse_phase(chip, tiling, step)
    instances = tiling.kv_heads * tiling.subtiles * tiling.padded_head_dim
    key, line = ("query_driver", driver.group), ("key_word_line", driver.group)
    word_line = line_capacitance(chip, tiling.subtile_width) * chip.gain_cell.read_voltage**2
    return Cost(
        energy={key: pulses * query_pulse_energy(chip), line: pulses * word_line},
        events={key: pulses, line: pulses},
        latency=latency,
        cycles=cycles,
        clock="pulse",
        area={key: instances * driver.area * area_factor(chip)},
        sources={key: ("$.query_driver.levels", "$.digital.adder_capacitance", "$.technology.supply_voltage",
                       "$.query_driver.max_pulse_width", "$.query_driver.area"),
                 line: ("$.array.wire_capacitance", "$.gain_cell.port_capacitance", "$.gain_cell.read_voltage")},
    )


def charge_to_pulse(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    circuit = chip.charge_to_pulse
    conversions = tiling.heads * step.live_tokens
    latency, cycles = _pulse_phase(chip, tiling, step)
    instances = tiling.kv_heads * tiling.subtiles * tiling.subtile_width
    key = ("charge_to_pulse", circuit.group)
    return Cost(
        energy={key: conversions * switching_energy(chip, circuit.comparator_capacitance)},
        events={key: conversions},
        latency=latency,
        cycles=cycles,
        clock="pulse",
        area={key: instances * circuit.area * area_factor(chip)},
        sources={key: ("$.charge_to_pulse.comparator_capacitance", "$.query_driver.max_pulse_width",
                       "$.charge_to_pulse.area")},
    )


def readout_time(chip: GainCellChip) -> np.ndarray:
    """Time of one V-column readout [s]: the ADC's conversion time when the chip
    has one, else the signed counter's counter_steps / f_digital."""
    if chip.adc is not None:
        return chip.adc.conversion_time
    return chip.signed_readout.counter_steps / digital_clock(chip)


def readout_energy(chip: GainCellChip) -> np.ndarray:
    """One signed conversion: (C_cmp + steps·b_out·C_add)·V_DD² [J]."""
    readout = chip.signed_readout
    counting = readout.counter_steps * bits_for(readout.levels) * chip.digital.adder_capacitance
    return switching_energy(chip, readout.comparator_capacitance + counting)


def signed_readout(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    readout = chip.signed_readout
    conversions = tiling.heads * tiling.head_dim * live_subtiles(tiling, step)
    turns = tiling.query_heads_per_kv_head
    instances = tiling.kv_heads * tiling.subtiles * tiling.padded_head_dim
    key = ("signed_readout", readout.group)
    return Cost(
        energy={key: conversions * readout_energy(chip)},
        events={key: conversions},
        latency=step.constant(turns * readout_time(chip)),
        cycles=step.constant(turns * readout.counter_steps),
        clock="digital",
        area={key: instances * readout.area * area_factor(chip)},
        sources={key: ("$.signed_readout.comparator_capacitance", "$.signed_readout.counter_steps",
                       "$.signed_readout.levels", "$.digital.adder_capacitance",
                       "$.clocks.digital", "$.signed_readout.area")},
    )
