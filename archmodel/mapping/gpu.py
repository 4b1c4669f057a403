"""Map a decode-step graph onto a GPU: every op is one or more kernels.

A GPU executes the whole graph (nothing is left unmapped).  Each op runs on
the unit ``gpu_kernel`` (:func:`archmodel.costs.gpu.gpu_kernel`), which
costs it for the whole batch from the op's bytes and FLOPs, the GPU's
datasheet and the chosen calibration.  The mapping

- uses the GPU's calibration (the spec's default or another, see
  :func:`archmodel.specs.gpu.with_calibration`) and labels every result with
  its name and status (measured, predicted or assumed);
- picks the peak compute of the workload's dtype (a GPU without one refuses);
- sums the bytes every step re-reads (weights and KV cache of all layers), so that the cost model
  serves them from L2 when they fit (where the spec gives an L2 bandwidth);
- sizes what must stay resident in DRAM::

      M_resident = W·b + S·(2·L·H_kv·d·B·b)      [byte]

  with W weight elements (all layers, only when projections are in scope),
  S KV slots, L layers, B sequences and b bytes per element.  A ring buffer
  holds S = window slots: more than the GPU's memory is a
  :class:`~archmodel.specs.errors.MappingError` here.  Causal attention
  holds the context, known only to the engine: the plan's
  ``token_capacity`` is the most slots that fit,
  S_max = ⌊(M − W·b) / (2·L·H_kv·d·B·b)⌋, and the engine refuses contexts
  beyond it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from archmodel.graph.build import ops_in_order
from archmodel.graph.ops import check_op_kinds
from archmodel.mapping.plan import MappedOp, Plan
from archmodel.specs.errors import MappingError
from archmodel.specs.gpu import GPU, Calibration, selected_calibration
from archmodel.specs.units import format_si
from archmodel.specs.workload import Workload

#: what GPU energy and floors include (a note of every GPU estimate, a caveat of comparisons)
ENERGY_NOTE = ("GPU energy is above idle (measured power minus idle power, as the paper; board_energy adds idle power "
               "x time); the floor is bytes at peak bandwidth, FLOPs at peak compute and DRAM device energy per bit only")


@dataclass(frozen=True)
class GPUTiling:
    """What the GPU cost model needs besides the op (whole batch)."""

    calibration: Calibration
    batch: int
    element_bytes: float
    peak_compute: float
    #: bytes re-read every step (weights and KV cache of every op and layer) = fixed + per_token·n [byte], [byte/token]
    working_set_fixed: float = 0.0
    working_set_per_token: float = 0.0
    #: L2 capacity [byte] and read bandwidth [byte/s]; a step whose working set fits is served from L2 (0, None: never)
    l2_capacity: float = 0.0
    l2_bandwidth: float | None = None


def kv_cache_bytes(slots: float, batch: int, layers: int, kv_heads: int, head_dim: int, element_bytes: float) -> float:
    """K and V of ``slots`` slots of every layer and sequence: 2·S·B·L·H_kv·d·b [byte]."""
    return 2.0 * slots * batch * layers * kv_heads * head_dim * element_bytes


def calibration_label(gpu: GPU, calibration: Calibration) -> str:
    """One line saying which calibration a result uses and whether it is measured or predicted."""
    if calibration.status == "measured":
        detail = f"measured: {calibration.source}"
    elif calibration.status == "published":
        detail = f"fitted to {len(calibration.published)} published point(s): {', '.join(calibration.fitted)}"
    elif calibration.status == "predicted":
        detail = f"predicted from {calibration.transfer.gpu_spec} '{calibration.transfer.calibration}'"
    else:
        detail = f"assumed from literature: {calibration.source}"
    return f"{gpu.short_name}: calibration '{calibration.name}' ({detail})"


def _token_capacity(gpu: GPU, workload: Workload, weights: float) -> int:
    """KV slots per sequence that fit in memory beside the weights [-] (negative when the weights alone do not fit)."""
    model = workload.model
    per_slot = kv_cache_bytes(1, workload.batch, model.layers, model.kv_heads, model.head_dim, workload.dtype_bytes)
    return math.floor((gpu.memory.capacity - weights) / per_slot)


def _refuse_memory(gpu: GPU, workload: Workload, weights: float, slots: int) -> MappingError:
    model = workload.model
    cache = kv_cache_bytes(slots, workload.batch, model.layers, model.kv_heads, model.head_dim, workload.dtype_bytes)
    return MappingError(
        f"{workload.file}: KV cache of {format_si(cache, 'B')} ({slots} slots, batch {workload.batch}, {model.layers} "
        f"layers, {workload.dtype}) plus weights of {format_si(weights, 'B')} exceed the "
        f"{format_si(gpu.memory.capacity, 'B')} of memory of {gpu.name} ({gpu.file} $.memory.capacity)")


def _notes(gpu: GPU, workload: Workload, calibration: Calibration) -> list[str]:
    notes = ["GPU costs cover the whole batch; time and energy per token divide a step by the batch", ENERGY_NOTE]
    if workload.scope == "full" and np.all(np.asarray(calibration.parameters.step_overhead) == 0):
        notes.append(f"calibration '{calibration.name}' describes a benchmark loop without host work per step "
                     "(scheduling, sampling): full-model step times leave it out")
    if gpu.on_chip.l2_bandwidth is not None:
        notes.append(f"steps whose weights and KV cache fit in the {format_si(gpu.on_chip.l2_cache, 'B', 3)} L2 cache "
                     "re-read them from L2, not DRAM")
    elif workload.attention.kind != "causal":
        model = workload.model
        per_layer = kv_cache_bytes(workload.attention.window, workload.batch, 1, model.kv_heads, model.head_dim,
                                   workload.dtype_bytes)
        if per_layer <= gpu.on_chip.l2_cache:
            notes.append(f"one layer's KV cache ({format_si(per_layer, 'B', 3)}) fits in the "
                         f"{format_si(gpu.on_chip.l2_cache, 'B', 3)} L2 cache; a real GPU may serve it from L2, so the "
                         "DRAM-bound estimate is pessimistic (no L2 bandwidth in the spec)")
    return notes


def map_gpu(gpu: GPU, workload: Workload, graph: nx.DiGraph) -> Plan:
    """Every op of the graph runs as kernels on the GPU (unit ``gpu_kernel``); refuses what memory cannot hold."""
    selected = selected_calibration(gpu)
    calibration = selected.calibration
    peak = gpu.peak_compute.get(workload.dtype)
    if peak is None:
        raise MappingError(f"{gpu.file}: $.peak_compute: {gpu.short_name} lists no peak compute for dtype "
                           f"{workload.dtype!r} of {workload.file}; listed: {', '.join(gpu.peak_compute)}")
    check_op_kinds(calibration.kernels_per_op, selected.file, f"{selected.path}.kernels_per_op")
    ops = ops_in_order(graph)
    weights = sum(op.weight_elements * op.layers for op in ops) * workload.dtype_bytes
    capacity = _token_capacity(gpu, workload, weights)
    causal = workload.attention.kind == "causal"
    slots = 1 if causal else workload.attention.window  # a causal context holds at least one token
    if slots > capacity:
        raise _refuse_memory(gpu, workload, weights, slots)
    b, batch = workload.dtype_bytes, workload.batch
    tiling = GPUTiling(calibration, batch, b, peak,
                       working_set_fixed=b * sum(op.layers * op.weight_elements for op in ops),
                       working_set_per_token=b * batch * sum(op.layers * op.cache_read_per_token for op in ops),
                       l2_capacity=gpu.on_chip.l2_cache, l2_bandwidth=gpu.on_chip.l2_bandwidth)
    return Plan(gpu, workload, tiling, [MappedOp(op, ("gpu_kernel",)) for op in ops], [], _notes(gpu, workload, calibration),
                token_capacity=capacity if causal else None, labels=(calibration_label(gpu, calibration),))
