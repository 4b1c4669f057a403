"""The ``archmodel`` command. Each module registers its commands on :data:`app`."""

from __future__ import annotations

import sys

from archmodel.cli import emulate, estimate, evaluate, fields, gpu, pareto, report, sweep, system  # noqa: F401  (each registers its commands)
from archmodel.cli.app import app, run


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


__all__ = ["app", "main", "run"]
