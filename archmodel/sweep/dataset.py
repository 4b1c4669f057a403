"""Sweep datasets: a directory of Parquet chunks and a manifest, written as chunks finish, resumable.

Layout of ``OUT/``::

    _manifest.json     {"format": "archmodel-sweep-dataset", "version": 1,
                        "fingerprint": sha256 of the grid description,
                        "grid": the description, "units": {column: unit},
                        "chunks": [[first variant, last variant + 1], ...],
                        "complete": false → true when every chunk is written}
    part-00000.parquet the points table of chunk 0 (variants in order, every context)
    ...

Chunk ``k`` covers a contiguous range of variants sized so that it holds about
:data:`ROWS_PER_CHUNK` rows (variants × contexts), and the sweep has at least
``minimum_chunks`` chunks (4 per Dask worker).  Each part is written
atomically, so a part file exists only when whole: ``--resume`` after an
interruption (Ctrl-C, a killed process) computes only the chunks without a
part, and the finished dataset equals an uninterrupted run.  The fingerprint
covers every input that changes the numbers (spec documents, contexts,
settings, sampled designs, batches, scope): resuming a directory of another
grid is refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from archmodel.files import atomic_write
from archmodel.specs import UsageError

MANIFEST = "_manifest.json"
FORMAT = "archmodel-sweep-dataset"
VERSION = 1
#: target rows (variants × contexts) per chunk [-]: about 50 MB of points in memory
ROWS_PER_CHUNK = 250_000
#: most chunks one dataset may have [-]: 10^5 × 250,000 rows is already terabytes of Parquet
MAX_CHUNKS = 100_000


def describe(grid) -> dict:
    """Everything that decides a sweep's numbers, as JSON-ready data (spec documents by content hash)."""
    def spec(item) -> dict:
        return {"name": item.name, "file": str(item.file), "sha256": _hash(item.raw)}

    samples = grid.samples
    return {
        "chips": [spec(chip) for chip in grid.chips],
        "workloads": [spec(workload) for workload in grid.workloads],
        "contexts": {"count": int(grid.contexts.size), "first": int(grid.contexts[0]), "last": int(grid.contexts[-1]),
                     "sha256": hashlib.sha256(np.ascontiguousarray(grid.contexts, dtype=np.int64).tobytes()).hexdigest()},
        "settings": [{"column": s.column, "values": [str(v) for v in s.values]} for s in grid.settings],
        "samples": None if samples is None else {
            "ranges": [f"{r.column}={r.low}:{r.high}{':log' if r.log else ''}" for r in samples.ranges],
            "method": samples.method, "seed": samples.seed, "count": len(samples),
            "sha256": hashlib.sha256(np.ascontiguousarray(samples.values).tobytes()).hexdigest()},
        "batches": list(grid.batches),
        "scope": grid.scope,
        "variants": grid.size,
    }


def _hash(document: object) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def chunk_bounds(variants: int, contexts: int, minimum_chunks: int = 1) -> list[list[int]]:
    """[start, stop) variant ranges of near-equal size: about :data:`ROWS_PER_CHUNK` rows (variants × contexts)
    each, and at least ``minimum_chunks`` of them where there are that many variants."""
    count = min(variants, max(minimum_chunks, -(-variants * contexts // ROWS_PER_CHUNK)))
    if count > MAX_CHUNKS:
        raise UsageError(f"the sweep makes {variants:,} variants × {contexts:,} contexts = {variants * contexts:,} rows, "
                         f"more than {MAX_CHUNKS:,} chunks of {ROWS_PER_CHUNK:,} rows; sweep fewer values or sample the "
                         "space (--set chip.PATH=LOW:HIGH --sample N)")
    bounds = np.linspace(0, variants, max(count, 1) + 1).round().astype(int)
    return [[int(start), int(stop)] for start, stop in zip(bounds[:-1], bounds[1:]) if stop > start]


def is_dataset_path(path: str | Path) -> bool:
    """True for an output path without a suffix (or an existing directory): a dataset directory."""
    path = Path(path)
    return path.is_dir() or path.suffix == ""


class Dataset:
    """A sweep dataset directory (module docstring): its manifest, the chunks missing, parts written."""

    def __init__(self, path: Path, manifest: dict):
        self.path, self.manifest = Path(path), manifest

    @classmethod
    def create(cls, path: str | Path, grid, units: dict, minimum_chunks: int = 1, resume: bool = False) -> Dataset:
        """Open ``path`` for ``grid``: a new dataset, or with ``resume`` the existing one of the same grid."""
        path = Path(path)
        description = describe(grid)
        fingerprint = _hash(description)
        if resume:
            dataset = cls.open(path)
            if dataset.manifest["fingerprint"] != fingerprint:
                changed = [key for key in description if dataset.manifest["grid"].get(key) != description[key]]
                raise UsageError(f"--resume: {path} holds a sweep of another grid (differs in {', '.join(changed)}); "
                                 "resume with the same arguments, or choose a new --out")
            return dataset
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UsageError(f"{path}: already exists; pass --resume to complete the sweep in it, or choose a new --out")
        if not path.parent.resolve().is_dir():
            raise UsageError(f"{path}: cannot write the output, folder {str(path.parent)!r} does not exist")
        path.mkdir(exist_ok=True)
        manifest = {"format": FORMAT, "version": VERSION, "fingerprint": fingerprint, "grid": description,
                    "units": units, "chunks": chunk_bounds(grid.size, grid.contexts.size, minimum_chunks),
                    "complete": False}
        dataset = cls(path, manifest)
        dataset._write_manifest()
        return dataset

    @classmethod
    def open(cls, path: str | Path) -> Dataset:
        """An existing dataset directory; a clear error if ``path`` is not one."""
        path = Path(path)
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise UsageError(f"{path}: not a sweep dataset (no {MANIFEST})")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(f"{manifest_path}: unreadable manifest ({error})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise UsageError(f"{manifest_path}: not an {FORMAT} version {VERSION} manifest")
        return cls(path, manifest)

    def part_path(self, chunk: int) -> Path:
        return self.path / f"part-{chunk:05d}.parquet"

    @property
    def chunks(self) -> list[list[int]]:
        return self.manifest["chunks"]

    def missing(self) -> list[int]:
        """Chunks without a part file (all of them in a new dataset)."""
        return [number for number in range(len(self.chunks)) if not self.part_path(number).is_file()]

    def write_part(self, chunk: int, points: pd.DataFrame) -> None:
        """Write chunk ``chunk``'s points atomically (a part exists only when whole)."""
        start, stop = self.chunks[chunk]
        variants = points["variant"].to_numpy()
        if variants.size and (variants[0] != start or variants[-1] != stop - 1):
            raise RuntimeError(f"chunk {chunk} holds variants {variants[0]}..{variants[-1]}, expected {start}..{stop - 1}")
        atomic_write(self.part_path(chunk), lambda temporary: points.to_parquet(temporary, index=False))

    def finish(self) -> None:
        """Mark the dataset complete (every part written)."""
        if self.missing():
            raise RuntimeError(f"{self.path}: chunks {self.missing()[:5]} are missing")
        self.manifest["complete"] = True
        self._write_manifest()

    def read(self) -> pd.DataFrame:
        """The whole points table, parts in chunk order, ``attrs["units"]`` from the manifest."""
        if not self.manifest.get("complete"):
            missing = self.missing()
            raise UsageError(f"{self.path}: incomplete sweep dataset ({len(missing)} of {len(self.chunks)} chunks missing); "
                             "complete it with 'archmodel sweep ... --resume'")
        frame = pd.concat([pd.read_parquet(self.part_path(number)) for number in range(len(self.chunks))],
                          ignore_index=True)
        frame.attrs["units"] = dict(self.manifest["units"])
        return frame

    def _write_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=1)
        atomic_write(self.path / MANIFEST, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))
