"""Additive read noise: reproducible by seed, relative to full scale."""

import numpy as np
from numpy.testing import assert_allclose

from archmodel.emulator import attention

from .conftest import random_qkv


def test_noise_is_reproducible_and_seeded():
    q, k, v = random_qkv(tokens=30, seed=8)
    clean = attention(q, k, v, mode="gaincell_cubic")
    first = attention(q, k, v, mode="gaincell_cubic", noise=0.05, seed=1)
    assert_allclose(attention(q, k, v, mode="gaincell_cubic", noise=0.05, seed=1), first, rtol=0, atol=0)
    assert not np.array_equal(attention(q, k, v, mode="gaincell_cubic", noise=0.05, seed=2), first)
    assert not np.array_equal(first, clean)
    assert_allclose(attention(q, k, v, mode="gaincell_cubic", noise=0.0, seed=1), clean, rtol=0, atol=0)


def test_noise_on_one_subtile_output_has_the_given_spread():
    # One token whose sub-tile output sits at 0 (v at rest, y = 0, linear model): y = noise only,
    # clamped to [-1, 1]; std 0.1 of full scale → sample std ≈ 0.1 over 64 outputs × 200 heads.
    q = np.ones((1, 200, 1, 64), np.float32)
    k = np.zeros_like(q)
    y = attention(q, k, k, mode="gaincell_linear", noise=0.1, seed=3)
    assert_allclose(y.std(), 0.1, rtol=0.05)
