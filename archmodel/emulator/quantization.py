"""Clamping and uniform quantisation, exactly as the paper's functional model.

Quantisation (docs/paper.md §3): ``step = (max - min)/(levels - 1)``,
``x_q = step·round(x/step)``.  The grid is anchored at 0, not at ``min``;
rounding is half-to-even (numpy's and torch's ``round``).  For [-1, 1]
with 32 levels this gives 33 possible values (±16 steps of 2/31).
"""

from __future__ import annotations

import numpy as np


def quantization_step(minimum: float, maximum: float, levels: int) -> float:
    """Grid step (max - min)/(levels - 1) [same unit as the range]."""
    return (maximum - minimum) / (levels - 1)


def readout_step(levels: int | None) -> float:
    """Step 2/(levels - 1) of the signed readout on [-1, 1]; 1.0 without quantisation (``None``) [-]."""
    return 1.0 if levels is None else quantization_step(-1.0, 1.0, levels)


def quantize(x: np.ndarray, minimum: float, maximum: float, levels: int | None) -> np.ndarray:
    """``step·round(x/step)`` on the grid of ``levels`` over [minimum, maximum].

    ``levels=None`` returns ``x`` unchanged (quantisation switched off).
    The result keeps the dtype of ``x``.
    """
    if levels is None:
        return x
    step = quantization_step(minimum, maximum, levels)
    return step * np.rint(x / step)


def clamp_and_quantize(x: np.ndarray, minimum: float, maximum: float, levels: int | None) -> np.ndarray:
    """Clip ``x`` to [minimum, maximum], then quantise (dtype of ``x`` kept)."""
    return quantize(np.clip(x, minimum, maximum), minimum, maximum, levels)


def count_outside(x: np.ndarray, minimum: float, maximum: float) -> int:
    """Number of entries of ``x`` outside [minimum, maximum] (those the clamp changes) [-]."""
    return int(np.count_nonzero(x < minimum)) + int(np.count_nonzero(x > maximum))


def round_to_bfloat16(x: np.ndarray) -> np.ndarray:
    """``x`` rounded to the nearest bfloat16 (ties to even), returned as float32.

    bfloat16 keeps the top 16 bits of a float32 (8 exponent bits, 7 mantissa
    bits): add 0x7FFF plus the lowest kept bit, then drop the low 16 bits —
    torch's ``x.to(torch.bfloat16)`` for finite values.
    """
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    rounded = (bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))) & np.uint32(0xFFFF0000)
    return rounded.view(np.float32)
