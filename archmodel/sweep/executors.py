"""Executors: who evaluates the variants of a sweep.

Both split the variants into chunks and evaluate each chunk with
:func:`~archmodel.sweep.evaluate.evaluate_chunk`; results are put back in
variant order, so every executor returns the same tables.

- :class:`LocalExecutor`: in this process, chunk after chunk (small grids).
- :class:`DaskExecutor`: a ``dask.distributed`` LocalCluster of worker
  processes (large grids); the cluster lives only for one ``map`` call.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from archmodel.specs import ArchmodelError, UsageError
from archmodel.sweep.evaluate import concat_tables, evaluate_chunk

#: called after each chunk with (variants done, variants in all) [-]
Progress = Callable[[int, int], None]

#: dask configuration variable setting the log level of the ``distributed`` logger in worker processes
WORKER_LOG_VARIABLE = "DASK_LOGGING__DISTRIBUTED"

#: grids with at least this many points (variants × contexts) and more than one variant go to Dask by default [-]
DASK_THRESHOLD = 5_000_000


def partition(items: list, parts: int) -> list[list]:
    """Split ``items`` into at most ``parts`` contiguous chunks of near-equal size."""
    parts = max(1, min(parts, len(items)))
    bounds = np.linspace(0, len(items), parts + 1).round().astype(int)
    return [items[start:stop] for start, stop in zip(bounds[:-1], bounds[1:]) if stop > start]


@dataclass(frozen=True)
class LocalExecutor:
    """Evaluate chunks one after another in this process.

    ``chunk_size`` variants per chunk (progress is reported per chunk) [-].
    """

    chunk_size: int = 1

    name = "local"

    def map(self, variants: list, contexts: np.ndarray, scope: str, breakdown: bool, progress: Progress | None = None) -> dict:
        """Tables of every variant, in variant order."""
        chunks = partition(variants, -(-len(variants) // self.chunk_size))
        parts, done = [], 0
        for chunk in chunks:
            parts.append(evaluate_chunk(chunk, contexts, scope, breakdown))
            done += len(chunk)
            if progress is not None:
                progress(done, len(variants))
        return concat_tables(parts)


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


@dataclass(frozen=True)
class DaskExecutor:
    """Evaluate chunks on a ``dask.distributed`` LocalCluster of worker processes.

    Parameters
    ----------
    workers : int
        Worker processes (one thread each) [-].
    chunks_per_worker : int
        Chunks per worker, so that progress moves and load balances [-].
    memory_limit : str
        Memory limit per worker (Dask's syntax, ``"auto"`` shares the machine).
    """

    workers: int = 2
    chunks_per_worker: int = 4
    memory_limit: str = "auto"

    name = "dask"

    def map(self, variants: list, contexts: np.ndarray, scope: str, breakdown: bool, progress: Progress | None = None) -> dict:
        """Tables of every variant, in variant order."""
        from dask.distributed import Client, as_completed

        chunks = partition(variants, self.workers * self.chunks_per_worker)
        cluster = self._cluster()
        try:
            with Client(cluster) as client:
                futures = [client.submit(evaluate_or_error, chunk, contexts, scope, breakdown, pure=False)
                           for chunk in chunks]
                order = {future.key: position for position, future in enumerate(futures)}
                parts: list = [None] * len(futures)
                done = 0
                for future in as_completed(futures):
                    part = future.result()
                    if isinstance(part, ArchmodelError):
                        client.cancel(futures)
                        raise part
                    parts[order[future.key]] = part
                    done += len(chunks[order[future.key]])
                    if progress is not None:
                        progress(done, len(variants))
        finally:
            cluster.close()
        return concat_tables(parts)

    def _cluster(self):
        """A quiet LocalCluster: no dashboards; workers (spawned now) inherit an environment muting their logs."""
        from dask.distributed import LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        saved = os.environ.get(WORKER_LOG_VARIABLE)
        os.environ[WORKER_LOG_VARIABLE] = "error"
        try:
            return LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                worker_dashboard_address=None, memory_limit=self.memory_limit, silence_logs=logging.ERROR,
            )
        finally:
            if saved is None:
                os.environ.pop(WORKER_LOG_VARIABLE, None)
            else:
                os.environ[WORKER_LOG_VARIABLE] = saved


#: executor names the CLI and recipes accept
EXECUTORS = ("auto", "local", "dask")


def choose_executor(name: str, variants: int, contexts: int, workers: int = 2):
    """The executor called ``name``; ``auto`` picks Dask for grids over :data:`DASK_THRESHOLD` points."""
    if name == "local":
        return LocalExecutor()
    if name == "dask":
        return DaskExecutor(workers=workers)
    if name == "auto":
        large = variants > 1 and variants * contexts >= DASK_THRESHOLD
        return DaskExecutor(workers=workers) if large else LocalExecutor()
    raise UsageError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")
