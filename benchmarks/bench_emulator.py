"""Benchmark: the functional emulator at the GPT-2 shape (not a test).

Run: .venv/bin/python benchmarks/bench_emulator.py [--repeats N] [--decode-repeats N]

One attention layer, B = 1, H = 12, T = 1024, d = 64, M = 1024,
``gaincell_cubic`` with the shipped chip's quantisation (16/8/32 levels),
without leakage (λ = 0: the cubic collapses to one matmul with I(y)) and
with the paper's λ = 1.6e-4 (three powers of y, leakage folded into the
operands).  For prefill and decode it prints

- wall time (best of N after a warm-up; the machine may be shared),
- peak traced memory (tracemalloc, a separate run),
- the FLOPs of the matrix multiplies the emulator performs (counted from
  the same tiling), and the time numpy needs for that many FLOPs at its
  large-matmul rate on this machine, float64 (what the emulator uses) and
  float32; the ratio wall / bound says how close to matmul speed it runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from archmodel.emulator import HardwareParameters, attention
from archmodel.emulator.encoding import CellEncoding
from archmodel.emulator.geometry import RingGeometry
from archmodel.emulator.inputs import random_inputs
from archmodel.emulator.prefill import QUERY_TILE, tile_size
from archmodel.emulator.scalers import range_matched_scalers
from archmodel.emulator.settings import Settings, resolve
from archmodel.specs import load_chip

from timing import best_of, peak_memory

ROOT = Path(__file__).resolve().parents[1]
BATCH, HEADS, TOKENS, HEAD_DIM, WINDOW = 1, 12, 1024, 64, 1024


def matmul_rate(dtype, repeats: int) -> float:
    """numpy's large-matmul rate on this machine [FLOP/s] (2048² × 2048², best of ``repeats``)."""
    a = np.random.default_rng(0).random((2048, 2048)).astype(dtype)
    return 2 * 2048**3 / best_of(lambda: a @ a, repeats)


def matmul_flops(settings: Settings) -> float:
    """FLOPs of the two matmuls per tile (scores and sub-tile sums): 2 × 2·Tq·K·L per head [FLOP]."""
    encoding = CellEncoding.for_settings(settings, HEAD_DIM)
    columns = encoding.width  # K
    geometry = RingGeometry(settings.window, settings.hardware.subtile_width, TOKENS)
    if settings.path == "decode":  # every step reads all n_sub·W slots of the ring
        return 4.0 * BATCH * HEADS * TOKENS * columns * geometry.slots
    tile, total = tile_size(encoding, QUERY_TILE), 0.0
    for first in range(0, TOKENS, tile):
        stop = min(first + tile, TOKENS)
        low, high = geometry.band(first, stop)
        total += 4.0 * BATCH * HEADS * (stop - first) * columns * (high - low) * geometry.subtile_width
    return total


def inputs(hardware: HardwareParameters):
    """The command's random q, k, v (seed 0) and scalers range-matched on the chip (a_out = 1, b_out = 0)."""
    q, k, v = random_inputs(BATCH, HEADS, TOKENS, HEAD_DIM, seed=0)
    return q, k, v, range_matched_scalers(q, k, v, hardware)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--decode-repeats", type=int, default=2)
    args = parser.parse_args()
    chip = load_chip(ROOT / "hardware_specs" / "gaincell_leroux2025.json")
    hardware = HardwareParameters.from_chip(chip)
    q, k, v, scalers = inputs(hardware)
    rates = {"float64": matmul_rate(np.float64, args.repeats), "float32": matmul_rate(np.float32, args.repeats)}
    levels = f"{hardware.query_levels}/{hardware.storage_levels}/{hardware.output_levels}"
    print(f"shape B={BATCH} H={HEADS} T={TOKENS} d={HEAD_DIM} M={WINDOW}, gaincell_cubic, levels {levels}")
    print(f"numpy matmul rate: float64 {rates['float64'] / 1e9:.1f} GFLOP/s, float32 {rates['float32'] / 1e9:.1f} GFLOP/s")
    header = f"{'path':8s} {'λ':>8s} {'wall [s]':>9s} {'peak [MiB]':>11s} {'GFLOP':>7s} " \
             f"{'bound64 [s]':>11s} {'ratio64':>8s} {'bound32 [s]':>11s} {'ratio32':>8s}"
    print(header)
    for path, repeats in (("prefill", args.repeats), ("decode", args.decode_repeats)):
        for decay in (0.0, 1.6e-4):
            options = dict(chip=hardware, window=WINDOW, decay_per_step=decay, path=path)

            def run(options=options):
                return attention(q, k, v, mode="gaincell_cubic", scalers=scalers, **options)

            seconds = best_of(run, repeats)
            peak = peak_memory(run)
            flops = matmul_flops(resolve("gaincell_cubic", tokens=TOKENS, **options))
            bound64, bound32 = flops / rates["float64"], flops / rates["float32"]
            print(f"{path:8s} {decay:8.1e} {seconds:9.3f} {peak / 2**20:11.1f} {flops / 1e9:7.2f} "
                  f"{bound64:11.3f} {seconds / bound64:8.2f} {bound32:11.3f} {seconds / bound32:8.2f}")


if __name__ == "__main__":
    main()
