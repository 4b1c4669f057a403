"""Tidy tables of a decode-step schedule: tasks (start, end) and resources (utilisation).

Times are for one layer on one unit (one KV head's arrays and periphery;
the H_kv units of a layer run the same tasks at the same times).  Cycles
count periods of the digital clock from the start of the step.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.engine.schema import RESOURCE_COLUMNS, TASK_COLUMNS
from archmodel.schedule import Timeline


def task_table(timeline: Timeline | None, context: np.ndarray, clock) -> pd.DataFrame:
    """One row per (context, task): start and end [s] and in clock cycles [-]."""
    if timeline is None:
        return _empty(TASK_COLUMNS)
    tasks = timeline.graph.tasks
    count = len(tasks)
    clock = np.broadcast_to(np.asarray(clock, dtype=float), context.shape)
    rows = np.repeat(np.arange(count), context.size)  # task index of each row
    frame = pd.DataFrame({
        "context": np.tile(context.astype(np.int64), count),
        "task": pd.Categorical.from_codes(rows, categories=[task.name for task in tasks]),
        "op": np.asarray([task.op for task in tasks], dtype=object)[rows],
        "sequence": np.asarray([task.sequence for task in tasks])[rows],
        "turn": np.asarray([task.turn for task in tasks])[rows],
        "resources": np.asarray([", ".join(task.resources) for task in tasks], dtype=object)[rows],
        "start": timeline.start.ravel(),
        "end": timeline.end.ravel(),
        "start_cycle": (timeline.start * clock).ravel(),
        "end_cycle": (timeline.end * clock).ravel(),
    })
    frame.attrs["units"] = TASK_COLUMNS
    return frame


def resource_table(timeline: Timeline | None, context: np.ndarray) -> pd.DataFrame:
    """One row per (context, resource): held time [s] and share of the makespan [-]."""
    if timeline is None:
        return _empty(RESOURCE_COLUMNS)
    busy, utilisation = timeline.busy(), timeline.utilisation()
    blocks = [pd.DataFrame({
        "context": context.astype(np.int64),
        "resource": resource.name,
        "count": resource.count,
        "busy": busy[resource.name],
        "utilisation": utilisation[resource.name],
    }) for resource in timeline.graph.resources]
    frame = pd.concat(blocks, ignore_index=True)[list(RESOURCE_COLUMNS)]
    frame.attrs["units"] = RESOURCE_COLUMNS
    return frame


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(columns=list(columns))
    frame.attrs["units"] = columns
    return frame
