"""Gain-cell arrays: cell reads under PWM/φ pulses, cell writes, refresh.

Reference: Leroux 2025 (64×64 arrays, cell ≈ 1 µm², τ = 5 ms); per-event
energies derived in ``hardware_specs/gaincell_leroux2025.json``.

Read energy of one cell is proportional to the charge it delivers, i.e. to
the width of the pulse on its row::

    E_read = energy_per_read [J, full-scale pulse] × pulse_fraction [-]

so Q·Kᵀ reads (pulse = q) use ``activity.query_pulse_fraction`` and φ·V
reads (pulse = φ) use ``activity.phi_pulse_fraction``.  Only live tokens'
cells carry charge: events = heads × d × n per layer and sequence.
Array area: cells × cell area, for every sub-tile whether live or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.costs.technology import energy_factor
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def _array_read(chip, tiling, step, activity: str, component: str, group: str) -> Cost:
    pulse_fraction = getattr(chip.activity, activity)
    reads = tiling.heads * tiling.head_dim * step.live_tokens  # cell reads per sequence
    energy_per_read = chip.gain_cell.energy_per_read * pulse_fraction
    half_cells = tiling.cells / 2  # K or V cells of the layer
    return Cost(
        energy={(component, group): reads * energy_per_read},
        events={(component, group): reads},
        latency=step.zeros(),
        area={(component, group): half_cells * chip.gain_cell.area},
        sources={(component, group): ("$.gain_cell.energy_per_read", f"$.activity.{activity}", "$.gain_cell.area")},
    )


def key_array_read(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Q·Kᵀ in the K arrays: H·d·n reads at the mean query pulse width."""
    return _array_read(chip, tiling, step, "query_pulse_fraction", "key_array", chip.array.key_group)


def value_array_read(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """φ·V in the V arrays: H·n·d reads at the mean φ pulse width."""
    return _array_read(chip, tiling, step, "phi_pulse_fraction", "value_array", chip.array.value_group)


def refresh(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Rewrite of live cells when a window outlives the retention time.

    A window lasts M × Δt (Δt = ``step.token_interval`` [s]).  If that exceeds
    θ·τ (θ = ``schedule.refresh_threshold``), every live cell is rewritten
    once per θ·τ, so per step::

        refreshes = 2 · H_kv · d · n · Δt / (θ·τ)
        E = refreshes × (E_dac + E_write)

    Refresh uses the write port between reads; no critical-path time.
    """
    interval = step.token_interval
    period = chip.schedule.refresh_threshold * chip.gain_cell.retention_time
    needed = tiling.window * interval > period
    live_cells = 2 * tiling.kv_heads * tiling.head_dim * step.live_tokens
    refreshes = np.where(needed, live_cells * interval / period, 0.0)
    energy_per_refresh = chip.dac.energy_per_conversion * energy_factor(chip) + chip.gain_cell.energy_per_write
    component = ("refresh", chip.dac.group)
    return Cost(
        energy={component: refreshes * energy_per_refresh},
        events={component: refreshes},
        latency=step.zeros(),
        sources={component: ("$.gain_cell.retention_time", "$.schedule.refresh_threshold",
                             "$.dac.energy_per_conversion", "$.gain_cell.energy_per_write")},
    )
