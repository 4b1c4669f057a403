"""Which device runs which op of a decode step, what crosses the link, how many chips it takes.

- attention chips: the attention core (:data:`~archmodel.graph.ops.ATTENTION_CORE`:
  K/V write, scores, activation, weighted sum, head reduction);
- host: every other op (embedding, norms, projections, MLP, LM head);
- link, per layer and sequence: q (H·d values), k and v (2·H_kv·d) to the
  chips, the heads' outputs (H·d) back, each value ``workload.dtype`` wide.

Chip count: one KV head's window of one layer (and, with replicated arrays,
one sequence) is the unit that must stay on one die, since its sub-tiles
sum in one adder tree.  With A_unit its area and A_max the die limit::

    units per die = ⌊A_max / A_unit⌋
    chips         = ⌈L · H_kv · copies / units per die⌉
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from archmodel.graph.ops import ATTENTION_CORE
from archmodel.specs.errors import MappingError
from archmodel.specs.loading import with_overrides
from archmodel.specs.units import format_area

#: the device of every op kind outside the attention core
HOST, LINK, ATTENTION = "host", "link", "attention"
DEVICES = (HOST, LINK, ATTENTION)


def device_of(kind: str) -> str:
    """The device that runs an op of ``kind``: attention chips or host."""
    return ATTENTION if kind in ATTENTION_CORE else HOST


def attention_workload(workload):
    """The workload as the attention chips see it: the attention core only."""
    return workload if workload.scope == "attention" else with_overrides(workload, {"scope": "attention"}, label="system")


def host_workload(workload):
    """The workload as the host sees it: the whole model, holding one token's K and V.

    The KV cache lives on the attention chips; the host keeps only the token
    it has just projected, so its memory holds the weights and one KV slot
    (a one-token window).  The attention ops of this workload are dropped.
    """
    return with_overrides(workload, {"scope": "full", "attention.kind": "sliding_window", "attention.window": 1},
                          label="system host")


@dataclass(frozen=True)
class LinkTraffic:
    """Bits crossing the link per layer and sequence, each direction [bit]."""

    to_chips: float
    to_host: float

    @property
    def total(self) -> float:
        return self.to_chips + self.to_host


def link_traffic(workload) -> LinkTraffic:
    """q, k, v to the chips and the attention outputs back, per layer and sequence [bit]."""
    model = workload.model
    bits = 8 * workload.dtype_bytes
    return LinkTraffic(to_chips=(model.heads + 2 * model.kv_heads) * model.head_dim * bits,
                       to_host=model.heads * model.head_dim * bits)


@dataclass(frozen=True)
class ChipCount:
    """How the KV windows of all layers split over dies."""

    chips: int
    units: int
    units_per_die: int
    unit_area: float
    total_area: float
    max_die_area: float

    @property
    def area_per_chip(self) -> float:
        """Silicon of the fullest die [m²]."""
        return min(self.units_per_die, self.units) * self.unit_area


def chip_count(system, workload, total_area: float, copies: int) -> ChipCount:
    """Dies needed to hold every layer's KV windows (module docstring); refuses what cannot fit.

    ``total_area`` is the attention silicon of all layers and copies [m²].
    """
    units = workload.model.layers * workload.model.kv_heads * copies
    unit_area = total_area / units
    limit = system.attention.max_die_area
    if unit_area > limit:
        raise MappingError(
            f"{system.file}: $.attention.max_die_area: one KV head's window of {workload.name} on "
            f"{system.attention_chip.name!r} needs {format_area(unit_area)}, more than a die of "
            f"{format_area(limit)} holds (use a shorter window or a denser chip)")
    per_die = int(np.floor(limit / unit_area))
    needed = math.ceil(units / per_die)
    count = system.attention.count
    if count != "auto" and count < needed:
        raise MappingError(
            f"{system.file}: $.attention.count: {units} KV-head windows of {format_area(unit_area)} need {needed} "
            f"dies of at most {format_area(limit)}, got {count} (or set count to 'auto')")
    return ChipCount(needed if count == "auto" else count, units, per_die, unit_area, total_area, limit)


def system_plan(system, workload):
    """What a system does with a workload, in the form of a mapping :class:`~archmodel.mapping.Plan`.

    Nothing is left unmapped; the notes say which device runs what.  The
    costs come from :func:`archmodel.system.estimate_system`, not from this plan.
    """
    from archmodel.mapping.plan import Plan

    notes = [f"host {system.host_spec.name} runs embedding, norms, projections, MLP and LM head",
             f"{system.attention_chip.name} runs the attention core (K/V write, scores, activation, weighted sum, "
             "head reduction) for every layer",
             f"q, k, v to the chips and outputs back over {system.link_spec.name}, every layer of every token"]
    return Plan(system, workload, None, [], [], notes)
