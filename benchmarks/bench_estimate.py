"""Benchmark: one estimate call over 10,000 context lengths, GPT-2-XL, model scope.

Run: .venv/bin/python benchmarks/bench_estimate.py
Prints wall time (best of 5 after a warm-up) and peak traced memory, for the
totals alone and with the tidy ledger built.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import archmodel

from timing import best_of, peak_memory

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    chip = archmodel.load_chip(ROOT / "hardware_specs" / "gaincell_leroux2025.json")
    workload = archmodel.load_workload(ROOT / "workloads" / "gpt2-xl.json")
    contexts = np.unique(np.geomspace(1, 1_000_000, 10_000).astype(int))
    contexts = np.arange(1, 10_001) if contexts.size < 10_000 else contexts

    def totals():
        result = archmodel.estimate(chip, workload, context=contexts, scope="model")
        return result.latency, result.energy, result.energy_by_group

    def with_ledger():
        result = archmodel.estimate(chip, workload, context=contexts, scope="model")
        return result.ledger, result.phases

    print(f"contexts: {contexts.size}")
    for label, function in (("estimate + totals", totals), ("estimate + ledger + phases", with_ledger)):
        seconds = best_of(function)
        peak = peak_memory(function)
        print(f"{label:30s} {seconds * 1e3:8.2f} ms   peak {peak / 2**20:7.2f} MiB")


if __name__ == "__main__":
    main()
