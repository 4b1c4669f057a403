"""The sections of a report whose recipe has a system: Amdahl breakdown, retention wall, dies and area.

Shapes :class:`~archmodel.report.data.ReportData` for the figures of
:mod:`archmodel.report.figures.system`; no section when the recipe has no
system.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.graph.ops import ATTENTION_CORE
from archmodel.report.contents import Section
from archmodel.report.data import ReportData
from archmodel.report.figures.system import amdahl_figure, retention_wall_figure
from archmodel.specs.units import format_area
from archmodel.system.partition import DEVICES

TEXT_AMDAHL = ("Each device's share of the time per generated token on the critical path. A chip alone (the GPU) "
               "splits into its attention-core ops (attention) and the rest (host): that attention share a caps what "
               "any attention hardware can gain at 1 / (1 − a) (Amdahl's law). The system's shares come from its "
               "schedule: host, link, and attention chips.")
TEXT_WALL = ("Refresh needs the real token interval Δt: the whole system's time per step, milliseconds with a host, "
             "not the chip's own microseconds. A token written k steps ago is k·Δt old; once the oldest of a full "
             "window of M tokens is older than θ·τ, i.e. Δt > θ·τ/(M − 1) (the horizontal lines), refresh rewrites "
             "the stale cells every θ·τ. Right: where the curves pass 1, refresh costs more than the attention "
             "itself; a curve starts where the first token outlives θ·τ (the oxide cell, τ ≈ 100 s, only past "
             "θ·τ/Δt tokens).")


def _nearest(frame: pd.DataFrame, context: int) -> pd.DataFrame:
    """Rows of ``frame`` at its context nearest ``context``."""
    contexts = frame["context"].unique()
    return frame[frame["context"] == contexts[np.argmin(np.abs(contexts - context))]]


def _devices(ops: pd.Series) -> pd.Series:
    """The device of each phase: a system's phases are its devices; a chip alone's ops split attention / host."""
    core = ops.isin(ATTENTION_CORE).map({True: "attention", False: "host"})
    return ops.where(ops.isin(DEVICES), core)


def _shares(data: ReportData) -> pd.DataFrame:
    """Device shares of every chip at the context nearest the breakdown context, in each scenario."""
    rows = []
    for scenario in data.scenarios:
        phases = data.phases[data.phases["scenario"] == scenario.key]
        if phases.empty:
            continue
        phases = _nearest(phases, data.breakdown_context)
        case = f"{scenario.label},<br>{int(phases['context'].iloc[0]):,} tokens"
        for chip, frame in phases.groupby("chip_label", sort=False):
            times = frame.groupby(_devices(frame["op"]), sort=False)["latency"].sum()
            for device in DEVICES:
                time = float(times.get(device, 0.0))
                rows.append({"case": case, "chip_label": chip.replace(" + ", "<br>+ "), "device": device, "time": time,
                             "share": time / times.sum()})
    return pd.DataFrame(rows, columns=["case", "chip_label", "device", "time", "share"])


def _dies_text(systems: pd.DataFrame) -> str:
    largest = systems.loc[systems.groupby(["chip_label", "scenario"], sort=False)["context"].idxmax()]
    parts = [f"{row.chip_label}, {row.scenario_label}: {row.chips} dies, {format_area(row.attention_area, 3)} of "
             "attention silicon" for row in largest.itertuples()]
    return ("Dies hold every layer's KV windows (one per sequence when arrays are replicated), each KV head's "
            "window on one die of at most the reticle field: " + "; ".join(parts) + ".")


def system_sections(data: ReportData) -> list[Section]:
    """The Amdahl breakdown and the retention wall (with the die count); none without a system."""
    if data.systems.empty:
        return []
    return [
        Section("amdahl", "Amdahl breakdown: where the token time goes", TEXT_AMDAHL + " " + _dies_text(data.systems),
                amdahl_figure(_shares(data), "Share of the time per token by device")),
        Section("retention_wall", "The retention wall", TEXT_WALL,
                retention_wall_figure(data.systems, data.colors, "Token interval against retention, and refresh")),
    ]
