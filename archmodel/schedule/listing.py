"""List scheduling of a task graph, vectorised over the context axis.

Tasks are placed in list order (:class:`~archmodel.schedule.tasks.TaskGraph`).
A task starts when its predecessors have ended and every resource it holds
is free, and holds its resources until it ends::

    start_i = max( max_{p ∈ after_i} end_p ,  max_{r ∈ resources_i} free_r )   [s]
    end_i   = start_i + duration_i                                             [s]
    free_r  = end_i   for r ∈ resources_i

Durations are arrays over the context (or sweep-point) axis; so are starts
and ends, computed with ``np.maximum`` — the loop runs over tasks, never
over contexts.  For each task the one whose end fixed its start is kept
(``binding``); following those links back from the last task gives the
critical path, whose durations add up to the makespan exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.schedule.tasks import TaskGraph

#: binding index of a task that starts at time zero
NONE = -1


@dataclass(frozen=True)
class Timeline:
    """Start and end of every task over the context axis.

    Attributes
    ----------
    graph : TaskGraph
    duration, start, end : ndarray
        Shape (tasks, points) [s].
    binding : ndarray
        Shape (tasks, points): index of the task whose end fixed the start,
        ``NONE`` for a start at zero [-].
    """

    graph: TaskGraph
    duration: np.ndarray
    start: np.ndarray
    end: np.ndarray
    binding: np.ndarray

    @property
    def makespan(self) -> np.ndarray:
        """End of the last task [s], shape (points,)."""
        return self.end.max(axis=0)

    def busy(self) -> dict[str, np.ndarray]:
        """Time each resource is held [s], shape (points,) each."""
        totals = {resource.name: np.zeros(self.duration.shape[1]) for resource in self.graph.resources}
        for index, task in enumerate(self.graph.tasks):
            for name in task.resources:
                totals[name] = totals[name] + self.duration[index]
        return totals

    def utilisation(self) -> dict[str, np.ndarray]:
        """busy / makespan per resource [-] (0 where the makespan is 0)."""
        span = self.makespan
        safe = np.where(span > 0, span, 1.0)
        return {name: np.where(span > 0, busy / safe, 0.0) for name, busy in self.busy().items()}

    def resource_bound(self) -> np.ndarray:
        """The busiest resource's held time [s]: no schedule can repeat faster."""
        busy = list(self.busy().values())
        return np.maximum.reduce(busy) if busy else np.zeros(self.duration.shape[1])

    def sequence_span(self) -> np.ndarray:
        """Longest time from a sequence's first start to its last end [s]."""
        sequences = np.array([task.sequence for task in self.graph.tasks])
        spans = [self.end[sequences == s].max(axis=0) - self.start[sequences == s].min(axis=0)
                 for s in np.unique(sequences)]
        return np.maximum.reduce(spans)

    def op_busy(self) -> dict[str, np.ndarray]:
        """Summed task durations per op [s]."""
        totals = {op: np.zeros(self.duration.shape[1]) for op in self.graph.ops}
        for index, task in enumerate(self.graph.tasks):
            totals[task.op] = totals[task.op] + self.duration[index]
        return totals

    def critical(self) -> dict[str, np.ndarray]:
        """Time each op spends on the critical path [s]; the values add up to the makespan."""
        ops = self.graph.ops
        op_index = np.array([ops.index(task.op) for task in self.graph.tasks])
        points = np.arange(self.duration.shape[1])
        shares = np.zeros((len(ops), points.size))
        current = np.argmax(self.end, axis=0)
        for _ in range(len(self.graph.tasks)):
            on_path = current != NONE
            if not on_path.any():
                break
            tasks, columns = current[on_path], points[on_path]
            np.add.at(shares, (op_index[tasks], columns), self.duration[tasks, columns])
            current[on_path] = self.binding[tasks, columns]
        return {op: shares[index] for index, op in enumerate(ops)}


def list_schedule(graph: TaskGraph, duration: np.ndarray) -> Timeline:
    """Place the tasks of ``graph`` with ``duration`` of shape (tasks, points) [s]."""
    duration = np.asarray(duration, dtype=float)
    tasks, points = duration.shape
    index = {name: position for position, name in enumerate(graph.names)}
    start, end = np.zeros((tasks, points)), np.zeros((tasks, points))
    binding = np.full((tasks, points), NONE)
    free = {resource.name: (np.zeros(points), np.full(points, NONE)) for resource in graph.resources}
    columns = np.arange(points)
    for position, task in enumerate(graph.tasks):
        times = [end[index[name]] for name in task.after] + [free[name][0] for name in task.resources]
        holders = [np.full(points, index[name]) for name in task.after] + [free[name][1] for name in task.resources]
        if times:
            times, holders = np.stack(times), np.stack(holders)
            latest = np.argmax(times, axis=0)
            start[position] = times[latest, columns]
            binding[position] = np.where(start[position] > 0, holders[latest, columns], NONE)
        end[position] = start[position] + duration[position]
        for name in task.resources:
            free[name] = (end[position], np.full(points, position))
    return Timeline(graph, duration, start, end, binding)
