"""Focusing the analysis on some parameters (the others held at their values)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kimgame
from clirun import run_cli
from conftest import GAMES
from kimgame.analysis.focus import focus
from kimgame.errors import KimgameError


def test_focused_matrix_condition_substitutes_the_others():
    g = kimgame.load(GAMES / "singapore_matrix.yaml", H=20)
    f = focus(g, ["K", "e"])
    assert [p.name for p in f.parameters] == ["e", "K"]  # file order kept
    assert kimgame.analyze(f, "silence-dominates")[0].condition_text == "K > 20*e"
    # the focused game is the same game at the same values
    assert (f.numeric[0] == g.numeric[0]).all() and (f.numeric[1] == g.numeric[1]).all()


def test_focused_tree_solves_to_the_same_equilibria():
    g = kimgame.load(GAMES / "singapore.yaml", p_insult=Fraction(1, 4))
    f = focus(g, ["p_insult", "K"])
    a, b = kimgame.solve(g, method="spe"), kimgame.solve(f, method="spe")
    assert [e.payoffs for e in a.equilibria] == [e.payoffs for e in b.equilibria]
    assert [c.holds for c in a.claims] == [c.holds for c in b.claims]
    assert f.path is None  # never confused with the file in the condition cache


def test_unknown_free_parameter():
    with pytest.raises(KimgameError, match="no parameter named 'zz'"):
        focus(kimgame.load(GAMES / "singapore_matrix.yaml"), ["zz"])


def test_cli_free_option():
    run = run_cli("analyze", GAMES / "singapore_matrix.yaml", "--free", "K,e", "--claim", "silence-dominates")
    assert run.code == 0, run.err
    assert "K > 10*e" in run.out
