"""Benchmark: one estimate call over 10,000 context lengths, GPT-2-XL, model scope.

Run: .venv/bin/python benchmarks/bench_estimate.py
Prints wall time (best of 5 after a warm-up), context points per second and
peak traced memory, for the totals alone (the event schedule always runs),
with the tidy ledger and phases built, with the schedule's task and
resource tables, and with 10,000 chip variants on the point axis (a
sweep's spec arrays: the digital clock from 0.5 to 2 GHz, so every point
has its own schedule).  A last line times the largest schedule a shipped workload
makes: Llama 3 8B, 64 time-multiplexed sequences (64 × (4 + 4 × 4) = 1,280
tasks per layer), over 1,024 contexts whose reloads all differ.
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

    def with_schedule_tables():
        result = archmodel.estimate(chip, workload, context=contexts, scope="model")
        return result.initiation_interval, result.tasks, result.utilisation

    clocks = chip.clocks.model_copy(update={"digital": np.linspace(0.5e9, 2e9, contexts.size)})
    variants = chip.model_copy(update={"clocks": clocks})  # a sweep's spec arrays: every point its own schedule

    def distinct_schedules():
        return archmodel.estimate(variants, workload, context=np.full(contexts.size, 1024), scope="model").latency

    shared = archmodel.with_overrides(chip, {"schedule.batch_policy": "time_multiplex"})
    llama = archmodel.load_workload(ROOT / "workloads" / "llama-3-8b.json")
    reloads = np.arange(1, 1025) * 8

    def time_multiplexed():
        result = archmodel.estimate(shared, llama, context=reloads, batch=64, scope="model")
        return result.latency, result.initiation_interval

    print(f"contexts: {contexts.size} (GPT-2-XL, model scope)")
    for label, function, points in (("estimate + totals", totals, contexts.size),
                                    ("estimate + ledger + phases", with_ledger, contexts.size),
                                    ("estimate + tasks + utilisation", with_schedule_tables, contexts.size),
                                    ("10,000 clock variants (distinct)", distinct_schedules, contexts.size),
                                    ("llama-3-8b, B=64 time-multiplexed", time_multiplexed, reloads.size)):
        seconds = best_of(function, repeats=5 if points == contexts.size else 1)
        peak = peak_memory(function)
        print(f"{label:34s} {seconds * 1e3:9.2f} ms  {points / seconds:12,.0f} points/s   peak {peak / 2**20:8.2f} MiB")


if __name__ == "__main__":
    main()
