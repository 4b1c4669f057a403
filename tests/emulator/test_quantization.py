"""Quantisation grids of docs/paper.md §3: step = (max - min)/(levels - 1), step·round(x/step), anchored at 0."""

import numpy as np
from numpy.testing import assert_allclose

from archmodel.emulator.quantization import clamp_and_quantize, count_outside, quantize


def grid_of(minimum, maximum, levels):
    """Distinct values the quantiser produces over a dense sweep of [minimum, maximum]."""
    x = np.linspace(minimum, maximum, 100_001)
    return np.unique(quantize(x, minimum, maximum, levels))


def test_query_grid_has_16_values_k_over_15():
    # q in [0, 1], 16 levels: step 1/15, values 0, 1/15, ..., 1
    assert_allclose(grid_of(0.0, 1.0, 16), np.arange(16) / 15, atol=1e-12)


def test_storage_grid_has_8_values_k_times_0_9_over_7():
    # k, v in [0, 0.9] V, 8 levels: step 0.9/7 V
    assert_allclose(grid_of(0.0, 0.9, 8), np.arange(8) * 0.9 / 7, atol=1e-12)


def test_output_grid_has_33_values_anchored_at_zero():
    # [-1, 1] with 32 levels: step 2/31; round(x/step) runs over -16..16 → 33 values (docs/paper.md §3)
    values = grid_of(-1.0, 1.0, 32)
    assert len(values) == 33
    assert_allclose(values, np.arange(-16, 17) * 2 / 31, atol=1e-12)
    assert quantize(np.array([0.0]), -1.0, 1.0, 32)[0] == 0.0  # 0 is a grid point (a min-anchored grid would miss it)


def test_hand_values_and_dtype():
    x = np.array([0.31, 0.97, 0.02], dtype=np.float32)
    # 0.31·15 = 4.65 → 5/15; 0.97·15 = 14.55 → 15/15; 0.02·15 = 0.3 → 0
    got = quantize(x, 0.0, 1.0, 16)
    assert got.dtype == np.float32
    assert_allclose(got, [5 / 15, 1.0, 0.0], rtol=1e-6)


def test_none_levels_means_no_quantisation():
    x = np.array([0.123456])
    assert quantize(x, 0.0, 1.0, None) is x


def test_clamp_and_count_clipped_values():
    x = np.array([-0.1, 0.0, 0.5, 0.9, 0.95])
    assert count_outside(x, 0.0, 0.9) == 2  # -0.1 and 0.95 lie outside [0, 0.9]; the bounds themselves do not
    assert_allclose(clamp_and_quantize(x, 0.0, 0.9, None), [0.0, 0.0, 0.5, 0.9, 0.9])
    # clamp first, then quantise: 0.95 → 0.9 → 7 steps of 0.9/7
    assert_allclose(clamp_and_quantize(x, 0.0, 0.9, 8), [0.0, 0.0, 4 * 0.9 / 7, 0.9, 0.9])
