"""kimgame.solve on normal-form games: exact, complete, verified; the example games' known answers."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kimgame
from conftest import GAMES
from kimgame.solvers.verify import is_nash
from reference import pure_nash_profiles


def profiles_of(result):
    return {tuple(tuple(m) for m in eq.strategies) for eq in result.equilibria}


def test_degenerate_example_from_the_issue_has_exactly_two_extreme_equilibria():
    g = kimgame.game_from_arrays([[[-3, 3], [-3, 5]], [[2, 7], [4, 2]]])
    result = kimgame.solve(g)
    assert profiles_of(result) == {((F(0), F(1)), (F(1), F(0))), ((F(2, 7), F(5, 7)), (F(1), F(0)))}
    assert result.complete and not result.partial


def test_nashpy_support_enumeration_is_verified_and_its_miss_is_visible():
    g = kimgame.game_from_arrays([[[-3, 3], [-3, 5]], [[2, 7], [4, 2]]])
    full = profiles_of(kimgame.solve(g))
    support = kimgame.solve(g, method="support")
    assert not support.complete
    assert profiles_of(support) <= full
    for eq in support.equilibria:
        assert is_nash(g.numeric, eq.strategies)


@pytest.mark.parametrize("method", ["vertex", "nashpy-lemke-howson", "lemke-howson"])
def test_other_methods_give_verified_subsets(method):
    g = kimgame.load(GAMES / "battle_of_sexes.yaml")
    full = profiles_of(kimgame.solve(g))
    other = kimgame.solve(g, method=method)
    assert other.equilibria and profiles_of(other) <= full
    if method == "vertex":  # may miss equilibria of degenerate games: never marked complete
        assert not other.complete and other.method.scope == "all extreme Nash equilibria"
    else:  # Lemke-Howson promises one equilibrium (it lists those reached from each starting label)
        assert other.complete and other.method.scope == "one equilibrium"


def test_textbook_games():
    pd = kimgame.solve(kimgame.load(GAMES / "prisoners_dilemma.yaml"))
    assert pd.pure_equilibria == (("defect", "defect"),)
    assert profiles_of(pd) == {((F(0), F(1)), (F(0), F(1)))}
    assert [c.holds for c in pd.claims] == [True]
    assert {(d.player, d.dominated, d.kind) for d in pd.dominance} == {
        ("Row", "cooperate", "strict"), ("Column", "cooperate", "strict")}

    bos = kimgame.solve(kimgame.load(GAMES / "battle_of_sexes.yaml"))
    assert profiles_of(bos) == {
        ((F(1), F(0)), (F(1), F(0))), ((F(0), F(1)), (F(0), F(1))), ((F(3, 5), F(2, 5)), (F(2, 5), F(3, 5)))}

    mp = kimgame.solve(kimgame.load(GAMES / "matching_pennies.yaml"))
    assert profiles_of(mp) == {((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))}
    assert mp.pure_equilibria == ()
    assert mp.equilibria[0].payoffs == (0, 0)


def test_three_player_pure_equilibria_and_parameters():
    g = kimgame.load(GAMES / "three_player_coordination.yaml")
    result = kimgame.solve(g)
    assert set(result.pure_equilibria) == {("Singapore",) * 3, ("Beijing",) * 3}
    # auto runs the polynomial method within its budget: complete here, the mixed equilibria involve sqrt(43)
    assert result.complete and any("irrational" in n and "sqrt(43)" in n for n in result.notes)
    # at other parameter values the reported set still equals brute force
    low = kimgame.solve(g.with_values(a=1, b=F(1, 2)))
    assert set(low.pure_equilibria) == {
        tuple(g.strategies[i][k] for i, k in enumerate(p)) for p in pure_nash_profiles(low.game.numeric)}


def test_singapore_matrix_defaults_and_overrides():
    g = kimgame.load(GAMES / "singapore_matrix.yaml")
    result = kimgame.solve(g)
    assert result.pure_equilibria == (("private", "dismantle"),)
    assert {c.id: c.holds for c in result.claims} == {"silence-dominates": True, "private-dominates": True}
    # China's cooperation worth nothing and pressure effective: silence no longer dominates pressure
    g2 = kimgame.load(GAMES / "singapore_matrix.yaml", K=0, e=F(1, 2))
    assert {c.id: c.holds for c in kimgame.solve(g2).claims}["silence-dominates"] is False
    assert g2.values["e"] == F(1, 2) and g.values["e"] == F(1, 20)  # games are immutable


def test_decimals_are_exact_in_payoffs(write_yaml):
    path = write_yaml("""
        kimgame: 1
        players: [A, B]
        strategies: {A: [x, y], B: [l, r]}
        payoffs:
          x: {l: [0.1, 0], r: [0, 1]}
          y: {l: [0, 1], r: [0.2, 0]}
    """)
    g = kimgame.load(path)
    assert g.numeric[0][0, 0] == F(1, 10) and g.numeric[0][1, 1] == F(1, 5)
    result = kimgame.solve(g)
    (eq,) = result.equilibria
    assert eq.strategies[1] == (F(2, 3), F(1, 3))  # 1/10 q = 1/5 (1 - q)


small_int = st.integers(min_value=-2, max_value=2)


@st.composite
def bimatrix(draw):
    m = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    cells = st.lists(st.lists(small_int, min_size=n, max_size=n), min_size=m, max_size=m)
    return draw(cells), draw(cells)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bimatrix())
def test_every_reported_profile_is_an_equilibrium_and_pure_ones_are_complete(game):
    A, B = game
    g = kimgame.game_from_arrays([A, B])
    result = kimgame.solve(g)
    assert result.complete
    for eq in result.equilibria:
        assert is_nash(g.numeric, eq.strategies)
    pure = set(pure_nash_profiles(g.numeric))
    reported_pure = {tuple(m.index(1) for m in eq.strategies) for eq in result.equilibria if eq.is_pure}
    assert reported_pure == pure  # every pure equilibrium is extreme, so all must be listed
    assert len(profiles_of(result)) == len(result.equilibria)  # each exactly once


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 3), st.integers(0, 10_000))
def test_n_player_pure_equilibria_match_brute_force(n_players, seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(k) for k in rng.integers(1, 4, size=n_players))
    payoffs = [rng.integers(-2, 3, size=shape).tolist() for _ in range(n_players)]
    g = kimgame.game_from_arrays(payoffs)
    result = kimgame.solve(g, method="pure")
    expected = {tuple(g.strategies[i][k] for i, k in enumerate(p)) for p in pure_nash_profiles(g.numeric)}
    assert set(result.pure_equilibria) == expected


def test_timeout_gives_partial_result():
    rng = np.random.default_rng(3)
    g = kimgame.game_from_arrays([rng.integers(0, 10, (11, 11)), rng.integers(0, 10, (11, 11))])
    result = kimgame.solve(g, timeout=0)
    assert result.partial and not result.complete
    assert any("time limit" in n for n in result.notes)


def test_ctrl_c_during_enumeration_gives_partial_result(monkeypatch):

    import kimgame.solvers.clock as module  # the clock shared by every solver step

    rng = np.random.default_rng(3)
    g = kimgame.game_from_arrays([rng.integers(0, 10, (11, 11)), rng.integers(0, 10, (11, 11))])
    calls = itertools.count()

    def clock():
        if next(calls) > 30:
            raise KeyboardInterrupt
        return 0.0

    monkeypatch.setattr(module.time, "monotonic", clock)
    result = kimgame.solve(g, timeout=10**9)
    monkeypatch.undo()
    assert result.partial and any("interrupted" in n for n in result.notes)
    for eq in result.equilibria:
        assert is_nash(g.numeric, eq.strategies)
