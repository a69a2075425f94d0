"""kimgame.solvers.pure_lists (numpy-free pure-strategy analysis of small forms) gives exactly what the
numpy solvers give, in the same order; and ``kimgame solve`` on a small tree imports no numpy."""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GAMES, ROOT
from kimgame.io.loader import load
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.solvers import pure_lists
from kimgame.solvers.dominance import iterated_elimination, pure_dominance
from kimgame.solvers.pure import pure_equilibria


@st.composite
def games(draw):
    n = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)))
    size = math.prod(shape)
    values = st.sampled_from([F(0), F(1), F(2), F(-1), F(1, 2), F(3, 7), F(5)])  # few values: many ties
    payoffs = tuple(tuple(draw(st.lists(values, min_size=size, max_size=size))) for _ in range(n))
    return shape, payoffs


def _arrays(shape, payoffs):
    out = []
    for flat in payoffs:
        a = np.empty(len(flat), dtype=object)
        a[:] = list(flat)
        out.append(a.reshape(shape))
    return tuple(out)


def _same(shape, payoffs) -> None:
    players = [f"P{i}" for i in range(len(shape))]
    strategies = [[f"s{k}" for k in range(n)] for n in shape]
    arrays = _arrays(shape, payoffs)
    assert pure_lists.pure_equilibria_lists(shape, payoffs) == pure_equilibria(arrays)
    assert pure_lists.pure_dominance_lists(players, strategies, payoffs) == pure_dominance(players, strategies, arrays)
    assert (pure_lists.iterated_elimination_lists(players, strategies, payoffs)
            == iterated_elimination(players, strategies, arrays, mixed=False))


@settings(max_examples=300, deadline=None)
@given(games())
def test_same_answers_as_the_numpy_solvers(game):
    _same(*game)


def test_same_answers_on_the_example_trees_reduced_forms():
    for path in sorted(GAMES.glob("*.yaml")):
        game = load(path)
        if game.form != "extensive":
            continue
        nf = reduced_normal_form(game)
        _same(nf.shape, nf.numeric_lists)


def test_suits_small_forms_only():
    assert pure_lists.suits((2, 216)) and pure_lists.suits((10, 10, 10))
    assert not pure_lists.suits((2, 2500)) and not pure_lists.suits((300, 300))


@pytest.mark.slow
def test_solving_a_small_tree_imports_no_numpy():
    """The second run: the first may derive and cache the claims' conditions (sympy)."""
    code = ("import sys; from kimgame.cli import main; sys.argv = ['kimgame', 'solve', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('numpy', 'sympy', 'scipy', 'nashpy') if m in sys.modules)\n"
            "sys.stderr.write('HEAVY=' + ','.join(heavy))")
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", code, str(GAMES / "singapore.yaml")], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    assert "Subgame-perfect equilibria" in run.stdout
    assert run.stderr.endswith("HEAVY="), run.stderr
