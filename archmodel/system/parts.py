"""Cost each device of a system for one decode step: host ops, attention chips, link, refresh.

Each device is costed by the model of its own kind, through the public
steps of the engine (``estimate``, or ``build_graph`` → ``map_workload`` →
``account`` for the chips), so the system follows any change of the GPU or
gain-cell models.  Energies are keyed (op, component, group) as in the
ledger; latencies are of the whole model (all layers) [s].
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from archmodel.costs import UNIT_COSTS, Step
from archmodel.engine.account import account
from archmodel.engine.estimate import estimate
from archmodel.engine.results import Estimate
from archmodel.graph.build import build_graph, live_tokens
from archmodel.mapping import map_workload
from archmodel.specs.loading import with_overrides
from archmodel.system.partition import HOST, device_of

#: a ledger key: (op, component, group)
Key = tuple[str, str, str]


def _at_batch(workload, batch: int):
    return workload if workload.batch == batch else with_overrides(workload, {"batch": batch}, label="micro-batch")


@dataclass(frozen=True)
class HostPart:
    """The host's ops of one step for ``batch`` sequences."""

    batch: int
    in_layers: np.ndarray
    outside: np.ndarray
    outside_ops: frozenset[str]
    energy: dict[Key, np.ndarray]
    labels: tuple[str, ...]
    notes: tuple[str, ...]
    calibration: str = ""


def host_part(host, workload, context: np.ndarray, batch: int) -> HostPart:
    """Host latency of the in-layer ops (all layers) and of the rest, and energy per key [s], [J].

    The host holds one KV slot (:func:`~archmodel.system.partition.host_workload`), so its costs
    are the same at every context: evaluated at one and broadcast.
    """
    result = estimate(host, workload, context=context[:1], batch=batch, scope="model")
    ops = {name: data["op"] for name, data in build_graph(result.workload).nodes(data=True)}
    in_layers, outside = np.zeros_like(context), np.zeros_like(context)
    energy, outside_ops = {}, set()
    for name, cost in result.costs.items():
        op = ops.get(name)
        if op is not None and device_of(op.kind) != HOST:
            continue
        if op is not None and op.in_layer:
            in_layers = in_layers + np.broadcast_to(cost.latency, context.shape)
        else:  # outside the layers (or a cost the GPU model adds per step): once per step for the whole batch
            outside = outside + np.broadcast_to(cost.latency, context.shape)
            outside_ops.add(name)
        for (component, _group), value in cost.energy.items():
            energy[(name, f"host {component}", HOST)] = np.broadcast_to(value, context.shape)
    calibration = getattr(getattr(result.accounting.plan.tiling, "calibration", None), "name", "")
    return HostPart(batch, in_layers, outside, frozenset(outside_ops), energy, tuple(result.labels),
                    tuple(note for note in result.notes if "KV cache" not in note), calibration)


@dataclass(frozen=True)
class ChipPart:
    """The attention chips' ops of one step, refresh left out (it needs the system's token interval)."""

    result: Estimate
    late: dict[str, tuple[str, ...]]

    @property
    def latency(self) -> np.ndarray:
        """Attention time of all layers for the part's batch [s]."""
        return self.result.latency

    @property
    def shares_arrays(self) -> bool:
        """Sequences take turns on the same arrays (time-multiplexed batch)."""
        return not self.result.accounting.plan.replicates_per_sequence

    @property
    def copies(self) -> int:
        """Sets of KV arrays per layer (one per sequence when replicated) [-]."""
        return int(round(self.result.accounting.plan.batch_area_factor))


def chip_part(chip, workload, context: np.ndarray, batch: int) -> ChipPart:
    """Account the attention core on ``chip`` for ``batch`` sequences, without refresh."""
    workload = _at_batch(workload, batch)
    plan = map_workload(chip, workload, build_graph(workload))
    late = {mapped.op.name: mapped.after_latency for mapped in plan.mapped if mapped.after_latency}
    prompt = dataclasses.replace(plan, mapped=[dataclasses.replace(mapped, after_latency=()) for mapped in plan.mapped])
    return ChipPart(Estimate(chip, workload, "model", account(prompt, context), plan.labels), late)


@dataclass(frozen=True)
class Refresh:
    """Refresh of the whole model at the system's token interval."""

    energy: dict[Key, np.ndarray]
    events: dict[Key, np.ndarray]
    latency: np.ndarray
    hidden_latency: np.ndarray


def refresh_at(part: ChipPart, context: np.ndarray, token_interval: np.ndarray) -> Refresh:
    """Cost the units that need the token interval (refresh) with Δt = ``token_interval`` [s]."""
    plan = part.result.accounting.plan
    workload = part.result.workload
    step = Step(context, live_tokens(workload, context), token_interval=token_interval)
    ops = {mapped.op.name: mapped.op for mapped in plan.mapped}
    energy, events = {}, {}
    latency, hidden = np.zeros_like(context), np.zeros_like(context)
    for name, units in part.late.items():
        op = ops[name]
        for unit in units:
            cost = UNIT_COSTS[unit](plan.chip, plan.tiling, op, step)
            cost = cost.scaled(plan.batch_energy_factor * op.layers, plan.batch_latency_factor * op.layers)
            for key, value in cost.energy.items():
                energy[(name, *key)] = energy.get((name, *key), 0.0) + value
                events[(name, *key)] = events.get((name, *key), 0.0) + cost.events.get(key, np.nan)
            latency = latency + cost.latency
            if cost.hidden_latency is not None:
                hidden = hidden + cost.hidden_latency
    return Refresh(energy, events, latency, hidden)


def chip_energy(part: ChipPart) -> dict[Key, np.ndarray]:
    """Energy of the attention core per (op, component, group) [J]."""
    context = part.result.context
    return {(name, component, group): np.broadcast_to(value, context.shape)
            for name, cost in part.result.costs.items() for (component, group), value in cost.energy.items()}

