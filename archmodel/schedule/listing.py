"""List scheduling of a task graph, vectorised over the context axis.

Tasks are placed in list order (:class:`~archmodel.schedule.tasks.TaskGraph`).
A task starts when its predecessors have ended and every resource it holds
is free, and holds its resources until it ends::

    start_i = max( max_{p ∈ after_i} end_p ,  max_{r ∈ resources_i} free_r )   [s]
    end_i   = start_i + duration_i                                             [s]
    free_r  = end_i   for r ∈ resources_i

Durations are arrays over the context (or sweep-point) axis; so are starts
and ends, computed with ``np.maximum`` — the loop runs over tasks, never
over contexts.  Points with the same durations share one column (most
context lengths do: the phase times rarely depend on the context), so the
work grows with the distinct duration sets, not with the points.  For each task the one whose end fixed its start is kept
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
    distinct_duration, distinct_start, distinct_end : ndarray
        Shape (tasks, distinct duration sets) [s].
    distinct_binding : ndarray
        Same shape: index of the task whose end fixed the start, ``NONE``
        for a start at zero [-].
    columns : ndarray
        Shape (points,): the distinct column of each point [-].
    """

    graph: TaskGraph
    distinct_duration: np.ndarray
    distinct_start: np.ndarray
    distinct_end: np.ndarray
    distinct_binding: np.ndarray
    columns: np.ndarray

    @property
    def duration(self) -> np.ndarray:
        """Shape (tasks, points) [s]."""
        return self.distinct_duration[:, self.columns]

    @property
    def start(self) -> np.ndarray:
        """Shape (tasks, points) [s]."""
        return self.distinct_start[:, self.columns]

    @property
    def end(self) -> np.ndarray:
        """Shape (tasks, points) [s]."""
        return self.distinct_end[:, self.columns]

    @property
    def makespan(self) -> np.ndarray:
        """End of the last task [s], shape (points,)."""
        return self.distinct_end.max(axis=0)[self.columns]

    def busy(self) -> dict[str, np.ndarray]:
        """Time each resource is held [s], shape (points,) each."""
        totals = {resource.name: 0.0 for resource in self.graph.resources}
        for index, task in enumerate(self.graph.tasks):
            for name in task.resources:
                totals[name] = totals[name] + self.distinct_duration[index]
        return {name: np.broadcast_to(total, self.distinct_duration.shape[1:])[self.columns] for name, total in totals.items()}

    def utilisation(self) -> dict[str, np.ndarray]:
        """busy / makespan per resource [-] (0 where the makespan is 0)."""
        span = self.makespan
        safe = np.where(span > 0, span, 1.0)
        return {name: np.where(span > 0, busy / safe, 0.0) for name, busy in self.busy().items()}

    def resource_bound(self) -> np.ndarray:
        """The busiest resource's held time [s]: no schedule can repeat faster."""
        busy = list(self.busy().values())
        return np.maximum.reduce(busy) if busy else np.zeros(self.columns.size)

    def sequence_span(self) -> np.ndarray:
        """Longest time from a sequence's first start to its last end [s]."""
        sequences = np.array([task.sequence for task in self.graph.tasks])
        order = np.argsort(sequences, kind="stable")
        first = np.flatnonzero(np.r_[True, np.diff(sequences[order]) != 0])  # each sequence's first row
        spans = (np.maximum.reduceat(self.distinct_end[order], first, axis=0)
                 - np.minimum.reduceat(self.distinct_start[order], first, axis=0))
        return spans.max(axis=0)[self.columns]

    def op_busy(self) -> dict[str, np.ndarray]:
        """Summed task durations per op [s]."""
        totals = {op: 0.0 for op in self.graph.ops}
        for index, task in enumerate(self.graph.tasks):
            totals[task.op] = totals[task.op] + self.distinct_duration[index]
        return {op: np.broadcast_to(total, self.distinct_duration.shape[1:])[self.columns] for op, total in totals.items()}

    def critical(self) -> dict[str, np.ndarray]:
        """Time each op spends on the critical path [s]; the values add up to the makespan."""
        ops = self.graph.ops
        op_index = np.array([ops.index(task.op) for task in self.graph.tasks])
        duration, binding = self.distinct_duration, self.distinct_binding
        points = np.arange(duration.shape[1])
        shares = np.zeros((len(ops), points.size))
        current = np.argmax(self.distinct_end, axis=0)
        for _ in range(len(self.graph.tasks)):
            on_path = current != NONE
            if not on_path.any():
                break
            tasks, columns = current[on_path], points[on_path]
            np.add.at(shares, (op_index[tasks], columns), duration[tasks, columns])
            current[on_path] = binding[tasks, columns]
        return {op: shares[index, self.columns] for index, op in enumerate(ops)}


def distinct_columns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of ``values`` (rows, points) and each point's column index.

    Columns are told apart by one weighted sum of their rows (a 1-D unique,
    much cheaper than sorting whole columns); the grouping is then checked
    exactly, and where two different columns shared a key every point keeps
    its own column.
    """
    weights = np.sqrt(np.arange(2, values.shape[0] + 2))  # irrational, so unequal columns rarely tie
    _, first, inverse = np.unique(weights @ values, return_index=True, return_inverse=True)
    distinct = values[:, first]
    if not np.array_equal(distinct[:, inverse], values):
        return values, np.arange(values.shape[1])
    return distinct, inverse


def list_schedule(graph: TaskGraph, duration: np.ndarray) -> Timeline:
    """Place the tasks of ``graph`` with ``duration`` of shape (tasks, points) [s]."""
    duration, columns = distinct_columns(np.asarray(duration, dtype=float))
    tasks, points = duration.shape
    index = {name: position for position, name in enumerate(graph.names)}
    start, end = np.zeros((tasks, points)), np.zeros((tasks, points))
    binding = np.full((tasks, points), NONE)
    free = {resource.name: (np.zeros(points), np.full(points, NONE)) for resource in graph.resources}
    distinct = np.arange(points)
    for position, task in enumerate(graph.tasks):
        times = [end[index[name]] for name in task.after] + [free[name][0] for name in task.resources]
        holders = [np.full(points, index[name]) for name in task.after] + [free[name][1] for name in task.resources]
        if times:
            times, holders = np.stack(times), np.stack(holders)
            latest = np.argmax(times, axis=0)
            start[position] = times[latest, distinct]
            binding[position] = np.where(start[position] > 0, holders[latest, distinct], NONE)
        end[position] = start[position] + duration[position]
        for name in task.resources:
            free[name] = (end[position], np.full(points, position))
    return Timeline(graph, duration, start, end, binding, columns.reshape(-1))
