"""What a report shows, in order: each section's figure (built from ReportData) and its text.

Selecting and shaping data for each figure happens here; drawing is in
:mod:`archmodel.report.figures`; HTML in :mod:`archmodel.report.html`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from archmodel.report.data import ReportData
from archmodel.report.figures.breakdowns import area_figure, group_bars, published_bars, share_figure
from archmodel.report.figures.curves import context_figure, ratio_figure
from archmodel.report.figures.schedule import gantt_figure
from archmodel.report.figures.tornado import tornado_figure
from archmodel.sensitivity import elasticities
from archmodel.report.figures.gpu_validation import validation_figure
from archmodel.report.published import SCENARIOS
from archmodel.specs.units import format_area
from archmodel.sweep.schema import BREAKDOWNS

TEXT_TIME = ("Wall time of one decode step divided by the batch (for batch 1: the latency one sequence waits for its "
             "next token). Lines: the model over context length; open diamonds: the model at a single-context "
             "scenario; stars: the paper's published values, drawn where the recipe reproduces their scenario and scope.")
TEXT_ENERGY = ("Energy of one decode step for the whole batch divided by the batch. GPU figures in the paper are "
               "amortised over 64 sequences; the analog chip's are per sequence.")


@dataclass(frozen=True)
class Section:
    """One figure of the report with its heading and explanation (plain text; the page escapes it)."""

    key: str
    heading: str
    text: str
    figure: go.Figure


def _reproduced(data: ReportData, quantities: list[str]) -> pd.DataFrame:
    """Comparison rows of ``quantities`` whose published scenario and scope a recipe scenario reproduces."""
    scopes = {(s.published, s.scope) for s in data.scenarios if s.published}
    rows = data.comparison[data.comparison["quantity"].isin(quantities)]
    return rows[[(scenario, scope) in scopes for scenario, scope in zip(rows["scenario"], rows["scope"])]]


def _overlay(data: ReportData, quantity: str) -> pd.DataFrame:
    """Published points of ``quantity`` whose scenario and scope a recipe scenario reproduces."""
    rows = _reproduced(data, [quantity])
    return pd.DataFrame({
        "chip_label": rows["chip_label"],
        "context": rows["context"],
        "value": rows["published"],
        "model": rows["model"],
        "note": rows["location"] + "<br>" + rows["scenario"].map(SCENARIOS),
        "fitted": rows["fitted"],
    })


def _curves(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[["scenario_label", "chip_label", "context"]].assign(value=frame[column].to_numpy())


def breakdown_rows(data: ReportData, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the breakdown scenario at the context nearest the recipe's breakdown context."""
    frame = frame[frame["scenario"] == data.breakdown_scenario]
    if frame.empty:
        return frame
    contexts = frame["context"].unique()
    nearest = contexts[np.argmin(np.abs(contexts - data.breakdown_context))]
    return frame[frame["context"] == nearest]


def curve_sections(data: ReportData) -> list[Section]:
    """Latency and energy against context length; ratios to the reference chip when there are others."""
    reference = data.reference_label
    per_token = [
        Section("time", "Time per generated token", TEXT_TIME,
                context_figure(_curves(data.points, "time_per_token"), _overlay(data, "time_per_token"), data.colors,
                               "s", "Time per generated token vs context length", "time per token")),
        Section("energy", "Energy per generated token", TEXT_ENERGY,
                context_figure(_curves(data.points, "energy_per_token"), _overlay(data, "energy_per_token"),
                               data.colors, "J", "Energy per generated token vs context length", "energy per token")),
    ]
    if data.ratios.empty:
        return per_token
    return per_token + [
        Section("speedup", f"Speed-up of {reference}",
                f"Time per token of each chip divided by that of {reference}, same scenario and context "
                f"(above 1: {reference} is faster). Stars: the paper's ratios; crosses: the model computed the "
                "paper's way (GPU benchmark, batch 64 amortised, over the analog chip's single sequence).",
                ratio_figure(_curves(data.ratios, "speedup"), _overlay(data, "speedup"), data.colors,
                             f"Speed-up: time per token ÷ {reference}'s", "time ratio")),
        Section("energy_ratio", f"Energy ratio against {reference}",
                f"Energy per token of each chip divided by that of {reference} (above 1: {reference} spends less).",
                ratio_figure(_curves(data.ratios, "energy_ratio"), _overlay(data, "energy_ratio"), data.colors,
                             f"Energy ratio: energy per token ÷ {reference}'s", "energy ratio")),
    ]


def published_sections(data: ReportData) -> list[Section]:
    """The model next to each published per-token number and the paper's per-head energy breakdown."""
    sections = []
    rows = _reproduced(data, ["time_per_token", "energy_per_token"])
    if not rows.empty:
        rows = rows.assign(scenario_label=rows["scenario"].map(SCENARIOS))
        sections.append(Section(
            "published", "Model vs published per-token figures",
            "Each device where the paper measured it (hatched: Leroux 2025). GPU numbers are the paper's benchmark "
            "(batch 64, full 1024-slot buffer, float32), amortised over the batch; the gain-cell chip's are one "
            "sequence at M = 1024.",
            published_bars(rows, data.colors, "Model vs Leroux 2025, per token, one attention layer")))
    groups = data.comparison[(data.comparison["quantity"] == "energy_by_group") & np.isfinite(data.comparison["model"])]
    if not groups.empty:
        total = data.comparison[(data.comparison["quantity"] == "energy_per_token") & (data.comparison["scope"] == "head")]
        table = pd.concat([groups, total.assign(group="total")])[["group", "model", "published"]]
        sections.append(Section(
            "groups", "Energy per head by group vs Leroux 2025 Fig. 5",
            "One head, one token, M = 1024, d = 64: the model's energy groups next to the paper's breakdown.",
            group_bars(table, "Gain-cell energy per token per head: model vs Leroux 2025 Fig. 5")))
    return sections


def breakdown_sections(data: ReportData) -> list[Section]:
    """Energy by group and by component, latency by phase, area of the reference chip."""
    chips = [chip.label for chip in data.chips]
    energy = breakdown_rows(data, data.energy)
    phases = breakdown_rows(data, data.phases)
    phases = phases[phases.groupby("op")["latency"].transform("sum") > 0]
    context = int(energy["context"].iloc[0]) if not energy.empty else data.breakdown_context
    scenario = next(s for s in data.scenarios if s.key == data.breakdown_scenario)
    where = f"{scenario.label}, context {context:,} tokens"
    areas = data.areas[(data.areas["scenario"] == data.breakdown_scenario) & (data.areas["chip_key"] == data.reference)]
    total_area = areas["area"].sum()
    sections = []
    for breakdown in BREAKDOWNS:
        rows = energy[energy["breakdown"] == breakdown]
        parts = rows[["chip_label"]].assign(part=rows["name"].to_numpy(), value=rows["energy_per_token"].to_numpy())
        sections.append(Section(
            f"energy_{breakdown}", f"Energy by {breakdown}",
            f"Share of each chip's energy per token ({where}); hover for absolute values.",
            share_figure(parts, chips, "J", f"Energy per token by {breakdown} ({where})", "energy per token", breakdown)))
    parts = phases[["chip_label"]].assign(part=phases["op"].to_numpy(), value=phases["latency"].to_numpy())
    sections.append(Section(
        "phases", "Latency by phase",
        f"Share of each chip's decode-step latency per op on the critical path ({where}); time hidden by overlap "
        "(e.g. a K/V write during the previous token's compute) is not on the critical path.",
        share_figure(parts, chips, "s", f"Decode-step latency by phase ({where})", "latency", "phase")))
    sections.append(Section(
        "area", f"Area of {data.reference_label}",
        f"Silicon area per component, scope '{scenario.scope}' ({scenario.label}); total {format_area(total_area)}.",
        area_figure(areas[["component", "group", "area"]], f"Area of {data.reference_label} by component, "
                    f"scope {scenario.scope} (total {format_area(total_area)})")))
    return sections


def schedule_sections(data: ReportData) -> list[Section]:
    """Gantt chart of one layer's decode step on the reference chip, where it has an event schedule."""
    from archmodel.engine import estimate

    chip = next(chip for chip in data.chips if chip.key == data.reference)
    scenario = next(s for s in data.scenarios if s.key == data.breakdown_scenario)
    result = estimate(chip.spec, scenario.workload, context=data.breakdown_context, batch=scenario.batch, scope=scenario.scope)
    if result.tasks.empty:
        return []
    where = f"{scenario.label}, context {data.breakdown_context:,} tokens"
    return [Section(
        "schedule", f"Event schedule of {data.reference_label}",
        f"One layer's decode step ({where}) on the resources of one KV head's unit (the other units run the same "
        "tasks at the same times): each bar is a task holding a resource; GQA turns pipeline where the resources "
        "allow, and the K/V write runs alongside the reads when the arrays have a separate write port.",
        gantt_figure(result.tasks, f"Schedule of one layer's decode step on {data.reference_label} ({where})"))]


def sensitivity_sections(data: ReportData) -> list[Section]:
    """Tornado of the reference chip's elasticities at the breakdown point (gain-cell chips only)."""
    reference = next(chip for chip in data.chips if chip.key == data.reference)
    if getattr(reference.spec, "kind", "") != "gaincell_attention":
        return []
    scenario = next(s for s in data.scenarios if s.key == data.breakdown_scenario)
    table = elasticities(reference.spec, scenario.workload, context=data.breakdown_context, scope=scenario.scope)
    where = f"{scenario.label}, context {data.breakdown_context:,} tokens, scope {scenario.scope}"
    return [Section(
        "sensitivity", f"Sensitivity of {data.reference_label}",
        f"Elasticity d ln(output) / d ln(field) of latency, energy and area to each numeric spec field ({where}), "
        "by central finite differences: +0.5 means a 1 % larger value gives 0.5 % more. The 20 most influential "
        "fields are shown; `archmodel sensitivity` lists all.",
        tornado_figure(table, f"Elasticities of {data.reference_label} ({where})"))]


def gpu_validation_sections(data: ReportData) -> list[Section]:
    """The GPU model against published LLM decode measurements, when the report has a GPU (docs/gpu_model.md)."""
    from archmodel.measure.public import GPU_FOLDER, PUBLIC_DATA, held_out_medians, validation_table

    if not PUBLIC_DATA.exists() or not any(getattr(chip.spec, "kind", "") == "gpu" for chip in data.chips):
        return []
    table = validation_table(PUBLIC_DATA, GPU_FOLDER)
    medians = held_out_medians(table)
    return [Section(
        "gpu_validation", "GPU model vs published LLM decode measurements",
        f"Each GPU's default ('serving') calibration against {len(table)} published measurements of whole-model "
        f"decoding (tests/validation/gpu_public.json). Filled: points the H100 calibration was fitted to; open: held "
        f"out. Held-out median absolute error: {100 * medians['throughput']:.0f} % (throughput), "
        f"{100 * medians['energy']:.0f} % (board energy or power); grey band ±20 %.",
        validation_figure(table, "GPU model: predicted ÷ measured per published point"))]


def sections(data: ReportData) -> list[Section]:
    """Every figure section of the report, in reading order."""
    from archmodel.report.system_contents import system_sections  # builds on Section and breakdown_rows

    return (curve_sections(data) + published_sections(data) + breakdown_sections(data) + schedule_sections(data)
            + sensitivity_sections(data) + gpu_validation_sections(data) + system_sections(data))

