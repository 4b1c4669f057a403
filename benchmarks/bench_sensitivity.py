"""Benchmark: elasticities of every numeric chip field, vectorised (one engine call) vs one field at a time.

Run: .venv/bin/python benchmarks/bench_sensitivity.py
Prints wall time (best of 5 after a warm-up) of ``archmodel.sensitivity.elasticities``
(GPT-2, head scope, context 1024) and of the same central differences done with
two ``with_overrides`` + ``estimate`` calls per field.
"""

from __future__ import annotations

from pathlib import Path

import archmodel
from archmodel.sensitivity import elasticities, numeric_fields

from timing import best_of

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    chip = archmodel.load_chip(ROOT / "hardware_specs" / "gaincell_leroux2025.json")
    workload = archmodel.load_workload(ROOT / "workloads" / "gpt2.json")
    fields = [(path, value) for path, _, value in numeric_fields(chip) if value]

    def vectorised():
        return elasticities(chip, workload)

    def one_at_a_time():
        for path, value in fields:
            for factor in (1.001, 0.999):
                archmodel.estimate(archmodel.with_overrides(chip, {path: value * factor}), workload, scope="head")

    print(f"numeric fields: {len(numeric_fields(chip))}")
    for label, function in (("vectorised (one engine call)", vectorised), ("one field at a time", one_at_a_time)):
        print(f"{label:30s} {best_of(function) * 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
