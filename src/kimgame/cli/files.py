"""The commands about files: ``validate`` a payoff file, ``set`` its parameters in place, ``convert`` it to
another format, write its HTML ``report``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kimgame.cli.options import (
    EXIT_LIMIT,
    FileArg,
    LimitOption,
    SetOption,
    emit,
    load_game,
    overrides,
    write_output,
)
from kimgame.errors import KimgameError
from kimgame.io.editing import set_parameters
from kimgame.model.normal_form import NormalFormGame


def validate(file: FileArg, set_: SetOption = None, limit: LimitOption = None) -> None:
    """Check a payoff file and explain every problem found (exit 2 if there are any)."""
    game = load_game(file, set_)
    size = " × ".join(str(k) for k in game.shape) if isinstance(game, NormalFormGame) else f"{game.num_nodes} nodes"
    emit(f"{file}: OK — {game.form}-form game '{game.title}', players {', '.join(game.players)}, {size}, "
         f"{len(game.parameters)} parameter(s), {len(game.claims)} claim(s)")


def _pairs(items: list[str] | None, what: str) -> dict[str, str]:
    """``NAME=TEXT`` arguments as a mapping; ``what`` names the option in the error message."""
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise KimgameError(f"{what} expects NAME=... (got '{item}')")
        out[key.strip()] = value
    return out


def set_command(
    file: FileArg,
    assignments: Annotated[Optional[list[str]], typer.Argument(help="NAME=VALUE, exact (0.4, 2/5, 120).",  # noqa: UP045
                                                               metavar="NAME=VALUE...")] = None,
    range_: Annotated[Optional[list[str]], typer.Option("--range", help="NAME=LOW:HIGH, a new allowed range.",  # noqa: UP045
                                                        metavar="NAME=LOW:HIGH")] = None,
    doc: Annotated[Optional[list[str]], typer.Option(help="NAME=TEXT, a new one-line doc.", metavar="NAME=TEXT")] = None,  # noqa: UP045
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the change as a diff; write nothing.")] = False,
    limit: LimitOption = None,
) -> None:
    """Change parameter values (ranges, docs) in a YAML payoff file, keeping comments and layout."""
    values = _pairs(assignments, "kimgame set")
    ranges = {}
    for key, text in _pairs(range_, "--range").items():
        low, sep, high = text.partition(":")
        if not sep:
            raise KimgameError(f"--range {key}={text}: write the range as LOW:HIGH, e.g. 0:1")
        ranges[key] = (low, high)
    docs = _pairs(doc, "--doc")
    if not (values or ranges or docs):
        raise KimgameError("nothing to set: give NAME=VALUE (and/or --range, --doc)")
    edit = set_parameters(file, values, ranges=ranges, docs=docs, dry_run=dry_run)
    if dry_run:
        emit(edit.diff or "no change")
    else:
        changed = ", ".join([*values, *(f"range of {k}" for k in ranges), *(f"doc of {k}" for k in docs)])
        emit(f"{file}: set {changed}" if edit.written else f"{file}: already as asked; not rewritten")


def convert(
    source: Annotated[str, typer.Argument(help="Game file to read: .yaml (kimgame), .nfg or .efg (Gambit).",
                                          metavar="IN")],
    target: Annotated[str, typer.Argument(help="File to write; its extension picks the format: .yaml, .nfg, .efg "
                                          "or .json.", metavar="OUT")],
    set_: SetOption = None,
    limit: LimitOption = None,
) -> None:
    """Convert a game between kimgame YAML, Gambit .nfg/.efg and JSON (a tree written as .nfg is its reduced
    normal form; Gambit files get the current parameter values). Writes atomically."""
    from kimgame.io.export import convert as run_convert

    sys.stderr.write(run_convert(source, target, overrides(set_)) + "\n")


def report(
    file: FileArg,
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write.", metavar="FILE")],
    set_: SetOption = None,
    limit: LimitOption = None,
    timeout: Annotated[Optional[float], typer.Option(help="Time limit in SECONDS for the solve and the claims' "  # noqa: UP045
                                                     "derivations together; the page says what was cut, "
                                                     "exit code 3.")] = None,
) -> None:
    """Write one self-contained HTML page (sliders re-evaluate the claims and the path exactly; no network).
    Exit code 3 when --timeout cut the solve or a derivation short (the page says so)."""
    from kimgame.report.html_page import report_html, solve_and_analyze

    game = load_game(file, set_)
    result, analyses, partial = solve_and_analyze(game, timeout)
    write_output(output, report_html(game, result, analyses, source_file=Path(file).name),
                 " (partial: a time limit was reached)" if partial else "")
    if partial:
        raise typer.Exit(EXIT_LIMIT)
