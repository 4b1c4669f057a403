"""Tornado figure: the elasticity of latency, energy and area to each numeric spec field.

Takes the table of :func:`archmodel.sensitivity.elasticities` and returns a
Figure (no I/O).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from archmodel.report.style import PART_PALETTE, base_layout

OUTPUTS = ("latency", "energy", "area")


def tornado_figure(table: pd.DataFrame, title: str, top: int = 20) -> go.Figure:
    """Horizontal bars of d ln(output)/d ln(field) per field, the ``top`` most influential first."""
    largest = table[list(OUTPUTS)].abs().max(axis=1).fillna(0.0)
    shown = table.assign(largest=largest)
    shown = shown[shown["largest"] > 0].sort_values("largest", ascending=False).head(top)
    figure = go.Figure()
    for index, output in enumerate(OUTPUTS):
        values = shown[output].to_numpy(dtype=float)
        figure.add_trace(go.Bar(
            y=shown["path"], x=np.nan_to_num(values), name=output, orientation="h",
            marker={"color": PART_PALETTE[index % len(PART_PALETTE)]},
            hovertemplate="<b>%{y}</b><br>" + output + ": %{x:+.3f}<extra></extra>",
        ))
    base_layout(figure, title, "elasticity d ln(output) / d ln(field) [-]", "field", height=max(320, 140 + 26 * len(shown)))
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=list(shown["path"]))
    return figure
