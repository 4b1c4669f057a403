"""Gantt chart of a decode step's event schedule: tasks on their resources over time.

Takes the tidy task table of :attr:`archmodel.engine.Estimate.tasks` at one
context (columns ``task``, ``op``, ``resources``, ``start``, ``end`` [s]) and
returns a Figure (no I/O).  One row per resource; a task holding several
resources appears on each of their rows; colour by op.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from archmodel.report.style import PART_PALETTE, axis_unit, base_layout, display_values


def _holdings(tasks: pd.DataFrame) -> pd.DataFrame:
    """One row per (task, resource it holds), in the order the resources first appear."""
    rows = tasks.assign(resource=tasks["resources"].astype(str).str.split(", ")).explode("resource")
    return rows[rows["end"] > rows["start"]]


def gantt_figure(tasks: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars from ``start`` to ``end`` of every task, one row per resource, coloured by op."""
    holdings = _holdings(tasks)
    scale, prefixed = axis_unit(np.r_[holdings["end"].to_numpy(), 0.0] if not holdings.empty else [1.0], "s")
    resources = list(dict.fromkeys(holdings["resource"]))
    figure = go.Figure()
    for index, (op, frame) in enumerate(holdings.groupby("op", sort=False)):
        duration = frame["end"] - frame["start"]
        figure.add_trace(go.Bar(
            y=frame["resource"], x=duration / scale, base=frame["start"] / scale, name=op, orientation="h",
            marker={"color": PART_PALETTE[index % len(PART_PALETTE)], "line": {"color": "white", "width": 1}},
            customdata=np.column_stack([frame["task"].astype(str), display_values(frame["start"], "s"),
                                        display_values(frame["end"], "s")]),
            hovertemplate="<b>%{customdata[0]}</b> on %{y}<br>%{customdata[1]} → %{customdata[2]}<extra></extra>",
        ))
    base_layout(figure, title, f"time from the start of the step [{prefixed}]", "resource",
                height=max(320, 140 + 30 * len(resources)))
    figure.update_layout(barmode="overlay")
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=resources)
    return figure
