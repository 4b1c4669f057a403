"""The report's HTML tables, caveats and download links (strings; no I/O)."""

from __future__ import annotations

import base64
import html

import numpy as np
import pandas as pd

from archmodel.report.data import ReportData
from archmodel.report.contents import breakdown_rows
from archmodel.report.published import CITATION
from archmodel.report.style import display_values, ratio_text
from archmodel.specs.units import format_si
from archmodel.sweep.tables_io import csv_text


def html_table(frame: pd.DataFrame, table_class: str = "data") -> str:
    """A plain HTML table of ``frame`` (values are escaped)."""
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f'<table class="{table_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _ratio(ratios: pd.DataFrame, column: str, key: str) -> str:
    return ratio_text(ratios[column][key]) if key in ratios.index else "—"


def summary_table(data: ReportData) -> str:
    """Headline numbers of every chip at the breakdown context."""
    rows = breakdown_rows(data, data.points)
    ratios = breakdown_rows(data, data.ratios).set_index("chip_key")
    frame = pd.DataFrame({
        "chip": rows["chip_label"],
        "time per token": display_values(rows["time_per_token"], "s", missing="—"),
        "energy per token": display_values(rows["energy_per_token"], "J", missing="—"),
        f"speed-up of {data.reference_label}": [_ratio(ratios, "speedup", key) for key in rows["chip_key"]],
        "energy ratio": [_ratio(ratios, "energy_ratio", key) for key in rows["chip_key"]],
        "area": display_values(rows["area"].where(rows["area"] > 0), "m^2", missing="—"),
        "GPU floor: time / energy per token": [
            f"{format_si(t, 's')} / {format_si(e, 'J')}" if np.isfinite(t) else "—"
            for t, e in zip(rows["floor_time_per_token"], rows["floor_energy_per_token"])],
    })
    scenario = rows["scenario_label"].iloc[0] if not rows.empty else ""
    context = int(rows["context"].iloc[0]) if not rows.empty else data.breakdown_context
    caption = (f"<p>{html.escape(scenario)}, context {context:,} tokens; ratios are each chip over "
               f"{html.escape(data.reference_label)}.</p>")
    return caption + html_table(frame)


def comparison_table(data: ReportData) -> str:
    """Every published point with the model's value at the same place."""
    frame = data.comparison
    missing = "— (not in recipe)"
    table = pd.DataFrame({
        "device": frame["chip_label"], "quantity": frame["quantity"] + np.where(frame["group"] != "", " " + frame["group"], ""),
        "scope": frame["scope"], "context": frame["context"],
        "published": display_values(frame["published"], frame["unit"], missing),
        "model": display_values(frame["model"], frame["unit"], missing),
        "model / published": [f"{r:.3g}" if np.isfinite(r) else "—" for r in frame["model_over_published"]],
        "kind": frame["kind"], "where in the paper": frame["location"],
    })
    return html_table(table) + f'<p class="cite">Source: {html.escape(CITATION)}.</p>'


def caveats(data: ReportData) -> str:
    """The caveats a careful reader needs, general and from this recipe's mapping."""
    items = [
        "Batch: per-token GPU figures are amortised over the batch (the paper's benchmark runs 64 sequences); "
        "the analog chip's batch-1 figures are per sequence. Compare like with like: the diamonds at the benchmark "
        "scenario put every chip on the same batch.",
        "Scope: only the attention core (K/V write, Q·Kᵀ, activation, weighted sum) is modelled where the workload "
        "says scope 'attention'; projections, MLP and the LM head run elsewhere and are not counted.",
        "The paper's GPU benchmark attends the whole 1024-slot buffer at every step and its times include framework "
        "overhead; the model's GPU curves come from the calibrated GPU model, the floor from peak bandwidth.",
        "Published points are overlaid for comparison only; they are never inputs of the model curves.",
        "Latency is the wall time of one decode step; heads and sub-tiles run in parallel, layers in sequence.",
    ]
    items += _recipe_caveats(data)
    for (kind, text), rows in data.mapping.groupby(["kind", "text"], sort=False):
        chips = ", ".join(dict.fromkeys(rows["chip"]))
        every = rows["scenario"].nunique() == len(data.scenarios)
        scenarios = "all scenarios" if every else ", ".join(dict.fromkeys(rows["scenario"]))
        prefix = "not mapped (not counted): " if kind == "not mapped" else ""
        items.append(f"{chips} ({scenarios}): {prefix}{text}")
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def _recipe_caveats(data: ReportData) -> list[str]:
    """Caveats that follow from this recipe's chips and scenarios."""
    items = []
    measured = sorted(set(data.calibrations.loc[data.calibrations["labels"].str.contains("measured"), "chip"]))
    if measured:
        items.append(f"{', '.join(measured)}: calibrations marked 'measured' were fitted to measurements; where those "
                     "are the paper's own benchmark, model and published values agree there by construction (a check "
                     "of the fit, not an independent prediction). Other contexts and batches are predictions.")
    replicated = ", ".join(data.replicating)
    for scenario in data.scenarios:
        batch = scenario.batch or scenario.workload.batch
        if batch > 1 and replicated:
            items.append(f"{replicated} at batch {batch} ({scenario.label}): one set of KV arrays per "
                         f"sequence (batch_policy 'replicate'), i.e. {batch}× the area; its time per token is the "
                         f"step latency / {batch}.")
    return items


def downloads(data: ReportData) -> str:
    """Links that download the underlying tables as CSV (data URIs; units in the headers)."""
    tables = {
        "points.csv": data.points, "ratios.csv": data.ratios, "energy_breakdown.csv": data.energy,
        "phases.csv": data.phases, "areas.csv": data.areas, "published_vs_model.csv": data.comparison,
        "provenance.csv": data.provenance, "calibrations.csv": data.calibrations,
    }
    links = []
    for name, frame in tables.items():
        encoded = base64.b64encode(csv_text(frame).encode("utf-8")).decode("ascii")
        links.append(f'<li><a download="{name}" href="data:text/csv;charset=utf-8;base64,{encoded}">{name}</a> '
                     f'({len(frame):,} rows)</li>')
    return '<ul class="downloads">' + "".join(links) + "</ul>"
