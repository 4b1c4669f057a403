"""Run a sweep: validate the grid, evaluate its variants, return tidy tables with units."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from archmodel.sweep.executors import Progress, choose_executor
from archmodel.sweep.grid import Grid
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
              progress: Progress | None = None, workers: int = 2) -> SweepResult:
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
        Worker processes of the Dask executor [-].
    """
    variants = grid.variants()
    if isinstance(executor, str):
        executor = choose_executor(executor, len(variants), grid.contexts.size, workers)
    tables = executor.map(variants, grid.contexts, grid.scope, breakdown, progress)
    units = {**TABLES, "points": point_columns(grid.swept_units())}
    for name, frame in tables.items():
        frame.attrs["units"] = {column: units[name].get(column, "") for column in frame.columns}
    return SweepResult(**tables, executor=executor.name)

