"""``archmodel sweep``: a grid of chips × workloads × settings × contexts into a table file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from archmodel.cli.app import app
from archmodel.specs.errors import UsageError

#: names of the sweep executors (those of :data:`archmodel.sweep.executors.EXECUTORS`; a test checks they agree)
EXECUTOR_NAMES = ("auto", "local", "dask")


class ProgressBar:
    """A progress bar on ``console`` (default stderr) that shows only on a terminal, once a sweep has run
    ``delay`` seconds [s]."""

    def __init__(self, enabled: bool, delay: float = 0.5, console=None):
        from rich.console import Console

        self.console = console if console is not None else Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.delay = delay
        self.started = time.monotonic()
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or (self.bar is None and time.monotonic() - self.started < self.delay):
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TextColumn("variants"),
                                TimeElapsedColumn(), console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("sweep", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def parse_batches(texts: list[str]) -> tuple[int, ...]:
    """``["1,64", "8"]`` → (1, 64, 8) [sequence]."""
    from archmodel.engine.schema import check_batch
    from archmodel.sweep.grid import parse_values

    values = [value for text in texts for value in parse_values(text)]
    if texts and not values:
        raise UsageError("empty sweep: --batch has no values")
    for value in values:
        try:
            check_batch(value)
        except UsageError as error:
            raise UsageError(f"--batch: {error}") from None
    return tuple(dict.fromkeys(values))


@app.command()
def sweep(
    chip: Annotated[list[Path], typer.Option("--chip", help="chip or GPU spec JSON (repeatable)")],
    workload: Annotated[list[Path], typer.Option("--workload", help="workload JSON (repeatable)")],
    out: Annotated[Path, typer.Option("--out", help="results: a .parquet or .csv file (written atomically), or a "
                                                    "directory (no suffix) the chunks stream to, resumable")],
    context: Annotated[list[str], typer.Option("--context", help="context length(s): 1024 or 1,2,4 (repeatable)")] = [],
    contexts: Annotated[list[str], typer.Option("--contexts", help="range FIRST:LAST, FIRST:LAST:STEP, FIRST:LAST:logN or FIRST:LAST:linN, e.g. 1:16384:log64")] = [],
    settings: Annotated[list[str], typer.Option("--set", help="swept field: chip.PATH=V1,V2 (crossed), or chip.PATH=LOW:HIGH[:log] with --sample")] = [],
    sample: Annotated[int | None, typer.Option("--sample", help="draw N designs from the --set ranges")] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the --sample draw")] = 0,
    method: Annotated[str, typer.Option("--method", help="lhs (Latin hypercube), random or grid")] = "lhs",
    batch: Annotated[list[str], typer.Option("--batch", help="batch size(s): 1 or 1,64 (default: the workload's)")] = [],
    scope: Annotated[str, typer.Option(help="head, layer or model")] = "layer",
    executor: Annotated[str, typer.Option(help=f"{', '.join(EXECUTOR_NAMES)}: auto sends large grids to Dask")] = "auto",
    workers: Annotated[int, typer.Option(help="Dask worker processes of the local cluster")] = 2,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="complete an interrupted sweep in the --out directory")] = False,
    breakdown: Annotated[Path | None, typer.Option(help="also write the energy breakdown (long table) here")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Sweep context length, batch and spec fields over chips and workloads; write one tidy table or a dataset."""
    from archmodel.specs import load_chip, load_workload
    from archmodel.sweep import Grid, parse_contexts, parse_setting, run_sweep, write_table
    from archmodel.sweep.dataset import is_dataset_path
    from archmodel.sweep.run import run_sweep_to_dataset
    from archmodel.sweep.sampling import draw, is_range, parse_range
    from archmodel.sweep.tables_io import table_format

    dataset = is_dataset_path(out)
    _check_outputs(out, breakdown, dataset, resume)
    if not dataset:
        table_format(out)
    if breakdown is not None:
        table_format(breakdown)
    chips = tuple(load_chip(path) for path in chip)
    workloads = tuple(load_workload(path) for path in workload)
    ranges = [parse_range(text) for text in settings if is_range(text)]
    if ranges and sample is None:
        raise UsageError(f"--set {ranges[0].column}={ranges[0].low}:{ranges[0].high}: a range needs --sample N "
                         "(how many designs to draw from it)")
    samples = draw(ranges, chips, workloads, sample, seed, method) if sample is not None else None
    context_texts = [*context, *contexts] or ["1024"]
    grid = Grid(
        chips=chips,
        workloads=workloads,
        contexts=parse_contexts(context_texts),
        settings=tuple(parse_setting(text) for text in settings if not is_range(text)),
        batches=parse_batches(batch),
        scope=scope,
        samples=samples,
    )
    started = time.monotonic()
    bar = ProgressBar(enabled=not quiet)
    try:
        if dataset:
            try:
                written = run_sweep_to_dataset(grid, out, executor=executor, resume=resume, progress=bar,
                                               workers=workers, scheduler=scheduler)
            except KeyboardInterrupt:
                bar.close()
                _interrupted(out)
            name, rows = written.executor, grid.size * grid.contexts.size
            chunks = f", {len(written.chunks)} chunks"
        else:
            result = run_sweep(grid, executor=executor, breakdown=breakdown is not None, progress=bar, workers=workers,
                               scheduler=scheduler)
            name, rows, chunks = result.executor, len(result.points), ""
    finally:
        bar.close()
    if not dataset:
        write_table(result.points, out)
        if breakdown is not None:
            write_table(result.energy, breakdown)
    seconds = time.monotonic() - started
    typer.echo(
        f"wrote {out}: {rows:,} rows ({grid.size:,} variants × {grid.contexts.size:,} contexts, "
        f"{name} executor{chunks}, {seconds:.1f} s)"
    )
    if breakdown is not None:
        typer.echo(f"wrote {breakdown}: {len(result.energy):,} rows (energy by group and component)")


def _interrupted(out: Path) -> None:
    """Say how much of an interrupted dataset sweep is on disk and how to complete it; exit 130 (Ctrl-C)."""
    from archmodel.sweep.dataset import Dataset

    try:
        dataset = Dataset.open(out)
        kept = f"{len(dataset.chunks) - len(dataset.missing())} of {len(dataset.chunks)} chunks are in {out}"
    except UsageError:
        kept = f"nothing was written to {out}"
    typer.echo(f"archmodel: interrupted: {kept}; run the same command with --resume to complete it", err=True)
    raise typer.Exit(130)


def _check_outputs(out: Path, breakdown: Path | None, dataset: bool, resume: bool) -> None:
    """One-line errors for output options that do not go together."""
    if breakdown is not None and Path(breakdown).resolve() == Path(out).resolve():
        raise UsageError(f"--out and --breakdown are the same file {str(out)!r}; give each its own")
    if dataset and breakdown is not None:
        raise UsageError("--breakdown needs a single-file --out (.parquet or .csv); a dataset directory holds points only")
    if resume and not dataset:
        raise UsageError(f"--resume needs a dataset directory as --out (no suffix), got the file {str(out)!r}")
