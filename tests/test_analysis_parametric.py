"""Parametric equilibria of small two-player games, piece by piece, against exact enumeration."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
import sympy

import kimgame
from kimgame.analysis.parametric_equilibria import equilibria_at, parametric_equilibria
from kimgame.errors import KimgameError
from kimgame.solvers.enummixed import extreme_equilibria

DEGENERATE_2X2 = """
    kimgame: 1
    title: A(x) = [[x/2, x], [1 - x, (1 - x)/2]], B = A transposed
    players: [P1, P2]
    parameters:
      x: {value: 1/2, range: [0, 1]}
    strategies: {P1: [a, b], P2: [a, b]}
    payoffs:
      a: {a: [x/2, x/2], b: [x, 1 - x]}
      b: {a: [1 - x, x], b: [(1 - x)/2, (1 - x)/2]}
"""


def first_probabilities(profiles):
    return {(p[0][0], q[0]) for p, q in [(x, y) for x, y in profiles]}


def mix(p):  # a two-strategy mixed strategy from the probability of the first strategy
    return (p, 1 - p)


def expected(x: F):
    """The answer derived by hand: probabilities of the first strategy of each player."""
    if x > F(2, 3):
        return {(F(1), F(1))}
    if x < F(1, 3):
        return {(F(0), F(0))}
    return {(3 * x - 1, 3 * x - 1), (F(1), F(0)), (F(0), F(1))}


def test_the_degenerate_2x2_example_piece_by_piece(write_yaml):
    game = kimgame.load(write_yaml(DEGENERATE_2X2))
    pieces = parametric_equilibria(game)
    x = sympy.Symbol("x", real=True)
    mixed = [p for p in pieces if p.x[0] == 3 * x - 1]
    assert len(mixed) == 1 and mixed[0].y[0] == 3 * x - 1
    assert mixed[0].region == sympy.And(x >= sympy.Rational(1, 3), x <= sympy.Rational(2, 3))
    assert sympy.sympify(mixed[0].region_text, locals={"x": x}) == mixed[0].region
    pure = {(p.x[0], p.y[0]): p.region for p in pieces if p is not mixed[0]}
    assert pure == {
        (1, 1): x >= sympy.Rational(2, 3),
        (0, 0): x <= sympy.Rational(1, 3),
        (1, 0): sympy.And(x >= sympy.Rational(1, 3), x <= sympy.Rational(2, 3)),
        (0, 1): sympy.And(x >= sympy.Rational(1, 3), x <= sympy.Rational(2, 3)),
    }
    rng = random.Random(3)
    points = [F(0), F(1, 6), F(1, 3), F(1, 2), F(2, 3), F(5, 6), F(1)] + [F(rng.randint(0, 999), 999) for _ in range(8)]
    for v in points:
        got = equilibria_at(pieces, {"x": v})
        assert {(p[0], q[0]) for p, q in got} == expected(v), v
        numeric = game.with_values(x=v)
        assert got == extreme_equilibria(*numeric.numeric), v


def random_game(rng, m, n, two_parameters=False):
    rows, cols = [f"r{i}" for i in range(m)], [f"c{j}" for j in range(n)]

    def entry():
        text = f"{rng.randint(-3, 3)} + ({rng.randint(-3, 3)})*x"
        if two_parameters and rng.random() < 0.5:
            text += f" + ({rng.randint(-2, 2)})*y"
        return text

    payoffs = "\n".join(
        f"  {r}: {{" + ", ".join(f"{c}: [{entry()}, {entry()}]" for c in cols) + "}" for r in rows
    )
    params = "  x: {value: 0, range: [-2, 2]}\n" + ("  y: {value: 0, range: [0, 1]}\n" if two_parameters else "")
    return (f"kimgame: 1\nplayers: [P, Q]\nparameters:\n{params}"
            f"strategies: {{P: [{', '.join(rows)}], Q: [{', '.join(cols)}]}}\npayoffs:\n{payoffs}\n")


@pytest.mark.parametrize(("seed", "shape"), [(1, (2, 2)), (2, (2, 3)), (3, (3, 2)), (4, (2, 2)), (5, (3, 3))])
def test_random_one_parameter_games_match_enumeration_everywhere(write_yaml, seed, shape):
    rng = random.Random(seed)
    game = kimgame.load(write_yaml(random_game(rng, *shape)))
    pieces = parametric_equilibria(game)
    points = {F(k, 4) for k in range(-8, 9)} | {F(rng.randint(-200, 200), 100) for _ in range(6)}
    for piece in pieces:  # the boundaries of every region: where the game is degenerate
        points |= {F(int(a.p), int(a.q)) for a in sympy.preorder_traversal(piece.region)
                   if isinstance(a, sympy.Rational) and -2 <= a <= 2}
    for v in sorted(points):
        numeric = game.with_values(x=v)
        assert equilibria_at(pieces, {"x": v}) == extreme_equilibria(*numeric.numeric), v


def test_two_parameter_hawk_dove_matches_enumeration(write_yaml):
    game = kimgame.load(write_yaml("""
        kimgame: 1
        players: [Row, Column]
        parameters:
          V: {value: 2, range: [0, 4]}
          C: {value: 3, range: [0, 4]}
        strategies: {Row: [hawk, dove], Column: [hawk, dove]}
        payoffs:
          hawk: {hawk: [(V - C)/2, (V - C)/2], dove: [V, 0]}
          dove: {hawk: [0, V],                 dove: [V/2, V/2]}
    """))
    pieces = parametric_equilibria(game)
    assert any(not p.degenerate for p in pieces)
    grid = [F(k, 2) for k in range(9)]  # includes V = C, V = 0, C = 0: the degenerate games
    for v in grid:
        for c in grid:
            numeric = game.with_values(V=v, C=c)
            assert equilibria_at(pieces, {"V": v, "C": c}) == extreme_equilibria(*numeric.numeric), (v, c)


def test_fixing_parameters_and_the_size_limit(write_yaml):
    game = kimgame.load(write_yaml("""
        kimgame: 1
        players: [Row, Column]
        parameters:
          V: {value: 2, range: [0, 4]}
          C: {value: 3, range: [0, 4]}
        strategies: {Row: [hawk, dove], Column: [hawk, dove]}
        payoffs:
          hawk: {hawk: [(V - C)/2, (V - C)/2], dove: [V, 0]}
          dove: {hawk: [0, V],                 dove: [V/2, V/2]}
    """))
    pieces = parametric_equilibria(game, parameters=["V"])  # C fixed at 3
    assert all(p.free_symbols <= {sympy.Symbol("V", real=True)} for p in pieces)
    assert any(p.x[0] == sympy.Symbol("V", real=True) / 3 for p in pieces)
    with pytest.raises(KimgameError, match="no parameter named Z"):
        parametric_equilibria(game, parameters=["Z"])
    big = kimgame.game_from_arrays([[[1, 0], [0, 1], [1, 1], [0, 0]], [[0, 1], [1, 0], [0, 0], [1, 1]]])
    with pytest.raises(KimgameError, match="at most 3 strategies"):
        parametric_equilibria(big)
    three = kimgame.game_from_arrays([[[[1]]], [[[1]]], [[[1]]]])
    with pytest.raises(KimgameError, match="two-player"):
        parametric_equilibria(three)


SIGN_CHANGING = """
    kimgame: 1
    title: a payoff divided by a parameter that changes sign, and one with abs()
    players: [P1, P2]
    parameters:
      x: {value: 1, range: [-1, 2]}
      y: {value: 1, range: [0, 1]}
    strategies: {P1: [a, b], P2: [a, b]}
    payoffs:
      a: {a: [y/x, 1], b: [0, abs(x - y)]}
      b: {a: [1, 0], b: [y, 1]}
"""


def test_a_sweep_leaves_out_outcomes_without_an_exact_sign_form(write_yaml):
    """A division by a parameter that changes sign has no exact region: a sweep still runs, its outcome
    columns left out with a note that says why."""
    game = kimgame.load(write_yaml(SIGN_CHANGING))
    result = kimgame.sweep(game, {"x": (F(1, 2), 2, 4), "y": (0, 1, 3)})
    assert any(note.startswith("outcomes left out:") for note in result.notes)


def test_two_parameter_pieces_with_abs_and_a_sign_changing_division_match_enumeration(write_yaml):
    """abs() is split into its cases and y/x keeps its sign through x*y: the pieces give the extreme
    equilibria of the game at every grid point of the box (x = 0, where y/x is undefined, left out)."""
    game = kimgame.load(write_yaml(SIGN_CHANGING))
    pieces = parametric_equilibria(game)
    xs = [F(k, 4) for k in range(-4, 9) if k]
    ys = [F(k, 4) for k in range(5)]
    for x in xs:
        for y in ys:
            numeric = game.with_values(x=x, y=y)
            assert equilibria_at(pieces, {"x": x, "y": y}) == extreme_equilibria(*numeric.numeric), (x, y)
