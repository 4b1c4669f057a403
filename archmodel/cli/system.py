"""``archmodel system``: a system against its host alone, end to end, with the Amdahl breakdown."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.specs.errors import UsageError

MM2 = 1e-6  # one mm² [m²]
HEADER = ("| batch | context | host alone | system | speed-up (Amdahl limit) | energy/token host alone → system "
          "| energy ratio | attention share of host-alone time | system time host / link / attention | dies "
          "| refresh share of chip energy |")


def _shown(value: float, text: str) -> str:
    """``text`` for a number, ``—`` where the host alone cannot hold the KV cache (NaN)."""
    return "—" if math.isnan(value) else text


def markdown_rows(frame) -> list[str]:
    """The summary as Markdown table rows (the README's table)."""
    from archmodel.specs.units import format_si

    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for row in frame.itertuples():
        lines.append(
            f"| {row.batch} | {row.context:,} | {_shown(row.host_alone_time_per_token, format_si(row.host_alone_time_per_token, 's', 3))} "
            f"| {format_si(row.system_time_per_token, 's', 3)} "
            f"| {_shown(row.speedup, f'×{row.speedup:.3g} (×{row.amdahl_limit:.3g})')} "
            f"| {_shown(row.host_alone_energy_per_token, format_si(row.host_alone_energy_per_token, 'J', 3))} → "
            f"{format_si(row.system_energy_per_token, 'J', 3)} "
            f"| {_shown(row.energy_ratio, f'×{row.energy_ratio:.3g}')} "
            f"| {_shown(row.host_alone_attention_share, f'{row.host_alone_attention_share:.1%}')} "
            f"| {row.host_share:.1%} / {row.link_share:.2%} / {row.attention_share:.3%} "
            f"| {row.chips} ({row.attention_area / MM2:,.0f} mm²) | {row.refresh_share_of_attention_energy:.1%} |")
    return lines


@app.command("system")
def system_summary(
    system: Annotated[Path, typer.Option("--system", help="system spec JSON (kind 'system')")],
    workload: Annotated[Path, typer.Option("--workload", help="workload JSON; the whole model is costed")],
    context: Annotated[list[int], typer.Option("--context", help="context length(s), repeatable")] = [1024],
    batch: Annotated[list[int], typer.Option("--batch", help="batch size(s), repeatable")] = [1],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """End-to-end speed-up and energy ratio of a system against its host alone, with the Amdahl breakdown."""
    from archmodel.specs import load_chip, load_workload
    from archmodel.system.summary import summary_table

    spec = load_chip(system)
    if spec.kind != "system":
        raise UsageError(f"--system: {system} is a {spec.kind!r} spec, expected kind 'system'")
    frame = summary_table(spec, load_workload(workload), context, batch)
    if as_json:
        typer.echo(json.dumps({"system": spec.name, "host": spec.host_spec.name, "units": frame.attrs["units"],
                               "rows": frame.to_dict(orient="records")}, indent=2))
        return
    typer.echo(f"{spec.name} against {spec.host_spec.short_name} alone, {load_workload(workload).name}, whole model")
    typer.echo("\n".join(markdown_rows(frame)))
