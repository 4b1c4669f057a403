"""A GPU kernel: roofline time plus launch overhead, DRAM energy plus busy power.

Reference: DESIGN.md §5; parameters and their fits in docs/gpu_model.md.

Per op of one decode step, for the whole batch of B sequences (n live
tokens, b bytes per element)::

    Q = b·(B·(r·n + w + a) + W)                    bytes moved        [byte]
    F = B·(f + f_n·n)                              FLOPs              [FLOP]
    t = max(Q / (η·B_peak), F / (κ·F_peak)) + k·t0                   [s]
    E = 8·e_bit·Q + P·t                                               [J]

with r, w, a, W the op's KV elements read per token, written, activations
and weight elements (weights are read once for the batch), η, κ, t0, P the
calibration's bandwidth fraction, compute fraction, kernel overhead and
processor power above idle, k the op's kernel launches and e_bit the DRAM
device energy per bit.  The physical floor of the same work is::

    t_floor = max(Q / B_peak, F / F_peak)      E_floor = 8·e_bit·Q

so t_floor ≤ t and E_floor ≤ E whenever η, κ ≤ 1, t0 ≥ 0 and P ≥ 0, which
the calibration spec enforces.  Whether the KV cache fits in memory is
settled by the mapping (:mod:`archmodel.mapping.gpu`), not per op.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.specs.gpu import GPU

if TYPE_CHECKING:
    from archmodel.mapping.gpu import GPUTiling

BITS_PER_BYTE = 8


def op_traffic(op, batch: int, element_bytes: float, live_tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bytes moved [byte] and FLOPs [FLOP] of one op for a batch, shape of ``live_tokens``.

    Q = b·(B·(r·n + w + a) + W);  F = B·(f + f_n·n)
    """
    per_sequence = op.cache_read(live_tokens) + op.cache_write + op.activation_elements
    moved = element_bytes * (batch * per_sequence + op.weight_elements)
    return moved, batch * op.flop_count(live_tokens)


def roofline_time(moved: np.ndarray, flops: np.ndarray, bandwidth: float, compute: float) -> np.ndarray:
    """max(Q / bandwidth, F / compute) [s]; ``bandwidth`` [byte/s], ``compute`` [FLOP/s]."""
    return np.maximum(moved / bandwidth, flops / compute)


def gpu_kernel(chip: GPU, tiling: GPUTiling, op, step: Step) -> Cost:
    """Calibrated cost and physical floor of ``op`` on ``chip`` for the whole batch."""
    calibration = tiling.calibration
    p = calibration.parameters
    moved, flops = op_traffic(op, tiling.batch, tiling.element_bytes, step.live_tokens)
    bandwidth, compute = chip.memory.bandwidth, tiling.peak_compute
    launches = calibration.kernels(op.kind)
    latency = (roofline_time(moved, flops, p.bandwidth_fraction * bandwidth, p.compute_fraction * compute)
               + launches * p.kernel_overhead)
    dram = BITS_PER_BYTE * chip.memory.energy_per_bit * moved
    dram_key, processor_key = ("dram_access", "dram"), ("processor_busy", "processor")
    return Cost(
        energy={dram_key: dram, processor_key: p.processor_power * latency},
        events={dram_key: moved, processor_key: flops},
        latency=latency,
        cycles=latency * chip.clocks.boost,
        clock="gpu_boost",
        floor_latency=roofline_time(moved, flops, bandwidth, compute),
        floor_energy=dram,
    )
