"""The training code's semantics as options: absolute sub-tile grouping and a bfloat16 decay on the QK side.

Expected values come from the naive dense emulator of ``reference.py``
(sub-tile of key j: ``(j mod M) // W`` for the ring, ``j // W`` for absolute
grouping; bf16 decay by bit manipulation), independent of the tiled engine.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel.cli import run
from archmodel.emulator import HardwareParameters, attention
from archmodel.emulator.quantization import round_to_bfloat16
from archmodel.specs.errors import UsageError
from tests.emulator import reference
from tests.emulator.conftest import random_qkv

#: A chip with 2-token sub-tiles so that a few tokens wrap the ring, and a sub-tile clamp at 2 µA
#: (instead of 40) so that the clamp binds on small inputs.
SMALL = HardwareParameters(subtile_width=2, output_saturation=2.0)


def strong_values(tokens, seed=3):
    """q, k, v (1, 1, T, 4) whose sub-tile outputs saturate the ±1 clamp (so grouping matters)."""
    q, k, v = random_qkv(heads=1, tokens=tokens, dim=4, seed=seed)
    return np.abs(q) + 0.5, np.abs(k) + 0.2, 3.0 * v


def emulate_linear(q, k, v, window, **options):
    return attention(q, k, v, mode="gaincell_linear", window=window, chip=SMALL, quantize=False, **options)


def naive_linear(q, k, v, window, **options):
    return reference.gaincell(q, k, v, coefficients=(0.0, 19.3), window=window, width=2, s_out=2.0, **options)


@pytest.mark.parametrize("window", [4, 3])  # W divides M; W does not divide M
@pytest.mark.parametrize("grouping", ["ring", "absolute"])
def test_grouping_matches_the_naive_reference(window, grouping):
    q, k, v = strong_values(tokens=9)
    assert_allclose(emulate_linear(q, k, v, window, grouping=grouping),
                    naive_linear(q, k, v, window, grouping=grouping), rtol=1e-5, atol=1e-5)


def test_ring_and_absolute_differ_only_after_the_window_wraps():
    """M = 4, W = 2: before token M both group keys {0,1}, {2,3}.  Query 4 sees keys 1-4: the ring holds
    key 4 in slot 0 beside key 1 (sub-tile {4, 1}, {2, 3}), absolute grouping clamps {1}, {2, 3}, {4}."""
    q, k, v = strong_values(tokens=9)
    ring = emulate_linear(q, k, v, 4, grouping="ring")
    absolute = emulate_linear(q, k, v, 4, grouping="absolute")
    assert_allclose(ring[:, :, :4], absolute[:, :, :4], rtol=0, atol=0)
    assert np.abs(ring[:, :, 4] - absolute[:, :, 4]).max() > 0.1


def test_hand_built_case_where_the_ring_folds_two_rounds_into_one_clamp():
    """M = 3, W = 2, query 3 sees keys 1, 2, 3.  Ring: slots 1, 2, 0, so key 3 (slot 0) shares sub-tile 0
    with key 1 (slot 1) and key 2 is alone in sub-tile 1; absolute: groups {1} and {2, 3}.

    One channel, the paper's start scalers (k, v stored at x + 0.45 V, so y = x), linear cell 19.3 µA/V:
    every key has φ = 19.3·0.45/80 (q = 1, y_k = 0.45 V) and adds φ·19.3·y_v/S_out to its group before
    the ±1 clamp.  With S_out = 0.5 each share is ±6.7, so every group sum clamps:
    ring = clamp(s1 + s3) + clamp(s2) = 1 - 1 = 0; absolute = clamp(s1) + clamp(s2 + s3) = 1 + 0 = 1."""
    tokens, y = 4, np.array([0.0, 0.4, -0.4, 0.4])  # y_v of keys 0-3 [V]
    q = np.ones((1, 1, tokens, 1), np.float32)
    k = np.full((1, 1, tokens, 1), 0.45, np.float32)
    v = y.reshape(1, 1, tokens, 1).astype(np.float32)
    chip = HardwareParameters(subtile_width=2, output_saturation=0.5)
    share = (19.3 * 0.45 / 80.0) * 19.3 * y / 0.5
    assert np.all(np.abs(share[1:]) > 1)  # each share alone saturates
    options = dict(mode="gaincell_linear", window=3, chip=chip, quantize=False)
    ring = attention(q, k, v, grouping="ring", **options)[0, 0, 3, 0]
    absolute = attention(q, k, v, grouping="absolute", **options)[0, 0, 3, 0]
    assert_allclose([ring, absolute], [0.0, 1.0], atol=1e-6)


def test_round_to_bfloat16_known_values():
    """bfloat16 keeps 8 significant bits: spacing 2^-7 in [1, 2), 2^-8 in [0.5, 1); ties go to even."""
    x = np.array([1.0, 1 + 2**-8, 1 + 3 * 2**-8, 0.999, 0.5 + 2**-10, np.exp(-1.6e-4 * 100)], np.float32)
    expected = [1.0, 1.0, 1 + 2**-6, 1.0, 0.5, 0.984375]  # exp(-0.016) = 0.98413 → nearest multiple of 2^-8
    assert_allclose(round_to_bfloat16(x), expected, rtol=0, atol=0)
    assert_allclose(reference.bfloat16(x), expected, rtol=0, atol=0)


@pytest.mark.parametrize("mode, coefficients", [
    ("gaincell_cubic", HardwareParameters().cubic_coefficients),
    ("gaincell_linear", (0.0, 19.3)),
])
def test_bfloat16_qk_decay_matches_the_naive_reference(mode, coefficients):
    q, k, v = random_qkv(heads=2, tokens=30, dim=8, seed=5)
    decay = 3e-3  # lags up to 29 give D from 1 to 0.917: several bf16 steps
    got = attention(q, k, v, mode=mode, window=16, decay_per_step=decay, qk_decay_dtype="bfloat16")
    expected = reference.gaincell(q, k, v, coefficients=coefficients, window=16, decay_per_step=decay,
                                  qk_decay_dtype="bfloat16")
    assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    plain = attention(q, k, v, mode=mode, window=16, decay_per_step=decay)
    assert np.abs(plain - got).max() > 1e-3 * np.abs(got).max()  # the rounding is visible (≈ 0.5 %)


@pytest.mark.parametrize("options, message", [
    (dict(mode="gaincell_cubic", grouping="diagonal"), "grouping must be one of ring, absolute"),
    (dict(mode="gaincell_cubic", qk_decay_dtype="float16"), "qk_decay_dtype must be one of float32, bfloat16"),
    (dict(mode="softmax", grouping="absolute"), "is ideal"),
    (dict(mode="gaincell_cubic", grouping="absolute", path="decode"), "prefill path only"),
    (dict(mode="gaincell_cubic", qk_decay_dtype="bfloat16", path="decode"), "prefill path only"),
    (dict(mode="gaincell_cubic", grouping="absolute", noise=0.01), "needs grouping 'ring'"),
])
def test_bad_options_are_one_line_errors(options, message):
    q, k, v = random_qkv(tokens=8)
    with pytest.raises(UsageError, match=message):
        attention(q, k, v, **options)


def test_emulate_cli_takes_the_options(chip_path, capsys):
    args = ["emulate", "--chip", str(chip_path), "--mode", "gaincell_cubic", "--tokens", "80", "--heads", "1",
            "--window", "64", "--json"]
    assert run(args + ["--grouping", "absolute", "--qk-decay-dtype", "bfloat16", "--decay-per-step", "1e-3"]) == 0
    assert '"mode": "gaincell_cubic"' in capsys.readouterr().out
    assert run(args + ["--grouping", "slots"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "grouping must be one of ring, absolute, got 'slots'" in error
