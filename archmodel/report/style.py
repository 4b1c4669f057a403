"""Look of the figures: colours per chip, readable unit prefixes, one base layout."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from archmodel.specs.units import format_area, format_si

#: colour-blind-safe qualitative palette (Okabe-Ito, then Tableau) for chips
CHIP_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F")
#: palette for breakdown categories (groups, components, phases): Tableau 20, strong shades first
PART_PALETTE = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7",
                "#9C755F", "#BAB0AC", "#A0CBE8", "#FFBE7D", "#8CD17D", "#FF9D9A", "#86BCB6", "#F1CE63",
                "#D4A6C8", "#FABFD2", "#D7B5A6", "#79706E")

#: unit → (scale, prefixed unit) choices for axes, smallest first
PREFIXES: dict[str, tuple[tuple[float, str], ...]] = {
    "s": ((1e-12, "ps"), (1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms"), (1.0, "s")),
    "J": ((1e-15, "fJ"), (1e-12, "pJ"), (1e-9, "nJ"), (1e-6, "µJ"), (1e-3, "mJ"), (1.0, "J")),
    "m^2": ((1e-12, "µm²"), (1e-6, "mm²"), (1.0, "m²")),
}

#: line style of each scenario, in recipe order (colours stay per chip)
SCENARIO_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
#: marker of each scenario drawn as single points, in recipe order
SCENARIO_SYMBOLS = ("diamond-open", "square-open", "circle-open", "triangle-up-open", "hexagon-open", "cross-open")

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def chip_colors(labels: list[str], chosen: list[str | None]) -> dict[str, str]:
    """Label → colour: the recipe's choice, else the next palette colour not already taken."""
    taken = {color.lower() for color in chosen if color}
    free = [color for color in CHIP_PALETTE if color.lower() not in taken]
    colors = {}
    for label, color in zip(labels, chosen):
        colors[label] = color or (free.pop(0) if free else CHIP_PALETTE[len(colors) % len(CHIP_PALETTE)])
    return colors


def axis_unit(values, unit: str) -> tuple[float, str]:
    """(scale, prefixed unit) for an axis showing ``values`` [unit].

    The largest prefix that shows the largest value as 0.1 or more (540 µs →
    µs, 0.96 mm² → mm²), one step smaller when the smallest value would show
    below 0.001 (73.8 nJ … 7 mJ → µJ), so that log axes spanning decades
    stay readable.
    """
    choices = PREFIXES.get(unit)
    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if choices is None or finite.size == 0:
        return 1.0, unit
    index = max([i for i, (scale, _) in enumerate(choices) if scale <= 10 * finite.max()], default=0)
    if index > 0 and finite.min() / choices[index][0] < 1e-3:
        index -= 1
    return choices[index]


def display_value(value: float, unit: str, missing: str = "n/a") -> str:
    """A value [unit] as text with its own prefix: ``65 ns``, ``0.3983 mm²`` (unit ``m^2``), ``×344`` (unit ``""``).

    NaN and infinities show as ``missing``.
    """
    if not np.isfinite(value):
        return missing
    if unit == "m^2":
        return format_area(value)
    return format_si(value, unit) if unit else ratio_text(value)


def display_values(values, unit: str | list[str], missing: str = "n/a") -> list[str]:
    """:func:`display_value` of each value; ``unit`` is one unit for all or one per value (hover text, tables)."""
    values = np.asarray(values, dtype=float).tolist()
    units = [unit] * len(values) if isinstance(unit, str) else list(unit)
    return [display_value(value, each, missing) for value, each in zip(values, units)]


def base_layout(figure: go.Figure, title: str, x_title: str, y_title: str, height: int = 480) -> go.Figure:
    """Title, axis titles, font, legend below the plot, white template."""
    figure.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 70, "r": 30, "t": 60, "b": 40},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.02,
                "groupclick": "toggleitem", "tracegroupgap": 12},
        hoverlabel={"font": {"family": FONT}},
    )
    figure.update_xaxes(title_text=x_title, showline=True, linecolor="#888", mirror=True)
    figure.update_yaxes(title_text=y_title, showline=True, linecolor="#888", mirror=True,
                        exponentformat="none", separatethousands=True)
    return figure


def ratio_text(value: float) -> str:
    """A ratio [-] as ``×344`` or ``×97,300`` (three significant digits, thousands separated)."""
    if not np.isfinite(value):
        return "—"
    places = 2 - int(np.floor(np.log10(abs(value)))) if value else 0
    return f"×{round(value, places):,.{max(places, 0)}f}"


def scenario_styles(scenario_labels) -> dict[str, tuple[str, str]]:
    """Scenario label → (line dash, marker symbol), distinct for up to six scenarios, in order of appearance."""
    labels = list(dict.fromkeys(scenario_labels))
    return {label: (SCENARIO_DASHES[index % len(SCENARIO_DASHES)], SCENARIO_SYMBOLS[index % len(SCENARIO_SYMBOLS)])
            for index, label in enumerate(labels)}


def log_ticks(values) -> dict:
    """Tick values and labels of a log axis showing ``values``, written out in full (200,000, not "2").

    Ticks at 1, 2, 5 × each decade when the values span at most three decades,
    else one per decade; labels like :func:`tick_text`.  Empty dict when no
    value is positive and finite (plotly's defaults apply).
    """
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size == 0:
        return {}
    low, high = np.floor(np.log10(finite.min())), np.ceil(np.log10(finite.max()))
    decades = 10.0 ** np.arange(low, high + 1)
    steps = (1, 2, 5) if high - low <= 3 else (1,)
    ticks = [float(decade * step) for decade in decades for step in steps]
    ticks = [tick for tick in ticks if finite.min() / 1.5 <= tick <= finite.max() * 1.5] or [float(decades[0])]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [tick_text(tick) for tick in ticks]}


def tick_text(value: float) -> str:
    """A tick label written out: ``200,000``, ``0.002``, ``1.5``."""
    if value >= 1:
        return f"{value:,.0f}" if value == round(value) else f"{value:,.3g}"
    return f"{value:.12f}".rstrip("0").rstrip(".")
