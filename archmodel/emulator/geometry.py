"""Where each token lives: the ring buffer of M slots cut into sub-tiles.

Token j of a head is written to slot ``j mod M`` of a ring buffer of M
slots; slot ``s·W + w`` is column w of sub-tile s (W tokens per sub-tile,
``ceil(M/W)`` sub-tiles, the last one partial when W does not divide M).
The per-sub-tile clamp of the paper acts on this physical grouping.

Prefill lays all T tokens out as *segments*: segment ``g = r·n_sub + s``
holds the tokens of ring round r (tokens r·M ... r·M + M - 1) that fall in
sub-tile s.  A query tile [i0, i1) needs a contiguous range of segments;
segments ``g`` and ``g + n_sub`` are the same physical sub-tile, which is
how the prefill folds them before the clamp.  Decode keeps one round: the
ring itself.

``grouping="absolute"`` is the authors' training code instead: clamp group
n holds tokens [n·W, n·W + W) by absolute position, never folded.  It is
laid out as one round of ``period`` = ceil(T/W)·W slots, so segment g is
token group g; the window M still decides which keys are live.  The two
agree until the window wraps (T > M) and then differ: the ring adds a
sub-tile's old and new tokens before its clamp, absolute grouping clamps
them apart (and, when W does not divide M, groups other tokens together).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RingGeometry:
    """Window M [tokens], sub-tile width W [tokens] and sequence length T [tokens]."""

    window: int
    subtile_width: int
    tokens: int
    grouping: str = "ring"  # "ring" (hardware slots) or "absolute" (token // W, training code)

    @property
    def period(self) -> int:
        """Slots of one layout round: M (ring) or ceil(T/W)·W (absolute) [tokens]."""
        if self.grouping == "absolute":
            return -(-self.tokens // self.subtile_width) * self.subtile_width
        return self.window

    @property
    def groups_per_round(self) -> int:
        """Segments per layout round [-]."""
        return -(-self.period // self.subtile_width)

    @property
    def fold(self) -> int:
        """Segments s and s + fold share one clamp: n_sub (ring); absolute never folds [-]."""
        return self.subtiles if self.grouping == "ring" else max(self.segments, 1)

    @property
    def subtiles(self) -> int:
        """n_sub = ceil(M / W) sub-tiles per head [-]."""
        return -(-self.window // self.subtile_width)

    @property
    def slots(self) -> int:
        """n_sub·W slot positions, M of them real (the rest pad the last sub-tile) [-]."""
        return self.subtiles * self.subtile_width

    @property
    def subtile_widths(self) -> np.ndarray:
        """(n_sub,) real columns of each sub-tile: W, except a partial last one when W does not divide M [tokens]."""
        return np.minimum(self.window - self.subtile_width * np.arange(self.subtiles), self.subtile_width)

    def segment(self, token: int) -> int:
        """Segment g holding ``token`` [-]."""
        round_, slot = divmod(token, self.period)
        return round_ * self.groups_per_round + slot // self.subtile_width

    @property
    def segments(self) -> int:
        """Number of segments G covering tokens 0 ... T-1 [-]."""
        return self.segment(self.tokens - 1) + 1

    def segment_tokens(self, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
        """Token index of each (segment, column) of segments [low, high), and whether it is real.

        Returns ``tokens`` (n_seg, W) int64 and ``valid`` (n_seg, W) bool;
        padding columns (slot ≥ M, or token ≥ T) are invalid.
        """
        g = np.arange(low, high)[:, None]  # (n_seg, 1)
        w = np.arange(self.subtile_width)[None, :]  # (1, W)
        round_, subtile = np.divmod(g, self.groups_per_round)
        slot = subtile * self.subtile_width + w  # (n_seg, W)
        tokens = round_ * self.period + slot
        valid = (slot < self.period) & (tokens < self.tokens)
        return tokens, valid

    def band(self, first: int, stop: int) -> tuple[int, int]:
        """Segments [g_lo, g_hi) holding every key a query in [first, stop) can see."""
        oldest = max(0, first - self.window + 1)
        return self.segment(oldest), self.segment(stop - 1) + 1

    def layout(self, x: np.ndarray) -> np.ndarray:
        """Place the T tokens of ``x`` (B, H, T, d) in segments: (B, H, G, W, d), zeros elsewhere."""
        batch, heads, _, dim = x.shape
        out = np.zeros((batch, heads, self.segments, self.subtile_width, dim), dtype=x.dtype)
        tokens = np.arange(self.tokens)
        round_, slot = np.divmod(tokens, self.period)
        g = round_ * self.groups_per_round + slot // self.subtile_width
        out[:, :, g, slot % self.subtile_width] = x
        return out


def tile_masks(queries: np.ndarray, key_tokens: np.ndarray, key_valid: np.ndarray, window: int):
    """Age and liveness of every (query, key column) of a tile.

    Parameters
    ----------
    queries : (Tq,) int
        Query token indices i.
    key_tokens, key_valid : (n_seg, W)
        Token index j and validity of each column (ring: -1 marks an empty slot).
    window : int
        M [tokens].

    Returns
    -------
    lag : (Tq, n_seg·W) int64
        i - j clipped to [0, M - 1] (meaningful only where live).
    live : (Tq, n_seg·W) bool
        True where i - M < j ≤ i and the column holds a real token.
    """
    lag = queries[:, None] - key_tokens.reshape(1, -1)  # (Tq, L)
    live = key_valid.reshape(1, -1) & (lag >= 0) & (lag < window)
    return np.clip(lag, 0, window - 1), live


def dead_column_runs(live: np.ndarray) -> list[slice]:
    """Contiguous column ranges of ``live`` (Tq, L) that hold every dead entry.

    In a prefill tile only the band's two ends (causal diagonal, window
    start) and padding columns are partly dead; masking just those saves a
    pass over the score array.
    """
    partly_dead = np.concatenate([[False], ~live.all(axis=0), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(partly_dead))  # starts and stops alternate
    return [slice(start, stop) for start, stop in zip(edges[::2], edges[1::2])]
