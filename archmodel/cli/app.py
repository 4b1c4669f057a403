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


def fail(message: str) -> None:
    """Print a one-line error and exit with code 2."""
    typer.echo(f"archmodel: error: {message}", err=True)
    raise typer.Exit(2)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (ArchmodelError → 2, no traceback)."""
    logging.basicConfig(level=logging.WARNING, format="archmodel: %(levelname)s: %(message)s")
    try:
        app(args=argv, standalone_mode=False)
    except ArchmodelError as error:
        typer.echo(f"archmodel: error: {error}", err=True)
        return 2
    except typer.Exit as done:
        return done.exit_code
    except SystemExit as done:  # click's usage errors in non-standalone mode
        return int(done.code or 0)
    except Exception as error:  # click.UsageError and friends
        import click

        if isinstance(error, click.ClickException):
            error.show()
            return 2
        if isinstance(error, click.exceptions.Abort):
            return 1
        raise
    return 0
