"""The typer application every command module registers on.

Commands are thin: parse, call the API, print.  User errors are
:class:`~archmodel.specs.errors.ArchmodelError`; :func:`run` turns them into
one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from archmodel.specs.errors import ArchmodelError

app = typer.Typer(
    name="archmodel",
    help="Latency, energy and area of analog in-memory-computing attention, next to GPUs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: flags show no "<bool>", "[tokens]" in help text stays literal, and rich is not imported
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("archmodel")
        except PackageNotFoundError:
            installed = "unknown (not installed)"
        typer.echo(f"archmodel {installed}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                      help="print the version and exit"),
) -> None:
    """Latency, energy and area of analog in-memory-computing attention, next to GPUs."""


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code.

    Usage errors (unknown command, missing option, a value click cannot
    convert) and every :class:`ArchmodelError` become one line and exit code
    2; with no arguments the help is printed (exit 2, as click does); Ctrl-C
    is "Aborted!" and exit 1.
    """
    click = importlib.import_module(typer.BadParameter.__module__)  # click's exceptions (recent typer vendors click)

    logging.basicConfig(level=logging.WARNING, format="archmodel: %(levelname)s: %(message)s")
    warnings = _warnings_to_stderr()
    try:
        code = app(args=argv, prog_name="archmodel", standalone_mode=False)
    except ArchmodelError as error:
        typer.echo(f"archmodel: error: {error}", err=True)
        return 2
    except getattr(click, "NoArgsIsHelpError", ()) as error:
        typer.echo(error.ctx.get_help(), err=True)
        return 2
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx is not None else "archmodel"
        typer.echo(f"archmodel: error: {error.format_message()} (see '{command} --help')", err=True)
        return 2
    except click.ClickException as error:
        typer.echo(f"archmodel: error: {error.format_message()}", err=True)
        return error.exit_code
    except (getattr(click, "Abort", typer.Abort), typer.Abort):
        typer.echo("Aborted!", err=True)
        return 1
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        warnings()
    return code if isinstance(code, int) else 0


def _warnings_to_stderr():
    """Print archmodel's own log warnings (implausible spec values, ...) as ``archmodel: warning: ...``
    on the current stderr while a command runs; returns the function that undoes it."""
    logger = logging.getLogger("archmodel")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("archmodel: warning: %(message)s"))
    handler.setLevel(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False

    def undo() -> None:
        logger.removeHandler(handler)
        logger.propagate = propagate

    return undo
