"""Figures of a design-space exploration: trade-off scatters (2-D, 3-D) and parallel coordinates.

Each function takes the designs table and returns a Figure (no I/O).
``designs``: one row per design with ``variant`` (the design's number), the
swept field columns (``chip.technology.node`` …) and the objective columns,
all SI, ``on_front`` (on the Pareto front of every objective) and
``hover`` (the design as text); ``units`` maps each column to its SI unit.
Dominated designs are drawn faded, front designs in one strong colour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from archmodel.report.style import FONT, axis_unit, base_layout, display_value, log_ticks
from archmodel.specs.units import COUNT_UNITS, format_quantity

FRONT_COLOR = "#D55E00"
DOMINATED_COLOR = "rgba(120, 120, 120, 0.35)"
#: dominated designs in 3-D: opaque (WebGL markers draw rgba colours unreliably), lighter instead
DOMINATED_COLOR_3D = "#c4c4c4"
#: a quantity spanning at least this ratio (largest / smallest) gets a log axis [-]
LOG_SPAN = 10.0
#: engineering prefixes of units without a table in :data:`archmodel.report.style.PREFIXES`
ENGINEERING = ((1e-15, "f"), (1e-12, "p"), (1e-9, "n"), (1e-6, "µ"), (1e-3, "m"), (1.0, ""), (1e3, "k"), (1e6, "M"),
               (1e9, "G"), (1e12, "T"))


def quantity_label(column: str) -> str:
    """``energy_per_token`` → ``energy per token``; a swept field keeps its spec path without ``chip.``."""
    return column.partition(".")[2] if column.startswith(("chip.", "workload.")) else column.replace("_", " ")


def value_text(value: float, unit: str) -> str:
    """A value [unit] as text: ``7.328 nm``, ``2.891 mm²``; a count as a plain number (``30``)."""
    return format_quantity(value, unit) if np.isfinite(value) else display_value(value, unit)


def design_text(row, columns: list[str], units: dict[str, str]) -> str:
    """Hover text of one design: its number, then ``name = value`` of each column (HTML line breaks)."""
    lines = [f"<b>design {int(row['variant'])}</b>"]
    lines += [f"{column} = {value_text(float(row[column]), units.get(column, ''))}" for column in columns]
    return "<br>".join(lines)


def display_unit(values, unit: str) -> tuple[float, str]:
    """(scale, prefixed unit) of an axis showing ``values`` [unit]: the largest engineering prefix at most the
    largest magnitude (20–380 ns → ns, 7–65 nm → nm, 0.5–2 GHz → GHz); m² as the report shows it (mm²);
    counts unscaled."""
    if unit in COUNT_UNITS:
        return 1.0, unit
    if unit == "m^2":
        return axis_unit(values, unit)
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size == 0:
        return 1.0, unit
    scale, prefix = max(((s, p) for s, p in ENGINEERING if s <= finite.max() * 1.0000001), default=ENGINEERING[0])
    return scale, prefix + unit


def axis_title(column: str, unit: str) -> str:
    """``energy per token [nJ]``; no brackets for a count."""
    return f"{quantity_label(column)} [{unit}]" if unit else quantity_label(column)


def is_log(values) -> bool:
    """True when the positive ``values`` span :data:`LOG_SPAN` or more (a log axis reads them better)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    return bool(finite.size and finite.min() > 0 and finite.max() / finite.min() >= LOG_SPAN)


def _axis(designs: pd.DataFrame, column: str, units: dict[str, str]) -> tuple[np.ndarray, dict]:
    """Values of ``column`` in display units and the axis settings (title, log type, readable ticks)."""
    scale, unit = display_unit(designs[column], units.get(column, ""))
    values = designs[column].to_numpy(dtype=float) / scale
    axis = {"title": {"text": axis_title(column, unit)}}
    if is_log(values):
        axis |= {"type": "log", **log_ticks(values)}
    return values, axis


def _parts(designs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    front = designs["on_front"].to_numpy(dtype=bool)
    return designs[~front], designs[front]


def tradeoff_figure(designs: pd.DataFrame, x: str, y: str, units: dict[str, str], objectives: list[str]) -> go.Figure:
    """``y`` against ``x`` for every design: dominated faded, the front of all ``objectives`` highlighted,
    and the front of these two objectives alone (``front_xy``) joined by its staircase (attainment line)."""
    dominated, front = _parts(designs)
    x_values, x_axis = _axis(designs, x, units)
    y_values, y_axis = _axis(designs, y, units)
    on_front = designs["on_front"].to_numpy(dtype=bool)
    pair = designs["front_xy"].to_numpy(dtype=bool)
    order = np.argsort(x_values[pair])
    figure = go.Figure([
        go.Scatter(x=x_values[pair][order], y=y_values[pair][order], mode="lines", line_shape="hv",
                   line={"color": FRONT_COLOR, "width": 1.5, "dash": "dot"}, hoverinfo="skip",
                   name=f"front of {quantity_label(y)} and {quantity_label(x)} alone"),
        go.Scatter(x=x_values[~on_front], y=y_values[~on_front], mode="markers", name=f"dominated ({len(dominated):,})",
                   marker={"color": DOMINATED_COLOR, "size": 7}, customdata=dominated["variant"],
                   hovertext=dominated["hover"], hovertemplate="%{hovertext}<extra>dominated</extra>"),
        go.Scatter(x=x_values[on_front], y=y_values[on_front], mode="markers",
                   name=f"on the front of {', '.join(map(quantity_label, objectives))} ({len(front):,})",
                   marker={"color": FRONT_COLOR, "size": 9, "line": {"color": "white", "width": 1}},
                   customdata=front["variant"], hovertext=front["hover"],
                   hovertemplate="%{hovertext}<extra>on the front</extra>"),
    ])
    base_layout(figure, f"{quantity_label(y).capitalize()} against {quantity_label(x)}", "", "", height=520)
    figure.update_layout(xaxis=x_axis, yaxis=y_axis,
                         legend={"orientation": "h", "yanchor": "top", "y": -0.14, "xanchor": "left", "x": 0})
    return figure


def tradeoff_3d_figure(designs: pd.DataFrame, x: str, y: str, z: str, units: dict[str, str]) -> go.Figure:
    """Every design in the space of three objectives: dominated faded, the front highlighted."""
    dominated, front = _parts(designs)
    on_front = designs["on_front"].to_numpy(dtype=bool)
    axes = [_axis(designs, column, units) for column in (x, y, z)]
    values = [shown for shown, _ in axes]
    traces = []
    for name, rows, frame, marker in (
        (f"dominated ({len(dominated):,})", ~on_front, dominated, {"color": DOMINATED_COLOR_3D, "size": 3}),
        (f"on the front ({len(front):,})", on_front, front, {"color": FRONT_COLOR, "size": 5}),
    ):
        traces.append(go.Scatter3d(x=values[0][rows], y=values[1][rows], z=values[2][rows], mode="markers", name=name,
                                   marker=marker, customdata=frame["variant"], hovertext=frame["hover"],
                                   hovertemplate=f"%{{hovertext}}<extra>{name.split(' (')[0]}</extra>"))
    figure = go.Figure(traces)
    base_layout(figure, f"Designs in ({', '.join(quantity_label(c) for c in (x, y, z))})", "", "", height=620)
    figure.update_layout(scene={"xaxis": axes[0][1], "yaxis": axes[1][1], "zaxis": axes[2][1],
                                "camera": {"eye": {"x": -1.5, "y": -1.5, "z": 0.9}}},  # the low corner, the front's, in front
                         legend={"orientation": "h", "yanchor": "top", "y": 0, "xanchor": "left", "x": 0})
    return figure


def parallel_figure(designs: pd.DataFrame, columns: list[str], units: dict[str, str], log_columns=()) -> go.Figure:
    """One line per design across ``columns`` (swept fields, then objectives), front designs in colour.

    The ``log_columns`` (a field sampled in log spacing, an objective spanning
    a decade) are drawn as their log10 with ticks labelled in display units
    (parallel coordinates have no log axes); drag along an axis to select a
    range of designs.
    """
    dimensions = []
    for column in columns:
        scale, unit = display_unit(designs[column], units.get(column, ""))
        values = designs[column].to_numpy(dtype=float) / scale
        dimension = {"label": axis_title(column, unit), "values": values}
        if column in log_columns:  # drawn as log10, ticks labelled with the values
            logs = np.log10(values)
            low, high = np.nanmin(logs), np.nanmax(logs)
            ticks = log_ticks(values)
            inside = [(np.log10(value), text) for value, text in zip(ticks["tickvals"], ticks["ticktext"])
                      if low <= np.log10(value) <= high]
            dimension = {"label": f"{axis_title(column, unit)} (log)", "values": logs, "range": [low, high],
                         "tickvals": [tick for tick, _ in inside], "ticktext": [text for _, text in inside]}
        dimensions.append(dimension)
    figure = go.Figure(go.Parcoords(
        line={"color": designs["on_front"].to_numpy(dtype=float), "cmin": 0, "cmax": 1, "showscale": False,
              "colorscale": [[0, "rgba(150, 150, 150, 0.25)"], [1, FRONT_COLOR]]},
        dimensions=dimensions, labelangle=-20, labelfont={"family": FONT, "size": 12},
        tickfont={"family": FONT, "size": 11},
    ))
    base_layout(figure, "Swept fields and objectives of every design (front in colour)", "", "", height=520)
    figure.update_layout(margin={"l": 80, "r": 80, "t": 150, "b": 40})
    return figure
