"""Figures of a system report: the Amdahl breakdown and the retention wall.

Each function takes tidy DataFrames and returns a Figure (no I/O).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from archmodel.report.style import FONT, axis_unit, base_layout, display_values

#: colour of each device in the Amdahl breakdown
DEVICE_COLORS = {"host": "#7F7F7F", "link": "#E69F00", "attention": "#0072B2"}
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")


def amdahl_figure(shares: pd.DataFrame, title: str) -> go.Figure:
    """Stacked share of the token time per device [-].

    ``shares``: one row per (case, chip_label, device) with ``share`` [-] and
    ``time`` [s] (the device's time on the critical path, for the hover).
    """
    figure = go.Figure()
    for device, rows in shares.groupby("device", sort=False):
        figure.add_trace(go.Bar(
            x=[rows["case"].tolist(), rows["chip_label"].tolist()], y=rows["share"] * 100, name=device,
            marker={"color": DEVICE_COLORS.get(device, "#555555")},
            customdata=display_values(rows["time"], "s"),
            hovertemplate=f"<b>{device}</b><br>%{{x}}<br>%{{y:.3g}} % of the token time (%{{customdata}})<extra></extra>"))
    base_layout(figure, title, "", "share of the time per token [%]", height=520)
    figure.update_layout(barmode="stack")
    figure.update_xaxes(tickangle=0, tickfont={"size": 11})
    figure.update_yaxes(range=[0, 100])
    return figure


def _interval_traces(walls: pd.DataFrame, colors: dict, scale: float) -> list:
    traces = []
    for index, ((chip, scenario), rows) in enumerate(walls.groupby(["chip_label", "scenario_label"], sort=False)):
        traces.append(go.Scatter(
            x=rows["context"], y=rows["token_interval"] / scale, name=f"{chip}, {scenario}", legendgroup=chip,
            mode="lines", line={"color": colors.get(chip, "#555555"), "dash": DASHES[index % len(DASHES)]},
            customdata=display_values(rows["token_interval"], "s"),
            hovertemplate=f"<b>{chip}</b>, {scenario}<br>context %{{x:,}}<br>Δt %{{customdata}}<extra></extra>"))
    return traces


def _ratio_traces(walls: pd.DataFrame, colors: dict) -> list:
    traces = []
    for index, ((chip, scenario), rows) in enumerate(walls.groupby(["chip_label", "scenario_label"], sort=False)):
        ratio = rows["refresh_energy_per_token"] / rows["attention_energy_per_token"]
        traces.append(go.Scatter(
            x=rows["context"], y=ratio.where(ratio > 0), name=f"{chip}, {scenario}", legendgroup=chip,
            showlegend=False, mode="lines", line={"color": colors.get(chip, "#555555"),
                                                  "dash": DASHES[index % len(DASHES)]},
            customdata=display_values(ratio, ""),
            hovertemplate=f"<b>{chip}</b>, {scenario}<br>context %{{x:,}}<br>refresh ÷ attention "
                          "%{customdata}<extra></extra>"))
    return traces


def retention_wall_figure(walls: pd.DataFrame, colors: dict, title: str) -> go.Figure:
    """Left: token interval Δt [s] against context, with each chip's wall θ·τ/(M − 1); right: refresh energy
    ÷ the rest of the attention energy [-], above 1 where refresh costs more than the attention itself.

    ``walls``: rows of :func:`archmodel.report.system_data.system_table`.
    """
    scale, prefixed = axis_unit(pd.concat([walls["token_interval"], walls["wall_interval"]]), "s")
    figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                           subplot_titles=("token interval Δt and the retention wall θ·τ/(M−1)",
                                           "refresh energy ÷ rest of the attention energy"))
    for trace in _interval_traces(walls, colors, scale):
        figure.add_trace(trace, row=1, col=1)
    for chip, rows in walls.groupby("chip_label", sort=False):
        wall = rows["wall_interval"].iloc[0]
        figure.add_hline(y=wall / scale, row=1, col=1, line={"color": colors.get(chip, "#555555"), "width": 1},
                         annotation_text=f"wall of {chip}: {display_values([wall], 's')[0]}",
                         annotation_font={"family": FONT, "size": 11})
    for trace in _ratio_traces(walls, colors):
        figure.add_trace(trace, row=1, col=2)
    figure.add_hline(y=1, row=1, col=2, line={"color": "black", "dash": "dot", "width": 1},
                     annotation_text="refresh = attention", annotation_font={"family": FONT, "size": 11})
    base_layout(figure, title, "context length [tokens]", f"Δt [{prefixed}]", height=560)
    figure.update_xaxes(type="log", title_text="context length [tokens]")
    figure.update_yaxes(type="log")
    figure.update_yaxes(title_text="refresh ÷ attention [×]", row=1, col=2)
    return figure
