"""The one exception hierarchy of archmodel.

::

    ArchmodelError            anything a user can cause; the CLI prints it on one line, exit 2
    ├── SpecError             a JSON file (chip, GPU, workload, calibration, recipe) is wrong
    ├── MappingError          a valid workload cannot run on a valid chip (window vs sub-tiles, ...)
    └── UsageError            bad arguments to the API or CLI (empty sweep, unknown path, ...)

Messages name the file, the JSON path, what was expected and what was found:
``chip.json: $.array.rows: must be > 0, got 0``.
"""

from __future__ import annotations


class ArchmodelError(Exception):
    """Base of every error a user can cause."""


class SpecError(ArchmodelError):
    """A spec file is malformed or violates a rule.

    Parameters
    ----------
    source : str
        File name (or a label such as ``<dict>``) the spec came from.
    path : str
        JSON path of the offending value, ``$`` for the document root.
    message : str
        What was expected and what was found.
    """

    def __init__(self, source: str, path: str, message: str):
        self.source = source
        self.path = path
        self.message = message
        super().__init__(f"{source}: {path}: {message}")


class MappingError(ArchmodelError):
    """A workload cannot be mapped onto a chip as specified."""


class UsageError(ArchmodelError):
    """Invalid arguments to the API or command line."""


def json_path(location: tuple) -> str:
    """Render a pydantic error location as a JSON path (``$.array.rows``, ``$.layers[2]``)."""
    path = "$"
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}"
    return path
