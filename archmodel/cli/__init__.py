"""The ``archmodel`` command. Each module registers its commands on :data:`app`."""

from __future__ import annotations

import sys

from archmodel.cli.app import app, run
from archmodel.cli import estimate as _estimate  # noqa: F401  (registers commands)

for _module in ("archmodel.cli.gpu", "archmodel.cli.emulate", "archmodel.cli.sweep", "archmodel.cli.report"):
    try:
        __import__(_module)
    except ModuleNotFoundError as _missing:
        if _missing.name != _module:
            raise


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


__all__ = ["app", "main", "run"]
