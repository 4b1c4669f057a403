"""The typer application every command module registers on.

Commands are thin: parse, call the API, print.  User errors are
:class:`~archmodel.specs.errors.ArchmodelError`; :func:`run` turns them into
one line on stderr and exit code 2.
"""

from __future__ import annotations

import logging

import typer

from archmodel.specs.errors import ArchmodelError

app = typer.Typer(
    name="archmodel",
    help="Latency, energy and area of analog in-memory-computing attention, next to GPUs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code.

    Usage errors (unknown command, missing option) are printed by click with
    exit code 2; an :class:`ArchmodelError` becomes one line and exit code 2.
    """
    logging.basicConfig(level=logging.WARNING, format="archmodel: %(levelname)s: %(message)s")
    try:
        app(args=argv, prog_name="archmodel")
    except ArchmodelError as error:
        typer.echo(f"archmodel: error: {error}", err=True)
        return 2
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0
