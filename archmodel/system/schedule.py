"""Schedule of one decode step on host, link and attention chips, with micro-batches.

Within one sequence the layers run in order, and in each layer the chain
host (norm, q/k/v projections) → link (q, k, v to the chips) → chips
(attention core) → link (outputs back) → host (output projection, MLP)
is sequential.  A batch of B sequences split into m micro-batches of
b = B/m lets the host work on one micro-batch while the chips and link
serve another.  Per layer and micro-batch, with h the host's time, l the
link's (both latencies plus serialisation both ways) and c the chips'::

    loop   = h + l + c                 one micro-batch's way round a layer
    period = max(loop, m·h, m·s, m·c_shared)   per layer [s]

where s is the busier direction's serialisation time (the link pipelines
transfers; full duplex) and c_shared counts only when micro-batches share
the chips' arrays (time-multiplexed batch; replicated arrays serve every
sequence at once).  With m = 1 the period is the plain sum.  The ops
outside the layers (embedding, final norm, LM head) run once for the
whole batch after the last layer, taking T_out::

    T = L · period + T_out                                      [s]

Each device's share of the critical path: the binding term of ``period``
decides it — the loop splits into h, l, c; a busy host, link or chip takes
the whole period; T_out is the host's.  The shares add up to T.

Every m dividing B is evaluated and the fastest kept, per context.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.system.partition import ATTENTION, HOST, LINK


def micro_batch_counts(batch: int) -> list[int]:
    """Micro-batch counts m dividing ``batch`` evenly [-]."""
    return [m for m in range(1, batch + 1) if batch % m == 0]


@dataclass(frozen=True)
class LayerTimes:
    """Times of one layer for one micro-batch, arrays over contexts [s]."""

    host: np.ndarray
    link: np.ndarray
    link_busy: np.ndarray
    chips: np.ndarray
    chips_shared: bool


@dataclass(frozen=True)
class Timeline:
    """Token time and each device's share of its critical path, arrays over contexts [s]."""

    token_time: np.ndarray
    by_device: dict[str, np.ndarray]


def pipeline(times: LayerTimes, micro_batches: int, layers: int, outside: np.ndarray) -> Timeline:
    """Token time of ``layers`` layers with ``micro_batches`` micro-batches, plus ``outside`` [s]."""
    m = micro_batches
    loop = times.host + times.link + times.chips
    chips_busy = m * times.chips if times.chips_shared else np.zeros_like(loop)
    terms = np.stack([loop, m * times.host, m * times.link_busy, chips_busy])  # (4, contexts)
    binding = np.argmax(terms, axis=0)
    period = np.max(terms, axis=0)
    looping = binding == 0
    host = np.where(looping, times.host, np.where(binding == 1, period, 0.0))
    link = np.where(looping, times.link, np.where(binding == 2, period, 0.0))
    chips = np.where(looping, times.chips, np.where(binding == 3, period, 0.0))
    return Timeline(layers * period + outside,
                    {HOST: layers * host + outside, LINK: layers * link, ATTENTION: layers * chips})
