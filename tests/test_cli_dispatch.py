"""``kimgame solve`` is dispatched without typer's parser when its arguments are plain
(:func:`kimgame.cli._quick_solve_args`): it must do exactly what typer does, and leave everything else to typer."""

from __future__ import annotations

import contextlib
import io

import pytest
import typer

from clirun import run_cli
from conftest import GAMES
from kimgame import cli

MATRIX = str(GAMES / "singapore_matrix.yaml")
TREE = str(GAMES / "singapore.yaml")


def _through_typer(*args: str) -> tuple[int, str, str]:
    """Run ``kimgame ARGS`` through typer's parser only (as before the quick dispatch)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = cli.app(list(args), standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except typer.Exit as stop:
            code = stop.exit_code
        except cli.KimgameError as error:
            code = cli.EXIT_BAD_INPUT
            err.write(f"error: {error}\n" if error.where is None else f"{error}\n")
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("args", [
    ("solve", MATRIX),
    ("solve", TREE),
    ("solve", MATRIX, "--set", "W=2/5", "-s", "p_insult=0.4", "-f", "json"),
    ("solve", "--format=markdown", MATRIX, "--set=W=7"),
    ("solve", MATRIX, "--method", "lemke-howson", "--timeout", "30"),
    ("solve", MATRIX, "--method=pure", "--timeout=2.5"),
    ("solve", TREE, "--no-conditions"),
    ("solve", MATRIX, "--conditions", "-f", "json"),
    ("solve", MATRIX, "--full"),
    ("solve", MATRIX, "--set", "nope=1"),
    ("solve", str(GAMES / "missing.yaml")),
])
@pytest.mark.slow
def test_quick_dispatch_does_what_typer_does(args):
    assert cli._quick_solve_args(list(args)) is not None
    run = run_cli(*args)
    assert (run.code, run.out, run.err) == _through_typer(*args)


@pytest.mark.parametrize("args", [
    (), ("solve",), ("show", MATRIX), ("solve", "--help"), ("solve", MATRIX, "-h"), ("solve", MATRIX, MATRIX),
    ("solve", MATRIX, "--format", "html"), ("solve", MATRIX, "--format"), ("solve", MATRIX, "--timeout", "soon"),
    ("solve", MATRIX, "--timeout", "-1"), ("solve", MATRIX, "--timeout", "1e3"), ("solve", MATRIX, "--timeout", "²"),
    ("solve", MATRIX, "--method", "pure", "--method", "auto"), ("solve", MATRIX, "-fjson"),
    ("solve", MATRIX, "-f=json"), ("solve", MATRIX, "--verbose"), ("solve", "--", MATRIX), ("solve", "-"),
    ("solve", MATRIX, "--conditions", "--no-conditions"), ("solve", MATRIX, "--no-conditions=1"),
])
def test_anything_else_is_left_to_typer(args):
    assert cli._quick_solve_args(list(args)) is None


def test_quick_dispatch_knows_every_option_of_solve():
    """A new option of ``solve`` must be added to the quick dispatch too (else it would only ever reach typer)."""
    command = typer.main.get_command(cli.app).commands["solve"]  # type: ignore[attr-defined]
    declared = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)
                if opt.startswith("-")}
    assert declared - {"--help", "-h"} == set(cli._SOLVE_OPTIONS) | set(cli._SOLVE_FLAGS) | set(cli._SOLVE_TYPER_ONLY)
    names = {param.name for param in command.params if param.opts[0].startswith("-") and
             param.opts[0] not in cli._SOLVE_TYPER_ONLY}
    assert names == set(cli._SOLVE_OPTIONS.values()) | {key for key, _ in cli._SOLVE_FLAGS.values()}


def test_size_limits_always_go_through_typer(monkeypatch):
    assert cli._quick_solve_args(["solve", MATRIX, "--limit", "profiles=3"]) is None
    run = run_cli("solve", MATRIX, "--limit", "profiles=3")
    assert run.code == cli.EXIT_BAD_INPUT and "more than the limit of 3" in run.err
    monkeypatch.setenv("KIMGAME_LIMITS", "profiles=3")
    assert cli._quick_solve_args(["solve", MATRIX]) is None
    run = run_cli("solve", MATRIX)
    assert run.code == cli.EXIT_BAD_INPUT and "more than the limit of 3" in run.err


def test_bad_values_still_get_typers_messages():
    run = run_cli("solve", MATRIX, "--format", "html")
    assert run.code == cli.EXIT_BAD_INPUT and "html" in run.err
