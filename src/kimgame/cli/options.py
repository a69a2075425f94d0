"""What the commands share: exit codes, the option types, loading the game, printing.

Exit codes (DESIGN.md contract): 0 done; 2 bad input or usage; 3 a solver limit was reached.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from kimgame.io.editing import atomic_write
from kimgame.io.loader import load
from kimgame.limits import DEFAULT_LIMITS, LIMIT_NAMES, limits_from_environment, limits_in_force, parse_limits
from kimgame.model.parameters import parse_assignment

EXIT_BAD_INPUT = 2
EXIT_LIMIT = 3


class Format(str, Enum):
    """The ``--format`` of ``solve``, ``show`` and ``analyze``: rich ``text`` (cut to size unless ``--full``),
    ``json`` (DESIGN.md's documents) or ``markdown``."""
    text = "text"
    json = "json"
    markdown = "markdown"


FullOption = Annotated[bool, typer.Option("--full", help="Print long tables and lists in full (text and "
                                          "markdown cut them to 40 rows and 12 columns, saying so).")]
SetOption = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional here on Python 3.10
    typer.Option("--set", "-s", help="Override a parameter: NAME=VALUE (exact: 0.4 or 2/5). Repeatable.",
                 metavar="NAME=VALUE"),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
FileArg = Annotated[str, typer.Argument(help="Payoff file: .yaml (kimgame format), .nfg or .efg (Gambit).",
                                        metavar="FILE")]
OutputOption = Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file instead of "  # noqa: UP045
                                                     "standard output.")]
ClaimOption = Annotated[Optional[list[str]], typer.Option("--claim", "-c", help="Only this claim (by id). "  # noqa: UP045
                                                          "Repeatable.", metavar="ID")]


def _install_limits(ctx: typer.Context, items: list[str] | None) -> list[str] | None:
    """Put the size limits of ``KIMGAME_LIMITS`` and ``--limit`` in force for the rest of the command."""
    limits = parse_limits(items or [], limits_from_environment(os.environ.get("KIMGAME_LIMITS"), DEFAULT_LIMITS))
    ctx.with_resource(limits_in_force(limits))  # undone when the command's context closes
    return items


LimitOption = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional here on Python 3.10
    typer.Option("--limit", help=f"Change a limit: NAME=N (repeatable). The limits: {', '.join(LIMIT_NAMES)} "
                 "(memory in bytes or e.g. 4GiB; budget: the seconds the default solve plans for; what each means "
                 "and its default: docs/cli.md). Also KIMGAME_LIMITS='NAME=N ...'.", metavar="NAME=N",
                 callback=_install_limits),
]


def overrides(assignments: list[str] | None) -> dict[str, object]:
    """The ``--set NAME=VALUE`` assignments as a mapping (values exact)."""
    return dict(parse_assignment(text) for text in assignments or [])


def load_game(path: str, assignments: list[str] | None):
    """The game in ``path`` with the ``--set`` assignments applied."""
    return load(path, overrides(assignments))


def emit(text: str) -> None:
    """Print ``text`` on standard output, ending in one newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write_output(output: str, text: str, note: str = "") -> None:
    """Write ``text`` to the file ``output`` atomically and say so on standard error."""
    atomic_write(Path(output), text)
    sys.stderr.write(f"wrote {output}{note}\n")
