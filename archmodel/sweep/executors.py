"""Executors: who evaluates the variants of a sweep.

Every executor splits the variants into contiguous chunks of about
:data:`~archmodel.sweep.dataset.ROWS_PER_CHUNK` rows (variant ranges, so a
chunk's numeric variants are evaluated as arrays), evaluates each chunk with
:func:`~archmodel.sweep.evaluate.evaluate_chunk` and puts the results back in
variant order, so every executor returns the same tables.  ``map`` returns
the tables; ``map_chunks`` evaluates chunks given by the caller and hands
each one's tables to a sink as it finishes (streaming to a dataset).

- :class:`LocalExecutor`: in this process, chunk after chunk (small grids).
- :class:`DaskExecutor`: on ``dask.distributed`` workers (large grids), in at
  least workers × ``chunks_per_worker`` chunks.  Without an address the workers
  are a LocalCluster that lives only for one ``map`` call; with one they are
  those of a running scheduler, counted when ``map`` connects, and that
  cluster stays up.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from archmodel.specs import ArchmodelError, UsageError
from archmodel.sweep.dataset import chunk_bounds
from archmodel.sweep.evaluate import concat_tables, evaluate_chunk
from archmodel.sweep.grid import Variants

#: called after each chunk with (variants done, variants in all) [-]
Progress = Callable[[int, int], None]

#: dask configuration variable setting the log level of the ``distributed`` logger in worker processes
WORKER_LOG_VARIABLE = "DASK_LOGGING__DISTRIBUTED"

#: grids with at least this many points (variants × contexts) and more than one variant go to Dask by default [-]
DASK_THRESHOLD = 5_000_000

#: how long to try reaching a running scheduler at an address [s]
CONNECT_TIMEOUT_S = 5

#: how long a reached scheduler may take to have a first worker [s]
WORKERS_TIMEOUT_S = 5


#: called with (position of a chunk in the list given, its tables) as each chunk finishes
Sink = Callable[[int, dict], None]


def chunks_of(variants, contexts: int, minimum: int = 1) -> list:
    """``variants`` (a range or a list) cut into the chunks of :func:`~archmodel.sweep.dataset.chunk_bounds`."""
    return [variants[start:stop] for start, stop in chunk_bounds(len(variants), contexts, minimum)]


def collect(chunks: list, progress: Progress | None, run: Callable[[Sink], None]) -> dict:
    """Tables of ``chunks`` in order from ``run(sink)``, reporting (variants done, variants in all) per chunk."""
    parts: list = [None] * len(chunks)
    total, done = sum(len(chunk) for chunk in chunks), 0

    def keep(position: int, tables: dict) -> None:
        nonlocal done
        parts[position] = tables
        done += len(chunks[position])
        if progress is not None:
            progress(done, total)

    run(keep)
    return concat_tables(parts)


@dataclass(frozen=True)
class LocalExecutor:
    """Evaluate chunks one after another in this process (chunks of about :data:`~archmodel.sweep.dataset.ROWS_PER_CHUNK` rows)."""

    name = "local"
    minimum_chunks = 1

    def map(self, variants, contexts: np.ndarray, scope: str, breakdown: bool, progress: Progress | None = None) -> dict:
        """Tables of every variant, in variant order."""
        chunks = chunks_of(variants, contexts.size)
        return collect(chunks, progress, lambda sink: self.map_chunks(chunks, contexts, scope, breakdown, sink))

    def map_chunks(self, chunks: list, contexts: np.ndarray, scope: str, breakdown: bool, sink: Sink) -> None:
        """Evaluate each chunk as given, handing its tables to ``sink`` (streaming: nothing is kept)."""
        for position, chunk in enumerate(chunks):
            sink(position, evaluate_chunk(chunk, contexts, scope, breakdown))


def evaluate_or_error(chunk: list, contexts: np.ndarray, scope: str, breakdown: bool):
    """:func:`evaluate_chunk`, returning a user error instead of raising it.

    A worker that raises logs a traceback; a user error (a variant that
    cannot be mapped) should reach the user as one line, so it travels back
    as a value and the driver raises it.
    """
    try:
        return evaluate_chunk(chunk, contexts, scope, breakdown)
    except ArchmodelError as error:
        return error


def evaluate_range_or_error(grid, start: int, stop: int, contexts: np.ndarray, scope: str, breakdown: bool):
    """:func:`evaluate_or_error` of variants ``start`` to ``stop`` of ``grid`` (the grid is scattered once)."""
    return evaluate_or_error(Variants(grid, start, stop), contexts, scope, breakdown)


@dataclass(frozen=True)
class DaskExecutor:
    """Evaluate chunks on ``dask.distributed`` workers.

    Parameters
    ----------
    workers : int
        Worker processes of the LocalCluster (one thread each) [-]; unused
        with an ``address``, where the scheduler's workers are counted.
    chunks_per_worker : int
        Chunks per worker, so that progress moves and load balances [-].
    memory_limit : str
        Memory limit per LocalCluster worker (Dask's syntax, ``"auto"`` shares the machine).
    address : str, optional
        A running scheduler (``tcp://host:8786``) whose workers can import
        archmodel; ``None`` starts a LocalCluster.
    """

    workers: int = 2
    chunks_per_worker: int = 4
    memory_limit: str = "auto"
    address: str | None = None

    name = "dask"

    def map(self, variants, contexts: np.ndarray, scope: str, breakdown: bool, progress: Progress | None = None) -> dict:
        """Tables of every variant, in variant order (at least ``chunks_per_worker`` chunks per worker)."""
        with self._client() as (client, workers):
            chunks = chunks_of(variants, contexts.size, workers * self.chunks_per_worker)
            return collect(chunks, progress, lambda sink: self._submit(client, workers, chunks, contexts, scope, breakdown, sink))

    def map_chunks(self, chunks: list, contexts: np.ndarray, scope: str, breakdown: bool, sink: Sink) -> None:
        """Evaluate each chunk as given on the workers, handing its tables to ``sink`` as it finishes."""
        with self._client() as (client, workers):
            self._submit(client, workers, chunks, contexts, scope, breakdown, sink)

    @property
    def minimum_chunks(self) -> int:
        """Chunks a streamed sweep needs: ``chunks_per_worker`` per worker (a scheduler's workers are counted)."""
        if self.address is None:
            return self.workers * self.chunks_per_worker
        with self._connect() as client:
            return max(1, len(client.scheduler_info()["workers"])) * self.chunks_per_worker

    @contextmanager
    def _client(self):
        """(client, workers) of the scheduler at ``address``, or of a LocalCluster closed afterwards."""
        from dask.distributed import Client

        if self.address is not None:
            with self._connect() as client:
                yield client, max(1, len(client.scheduler_info()["workers"]))
            return
        cluster = self._cluster()
        try:
            with Client(cluster) as client:
                yield client, self.workers
        finally:
            cluster.close()

    def _submit(self, client, workers: int, chunks: list, contexts: np.ndarray, scope: str, breakdown: bool,
                sink: Sink) -> None:
        """Tasks for ``chunks``, at most ``chunks_per_worker`` per worker in flight; tables go to ``sink`` as they
        finish; the first user error a worker returns is raised.

        A grid's variant ranges travel as (grid, first, stop) with the grid
        scattered to the workers once, not pickled into every task.
        """
        from dask.distributed import as_completed

        grids = {id(chunk.grid): chunk.grid for chunk in chunks if isinstance(chunk, Variants)}
        scattered = {key: client.scatter(grid, broadcast=True) for key, grid in grids.items()}

        def submit(position: int):
            chunk = chunks[position]
            if isinstance(chunk, Variants):
                return client.submit(evaluate_range_or_error, scattered[id(chunk.grid)], chunk.start, chunk.stop,
                                     contexts, scope, breakdown, pure=False)
            return client.submit(evaluate_or_error, chunk, contexts, scope, breakdown, pure=False)

        window = max(1, workers * self.chunks_per_worker)
        live, running = {}, as_completed()  # future key → (position, future)

        def start(position: int) -> None:
            future = submit(position)
            live[future.key] = (position, future)
            running.add(future)

        for position in range(min(window, len(chunks))):
            start(position)
        following = min(window, len(chunks))
        for future in running:
            part = future.result()
            if isinstance(part, ArchmodelError):
                client.cancel([pending for _, pending in live.values()])
                raise part
            position, _ = live.pop(future.key)
            sink(position, part)
            future.release()
            if following < len(chunks):
                start(following)
                following += 1

    def _connect(self):
        """A client of the scheduler at ``address`` with at least one worker, or a one-line :class:`UsageError`."""
        from dask.distributed import Client

        logging.getLogger("distributed").setLevel(logging.ERROR)
        try:
            client = Client(self.address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, ValueError, TypeError) as error:
            client, reason = None, (str(error) or type(error).__name__).splitlines()[0]
        if client is None:
            # Finalize the half-started client now: left to a later collection, its __del__
            # deadlocks a Client starting meanwhile, or prints a traceback after 10 s at exit.
            gc.collect()
            raise UsageError(f"cannot reach the Dask scheduler at {self.address}: {reason}; start one with "
                             "'dask scheduler' and 'dask worker ADDRESS', or omit --scheduler for a local cluster")
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            client.close()
            raise UsageError(f"the Dask scheduler at {self.address} has no workers after {WORKERS_TIMEOUT_S} s; "
                             f"start one with 'dask worker {self.address}'") from None
        return client

    def _cluster(self):
        """A quiet LocalCluster: the scheduler's HTTP endpoint on a free port (":0", never a clash on 8787), no
        worker dashboards; workers (spawned now) inherit an environment muting their logs and ignore Ctrl-C,
        which reaches the whole process group: the driver stops them cleanly instead."""
        from dask.distributed import LocalCluster

        logging.getLogger("distributed").setLevel(logging.CRITICAL)  # user errors come back as values
        saved = os.environ.get(WORKER_LOG_VARIABLE)
        os.environ[WORKER_LOG_VARIABLE] = "critical"
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) if threading.current_thread() is threading.main_thread() else None
        try:
            return LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                worker_dashboard_address=None, memory_limit=self.memory_limit, silence_logs=logging.CRITICAL,
            )
        finally:
            if interrupt is not None:
                signal.signal(signal.SIGINT, interrupt)
            if saved is None:
                os.environ.pop(WORKER_LOG_VARIABLE, None)
            else:
                os.environ[WORKER_LOG_VARIABLE] = saved


#: executor names the CLI and recipes accept
EXECUTORS = ("auto", "local", "dask")


def choose_executor(name: str, variants: int, contexts: int, workers: int = 2, scheduler: str | None = None):
    """The executor called ``name``.

    ``auto`` picks Dask for grids over :data:`DASK_THRESHOLD` points, or
    whenever a ``scheduler`` address is given; ``workers`` [-] sizes a LocalCluster.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"--workers: expected an integer ≥ 1, got {workers!r}")
    if name not in EXECUTORS:
        raise UsageError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")
    if scheduler is not None:
        if name == "local":
            raise UsageError("--scheduler needs --executor dask or auto")
        return DaskExecutor(address=scheduler)
    if name == "local":
        return LocalExecutor()
    large = variants > 1 and variants * contexts >= DASK_THRESHOLD
    if name == "dask" or large:
        return DaskExecutor(workers=workers)
    return LocalExecutor()
