"""Design-space sweeps at scale (issue 12): numeric variants per second, 10^6 points, a running 2-worker scheduler.

Run: .venv/bin/python benchmarks/bench_dse.py   (prints a table; not a test)

Cases (GPT-2 layer on the gain-cell chip; the swept field is the supply
voltage, numeric, so variants are evaluated as arrays):

- ``one by one``: 300 variants through a per-variant ``estimate`` each
  (validated specs), the path every variant took before arrays;
- ``arrays``: 10,000 variants × 1 context;
- ``10^6 local``: 10,000 variants × 100 contexts into one table;
- ``10^6 dataset``: the same streamed to a dataset directory (Parquet chunks);
- ``10^6 scheduler``: the same grid sent to a running ``dask scheduler`` with
  two ``dask worker`` processes on 127.0.0.1 (started before timing).

Each case runs in a fresh child process: ``peak RSS`` is that process's
(for the scheduler case the driver's; workers are separate processes).
"""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHIP, WORKLOAD = ROOT / "hardware_specs/gaincell_leroux2025.json", ROOT / "workloads/gpt2.json"


def grid(variants: int, contexts: int):
    import numpy as np

    from archmodel import load_chip, load_workload
    from archmodel.sweep import Grid, Setting

    voltages = tuple(float(v) for v in np.linspace(0.75, 1.05, variants))
    return Grid((load_chip(CHIP),), (load_workload(WORKLOAD),), np.unique(np.geomspace(1, 16384, contexts).round()) if contexts > 1
                else [1024], settings=(Setting("chip", "technology.supply_voltage", voltages),))


def measure(case: str, address: str | None) -> dict:
    from archmodel.sweep import run_sweep
    from archmodel.sweep.evaluate import evaluate_variant
    from archmodel.sweep.executors import DaskExecutor, LocalExecutor
    from archmodel.sweep.run import run_sweep_to_dataset

    started = time.perf_counter()
    if case == "one by one":
        sweep = grid(300, 1)
        variants = sweep.variants()
        rows = sum(len(evaluate_variant(variant, sweep.contexts, "layer", False)["points"]) for variant in variants)
    elif case == "arrays":
        sweep = grid(10_000, 1)
        rows = len(run_sweep(sweep, executor=LocalExecutor(), breakdown=False).points)
    elif case == "10^6 dataset":
        sweep = grid(10_000, 130)
        with tempfile.TemporaryDirectory() as folder:
            run_sweep_to_dataset(sweep, Path(folder) / "out", executor=LocalExecutor())
        rows = sweep.size * sweep.contexts.size
    else:
        sweep = grid(10_000, 130)
        executor = DaskExecutor(address=address) if case == "10^6 scheduler" else LocalExecutor()
        rows = len(run_sweep(sweep, executor=executor, breakdown=False).points)
    seconds = time.perf_counter() - started
    return {"case": case, "variants": sweep.size, "contexts": int(sweep.contexts.size), "rows": rows, "seconds": seconds}


def child(case: str, address: str | None) -> dict:
    command = [sys.executable, __file__, "--child", case] + ([address] if address else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_cluster() -> tuple[str, list]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT}
    processes = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                   "--port", str(port), "--no-dashboard"], **quiet)]
    processes += [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
                                    "--no-dashboard", "--no-nanny"], **quiet) for _ in range(2)]
    from dask.distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    return address, processes


def main() -> None:
    address, processes = start_cluster()
    try:
        reports = [child(case, address) for case in ("one by one", "arrays", "10^6 local", "10^6 dataset", "10^6 scheduler")]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    print(f"{'case':<16}{'variants':>10}{'contexts':>10}{'rows':>12}{'seconds':>9}{'variants/s':>12}{'points/s':>12}{'peak RSS':>10}")
    for report in reports:
        print(f"{report['case']:<16}{report['variants']:>10,}{report['contexts']:>10,}{report['rows']:>12,}"
              f"{report['seconds']:>9.2f}{report['variants'] / report['seconds']:>12,.0f}"
              f"{report['rows'] / report['seconds']:>12,.0f}{report['rss'] / 2**20:>8.0f} MiB")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        result = measure(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
        result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(result))
    else:
        main()
