"""Amdahl breakdown: how much of a token's time each device spends on the critical path.

For a system, the shares come from its schedule (host, link, attention;
:mod:`archmodel.system.schedule`).  For a chip costed alone, the ops of
the attention core count as ``attention`` and every other op as ``host``
(a GPU running the whole model), so a GPU row says how much of its token
time the attention chips could take over at all: with attention share a,
no attention hardware speeds the token up by more than 1 / (1 − a).
"""

from __future__ import annotations

import numpy as np

from archmodel.graph.ops import ATTENTION_CORE
from archmodel.system.partition import ATTENTION, DEVICES, HOST


def time_shares(result) -> dict[str, np.ndarray]:
    """Fraction of the step latency on each device's critical path [-], arrays over contexts."""
    by_device = getattr(result, "latency_by_device", None)
    if by_device is None:
        zero = np.zeros_like(result.context)
        by_device = {device: zero for device in DEVICES}
        kinds = {mapped.op.name: mapped.op.kind for mapped in result.accounting.plan.mapped}
        for name, cost in result.costs.items():
            device = ATTENTION if kinds.get(name) in ATTENTION_CORE else HOST
            by_device[device] = by_device[device] + cost.latency
    return {device: np.broadcast_to(by_device[device] / result.latency, result.context.shape) for device in DEVICES}
