"""Decode: one token at a time into a ring buffer of M slots, as the hardware does.

At step t the new k_t, v_t go through the DACs into slot ``t mod M``
(column ``slot mod W`` of sub-tile ``slot // W``), overwriting the token
that left the window; then q_t reads every written slot.  A slot written
at step j has decayed by D = exp(-λ·(t - j)) (carried by the encoding).
Python loops over tokens only; batch, heads and slots are vectorised.
"""

from __future__ import annotations

import numpy as np

from archmodel.emulator.encoding import CellEncoding
from archmodel.emulator.geometry import RingGeometry, tile_masks
from archmodel.emulator.kernels import analog_tile, softmax_rows
from archmodel.emulator.noise import read_noise
from archmodel.emulator.pipeline import finish_output, input_stages, stage_input
from archmodel.emulator.scalers import Scalers
from archmodel.emulator.settings import Settings


class AnalogRing:
    """K and V arrays of every (batch, head): ring of n_sub sub-tiles × W columns.

    Slots hold encoded values (:mod:`archmodel.emulator.encoding`) scaled by
    e^{pλ(j - r)} for a reference step r; r moves to the current step (and
    the ring is rescaled) before the factors could grow past e^300.
    """

    def __init__(self, settings: Settings, scalers: Scalers, batch: int, heads: int, head_dim: int, tally=None):
        self.settings, self.scalers, self.tally = settings, scalers, tally
        ring = RingGeometry(settings.window, settings.hardware.subtile_width, settings.window)  # one round: the ring
        self.width, self.subtiles = ring.subtile_width, ring.subtiles
        self.stages = input_stages(settings)
        self.encoding = CellEncoding.for_settings(settings, head_dim)
        columns = self.encoding.width
        self.keys = np.zeros((batch, heads, columns, ring.slots))  # (B, H, K, n_sub·W)
        self.values = np.zeros((batch, heads, self.subtiles, self.width, columns))  # (B, H, n_sub, W, K)
        self.written = np.full((self.subtiles, self.width), -1)  # step each slot was written, -1: never
        self.reference = 0
        self.noise = read_noise(settings, batch, heads, self.subtiles, head_dim)
        self.step_index = 0

    def step(self, q, k, v) -> np.ndarray:
        """Write k_t, v_t and read with q_t; each (B, H, d) float32 → y_t (B, H, d) float32."""
        t = self.step_index
        self._rebase(t)
        self._write(t, k, v)
        pulses = stage_input("q", q[:, :, None], self.scalers, self.stages, self.tally)  # (B, H, 1, d)
        lag, live = tile_masks(np.array([t]), self.written, self.written >= 0, self.settings.window)  # (1, L)
        factors = self.encoding.query_factors(np.array([t - self.reference]))  # (1, blocks)
        noise = None if self.noise is None else self.noise.for_tile(t, t + 1, lag, 0, self.subtiles)
        if self.tally is not None:
            self.tally.add_live_cells(live, 0, self.width)
        z = analog_tile(self.encoding.encode_queries(pulses.astype(np.float64), factors), self.keys, self.values,
                        live, factors, self.encoding, self.subtiles, noise, self.tally)  # (B, H, 1, d)
        self.step_index += 1
        return finish_output(z, self.settings, self.scalers, self.tally)[:, :, 0]

    def _write(self, t: int, k, v) -> None:
        """DAC write of k_t, v_t into slot t mod M."""
        subtile, column = divmod(t % self.settings.window, self.width)
        factors = self.encoding.key_factors(np.array([self.reference - t]))  # (K, 1)
        for name, x in (("k", k), ("v", v)):
            stored = stage_input(name, x[:, :, None], self.scalers, self.stages, self.tally)  # (B, H, 1, d)
            coefficients = self.encoding.model.score_coefficients if name == "k" else self.encoding.model.output_coefficients
            encoded = self.encoding.encode(stored, coefficients)[:, :, 0]  # (B, H, K)
            if factors is not None:
                encoded = encoded * factors[:, 0]
            if name == "k":
                self.keys[:, :, :, subtile * self.width + column] = encoded
            else:
                self.values[:, :, subtile, column] = encoded
        self.written[subtile, column] = t

    def _rebase(self, t: int) -> None:
        """Move the reference step to t when the factors e^{pλ(t - r)} approach the limit."""
        encoding = self.encoding
        if t - self.reference <= encoding.max_span:
            return
        factors = encoding.key_factors(np.full(self.keys.shape[-1], t - self.reference))  # (K, L)
        self.keys *= factors
        self.values *= factors.T.reshape(self.subtiles, self.width, -1)
        self.reference = t


class SoftmaxRing:
    """Ideal attention over a ring of M float64 key/value slots."""

    def __init__(self, settings: Settings, batch: int, heads: int, head_dim: int):
        self.window = settings.window
        self.keys = np.zeros((batch, heads, self.window, head_dim))  # (B, H, M, d)
        self.values = np.zeros((batch, heads, self.window, head_dim))
        self.written = np.full(self.window, -1)
        self.scale = head_dim**-0.5
        self.step_index = 0

    def step(self, q, k, v) -> np.ndarray:
        """Write k_t, v_t and attend with q_t; each (B, H, d) → y_t (B, H, d) float32."""
        t = self.step_index
        slot = t % self.window
        self.keys[:, :, slot] = k
        self.values[:, :, slot] = v
        self.written[slot] = t
        live = (self.written >= 0)[None, :]  # (1, M)
        y = softmax_rows(q[:, :, None].astype(np.float64), self.keys, self.values, live, self.scale)
        self.step_index += 1
        return y[:, :, 0].astype(np.float32)


def decode(q, k, v, settings: Settings, scalers: Scalers, tally=None) -> np.ndarray:
    """Outputs y (B, H, T, d) float32, one token step at a time; ``q, k, v`` float32 (B, H, T, d)."""
    batch, heads, tokens, head_dim = q.shape
    if settings.mode.kernel == "softmax":
        ring = SoftmaxRing(settings, batch, heads, head_dim)
    else:
        ring = AnalogRing(settings, scalers, batch, heads, head_dim, tally)
    out = np.empty(q.shape, dtype=np.float32)
    for t in range(tokens):
        out[:, :, t] = ring.step(q[:, :, t], k[:, :, t], v[:, :, t])
    return out
