"""`kimgame analyze` / `sweep` / `solve` on game trees: conditions from symbolic backward induction,
each player's view, thresholds one parameter at a time — all checked against solving the tree
numerically at the points concerned."""

from __future__ import annotations

import json
from fractions import Fraction as F

import numpy as np
import pytest
import sympy

import kimgame
from clirun import run_cli
from conftest import GAMES
from kimgame.analysis.analyze import analyze, holds_here
from kimgame.analysis.conditions import evaluate_condition
from kimgame.analysis.solve_tree import solve_tree
from kimgame.analysis.sweep import sweep
from kimgame.analysis.views import player_parameters
from reference import spe_path_label

W, H, S, K, p = sympy.symbols("W H S K p_insult", real=True)


@pytest.fixture(scope="module")
def shaming_costly():
    """The flagship tree with public shaming costly enough (L = 10) that pressure makes Kim ease."""
    game = kimgame.load(GAMES / "singapore.yaml").with_values(L=10)
    return game, {a.claim.id: a for a in analyze(game)}


def test_the_us_view_is_the_hand_derived_condition(shaming_costly):
    game, result = shaming_costly
    silence = result["silence-at-root"]
    (us,) = [v for v in silence.views if v.player == "US"]
    assert us.free == ("W", "H", "S", "K", "p_insult")
    # silence is worth W + K; pressure p(-S) + (1 - p)(W + H) when the insulted Kim stalls and spites
    # and the other Kim dismantles and eases: silence iff K > (1 - p) H - p (W + S)
    assert sympy.simplify(us.condition.lhs - us.condition.rhs - (K - (1 - p) * H + p * (W + S))) == 0
    assert isinstance(us.condition, sympy.StrictGreaterThan)
    assert silence.holds and holds_here(game, silence.claim)
    assert evaluate_condition(silence.condition, game.values)
    assert silence.piece is not None and evaluate_condition(sympy.sympify(silence.piece, locals={
        s.name: s for s in silence.condition.free_symbols}), game.values)


def test_thresholds_are_exact_and_agree_with_the_solver(shaming_costly):
    game, result = shaming_costly
    silence = result["silence-at-root"]
    h = next(t for t in silence.thresholds if t.parameter == "H")
    assert h.holds_on == sympy.Interval.Ropen(0, F(445, 2))  # 0.4 H < 20 + 3/5 * 115
    for value, expected in ((F(222), True), (F(445, 2), False), (F(223), False)):
        assert holds_here(game.with_values(H=value), silence.claim) is expected
    # R = M: Kim is indifferent after silence. The claim fails at that single value only: a knife-edge,
    # not a threshold, so it is listed apart and the real threshold (H < 445/2) is the most sensitive
    r = next(t for t in silence.thresholds if t.parameter == "R")
    assert r.text == "every value in [0, 1000]" and not r.depends
    edge = next(e for e in silence.knife_edge_values if e.parameter == "R")
    assert edge.value == 20 and not edge.holds
    assert edge.text == "knife-edge at R = 20: DPRK indifferent between dismantle and stall at 'DPRK deal (silence)'"
    assert not holds_here(game.with_values(R=20), silence.claim)
    for value in (F(201, 10), F(199, 10), F(0), F(1000)):
        assert holds_here(game.with_values(R=value), silence.claim)
    assert silence.most_sensitive == "H"
    # rows only for the parameters that can flip the claim alone; the others hold on their whole range
    assert [t.parameter for t in silence.thresholds if t.depends] == ["H"]
    assert [(e.parameter, e.value) for e in silence.knife_edge_values] == [("p_insult", 0), ("R", 20), ("M", 30)]
    assert not holds_here(game.with_values(p_insult=0), silence.claim)  # K = H: the US is indifferent
    assert "US indifferent between pressure and silence at 'US stance'" in silence.knife_edge_values[0].who
    assert all(holds_here(game.with_values({t.parameter: t.high}), silence.claim)
               for t in silence.thresholds if not t.depends)


def test_full_condition_agrees_with_the_solver_at_sampled_points(shaming_costly):
    game, result = shaming_costly
    silence = result["silence-at-root"]
    assert silence.pieces > 50
    rng = np.random.default_rng(5)
    for _ in range(12):
        values = {q.name: F(int(rng.integers(0, 40))) for q in game.parameters if q.name != "p_insult"}
        values["p_insult"] = F(int(rng.integers(0, 5)), 4)
        at = game.with_values(values)
        assert evaluate_condition(silence.condition, values) == holds_here(at, silence.claim), values


def test_a_tree_too_large_for_the_full_condition_still_gets_views_and_thresholds():
    game = kimgame.load(GAMES / "singapore_types.yaml")
    (a,) = analyze(game, "silence-unknown-type", max_pieces=40)
    assert a.condition is None and "more than 40 pieces" in a.note
    assert a.holds == holds_here(game, a.claim)
    (us,) = a.views
    q = sympy.Symbol("q", real=True)
    assert sympy.simplify(us.condition.lhs - us.condition.rhs - (K + q * (S + W))) == 0
    r = next(t for t in a.thresholds if t.parameter == "R")
    assert r.text == "every value in [0, 1000]" and not holds_here(game.with_values(R=20), a.claim)
    assert any(e.parameter == "R" and e.value == 20 for e in a.knife_edge_values)
    # the README's number: without China (K = 0) and with effective shaming (L = 10), pressure pays
    # exactly when the US believes Kim a hardliner with probability below 4/27
    costly = game.with_values(K=0, L=10)
    (b,) = analyze(costly, "silence-unknown-type", max_pieces=40)
    qt = next(t for t in b.thresholds if t.parameter == "q")
    assert qt.holds_on == sympy.Interval.Lopen(F(4, 27), 1)
    assert holds_here(costly.with_values(q=F(5, 27)), b.claim)
    assert not holds_here(costly.with_values(q=F(3, 27)), b.claim)


def test_views_group_parameters_by_whose_payoffs_they_enter():
    game = kimgame.load(GAMES / "singapore.yaml")
    views = player_parameters(game)
    assert views["US"] == ("W", "H", "S", "K", "p_insult")
    assert views["DPRK"] == ("p_insult", "R", "M", "F", "G", "c", "E", "P", "L")


def test_tree_sweep_equals_solving_each_point():
    game = kimgame.load(GAMES / "singapore.yaml").with_values(L=10)
    result = sweep(game, {"p_insult": (0, 1, 5), "H": (0, 400, 5)})
    assert result.shape == (5, 5)
    for idx in np.ndindex(*result.shape):
        values = {name: result.axes_exact[k][idx[k]] for k, name in enumerate(result.parameters)}
        at = game.with_values(values)
        solved = solve_tree(at, method="spe", conditions=False)
        paths = sorted({spe_path_label(at, eq.behavior) for eq in solved.equilibria})
        assert sorted(result.outcomes[idx].split("; ")) == paths, values
        for c in game.claims:
            assert bool(result.claims[c.id][idx]) == holds_here(at, c), (c.id, values)


@pytest.mark.slow
def test_solve_shows_tree_conditions_and_json_has_them_in_full():
    run = run_cli("solve", str(GAMES / "singapore.yaml"), "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    silence = next(c for c in doc["claims"] if c["id"] == "silence-at-root")
    assert silence["condition_scope"] == "parametric"
    names = {q.name: sympy.Symbol(q.name, real=True) for q in kimgame.load(GAMES / "singapore.yaml").parameters}
    cond = sympy.sympify(silence["condition"], locals=names)
    assert evaluate_condition(cond, kimgame.load(GAMES / "singapore.yaml").values) is silence["holds"]
    run = run_cli("solve", str(GAMES / "singapore.yaml"))
    # the text derives only what it prints: a 13-parameter condition is kimgame analyze's job
    assert run.code == 0 and "exact conditions on these 13 parameters: kimgame analyze" in run.out


@pytest.mark.slow
def test_analyze_cli_on_the_flagship_tree():
    run = run_cli("analyze", str(GAMES / "singapore.yaml"), "--set", "L=10", "--claim", "silence-at-root")
    assert run.code == 0, run.err
    text = run.out
    assert "Regimes of the play after US's choice" in text and "H*p_insult + S*p_insult + W*p_insult + K > H" in text
    assert "--full" in text and "H < 445/2" in text and "knife-edge at R = 20" in text
    full = run_cli("analyze", str(GAMES / "singapore.yaml"), "--set", "L=10", "--claim",
                   "silence-at-root", "--full")
    assert full.code == 0 and "(--full)" not in full.out and len(full.out) > len(text) + 2000
    run = run_cli("analyze", str(GAMES / "singapore.yaml"), "--claim", "silence-at-root", "-f", "json")
    item = json.loads(run.out)["claims"][0]
    assert item["pieces"] > 50 and item["views"][0]["player"] == "US"
    assert item["views"][0]["condition"] == "K + S*p_insult + W*p_insult > 0"


def test_a_time_limit_gives_a_partial_analysis_judged_at_the_values():
    game = kimgame.load(GAMES / "singapore.yaml")
    (a,) = analyze(game, "silence-at-root", timeout=0)
    assert a.partial and a.condition is None and "time limit" in a.note
    assert a.holds is holds_here(game, a.claim) is True
    run = run_cli("analyze", str(GAMES / "singapore.yaml"), "--timeout", "0", "-f", "json")
    assert run.code == 3
    items = json.loads(run.out)["claims"]
    assert [c["partial"] for c in items] == [True, True]
    assert all(c["condition_scope"] == "at these parameter values" for c in items)
