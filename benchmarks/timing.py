"""Shared measuring helpers of the benchmark scripts (not tests)."""

from __future__ import annotations

import time
import tracemalloc


def best_of(function, repeats: int = 5) -> float:
    """Shortest wall time of ``repeats`` calls after one warm-up call [s]."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(function) -> float:
    """Peak memory traced by tracemalloc during one call [bytes]."""
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak
