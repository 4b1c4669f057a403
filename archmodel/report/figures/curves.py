"""Figures over context length: per-token latency and energy, and ratios against the reference chip.

Each function takes tidy DataFrames and returns a Figure (no I/O).

``curves``: one row per (scenario, chip, context) with ``chip_label``,
``scenario_label``, ``context`` [token] and ``value`` [unit]; a scenario
with one context is drawn as markers, more as lines.  The legend groups
traces by scenario.
``overlay``: published points, one row each, with ``chip_label``,
``context``, ``value`` [unit], ``model`` (the model computed the paper's
way, [unit]), ``note`` (hover) and ``fitted`` (a GPU calibration was fitted
to this value: labelled "fitted to", not "paper").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from archmodel.report.style import axis_unit, base_layout, display_values, log_ticks, scenario_styles

NEUTRAL = "#555555"
PUBLISHED_GROUP = "Leroux 2025 (published)"


def _shown(values, unit: str) -> list[str]:
    """Hover text of values [unit]; unit ``""``: ratios (``×344``, ``—`` where undefined)."""
    return display_values(values, unit, missing="n/a" if unit else "—")


def _curve_traces(curves: pd.DataFrame, colors: dict, scale: float, unit: str, what: str) -> list:
    traces = []
    styles = scenario_styles(curves["scenario_label"])
    for (scenario, chip), frame in curves.groupby(["scenario_label", "chip_label"], sort=False):
        single = frame["context"].nunique() == 1
        color = colors.get(chip, NEUTRAL)
        dash, symbol = styles[scenario]
        shown = _shown(frame["value"], unit)
        traces.append(go.Scatter(
            x=frame["context"], y=frame["value"] / scale, name=chip,
            legendgroup=scenario, legendgrouptitle={"text": f"model: {scenario}"},
            mode="markers" if single else "lines",
            line={"color": color, "width": 2.5, "dash": dash},
            marker={"color": color, "symbol": symbol, "size": 12, "line": {"width": 2}},
            customdata=shown,
            hovertemplate=(f"<b>{chip}</b><br>model: {scenario}<br>context %{{x:,}} tokens<br>"
                           f"{what} %{{customdata}}<extra></extra>"),
        ))
    return traces


def _marker(row, value: float, shown: str, scale: float, what: str, group: str, symbol: str, colors: dict) -> go.Scatter:
    color = colors.get(row.chip_label, NEUTRAL)
    published = group == PUBLISHED_GROUP
    fitted = published and bool(getattr(row, "fitted", False))
    label = "fitted to" if fitted else "paper" if published else "model"
    how = "<br>the calibration was fitted to this measurement: agreement by construction" if fitted else ""
    return go.Scatter(
        x=[row.context], y=[value / scale], name=row.chip_label, legendgroup=group, legendgrouptitle={"text": group},
        mode="markers+text",
        marker={"color": color, "symbol": symbol, "size": 16 if published else 13,
                "line": {"color": "black" if published else color, "width": 1 if published else 2}},
        text=[f"{label} {shown}"],
        textposition="middle left" if published else "middle right", textfont={"size": 11},
        hovertemplate=f"<b>{row.chip_label}</b> ({group})<br>{row.note}{how}<br>context {row.context:,} tokens<br>"
                      f"{what} {shown}<extra></extra>",
    )


def _overlay_traces(overlay: pd.DataFrame, colors: dict, scale: float, unit: str, what: str, with_model: bool) -> list:
    """Stars at the published values; with ``with_model``, crosses at the model computed the paper's way."""
    traces = []
    for row in overlay.itertuples(index=False):
        shown = _shown([row.value], unit)[0]
        traces.append(_marker(row, row.value, shown, scale, what, PUBLISHED_GROUP, "star", colors))
    for row in overlay.itertuples(index=False) if with_model else ():
        if np.isfinite(row.model):
            shown = _shown([row.model], unit)[0]
            traces.append(_marker(row, row.model, shown, scale, what, "model, the paper's comparison", "x-thin-open", colors))
    return traces


def context_figure(curves: pd.DataFrame, overlay: pd.DataFrame, colors: dict, unit: str,
                   title: str, what: str) -> go.Figure:
    """Log-log ``what`` [unit] against context length, model curves plus published markers."""
    scale, prefixed = axis_unit(pd.concat([curves["value"], overlay["value"]]), unit)
    figure = go.Figure(_curve_traces(curves, colors, scale, unit, what)
                       + _overlay_traces(overlay, colors, scale, unit, what, with_model=False))
    base_layout(figure, title, "context length [tokens]", f"{what} [{prefixed}]", height=560)
    _log_axes(figure, curves["context"], pd.concat([curves["value"], overlay["value"]]) / scale)
    return figure


def _log_axes(figure: go.Figure, x, y) -> None:
    """Log x and y axes whose tick labels are whole numbers (200,000), not plotly's bare digits ("2")."""
    figure.update_xaxes(type="log", **log_ticks(x))
    figure.update_yaxes(type="log", **log_ticks(y))


def ratio_figure(ratios: pd.DataFrame, overlay: pd.DataFrame, colors: dict, title: str, what: str) -> go.Figure:
    """Log-log ratio [-] of each chip to the reference against context, with the paper's ratios."""
    figure = go.Figure(_curve_traces(ratios, colors, 1.0, "", what)
                       + _overlay_traces(overlay, colors, 1.0, "", what, with_model=True))
    base_layout(figure, title, "context length [tokens]", f"{what} [×]", height=560)
    _log_axes(figure, ratios["context"], pd.concat([ratios["value"], overlay["value"], overlay["model"]]))
    return figure
