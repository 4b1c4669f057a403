"""Design-space exploration report: sampled designs of one chip, each fully estimated, and their Pareto front.

Recipe (``"kind": "dse"``; paths relative to the recipe's folder)::

    {
      "kind": "dse",
      "title": "...", "description": "...",
      "chip": "../hardware_specs/gaincell_leroux2025.json",
      "workload": "../workloads/gpt2.json",
      "context": 1024, "scope": "layer", "batch": 1,
      "ranges": ["chip.array.rows=16:128", "chip.technology.node=7 nm:65 nm:log", ...],
      "samples": {"n": 300, "seed": 1, "method": "lhs"},
      "objectives": ["energy_per_token", "time_per_token", "area"],
      "output": "output/dse_example.html"
    }

``ranges``: spec fields and their bounds, ``chip.PATH=LOW:HIGH[:log]`` or
``workload.PATH=…`` (:func:`archmodel.sweep.sampling.parse_range`);
``samples``: how many designs are drawn and how (``lhs``, ``random``,
``grid``; :mod:`archmodel.sweep.sampling`); ``objectives``: two or three
result columns, all minimised.  The 2-D figure draws the first against the
second, the 3-D figure (three objectives) adds the third.  ``scope``
(default ``layer``) and ``batch`` (default the workload's) as in
``archmodel estimate``.

Steps: :func:`load_dse_recipe` (strict; errors name the recipe file and JSON
path) → :func:`explore` (the sampled sweep: one full engine estimate per
design, no surrogate; :func:`archmodel.pareto.pareto_mask`) →
:func:`dse_sections` (:mod:`archmodel.report.dse_figures`) →
:func:`dse_page` → :func:`archmodel.report.html.write_html` (atomic).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, ValidationError

from archmodel.pareto import pareto_mask
from archmodel.report.contents import Section
from archmodel.report.dse_figures import (design_text, is_log, parallel_figure, quantity_label, tradeoff_3d_figure,
                                          tradeoff_figure, value_text)
from archmodel.report.html import block, figure_links, figures_html, shell, write_html
from archmodel.report.page_tables import csv_link, html_table
from archmodel.report.recipe import RecipeModel, resolve_path
from archmodel.specs import SpecError, UsageError, load_chip, load_workload, read_json
from archmodel.specs.loading import spec_error
from archmodel.sweep import Grid, run_sweep
from archmodel.sweep.sampling import METHODS, Range, Samples, draw, parse_range

#: result columns a DSE recipe may minimise
OBJECTIVES = ("energy_per_token", "time_per_token", "area", "energy", "latency")
#: most designs one report draws (each is a point of every figure and a row of the download) [-]
MAX_DESIGNS = 20_000
#: the front table's cells stay on one line (the table scrolls sideways)
FRONT_STYLE = "#front td { white-space: nowrap; }"
#: names of the sampling methods in the page's text
METHOD_NAMES = {"lhs": "Latin hypercube sampling", "random": "independent uniform draws", "grid": "a full grid"}


class SampleSettings(RecipeModel):
    n: int = Field(ge=1, le=MAX_DESIGNS, description="designs drawn (grid: at most n)")
    seed: int = Field(default=0, ge=0, description="random seed: the same seed draws the same designs")
    method: Literal[METHODS] = "lhs"


class DseRecipe(RecipeModel):
    kind: Literal["dse"]
    title: str = Field(min_length=1)
    description: str = ""
    chip: str = Field(min_length=1, description="chip spec JSON")
    workload: str = Field(min_length=1, description="workload JSON")
    context: int = Field(ge=1, description="context length [token]")
    scope: Literal["head", "layer", "model"] = "layer"
    batch: int | None = Field(default=None, ge=1, description="sequences per step (default: the workload's)")
    ranges: list[str] = Field(min_length=1, description="sampled fields: chip.PATH=LOW:HIGH[:log]")
    samples: SampleSettings
    objectives: list[Literal[OBJECTIVES]] = Field(min_length=2, max_length=3, description="result columns minimised")
    output: str | None = Field(default=None, description="HTML path (default output/<recipe name>.html)")


@dataclass(frozen=True)
class LoadedDse:
    """A validated DSE recipe with its file, its specs and the designs drawn (not yet estimated)."""

    recipe: DseRecipe
    file: Path
    chip: object
    workload: object
    samples: Samples

    def output_path(self) -> Path:
        return resolve_path(self.file.parent, self.recipe.output or f"output/{self.file.stem}.html")


def load_dse_recipe(path: str | Path) -> LoadedDse:
    """Read and check a DSE recipe: schema, files, every range against the specs, then draw the designs.

    Each range is checked alone (its path, unit and both bounds through the
    whole spec), so an error names its ``$.ranges[i]``.
    """
    path = Path(path)
    file = str(path)
    try:
        recipe = DseRecipe.model_validate(read_json(path))
    except ValidationError as exc:
        raise spec_error(exc, file, noun="a DSE recipe") from None
    for index, objective in enumerate(recipe.objectives):
        if objective in recipe.objectives[:index]:
            raise SpecError(file, f"$.objectives[{index}]", f"{objective!r} is named twice")
    specs = {}
    for key, loader in (("chip", load_chip), ("workload", load_workload)):
        resolved = resolve_path(path.resolve().parent, getattr(recipe, key))
        if not resolved.is_file():
            raise SpecError(file, f"$.{key}", f"file not found: {getattr(recipe, key)!r} (looked for {resolved})")
        specs[key] = loader(resolved)
    ranges = []
    for index, text in enumerate(recipe.ranges):
        item = _checked_range(file, index, text, specs["chip"], specs["workload"])
        if item.column in [other.column for other in ranges]:
            raise SpecError(file, f"$.ranges[{index}]", f"{item.column} is sampled twice")
        ranges.append(item)
    try:
        samples = draw(ranges, [specs["chip"]], [specs["workload"]], recipe.samples.n, recipe.samples.seed,
                       recipe.samples.method)
    except UsageError as error:
        raise SpecError(file, "$.samples", str(error)) from None
    return LoadedDse(recipe, path.resolve(), specs["chip"], specs["workload"], samples)


def _checked_range(file: str, index: int, text: str, chip, workload) -> Range:
    """One range, parsed and with both bounds validated through the whole spec; else a SpecError at ``$.ranges[index]``."""
    try:
        item = parse_range(text)
        ends = draw([item], [chip], [workload], n=2, method="grid")  # exactly LOW and HIGH
        Grid(chips=(chip,), workloads=(workload,), contexts=[1], samples=ends).validate()
    except (UsageError, SpecError) as error:
        raise SpecError(file, f"$.ranges[{index}]", str(error)) from None
    return item


@dataclass(frozen=True)
class DseData:
    """Every design of a DSE report, estimated and marked.

    ``designs``: the sweep's points table (one row per design, SI, ``attrs["units"]``)
    with ``on_front`` (Pareto front of every objective), ``front_xy`` (front of
    the first two objectives alone) and ``hover`` (the design as HTML text).
    """

    loaded: LoadedDse
    designs: pd.DataFrame
    objectives: list[str]
    swept: list[str]
    units: dict[str, str]
    sweep_seconds: float

    @property
    def front(self) -> pd.DataFrame:
        """Front designs, best first objective first."""
        return self.designs[self.designs["on_front"]].sort_values(self.objectives, kind="stable")


def explore(loaded: LoadedDse) -> DseData:
    """Estimate every design (one sweep, each design a full engine estimate) and mark the Pareto front."""
    recipe = loaded.recipe
    grid = Grid(chips=(loaded.chip,), workloads=(loaded.workload,), contexts=[recipe.context], scope=recipe.scope,
                batches=(recipe.batch,) if recipe.batch else (), samples=loaded.samples)
    started = time.monotonic()
    points = run_sweep(grid, executor="local", breakdown=False).points
    seconds = time.monotonic() - started
    units = dict(points.attrs.get("units", {}))
    for index, objective in enumerate(recipe.objectives):
        if points[objective].isna().all():
            raise SpecError(str(loaded.file), f"$.objectives[{index}]",
                            f"{objective!r} is not modelled for {loaded.chip.name} (NaN for every design); choose another")
    swept = [item.column for item in loaded.samples.ranges]
    objectives = list(recipe.objectives)
    designs = points.assign(on_front=pareto_mask(points, objectives), front_xy=pareto_mask(points, objectives[:2]))
    designs["hover"] = [design_text(row, swept + objectives, units) for _, row in designs.iterrows()]
    designs.attrs["units"] = units | {"on_front": "", "front_xy": "", "hover": ""}
    return DseData(loaded, designs, objectives, swept, units, seconds)


def dse_sections(data: DseData) -> list[Section]:
    """The figures, in reading order: the 2-D trade-off, the 3-D one (three objectives), parallel coordinates."""
    first, second = data.objectives[:2]
    front_words = ", ".join(quantity_label(objective) for objective in data.objectives)
    sections = [Section(
        "tradeoff", f"{quantity_label(first).capitalize()} against {quantity_label(second)}",
        f"Every design (hover for its fields). Orange: on the Pareto front of {front_words}; grey: dominated, some "
        f"other design is no worse in all of them and better in one. The dotted staircase is the front of "
        f"{quantity_label(first)} and {quantity_label(second)} alone: the best {quantity_label(first)} reachable "
        f"at each {quantity_label(second)}.",
        tradeoff_figure(data.designs, second, first, data.units, data.objectives))]
    if len(data.objectives) == 3:
        sections.append(Section(
            "tradeoff_3d", f"Designs in {front_words}",
            "The same designs in all three objectives (drag to turn, scroll to zoom); a design that looks dominated "
            "in the 2-D figure can be on the front through the third objective.",
            tradeoff_3d_figure(data.designs, second, first, data.objectives[2], data.units)))
    log_columns = {item.column for item in data.loaded.samples.ranges if item.log}
    log_columns |= {objective for objective in data.objectives if is_log(data.designs[objective])}
    sections.append(Section(
        "parallel", "Swept fields and objectives",
        "One line per design through its swept field values and its objectives (axes marked (log): fields sampled in log spacing, objectives spanning a decade). Orange lines are "
        "front designs: where they cluster on a field's axis, the front prefers those values. Drag along an axis "
        "to select a range.",
        parallel_figure(data.designs, data.swept + data.objectives, data.units, log_columns)))
    return sections


def summary_html(data: DseData) -> str:
    """What was explored and how, and which designs are on the front (HTML paragraphs and the ranges table)."""
    loaded, recipe = data.loaded, data.loaded.recipe
    samples = loaded.samples
    batch = f", batch {recipe.batch}" if recipe.batch else ""
    front = data.front
    numbers = ", ".join(str(int(variant)) for variant in front["variant"])
    paragraphs = [
        f"{len(data.designs):,} designs of {html.escape(loaded.chip.name)} running {html.escape(loaded.workload.name)} at context "
        f"{recipe.context:,} (scope {recipe.scope}{batch}), drawn by {METHOD_NAMES[samples.method]} "
        f"(seed {samples.seed}) over {len(samples.ranges)} spec fields.",
        f"Each design is a full estimate of the model, the same engine as <code>archmodel estimate</code> (no "
        f"surrogate, no interpolation); the sweep took {data.sweep_seconds:.1f} s.",
        f"{len(front):,} of {len(data.designs):,} designs are on the Pareto front of "
        f"{', '.join(quantity_label(o) for o in data.objectives)} (all minimised): no other design is no worse in "
        f"every one and better in one. Designs on the front: {numbers}.",
    ]
    ranges = pd.DataFrame({
        "field": [item.column for item in samples.ranges],
        "range in the recipe": [f"{item.low} – {item.high}" for item in samples.ranges],
        "spacing": ["log" if item.log else "linear" for item in samples.ranges],
        "values drawn": [f"{value_text(data.designs[item.column].min(), data.units.get(item.column, ''))} – "
                         f"{value_text(data.designs[item.column].max(), data.units.get(item.column, ''))}"
                         for item in samples.ranges],
    })
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs) + html_table(ranges)


def front_table(data: DseData) -> pd.DataFrame:
    """The front designs as text, best first objective first: design number, objectives, swept fields."""
    front = data.front
    table = {"design": front["variant"].astype(int).to_numpy()}
    for column in data.objectives + data.swept:
        unit = data.units.get(column, "")
        table[column] = [value_text(float(value), unit) for value in front[column]]
    return pd.DataFrame(table)


def dse_page(data: DseData, sections: list[Section]) -> str:
    """The whole DSE page as one HTML string (plotly.js embedded once; opens offline)."""
    recipe = data.loaded.recipe
    columns = [c for c in data.designs.columns if c != "hover"]
    download = (f'<p>{csv_link("designs.csv", data.designs[columns])} ({len(data.designs):,} designs, every column of '
                "the sweep with <code>on_front</code>; units in the header)</p>")
    links = (f'<a href="#summary">Summary</a>{figure_links(sections)}<a href="#front">Front designs</a>'
             '<a href="#downloads">Download</a>')
    body = (block("summary", "Summary", summary_html(data)) + figures_html(sections)
            + block("front", "Designs on the Pareto front", f'<div class="scroll">{html_table(front_table(data))}</div>')
            + block("downloads", "Download the designs (CSV)", download))
    return shell(recipe.title, recipe.description, links, body, len(sections), FRONT_STYLE)


@dataclass(frozen=True)
class BuiltDseReport:
    """Where a DSE report went and what it holds."""

    path: Path
    figures: int
    designs: int
    on_front: int
    seconds: float


def build_dse_report(recipe: str | Path, out: str | Path | None = None) -> BuiltDseReport:
    """Write the DSE report of ``recipe`` to ``out`` (default the recipe's output); nothing unless the whole page was built."""
    started = time.monotonic()
    loaded = load_dse_recipe(recipe)
    data = explore(loaded)
    sections = dse_sections(data)
    path = write_html(dse_page(data, sections), Path(out) if out is not None else loaded.output_path())
    return BuiltDseReport(path, len(sections), len(data.designs), int(data.designs["on_front"].sum()),
                          time.monotonic() - started)
