"""Regimes: a claim about one player's choice read as the other players' subgame-perfect play with the
claimer's own condition in each. Their union is the exact condition (ties apart), checked against the
numeric solver at sampled points; knife-edges are set apart; conditions read back unambiguously."""

from __future__ import annotations

import json
import random
from fractions import Fraction as F

import pytest
import sympy

import kimgame
from clirun import run_cli
from conftest import GAMES
from kimgame.analysis.analyze import holds_here
from kimgame.analysis.indifference import indifference_at
from kimgame.analysis.regimes import claim_regimes
from kimgame.analysis.region_words import evaluate_pieces
from kimgame.analysis.views import parameter_owners


def pieces_to_sympy(pieces, names):
    """The sympy Boolean of pieces (parameters as real Symbols built explicitly: ``S``, ``E`` are not
    sympy's constants). The sides are rebuilt from their own simple grammar (sums of products of whole
    numbers, names and ``name**k``), never parsed by sympy (how a reader checks the printed pieces)."""
    symbols = {n: sympy.Symbol(n, real=True) for n in names}

    def expr(side: str):
        total = sympy.Integer(0)
        for part in side.split(" + "):
            factor = sympy.Integer(1)
            for f in part.replace("**", "^").split("*"):
                base, _, power = f.strip().partition("^")
                x = sympy.Integer(int(base)) if base[0].isdigit() else symbols[base]
                factor *= x ** int(power or 1)
            total += factor
        return total

    return sympy.Or(*(sympy.And(*(sympy.Rel(expr(lhs), expr(rhs), op) for lhs, op, rhs in p)) for p in pieces))


@pytest.fixture(scope="module")
def singapore():
    game = kimgame.load(GAMES / "singapore.yaml")
    return game, claim_regimes(game, game.claims[0])


def _random_point(game, rng):
    # fine rationals: a tie (a knife-edge) is hit with probability ~0
    return {p.name: F(rng.randint(0, 10**6), 10**3) if p.high == 1000 else F(rng.randint(1, 10**6 - 1), 10**6)
            for p in game.parameters}


def test_rows_fit_and_every_point_lies_in_exactly_one_regime(singapore):
    game, r = singapore
    assert r.player == "US" and r.action == "silence" and r.actions == ("pressure", "silence")
    assert len(r.rows) <= 20
    rng = random.Random(7)
    for _ in range(15):
        values = _random_point(game, rng)
        inside = [row for row in r.rows if evaluate_pieces(row.others, values)]
        assert len(inside) == 1, values  # regimes partition the box, ties apart


def test_union_of_regimes_is_the_claim_at_sampled_points(singapore):
    game, r = singapore
    rng = random.Random(11)
    for _ in range(15):
        values = _random_point(game, rng)
        (row,) = [row for row in r.rows if evaluate_pieces(row.others, values)]
        by_regimes = evaluate_pieces(row.own, values)
        assert by_regimes is holds_here(game.with_values(values), game.claims[0]), values


def test_own_conditions_are_the_us_comparison(singapore):
    _, r = singapore
    own = {row.own_condition for row in r.rows}
    assert "always" in own and "K > H" in own and "H*p_insult + S*p_insult + W*p_insult + K > H" in own
    here = [row for row in r.rows if row.holds_at]
    assert len(here) == 1 and here[0].own_condition == "always"  # at the essay's values, Kim shrugs shaming off


def test_knife_edges_are_apart_and_say_who_is_indifferent(singapore):
    _, r = singapore
    assert r.knife_edges and all(e.pieces for e in r.knife_edges)
    whos = " ".join(e.who for e in r.knife_edges)
    assert "DPRK indifferent between dismantle and stall at 'DPRK deal (silence)'" in whos
    assert "US indifferent between silence and another action at 'US stance'" in whos
    for e in r.knife_edges:  # every knife-edge piece has an equality: lower-dimensional
        assert all(any(op == "==" for _, op, _ in piece) for piece in e.pieces), e


def test_indifference_at_a_tie():
    game = kimgame.load(GAMES / "singapore.yaml")
    values = dict(game.values, R=F(20))
    assert indifference_at(game, values) == "DPRK indifferent between dismantle and stall at 'DPRK deal (silence)'"
    assert indifference_at(game, game.values) == ""


def test_a_tie_in_a_tree_with_imperfect_information_says_where_the_equilibria_differ():
    game = kimgame.load(GAMES / "singapore_types.yaml")
    from kimgame.analysis.analyze import _spe_behaviors

    text = indifference_at(game, dict(game.values, R=F(20)), _spe_behaviors)
    assert text.startswith("subgame-perfect equilibria differ:") and "DPRK dismantle or stall at 'pragmatist" in text
    assert indifference_at(game, game.values, _spe_behaviors) == ""


def test_pieces_read_back_with_parameters_named_S_and_E(singapore):
    game, r = singapore
    names = [p.name for p in game.parameters]
    row = next(row for row in r.rows if "S" in row.own_condition)
    expr = pieces_to_sympy(row.own, names)
    syms = {s.name: s for s in expr.free_symbols}
    assert isinstance(syms["S"], sympy.Symbol) and syms["S"] != sympy.S
    values = dict(game.values)
    assert bool(expr.subs({syms[n]: sympy.Rational(v.numerator, v.denominator) for n, v in values.items()
                           if n in syms})) is evaluate_pieces(row.own, values)


def test_json_regimes_and_structured_condition(tmp_path, monkeypatch):
    monkeypatch.setenv("KIMGAME_CACHE_DIR", str(tmp_path))
    run = run_cli("analyze", GAMES / "singapore_timing.yaml", "-f", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    wait = doc["claims"][0]
    assert wait["id"] == "wait-over-press-now" and wait["regimes"] and "knife_edges" in wait
    for row in wait["regimes"]:
        assert {"others_play", "others_condition", "own_condition"} <= row.keys()
    # the exact union reads back from its structured pieces (docs/cli.md's one-liner)
    names = list(doc["game"]["parameters"])
    syms = {n: sympy.Symbol(n, real=True) for n in names}
    cond = sympy.Or(*[sympy.And(*[sympy.Rel(sympy.sympify(c["lhs"], locals=syms), sympy.sympify(c["rhs"], locals=syms),
                                            c["op"]) for c in piece]) for piece in wait["condition_pieces"]])
    game = kimgame.load(GAMES / "singapore_timing.yaml")
    rng = random.Random(3)
    for _ in range(15):
        values = _random_point(game, rng)
        at = {syms[n]: sympy.Rational(v.numerator, v.denominator) for n, v in values.items()}
        assert bool(cond.subs(at)) is holds_here(game.with_values(values), game.claims[0]), values


def test_timing_model_waiting_needs_the_deal_worth_more_than_later_pressure():
    game = kimgame.load(GAMES / "singapore_timing.yaml")
    wait, deal = game.claims
    assert holds_here(game, wait) and holds_here(game, deal)
    # Kim dismantles after the US waits only while R - M > delta * L (the pressure he expects later)
    assert not holds_here(game.with_values(L=12), deal)       # 30 - 20 < 9/10 * 12
    assert holds_here(game.with_values(L=11), deal)           # 10 > 9.9
    for p in game.parameters:
        assert "para" in p.doc, p.name


def test_owners_of_parameters():
    game = kimgame.load(GAMES / "singapore_timing.yaml")
    owners = parameter_owners(game)
    assert owners["p_insult"] == "nature" and owners["delta"] == "shared"
    assert owners["W"] == "US" and owners["R"] == "DPRK"
    focused = run_cli("analyze", GAMES / "singapore_timing.yaml", "--free", "delta,p_insult,H", "--claim",
                      "dismantlement-happens")
    assert "DPRK's parameters" not in focused.out


@pytest.mark.slow
def test_analyze_fits_one_screen(tmp_path, monkeypatch):
    monkeypatch.setenv("KIMGAME_CACHE_DIR", str(tmp_path))
    run = run_cli("analyze", GAMES / "singapore.yaml")
    assert run.code == 0
    lines = run.out.splitlines()
    assert len(lines) <= 60 and max(len(x) for x in lines) <= 110
    assert "Regimes of the play after US's choice" in run.out and "Knife-edges apart" in run.out
    again = run_cli("analyze", GAMES / "singapore.yaml")  # from the report cache: the same text
    assert again.out == run.out


def test_cache_follows_a_claim_changed_under_the_same_id(tmp_path, monkeypatch):
    from dataclasses import replace

    from kimgame.model.claims import Plays

    monkeypatch.setenv("KIMGAME_CACHE_DIR", str(tmp_path))
    game = kimgame.load(GAMES / "singapore_timing.yaml")
    first = kimgame.solve(game).claims[0].condition
    claim = game.claims[0]
    changed = replace(claim, spec=Plays("US", "US timing", "press_now"))
    other = replace(game, claims=(changed,) + game.claims[1:])
    second = kimgame.solve(other).claims[0].condition
    assert first != second


@pytest.mark.slow
def test_types_model_regimes_cover_the_full_region():
    """singapore_types.yaml: the US does not observe Kim's type; the exact union is large, but its
    full-dimensional part comes out as regimes within the default limits, and agrees with the solver."""
    game = kimgame.load(GAMES / "singapore_types.yaml")
    r = claim_regimes(game, game.claims[0])
    assert r is not None and len(r.rows) <= 20
    rng = random.Random(5)
    for _ in range(10):
        values = _random_point(game, rng)
        (row,) = [row for row in r.rows if evaluate_pieces(row.others, values)]
        assert evaluate_pieces(row.own, values) is holds_here(game.with_values(values), game.claims[0]), values
