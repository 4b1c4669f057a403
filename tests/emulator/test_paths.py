"""Prefill (tiled) and decode (ring buffer) agree, and both match the naive dense transcription."""

import pytest
from numpy.testing import assert_allclose

import archmodel.emulator
from archmodel.emulator import HardwareParameters, attention, emulate

from . import reference
from .conftest import random_qkv

MODES = list(archmodel.emulator.MODES)
HARDWARE = dict(q_levels=16, kv_levels=8, out_levels=32, decay_per_step=2e-3, noise=0.02, seed=7)


def options(mode, window):
    if mode == "softmax":
        return {}
    if mode.startswith("gaincell"):
        return dict(window=window, **HARDWARE)
    return dict(window=window)


# T = 150 is no multiple of 64; windows 64 and 96 make T > M (the ring wraps); 96 leaves a
# partial last sub-tile of 32 slots; 1024 > T exercises the padded last sub-tile.
CASES = [("softmax", None)] + [(mode, window) for mode in MODES[1:] for window in (64, 96, 1024)]


@pytest.mark.parametrize("mode, window", CASES)
def test_prefill_equals_decode(mode, window):
    q, k, v = random_qkv(batch=2, heads=2, tokens=150, dim=8, seed=1)
    prefill = attention(q, k, v, mode=mode, path="prefill", **options(mode, window))
    decode = attention(q, k, v, mode=mode, path="decode", **options(mode, window))
    assert_allclose(decode, prefill, rtol=0, atol=1e-6)


def test_prefill_tiles_do_not_change_the_result():
    from archmodel.emulator.prefill import prefill
    from archmodel.emulator.scalers import Scalers
    from archmodel.emulator.settings import resolve

    q, k, v = random_qkv(tokens=150, seed=2)
    settings = resolve("gaincell_cubic", tokens=150, window=96, **HARDWARE)
    scalers = Scalers.initial(2)
    whole = prefill(q, k, v, settings, scalers, query_tile=150)
    for tile in (1, 17, 64):
        assert_allclose(prefill(q, k, v, settings, scalers, query_tile=tile), whole, rtol=0, atol=1e-6)


@pytest.mark.parametrize("levels", [(None, None, None), (16, 8, 32)])
@pytest.mark.parametrize("window", [50, 128, 1024])
@pytest.mark.parametrize("mode", ["gaincell_linear", "gaincell_cubic"])
def test_gaincell_matches_dense_transcription(mode, window, levels):
    # tokens 100 < 128: sub-tile 1 is padded (36 of 64 columns); window 50 < T wraps the ring
    hardware = HardwareParameters()
    coefficients = hardware.linear_coefficients if mode == "gaincell_linear" else hardware.cubic_coefficients
    q, k, v = random_qkv(batch=1, heads=2, tokens=100, dim=8, seed=3)
    y = attention(q, k, v, mode=mode, window=window, decay_per_step=1e-3,
                  q_levels=levels[0], kv_levels=levels[1], out_levels=levels[2])
    expected = reference.gaincell(q, k, v, coefficients=coefficients, window=window, decay_per_step=1e-3, levels=levels)
    assert_allclose(y, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize("window", [30, 1024])
def test_ideal_modes_match_dense_transcription(window):
    q, k, v = random_qkv(tokens=70, seed=4)
    assert_allclose(attention(q, k, v, mode="softmax_window", window=window), reference.softmax(q, k, v, window),
                    rtol=0, atol=1e-6)
    assert_allclose(attention(q, k, v, mode="hardsigmoid", window=window), reference.hardsigmoid(q, k, v, window),
                    rtol=0, atol=1e-6)
    assert_allclose(attention(q, k, v, mode="softmax"), reference.softmax(q, k, v, 70), rtol=0, atol=1e-6)


def test_padding_of_a_partial_subtile():
    # T = 100: query i sees min(i + 1, 64) columns of sub-tile 0 and max(0, i - 63) of sub-tile 1.
    # Mean live fraction over 100 queries: (Σ_{1..64} + 36·64)/6400 = 4384/6400 and Σ_{1..36}/6400 = 666/6400.
    q, k, v = random_qkv(tokens=100, seed=5)
    for path in ("prefill", "decode"):
        live = emulate(q, k, v, mode="gaincell_linear", path=path).statistics.activity.subtile_live_fraction
        assert_allclose(live[:2], [4384 / 6400, 666 / 6400], rtol=1e-12)
        assert not any(live[2:])


def test_window_wraps_the_ring_buffer():
    # M = 96 (one full and one half sub-tile): after warm-up every query sees 96 live cells: 64 + 32.
    q, k, v = random_qkv(tokens=400, seed=6)
    live = emulate(q, k, v, mode="gaincell_linear", window=96).statistics.activity.subtile_live_fraction
    # warm-up: queries 0..95 see i + 1 cells; sub-tile 0 columns: Σ_{i<64}(i+1) + 336·64; sub-tile 1 (32 columns):
    # Σ_{i=64..95}(i - 63) + 304·32 over 400 queries
    assert_allclose(live, [(2080 + 336 * 64) / (400 * 64), (528 + 304 * 32) / (400 * 32)], rtol=1e-12)
