"""Two ways to time a decode benchmark and charge its energy.

``paper_method`` repeats Leroux 2025 §5 (docs/paper.md §5): warm-up
passes, then timed passes by wall clock around a synchronised pass; one
power reading after each pass, minus idle::

    t = mean(t_pass)          P = mean(P_after_pass) − P_idle          E = P·t      [s], [W], [J]

A reading after a pass sees the power as the pass ends (or as the GPU
cools down), and on A100/H100 NVML's power averages only part of the time.

``event_method`` is the better one: CUDA events time each pass on the GPU;
power is sampled in a background thread (≥ 10 Hz) during the timed passes,
and the energy is NVML's total-energy counter difference where the GPU
has one (else the integral of the samples), minus idle over the wall time::

    E = (E_counter(end) − E_counter(start)) − P_idle·t_wall          [J] for all passes

A runner is anything with ``batch``, ``steps_per_pass``, ``run_pass()``,
``synchronize()`` and ``timed_pass() -> seconds``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol
from collections.abc import Callable

import numpy as np

from archmodel.measure.power import PowerSampler, PowerSource


class Runner(Protocol):
    batch: int
    steps_per_pass: int

    def run_pass(self) -> None: ...

    def synchronize(self) -> None: ...

    def timed_pass(self) -> float: ...


@dataclass(frozen=True)
class MethodResult:
    """Mean time and energy above idle of one pass of ``steps_per_pass`` decode steps."""

    method: str
    pass_time: float
    energy_per_pass: float
    dynamic_power: float
    time_spread: float
    passes: int
    steps_per_pass: int
    batch: int
    energy_source: str
    sampling_rate: float | None = None

    @property
    def time_per_token(self) -> float:
        """pass time / (steps × batch) [s]."""
        return self.pass_time / (self.steps_per_pass * self.batch)

    @property
    def energy_per_token(self) -> float:
        """energy above idle per pass / (steps × batch) [J]."""
        return self.energy_per_pass / (self.steps_per_pass * self.batch)


def _warm_up(runner: Runner, passes: int) -> None:
    for _ in range(passes):
        runner.run_pass()
    runner.synchronize()


def _spread(times: list[float]) -> float:
    """Relative standard deviation [-]."""
    return float(np.std(times) / np.mean(times)) if len(times) > 1 else 0.0


def paper_method(runner: Runner, power: PowerSource, idle: float, clock: Callable[[], float] = time.perf_counter,
                 warmup: int = 5, passes: int = 10) -> MethodResult:
    """The paper's method: wall-clock passes, one power reading after each, minus ``idle`` [W]."""
    _warm_up(runner, warmup)
    times, powers = [], []
    for _ in range(passes):
        start = clock()
        runner.run_pass()
        runner.synchronize()
        times.append(clock() - start)
        powers.append(power.power() - idle)
    pass_time, dynamic = float(np.mean(times)), float(np.mean(powers))
    return MethodResult("paper", pass_time, dynamic * pass_time, dynamic, _spread(times), passes,
                        runner.steps_per_pass, runner.batch, "power_after_pass")


def event_method(runner: Runner, power: PowerSource, idle: float, clock: Callable[[], float] = time.monotonic,
                 warmup: int = 5, passes: int = 10, interval: float = 0.02) -> MethodResult:
    """CUDA-event timing; energy from the NVML counter (or ≥ 10 Hz samples) minus ``idle`` × wall time."""
    _warm_up(runner, warmup)
    counter_start = power.energy()
    with PowerSampler(power, interval=interval, clock=clock) as sampler:
        wall_start = clock()
        times = [runner.timed_pass() for _ in range(passes)]
        wall = clock() - wall_start
    counter_end = power.energy()
    trace = sampler.trace
    if counter_start is not None and counter_end is not None:
        total, source = counter_end - counter_start, "nvml_energy_counter"
    else:
        total, source = trace.mean_power() * wall, "sampled_power"
    dynamic_energy = total - idle * wall
    return MethodResult("cuda_events", float(np.mean(times)), dynamic_energy / passes, dynamic_energy / wall,
                        _spread(times), passes, runner.steps_per_pass, runner.batch, source, trace.rate)
