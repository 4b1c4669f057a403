"""Adaptation ("initialisation") of per-head scalers by statistics matching (Leroux 2025).

A pre-trained model cannot be mapped directly onto the non-linear
hardware; the authors record, in the linear model, the per-head mean and
standard deviation of ``a·x + b`` before clamping (q, k, v and head
output) and then, with no gradients, repeat forward passes of the cubic
model on one batch, moving each scaler toward those targets
(docs/paper.md §3, "Adaptation algorithm")::

    if |std - target_std| > 1e-4:    a ← α·(a·target_std/std) + (1 - α)·a
    if |mean - target_mean| > 1e-4:  b ← α·(b + target_mean - mean) + (1 - α)·b

α falls linearly from 1.0 to 0.1 over the first 50 iterations and stays at
0.1; the loop stops when every statistic is within the threshold or after
100 forward passes.  Any forward function works that maps
:class:`~archmodel.emulator.Scalers` to pre-clamp :class:`Moments` per
scaler name, e.g. ``lambda s: emulate(q, k, v, mode=..., scalers=s).statistics.pre_clamp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Mapping

import numpy as np

from archmodel.emulator.scalers import Scalers
from archmodel.emulator.statistics import Moments
from archmodel.specs.errors import UsageError

Forward = Callable[[Scalers], Mapping[str, Moments]]


@dataclass(frozen=True)
class AdaptationResult:
    """Adapted scalers, whether all statistics met the threshold, and
    ``history[n]`` = the largest |statistic - target| over all scalers and heads at pass n."""

    scalers: Scalers
    converged: bool
    history: tuple[float, ...]

    @property
    def iterations(self) -> int:
        """Forward passes run [-]."""
        return len(self.history)


def step_size(iteration: int, start: float = 1.0, end: float = 0.1, ramp: int = 50) -> float:
    """α of iteration n (from 0): linear from ``start`` to ``end`` over ``ramp`` iterations, then ``end``."""
    if iteration >= ramp - 1:
        return end
    return start + (end - start) * iteration / (ramp - 1)


def adapt_scalers(forward: Forward, scalers: Scalers, targets: Mapping[str, Moments], *,
                  threshold: float = 1e-4, max_iterations: int = 100) -> AdaptationResult:
    """Match the pre-clamp statistics of ``forward`` to ``targets`` by moving (a, b) per head.

    Parameters
    ----------
    forward : callable
        Scalers → {name: Moments} of ``a·x + b`` before clamping, per head.
    scalers : Scalers
        Starting point (the paper starts the cubic model from the linear model's).
    targets : mapping name → Moments
        Target mean and std per head, e.g. the linear model's ``statistics.pre_clamp``.
    threshold : float
        Absolute tolerance on mean and std [unit of the scaled quantity].
    max_iterations : int
        Most forward passes.
    """
    if not targets:
        raise UsageError("adaptation needs at least one target statistic")
    history = []
    for iteration in range(max_iterations):
        measured = forward(scalers)
        missing = [name for name in targets if name not in measured]
        if missing:
            raise UsageError(f"the forward function reports no pre-clamp statistics for {', '.join(missing)}")
        deviation = max(_largest_deviation(measured[name], targets[name]) for name in targets)
        history.append(deviation)
        if deviation <= threshold:
            return AdaptationResult(scalers, True, tuple(history))
        alpha = step_size(iteration)
        for name, target in targets.items():
            scalers = scalers.with_pair(name, *_update(scalers.pair(name), measured[name], target, alpha, threshold))
    return AdaptationResult(scalers, False, tuple(history))


def _largest_deviation(measured: Moments, target: Moments) -> float:
    return float(max(np.max(np.abs(measured.std - target.std)), np.max(np.abs(measured.mean - target.mean))))


def _update(pair, measured: Moments, target: Moments, alpha: float, threshold: float):
    """One statistics-matching step for (a, b) of shape (H,)."""
    a, b = (x.astype(np.float64) for x in pair)
    ratio = np.divide(target.std, measured.std, out=np.ones_like(a), where=measured.std > 0)
    new_a = np.where(np.abs(measured.std - target.std) > threshold, alpha * (a * ratio) + (1 - alpha) * a, a)
    new_b = np.where(np.abs(measured.mean - target.mean) > threshold,
                     alpha * (b + target.mean - measured.mean) + (1 - alpha) * b, b)
    return new_a, new_b
