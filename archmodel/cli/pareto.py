"""``archmodel pareto``: the designs of a results table on the Pareto front of chosen objectives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.specs.errors import UsageError

#: prefixes of the swept spec fields' columns in a sweep's points table
SWEPT_PREFIXES = ("chip.", "workload.")


def column_list(text: str, option: str) -> list[str]:
    """``"energy_per_token, area"`` → ["energy_per_token", "area"]; blanks between commas are errors."""
    names = [name.strip() for name in text.split(",")]
    if text.strip() and not all(names):
        raise UsageError(f"{option}: empty name between commas in {text!r}; expected NAME1,NAME2,...")
    return [name for name in names if name]


def shown(value, unit: str) -> str:
    """A table cell: a quantity with its unit and prefix (``45.3 nJ``, ``2.891 mm²``), a count as a plain number
    (``1024``), text as it is; NaN as ``—``."""
    import math

    from archmodel.specs.units import format_quantity

    if isinstance(value, (str, bool)) or value is None:
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        return "—" if math.isnan(value) else f"{value:g}"
    return format_quantity(value, unit)


@app.command()
def pareto(
    results: Annotated[Path, typer.Argument(help="results table: .parquet, .csv or a sweep dataset folder")],
    minimize: Annotated[str, typer.Option("--minimize", help="objectives (columns), e.g. energy_per_token,time_per_token,area")],
    by: Annotated[str, typer.Option("--by", help="one front per group of equal values of these columns, e.g. workload,context")] = "",
    out: Annotated[Path | None, typer.Option("--out", help="also write the front rows: .parquet or .csv")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Designs no other design beats: ≤ in every objective and < in one (within each --by group)."""
    from archmodel.files import require_folder
    from archmodel.pareto import check_columns, pareto_front
    from archmodel.sweep import read_table, write_table
    from archmodel.sweep.tables_io import table_format

    objectives, groups = column_list(minimize, "--minimize"), column_list(by, "--by")
    if not objectives:
        raise UsageError("--minimize: no objective given; expected columns, e.g. energy_per_token,time_per_token,area")
    if out is not None:
        table_format(require_folder(out))
    frame = read_table(results)
    try:
        check_columns(frame, objectives, groups)
    except UsageError as error:
        raise UsageError(f"{results}: {error}") from None
    front = pareto_front(frame, objectives, groups)
    if out is not None:
        write_table(front, out)
    units = frame.attrs.get("units", {})
    columns = shown_columns(frame, objectives, groups)
    missing = int(frame[objectives].isna().any(axis=1).sum())
    if as_json:
        document = {"results": str(results), "minimize": objectives, "by": groups, "designs": len(frame),
                    "on_front": len(front), "missing_objective": missing, "out": str(out) if out else None,
                    "units": {column: units.get(column, "") for column in columns},
                    "front": front[columns].astype(object).where(front[columns].notna(), None).to_dict(orient="records")}
        typer.echo(json.dumps(document, indent=2))
        return
    _print_front(front, columns, units, f"Pareto front of {results}: minimize {', '.join(objectives)}")
    count = f"{len(front):,} of {len(frame):,} designs on the front"
    if groups:
        count += f" ({frame.groupby(groups, dropna=False).ngroups:,} groups by {', '.join(groups)})"
    if missing:
        count += f"; {missing:,} with a missing objective are never on it"
    typer.echo(count)
    if out is not None:
        typer.echo(f"wrote {out}: {len(front):,} rows")


def shown_columns(frame, objectives: list[str], groups: list[str]) -> list[str]:
    """Columns that identify a front design: ``variant``, ``chip`` and ``workload`` where they differ between
    rows, the groups, the objectives, then the swept fields (their ``overrides`` text only when the table has
    no swept-field columns: it repeats them)."""
    columns = ["variant"] if "variant" in frame.columns else []
    columns += [c for c in ("chip", "workload") if c in frame.columns and c not in groups and frame[c].nunique() > 1]
    columns += [c for c in [*groups, *objectives] if c not in columns]
    swept = [c for c in frame.columns if str(c).startswith(SWEPT_PREFIXES) and c not in columns]
    return columns + (swept or (["overrides"] if "overrides" in frame.columns and "overrides" not in columns else []))


def _print_front(front, columns: list[str], units: dict, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    view = Table(title=title)
    for column in columns:
        view.add_column(column, overflow="fold")
    for row in front[columns].itertuples(index=False):
        view.add_row(*(shown(value, units.get(column, "")) for column, value in zip(columns, row)))
    Console(width=max(Console().width, 160)).print(view)
