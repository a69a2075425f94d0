"""Thresholds (one parameter at a time), robustness margins and the Monte Carlo share."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest
import sympy

import kimgame
from kimgame.analysis.conditions import claim_condition, evaluate_condition
from kimgame.analysis.montecarlo import monte_carlo, wilson_interval
from kimgame.analysis.robustness import margins, most_sensitive
from kimgame.analysis.thresholds import set_words, threshold_summary, thresholds

ROOT = Path(__file__).resolve().parent.parent
SINGAPORE = ROOT / "games" / "singapore_matrix.yaml"
R = sympy.Rational


def one_parameter_game(write_yaml, difference: str, low="0", high="1", value="1/2"):
    """A 2x1 game for player A whose 'up' minus 'down' payoff is ``difference`` in x."""
    path = write_yaml(f"""
        kimgame: 1
        title: one parameter
        players: [A, B]
        parameters:
          x: {{value: {value}, range: [{low}, {high}], doc: the parameter}}
        strategies: {{A: [up, down], B: [only]}}
        payoffs:
          up:   {{only: [{difference}, 0]}}
          down: {{only: [0, 0]}}
        claims:
          - id: up-dominates
            dominates: {{player: A, strategy: up, over: down}}
    """)
    return kimgame.load(path)


def test_singapore_thresholds_are_the_hand_derived_rationals():
    # K > H*e with H = 10, e = 1/20, K = 20: K > 1/2 (K in [0, 200]); H < 400 (H in [0, 1000]);
    # e < 2 covers all of [0, 1]; W, p_insult, ... do not appear.
    game = kimgame.load(SINGAPORE)
    cond = claim_condition(game, game.claims[0])
    by = {t.parameter: t for t in thresholds(game, cond)}
    assert by["K"].holds_on == sympy.Interval.Lopen(R(1, 2), 200)
    assert by["K"].text == "K > 1/2"
    assert by["H"].holds_on == sympy.Interval.Ropen(0, 400)
    assert by["H"].text == "H < 400"
    assert by["e"].holds_on == sympy.Interval(0, 1) and by["e"].depends and by["e"].whole_range
    assert not by["W"].depends and by["W"].text == "every value in [0, 1000]"
    summary = threshold_summary("silence dominates", True, tuple(by.values()))
    assert summary.startswith("silence dominates while H < 400 and K > 1/2")


def test_margins_are_consistent_with_thresholds():
    game = kimgame.load(SINGAPORE)
    cond = claim_condition(game, game.claims[0])
    items = thresholds(game, cond)
    room = {m.parameter: m for m in margins(items, True)}
    # K can fall 39/2 (to 1/2, where K > H*e fails: the boundary itself flips), rise without limit
    assert room["K"].down == R(39, 2) and room["K"].flips_below == R(1, 2) and room["K"].up is None
    assert room["K"].relative_down == R(39, 400) and room["K"].boundary_included == (False, True)
    assert room["H"].up == 390 and room["H"].relative_up == R(39, 100) and room["H"].down is None
    assert room["W"].down is None and room["W"].up is None
    assert most_sensitive(tuple(room.values())) == "K"
    # moving by less than the margin keeps the truth; reaching the boundary flips it
    for m in room.values():
        for sign, dist in ((-1, m.down), (1, m.up)):
            if dist is None:
                continue
            inside = {**game.values, m.parameter: F(str(m.value + sign * (dist - dist / 1000)))}
            at = {**game.values, m.parameter: F(str(m.value + sign * dist))}
            assert evaluate_condition(cond, inside) is True
            assert evaluate_condition(cond, at) is False


def test_two_sided_and_irrational_thresholds(write_yaml):
    # (3x - 1)(3x - 2) > 0: x < 1/3 or x > 2/3
    game = one_parameter_game(write_yaml, "(3*x - 1)*(3*x - 2)", value="1/2")
    cond = claim_condition(game, game.claims[0])
    (t,) = thresholds(game, cond)
    assert t.holds_on == sympy.Union(sympy.Interval.Ropen(0, R(1, 3)), sympy.Interval.Lopen(R(2, 3), 1))
    assert t.text == "x < 1/3 or x > 2/3"
    (m,) = margins((t,), False)  # at 1/2 it fails; it starts to hold just past 1/3 and 2/3
    assert (m.down, m.up) == (R(1, 6), R(1, 6)) and m.boundary_included == (True, True)
    # x**2 > 2 on [0, 2]: x > sqrt(2)
    game = one_parameter_game(write_yaml, "x**2 - 2", high="2", value="3/2")
    (t,) = thresholds(game, claim_condition(game, game.claims[0]))
    assert t.holds_on == sympy.Interval.Lopen(sympy.sqrt(2), 2)
    assert t.text == "x > sqrt(2)"
    (m,) = margins((t,), True)
    assert m.down == R(3, 2) - sympy.sqrt(2) and m.up is None


def test_set_words_cover_points_and_closed_ends():
    d = sympy.Interval(0, 1)
    assert set_words("p", sympy.Interval(R(1, 3), R(2, 3)), d) == "1/3 ≤ p ≤ 2/3"
    assert set_words("p", sympy.FiniteSet(R(1, 2)), d) == "p = 1/2"
    assert set_words("p", sympy.S.EmptySet, d) == "no value in [0, 1]"
    assert set_words("p", sympy.Interval(R(1, 4), 1), d) == "p ≥ 1/4"


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)


def test_monte_carlo_is_reproducible_and_covers_the_exact_share(write_yaml):
    # up dominates down iff 6x - 1 > 0, i.e. x > 1/6: exactly 5/6 of [0, 1]
    game = one_parameter_game(write_yaml, "6*x - 1")
    cond = claim_condition(game, game.claims[0])
    first = monte_carlo(game, cond, 20_000, seed=7, progress=False)
    again = monte_carlo(game, cond, 20_000, seed=7, progress=False)
    other = monte_carlo(game, cond, 20_000, seed=8, progress=False)
    assert first == again and first.hits != other.hits
    assert first.exact_share == R(5, 6)
    assert first.ci_low <= 5 / 6 <= first.ci_high
    assert first.share == F(first.hits, 20_000) and first.varied == ("x",) and first.held == ()


def test_monte_carlo_holds_unbounded_parameters_at_their_value(write_yaml):
    path = write_yaml("""
        kimgame: 1
        players: [A, B]
        parameters:
          x: {value: 1/2, range: [0, 1]}
          y: {value: 1}
        strategies: {A: [up, down], B: [only]}
        payoffs:
          up:   {only: [x - y/4, 0]}
          down: {only: [0, 0]}
        claims:
          - id: up
            dominates: {player: A, strategy: up, over: down}
    """)
    game = kimgame.load(path)
    cond = claim_condition(game, game.claims[0])
    mc = monte_carlo(game, cond, 10_000, seed=1, progress=False)
    assert mc.held == ("y",) and mc.varied == ("x",)
    assert mc.exact_share == R(3, 4)
    assert mc.ci_low <= 0.75 <= mc.ci_high
    assert "held at their values" in mc.text
