"""Mistakes a user can make give a UsageError (or SpecError) with a clear one-line message."""

import numpy as np
import pytest

from archmodel.emulator import Scalers, attention
from archmodel.specs import SpecError, UsageError

from .conftest import random_qkv


@pytest.fixture
def qkv():
    return random_qkv(tokens=8)


def test_mismatched_shapes(qkv):
    q, k, v = qkv
    with pytest.raises(UsageError, match=r"same shape .* v \(1, 2, 7, 8\)"):
        attention(q, k, v[:, :, :7], mode="gaincell_linear")


def test_not_four_dimensional(qkv):
    q, k, v = qkv
    with pytest.raises(UsageError, match=r"q must be a 4-D array \(B, H, T, d\), got shape \(8, 8\)"):
        attention(q[0, 0], k, v, mode="softmax")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs(qkv, bad):
    q, k, v = qkv
    k = k.copy()
    k[0, 1, 3, 2] = bad
    with pytest.raises(UsageError, match=r"k contains NaN or infinite values \(1 of 128\)"):
        attention(q, k, v, mode="gaincell_cubic")


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_bad_window(qkv, window):
    with pytest.raises(UsageError, match="window must be a positive integer"):
        attention(*qkv, mode="softmax_window", window=window)


@pytest.mark.parametrize("levels", [1, 0, 2.0])
def test_bad_levels(qkv, levels):
    with pytest.raises(UsageError, match=r"kv_levels must be an integer ≥ 2"):
        attention(*qkv, mode="gaincell_linear", kv_levels=levels)


@pytest.mark.parametrize("kwargs, message", [
    (dict(mode="flash"), "unknown mode 'flash'; expected one of softmax, softmax_window, hardsigmoid"),
    (dict(mode="gaincell_cubic", path="batch"), "unknown path 'batch'"),
    (dict(mode="gaincell_cubic", noise=-0.1), "noise must be a finite number ≥ 0"),
    (dict(mode="gaincell_cubic", decay_per_step=-1e-4), "decay_per_step must be a finite number ≥ 0"),
    (dict(mode="gaincell_cubic", decay_per_step=1e-4, time_per_token=1e-6), "not both"),
    (dict(mode="gaincell_cubic", seed=-1), "seed must be a non-negative integer"),
    (dict(mode="softmax", window=64), "takes no window"),
    (dict(mode="softmax_window", q_levels=16), "ideal: q_levels only apply to gain-cell modes"),
    (dict(mode="gaincell_linear", scalers=Scalers.initial(3)), "scalers are for 3 heads, the inputs have 2"),
])
def test_bad_options(qkv, kwargs, message):
    with pytest.raises(UsageError, match=message):
        attention(*qkv, **kwargs)


def test_bad_scaler_shape():
    pairs = Scalers.initial(2).as_dict()
    pairs["b_q"] = np.zeros(3)
    with pytest.raises(UsageError, match=r"scaler b_q must have shape \(H,\) like a_q \(2,\), got \(3,\)"):
        Scalers.from_mapping(pairs)


def test_missing_chip_file(qkv, tmp_path):
    with pytest.raises(SpecError, match="file not found"):
        attention(*qkv, mode="gaincell_linear", chip=tmp_path / "nope.json")


def test_chip_levels_and_quantize_switch(qkv, chip_path):
    # with a chip, its levels (16/8/32) apply; quantize=False ignores them; explicit levels always apply
    q, k, v = qkv
    with_chip = attention(q, k, v, mode="gaincell_linear", chip=chip_path)
    assert np.array_equal(with_chip, attention(q, k, v, mode="gaincell_linear", q_levels=16, kv_levels=8, out_levels=32))
    assert np.array_equal(attention(q, k, v, mode="gaincell_linear", chip=chip_path, quantize=False),
                          attention(q, k, v, mode="gaincell_linear"))
    only_q = attention(q, k, v, mode="gaincell_linear", chip=chip_path, quantize=False, q_levels=16)
    assert np.array_equal(only_q, attention(q, k, v, mode="gaincell_linear", q_levels=16))
