"""``archmodel estimate`` and ``archmodel graph``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app

ChipOption = Annotated[Path, typer.Option("--chip", help="chip or GPU spec JSON")]
WorkloadOption = Annotated[Path, typer.Option("--workload", help="workload JSON or Hugging Face config.json")]
ContextOption = Annotated[list[int], typer.Option("--context", help="context length(s), repeatable")]
ScopeOption = Annotated[str, typer.Option(metavar="head|layer|model", help="what one estimate covers")]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON object")]


def print_estimate(result) -> None:
    """A readable table of one estimate."""
    from rich.console import Console
    from rich.table import Table

    from archmodel.specs.units import format_area, format_si

    console = Console(width=max(Console().width, 140))
    title = f"{result.chip.name} — {result.workload.name} — scope {result.scope}, batch {result.batch}"
    table = Table(title=title)
    for column in ("context", "latency", "time/token", "energy", "energy/token", *sorted(result.energy_by_group)):
        table.add_column(column, justify="right")
    groups = {name: result.energy_by_group[name] for name in sorted(result.energy_by_group)}
    for index, context in enumerate(result.context):
        table.add_row(
            f"{int(context)}",
            format_si(result.latency[index], "s"),
            format_si(result.time_per_token[index], "s"),
            format_si(result.energy[index], "J"),
            format_si(result.energy_per_token[index], "J"),
            *(format_si(float(value[index] if getattr(value, "ndim", 0) else value), "J") for value in groups.values()),
        )
    console.print(table)
    console.print("area: not modelled for this chip" if result.area is None else f"area: {format_area(result.area)}")
    print_area(console, result)
    for label in result.labels:
        console.print(f"note: {label}")
    for note in result.notes:
        console.print(f"note: {note}")


def print_area(console, result) -> None:
    """Area by component, each with the provenance of its per-instance area."""
    from rich.table import Table

    from archmodel.specs.units import format_area

    if not result.area_by_component:
        return
    table = Table(title="area by component (bottom-up)")
    for column in ("component", "area", "per-instance area from"):
        table.add_column(column)
    sources = result.source_table
    for component, area in result.area_by_component.items():
        rows = sources[(sources.component == component) & sources.path.str.endswith(".area")]
        origin = "; ".join(f"{row.kind}: {row.text}" for row in rows.itertuples()) or "—"
        table.add_row(component, format_area(area), origin)
    console.print(table)


@app.command()
def estimate(
    chip: ChipOption,
    workload: WorkloadOption,
    context: ContextOption = [1024],
    batch: Annotated[int | None, typer.Option(help="sequences per step (default: the workload's)")] = None,
    scope: ScopeOption = "layer",
    as_json: JsonOption = False,
) -> None:
    """Latency, energy and area of one decode step."""
    from archmodel.engine import estimate as run_estimate
    from archmodel.specs import load_chip, load_workload

    result = run_estimate(load_chip(chip), load_workload(workload), context=context, batch=batch, scope=scope)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        print_estimate(result)
    warn_large_area(result.area)


#: largest single die: the lithography reticle field, 26 mm × 33 mm = 858 mm² [m²]
RETICLE_AREA = 858e-6


def warn_large_area(area: float | None) -> None:
    """One warning line on stderr when an estimate's area is more than 10 reticles (no one die could hold it)."""
    if area is not None and area > 10 * RETICLE_AREA:
        from archmodel.specs.units import format_area

        typer.echo(f"archmodel: warning: total area {format_area(area)} is more than 10 reticle fields "
                   f"(858 mm² each); the batch and window need many chips", err=True)


@app.command()
def graph(
    workload: WorkloadOption,
    format: Annotated[str, typer.Option("--format", metavar="json|dot", help="output format")] = "json",
) -> None:
    """Dump the decode-step dataflow graph of a workload."""
    from archmodel.graph import build_graph, graph_to_dot, graph_to_json
    from archmodel.specs import load_workload
    from archmodel.specs.errors import UsageError

    decode_graph = build_graph(load_workload(workload))
    if format == "json":
        typer.echo(graph_to_json(decode_graph))
    elif format == "dot":
        typer.echo(graph_to_dot(decode_graph), nl=False)
    else:
        raise UsageError(f"--format must be json or dot, got {format!r}")
