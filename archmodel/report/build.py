"""Build a report: recipe → data → figures → HTML page → file (the steps are public, each returns data)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from archmodel.report.contents import sections
from archmodel.report.data import collect
from archmodel.report.html import page, write_html
from archmodel.report.recipe import load_recipe
from archmodel.specs import UsageError

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


def build_report(recipe: str | Path | None = None, out: str | Path | None = None) -> BuiltReport:
    """Write the HTML report of ``recipe`` (default :func:`default_recipe`) to ``out`` (default the recipe's).

    Nothing is written unless the whole page was built.
    """
    started = time.monotonic()
    loaded = load_recipe(recipe if recipe is not None else default_recipe())
    data = collect(loaded)
    figure_sections = sections(data)
    text = page(data, figure_sections)
    path = write_html(text, Path(out) if out is not None else loaded.output_path())
    return BuiltReport(path, len(figure_sections), len(data.chips), len(data.scenarios), time.monotonic() - started)
