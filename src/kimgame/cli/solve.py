"""``kimgame solve``: equilibria, dominance and the file's claims, in the format asked for."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from kimgame.cli.options import (
    EXIT_LIMIT,
    FileArg,
    Format,
    FormatOption,
    FullOption,
    LimitOption,
    SetOption,
    emit,
    load_game,
)
from kimgame.model.normal_form import NormalFormGame

TEXT_CONDITION_PARAMETERS = 6  # solve's text shows a tree's conditions up to this many parameters


def solve(
    file: FileArg,
    set_: SetOption = None,
    limit: LimitOption = None,
    format: FormatOption = Format.text,
    method: Annotated[str, typer.Option(help="auto (default: enummixed if its estimate fits the 10 s budget, "
                                        "else exact Lemke-Howson), enummixed (all extreme equilibria, exact), "
                                        "lemke-howson, support, vertex, nashpy-lemke-howson, pure; trees: auto, "
                                        "enummixed, spe, pure, sequence-lcp (one equilibrium, exact), sequence-lp "
                                        "(zero-sum: value and optimal strategies).")] = "auto",
    timeout: Annotated[Optional[float], typer.Option(help="Time limit in SECONDS for every step (equilibria, "  # noqa: UP045
                                                     "dominance, claims); partial results are marked and the "
                                                     "exit code is 3.")] = None,
    conditions: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        help="Derive each claim's exact parameter condition (cached by the game's content). Default: always "
        f"for matrices and JSON; in text, for trees of at most {TEXT_CONDITION_PARAMETERS} parameters (a larger "
        "tree's condition is kimgame analyze's job).")] = None,
    full: FullOption = False,
) -> None:
    """Solve a game: payoffs, equilibria (exact), dominance, and the file's claims."""
    from kimgame.analysis.solve import solve as run_solve
    from kimgame.report.command_output import solve_report
    from kimgame.solvers.clock import show_progress

    show_progress(sys.stderr)
    game = load_game(file, set_)
    hint = ""
    if conditions is None:  # derive only what is printed
        conditions = not (format is not Format.json and not isinstance(game, NormalFormGame) and game.claims
                          and len(game.parameters) > TEXT_CONDITION_PARAMETERS)
        if not conditions:
            hint = (f"\nThe claims' exact conditions on these {len(game.parameters)} parameters: kimgame analyze "
                    f"{file} (regimes of each side's play, thresholds, knife-edges), or --format json.")
    result = run_solve(game, method=method, timeout=timeout, conditions=conditions)
    emit(solve_report(result, format.value, full=full) + hint)
    if result.partial:
        raise typer.Exit(EXIT_LIMIT)
