"""The GPU model against published LLM decode measurements: predicted ÷ measured per point.

Takes the table of :func:`archmodel.measure.public.validation_table` (label, gpu, batch, fitted, quantity,
measured, predicted, error); returns a Figure (no I/O).  Filled markers: points the calibration was fitted to;
open markers: held-out points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from archmodel.report.style import PART_PALETTE, base_layout

#: how each measured quantity is named and coloured
QUANTITY_NAMES = {"time_per_token": "time per token", "board_energy_per_token": "board energy per token",
                  "board_power": "board power"}


def validation_figure(table: pd.DataFrame, title: str) -> go.Figure:
    """Predicted ÷ measured [-] of every published point (log axis; band: ±20 %), fitted and held-out marked."""
    figure = go.Figure()
    order = list(table["label"])
    for index, (quantity, name) in enumerate(QUANTITY_NAMES.items()):
        for fitted in (True, False):
            rows = table[(table["quantity"] == quantity) & (table["fitted"] == fitted)]
            if rows.empty:
                continue
            figure.add_trace(go.Scatter(
                x=rows["predicted"] / rows["measured"], y=rows["label"], mode="markers",
                name=f"{name} ({'fitted' if fitted else 'held out'})",
                marker={"color": PART_PALETTE[index], "size": 11, "symbol": "circle" if fitted else "circle-open",
                        "line": {"width": 2, "color": PART_PALETTE[index]}},
                customdata=np.column_stack([rows["gpu"], rows["batch"], rows["measured"].map("{:.4g}".format),
                                            rows["predicted"].map("{:.4g}".format), (100 * rows["error"]).round(1)]),
                hovertemplate=("<b>%{y}</b><br>%{customdata[0]}, batch %{customdata[1]}<br>measured %{customdata[2]}, "
                               "predicted %{customdata[3]} (SI units)<br>error %{customdata[4]} %<extra></extra>"),
            ))
    figure.add_vrect(x0=0.8, x1=1.2, fillcolor="#BAB0AC", opacity=0.25, line_width=0)
    figure.add_vline(x=1.0, line={"color": "#79706E", "dash": "dot"})
    base_layout(figure, title, "predicted ÷ measured", "published point", height=max(360, 140 + 28 * len(order)))
    figure.update_xaxes(type="log", range=[np.log10(0.4), np.log10(2.5)])
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=order)
    return figure
