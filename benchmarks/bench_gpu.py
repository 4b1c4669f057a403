"""Speed of the GPU cost model: one estimate over many context lengths, and a comparison.

Run: .venv/bin/python benchmarks/bench_gpu.py   (prints wall times; not a test)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from archmodel import estimate, load_chip, load_workload
from archmodel.compare import compare

from timing import best_of

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    gpu = load_chip(ROOT / "hardware_specs" / "gpu" / "h100_sxm.json")
    workload = load_workload(ROOT / "workloads" / "gpt2.json")
    contexts = np.arange(1, 10_001)
    sweep = best_of(lambda: estimate(gpu, workload, context=contexts, scope="model").energy)
    chips = [load_chip(ROOT / "hardware_specs" / "gaincell_leroux2025.json"), gpu]
    paper = load_workload(ROOT / "workloads" / "paper_gpu_benchmark.json")
    comparison = best_of(lambda: compare(chips, paper))
    print(f"estimate, H100 SXM, gpt2, 10,000 contexts: {sweep * 1e3:.1f} ms")
    print(f"compare, gain-cell vs H100 SXM, paper benchmark: {comparison * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
