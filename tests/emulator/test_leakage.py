"""Leakage D = exp(-λ·Δ) on a hand-made case, and λ from the chip's τ and a time per token."""

import math

import numpy as np
from numpy.testing import assert_allclose

from archmodel.emulator import attention


def lone_key_inputs(tokens):
    """d = 1; every query pulse 1; only token 0 stores a non-zero deviation (k, v at 0.9 V)."""
    q = np.ones((1, 1, tokens, 1), np.float32)
    k = np.zeros((1, 1, tokens, 1), np.float32)
    v = np.zeros((1, 1, tokens, 1), np.float32)
    k[..., 0, 0] = v[..., 0, 0] = 0.45  # stored 0.9 V, y = 0.45; the others rest at 0.45 V (y = 0)
    return q, k, v


def test_linear_output_decays_as_exp_minus_two_lambda_delta():
    # Query Δ sees key 0 at age Δ: S = 19.3·0.45·e^{-λΔ}, φ = S/80, g = 19.3·φ·e^{-λΔ}·0.45 (D on both
    # products, docs/paper.md §3), so y_Δ = 19.3²·0.45²·e^{-2λΔ}/(80·40); keys 1.. carry y = 0.
    lam, tokens = 0.01, 101
    y = attention(*lone_key_inputs(tokens), mode="gaincell_linear", decay_per_step=lam)[0, 0, :, 0]
    delta = np.arange(tokens)
    assert_allclose(y, 19.3**2 * 0.45**2 * np.exp(-2 * lam * delta) / 3200, rtol=1e-6)
    assert_allclose(y[100] / y[0], math.exp(-2.0), rtol=1e-6)  # Δ = 100, λΔ = 1 per product


def test_key_leaves_the_window():
    y = attention(*lone_key_inputs(12), mode="gaincell_linear", window=5, decay_per_step=0.01)[0, 0, :, 0]
    assert np.all(y[:5] > 0) and np.all(y[5:] == 0)  # query i ≥ 5 no longer holds token 0 (M = 5)


def test_lambda_from_time_per_token(chip_path):
    # λ = Δt/τ = 1e-4 s / 5 ms = 0.02 per step
    by_time = attention(*lone_key_inputs(20), mode="gaincell_linear", time_per_token=1e-4, chip=chip_path,
                        quantize=False)
    direct = attention(*lone_key_inputs(20), mode="gaincell_linear", decay_per_step=0.02)
    assert_allclose(by_time, direct, rtol=1e-6)


def test_long_sequences_stay_finite_under_strong_leakage():
    # λ = 2 per step: factors e^{±pλ·Δ} are rebased (tiles, ring reference) so nothing overflows
    q, k, v = lone_key_inputs(300)
    for path in ("prefill", "decode"):
        y = attention(q, k, v, mode="gaincell_cubic", decay_per_step=2.0, window=256, path=path)
        assert np.all(np.isfinite(y))
    assert_allclose(attention(q, k, v, mode="gaincell_cubic", decay_per_step=2.0, window=256),
                    attention(q, k, v, mode="gaincell_cubic", decay_per_step=2.0, window=256, path="decode"),
                    rtol=0, atol=1e-6)
