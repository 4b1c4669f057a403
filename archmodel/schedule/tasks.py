"""Resources and tasks of a decode-step schedule.

A :class:`Task` is one piece of work of one op (one GQA turn of the score,
one sequence's window reload, ...).  It holds every resource it names for
its whole duration and starts only after the tasks in ``after`` have ended.
Its duration is ``share`` × the time of its op's ``units`` (the engine reads
those from the cost models; ``share`` splits an op whose cost model times
all its turns together).

The graph is a static list: tasks claim resources in list order, so the
order is the scheduling priority and does not depend on the context
length.  Every predecessor must come earlier in the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archmodel.specs.errors import MappingError


@dataclass(frozen=True)
class Resource:
    """A hardware resource one task at a time can hold.

    ``count`` is how many identical instances the resource stands for (the
    per-row DACs of a KV head's K arrays are one resource of ``count`` = rows);
    the area of the same instances is counted by the cost models, and the
    two must agree [-].
    """

    name: str
    count: int
    what: str = ""


@dataclass(frozen=True)
class Task:
    """One schedulable piece of work.

    Attributes
    ----------
    name : str
        Unique in the graph (``"score[s0,t1]"``).
    op : str
        The graph op it belongs to; its busy and critical time count there.
    units : tuple[str, ...]
        Cost-model units whose time makes the duration (their longest).
    resources : tuple[str, ...]
        Resources held from start to end.
    after : tuple[str, ...]
        Tasks that must end before this one starts.
    share : float
        Fraction of the units' time this task takes [-].
    sequence, turn : int
        Sequence of the batch sharing the arrays, and GQA turn [-].
    """

    name: str
    op: str
    units: tuple[str, ...]
    resources: tuple[str, ...]
    after: tuple[str, ...] = ()
    share: float = 1.0
    sequence: int = 0
    turn: int = 0


@dataclass(frozen=True)
class TaskGraph:
    """Tasks in priority order and the resources they hold.

    ``copies``: identical units running the same tasks in parallel (the KV
    heads of a layer); the schedule places one and its times hold for all.
    """

    tasks: tuple[Task, ...]
    resources: tuple[Resource, ...]
    copies: int = 1
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        known = {resource.name for resource in self.resources}
        seen: set[str] = set()
        for task in self.tasks:
            if task.name in seen:
                raise MappingError(f"schedule: task {task.name!r} is listed twice")
            for name in task.after:
                if name not in seen:
                    raise MappingError(f"schedule: task {task.name!r} waits for {name!r}, which is not listed before it")
            for name in task.resources:
                if name not in known:
                    raise MappingError(f"schedule: task {task.name!r} holds unknown resource {name!r}; known: {sorted(known)}")
            seen.add(task.name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(task.name for task in self.tasks)

    @property
    def ops(self) -> tuple[str, ...]:
        """Ops with tasks, in order of first appearance."""
        return tuple(dict.fromkeys(task.op for task in self.tasks))

    def resource(self, name: str) -> Resource:
        return next(resource for resource in self.resources if resource.name == name)
