"""Statistics-matching adaptation of per-head scalers (docs/paper.md §3, "Adaptation algorithm")."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel.emulator import HardwareParameters, Moments, Scalers, adapt_scalers, emulate, relative_l2_error
from archmodel.emulator.adapt import step_size
from archmodel.emulator.scalers import range_matched_scalers
from archmodel.specs import UsageError


def test_step_size_schedule():
    # α falls linearly from 1.0 to 0.1 over 50 iterations (n = 0 … 49), then stays at 0.1
    assert step_size(0) == 1.0
    assert_allclose(step_size(25), 1.0 - 0.9 * 25 / 49)
    assert step_size(49) == pytest.approx(0.1) and step_size(99) == 0.1


def test_matches_an_affine_forward_exactly():
    # forward: moments of a·x + b for fixed x (mean 2, std 3) → targets mean 0.5, std 0.25 are met by
    # a = 0.25/3, b = 0.5 - a·2
    x = np.random.default_rng(0).normal(2.0, 3.0, 10_000)
    x = (x - x.mean()) / x.std() * 3.0 + 2.0

    def forward(scalers):
        a, b = scalers.pair("q")
        y = a[:, None] * x[None, :] + b[:, None]  # (H, N)
        return {"q": Moments(y.mean(axis=1), y.std(axis=1))}

    target = {"q": Moments(np.array([0.5]), np.array([0.25]))}
    result = adapt_scalers(forward, Scalers.initial(1), target)
    assert result.converged and result.history[-1] <= 1e-4 and result.iterations == len(result.history) < 100
    a, b = result.scalers.pair("q")
    assert_allclose(a, 0.25 / 3, atol=1e-4)
    assert_allclose(b, 0.5 - 2 * 0.25 / 3, atol=1e-3)


def test_cubic_model_adapts_to_the_linear_model():
    # The paper's use: record the linear model's pre-clamp statistics, start the cubic model from the
    # linear model's scalers, iterate.  Statistics converge and the cubic output moves toward the linear one.
    generator = np.random.default_rng(1)
    q, k, v = (generator.normal(0.0, 1.0, (1, 2, 96, 16)).astype(np.float32) for _ in range(3))
    scalers = range_matched_scalers(q, k, v, HardwareParameters())
    common = dict(window=64, decay_per_step=1.6e-4, q_levels=16, kv_levels=8, out_levels=32)
    linear = emulate(q, k, v, mode="gaincell_linear", scalers=scalers, **common)

    def forward(trial):
        return emulate(q, k, v, mode="gaincell_cubic", scalers=trial, **common).statistics.pre_clamp

    result = adapt_scalers(forward, scalers, linear.statistics.pre_clamp)
    assert result.converged and result.history[-1] <= 1e-4
    # the start is far from the targets: the first deviation is 100× what convergence leaves (≤ the 1e-4
    # threshold), so the loop did real work; measured 0.029 → 9.2e-5 in 4 passes (ratio 315)
    assert result.history[0] > 100 * result.history[-1]
    before = emulate(q, k, v, mode="gaincell_cubic", scalers=scalers, **common).output
    after = emulate(q, k, v, mode="gaincell_cubic", scalers=result.scalers, **common).output
    error_before, error_after = relative_l2_error(before, linear.output), relative_l2_error(after, linear.output)
    # measured: 1.27 → 0.83 (ratio 0.65); 0.7 asks for a clear improvement with a 7 % margin for BLAS rounding
    assert error_after < 0.7 * error_before


def test_forward_without_the_statistics():
    with pytest.raises(UsageError, match="no pre-clamp statistics for out"):
        adapt_scalers(lambda s: {}, Scalers.initial(1), {"out": Moments(np.zeros(1), np.ones(1))})
