"""Power of a GPU: an NVML source and a background sampler.

A power source has ``power()`` (board power now [W]) and ``energy()`` (a
cumulative energy counter [J], or ``None`` where the GPU has none; NVML's
total-energy counter exists from Volta on).  :class:`PowerSampler` reads
``power()`` in a background thread at ≥ 10 Hz while a benchmark runs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol
from collections.abc import Callable

import numpy as np

from archmodel.specs.errors import UsageError
from archmodel.specs.units import milli

#: slowest sampling interval accepted: 10 Hz [s]
LONGEST_INTERVAL = 0.1


class PowerSource(Protocol):
    def power(self) -> float: ...

    def energy(self) -> float | None: ...


class NvmlPower:
    """Board power and energy counter of GPU ``index`` through NVML (``pynvml``, from nvidia-ml-py)."""

    def __init__(self, index: int = 0):
        import pynvml

        self._nvml = pynvml
        pynvml.nvmlInit()
        self._handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        try:
            pynvml.nvmlDeviceGetTotalEnergyConsumption(self._handle)
            self._has_counter = True
        except pynvml.NVMLError:
            self._has_counter = False

    def power(self) -> float:
        """Board power [W] (NVML reports mW)."""
        return self._nvml.nvmlDeviceGetPowerUsage(self._handle) * milli

    def energy(self) -> float | None:
        """Energy since the driver loaded [J] (NVML reports mJ), or None without a counter."""
        if not self._has_counter:
            return None
        return self._nvml.nvmlDeviceGetTotalEnergyConsumption(self._handle) * milli

    def close(self) -> None:
        self._nvml.nvmlShutdown()


@dataclass(frozen=True)
class PowerTrace:
    """Power samples: times [s] and powers [W]."""

    times: np.ndarray
    powers: np.ndarray

    @property
    def rate(self) -> float:
        """Mean sampling rate [Hz]."""
        if self.times.size < 2:
            return 0.0
        return (self.times.size - 1) / float(self.times[-1] - self.times[0])

    def energy(self) -> float:
        """Trapezoidal integral of power over the samples [J]."""
        if self.times.size < 2:
            return 0.0
        return float(np.sum(np.diff(self.times) * (self.powers[1:] + self.powers[:-1]) / 2))

    def mean_power(self) -> float:
        """Time-weighted mean power [W]."""
        span = float(self.times[-1] - self.times[0]) if self.times.size > 1 else 0.0
        return self.energy() / span if span > 0 else float(np.mean(self.powers))


class PowerSampler:
    """Samples ``source.power()`` every ``interval`` [s] in a background thread (a context manager).

    ``with PowerSampler(source) as sampler: ...`` then ``sampler.trace``.
    """

    def __init__(self, source: PowerSource, interval: float = 0.02, clock: Callable[[], float] = time.monotonic):
        if not 0 < interval <= LONGEST_INTERVAL:
            raise UsageError(f"power sampling interval must be in (0, {LONGEST_INTERVAL}] s (>= 10 Hz), got {interval}")
        self._source, self._interval, self._clock = source, interval, clock
        self._stop = threading.Event()
        self._samples: list[tuple[float, float]] = []
        self._thread = threading.Thread(target=self._run, name="power-sampler", daemon=True)

    def _sample(self) -> None:
        self._samples.append((self._clock(), self._source.power()))

    def _run(self) -> None:
        self._sample()
        while not self._stop.wait(self._interval):
            self._sample()
        self._sample()

    def __enter__(self) -> "PowerSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def trace(self) -> PowerTrace:
        times, powers = zip(*self._samples) if self._samples else ((), ())
        return PowerTrace(np.array(times, dtype=float), np.array(powers, dtype=float))


def measure_idle(source: PowerSource, duration: float = 2.0, interval: float = 0.05,
                 sleep: Callable[[float], None] = time.sleep) -> float:
    """Mean power of an idle GPU over ``duration`` [s], sampled every ``interval`` [s] → [W]."""
    count = max(2, int(round(duration / interval)))
    readings = []
    for _ in range(count):
        readings.append(source.power())
        sleep(interval)
    return float(np.mean(readings))
