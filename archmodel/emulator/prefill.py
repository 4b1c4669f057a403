"""Prefill: all T queries at once, in tiles of queries against the band of keys they see.

A tile of Tq queries [i0, i1) needs the keys i0 - M + 1 ... i1 - 1, at most
L ≤ Tq + M + W of them.  The largest arrays of a tile are the scores
(B·H, Tq, L) and the per-segment sums (B·H, L/W, Tq, K) with K = P·d + 1,
so memory is O(Tq·(M + Tq)·H·P) — never a dense T×T per head; the inputs
and their encodings add O(T·H·d·P).  Heads go through the kernel in chunks
whose score array fits in cache.  Sub-tile sums come from the segment
layout (:mod:`archmodel.emulator.geometry`): one matmul per segment of W
keys, segments of the same physical sub-tile added before the clamp.
"""

from __future__ import annotations

import numpy as np

from archmodel.emulator.encoding import CellEncoding
from archmodel.emulator.geometry import RingGeometry, dead_column_runs, tile_masks
from archmodel.emulator.kernels import analog_tile, softmax_rows
from archmodel.emulator.noise import read_noise
from archmodel.emulator.quantization import round_to_bfloat16
from archmodel.emulator.pipeline import finish_output, input_stages, key_stack, stage_input, value_stack
from archmodel.emulator.scalers import Scalers
from archmodel.emulator.settings import Settings

#: Queries per tile: the band matmuls are (Tq × K)·(K × L) and (Tq × W)·(W × K);
#: 128 keeps them efficient while the work wasted above the causal diagonal
#: stays ≈ Tq/T of the total.
QUERY_TILE = 128
#: Bytes of score array per chunk of heads: small enough to stay in cache
#: through the dozen elementwise passes of the kernel.
CACHE_BUDGET = 2 * 2**20


def prefill(q, k, v, settings: Settings, scalers: Scalers, tally=None, query_tile: int = QUERY_TILE):
    """Outputs y (B, H, T, d) float32 of all queries; ``q, k, v`` float32 (B, H, T, d)."""
    if settings.mode.kernel == "softmax":
        return _prefill_softmax(q, k, v, settings.window, query_tile)
    return _prefill_analog(q, k, v, settings, scalers, tally, query_tile)


def _prefill_softmax(q, k, v, window: int, query_tile: int) -> np.ndarray:
    tokens, head_dim = q.shape[2], q.shape[3]
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    out = np.empty(q.shape, dtype=np.float32)
    for first in range(0, tokens, query_tile):
        stop = min(first + query_tile, tokens)
        oldest = max(0, first - window + 1)
        lag = np.arange(first, stop)[:, None] - np.arange(oldest, stop)[None, :]  # (Tq, L)
        live = (lag >= 0) & (lag < window)
        rows = softmax_rows(q[:, :, first:stop], k[:, :, oldest:stop], v[:, :, oldest:stop], live, head_dim**-0.5)
        out[:, :, first:stop] = rows
    return out


def _prefill_analog(q, k, v, settings, scalers, tally, query_tile) -> np.ndarray:
    batch, heads, tokens, head_dim = q.shape
    stages = input_stages(settings)
    encoding = CellEncoding.for_settings(settings, head_dim)
    geometry = RingGeometry(settings.window, settings.hardware.subtile_width, tokens, settings.grouping)
    pulses = stage_input("q", q, scalers, stages, tally).astype(np.float64)  # (B, H, T, d)
    keys = key_stack(geometry.layout(stage_input("k", k, scalers, stages, tally)), encoding)  # (B, H, K, G·W)
    values = value_stack(geometry.layout(stage_input("v", v, scalers, stages, tally)), encoding)  # (B, H, G, W, K)
    pulses, keys, values = (x.reshape(1, batch * heads, *x.shape[2:]) for x in (pulses, keys, values))
    noise = read_noise(settings, batch, heads, geometry.subtiles, head_dim)
    z = np.empty((1, batch * heads, tokens, head_dim))
    step = tile_size(encoding, query_tile)
    for first in range(0, tokens, step):
        stop = min(first + step, tokens)
        tile = _Tile(first, stop, geometry, encoding, settings.qk_decay_dtype)
        if tally is not None:
            tally.add_live_cells(tile.live, tile.low % geometry.subtiles, geometry.subtile_width)
        tile_noise = None if noise is None else noise.for_tile(
            first, stop, tile.lag, tile.low % geometry.subtiles, min(tile.segments, geometry.subtiles)).flatten_heads()
        for rows in _head_chunks(batch * heads, stop - first, tile.live.shape[1]):
            z[:, rows, first:stop] = analog_tile(
                encoding.encode_queries(pulses[:, rows, first:stop], tile.score_query_factors),
                tile.scale_keys(keys[:, rows]), tile.scale_values(values[:, rows]), tile.live,
                tile.query_factors, encoding, geometry.fold,
                None if tile_noise is None else tile_noise.select(rows), tally, tile.dead_columns, tile.score_factors,
            )
    return finish_output(z.reshape(batch, heads, tokens, head_dim), settings, scalers, tally)


class _Tile:
    """Queries [first, stop), their band of segments [low, high) and its leakage factors.

    The reference step of the leakage factors is ``first``.  With ``qk_decay_dtype``
    bfloat16 the score side takes the rounded decay of each (query, key) pair
    instead (``score_factors``, :func:`bfloat16_decay`); the value side keeps
    the float factors.
    """

    def __init__(self, first: int, stop: int, geometry: RingGeometry, encoding: CellEncoding,
                 qk_decay_dtype: str = "float32"):
        self.low, self.high = geometry.band(first, stop)
        self.segments, self.width = self.high - self.low, geometry.subtile_width
        key_tokens, key_valid = geometry.segment_tokens(self.low, self.high)  # (n_seg, W)
        self.lag, self.live = tile_masks(np.arange(first, stop), key_tokens, key_valid, geometry.window)  # (Tq, L)
        self.dead_columns = dead_column_runs(self.live)
        self.key_factors = encoding.key_factors(first - key_tokens.reshape(-1))  # (K, L)
        self.value_factors = None if self.key_factors is None else np.ascontiguousarray(
            self.key_factors.T).reshape(self.segments, self.width, -1)  # (n_seg, W, K)
        self.query_factors = encoding.query_factors(np.arange(stop - first))  # (Tq, blocks)
        self.score_factors = None
        self.score_query_factors = self.query_factors
        if qk_decay_dtype == "bfloat16" and self.key_factors is not None:
            self.score_factors = bfloat16_decay(self.lag, encoding)  # (blocks, Tq, L)
            self.score_query_factors = np.ones_like(self.query_factors)

    def scale_keys(self, keys: np.ndarray) -> np.ndarray:
        """Band of (1, R, K, G·W) keys with the factors e^{pλ(j - first)}: (1, R, K, L)."""
        band = keys[..., self.low * self.width:self.high * self.width]
        return band if self.key_factors is None or self.score_factors is not None else band * self.key_factors

    def scale_values(self, values: np.ndarray) -> np.ndarray:
        """Band of (1, R, G, W, K) values with the same factors: (1, R, n_seg, W, K)."""
        band = values[:, :, self.low:self.high]
        return band if self.value_factors is None else band * self.value_factors


def bfloat16_decay(lag: np.ndarray, encoding: CellEncoding) -> np.ndarray:
    """Decay powers of the training code's QK side, (blocks, Tq, L) float64 from ages ``lag`` (Tq, L) [steps].

    D = bf16(exp(-λ·lag)) computed in float32, and each higher power p of the
    cubic model bf16(D^p) rounded again (round to nearest even).
    """
    decay = round_to_bfloat16(np.exp(np.float32(-encoding.decay_per_step) * lag.astype(np.float32)))  # (Tq, L)
    return np.stack([decay if p == 1 else round_to_bfloat16(decay**p) for p in encoding.exponents]).astype(np.float64)


def tile_size(encoding: CellEncoding, query_tile: int) -> int:
    """Queries per tile, small enough that e^{P·λ·Tq} stays far from overflow."""
    return max(1, int(min(query_tile, encoding.max_span)))


def _head_chunks(rows: int, queries: int, columns: int, budget: int = CACHE_BUDGET):
    """Slices of the B·H rows so that a chunk's score array (rows, Tq, L) fits ``budget`` bytes."""
    per_row = queries * columns * 8
    size = max(1, min(rows, budget // per_row))
    return [slice(start, min(start + size, rows)) for start in range(0, rows, size)]
