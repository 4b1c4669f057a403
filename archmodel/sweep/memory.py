"""Memory guard: how much memory a sweep's tables need, checked before any work.

A sweep of V variants at C contexts makes V·C rows of points; with the
breakdown also energy, phase and area rows.  Measured on this project's
machine (pandas in-memory size, ``memory_usage(deep=True)``, GPT-2 layer on
the gain-cell chip): ≈ 300 B per point row, and with the breakdown
≈ 2,150 B of energy rows and ≈ 520 B of phase rows per point.  The tables
are held twice at the end (the chunks and their concatenation), so

    need = 2 · V·C · (300 B, or 300 + 2,150 + 520 B with the breakdown)

A single-file sweep whose need exceeds :data:`FRACTION` of the available
memory is refused with one line saying to stream it to a dataset directory,
which holds only the chunks in flight.
"""

from __future__ import annotations

from archmodel.specs import UsageError

#: in-memory bytes per point row [B] (module docstring)
POINT_BYTES = 300
#: in-memory bytes of breakdown rows (energy + phases) per point row [B]
BREAKDOWN_BYTES = 2_150 + 520
#: share of the available memory a single-file sweep may plan to use [-]
FRACTION = 0.5


def available_memory() -> int:
    """Memory available to new allocations now [B] (psutil, installed with dask.distributed)."""
    import psutil

    return int(psutil.virtual_memory().available)


def table_bytes(points: int, breakdown: bool) -> int:
    """Memory the tables of ``points`` (variant × context) rows need at their peak [B]."""
    return 2 * points * (POINT_BYTES + (BREAKDOWN_BYTES if breakdown else 0))


def check_memory(points: int, breakdown: bool, available: int | None = None) -> None:
    """Refuse a single-file sweep whose tables would not fit comfortably in memory (one line, what to do)."""
    available = available_memory() if available is None else available
    need = table_bytes(points, breakdown)
    if need > FRACTION * available:
        advice = ("drop --breakdown, or sweep fewer points" if breakdown else
                  "write it to a dataset directory instead (--out DIR, no suffix: chunks stream to disk and --resume "
                  "completes an interrupted run)")
        raise UsageError(f"the sweep makes {points:,} rows, about {need / 1e9:.3g} GB in memory, more than "
                         f"{FRACTION:.0%} of the {available / 1e9:.3g} GB available; {advice}")
