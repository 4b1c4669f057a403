"""Benchmark: SmolLM2-135M in every attention mode, what ``archmodel evaluate`` does (not a test).

Run: .venv/bin/python benchmarks/bench_models.py [--tokens 256] [--mode MODE ...]

Prints the time to read and dequantise the model, then per mode the wall
time and CPU time (``time.process_time``, all threads of this process) of
one forward pass over the first N tokens of the GPL-3 with that attention in
every layer, tokens per second and the perplexity.  On a shared machine the
CPU time is the steadier figure: the wall time on 2 free cores is at most it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from archmodel.emulator.modes import MODES
from archmodel.models import ModeAttention, forward, load_model, perplexity

TEXT = Path("/usr/share/common-licenses/GPL-3")


def timed(function):
    """(result, wall [s], CPU [s]) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--mode", action="append", choices=list(MODES))
    args = parser.parse_args()
    model, wall, cpu = timed(lambda: load_model("smollm2-135m"))
    print(f"read and dequantise: wall {wall:.1f} s, CPU {cpu:.1f} s")
    ids = model.encode(TEXT.read_text())[:args.tokens]
    print(f"{'mode':16s} {'wall [s]':>9s} {'CPU [s]':>8s} {'tokens/s':>9s} {'perplexity':>11s}")
    total_wall = total_cpu = 0.0
    for mode in args.mode or list(MODES):
        logits, wall, cpu = timed(lambda mode=mode: forward(model, ids, ModeAttention(mode)))
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{mode:16s} {wall:9.1f} {cpu:8.1f} {len(ids) / wall:9.1f} {perplexity(logits, ids):11.4g}")
    print(f"{'all':16s} {total_wall:9.1f} {total_cpu:8.1f}")


if __name__ == "__main__":
    main()
