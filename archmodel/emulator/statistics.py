"""Statistics of a run: pre-clamp moments, clipping, φ and activity.

Prefill and decode feed the same :class:`Tally` piece by piece; the
finished :class:`RunStatistics` carries

- ``pre_clamp``: per-head mean and standard deviation of ``a·x + b``
  before clamping, for q, k, v and the head output (what the adaptation
  algorithm matches);
- clipping of q, k, v; φ at 0 and at T_max; saturated sub-tile outputs;
- :class:`ActivityStatistics` for the energy model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Moments(NamedTuple):
    """Per-head mean and population standard deviation, each shape (H,)."""

    mean: np.ndarray
    std: np.ndarray


@dataclass(frozen=True)
class ActivityStatistics:
    """Mean data-dependent activity of the analog arrays.

    query_pulse_fraction : float [-]
        Mean quantised query pulse width / T_max over every q entry.
    phi_pulse_fraction : float [-]
        Mean φ / T_max over live (query, key) entries.
    subtile_live_fraction : tuple of float [-]
        Per physical sub-tile: mean fraction of its columns holding a live
        token, over query steps (a K/V cell is read only when live).
    """

    query_pulse_fraction: float
    phi_pulse_fraction: float
    subtile_live_fraction: tuple[float, ...]

    def as_chip_overrides(self) -> dict[str, float]:
        """Overrides of the chip spec's ``activity`` section (``with_overrides``)."""
        return {
            "activity.query_pulse_fraction": self.query_pulse_fraction,
            "activity.phi_pulse_fraction": self.phi_pulse_fraction,
        }


@dataclass(frozen=True)
class RunStatistics:
    """What a run measured; fractions are ``None`` where the mode has no such stage."""

    pre_clamp: dict[str, Moments]
    clipped_fraction: dict[str, float]
    phi_zero_fraction: float | None
    phi_saturated_fraction: float | None
    subtile_saturated_fraction: float | None
    activity: ActivityStatistics | None


def _fraction(part: float, whole: float) -> float | None:
    return float(part / whole) if whole else None


class Tally:
    """Running sums that prefill (per tile) and decode (per token) add to."""

    def __init__(self, heads: int, subtile_widths: np.ndarray):
        self.heads = heads
        self.moments: dict[str, np.ndarray] = {}  # name → (3, H): count, Σx, Σx²
        self.clipped: dict[str, list[int]] = {}  # name → [clipped, total]
        self.query_pulse = [0.0, 0]  # Σ q, count
        self.phi = [0.0, 0, 0, 0]  # Σ φ, live, at 0, at T_max
        self.subtile_outputs = [0, 0]  # saturated, live
        self.subtile_widths = subtile_widths  # (n_sub,) columns of each sub-tile
        self.live_cells = np.zeros(len(subtile_widths))  # (n_sub,) Σ over queries
        self.query_steps = 0

    def add_moments(self, name: str, x: np.ndarray) -> None:
        """Add (B, H, T, d) values of ``a·x + b`` before clamping."""
        x = x.astype(np.float64)
        sums = np.stack([np.full(self.heads, x.size / self.heads), x.sum(axis=(0, 2, 3)), (x * x).sum(axis=(0, 2, 3))])
        self.moments[name] = self.moments.get(name, 0.0) + sums

    def add_clipped(self, name: str, clipped: int, total: int) -> None:
        """``clipped`` of ``total`` values of ``name`` fell outside the clamp range."""
        counts = self.clipped.setdefault(name, [0, 0])
        counts[0] += clipped
        counts[1] += total

    def add_query_pulses(self, pulses: np.ndarray) -> None:
        """Quantised query pulse fractions (any shape) [-]."""
        self.query_pulse[0] += float(pulses.sum(dtype=np.float64))
        self.query_pulse[1] += pulses.size

    def add_phi(self, phi: np.ndarray, live: np.ndarray) -> None:
        """φ/T_max (B, H, Tq, L), zero where dead; ``live`` (Tq, L)."""
        copies = phi.size // live.size
        live_count = int(np.count_nonzero(live)) * copies
        self.phi[0] += float(phi.sum())
        self.phi[1] += live_count
        self.phi[2] += int(np.count_nonzero(phi == 0.0)) - (live.size * copies - live_count)
        self.phi[3] += int(np.count_nonzero(phi == 1.0))

    def add_subtile_outputs(self, saturated: int, live: int) -> None:
        """``saturated`` of ``live`` sub-tile outputs sat at the clamp."""
        self.subtile_outputs[0] += saturated
        self.subtile_outputs[1] += live

    def add_live_cells(self, live: np.ndarray, first_subtile: int, width: int) -> None:
        """``live`` (Tq, n_seg·W) of a tile whose first segment is physical sub-tile ``first_subtile``."""
        per_segment = live.reshape(live.shape[0], -1, width).sum(axis=(0, 2))  # (n_seg,)
        physical = (first_subtile + np.arange(per_segment.size)) % self.live_cells.size
        np.add.at(self.live_cells, physical, per_segment)
        self.query_steps += live.shape[0]

    def result(self) -> RunStatistics:
        """The fractions and moments of everything added so far."""
        pre_clamp = {}
        for name, (count, total, squares) in self.moments.items():
            mean = total / count
            pre_clamp[name] = Moments(mean, np.sqrt(np.maximum(squares / count - mean**2, 0.0)))
        activity = None
        if self.query_pulse[1] and self.phi[1]:
            occupancy = self.live_cells / (self.query_steps * self.subtile_widths)
            activity = ActivityStatistics(
                query_pulse_fraction=self.query_pulse[0] / self.query_pulse[1],
                phi_pulse_fraction=self.phi[0] / self.phi[1],
                subtile_live_fraction=tuple(float(x) for x in occupancy),
            )
        return RunStatistics(
            pre_clamp=pre_clamp,
            clipped_fraction={name: _fraction(*counts) for name, counts in self.clipped.items()},
            phi_zero_fraction=_fraction(self.phi[2], self.phi[1]),
            phi_saturated_fraction=_fraction(self.phi[3], self.phi[1]),
            subtile_saturated_fraction=_fraction(*self.subtile_outputs),
            activity=activity,
        )
