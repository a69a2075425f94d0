"""``kimgame show``: draw the game (the tree with its subgame-perfect moves marked, or the payoff matrix)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kimgame.cli.options import (
    FileArg,
    FullOption,
    LimitOption,
    OutputOption,
    SetOption,
    emit,
    load_game,
    write_output,
)
from kimgame.errors import KimgameError
from kimgame.model.normal_form import NormalFormGame


def show(
    file: FileArg,
    set_: SetOption = None,
    limit: LimitOption = None,
    dot: Annotated[bool, typer.Option("--dot", help="Print Graphviz DOT instead (information sets dashed).")] = False,
    output: OutputOption = None,
    full: FullOption = False,
) -> None:
    """Draw the game: the tree (subgame-perfect path highlighted) or the payoff matrix."""
    from kimgame.report.command_output import payoff_report, tree_legend

    game = load_game(file, set_)
    if isinstance(game, NormalFormGame):
        if dot:
            raise KimgameError("--dot draws game trees; this is a normal-form game (use kimgame show without --dot)")
        text = payoff_report(game, full)
    else:
        from kimgame.analysis.solve_tree import solve_tree
        from kimgame.model.tree_checks import recall_problem
        from kimgame.report.tree_view import rich_tree, to_dot

        # without perfect recall there is no subgame perfection: nothing is marked
        result = None if recall_problem(game) is not None else solve_tree(game, method="spe", conditions=False)
        if dot:
            text = to_dot(game, result)
        elif output is None and sys.stdout.isatty():  # colours on a terminal
            from rich.console import Console

            Console().print(rich_tree(game, result))
            emit(tree_legend(result))
            return
        else:
            from kimgame.report.render import render_rich

            text = render_rich(rich_tree(game, result)) + tree_legend(result)
    if output:
        write_output(output, text if text.endswith("\n") else text + "\n")
    else:
        emit(text)
