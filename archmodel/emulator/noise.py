"""Additive read noise, reproducible per token so that prefill and decode see the same draws.

The noise of query token i comes from its own generator, seeded by
``(seed, i)``: a standard normal for every key age Δ = i - j in [0, M)
(added to S_ij/S_sat before the HardSigmoid) and for every (sub-tile,
column) (added to g/S_out before the sub-tile clamp), times ``std``.  Both
are relative to full scale (S_sat, S_out); only live entries are affected.
The authors' code has a similar option (10 dB SNR), unused in the paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.emulator.settings import Settings


@dataclass(frozen=True)
class TileNoise:
    """Noise of one tile: ``score`` (B, H, Tq, L) by key column, ``output`` (B, H, n_compact, Tq, d)."""

    score: np.ndarray
    output: np.ndarray

    def select(self, rows: slice) -> TileNoise:
        """The noise of heads ``rows`` of (1, B·H, ...)-shaped noise."""
        return TileNoise(self.score[:, rows], self.output[:, rows])

    def flatten_heads(self) -> TileNoise:
        """(B, H, ...) → (1, B·H, ...)."""
        return TileNoise(*(x.reshape(1, -1, *x.shape[2:]) for x in (self.score, self.output)))


@dataclass(frozen=True)
class ReadNoise:
    """Source of read noise: standard deviation ``std`` [-] relative to full scale, ``seed``."""

    std: float
    seed: int
    batch: int
    heads: int
    window: int
    subtiles: int
    head_dim: int

    def for_tokens(self, first: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Draws of queries [first, stop): by age (B, H, Tq, M) and by sub-tile (B, H, Tq, n_sub, d)."""
        scores, outputs = [], []
        for token in range(first, stop):
            generator = np.random.default_rng((self.seed, token))
            scores.append(generator.standard_normal((self.batch, self.heads, self.window)))
            outputs.append(generator.standard_normal((self.batch, self.heads, self.subtiles, self.head_dim)))
        return self.std * np.stack(scores, axis=2), self.std * np.stack(outputs, axis=2)

    def for_tile(self, first: int, stop: int, lag: np.ndarray, first_subtile: int, compact: int) -> TileNoise:
        """Noise of queries [first, stop) gathered onto a tile.

        ``lag`` (Tq, L) is the age of each key column; ``compact`` sub-tile
        outputs start at physical sub-tile ``first_subtile``.
        """
        by_age, by_subtile = self.for_tokens(first, stop)
        queries = np.arange(stop - first)[:, None]  # (Tq, 1)
        score = by_age[:, :, queries, lag]  # (B, H, Tq, L)
        physical = (first_subtile + np.arange(compact)) % self.subtiles
        output = by_subtile[:, :, :, physical].transpose(0, 1, 3, 2, 4)  # (B, H, n_compact, Tq, d)
        return TileNoise(score, output)


def read_noise(settings: Settings, batch: int, heads: int, subtiles: int, head_dim: int) -> ReadNoise | None:
    """The read noise of a run (``settings.noise`` and ``seed``); ``None`` without noise."""
    if settings.noise is None:
        return None
    return ReadNoise(settings.noise, settings.seed, batch, heads, settings.window, subtiles, head_dim)
