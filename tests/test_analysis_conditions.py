"""Symbolic claim conditions (kimgame.analysis.conditions) against numeric solving, and their text."""

from __future__ import annotations

import ast
import itertools
import random
from dataclasses import replace
from fractions import Fraction as F
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kimgame
from kimgame.analysis.conditions import (
    UnsupportedCondition,
    claim_condition,
    condition_latex,
    condition_text,
    evaluate_condition,
    fill_conditions,
    parameter_symbols,
    pure_equilibrium_conditions,
    symbolic_game,
)
from kimgame.analysis.formula_ratios import FormulaRatios
from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_regions import region_to_sympy, simplify_region
from kimgame.analysis.sign_terms import NEG, POS, TRUE, ZERO, Term
from kimgame.expr.parse import parse_formula
from kimgame.model.claims import Claim, Dominates
from kimgame.model.normal_form import NormalFormGame
from kimgame.model.parameters import Parameter, resolve_values
from kimgame.solvers.dominance import dominates
from kimgame.solvers.pure import pure_equilibria

ROOT = Path(__file__).resolve().parent.parent
SINGAPORE = ROOT / "games" / "singapore_matrix.yaml"
K, H, e, e_private = sympy.symbols("K H e e_private", real=True)


def make_game(payoffs, params, strategies=None, players=("P1", "P2")):
    """A normal-form game from payoff texts: payoffs[profile] = (text for P1, text for P2, ...)."""
    names = [p.name for p in params]
    vectors = tuple(tuple(parse_formula(t, names) for t in vec) for vec in payoffs)
    if strategies is None:
        n = round(len(payoffs) ** 0.5)
        strategies = (tuple(f"a{k}" for k in range(n)), tuple(f"b{k}" for k in range(n)))
    return NormalFormGame(tuple(players), tuple(tuple(s) for s in strategies), vectors, parameters=tuple(params),
                          values=resolve_values(params))


def same_truth_everywhere(cond_a, cond_b, symbols, points) -> None:
    for point in points:
        values = dict(zip(symbols, point))
        assert evaluate_condition(cond_a, values) == evaluate_condition(cond_b, values), values


# --------------------------------------------------------------------------------------------------
# The essay's claims


def test_silence_dominates_reduces_to_k_greater_than_h_e():
    # US payoffs (games/singapore_matrix.yaml), silence minus pressure, for each DPRK strategy:
    #   dismantle: (W + K) - (W*(1 - p_insult) + e*H) = K + W*p_insult - H*e
    #   stall:      K - e*H
    #   spite:     (K - S) - (-S)                     = K
    # Strict dominance needs all three > 0. On the declared ranges W, p_insult, H, e >= 0, so
    # K + W*p_insult - H*e >= K - H*e and K >= K - H*e: both follow from K - H*e > 0, which is
    # therefore the whole condition: K > H*e.
    game = kimgame.load(SINGAPORE)
    claim = next(c for c in game.claims if c.id == "silence-dominates")
    cond = claim_condition(game, claim)
    assert cond == sympy.Gt(K, H * e)
    assert condition_text(cond) == "K > H*e"
    assert "K > H e" in condition_latex(cond)
    assert evaluate_condition(cond, game.values) is True
    raw = claim_condition(game, claim, simplify=False)
    assert len(raw.args) == 3  # the three raw inequalities, nothing dropped without simplification


def test_private_dominates_keeps_k_positive():
    # private minus pressure: dismantle K + W*p_insult + H*e_private - H*e, stall K + H*e_private - H*e,
    # spite K. Here K > 0 is NOT implied (a large H*e_private can make the stall inequality hold at K = 0),
    # while the dismantle inequality follows from the stall one (W*p_insult >= 0).
    game = kimgame.load(SINGAPORE)
    claim = next(c for c in game.claims if c.id == "private-dominates")
    cond = claim_condition(game, claim)
    assert cond == sympy.And(sympy.Gt(K, 0), sympy.Gt(H * e_private + K, H * e))
    # K = 0 with a large private effect: the stall inequality holds, the spite one fails
    g0 = game.with_values(K=0, e_private=1, e=0)
    assert evaluate_condition(cond, g0.values) is False
    assert not dominates(g0.numeric[0], 0, 2, 0, strict=True)


def test_singapore_conditions_agree_with_numeric_dominance_at_random_points():
    game = kimgame.load(SINGAPORE)
    rng = random.Random(4)
    conds = {c.id: (c, claim_condition(game, c), claim_condition(game, c, simplify=False)) for c in game.claims}
    for _ in range(60):
        values = {}
        for p in game.parameters:
            # small integers and simple fractions: ties (boundaries) happen often
            values[p.name] = F(rng.randint(int(p.low), int(min(p.high, 40))), rng.choice([1, 1, 2, 20]))
            values[p.name] = min(max(values[p.name], p.low), p.high)
        g = game.with_values(values)
        for claim, cond, raw in conds.values():
            i = g.player_index(claim.spec.player)
            s, t = g.strategy_index(i, claim.spec.strategy), g.strategy_index(i, claim.spec.over)
            expected = dominates(g.numeric[i], i, s, t, strict=claim.spec.strict)
            assert evaluate_condition(cond, g.values) == expected, (claim.id, values)
            assert evaluate_condition(raw, g.values) == expected


def test_condition_text_round_trips_through_sympify():
    game = kimgame.load(SINGAPORE)
    symbols = parameter_symbols(game)
    for claim in game.claims:
        for strict in (True, False):
            cond = claim_condition(game, replace(claim, spec=replace(claim.spec, strict=strict)))
            text = condition_text(cond)
            assert sympy.sympify(text, locals=symbols) == cond
    for cond in pure_equilibrium_conditions(game).values():
        assert sympy.sympify(condition_text(cond), locals=symbols) == cond
    assert condition_text(sympy.true) == "True" and condition_text(sympy.false) == "False"


# --------------------------------------------------------------------------------------------------
# Random games: the symbolic answer and numeric solving agree everywhere sampled

PARAMS = (Parameter("a", F(0), F(-2), F(2)), Parameter("b", F(1), F(0), F(3)), Parameter("c", F(0), None, None))
NAMES = [p.name for p in PARAMS]
term = st.sampled_from(["a", "b", "c", "a*b", "b*c", "a*a", "1"])
linear = st.lists(st.tuples(st.integers(-2, 2), term), min_size=1, max_size=3).map(
    lambda ts: " + ".join(f"({k})*{t}" for k, t in ts)
)


@st.composite
def games_and_claims(draw):
    m = draw(st.integers(2, 3))
    n = draw(st.integers(1, 3))
    payoffs = [tuple(draw(linear) for _ in range(2)) for _ in range(m * n)]
    strategies = (tuple(f"s{k}" for k in range(m)), tuple(f"t{k}" for k in range(n)))
    game = make_game(payoffs, PARAMS, strategies)
    s, t = draw(st.permutations(range(m)))[:2]
    player = draw(st.integers(0, 1))
    if player == 1:
        s, t = draw(st.permutations(range(n)))[:2] if n > 1 else (0, 0)
    labels = strategies[player]
    spec = Dominates(("P1", "P2")[player], labels[s], labels[t], strict=draw(st.booleans()))
    return game, spec


points = st.lists(
    st.tuples(st.integers(-4, 4).map(lambda k: F(k, 2)), st.integers(0, 6).map(lambda k: F(k, 2)),
              st.integers(-3, 3).map(F)),
    min_size=12, max_size=12,
)


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(games_and_claims(), points)
def test_random_claim_conditions_match_numeric_dominance(game_claim, sample):
    game, spec = game_claim
    cond = claim_condition(game, spec)
    raw = claim_condition(game, spec, simplify=False)
    symbols = parameter_symbols(game)
    assert sympy.sympify(condition_text(cond), locals=symbols) == cond
    i = game.player_index(spec.player)
    s, t = game.strategy_index(i, spec.strategy), game.strategy_index(i, spec.over)
    # the vertices of the box too: simplification must hold at the ends of the ranges
    corners = [(a, b, F(0)) for a in (F(-2), F(2)) for b in (F(0), F(3))]
    for a, b, c in [*sample, *corners]:
        g = game.with_values(a=a, b=b, c=c)
        expected = dominates(g.numeric[i], i, s, t, strict=spec.strict)
        assert evaluate_condition(cond, g.values) == expected, (condition_text(cond), a, b, c)
        assert evaluate_condition(raw, g.values) == expected


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(games_and_claims(), points)
def test_random_pure_equilibrium_conditions_match_the_solver(game_claim, sample):
    game, _ = game_claim
    conds = pure_equilibrium_conditions(game)
    assert list(conds) == [tuple(game.strategies[i][k] for i, k in enumerate(p)) for p in game.profiles()]
    for a, b, c in sample[:6]:
        g = game.with_values(a=a, b=b, c=c)
        found = {tuple(g.strategies[i][k] for i, k in enumerate(p)) for p in pure_equilibria(g.numeric)}
        assert {p for p, cond in conds.items() if evaluate_condition(cond, g.values)} == found


# --------------------------------------------------------------------------------------------------
# Simplification: regions of sign conditions on the box (the prover matrix and tree claims share)

MASKS = {">": POS, ">=": POS | ZERO, "=": ZERO, "!=": NEG | POS, "<": NEG, "<=": NEG | ZERO}


def region(params, conj, *, disjunction=False):
    """The simplified region of sign conditions ``[(formula text, op), ...]`` (a conjunction, or with
    ``disjunction`` a disjunction), written as sympy."""
    box = Box(params)
    ratios = FormulaRatios(box)
    names = [p.name for p in params]
    formulas = [parse_formula(text, names) for text, _ in conj]  # alive while cached by identity
    atoms = []
    for f, (_, op) in zip(formulas, conj):
        c = box.sign_constraint(ratios.ratio(f).num, MASKS[op])
        atoms.append([TRUE] if c is True else [] if c is False else [Term({c[0]: c[1]})])
    if disjunction:
        terms = [t for a in atoms for t in a]
    else:
        terms = [TRUE]
        for a in atoms:
            terms = [u for s in terms for t in a if (u := box.meet(s, t)) is not None]
    return region_to_sympy(simplify_region(terms, box), box)


def test_simplification_uses_the_ranges_and_never_drops_an_undecided_part():
    x, y = sympy.symbols("x y", real=True)
    params = (Parameter("x", F(0), F(0), F(1)), Parameter("y", F(0), F(0), None))
    # x >= 0 and y >= 0 hold on the whole box; x + y > 2 does not follow from the ranges
    assert region(params, [("x", ">="), ("y", ">=")]) is sympy.true
    assert region(params, [("x - 2", ">")]) is sympy.false
    assert region(params, [("x", ">="), ("x + y - 2", ">")]) == sympy.Gt(x + y, 2)
    # an atom implied by another is dropped, the stronger one kept
    assert region(params, [("x + y", ">"), ("y", ">")]) == sympy.Gt(y, 0)
    # one parameter against a threshold, rationals exact
    assert region(params, [("6*x - 1", ">")]) == sympy.Gt(x, sympy.Rational(1, 6))
    # integer coefficients, positive terms on the left
    assert region(params, [("2*y - 4*x*y", ">")]) == sympy.Gt(y, 2 * x * y)
    # denominators of known sign are cleared
    assert region(params, [("(x - y) / (1 + x)", ">")]) == sympy.Gt(x, y)
    # x <= 0 on [0, 1] is x = 0, and an equality is substituted into the rest
    assert region(params, [("x", "<=")]) == sympy.Eq(x, 0)
    assert region(params, [("x", "="), ("y - x - 1", ">=")]) == sympy.And(sympy.Eq(x, 0), sympy.Ge(y, 1))
    # weak inequality and 'not equal' make a strict one; contradictions are found
    assert region(params, [("x + y - 1", ">="), ("x + y - 1", "!=")]) == sympy.Gt(x + y, 1)
    assert region(params, [("x + y - 1", ">"), ("x + y - 1", "<")]) is sympy.false
    assert region(params, [("x + y - 1", ">"), ("x + y - 1", "<")], disjunction=True) == sympy.Ne(x + y, 1)
    # a multi-parameter condition that cannot be reduced stays whole
    hard = [("x*y - 1 + x", ">"), ("x**2 + y**2 - x*y - 1", ">")]
    out = region(params, hard)
    assert len(out.args) == 2
    pts = [(F(i, 4), F(j, 2)) for i in range(5) for j in range(7)]
    same_truth_everywhere(out, sympy.And(x * y > 1 - x, x**2 + y**2 > x * y + 1), ["x", "y"], pts)


def test_simplification_is_an_equivalence_on_the_box_random():
    params = (Parameter("x", F(0), F(-1), F(1)), Parameter("y", F(0), F(0), F(2)), Parameter("z", F(0), None, None))
    rng = random.Random(9)
    pool = ["x", "y", "z", "x*y", "y*z", "x**2", "1"]
    grid = list(itertools.product([F(k, 2) for k in range(-2, 3)], [F(k, 2) for k in range(5)],
                                  [F(k) for k in (-2, 0, 1)]))
    names = ["x", "y", "z"]
    for _ in range(40):
        conj = []
        for _ in range(rng.randint(1, 4)):
            text = " + ".join(f"({rng.randint(-2, 2)})*{rng.choice(pool)}" for _ in range(3))
            conj.append((text, rng.choice([">", ">=", "=", "!="])))
        disjunction = rng.random() < 0.5
        simple = region(params, conj, disjunction=disjunction)
        for point in grid:
            values = dict(zip(names, point))
            truths = [_holds(parse_formula(t, names).evaluate(values), op) for t, op in conj]
            expected = any(truths) if disjunction else all(truths)
            assert evaluate_condition(simple, values) == expected, (conj, disjunction, values)


def _holds(v, op) -> bool:
    return {">": v > 0, ">=": v >= 0, "=": v == 0, "!=": v != 0, "<": v < 0, "<=": v <= 0}[op]


# --------------------------------------------------------------------------------------------------
# Kinds of claims and games without a condition


def test_after_elimination_claims_have_no_condition():
    game = kimgame.load(SINGAPORE)
    spec = Dominates("US", "silence", "pressure", after_elimination=True)
    with pytest.raises(UnsupportedCondition, match="iterated elimination"):
        claim_condition(game, spec)
    g2 = replace(game, claims=(Claim("late", "", spec),))
    result = kimgame.solve(g2)
    assert fill_conditions(g2, result.claims)[0].condition is None


TREE = """
kimgame: 1
title: entry with a parametric fight
players: [Entrant, Incumbent]
parameters:
  f: {value: -1, range: [-10, 10]}
  v: {value: 3, range: [0, 10]}
tree:
  player: Entrant
  name: entry
  moves:
    Out: {payoffs: [1, 5], outcome: no entry}
    In:
      player: Incumbent
      name: response
      moves:
        Fight:       {payoffs: [v - 4, f], outcome: price war}
        Accommodate: {payoffs: [2, 2], outcome: shared market}
claims:
  - id: fight
    plays: {player: Incumbent, infoset: response, action: Fight}
  - id: fight-dominates
    dominates: {player: Incumbent, strategy: Fight, over: Accommodate, strict: false}
  - id: nash-out
    plays: {player: Entrant, infoset: entry, action: Out, in: some, equilibrium: nash}
"""


def test_trees_go_through_their_reduced_normal_form_and_symbolic_backward_induction(write_yaml):
    from kimgame.model.reduced_form import reduced_normal_form

    tree = kimgame.load(write_yaml(TREE))
    f = sympy.Symbol("f", real=True)
    # dominance between plans: the reduced normal form's payoffs, still formulas
    sg, nf = symbolic_game(tree), symbolic_game(reduced_normal_form(tree))
    assert sg.strategies == nf.strategies and all((a == b).all() for a, b in zip(sg.payoffs, nf.payoffs))
    # (strictly it never dominates: after Out both plans give the incumbent 5)
    assert claim_condition(tree, tree.claims[1]) == sympy.Gt(f, 2)
    assert claim_condition(tree, replace(tree.claims[1].spec, strict=True)) is sympy.false
    # plays: symbolic backward induction; the incumbent fights in every SPE exactly when f > 2
    assert claim_condition(tree, tree.claims[0]) == sympy.Gt(f, 2)
    with pytest.raises(UnsupportedCondition, match="only available numerically"):
        claim_condition(tree, tree.claims[2])
    # pure-equilibrium conditions of the reduced normal form: (Out, Fight) is Nash iff fighting is a
    # best reply (f >= 2) or the threat deters (v - 4 <= 1)
    conds = pure_equilibrium_conditions(tree)
    for fv in (-10, 0, 2, 5, 10):
        for vv in (0, 5, 10):
            game = tree.with_values(f=fv, v=vv)
            nash = set(kimgame.solve(game, conditions=False).pure_equilibria)
            for profile, cond in conds.items():
                assert evaluate_condition(cond, game.values) == (profile in nash), (fv, vv, profile)


def test_tree_claims_are_refused_on_matrices():
    game = kimgame.load(SINGAPORE)
    from kimgame.model.claims import Plays

    with pytest.raises(UnsupportedCondition, match="claim about a game tree"):
        claim_condition(game, Plays("US", "x", "y"))


def test_fill_conditions_gives_solve_the_parametric_condition():
    game = kimgame.load(SINGAPORE)
    result = kimgame.solve(game)
    filled = fill_conditions(game, result.claims)
    assert [c.condition for c in filled] == ["K > H*e", "(K > 0) & (H*e_private + K > H*e)"]
    assert [c.holds for c in filled] == [c.holds for c in result.claims]
    pd = kimgame.load(ROOT / "games" / "prisoners_dilemma.yaml")
    assert [c.condition for c in fill_conditions(pd, kimgame.solve(pd).claims)] == ["True"]


def test_no_text_is_parsed_into_sympy_in_the_analysis_code():
    src = ROOT / "src" / "kimgame" / "analysis"
    for path in src.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                builtin_eval = isinstance(node.func, ast.Name) and name in ("eval", "exec")
                if (name in ("sympify", "parse_expr", "S") or builtin_eval) and "# safe:" not in lines[node.lineno - 1]:
                    raise AssertionError(f"{path.name}:{node.lineno}: {lines[node.lineno - 1].strip()}")


def test_min_max_abs_payoffs_are_split_into_cases():
    # max(x, y) > 2 and |y - 1| > min(x, 2*y): each call becomes a case split on the sign of a difference
    params = (Parameter("x", F(1), F(0), F(4)), Parameter("y", F(2), F(-3), F(3)))
    game = make_game([("max(x, y)", "0"), ("abs(y - 1)", "1"), ("2", "1"), ("min(x, 2*y)", "0")], params)
    x, y = sympy.symbols("x y", real=True)
    strict = claim_condition(game, Dominates("P1", "a0", "a1"))
    assert strict == sympy.Or(sympy.And(x > 2, y < sympy.Rational(1, 3)), sympy.And(y > 2, y > x + 1))
    weak = claim_condition(game, Dominates("P1", "a0", "a1", strict=False))
    pure = pure_equilibrium_conditions(game)
    for a in range(17):
        for b in range(-12, 13):
            g = game.with_values(x=F(a, 4), y=F(b, 4))
            for spec, cond in ((True, strict), (False, weak)):
                assert evaluate_condition(cond, g.values) == dominates(g.numeric[0], 0, 0, 1, strict=spec), (a, b)
            found = {tuple(g.strategies[i][k] for i, k in enumerate(p)) for p in pure_equilibria(g.numeric)}
            assert {p for p, cond in pure.items() if evaluate_condition(cond, g.values)} == found, (a, b)
