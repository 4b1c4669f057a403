"""The measurement harness: run the benchmark, fit, write a calibration file.

For the paper's workload (batch 64, 12 heads, d = 64, 1024 slots, float32)
and a sweep of KV lengths and batch sizes, both methods of
:mod:`archmodel.measure.methods` are run; each becomes one ``measured``
calibration (``measured_paper_method``, ``measured_cuda_events``) of the
GPU's calibration format, fitted by :func:`archmodel.measure.fit.fit_calibration`
and written atomically.  Sweep points whose KV cache is under twice the L2
cache (served from L2, not DRAM) or over half the GPU memory are left out.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

from archmodel.files import write_json
from archmodel.mapping.gpu import kv_cache_bytes
from archmodel.measure.calibrate import refit_document
from archmodel.measure.methods import MethodResult, Runner, event_method, paper_method
from archmodel.measure.power import PowerSource
from archmodel.specs.errors import UsageError
from archmodel.specs.gpu import GPU
from archmodel.specs.loading import load_chip
from archmodel.specs.workload import DTYPE_BYTES

log = logging.getLogger(__name__)

#: the paper's benchmark shape (Leroux 2025 §5)
PAPER_SHAPE = {"heads": 12, "kv_heads": 12, "head_dim": 64, "dtype": "float32"}
#: decode steps per pass in the paper's script [-]
STEPS_PER_PASS = 1024
#: kernels of the PyTorch eager loop (two KV copies, SDPA as up to four kernels)
EAGER_KERNELS = {"kv_write": 2, "score": 1, "activation": 2, "weighted_sum": 1, "head_reduction": 0, "default": 1}
#: κ assumed by harness fits: decode attention is memory-bound, κ is not identifiable [-]
COMPUTE_FRACTION = 0.5


@dataclass(frozen=True)
class Point:
    """One benchmark size: sequences per step and KV slots attended."""

    batch: int
    kv_slots: int
    label: str = ""

    def cache_bytes(self) -> float:
        """K and V of all sequences (one layer of the paper's shape) [byte]."""
        shape = PAPER_SHAPE
        return kv_cache_bytes(self.kv_slots, self.batch, 1, shape["kv_heads"], shape["head_dim"], DTYPE_BYTES[shape["dtype"]])


PAPER_POINT = Point(64, 1024, "paper_gpu_benchmark")


def sweep_points(gpu: GPU, kv_slots=(512, 1024, 2048, 4096, 8192), batches=(8, 16, 32, 64, 128)) -> list[Point]:
    """The paper's point, then the sweep sizes that stream from DRAM and fit in memory."""
    points = [PAPER_POINT]
    for batch in batches:
        for slots in kv_slots:
            point = Point(batch, slots, f"sweep_b{batch}_s{slots}")
            inside = 2 * gpu.on_chip.l2_cache <= point.cache_bytes() <= gpu.memory.capacity / 2
            if inside and (batch, slots) != (PAPER_POINT.batch, PAPER_POINT.kv_slots):
                points.append(point)
    return points


def run_points(make_runner: Callable[[Point], Runner], power: PowerSource, idle: float, points: list[Point],
               warmup: int = 5, passes: int = 10,
               clocks: tuple[Callable[[], float], Callable[[], float]] = (time.perf_counter, time.monotonic),
               ) -> dict[str, list[tuple[Point, MethodResult]]]:
    """Both methods at every point → {method: [(point, result), ...]}; ``clocks`` [s] of the two methods."""
    results: dict[str, list] = {"paper": [], "cuda_events": []}
    for point in points:
        log.info("measuring batch %d, %d KV slots", point.batch, point.kv_slots)
        runner = make_runner(point)
        paper = paper_method(runner, power, idle, clock=clocks[0], warmup=warmup, passes=passes)
        events = event_method(runner, power, idle, clock=clocks[1], warmup=warmup, passes=passes)
        results["paper"].append((point, paper))
        results["cuda_events"].append((point, events))
    return results


def _measurement(point: Point, result: MethodResult, where: str) -> dict:
    note = (f"{where}: {result.passes} passes of {result.steps_per_pass} steps, time spread {result.time_spread:.2%}, "
            f"energy from {result.energy_source}")
    return {"label": point.label, "batch": point.batch, **PAPER_SHAPE, "kv_slots": point.kv_slots,
            "time_per_token": {"value": result.time_per_token, "measurement": note},
            "energy_per_token": {"value": result.energy_per_token, "measurement": note}}


METHOD_TEXT = {
    "paper": "the paper's method (Leroux 2025 §5): warm-up passes, wall-clock timed passes, one NVML power reading "
             "after each pass minus idle; energy = mean dynamic power x mean pass time",
    "cuda_events": "CUDA-event timing of each pass; power sampled at >= 10 Hz in a background thread; energy from "
                   "NVML's total-energy counter (or the integral of the samples) minus idle power x wall time",
}
#: name of the calibration each method becomes
NAMES = {"paper": "measured_paper_method", "cuda_events": "measured_cuda_events"}
#: what fit errors name as the file of a calibration not yet written
MEASURED_FILE = "<measured calibration>"


def calibration_document(gpu: GPU, results: dict, device: str, implementation: str, idle: float,
                         date: datetime.date) -> tuple[dict, list[str]]:
    """A calibration file for ``gpu`` with one fitted calibration per method, and the fit errors."""
    where = f"archmodel measure-gpu on {device}, {date.isoformat()}, idle {idle:.4g} W"
    calibrations = []
    for method, pairs in results.items():
        calibrations.append({
            "name": NAMES[method],
            "status": "measured", "date": date.isoformat(), "method": METHOD_TEXT[method], "source": where,
            "implementation": implementation, "kernels_per_op": dict(EAGER_KERNELS),
            "assumed": {"compute_fraction": {"value": COMPUTE_FRACTION, "assumption": "decode attention is "
                                             "memory-bound; κ is not identifiable from these measurements"}},
            "measurements": [_measurement(point, result, where) for point, result in pairs],
        })
    document = {"gpu": gpu.name, "calibrations": calibrations}
    errors: list[str] = []
    refit_document(gpu, document, MEASURED_FILE, errors)
    return document, errors


def measure_and_write(gpu: GPU, make_runner: Callable[[Point], Runner], power: PowerSource, out, device: str,
                      implementation: str, points: list[Point], idle: float, date: datetime.date,
                      **options) -> tuple[Path, list[str]]:
    """Run both methods at ``points`` (``options`` of :func:`run_points`), fit, write ``out`` atomically."""
    results = run_points(make_runner, power, idle, points, **options)
    document, errors = calibration_document(gpu, results, device, implementation, idle, date)
    return write_json(document, out), errors


def find_gpu_spec(device: str, folder: Path) -> Path:
    """The GPU JSON in ``folder`` whose ``device_names`` holds ``device`` (the name CUDA reports)."""
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".calibration.json"):
            continue
        spec = load_chip(path)
        if device in getattr(spec, "device_names", ()):
            return path
    raise UsageError(f"no GPU spec in {folder} lists device {device!r} in device_names; pass --chip")
