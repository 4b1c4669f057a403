"""The report's HTML tables, caveats and download links (strings; no I/O)."""

from __future__ import annotations

import base64
import html

import numpy as np
import pandas as pd

from archmodel.report.data import ReportData
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


def _ratio(ratios: pd.DataFrame, column: str, key: tuple) -> str:
    return ratio_text(ratios[column][key]) if key in ratios.index else "—"


#: most contexts of a scenario the summary lists; a longer range shows its ends (and the breakdown context)
SUMMARY_CONTEXTS = 6


def summary_contexts(data: ReportData, scenario) -> list[int]:
    """The contexts the summary shows for ``scenario``: every one the recipe asks for when there are at most
    :data:`SUMMARY_CONTEXTS`, else the first, the last and, in the breakdown scenario, the one the breakdown
    figures show (the computed context nearest the recipe's breakdown context)."""
    contexts = [int(context) for context in scenario.contexts]
    if len(contexts) <= SUMMARY_CONTEXTS:
        return contexts
    chosen = [contexts[0], contexts[-1]]
    if scenario.key == data.breakdown_scenario:  # the context the breakdown figures show: the nearest computed
        chosen.insert(1, min(contexts, key=lambda context: abs(context - data.breakdown_context)))
    return sorted(set(chosen))


def chip_areas(data: ReportData, scenario: str | None = None) -> dict[str, str]:
    """Chip key → its area as text: the bottom-up total in ``scenario`` (default: the first; a chip replicating
    its arrays per sequence grows with the batch) for a modelled chip, the datasheet die area for a GPU;
    "—" where neither is known."""
    areas = {}
    scenario = scenario or data.scenarios[0].key
    for chip in data.chips:
        rows = data.areas[(data.areas["chip_key"] == chip.key) & (data.areas["scenario"] == scenario)]
        total = float(rows["area"].sum()) if not rows.empty else 0.0
        die = getattr(chip.spec, "die_area", None)
        if total > 0:
            areas[chip.key] = display_values([total], "m^2")[0]
        elif die:
            areas[chip.key] = f"{display_values([die], 'm^2')[0]} (whole die, datasheet)"
        else:
            areas[chip.key] = "—"
    return areas


def summary_table(data: ReportData) -> str:
    """Headline numbers of every chip in every scenario, at the contexts the recipe asks for (one table each)."""
    return "".join(_scenario_summary(data, scenario) for scenario in data.scenarios)


def _scenario_summary(data: ReportData, scenario) -> str:
    contexts = summary_contexts(data, scenario)
    points = data.points[(data.points["scenario"] == scenario.key) & data.points["context"].isin(contexts)]
    rows = points.sort_values(["context"], kind="stable")
    ratios = data.ratios[data.ratios["scenario"] == scenario.key].set_index(["chip_key", "context"])
    areas = chip_areas(data, scenario.key)
    batch = scenario.batch or scenario.workload.batch
    frame = pd.DataFrame({
        "chip": rows["chip_label"],
        "context": [f"{int(context):,}" for context in rows["context"]],
        "time per token": display_values(rows["time_per_token"], "s", missing="—"),
        "energy per token": display_values(rows["energy_per_token"], "J", missing="—"),
        f"speed-up of {data.reference_label}": [_ratio(ratios, "speedup", key) for key in zip(rows["chip_key"], rows["context"])],
        "energy ratio": [_ratio(ratios, "energy_ratio", key) for key in zip(rows["chip_key"], rows["context"])],
        "area": [areas[key] for key in rows["chip_key"]],
        "GPU floor: time / energy per token": [
            f"{format_si(t, 's')} / {format_si(e, 'J')}" if np.isfinite(t) else "—"
            for t, e in zip(rows["floor_time_per_token"], rows["floor_energy_per_token"])],
    })
    shown = ", ".join(f"{context:,}" for context in contexts)
    every = len(contexts) == len(scenario.contexts)
    caption = (f"<h3>{html.escape(scenario.label)}</h3><p>Batch {batch}: time per token = step latency / {batch}, "
               f"energy per token = step energy / {batch}. Contexts {shown} tokens"
               f"{'' if every else f' (of the {len(scenario.contexts):,} computed; all in points.csv)'}; "
               f"ratios are each chip over {html.escape(data.reference_label)}.</p>")
    return caption + html_table(frame)


def comparison_table(data: ReportData) -> str:
    """Every published point this recipe reproduces (same device and scenario) with the model's value there."""
    frame = data.comparison[np.isfinite(data.comparison["model"].astype(float))]
    if frame.empty:
        return "<p>This recipe reproduces none of the paper's published points (no chip or scenario names one).</p>"
    missing = "—"
    table = pd.DataFrame({
        "device": frame["chip_label"], "quantity": frame["quantity"] + np.where(frame["group"] != "", " " + frame["group"], ""),
        "scope": frame["scope"], "context": frame["context"],
        "published": display_values(frame["published"], frame["unit"], missing),
        "model": display_values(frame["model"], frame["unit"], missing),
        "model / published": [f"{r:.3g}" if np.isfinite(r) else "—" for r in frame["model_over_published"]],
        "kind": np.where(frame["fitted"].astype(bool), frame["kind"] + ": the calibration was fitted to it", frame["kind"]),
        "where in the paper": frame["location"],
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
    links = [f"<li>{csv_link(name, frame)} ({len(frame):,} rows)</li>" for name, frame in tables.items()]
    return '<ul class="downloads">' + "".join(links) + "</ul>"


def csv_link(name: str, frame) -> str:
    """A link that downloads ``frame`` as the CSV file ``name`` (a data URI; units in the header)."""
    encoded = base64.b64encode(csv_text(frame).encode("utf-8")).decode("ascii")
    return f'<a download="{name}" href="data:text/csv;charset=utf-8;base64,{encoded}">{name}</a>'
