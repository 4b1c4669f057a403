"""``archmodel fields``, ``archmodel diff`` and ``archmodel sensitivity``: what each spec field does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.cli.estimate import ChipOption, JsonOption
from archmodel.specs.errors import UsageError

OptionalWorkload = Annotated[Path | None, typer.Option("--workload", help="workload JSON (default: one GPT-2-small attention layer)")]
PointContext = Annotated[int, typer.Option("--context", help="context length of the point [tokens]")]
PointScope = Annotated[str, typer.Option("--scope", help="head, layer or model")]
UNITS = {"latency": "s", "energy": "J", "area": "m²"}

#: the point at which ``fields`` probes effects when no workload is given: one GPT-2-small layer's attention
PROBE_WORKLOAD = {
    "name": "probe (one GPT-2-small attention layer)",
    "model": {"layers": 1, "d_model": 768, "heads": 12, "kv_heads": 12, "head_dim": 64, "d_ff": 3072,
              "vocab": 50257, "max_context": 1024},
    "attention": {"kind": "sliding_window", "window": 1024},
    "dtype": "float16",
    "scope": "attention",
}


def _workload(path: Path | None):
    from archmodel.specs import load_workload, validate
    from archmodel.specs.workload import Workload

    return load_workload(path) if path is not None else validate(Workload, PROBE_WORKLOAD, "<probe workload>")


def _console():
    from rich.console import Console

    return Console(width=max(Console().width, 160))


def _gaincell(chip, flag: str = "--chip"):
    if getattr(chip, "kind", None) != "gaincell_attention":
        raise UsageError(f"{chip.file}: {flag}: expected a gain-cell chip spec, got kind {chip.kind!r}")
    return chip


@app.command()
def fields(chip: ChipOption, workload: OptionalWorkload = None, context: PointContext = 1024,
           scope: PointScope = "head", as_json: JsonOption = False) -> None:
    """Every field of a chip: path, value, unit, plausible range, how sweeps treat it, outputs it acts on, provenance."""
    from rich.table import Table

    from archmodel.sensitivity import field_table
    from archmodel.specs import load_chip

    spec = _gaincell(load_chip(chip))
    table = field_table(spec, _workload(workload), context=context, scope=scope)
    if as_json:
        rows = [{key: (value if isinstance(value, (str, int, float, bool)) or value is None else str(value))
                 for key, value in row.items()} for row in table.to_dict(orient="records")]
        typer.echo(json.dumps({"chip": spec.name, "file": spec.file, "fields": rows}, indent=2))
        return
    view = Table(title=f"fields of {spec.name} ({spec.file})")
    for column in ("path", "value", "unit", "range", "swept", "acts on", "provenance"):
        view.add_column(column, overflow="fold")
    for row in table.itertuples():
        value = str(row.value)
        view.add_row(row.path, value if len(value) <= 60 else value[:57] + "...", row.unit, row.range, row.swept,
                     row.acts_on, row.provenance)
    _console().print(view)


@app.command()
def diff(first: Annotated[Path, typer.Argument(help="chip spec A")],
         second: Annotated[Path, typer.Argument(help="chip spec B")],
         workload: OptionalWorkload = None, context: PointContext = 1024, scope: PointScope = "head",
         as_json: JsonOption = False) -> None:
    """Fields that differ between two chips, and their effect on latency, energy and area at one point."""
    import numpy as np
    from rich.table import Table

    from archmodel.sensitivity import OUTPUTS, diff_effects
    from archmodel.specs import load_chip
    from archmodel.specs.units import format_area, format_si

    left, right = _gaincell(load_chip(first), "A"), _gaincell(load_chip(second), "B")
    table, totals = diff_effects(left, right, _workload(workload), context=context, scope=scope)
    if as_json:
        document = {"first": str(first), "second": str(second), "context": context, "scope": scope,
                    "totals": {name: {"first": a, "second": b} for name, (a, b) in totals.items()},
                    "fields": json.loads(table.to_json(orient="records"))}
        typer.echo(json.dumps(document, indent=2))
        return
    console = _console()
    view = Table(title=f"{first} → {second} (context {context}, scope {scope}); ratios B/A with only that field changed")
    for column in ("path", "A", "B", *OUTPUTS):
        view.add_column(column, overflow="fold")
    for row in table.itertuples():
        ratios = [f"{value:.4g}" if np.isfinite(value) else "needs other changes" for value in (row.latency, row.energy, row.area)]
        view.add_row(row.path, str(row.first), str(row.second), *ratios)
    console.print(view if len(table) else "no field differs")
    for name, (a, b) in totals.items():
        shown = (format_area(a), format_area(b)) if name == "area" else (format_si(a, UNITS[name]), format_si(b, UNITS[name]))
        console.print(f"{name}: {shown[0]} → {shown[1]} (× {b / a:.4g})")


@app.command()
def sensitivity(chip: ChipOption,
                workload: Annotated[Path, typer.Option("--workload", help="workload JSON or Hugging Face config.json")],
                context: PointContext = 1024, scope: PointScope = "head", as_json: JsonOption = False,
                figure: Annotated[Path | None, typer.Option("--figure", help="also write a tornado figure (HTML)")] = None) -> None:
    """Elasticity d ln(output) / d ln(field) of latency, energy and area for every numeric field."""
    import numpy as np
    from rich.table import Table

    from archmodel.files import atomic_write
    from archmodel.sensitivity import OUTPUTS, elasticities
    from archmodel.specs import load_chip, load_workload
    from archmodel.specs.units import format_si

    spec = _gaincell(load_chip(chip))
    table = elasticities(spec, load_workload(workload), context=context, scope=scope)
    table = table.assign(largest=table[list(OUTPUTS)].abs().max(axis=1).fillna(0.0)).sort_values("largest", ascending=False)
    point = table.attrs["point"]
    if figure is not None:
        from archmodel.report.figures.tornado import tornado_figure

        drawn = tornado_figure(table, f"Elasticities of {spec.name} (context {context}, scope {scope})")
        atomic_write(figure, lambda path: drawn.write_html(path, include_plotlyjs=True))
    if as_json:
        rows = json.loads(table.drop(columns="largest").to_json(orient="records"))
        typer.echo(json.dumps({"chip": spec.name, "point": point, "elasticities": rows}, indent=2))
        return
    view = Table(title=f"d ln(output) / d ln(field): {spec.name}, context {context}, scope {scope} "
                       f"(latency {format_si(point['latency'], 's')}, energy {format_si(point['energy'], 'J')})")
    for column in ("path", "value", *OUTPUTS):
        view.add_column(column, justify="right" if column != "path" else "left")
    for row in table.itertuples():
        cells = [f"{value:+.3f}" if np.isfinite(value) else "n/a (0)" for value in (row.latency, row.energy, row.area)]
        view.add_row(row.path, f"{row.value:g} {row.unit.replace('**2', '²')}".strip(), *cells)
    _console().print(view)
