"""Event schedule of one decode step: resources, tasks, list scheduling.

Knows nothing of chips or costs: a mapper builds a :class:`TaskGraph`
(tasks holding resources, with dependencies), the engine gives each task a
duration over the context axis and :func:`list_schedule` places the tasks.

Imports flow: specs → graph → schedule → mapping → costs → engine.
"""

from archmodel.schedule.listing import Timeline, list_schedule
from archmodel.schedule.tasks import Resource, Task, TaskGraph

__all__ = ["Resource", "Task", "TaskGraph", "Timeline", "list_schedule"]
