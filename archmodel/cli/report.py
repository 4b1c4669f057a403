"""``archmodel report``: one self-contained HTML comparison report from a recipe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app


@app.command()
def report(
    recipe: Annotated[Path | None, typer.Argument(help="recipe JSON (default: reports/paper_reproduction.json)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="HTML file (default: the recipe's output)")] = None,
) -> None:
    """Write the Plotly report of a recipe (comparison, or design-space exploration for "kind": "dse") as one HTML
    file that works offline."""
    from archmodel.report import build_report
    from archmodel.report.dse import BuiltDseReport

    built = build_report(recipe, out)
    if isinstance(built, BuiltDseReport):
        counts = f"{built.figures} figures, {built.designs:,} designs, {built.on_front:,} on the front"
    else:
        counts = ", ".join(f"{number} {noun}{'s' if number != 1 else ''}" for number, noun in
                           ((built.figures, "figure"), (built.chips, "chip"), (built.scenarios, "scenario")))
    typer.echo(f"wrote {built.path} ({counts}, {built.seconds:.1f} s)")
