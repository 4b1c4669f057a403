"""A deliberately naive emulator for the tests: docs/paper.md §3 written out with dense T×T arrays.

Slow and memory-hungry (T×T per head), but a direct transcription of the
equations, independent of the tiled engine: every (query, key) pair is
formed, masked with the window, and keys are grouped into physical
sub-tiles by their ring slot ``(j mod M) // W``.
"""

import numpy as np


def quantize(x, low, high, levels):
    if levels is None:
        return x
    step = (high - low) / (levels - 1)
    return step * np.round(x / step)


def _live(T, window):
    """(T, T) bool: key j is in the window of query i, i - M < j ≤ i."""
    i = np.arange(T)[:, None]
    j = np.arange(T)[None, :]
    return (j <= i) & (j > i - window)


def _scaled_scores(q, k):
    """(B, H, T, T) q·kᵀ/√d in float64."""
    return np.einsum("bhid,bhjd->bhij", q.astype(np.float64), k.astype(np.float64)) / np.sqrt(q.shape[-1])


def bfloat16(x):
    """Nearest bfloat16 (ties to even) of float32 ``x``, by the bits: keep the top 16 of 32."""
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    keep = bits >> 16
    rest = bits & 0xFFFF
    up = (rest > 0x8000) | ((rest == 0x8000) & (keep & 1 == 1))
    return ((keep + up) << 16).astype(np.uint32).view(np.float32)


def gaincell(q, k, v, *, coefficients, window, decay_per_step=0.0, levels=(None, None, None),
             s_sat=80.0, s_out=40.0, rest=0.45, v_min=0.0, v_max=0.9, scalers=None, width=64,
             grouping="ring", qk_decay_dtype="float32"):
    """Paper §3 for one layer; ``coefficients`` c_0..c_P of I(y) [µA]; stored values in [v_min, v_max] [V];
    float64 throughout.  ``grouping="absolute"``: sub-tile of key j is j // W (training code);
    ``qk_decay_dtype="bfloat16"``: the score side uses bf16(bf16(D)^p), D = exp(-λ·lag) in float32."""
    B, H, T, d = q.shape
    a = scalers or {"q": (1.0, 0.0), "k": (1.0, rest), "v": (1.0, rest), "out": (1.0, 0.0)}
    qs = quantize(np.clip(a["q"][0] * q + a["q"][1], 0, 1), 0, 1, levels[0]).astype(np.float64)
    ks = quantize(np.clip(a["k"][0] * k + a["k"][1], v_min, v_max), v_min, v_max, levels[1]).astype(np.float64)
    vs = quantize(np.clip(a["v"][0] * v + a["v"][1], v_min, v_max), v_min, v_max, levels[1]).astype(np.float64)
    live = _live(T, window)
    lag = np.arange(T)[:, None] - np.arange(T)[None, :]  # i - j
    D = np.where(live, np.exp(-decay_per_step * lag), 0.0)
    yk, yv = ks - rest, vs - rest
    if qk_decay_dtype == "bfloat16":
        D1 = bfloat16(np.exp(np.float32(-decay_per_step) * np.maximum(lag, 0).astype(np.float32)))
        DQ = [np.ones((T, T))] + [np.where(live, bfloat16(D1**p), 0.0) for p in range(1, len(coefficients))]
    else:
        DQ = [D**p for p in range(len(coefficients))]
    S = np.zeros((B, H, T, T))
    for p, c in enumerate(coefficients):  # I(D·y) = Σ_p c_p·D^p·y^p, summed over d with weights q
        S += c * DQ[p] * np.einsum("bhid,bhjd->bhij", qs, yk**p)
    phi = np.where(live, np.clip(S / s_sat, 0, 1), 0.0)
    if grouping == "absolute":
        subtile_of_key, groups = np.arange(T) // width, -(-T // width)
    else:
        subtile_of_key, groups = (np.arange(T) % window) // width, -(-window // width)
    out = np.zeros((B, H, T, d))
    for s in range(groups):
        in_s = subtile_of_key == s
        g = np.zeros((B, H, T, d))
        for p, c in enumerate(coefficients):
            weights = np.where(in_s[None, :], phi * D**p, 0.0)
            g += c * np.einsum("bhij,bhjd->bhid", weights, yv**p)
        out += quantize(np.clip(g / s_out, -1, 1), -1, 1, levels[2])
    return a["out"][0] * out + a["out"][1]


def softmax(q, k, v, window):
    S = np.where(_live(q.shape[2], window), _scaled_scores(q, k), -np.inf)
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    return P @ v.astype(np.float64)


def hardsigmoid(q, k, v, window):
    return np.where(_live(q.shape[2], window), np.clip(_scaled_scores(q, k), 0, 1), 0.0) @ v.astype(np.float64)
