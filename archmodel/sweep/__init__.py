"""Sweeps over context length, batch and any spec field, crossed with chips and workloads.

Public API::

    grid = Grid(chips=[chip], workloads=[workload], contexts=parse_contexts("1:16384:log64"),
                settings=[parse_setting("chip.array.rows=32,64")], scope="layer")
    result = run_sweep(grid, executor="auto")    # "local", "dask"
    result.points, result.energy, result.phases, result.areas   # tidy tables, attrs["units"]
    write_table(result.points, "results.parquet")              # or .csv; atomic

Column schema: :mod:`archmodel.sweep.schema`.
"""

from archmodel.sweep.executors import DaskExecutor, LocalExecutor, choose_executor
from archmodel.sweep.grid import Grid, Setting, Variant, parse_contexts, parse_setting, parse_values
from archmodel.sweep.run import SweepResult, run_sweep
from archmodel.sweep.tables_io import csv_text, read_table, write_table

__all__ = [
    "DaskExecutor",
    "Grid",
    "LocalExecutor",
    "Setting",
    "SweepResult",
    "Variant",
    "choose_executor",
    "csv_text",
    "parse_contexts",
    "parse_setting",
    "parse_values",
    "read_table",
    "run_sweep",
    "write_table",
]
