"""The ``kimgame`` app: its commands, ``--version``, and the entry point that turns errors into exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from kimgame._version import __version__
from kimgame.cli import analyze, files, show, solve, sweep
from kimgame.cli.dask_option import dask_without_address
from kimgame.cli.options import EXIT_BAD_INPUT, EXIT_LIMIT
from kimgame.errors import KimgameError

app = typer.Typer(
    name="kimgame",
    help="Exact, parametric game solver: equilibria, dominance, and when a strategic claim holds.",
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"kimgame {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Exact, parametric game solver: equilibria, dominance, and when a strategic claim holds."""


app.command()(solve.solve)
app.command()(show.show)
app.command()(analyze.analyze)
app.command()(sweep.sweep)
app.command()(files.report)
app.command()(files.validate)
app.command("set")(files.set_command)
app.command()(files.convert)


def main() -> None:
    """Entry point: run the app, turning input errors into one message and exit code 2."""
    try:
        code = app(args=dask_without_address(sys.argv[1:]), standalone_mode=False,  # click returns typer.Exit's
                   prog_name="kimgame")                                            # code instead of raising here
        if isinstance(code, int) and code:
            sys.exit(code)
    except KimgameError as err:
        sys.stderr.write(f"error: {err}\n" if err.where is None else f"{err}\n")
        sys.exit(EXIT_BAD_INPUT)
    except typer.Exit as stop:
        sys.exit(stop.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(EXIT_LIMIT)
    except Exception as err:
        if isinstance(err, typer.Abort):
            sys.stderr.write("aborted\n")
            sys.exit(EXIT_LIMIT)
        show_usage = getattr(err, "show", None)
        if callable(show_usage) and hasattr(err, "exit_code"):  # click's usage errors
            show_usage()
            sys.exit(EXIT_BAD_INPUT)
        if os.environ.get("KIMGAME_DEBUG"):
            raise
        sys.stderr.write(f"internal error (a bug in kimgame, please report it): {type(err).__name__}: {err}\n"
                         "Run with KIMGAME_DEBUG=1 to see the traceback.\n")
        sys.exit(1)
