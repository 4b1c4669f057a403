"""Build a report: recipe → data → figures → HTML page → file (the steps are public, each returns data)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archmodel.report.contents import sections
from archmodel.report.data import collect
from archmodel.report.html import page, write_html
from archmodel.report.recipe import load_recipe
from archmodel.specs import SpecError, UsageError, read_json

if TYPE_CHECKING:
    from archmodel.report.dse import BuiltDseReport

#: the recipe ``archmodel report`` uses when given none, relative to the project root
DEFAULT_RECIPE = Path("reports") / "paper_reproduction.json"


@dataclass(frozen=True)
class BuiltReport:
    """Where a report went and what it holds."""

    path: Path
    figures: int
    chips: int
    scenarios: int
    seconds: float


def default_recipe() -> Path:
    """``reports/paper_reproduction.json`` in the working folder, else in the project this package lives in."""
    candidates = [Path.cwd() / DEFAULT_RECIPE, Path(__file__).resolve().parents[2] / DEFAULT_RECIPE]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    folders = ", ".join(str(candidate.parent.parent) for candidate in candidates)
    raise UsageError(f"no recipe given and {DEFAULT_RECIPE} not found (looked in {folders})")


def recipe_kind(path: str | Path) -> str:
    """``"dse"`` for a design-space exploration recipe (``"kind": "dse"``), ``"comparison"`` for one without a kind."""
    document = read_json(path)
    if "kind" not in document:
        return "comparison"
    if document["kind"] != "dse":
        raise SpecError(str(path), "$.kind", f"expected 'dse' (a comparison recipe has no kind), got {document['kind']!r}")
    return "dse"


def build_report(recipe: str | Path | None = None, out: str | Path | None = None) -> BuiltReport | BuiltDseReport:
    """Write the HTML report of ``recipe`` (default :func:`default_recipe`) to ``out`` (default the recipe's).

    A recipe of ``"kind": "dse"`` gives a design-space exploration report
    (:func:`archmodel.report.dse.build_dse_report`, returns a ``BuiltDseReport``);
    any other a comparison report (:class:`BuiltReport`).  Nothing is written
    unless the whole page was built.
    """
    recipe = recipe if recipe is not None else default_recipe()
    if recipe_kind(recipe) == "dse":
        from archmodel.report.dse import build_dse_report

        return build_dse_report(recipe, out)
    started = time.monotonic()
    loaded = load_recipe(recipe)
    data = collect(loaded)
    figure_sections = sections(data)
    text = page(data, figure_sections)
    path = write_html(text, Path(out) if out is not None else loaded.output_path())
    return BuiltReport(path, len(figure_sections), len(data.chips), len(data.scenarios), time.monotonic() - started)
