"""Gain-cell arrays: cell reads under PWM/φ pulses, their word and bit lines, refresh.

Reference: Leroux 2025 (64×64 arrays, cell ≈ 1 µm², V_in = 0.9 V, T_max =
15 ns, cubic cell current of Methods eq. 4).

Cell read.  A cell storing y = V − V_rest under a read pulse of amplitude
V_R and width f·T_max delivers the charge I(y, V_R)·f·T_max, drawn from V_R::

    E_cell = Ī(V_R) · V_R · f · T_max                                  [J]
    Ī(V_R) = mean over the stored levels of |Σ C_ij·y^i·V_R^j|         [A]

f is the mean pulse fraction (``activity.query_pulse_fraction`` for Q·Kᵀ,
``activity.phi_pulse_fraction`` for φ·V).  Only live tokens' cells carry
charge: H·d·n reads per layer and sequence, for K and for V.

Lines.  A line crossing m cells of pitch p = √A_cell has
C = m·(p·c_wire + C_port) (``array.wire_capacitance``,
``gain_cell.port_capacitance``); each event charges it once, E = C·V²:

- K bit line (one per token column, spans the padded head dim P rows): one
  precharge per live token, at V_DD;
- V word line (one per token row, spans P columns): one φ pulse per live
  token, at V_R;
- V bit line (one per dim column of a sub-tile, spans w tokens): one
  precharge per dim and live sub-tile, at V_DD.

The K word lines belong to the query drivers (:mod:`pulse_circuits`).
Array area: cells × cell area, for every sub-tile whether live or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def read_current(chip: GainCellChip, deviation, read_voltage) -> np.ndarray:
    """I(y, V_R) = Σ_{i+j≤3} C_ij·y^i·V_R^j of Methods eq. 4 [A]."""
    coefficients = iter(chip.gain_cell.read_current.polynomial)
    current = 0.0
    for power in range(4):
        for read_power in range(4 - power):
            current = current + next(coefficients) * deviation**power * read_voltage**read_power
    return current


def mean_read_current(chip: GainCellChip) -> np.ndarray:
    """Ī: mean |I| over the ``gain_cell.levels`` evenly spaced stored voltages, at V_R [A]."""
    cell = chip.gain_cell
    fractions = np.linspace(0.0, 1.0, cell.levels)
    low, high, rest = (np.asarray(value, dtype=float)[..., None] for value in (cell.storage_min, cell.storage_max, cell.rest_voltage))
    deviation = low + fractions * (high - low) - rest
    read_voltage = np.asarray(cell.read_voltage, dtype=float)[..., None]
    return np.mean(np.abs(read_current(chip, deviation, read_voltage)), axis=-1)


def full_scale_read_energy(chip: GainCellChip) -> np.ndarray:
    """Ī·V_R·T_max: energy of one cell read under a full-scale pulse [J]."""
    return mean_read_current(chip) * chip.gain_cell.read_voltage * chip.query_driver.max_pulse_width


def line_capacitance(chip: GainCellChip, cells: int) -> np.ndarray:
    """C of a line crossing ``cells`` cells: m·(√A_cell·c_wire + C_port) [F]."""
    cell = chip.gain_cell
    return cells * (np.sqrt(cell.area) * chip.array.wire_capacitance + cell.port_capacitance)


def _cell_reads(chip, tiling, step, activity: str, component: str, group: str) -> Cost:
    pulse_fraction = getattr(chip.activity, activity)
    reads = tiling.heads * tiling.head_dim * step.live_tokens  # cell reads per sequence
    half_cells = tiling.cells / 2  # K or V cells of the layer
    return Cost(
        energy={(component, group): reads * full_scale_read_energy(chip) * pulse_fraction},
        events={(component, group): reads},
        latency=step.zeros(),
        area={(component, group): half_cells * chip.gain_cell.area},
        sources={(component, group): ("$.gain_cell.read_current.polynomial", "$.gain_cell.read_voltage",
                                      "$.gain_cell.levels", "$.query_driver.max_pulse_width",
                                      f"$.activity.{activity}", "$.gain_cell.area")},
    )


def _line(chip, events, cells: int, voltage, component: str, group: str, step: Step) -> Cost:
    key = (component, group)
    return Cost(
        energy={key: events * line_capacitance(chip, cells) * voltage**2},
        events={key: events},
        latency=step.zeros(),
        sources={key: ("$.array.wire_capacitance", "$.gain_cell.port_capacitance", "$.gain_cell.area")},
    )


def key_array_read(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Q·Kᵀ in the K arrays: H·d·n cell reads, H·n K bit-line precharges."""
    group = chip.array.key_group
    supply = chip.technology.supply_voltage
    reads = _cell_reads(chip, tiling, step, "query_pulse_fraction", "key_array", group)
    bit_lines = _line(chip, tiling.heads * step.live_tokens, tiling.padded_head_dim, supply, "key_bit_line", group, step)
    return _together(reads, bit_lines)


def value_array_read(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """φ·V in the V arrays: H·n·d cell reads, H·n φ word lines, H·d·s V bit lines."""
    group = chip.array.value_group
    supply, read = chip.technology.supply_voltage, chip.gain_cell.read_voltage
    subtiles = np.ceil(step.live_tokens / tiling.subtile_width)
    return _together(
        _cell_reads(chip, tiling, step, "phi_pulse_fraction", "value_array", group),
        _line(chip, tiling.heads * step.live_tokens, tiling.padded_head_dim, read, "value_word_line", group, step),
        _line(chip, tiling.heads * tiling.head_dim * subtiles, tiling.subtile_width, supply, "value_bit_line", group, step),
    )


def _together(*costs: Cost) -> Cost:
    """Parts of one unit acting at once: energies, events, areas and sources merged; no latency."""
    merged = {name: {} for name in ("energy", "events", "area", "sources")}
    for cost in costs:
        for name, values in merged.items():
            values.update(getattr(cost, name))
    return Cost(latency=costs[0].latency, **merged)
