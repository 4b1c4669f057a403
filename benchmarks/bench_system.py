"""Benchmark: one system estimate (H100 + gain-cell chips, Llama 3 8B) over 10,000 context lengths.

Run: .venv/bin/python benchmarks/bench_system.py
Target (issue 10): under 50 ms on 2 cores for batch 1.  Prints wall time
(best of 5 after a warm-up) and peak traced memory at batch 1 and batch 32
(a batch of 32 evaluates 6 micro-batch splits).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import archmodel

from timing import best_of, peak_memory

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    system = archmodel.load_chip(ROOT / "hardware_specs" / "systems" / "h100_gaincell.json")
    workload = archmodel.load_workload(ROOT / "workloads" / "llama-3-8b.json")
    contexts = np.linspace(1, 8192, 10_000).round()

    print(f"contexts: {contexts.size}")
    for batch in (1, 32):
        def totals(batch=batch):
            result = archmodel.estimate(system, workload, context=contexts, batch=batch)
            return result.latency, result.energy_by_device, result.latency_by_device

        seconds = best_of(totals)
        peak = peak_memory(totals)
        print(f"system estimate, batch {batch:3d}      {seconds * 1e3:8.2f} ms   peak {peak / 2**20:7.2f} MiB")


if __name__ == "__main__":
    main()
