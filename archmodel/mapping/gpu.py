"""Map a decode-step graph onto a GPU: every op is one or more kernels.

A GPU executes the whole graph (nothing is left unmapped).  Each op runs on
the unit ``gpu_kernel`` (:func:`archmodel.costs.gpu.gpu_kernel`), which
costs it for the whole batch from the op's bytes and FLOPs, the GPU's
datasheet and the chosen calibration.  The mapping

- picks the calibration (the spec's default or another, see
  :func:`archmodel.specs.gpu.with_calibration`) and labels every result with
  its name and status (measured, predicted or assumed);
- picks the peak compute of the workload's dtype (a GPU without one refuses);
- sizes what must stay resident in DRAM::

      M_resident = W·b + S·(2·L·H_kv·d·B·b)      [byte]

  with W weight elements (all layers, only when projections are in scope),
  S KV slots (the window of a ring buffer, or the context when causal), L
  layers, B sequences and b bytes per element; more than the GPU's memory
  is a :class:`~archmodel.specs.errors.MappingError`, never a number.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from archmodel.graph.build import ops_in_order
from archmodel.graph.ops import OP_KINDS
from archmodel.mapping.plan import MappedOp, Plan
from archmodel.specs.errors import MappingError, SpecError
from archmodel.specs.gpu import GPU, Calibration, Parameters, Selected, select_calibration
from archmodel.specs.workload import Workload

GIGA = 1e9


@dataclass(frozen=True)
class GPUTiling:
    """What the GPU cost model needs besides the op (counts per step, whole batch)."""

    gpu: str
    calibration: str
    status: str
    parameters: Parameters
    kernels_per_op: dict
    batch: int
    layers: int
    dtype: str
    element_bytes: float
    peak_compute: float
    weight_bytes: float
    cache_bytes_per_slot: float
    cache_slots: int | None
    memory_capacity: float
    workload_file: str
    gpu_file: str
    labels: tuple[str, ...]

    def kernels(self, kind: str) -> int:
        """Kernel launches of an op of ``kind`` [-]."""
        return self.kernels_per_op.get(kind, self.kernels_per_op["default"])

    def check_memory(self, live_tokens: np.ndarray) -> None:
        """Refuse a KV cache (plus weights) larger than the GPU's DRAM.

        The slots held are the ring buffer's (windowed attention) or the
        largest context asked for (causal).
        """
        slots = self.cache_slots if self.cache_slots is not None else float(np.max(live_tokens))
        cache = slots * self.cache_bytes_per_slot
        if cache + self.weight_bytes > self.memory_capacity:
            raise MappingError(
                f"{self.workload_file}: KV cache of {cache / GIGA:.4g} GB ({int(slots)} slots, batch {self.batch}, "
                f"{self.layers} layers, {self.dtype}) plus weights of {self.weight_bytes / GIGA:.4g} GB exceed the "
                f"{self.memory_capacity / GIGA:.4g} GB of memory of {self.gpu} ({self.gpu_file} $.memory.capacity)")


def calibration_label(gpu: GPU, calibration: Calibration) -> str:
    """One line saying which calibration a result uses and whether it is measured or predicted."""
    if calibration.status == "measured":
        detail = f"measured: {calibration.source}"
    elif calibration.status == "predicted":
        detail = f"predicted from {calibration.transfer.gpu_spec} '{calibration.transfer.calibration}'"
    else:
        detail = f"assumed from literature: {calibration.source}"
    return f"{gpu.short_name}: calibration '{calibration.name}' ({detail})"


def _check_kernel_kinds(selected: Selected) -> None:
    for kind in selected.calibration.kernels_per_op:
        if kind != "default" and kind not in OP_KINDS:
            raise SpecError(selected.file, f"{selected.path}.kernels_per_op.{kind}",
                            f"unknown op kind; expected 'default' or one of {', '.join(OP_KINDS)}")


def tile(gpu: GPU, workload: Workload, graph: nx.DiGraph, selected: Selected) -> GPUTiling:
    """Counts of the workload on ``gpu`` under a calibration; refuses a dtype without a peak."""
    peak = gpu.peak_compute.get(workload.dtype)
    if peak is None:
        raise MappingError(f"{gpu.file}: $.peak_compute: {gpu.short_name} lists no peak compute for dtype "
                           f"{workload.dtype!r} of {workload.file}; listed: {', '.join(gpu.peak_compute)}")
    _check_kernel_kinds(selected)
    calibration = selected.calibration
    model, b = workload.model, workload.dtype_bytes
    weights = sum(op.weight_elements * op.layers for op in ops_in_order(graph)) * b
    windowed = workload.attention.kind != "causal"
    return GPUTiling(
        gpu=gpu.name,
        calibration=calibration.name,
        status=calibration.status,
        parameters=calibration.parameters,
        kernels_per_op=dict(calibration.kernels_per_op),
        batch=workload.batch,
        layers=model.layers,
        dtype=workload.dtype,
        element_bytes=b,
        peak_compute=peak,
        weight_bytes=weights,
        cache_bytes_per_slot=2 * model.layers * model.kv_heads * model.head_dim * workload.batch * b,
        cache_slots=workload.attention.window if windowed else None,
        memory_capacity=gpu.memory.capacity,
        workload_file=workload.file,
        gpu_file=gpu.file,
        labels=(calibration_label(gpu, calibration),),
    )


def _notes(gpu: GPU, tiling: GPUTiling) -> list[str]:
    notes = [
        "GPU costs cover the whole batch; time and energy per token divide a step by the batch",
        "GPU energy is above idle (measured power minus idle power, as the paper); the floor is "
        "bytes at peak bandwidth, FLOPs at peak compute and DRAM device energy per bit only",
    ]
    if tiling.cache_slots is not None:
        per_layer = tiling.cache_slots * tiling.cache_bytes_per_slot / tiling.layers
        if per_layer <= gpu.on_chip.l2_cache:
            notes.append(f"one layer's KV cache ({per_layer / 1e6:.3g} MB) fits in the {gpu.on_chip.l2_cache / 1e6:.3g} MB "
                         "L2 cache; a real GPU may serve it from L2, so the DRAM-bound estimate is pessimistic")
    return notes


def map_gpu(gpu: GPU, workload: Workload, graph: nx.DiGraph) -> Plan:
    """Every op of the graph runs as kernels on the GPU (unit ``gpu_kernel``)."""
    tiling = tile(gpu, workload, graph, select_calibration(gpu))
    if tiling.cache_slots is not None:
        tiling.check_memory(np.array([tiling.cache_slots]))
    mapped = [MappedOp(op, ("gpu_kernel",)) for op in ops_in_order(graph)]
    return Plan(gpu, workload, tiling, mapped, [], _notes(gpu, tiling), labels=tiling.labels)
