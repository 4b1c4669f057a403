"""PWM query drivers, HardSigmoid charge-to-pulse circuits, signed readouts.

Reference: Leroux 2025, Methods eq. 3 (T_max = 15 ns, 4-bit query, S_sat),
5-bit signed readout with a 16-level counter; per-event energies and areas
derived from TIMELY (ISCA 2020) circuits in the shipped chip JSON.

Events per layer and sequence (H query heads, d head dim, n live tokens,
s = ceil(n / w) live sub-tiles, g query heads per KV head):

- query pulses: H·d·s (one per K-array row of each live sub-tile);
  latency g·T_max, counted in pulse steps T_max / (levels − 1);
- charge-to-pulse: H·n (one per live token column); latency g·T_max
  (the φ pulses drive the V rows during this phase);
- signed readout: H·d·s; latency g · counter_steps / f_digital.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.costs.technology import area_factor, energy_factor
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def live_subtiles(tiling: GainCellTiling, step: Step) -> np.ndarray:
    """s = ceil(n / w): sub-tiles holding at least one live token [-]."""
    return np.ceil(step.live_tokens / tiling.subtile_width)


def _pulse_phase(tiling, step, max_pulse_width: float, levels: int) -> tuple[np.ndarray, np.ndarray]:
    turns = tiling.query_heads_per_kv_head
    latency = step.constant(turns * max_pulse_width)
    return latency, step.constant(turns * (levels - 1))


def query_pulses(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    driver = chip.query_driver
    pulses = tiling.heads * tiling.head_dim * live_subtiles(tiling, step)
    latency, cycles = _pulse_phase(tiling, step, driver.max_pulse_width, driver.levels)
    instances = tiling.kv_heads * tiling.subtiles * tiling.padded_head_dim
    key = ("query_driver", driver.group)
    return Cost(
        energy={key: pulses * driver.energy_per_pulse * energy_factor(chip)},
        events={key: pulses},
        latency=latency,
        cycles=cycles,
        clock="pulse",
        area={key: instances * driver.area * area_factor(chip)},
        sources={key: ("$.query_driver.energy_per_pulse", "$.query_driver.max_pulse_width", "$.query_driver.area")},
    )


def charge_to_pulse(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    circuit = chip.charge_to_pulse
    conversions = tiling.heads * step.live_tokens
    latency, cycles = _pulse_phase(tiling, step, circuit.max_pulse_width, chip.query_driver.levels)
    instances = tiling.kv_heads * tiling.subtiles * tiling.subtile_width
    key = ("charge_to_pulse", circuit.group)
    return Cost(
        energy={key: conversions * circuit.energy_per_conversion * energy_factor(chip)},
        events={key: conversions},
        latency=latency,
        cycles=cycles,
        clock="pulse",
        area={key: instances * circuit.area * area_factor(chip)},
        sources={key: ("$.charge_to_pulse.energy_per_conversion", "$.charge_to_pulse.max_pulse_width", "$.charge_to_pulse.area")},
    )


def readout_time(chip: GainCellChip) -> float:
    """Time of one V-column readout [s]: the ADC's conversion time when the chip
    has one, else the signed counter's counter_steps / f_digital."""
    if chip.adc is not None:
        return chip.adc.conversion_time
    return chip.signed_readout.counter_steps / chip.clocks.digital


def signed_readout(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    readout = chip.signed_readout
    conversions = tiling.heads * tiling.head_dim * live_subtiles(tiling, step)
    turns = tiling.query_heads_per_kv_head
    instances = tiling.kv_heads * tiling.subtiles * tiling.padded_head_dim
    key = ("signed_readout", readout.group)
    return Cost(
        energy={key: conversions * readout.energy_per_conversion * energy_factor(chip)},
        events={key: conversions},
        latency=step.constant(turns * readout_time(chip)),
        cycles=step.constant(turns * readout.counter_steps),
        clock="digital",
        area={key: instances * readout.area * area_factor(chip)},
        sources={key: ("$.signed_readout.energy_per_conversion", "$.signed_readout.counter_steps",
                       "$.clocks.digital", "$.signed_readout.area")},
    )
