"""Sweeps on a running Dask scheduler: same tables as the local executor, one-line errors, no hangs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from archmodel import MappingError
from archmodel.specs import UsageError
from archmodel.sweep import DaskExecutor, Grid, LocalExecutor, choose_executor, parse_contexts, parse_setting, run_sweep
from archmodel.sweep import executors

ROOT = Path(__file__).resolve().parents[2]

#: how long the scheduler and its workers may take to start [s]
START_TIMEOUT_S = 60

#: how long a process may take to exit after SIGTERM before it is killed [s]
STOP_TIMEOUT_S = 10


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """Address of a scheduler with two single-thread workers, each its own process of this venv's python."""
    from dask.distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                 "--port", address.rsplit(":", 1)[1], "--no-dashboard"]
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard",
              "--no-nanny", "--memory-limit", "2GB"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    log = tmp_path_factory.mktemp("dask") / "cluster.log"
    with log.open("w") as out:
        processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
                     for command in (scheduler, worker, worker)]
    try:
        try:
            with Client(address, timeout=START_TIMEOUT_S) as client:
                client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        except (OSError, TimeoutError) as error:
            pytest.fail(f"Dask cluster did not start: {error}\n{log.read_text()}")
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def grid(chip, gpt2):
    """12 variants (rows × window × batch) at 16 contexts."""
    return Grid((chip,), (gpt2,), parse_contexts("1:4096:log16"), batches=(1, 2), settings=(
        parse_setting("chip.array.rows=32,64"), parse_setting("workload.attention.window=512,1024,2048")))


def test_scheduler_gives_the_local_tables_in_4_chunks_per_worker(scheduler, grid):
    local = run_sweep(grid, executor="local")
    progress = []
    remote = run_sweep(grid, executor=choose_executor("dask", 12, grid.contexts.size, scheduler=scheduler),
                       progress=lambda done, total: progress.append((done, total)))
    assert remote.executor == "dask"
    pd.testing.assert_frame_equal(remote.points, local.points, check_exact=True)
    pd.testing.assert_frame_equal(remote.energy, local.energy, check_exact=True)
    for name, table in local.tables().items():
        pd.testing.assert_frame_equal(remote.tables()[name], table, check_exact=True)
    assert len(progress) == 8 and progress[-1] == (12, 12)


def test_user_error_in_a_worker_is_raised_in_the_driver(scheduler, chip, gpt2):
    grid = Grid((chip,), (gpt2,), [1024], settings=(parse_setting("workload.attention.window=512,1000"),))
    with pytest.raises(MappingError, match=r"\$\.attention\.window: must be a multiple of the sub-tile width 64") as error:
        run_sweep(grid, executor=DaskExecutor(address=scheduler), breakdown=False)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1", "nowhere://127.0.0.1:1", "free port"])
def test_unreachable_or_malformed_scheduler_is_one_line_within_seconds(chip, gpt2, address):
    """Malformed addresses come first: a half-started client must not deadlock the next one."""
    address = f"tcp://127.0.0.1:{free_port()}" if address == "free port" else address
    start = time.monotonic()
    with pytest.raises(UsageError, match=rf"^cannot reach the Dask scheduler at {re.escape(address)}: .+; start one") as error:
        run_sweep(Grid((chip,), (gpt2,), [1024]), executor=DaskExecutor(address=address))
    assert time.monotonic() - start < 10  # hang guard [s]
    assert "\n" not in str(error.value)


def test_scheduler_without_workers_is_one_line(chip, gpt2, monkeypatch):
    from dask.distributed import LocalCluster

    monkeypatch.setattr(executors, "WORKERS_TIMEOUT_S", 1)
    with LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=":0") as empty:
        with pytest.raises(UsageError, match=r"^the Dask scheduler at .+ has no workers after 1 s") as error:
            run_sweep(Grid((chip,), (gpt2,), [1024]), executor=DaskExecutor(address=empty.scheduler_address))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_workers_must_be_a_positive_integer(workers):
    with pytest.raises(UsageError, match=rf"^--workers: expected an integer ≥ 1, got {workers!r}$"):
        choose_executor("dask", 10, 10, workers=workers)


def test_scheduler_picks_dask_and_refuses_local():
    address = "tcp://127.0.0.1:8786"
    assert choose_executor("dask", 1, 1, scheduler=address) == DaskExecutor(address=address)
    assert choose_executor("auto", 1, 1, scheduler=address) == DaskExecutor(address=address)
    assert choose_executor("auto", 1, 1) == LocalExecutor()
    with pytest.raises(UsageError, match=r"^--scheduler needs --executor dask or auto$"):
        choose_executor("local", 1, 1, scheduler=address)
