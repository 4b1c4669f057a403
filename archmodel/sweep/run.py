"""Run a sweep: validate the grid, evaluate its variants, return tidy tables with units or stream them to disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from archmodel.sweep.dataset import Dataset
from archmodel.sweep.executors import Progress, choose_executor
from archmodel.sweep.grid import Grid
from archmodel.sweep.memory import check_memory
from archmodel.sweep.schema import TABLES, point_columns


@dataclass(frozen=True)
class SweepResult:
    """The tables of a sweep (schema in :mod:`archmodel.sweep.schema`).

    ``energy``, ``phases`` and ``areas`` are ``None`` when the sweep ran
    without breakdown.  Every table carries ``attrs["units"]``.
    """

    points: pd.DataFrame
    energy: pd.DataFrame | None = None
    phases: pd.DataFrame | None = None
    areas: pd.DataFrame | None = None
    executor: str = "local"

    def tables(self) -> dict[str, pd.DataFrame]:
        """Name → table, for the tables present."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}


def run_sweep(grid: Grid, executor: str | object = "auto", breakdown: bool = True,
              progress: Progress | None = None, workers: int = 2, scheduler: str | None = None) -> SweepResult:
    """Evaluate every variant of ``grid`` at every context.

    Parameters
    ----------
    grid : Grid
        What to sweep.
    executor : str or executor
        ``auto``, ``local``, ``dask``, or an object with the executors' ``map``.
    breakdown : bool
        Also return the energy, phase and area tables.
    progress : callable, optional
        Called with (variants done, variants in all) as chunks finish.
    workers : int
        Worker processes of the Dask executor's LocalCluster [-].
    scheduler : str, optional
        Address of a running Dask scheduler to send the work to.

    Tables that would not fit comfortably in memory are refused before any
    work (:mod:`archmodel.sweep.memory`); :func:`run_sweep_to_dataset` streams them.
    """
    check_memory(grid.size * grid.contexts.size, breakdown)
    variants = grid.variants()
    if isinstance(executor, str):
        executor = choose_executor(executor, len(variants), grid.contexts.size, workers, scheduler)
    tables = executor.map(variants, grid.contexts, grid.scope, breakdown, progress)
    units = {**TABLES, "points": point_columns(grid.swept_units())}
    for name, frame in tables.items():
        frame.attrs["units"] = {column: units[name].get(column, "") for column in frame.columns}
    return SweepResult(**tables, executor=executor.name)



def run_sweep_to_dataset(grid: Grid, path: str | Path, executor: str | object = "auto", resume: bool = False,
                         progress: Progress | None = None, workers: int = 2, scheduler: str | None = None) -> Dataset:
    """Evaluate ``grid``'s points chunk by chunk into the dataset directory ``path`` (:mod:`archmodel.sweep.dataset`).

    Each chunk's part is written as soon as it is computed; with ``resume``
    only the chunks without a part are computed.  Memory holds only the
    chunks in flight.  Returns the finished :class:`Dataset`.
    """
    variants = grid.variants()
    if isinstance(executor, str):
        executor = choose_executor(executor, len(variants), grid.contexts.size, workers, scheduler)
    units = point_columns(grid.swept_units())
    dataset = Dataset.create(path, grid, units, minimum_chunks=getattr(executor, "minimum_chunks", 1), resume=resume)
    missing = dataset.missing()
    chunks = [variants[start:stop] for start, stop in (dataset.chunks[number] for number in missing)]
    total, done = sum(len(chunk) for chunk in chunks), 0

    def keep(position: int, tables: dict[str, pd.DataFrame]) -> None:
        nonlocal done
        dataset.write_part(missing[position], tables["points"])
        done += len(chunks[position])
        if progress is not None:
            progress(done, total)

    executor.map_chunks(chunks, grid.contexts, grid.scope, False, keep)
    dataset.finish()
    dataset.executor = executor.name
    return dataset
