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
    for column in ("context", "latency", "time/token", "tokens/s", "energy", "energy/token", *sorted(result.energy_by_group)):
        table.add_column(column, justify="right")
    groups = {name: result.energy_by_group[name] for name in sorted(result.energy_by_group)}
    for index, context in enumerate(result.context):
        table.add_row(
            f"{int(context)}",
            format_si(result.latency[index], "s"),
            format_si(result.time_per_token[index], "s"),
            f"{result.throughput[index]:.4g}",
            format_si(result.energy[index], "J"),
            format_si(result.energy_per_token[index], "J"),
            *(format_si(float(value[index] if getattr(value, "ndim", 0) else value), "J") for value in groups.values()),
        )
    console.print(table)
    if result.chip.kind == "system":
        print_devices(console, result)
    console.print("area: not modelled for this chip" if result.area is None else f"area: {format_area(result.area)}")
    print_area(console, result)
    for label in result.labels:
        console.print(f"note: {label}")
    for note in result.notes:
        console.print(f"note: {note}")


def print_devices(console, result) -> None:
    """A system's Amdahl breakdown: each device's share of the token time and energy, and the dies."""
    from rich.table import Table

    from archmodel.specs.units import format_area, format_si

    table = Table(title=f"by device ({result.chips.chips} attention dies of ≤ {format_area(result.chips.max_die_area)})")
    for column in ("context", "device", "time on critical path", "share", "energy"):
        table.add_column(column, justify="right")
    for index, context in enumerate(result.context):
        for device, latency in result.latency_by_device.items():
            table.add_row(f"{int(context)}", device, format_si(latency[index], "s"),
                          f"{latency[index] / result.latency[index]:.1%}",
                          format_si(result.energy_by_device[device][index], "J"))
    console.print(table)


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
    from archmodel.specs.plausibility import warn_once

    result = run_estimate(load_chip(chip), load_workload(workload), context=context, batch=batch, scope=scope)
    for warning in result.warnings:
        warn_once(warning)  # plausibility lines were already logged when the specs loaded
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        print_estimate(result)


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
