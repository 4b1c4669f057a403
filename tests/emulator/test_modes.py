"""Each mode on a case small enough to compute by hand (docs/paper.md §3 for the gain-cell modes)."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel.emulator import HardwareParameters, attention

C0, C1, C2, C3 = HardwareParameters().cubic_coefficients  # µA, collapsed eq. 4 (≈ 0.5214, 13.612, -2.6204, 46.055)


def as_input(rows):
    """Token rows (T, d) → float32 (1, 1, T, d)."""
    return np.asarray(rows, dtype=np.float32)[None, None]


def test_softmax_two_tokens():
    q, k, v = as_input([[1.0], [2.0]]), as_input([[0.0], [1.0]]), as_input([[3.0], [5.0]])
    y = attention(q, k, v, mode="softmax")[0, 0, :, 0]
    # token 0 sees only itself; token 1: scores q1·k/√1 = [0, 2] → weights [1, e²]/(1 + e²)
    e2 = math.exp(2.0)
    assert_allclose(y, [3.0, (3.0 + 5.0 * e2) / (1.0 + e2)], rtol=1e-6)


def test_softmax_window_drops_old_tokens():
    q = as_input([[1.0], [1.0], [1.0]])
    k = as_input([[5.0], [0.0], [1.0]])
    v = as_input([[7.0], [1.0], [2.0]])
    y = attention(q, k, v, mode="softmax_window", window=2)[0, 0, :, 0]
    # token 2 sees tokens 1 and 2 only (window 2): scores [0, 1] → (1 + 2e)/(1 + e)
    e = math.exp(1.0)
    assert_allclose(y[2], (1.0 + 2.0 * e) / (1.0 + e), rtol=1e-6)
    assert_allclose(attention(q, k, v, mode="softmax_window", window=1)[0, 0], v[0, 0], rtol=1e-7)  # M = 1: y_i = v_i


def test_hardsigmoid_clamps_scores():
    # d = 4, so scores are q·k/2; φ = clamp(score, 0, 1); y = Σ φ·v (no normalisation)
    q = as_input([[1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0]])
    k = as_input([[1, 0, 0, 0], [3, 0, 0, 0], [-1, 0, 0, 0]])
    v = as_input([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
    y = attention(q, k, v, mode="hardsigmoid")[0, 0]
    # token 0: φ = 1/2; token 1: [1/2, 3/2 → 1]; token 2: [1/2, 3/2 → 1, -1/2 → 0]
    assert_allclose(y, [[0.5, 0, 0, 0], [0.5, 1, 0, 0], [0.5, 1, 0, 0]], atol=1e-7)


def test_gaincell_linear_one_token_by_hand():
    # default scalers: stored k = k + 0.45, so y_k = k; d = 4, q pulses of 1 (no quantisation)
    q = as_input([[1.0, 1.0, 1.0, 1.0]])
    k = as_input([[0.45, 0.45, 0.45, 0.45]])
    v = as_input([[0.45, -0.45, 0.2, 0.0]])
    y = attention(q, k, v, mode="gaincell_linear")[0, 0, 0]
    # S = 19.3·4·0.45 = 34.74 µA → φ = 34.74/80 = 0.43425; A = 19.3·φ·y_v/40
    phi = 19.3 * 4 * 0.45 / 80
    assert_allclose(y, 19.3 * phi * np.array([0.45, -0.45, 0.2, 0.0]) / 40, rtol=1e-6, atol=1e-7)  # float32 inputs


def test_gaincell_linear_clamps_phi_and_subtile_output():
    # d = 8, q = 1, y_k = 0.45: S = 19.3·8·0.45 = 69.48 → φ = 0.8685; two tokens with the same key:
    # g = 19.3·(φ + φ)·0.45 = 15.09 → /40 = 0.377 (no clamp). With y_v = 0.45 and 64 tokens it would clamp.
    tokens = 64
    q = np.ones((1, 1, tokens, 8), np.float32)
    k = np.full((1, 1, tokens, 8), 0.45, np.float32)
    v = np.full((1, 1, tokens, 8), 0.45, np.float32)
    y = attention(q, k, v, mode="gaincell_linear")[0, 0, :, 0]
    phi = 19.3 * 8 * 0.45 / 80
    expected = np.minimum(19.3 * phi * 0.45 * np.arange(1, tokens + 1) / 40, 1.0)  # clamp at 1 from token 5 on
    assert_allclose(y, expected, rtol=1e-6)
    assert y[-1] == 1.0


def test_gaincell_linear_quantised_by_hand():
    # d = 8.  q 0.31 → 0.31·15 = 4.65 → 5/15 (16 levels).  k, v+ 0.4 → stored 0.85 V → 0.85/(0.9/7) = 6.61
    # → 7 steps = 0.9 V, y = +0.45;  v- -0.4 → stored 0.05 V → 0.39 → 0 V, y = -0.45  (8 levels).
    q = np.full((1, 1, 1, 8), 0.31, np.float32)
    k = np.full((1, 1, 1, 8), 0.4, np.float32)
    v = np.array([0.4, -0.4] * 4, np.float32).reshape(1, 1, 1, 8)
    y = attention(q, k, v, mode="gaincell_linear", q_levels=16, kv_levels=8, out_levels=32)[0, 0, 0]
    phi = 19.3 * 8 * (5 / 15) * 0.45 / 80  # 0.28950
    subtile = 19.3 * phi * 0.45 / 40  # 0.06286 = 0.974 output steps of 2/31
    assert_allclose(subtile / (2 / 31), 0.974, rtol=1e-3)
    assert_allclose(y, [2 / 31, -2 / 31] * 4, rtol=1e-6)  # rounds to ±1 step


def current(y):
    """Collapsed cubic cell current I(y) [µA]."""
    return C0 + C1 * y + C2 * y**2 + C3 * y**3


def test_gaincell_cubic_single_cell_by_hand():
    # d = 1, q = 1: S = I(0.45) ≈ 10.313 µA, φ = S/80; g = φ·I(-0.45) ≈ φ·(-10.331); A = g/40
    y = attention(as_input([[1.0]]), as_input([[0.45]]), as_input([[-0.45]]), mode="gaincell_cubic")[0, 0, 0, 0]
    assert_allclose(current(0.45), 10.3129, rtol=1e-4)
    assert_allclose(y, current(0.45) / 80 * current(-0.45) / 40, rtol=1e-6)


def test_gaincell_cubic_leakage_multiplies_each_power():
    # two tokens, d = 1, λ = 0.1: token 1 sees key 0 at age 1, so its cell gives I(e^-0.1·y) (y^p·D^p)
    lam, D = 0.1, math.exp(-0.1)
    q, k, v = as_input([[1.0], [0.5]]), as_input([[0.45], [-0.3]]), as_input([[0.2], [-0.1]])
    y = attention(q, k, v, mode="gaincell_cubic", decay_per_step=lam)[0, 0, :, 0]
    phi_10 = np.clip(0.5 * current(D * 0.45) / 80, 0, 1)
    phi_11 = np.clip(0.5 * current(-0.3) / 80, 0, 1)
    g_1 = phi_10 * current(D * 0.2) + phi_11 * current(-0.1)  # both keys in sub-tile 0
    assert_allclose(y[1], np.clip(g_1 / 40, -1, 1), rtol=1e-6)


@pytest.mark.parametrize("mode", ["gaincell_linear", "gaincell_cubic"])
def test_scalers_apply_per_head(mode):
    from archmodel.emulator import Scalers

    q = np.ones((1, 2, 1, 1), np.float32)
    k = np.full((1, 2, 1, 1), 0.45, np.float32)
    v = np.full((1, 2, 1, 1), 0.45, np.float32)
    scalers = Scalers.initial(2).with_pair("out", np.array([1.0, 2.0]), np.array([0.0, 0.5]))
    y = attention(q, k, v, mode=mode, scalers=scalers)[0, :, 0, 0]
    assert_allclose(y[1], 2.0 * y[0] + 0.5, rtol=1e-6)  # head 1: a_out = 2, b_out = 0.5 on the same Σ A
