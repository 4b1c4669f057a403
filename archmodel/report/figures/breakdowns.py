"""Breakdown figures: where energy, time and area go; model next to published values.

Each function takes a tidy DataFrame and returns a Figure (no I/O).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from archmodel.report.style import PART_PALETTE, axis_unit, base_layout, display_values, log_ticks


def share_figure(parts: pd.DataFrame, chips: list[str], unit: str, title: str, what: str, part_name: str) -> go.Figure:
    """Stacked horizontal bars: each chip's ``value`` [unit] split by ``part``, as shares [%].

    ``parts`` has columns ``chip_label``, ``part`` and ``value``; hover shows
    the absolute value with its own prefix.
    """
    totals = parts.groupby("chip_label")["value"].transform("sum")
    parts = parts.assign(share=np.where(totals > 0, 100 * parts["value"] / totals, 0.0))
    order = [chip for chip in chips if chip in set(parts["chip_label"])]
    ranking = parts.groupby("part", sort=False)["share"].max().sort_values(ascending=False, kind="stable")
    figure = go.Figure()
    for index, part in enumerate(ranking.index):  # largest shares get the strongest colours
        frame = parts[parts["part"] == part]
        frame = frame.set_index("chip_label").reindex(order)
        absolute = display_values(frame["value"].fillna(0.0), unit)
        figure.add_trace(go.Bar(
            y=order, x=frame["share"].fillna(0.0), name=part, orientation="h",
            marker={"color": PART_PALETTE[index % len(PART_PALETTE)]},
            customdata=np.column_stack([absolute, frame["share"].fillna(0.0).round(1)]),
            hovertemplate=f"<b>%{{y}}</b><br>{part_name} {part}: %{{customdata[0]}} (%{{customdata[1]}} %)<extra></extra>",
        ))
    parts_count = parts["part"].nunique()
    base_layout(figure, title, f"share of {what} [%]", "", height=max(320, 110 + 60 * len(order), 150 + 22 * parts_count))
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    figure.update_yaxes(autorange="reversed", title_text="chip")
    figure.update_xaxes(range=[0, 100])
    return figure


def area_figure(areas: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of area [m²] per component, coloured by group (``component``, ``group``, ``area``)."""
    scale, prefixed = axis_unit(areas["area"], "m^2")
    figure = go.Figure()
    for index, (group, frame) in enumerate(areas.groupby("group", sort=False)):
        figure.add_trace(go.Bar(
            y=frame["component"], x=frame["area"] / scale, name=f"group {group}", orientation="h",
            marker={"color": PART_PALETTE[index % len(PART_PALETTE)]},
            customdata=display_values(frame["area"], "m^2"),
            hovertemplate="<b>%{y}</b><br>%{x:.4g} " + prefixed + " (%{customdata})<extra></extra>",
        ))
    base_layout(figure, title, f"area [{prefixed}]", "component", height=max(320, 120 + 40 * len(areas)))
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=list(areas["component"]))
    return figure


def published_bars(comparison: pd.DataFrame, colors: dict, title: str) -> go.Figure:
    """Model vs published per device: time per token [s] and energy per token [J], log axes.

    ``comparison`` rows: ``chip_label``, ``quantity`` (time_per_token or
    energy_per_token), ``published``, ``model``, ``scenario_label``.
    """
    quantities = (("time_per_token", "s", "time per token"), ("energy_per_token", "J", "energy per token"))
    figure = base_layout(make_subplots(rows=1, cols=2, horizontal_spacing=0.12), title, "device", "", height=500)
    for column, (quantity, unit, what) in enumerate(quantities, start=1):
        frame = comparison[comparison["quantity"] == quantity]
        scale, prefixed = axis_unit(pd.concat([frame["published"], frame["model"]]), unit)
        for source, pattern in (("model", ""), ("published", "/")):
            figure.add_trace(go.Bar(
                x=frame["chip_label"], y=frame[source] / scale,
                name="model" if source == "model" else "Leroux 2025 (published)", legendgroup=source,
                showlegend=column == 1,
                marker={"color": [colors.get(chip, "#777") for chip in frame["chip_label"]],
                        "pattern": {"shape": pattern, "fgcolor": "white"}, "line": {"color": "black", "width": 1}},
                customdata=np.column_stack([display_values(frame[source], unit), frame["scenario_label"]]),
                hovertemplate=f"<b>%{{x}}</b> ({source})<br>%{{customdata[1]}}<br>{what} %{{customdata[0]}}<extra></extra>",
            ), row=1, col=column)
        figure.update_yaxes(title_text=f"{what} [{prefixed}]", type="log", row=1, col=column,
                            **log_ticks(pd.concat([frame["published"], frame["model"]]) / scale))
        figure.update_xaxes(title_text="device", row=1, col=column)
    figure.update_layout(barmode="group")
    return figure


def group_bars(groups: pd.DataFrame, title: str) -> go.Figure:
    """Model vs published energy per group [J] (``group``, ``model``, ``published``), linear axis."""
    scale, prefixed = axis_unit(pd.concat([groups["published"], groups["model"]]), "J")
    figure = go.Figure()
    for source, color, pattern in (("model", "#0072B2", ""), ("published", "#9ecae1", "/")):
        figure.add_trace(go.Bar(
            x=groups["group"], y=groups[source] / scale, name="model" if source == "model" else "Leroux 2025 (published)",
            marker={"color": color, "pattern": {"shape": pattern}, "line": {"color": "black", "width": 1}},
            customdata=display_values(groups[source], "J"),
            hovertemplate=f"<b>%{{x}}</b> ({source})<br>%{{customdata}}<extra></extra>",
        ))
    base_layout(figure, title, "energy group", f"energy per token per head [{prefixed}]", height=460)
    figure.update_layout(barmode="group")
    return figure
