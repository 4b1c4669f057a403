"""Statistics of a run: clipping, φ at 0 and T_max, saturated sub-tiles, activity for the energy model."""

import numpy as np
from numpy.testing import assert_allclose

from archmodel.emulator import ActivityStatistics, Scalers, emulate
from archmodel.specs import load_chip, with_overrides


def test_query_pulse_fraction_is_the_mean_quantised_query():
    # every q = 0.31 → 5/15 on the 16-level grid; mean pulse width = 1/3 of T_max
    q = np.full((1, 1, 10, 4), 0.31, np.float32)
    k = v = np.zeros_like(q)
    activity = emulate(q, k, v, mode="gaincell_linear", q_levels=16).statistics.activity
    assert_allclose(activity.query_pulse_fraction, 1 / 3, rtol=1e-6)


def test_phi_fractions_by_hand():
    # d = 8, q = 1; key 0 stored 0.9 V (y = 0.45): S = 69.48 → φ = 0.8685; key 1 y = -0.45: S < 0 → φ = 0;
    # key 2 y = +0.45 with q = 1 → 0.8685; query 2 sees three keys.  Live entries: 1 + 2 + 3 = 6.
    q = np.ones((1, 1, 3, 8), np.float32)
    k = np.array([0.45, -0.45, 0.45], np.float32)[None, None, :, None].repeat(8, axis=3)
    statistics = emulate(q, k, np.zeros_like(q), mode="gaincell_linear").statistics
    phi = 19.3 * 8 * 0.45 / 80
    # φ per live entry: (0,0) φ; (1,0) φ, (1,1) 0; (2,0) φ, (2,1) 0, (2,2) φ → four φ, two zeros
    assert_allclose(statistics.phi_zero_fraction, 2 / 6)
    assert statistics.phi_saturated_fraction == 0.0
    assert_allclose(statistics.activity.phi_pulse_fraction, 4 * phi / 6, rtol=1e-6)


def test_phi_saturates_at_t_max():
    # d = 64 with q = 1 and y = 0.45: S = 19.3·64·0.45 = 555.8 ≫ 80 → every φ at T_max
    q = np.ones((1, 1, 4, 64), np.float32)
    k = np.full_like(q, 0.45)
    statistics = emulate(q, k, np.zeros_like(q), mode="gaincell_linear").statistics
    assert statistics.phi_saturated_fraction == 1.0 and statistics.phi_zero_fraction == 0.0
    assert statistics.activity.phi_pulse_fraction == 1.0


def test_clipped_fractions_and_saturated_subtiles():
    # q: 2 of 8 values outside [0, 1]; k (+0.45): 1 of 8 outside [0, 0.9]; v: none
    q = np.array([-0.5, 0.2, 0.4, 1.5, 0.5, 0.5, 0.5, 0.5], np.float32).reshape(1, 1, 1, 8)
    k = np.array([0.5, 0, 0, 0, 0, 0, 0, 0], np.float32).reshape(1, 1, 1, 8)
    v = np.full((1, 1, 1, 8), 0.45, np.float32)
    statistics = emulate(q, k, v, mode="gaincell_linear").statistics
    assert statistics.clipped_fraction == {"q": 2 / 8, "k": 1 / 8, "v": 0.0}
    # one token, one live sub-tile, 8 outputs: g = 19.3·φ·0.45 with φ = 19.3·(0.45·1)/80 ≈ 0.109 → 0.95 µA, /40 ≪ 1
    assert statistics.subtile_saturated_fraction == 0.0


def test_pre_clamp_moments_per_head():
    # a·x + b before clamping: head 0 x ≡ 1 with (a, b) = (2, 0.1) → mean 2.1, std 0
    q = np.ones((1, 2, 4, 3), np.float32)
    scalers = Scalers.initial(2).with_pair("q", np.array([2.0, 1.0]), np.array([0.1, 0.0]))
    moments = emulate(q, q, q, mode="gaincell_linear", scalers=scalers).statistics.pre_clamp
    assert_allclose(moments["q"].mean, [2.1, 1.0], rtol=1e-6)
    assert_allclose(moments["q"].std, [0.0, 0.0], atol=1e-6)
    assert set(moments) == {"q", "k", "v", "out"}


def test_ideal_modes_report_no_hardware_statistics():
    q = np.ones((1, 1, 3, 2), np.float32)
    statistics = emulate(q, q, q, mode="softmax").statistics
    assert statistics.activity is None and statistics.phi_zero_fraction is None and statistics.pre_clamp == {}


def test_activity_feeds_the_chip_spec(chip_path):
    activity = ActivityStatistics(query_pulse_fraction=0.3, phi_pulse_fraction=0.12, subtile_live_fraction=(1.0,))
    overrides = activity.as_chip_overrides()
    assert overrides == {"activity.query_pulse_fraction": 0.3, "activity.phi_pulse_fraction": 0.12}
    chip = with_overrides(load_chip(chip_path), overrides)
    assert chip.activity.query_pulse_fraction == 0.3 and chip.activity.phi_pulse_fraction == 0.12
