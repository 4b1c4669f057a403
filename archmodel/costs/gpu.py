"""A GPU kernel: kernel-class roofline, launches, host overhead; power that follows utilisation.

The model, its parameters, their sources and its validation: docs/gpu_model.md §2 (the cost of one op).

Per op of one decode step, for the whole batch of B sequences (n live
tokens, b bytes per element)::

    Q = b·(B·(r·n + w + a) + W)                    bytes moved        [byte]
    F = B·(f + f_n·n)                              FLOPs              [FLOP]
    t_x = max(Q / (η_c·B_peak), F / (κ_c·F_peak))  kernels running    [s]
    t_k = k·t_l                                    launches           [s]
    t = max(t_x, t_k)   with launch overlap (CUDA graphs: a launch hides behind the previous kernel)
    t = t_x + t_k       without (eager: every launch is a gap)
    t += t_h            once per step, on the LM head op (host: scheduling, sampling)

with r, w, a, W the op's KV elements read per token, written, activations
and weight elements (weights are read once for the batch), and η_c, κ_c,
t_l the calibration's bandwidth fraction, compute fraction and launch time
of the op's kernel class c (weights, attention, elementwise, kv_append).

Power follows what the GPU does: at idle power through launch gaps and
host overhead, at idle plus P_a while kernels run, plus dynamic terms in
proportion to the bytes and FLOPs (so to the achieved bandwidth and
FLOP/s).  Energy above idle (the paper's convention) and whole board::

    E = P_a·t_x + 8·e_dram·Q + e_flop·F                               [J]
    E_board = E + P_idle·t                                             [J]

L2 residency: when every byte a step re-reads (weights and KV cache of all
layers, M(n) = M_0 + M_n·n) fits in the L2 cache, those bytes of each op come
from L2 at η_c·B_L2 and cost no DRAM energy (the spec must give B_L2; else
all bytes are DRAM bytes).  The physical floor of the same work is
t_floor = max(Q_dram / B_peak + Q_L2 / B_L2, F / F_peak)
and E_floor = 8·e_bit·Q_dram with e_bit the DRAM device energy per bit; the
calibration spec keeps η, κ ≤ 1, t_l, t_h, P_a, e_flop ≥ 0 and
e_dram ≥ e_bit, so the floor never exceeds the estimate.  Every operation
is elementwise in the float parameters (numpy arrays may stand in for them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.specs.gpu import GPU

if TYPE_CHECKING:
    from archmodel.mapping.gpu import GPUTiling

BITS_PER_BYTE = 8
#: the op that carries the per-step host overhead (it runs once per step, last)
STEP_OP_KIND = "lm_head"


def op_traffic(op, batch: int, element_bytes: float, live_tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bytes moved [byte] and FLOPs [FLOP] of one op for a batch, shape of ``live_tokens``.

    Q = b·(B·(r·n + w + a) + W);  F = B·(f + f_n·n)
    """
    per_sequence = op.cache_read(live_tokens) + op.cache_write + op.activation_elements
    moved = element_bytes * (batch * per_sequence + op.weight_elements)
    return moved, batch * op.flop_count(live_tokens)


def roofline_time(moved: np.ndarray, flops: np.ndarray, bandwidth, compute) -> np.ndarray:
    """max(Q / bandwidth, F / compute) [s]; ``bandwidth`` [byte/s], ``compute`` [FLOP/s]."""
    return np.maximum(moved / bandwidth, flops / compute)


def with_launches(execution: np.ndarray, launches, overlap: bool) -> np.ndarray:
    """Op time [s] from kernel time t_x and launch time t_k: max(t_x, t_k) overlapped, t_x + t_k not."""
    return np.maximum(execution, launches) if overlap else execution + launches


def l2_bytes(op, tiling: GPUTiling, live_tokens: np.ndarray) -> np.ndarray:
    """Bytes of ``op`` served from L2 [byte]: its weights and KV reads, b·(B·r·n + W), when the step's working
    set M(n) = M_0 + M_n·n fits in L2 (and the spec gives an L2 bandwidth); else 0."""
    if tiling.l2_bandwidth is None:
        return np.zeros(np.shape(live_tokens))
    n = np.asarray(live_tokens, dtype=float)
    fits = tiling.working_set_fixed + tiling.working_set_per_token * n <= tiling.l2_capacity
    reread = tiling.element_bytes * (tiling.batch * op.cache_read(n) + op.weight_elements)
    return np.where(fits, reread, 0.0)


def memory_time(dram, l2, bandwidth, l2_bandwidth, fraction) -> np.ndarray:
    """Q_dram / (η·B_dram) + Q_L2 / (η·B_L2) [s]."""
    from_l2 = 0.0 if l2_bandwidth is None else l2 / (fraction * l2_bandwidth)
    return dram / (fraction * bandwidth) + from_l2


def gpu_kernel(chip: GPU, tiling: GPUTiling, op, step: Step) -> Cost:
    """Calibrated cost and physical floor of ``op`` on ``chip`` for the whole batch."""
    calibration = tiling.calibration
    p = calibration.parameters
    kernel = p.kernel_class(op.kind)
    total, flops = op_traffic(op, tiling.batch, tiling.element_bytes, step.live_tokens)
    l2 = l2_bytes(op, tiling, step.live_tokens)
    moved = total - l2  # DRAM bytes
    bandwidth, compute = chip.memory.bandwidth, tiling.peak_compute
    execution = np.maximum(memory_time(moved, l2, bandwidth, tiling.l2_bandwidth, kernel.bandwidth_fraction),
                           flops / (kernel.compute_fraction * compute))
    launches = calibration.kernels(op.kind) * kernel.launch_time
    latency = with_launches(execution, launches, calibration.launch_overlap)
    if op.kind == STEP_OP_KIND:
        latency = latency + p.step_overhead
    dram_key, busy_key, flop_key = ("dram_access", "dram"), ("processor_busy", "processor"), ("arithmetic", "processor")
    latency = np.broadcast_to(latency, np.shape(step.live_tokens)) + 0.0
    return Cost(
        energy={dram_key: BITS_PER_BYTE * p.dram_energy_per_bit * moved,
                busy_key: p.active_power * execution + 0.0 * moved,
                flop_key: p.energy_per_flop * flops + 0.0 * moved},
        events={dram_key: moved, busy_key: execution, flop_key: flops},
        latency=latency,
        hidden_latency=np.minimum(execution, launches) if calibration.launch_overlap else None,
        cycles=latency * chip.clocks.boost,
        clock="gpu_boost",
        floor_latency=np.maximum(memory_time(moved, l2, bandwidth, tiling.l2_bandwidth, 1.0), flops / compute),
        floor_energy=BITS_PER_BYTE * chip.memory.energy_per_bit * moved,
    )
