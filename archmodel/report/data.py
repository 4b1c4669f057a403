"""Everything a report shows, as tidy tables: run the recipe's scenarios, compare with the paper.

:func:`collect` is the only step of a report that computes; figures and
HTML only read the :class:`ReportData` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from archmodel.graph.build import build_graph
from archmodel.mapping import Plan, map_workload
from archmodel.specs.plausibility import plausibility_warnings
from archmodel.report.compare import compare_with_published
from archmodel.report.provenance import calibration_table, provenance_table
from archmodel.report.published import published_table
from archmodel.report.recipe import LoadedRecipe
from archmodel.report.style import chip_colors
from archmodel.specs import load_chip, load_workload, with_overrides
from archmodel.sweep import Grid, parse_contexts, run_sweep
from archmodel.sweep.schema import TABLES
from archmodel.system.partition import system_plan
from archmodel.report.system_data import system_table


@dataclass(frozen=True)
class ChipInfo:
    """A chip of the recipe: its key, legend label, colour, spec (overrides applied)."""

    key: str
    label: str
    color: str
    spec: object
    published: str | None


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario of the recipe with its workload spec (overrides applied)."""

    key: str
    label: str
    workload: object
    contexts: object
    batch: int | None
    scope: str
    published: str | None


@dataclass(frozen=True)
class ReportData:
    """The tables behind a report; each sweep table has ``scenario``, ``chip_key`` and ``chip_label`` columns.

    ``replicating``: labels of the chips whose mapping gives every sequence its own
    arrays (:attr:`archmodel.mapping.Plan.replicates_per_sequence`).
    """

    title: str
    description: str
    chips: list[ChipInfo]
    scenarios: list[ScenarioInfo]
    reference: str
    breakdown_scenario: str
    breakdown_context: int
    points: pd.DataFrame
    energy: pd.DataFrame
    phases: pd.DataFrame
    areas: pd.DataFrame
    published: pd.DataFrame
    comparison: pd.DataFrame
    provenance: pd.DataFrame
    calibrations: pd.DataFrame
    ratios: pd.DataFrame
    mapping: pd.DataFrame
    replicating: tuple[str, ...]
    systems: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def colors(self) -> dict[str, str]:
        """Chip label → colour, the same in every figure."""
        return {chip.label: chip.color for chip in self.chips}

    @property
    def reference_label(self) -> str:
        return next(chip.label for chip in self.chips if chip.key == self.reference)


def load_chips(loaded: LoadedRecipe) -> list[ChipInfo]:
    """The recipe's chips, loaded, with their overrides, labels and colours."""
    specs = []
    for entry in loaded.recipe.chips:
        spec = load_chip(loaded.spec_path(entry.file))
        specs.append(with_overrides(spec, dict(entry.set), label=f"recipe {entry.key}") if entry.set else spec)
    labels = [entry.label or spec.name for entry, spec in zip(loaded.recipe.chips, specs)]
    colors = chip_colors(labels, [entry.color for entry in loaded.recipe.chips])
    return [ChipInfo(entry.key, label, colors[label], spec, entry.published)
            for entry, spec, label in zip(loaded.recipe.chips, specs, labels)]


def load_scenarios(loaded: LoadedRecipe) -> list[ScenarioInfo]:
    """The recipe's scenarios with workloads loaded and contexts parsed [token]."""
    scenarios = []
    for entry in loaded.recipe.scenarios:
        workload = load_workload(loaded.resolve(entry.workload))
        if entry.set:
            workload = with_overrides(workload, dict(entry.set), label=f"recipe {entry.key}")
        scenarios.append(ScenarioInfo(entry.key, entry.label, workload, parse_contexts(entry.contexts),
                                      entry.batch, entry.scope, entry.published))
    return scenarios


def sweep_scenario(chips: list[ChipInfo], scenario: ScenarioInfo) -> dict[str, pd.DataFrame]:
    """Every chip on one scenario (one variant per chip, in chip order), tables tagged with keys."""
    grid = Grid(tuple(chip.spec for chip in chips), (scenario.workload,), scenario.contexts,
                batches=(scenario.batch,) if scenario.batch else (), scope=scenario.scope)
    result = run_sweep(grid, executor="local")
    keys = {index: chip.key for index, chip in enumerate(chips)}
    labels = {index: chip.label for index, chip in enumerate(chips)}
    tables = {}
    for name, frame in result.tables().items():
        tagged = frame.assign(scenario=scenario.key, scenario_label=scenario.label,
                              chip_key=frame["variant"].map(keys), chip_label=frame["variant"].map(labels))
        tagged.attrs = frame.attrs
        tables[name] = tagged
    return tables


def collect(loaded: LoadedRecipe) -> ReportData:
    """Run every scenario of the recipe and gather the tables of the report."""
    recipe = loaded.recipe
    chips, scenarios = load_chips(loaded), load_scenarios(loaded)
    parts = [sweep_scenario(chips, scenario) for scenario in scenarios]
    tables = {name: _concat([part[name] for part in parts]) for name in TABLES}
    published = published_table()
    plans = mapping_plans(chips, scenarios)
    return ReportData(
        title=recipe.title,
        description=recipe.description,
        chips=chips,
        scenarios=scenarios,
        reference=recipe.reference,
        breakdown_scenario=recipe.breakdown.scenario,
        breakdown_context=recipe.breakdown.context,
        **tables,
        published=published,
        comparison=compare_with_published(chips, scenarios, recipe.reference, published),
        provenance=provenance_table(chips, scenarios),
        calibrations=calibration_table(tables["points"]),
        ratios=ratio_table(tables["points"], recipe.reference),
        mapping=mapping_table(chips, scenarios, plans),
        replicating=tuple(chip.label for chip in chips
                          if any(plans[chip.key, scenario.key].replicates_per_sequence for scenario in scenarios)),
        systems=system_table(chips, scenarios),
    )


RATIO_COLUMNS = {"scenario": "", "scenario_label": "", "chip_key": "", "chip_label": "", "context": "token",
                 "speedup": "", "energy_ratio": ""}


def ratio_table(points: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Each chip over the reference chip, same scenario and context: time per token (``speedup``) and
    energy per token (``energy_ratio``) [-]; above 1 the reference chip is faster / spends less."""
    base = points.loc[points["chip_key"] == reference, ["scenario", "context", "time_per_token", "energy_per_token"]]
    others = points[points["chip_key"] != reference]
    merged = others.merge(base, on=["scenario", "context"], suffixes=("", "_reference"))
    merged["speedup"] = merged["time_per_token"] / merged["time_per_token_reference"]
    merged["energy_ratio"] = merged["energy_per_token"] / merged["energy_per_token_reference"]
    frame = merged[list(RATIO_COLUMNS)].reset_index(drop=True)
    frame.attrs["units"] = RATIO_COLUMNS
    return frame


MAPPING_COLUMNS = {"chip": "", "scenario": "", "kind": "", "text": ""}


def mapping_plans(chips: list[ChipInfo], scenarios: list[ScenarioInfo]) -> dict[tuple[str, str], Plan]:
    """(chip key, scenario key) → how the chip maps the scenario's workload at the scenario's batch."""
    plans = {}
    for scenario in scenarios:
        workload = scenario.workload
        if scenario.batch is not None and scenario.batch != workload.batch:
            workload = with_overrides(workload, {"batch": scenario.batch}, label="batch")
        graph = build_graph(workload)
        for chip in chips:
            plans[chip.key, scenario.key] = (system_plan(chip.spec, workload) if chip.spec.kind == "system"
                                             else map_workload(chip.spec, workload, graph))
    return plans


def mapping_table(chips: list[ChipInfo], scenarios: list[ScenarioInfo], plans: dict[tuple[str, str], Plan]) -> pd.DataFrame:
    """Long table of what each chip does not execute in each scenario (``kind`` = ``not mapped``)
    and of the mapping's notes (``kind`` = ``note``), from :func:`mapping_plans`."""
    rows = []
    for scenario in scenarios:
        for chip in chips:
            plan = plans[chip.key, scenario.key]
            entries = [("not mapped", ", ".join(op.name for op in plan.not_mapped))] if plan.not_mapped else []
            entries += [("note", note) for note in plan.notes]
            entries += [("warning", text) for text in plausibility_warnings(chip.spec)]
            rows += [{"chip": chip.label, "scenario": scenario.label, "kind": kind, "text": text} for kind, text in entries]
    frame = pd.DataFrame(rows, columns=list(MAPPING_COLUMNS))
    frame.attrs["units"] = MAPPING_COLUMNS
    return frame


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    combined = pd.concat(frames, ignore_index=True)
    combined.attrs = frames[0].attrs
    return combined
