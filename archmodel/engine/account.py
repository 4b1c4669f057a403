"""Walk a mapped graph and account each op's cost over the context axis.

Schedule of one decode step, for one layer:

- the units of one op work in parallel (their latency is the longest);
- ops run one after another in topological order (latencies add), except
  time a cost model marks as hidden (overlapped writes);
- heads and sub-tiles run in parallel inside each unit's cost model;
- layers run one after another (each op counts ``op.layers`` times in the
  model scope);
- units that need the time between tokens (refresh) are accounted after
  the rest of the step: Δt = Σ_ops layers × latency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.costs import UNIT_COSTS, Cost, Step, parallel
from archmodel.graph.build import live_tokens
from archmodel.mapping.plan import Plan
from archmodel.specs.errors import MappingError


@dataclass(frozen=True)
class Accounting:
    """Costs of one layer for the whole batch, per mapped op, over contexts."""

    plan: Plan
    step: Step
    ops: dict[str, Cost]


def _unit_cost(plan: Plan, unit: str, op, step: Step) -> Cost:
    model = UNIT_COSTS.get(unit)
    if model is None:
        raise MappingError(f"no cost model for unit {unit!r} (mapped from op {op.name!r}); known: {sorted(UNIT_COSTS)}")
    cost = model(plan.chip, plan.tiling, op, step)
    return cost.scaled(plan.batch_energy_factor, plan.batch_latency_factor, plan.batch_area_factor)


def _check_capacity(plan: Plan, step: Step) -> None:
    capacity = plan.token_capacity
    if capacity is not None and np.any(step.live_tokens > capacity):
        worst = int(np.max(step.live_tokens))
        raise MappingError(
            f"{plan.workload.file}: $.attention: {plan.workload.attention.kind} attention needs {worst} live tokens, "
            f"more than the {capacity} the chip {plan.chip.name!r} holds per sequence "
            f"(use a sliding window, or contexts up to {capacity})"
        )


def account(plan: Plan, context: np.ndarray) -> Accounting:
    """Account every mapped op of ``plan`` at the context lengths ``context`` [-]."""
    context = np.asarray(context, dtype=float)
    step = Step(context=context, live_tokens=live_tokens(plan.workload, context))
    _check_capacity(plan, step)
    ops = {
        mapped.op.name: parallel([_unit_cost(plan, unit, mapped.op, step) for unit in mapped.units])
        for mapped in plan.mapped
    }
    late = [mapped for mapped in plan.mapped if mapped.after_latency]
    if late:
        step_latency = sum(ops[mapped.op.name].latency * mapped.op.layers for mapped in plan.mapped)
        timed = Step(context, step.live_tokens, token_interval=step_latency)
        for mapped in late:
            extra = [_unit_cost(plan, unit, mapped.op, timed) for unit in mapped.after_latency]
            ops[mapped.op.name] = parallel([ops[mapped.op.name], *extra])
    return Accounting(plan, step, ops)
