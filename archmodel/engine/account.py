"""Walk a mapped graph, account each op's cost over the context axis, schedule the step.

Schedule of one decode step, for one layer:

- the units of one op work in parallel (their energies add);
- where the plan carries tasks (gain-cell chips), the tasks are placed on
  their resources by list scheduling (:mod:`archmodel.schedule`): GQA turns
  and sequences pipeline where the resources allow, the K/V write overlaps
  the reads only with a separate write port.  Each op's latency becomes its
  time on the critical path, the rest of its task time ``hidden_latency``;
- otherwise (GPUs) ops run one after another in topological order
  (latencies add), except time a cost model marks as hidden;
- layers run one after another (each op counts ``op.layers`` times in the
  model scope);
- units that need the time between tokens (refresh) are accounted after
  the rest of the step, with Δt the initiation interval of the model scope.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from archmodel.costs import UNIT_COSTS, Cost, Step, parallel
from archmodel.graph.build import live_tokens
from archmodel.mapping.plan import Plan
from archmodel.schedule import TaskGraph, Timeline, list_schedule
from archmodel.specs.errors import MappingError


@dataclass(frozen=True)
class Accounting:
    """Costs of one layer for the whole batch, per mapped op, over contexts.

    ``timeline``: the scheduled tasks of one layer (one unit; None where the
    plan has no tasks).
    """

    plan: Plan
    step: Step
    ops: dict[str, Cost]
    timeline: Timeline | None = None

    def initiation_interval(self, layers: int) -> np.ndarray:
        """Shortest interval between the starts of two decode steps through ``layers`` layers [s].

        Each layer owns its hardware, so steps pipeline through the layers;
        the interval is bound by the busiest resource of one layer (all
        sequences of the step) and by the recurrence of a sequence, whose
        next token needs this one through every layer::

            II = max( max_r busy_r ,  layers · span_sequence )

        Needs the schedule (``timeline``); without one a step starts when the
        previous ends and the interval is the latency.
        """
        return np.maximum(self.timeline.resource_bound(), layers * self.timeline.sequence_span())


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


def task_durations(tasks: TaskGraph, units: dict[str, dict[str, Cost]], points: int) -> np.ndarray:
    """Duration of every task [s], shape (tasks, points).

    A unit's cost model times its op for the g GQA turns of one sequence one
    after another (critical plus hidden time); a task takes ``share`` of
    the longest of its units' times.
    """
    durations = np.empty((len(tasks.tasks), points))
    for index, task in enumerate(tasks.tasks):
        times = []
        for unit in task.units:
            cost = units[task.op][unit]
            hidden = cost.hidden_latency if cost.hidden_latency is not None else 0.0
            times.append(np.broadcast_to(cost.latency + hidden, (points,)))
        durations[index] = task.share * np.maximum.reduce(times)
    return durations


def _scheduled(ops: dict[str, Cost], timeline: Timeline, clock: float) -> dict[str, Cost]:
    """Ops with latency = time on the critical path, hidden_latency = the rest of their task time."""
    critical, busy = timeline.critical(), timeline.op_busy()
    scheduled = dict(ops)
    for name in timeline.graph.ops:
        latency = critical[name]
        scheduled[name] = replace(ops[name], latency=latency, hidden_latency=np.maximum(busy[name] - latency, 0.0),
                                  cycles=latency * clock, clock="digital")
    return scheduled


def account(plan: Plan, context: np.ndarray) -> Accounting:
    """Account every mapped op of ``plan`` at the context lengths ``context`` [-]."""
    context = np.asarray(context, dtype=float)
    step = Step(context=context, live_tokens=live_tokens(plan.workload, context))
    _check_capacity(plan, step)
    units = {mapped.op.name: {unit: _unit_cost(plan, unit, mapped.op, step) for unit in mapped.units}
             for mapped in plan.mapped}
    ops = {name: parallel(list(costs.values())) for name, costs in units.items()}
    timeline = None
    if plan.tasks is not None:
        timeline = list_schedule(plan.tasks, task_durations(plan.tasks, units, context.size))
        ops = _scheduled(ops, timeline, plan.chip.clocks.digital)
    accounting = Accounting(plan, step, ops, timeline)
    late = [mapped for mapped in plan.mapped if mapped.after_latency]
    if late:
        interval = (accounting.initiation_interval(plan.workload.model.layers) if timeline is not None
                    else sum(ops[mapped.op.name].latency * mapped.op.layers for mapped in plan.mapped))
        timed = Step(context, step.live_tokens, token_interval=interval)
        for mapped in late:
            extra = [_unit_cost(plan, unit, mapped.op, timed) for unit in mapped.after_latency]
            ops[mapped.op.name] = parallel([ops[mapped.op.name], *extra])
    return Accounting(plan, step, ops, timeline)
