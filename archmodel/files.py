"""Writing output files whole or not at all: a temporary file beside the target, then a rename.

Every file archmodel writes (tables, reports, calibrations, npz outputs, chip
variants) goes through :func:`atomic_write`, so an error never leaves a
half-written file behind and an existing file is replaced only when the new
one is complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from archmodel.specs.errors import UsageError


def readable_mode() -> int:
    """The mode a new file gets under the current umask (temporary files are created 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def require_folder(path: str | Path) -> Path:
    """``path`` if its folder exists, else a :class:`UsageError` (check before long work)."""
    path = Path(path)
    if not path.resolve().parent.is_dir():
        raise UsageError(f"{path}: cannot write the output, folder {str(path.parent)!r} does not exist")
    return path


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary)`` on a temporary file beside ``path``, then rename it to ``path``.

    A missing or unwritable folder is a :class:`UsageError`; on any error the
    temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the output ({error.strerror or error})") from None
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, readable_mode())
        os.replace(temporary, path)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the output ({error.strerror or error})") from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def write_json(document: object, path: str | Path) -> Path:
    """Write ``document`` as indented UTF-8 JSON, atomically."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return atomic_write(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))


def write_npz(path: str | Path, **arrays: np.ndarray) -> Path:
    """Write ``arrays`` to an uncompressed npz file, atomically."""
    def write(temporary: str) -> None:
        with open(temporary, "wb") as stream:
            np.savez(stream, **arrays)

    return atomic_write(path, write)
