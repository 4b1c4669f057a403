"""Stages around the kernels that prefill and decode share.

Input stage (gain-cell modes), per head h, in float32 like the authors' model::

    q ← quantise(clamp(a_q[h]·q + b_q[h], 0, 1), q_levels)                   pulse fraction
    k ← quantise(clamp(a_k[h]·k + b_k[h], V_min, V_max), kv_levels)           stored voltage [V]
    v ← likewise with (a_v, b_v)

Output stage: ``y = a_out[h]·Σ_T A_iT + b_out[h]``.  The ideal modes use
neither (their inputs are q, k, v as given).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.emulator.encoding import CellEncoding
from archmodel.emulator.quantization import clamp_and_quantize, count_outside
from archmodel.emulator.scalers import Scalers
from archmodel.emulator.settings import Settings


@dataclass(frozen=True)
class InputStage:
    """Clamp range [low, high] and quantisation levels of one input (None: no quantisation)."""

    low: float
    high: float
    levels: int | None


def input_stages(settings: Settings) -> dict[str, InputStage] | None:
    """Stages of q, k, v for a gain-cell mode; ``None`` for the ideal modes."""
    if not settings.mode.hardware:
        return None
    levels = {"q": settings.q_levels, "k": settings.kv_levels, "v": settings.kv_levels}
    return {name: InputStage(low, high, levels[name]) for name, (low, high) in settings.hardware.input_ranges.items()}


def stage_input(name: str, x: np.ndarray, scalers: Scalers, stages, tally=None) -> np.ndarray:
    """Scale, clamp and quantise ``x`` (B, H, T, d) float32; identity when ``stages`` is None."""
    if stages is None:
        return x
    a, b = scalers.pair(name)
    scaled = a[None, :, None, None] * x + b[None, :, None, None]  # (B, H, T, d)
    stage = stages[name]
    values = clamp_and_quantize(scaled, stage.low, stage.high, stage.levels)
    if tally is not None:
        tally.add_moments(name, scaled)
        tally.add_clipped(name, count_outside(scaled, stage.low, stage.high), x.size)
        if name == "q":
            tally.add_query_pulses(values)
    return values


def key_stack(stored: np.ndarray, encoding: CellEncoding) -> np.ndarray:
    """Encoded keys for the score matmul: (B, H, n, W, d) stored values → (B, H, K, n·W) float64."""
    encoded = encoding.encode(stored, encoding.model.score_coefficients)  # (B, H, n, W, K)
    batch, heads, segments, width, columns = encoded.shape
    return np.ascontiguousarray(encoded.reshape(batch, heads, segments * width, columns).swapaxes(-1, -2))


def value_stack(stored: np.ndarray, encoding: CellEncoding) -> np.ndarray:
    """Encoded values for the output matmul: (B, H, n, W, d) stored values → (B, H, n, W, K) float64."""
    return encoding.encode(stored, encoding.model.output_coefficients)


def finish_output(z: np.ndarray, settings: Settings, scalers: Scalers, tally=None) -> np.ndarray:
    """Outputs y float32 of the kernel's sums ``z`` (B, H, Tq, d).

    Gain-cell modes: ``a_out·z + b_out`` per head, its moments recorded as ``out``; ideal modes: ``z``.
    """
    if not settings.mode.hardware:
        return z.astype(np.float32)
    a, b = scalers.pair("out")
    y = (a[None, :, None, None].astype(np.float64) * z + b[None, :, None, None]).astype(np.float32)
    if tally is not None:
        tally.add_moments("out", y)
    return y
