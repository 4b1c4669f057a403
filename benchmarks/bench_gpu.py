"""Speed of the GPU cost model: one estimate over many context lengths, a vectorised calibration sweep,
a comparison, and the validation against published points.

Run: .venv/bin/python benchmarks/bench_gpu.py   (prints wall times; not a test)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from archmodel import estimate, load_chip, load_workload, with_overrides
from archmodel.compare import compare
from archmodel.measure.public import GPU_FOLDER, PUBLIC_DATA, validation_table, with_parameters
from archmodel.specs.gpu import select_calibration

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
    calibration = select_calibration(gpu).calibration
    p = calibration.parameters
    etas = np.linspace(0.1, 1.0, 10_000)  # 10,000 attention bandwidth fractions, one estimate
    classes = {**p.kernel_classes, "attention": p.kernel_classes["attention"].model_copy(update={"bandwidth_fraction": etas})}
    swept = with_parameters(gpu, calibration, p.model_copy(update={"kernel_classes": classes}))
    llama = with_overrides(load_workload(ROOT / "workloads" / "llama-3-8b.json"), {"scope": "full", "batch": 64}, label="bench")
    variants = best_of(lambda: estimate(swept, llama, context=np.full(etas.size, 1024), scope="model").energy)
    validation = best_of(lambda: validation_table(PUBLIC_DATA, GPU_FOLDER), repeats=1)
    print(f"estimate, H100 SXM, gpt2, 10,000 contexts: {sweep * 1e3:.1f} ms")
    print(f"estimate, H100 SXM, Llama 3 8B full, 10,000 calibration variants: {variants * 1e3:.1f} ms")
    print(f"compare, gain-cell vs H100 SXM, paper benchmark: {comparison * 1e3:.1f} ms")
    print(f"validation against {PUBLIC_DATA.name}: {validation * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
