"""Speed and memory of a large sweep: 10,000 contexts × 3 chips × 4 workloads, local and Dask.

Run: .venv/bin/python benchmarks/bench_sweep.py [--workers 2]   (prints a table; not a test)

Each run happens in a fresh child process, so that its peak memory is its
own: ``peak RSS`` is the child's (the driver); ``worker RSS`` the largest
Dask worker process (they are the child's children); ``traced`` the peak of
Python allocations (tracemalloc, numpy included) in the driver.  Wall time
covers grid validation, evaluation and table assembly; for Dask it includes
starting and stopping the LocalCluster.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHIPS = ("hardware_specs/gaincell_leroux2025.json", "hardware_specs/gpu/rtx4090.json", "hardware_specs/gpu/h100_sxm.json")
WORKLOADS = ("workloads/gpt2.json", "workloads/gpt2-medium.json", "workloads/gpt2-large.json", "workloads/gpt2-xl.json")
CASES = (("local", False), ("local", True), ("dask", False), ("dask", True))


def measure(executor: str, breakdown: bool, workers: int) -> dict:
    """One sweep in this process: wall time [s], traced peak [byte], rows."""
    from archmodel import load_chip, load_workload
    from archmodel.sweep import DaskExecutor, Grid, LocalExecutor, parse_contexts, run_sweep

    tracemalloc.start()
    started = time.perf_counter()
    grid = Grid(tuple(load_chip(ROOT / path) for path in CHIPS), tuple(load_workload(ROOT / path) for path in WORKLOADS),
                parse_contexts("1:10000"), scope="model")
    chosen = DaskExecutor(workers=workers) if executor == "dask" else LocalExecutor()
    result = run_sweep(grid, executor=chosen, breakdown=breakdown)
    seconds = time.perf_counter() - started
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = {name: len(table) for name, table in result.tables().items()}
    return {"seconds": seconds, "traced": traced, "rows": rows, "variants": grid.size}


def child(executor: str, breakdown: bool, workers: int) -> dict:
    """Run :func:`measure` in a fresh process; add its peak RSS and its workers' [byte]."""
    command = [sys.executable, __file__, "--child", executor, "--workers", str(workers)] + (["--breakdown"] if breakdown else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def child_main(executor: str, breakdown: bool, workers: int) -> None:
    report = measure(executor, breakdown, workers)
    report["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    report["worker_rss"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", choices=("local", "dask"))
    parser.add_argument("--breakdown", action="store_true")
    arguments = parser.parse_args()
    if arguments.child:
        child_main(arguments.child, arguments.breakdown, arguments.workers)
        return
    print(f"sweep: {len(CHIPS)} chips × {len(WORKLOADS)} workloads × 10,000 contexts, scope model, "
          f"Dask with {arguments.workers} worker processes")
    print(f"{'executor':<9}{'tables':<22}{'rows':>11}{'wall [s]':>10}{'peak RSS [MiB]':>16}"
          f"{'worker RSS [MiB]':>18}{'traced [MiB]':>14}")
    for executor, breakdown in CASES:
        result = child(executor, breakdown, arguments.workers)
        tables = "points+breakdown" if breakdown else "points"
        workers = f"{result['worker_rss'] / 2**20:.0f}" if executor == "dask" else "-"
        print(f"{executor:<9}{tables:<22}{sum(result['rows'].values()):>11,}{result['seconds']:>10.2f}"
              f"{result['rss'] / 2**20:>16.0f}{workers:>18}{result['traced'] / 2**20:>14.0f}")


if __name__ == "__main__":
    main()
