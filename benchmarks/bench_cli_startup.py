"""Benchmark: start-up time of ``archmodel --help`` and ``archmodel --version`` (target < 0.5 s).

Run: .venv/bin/python benchmarks/bench_cli_startup.py [--repeats N]
Runs each command N times (default 10) as a fresh process, hyperfine style,
and prints min / median / max wall time; then the archmodel and third-party
modules ``import archmodel.cli`` loads (the CLI imports heavy modules such
as pydantic, pint, numpy, pandas only inside the command that uses them).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHMODEL = [sys.executable, "-c", "from archmodel.cli import main; main()"]
HEAVY = ("numpy", "pandas", "pint", "pydantic", "plotly", "dask", "rich.table")


def wall_times(arguments: list[str], repeats: int) -> list[float]:
    """Wall time of ``repeats`` fresh runs of the CLI with ``arguments``, after one warm-up run [s]."""
    subprocess.run([*ARCHMODEL, *arguments], capture_output=True, check=True, cwd=ROOT)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([*ARCHMODEL, *arguments], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def heavy_modules_at_startup() -> list[str]:
    """Heavy third-party modules that ``import archmodel.cli`` loads (should be none)."""
    code = f"import sys, archmodel.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    repeats = parser.parse_args().repeats
    bare = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    print(f"python -c pass       min {min(bare):.3f} s  median {statistics.median(bare):.3f} s")
    for arguments in (["--help"], ["--version"], ["estimate", "--help"]):
        times = wall_times(arguments, repeats)
        print(f"archmodel {' '.join(arguments):<16} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
              f"max {max(times):.3f} s  ({repeats} runs)")
    print(f"heavy modules imported by archmodel.cli: {heavy_modules_at_startup() or 'none'}")


if __name__ == "__main__":
    main()
