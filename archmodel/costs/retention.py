"""Refresh of gain cells whose tokens have grown older than the retention budget.

Reference: Leroux 2025 (silicon gain cells decay toward rest with τ = 5 ms;
the trained-in leakage covers decay within a window that lives shorter than
τ).  The model is continuous in context and token interval.

A decode step writes one token per sequence and layer; the token written
k steps ago has age a_k = k · Δt [s] (k = 0 … n−1, Δt the token interval).
A cell older than the budget P = θ·τ (θ = ``schedule.refresh_threshold``,
τ = ``gain_cell.retention_time``) is rewritten once every P, i.e. Δt / P
times per step.  The tokens older than P, relaxed to a continuous count::

    n_old = max(0, n − 1 − P / Δt)        [tokens]

so n_old = 0 while the oldest live token, aged (n − 1)·Δt, is younger than
P, and grows linearly past it.  Per layer and sequence::

    refreshes = 2 · H_kv · d · n_old · Δt / P          [cell writes]
    E         = refreshes × E_write                     [J]  (DAC ladder, driver, write line, storage node:
                                                          costs/converters.write_energy)
    t_port    = n_old · Δt / P × t_conversion          [s]

Refresh writes one token slot per DAC conversion, like a K/V write, on the
write port between the reads: ``t_port`` is hidden time, and only what
exceeds the token interval left after the new token's write,
max(0, t_port − (Δt − t_conversion)), reaches the critical path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.costs.converters import WRITE_SOURCES, conversion_time, write_energy
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def stale_tokens(live_tokens, token_interval, budget) -> np.ndarray:
    """Live tokens older than ``budget``, continuous: max(0, n − 1 − P/Δt) [-].

    Parameters
    ----------
    live_tokens : array [-]
    token_interval : array [s]
    budget : float or array [s], θ·τ
    """
    return np.maximum(0.0, np.asarray(live_tokens, dtype=float) - 1.0 - budget / token_interval)


def refresh(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Rewrites of the live cells older than θ·τ (module docstring) for one layer and sequence."""
    interval = step.token_interval
    budget = chip.schedule.refresh_threshold * chip.gain_cell.retention_time
    slots = stale_tokens(step.live_tokens, interval, budget) * interval / budget  # token slots rewritten per step
    refreshes = 2 * tiling.kv_heads * tiling.head_dim * slots
    energy_per_refresh = write_energy(chip, tiling)
    port_time = slots * conversion_time(chip)
    spare = interval - conversion_time(chip)
    component = ("refresh", chip.dac.group)
    return Cost(
        energy={component: refreshes * energy_per_refresh},
        events={component: refreshes},
        latency=np.maximum(0.0, port_time - spare),
        hidden_latency=np.minimum(port_time, np.maximum(spare, 0.0)),
        sources={component: ("$.gain_cell.retention_time", "$.schedule.refresh_threshold", *WRITE_SOURCES,
                             "$.gain_cell.storage_capacitance")},
    )
