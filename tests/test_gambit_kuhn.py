"""Kuhn poker (Kuhn 1950): imperfect information, no proper subgame, Nash equilibria from the reduced
normal form, value -1/18 to the first player in every equilibrium."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from kimgame.io.export import to_efg
from kimgame.io.gambit_efg import parse_efg
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree import Chance, plan_space
from kimgame.solvers.lemke_howson import lemke_howson
from kimgame.solvers.reduced_normal_form import mixed_from_behavior
from kimgame.solvers.subgames import subgame_roots
from kimgame.solvers.verify import profile_payoffs
from reference import fr, is_nash, tree_nash_failure, tree_payoffs

KUHN = Path(__file__).resolve().parent.parent / "games" / "kuhn_poker.yaml"
F = Fraction
VALUE = F(-1, 18)


@pytest.fixture(scope="module")
def game():
    return kimgame.load(KUHN)


@pytest.fixture(scope="module")
def normal_form(game):
    return reduced_normal_form(game)


def test_structure(game):
    root = game.nodes[0]
    assert isinstance(root, Chance) and len(root.outcomes) == 6
    assert game.chance_values[0] == (F(1, 6),) * 6
    assert len(game.infosets) == 12  # each player: 3 cards x 2 situations
    assert not game.is_perfect_information
    assert subgame_roots(game) == (0,)  # no proper subgame: backward induction has nothing to cut
    assert game.plan_counts == (27, 64)
    assert all(sum(vec) == 0 for vec in game.terminal_values if vec is not None)  # zero-sum


def test_value_is_minus_one_eighteenth_by_linear_programming(normal_form):
    """The maxmin of the zero-sum reduced normal form, by an exact LP for each player; equal values prove
    (minimax theorem) that every Nash equilibrium pays P1 exactly -1/18."""
    from kimgame.solvers.exact_lp import maximize

    A, _ = normal_form.numeric
    m, n = A.shape
    shift = 3  # payoffs lie in [-2, 2]: shift so the value is positive and v >= 0 is no restriction
    # P1: max v s.t. sum_i x_i (A_ij + shift) >= v for every column j, sum x = 1
    p1 = maximize([0] * m + [1], [[-(A[i, j] + shift) for i in range(m)] + [1] for j in range(n)], [0] * n,
                  [[1] * m + [0]], [1])
    # P2: min w s.t. sum_j (A_ij + shift) y_j <= w for every row i  ==  max -w
    p2 = maximize([0] * n + [-1], [[A[i, j] + shift for j in range(n)] + [-1] for i in range(m)], [0] * m,
                  [[1] * n + [0]], [1])
    assert p1.status == p2.status == "optimal"
    assert p1.value - shift == VALUE
    assert -p2.value - shift == VALUE


@pytest.mark.parametrize("alpha", [F(0), F(1, 6), F(1, 3)])
def test_kuhns_family_of_equilibria(game, normal_form, alpha):
    """Kuhn's equilibria: P1 bets a J with probability a, a K with 3a, checks a Q and calls a bet with it with
    probability a + 1/3 (a in [0, 1/3]); P2 calls with a K, bets a K, calls with a Q with probability 1/3,
    bets a J after a check with probability 1/3 and otherwise checks and folds."""
    def mix(p):
        return (1 - p, p)

    p1 = {"P1 holds J": mix(alpha), "P1 holds J, checked, P2 bet": (F(1), F(0)),
          "P1 holds Q": (F(1), F(0)), "P1 holds Q, checked, P2 bet": (F(2, 3) - alpha, F(1, 3) + alpha),
          "P1 holds K": mix(3 * alpha), "P1 holds K, checked, P2 bet": (F(0), F(1))}
    p2 = {"P2 holds Q, P1 checked": (F(1), F(0)), "P2 holds Q, P1 bet": (F(2, 3), F(1, 3)),
          "P2 holds K, P1 checked": (F(0), F(1)), "P2 holds K, P1 bet": (F(0), F(1)),
          "P2 holds J, P1 checked": (F(2, 3), F(1, 3)), "P2 holds J, P1 bet": (F(1), F(0))}
    assert set(p1) | set(p2) == set(game.infosets)
    behavior: dict = {player: {} for player in game.players}
    for h, probs in {**p1, **p2}.items():
        info = game.infosets[h]
        behavior[game.players[info.player]][h] = dict(zip(info.actions, probs))
    assert tree_nash_failure(game, behavior) is None  # checked on the tree itself
    assert tree_payoffs(game, behavior) == (VALUE, -VALUE)
    space = plan_space(game)
    profile = (mixed_from_behavior(space, 0, p1), mixed_from_behavior(space, 1, p2))
    A, B = normal_form.numeric
    assert is_nash(fr(A), fr(B), *profile)  # and, through Kuhn's translation, on the reduced normal form
    assert profile_payoffs(normal_form.numeric, profile) == (VALUE, -VALUE)


def test_equilibria_found_by_exact_lemke_howson_pay_the_value(normal_form):
    A, B = normal_form.numeric
    found = {lemke_howson(A, B, dropped_label=k) for k in (0, 5, 26, 27, 60, 90)}
    assert found
    for profile in found:
        assert is_nash(fr(A), fr(B), *profile)
        assert profile_payoffs(normal_form.numeric, profile) == (VALUE, -VALUE)


def test_kuhn_poker_round_trips_through_gambit_efg(game, normal_form):
    again = parse_efg(to_efg(game), "kuhn.efg")
    assert list(again.infosets) == list(game.infosets)
    again_nf = reduced_normal_form(again)
    assert again_nf.strategies == normal_form.strategies
    assert [a.tolist() for a in again_nf.numeric] == [a.tolist() for a in normal_form.numeric]
