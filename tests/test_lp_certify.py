"""Tests for kimgame.solvers.lp_certify: float answers certified exactly, the exact simplex behind them.

The float path is forced (``EXACT_ONLY_SIZE = 0``) and compared with the exact simplex alone
(``EXACT_ONLY_SIZE`` huge) on seeded random games and systems; every certificate is checked here again.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest

from kimgame.solvers import lp_certify
from kimgame.solvers.dominance import iterated_elimination, mixed_dominance
from kimgame.solvers.lp_certify import check_farkas, check_point, feasibility, with_bounds

EXACT_ONLY = 10**9


@pytest.fixture
def float_first(monkeypatch):
    """Every system goes through HiGHS and the certificates (not straight to the exact simplex)."""
    monkeypatch.setattr(lp_certify, "EXACT_ONLY_SIZE", 0)


def dominance_rows(m: np.ndarray, t: int) -> tuple[list, int, list]:
    """The system 'row t of m is strictly dominated by a mixture of the other rows' (as dominance builds it)."""
    others = [k for k in range(m.shape[0]) if k != t]
    rows = [([int(m[k, z]) for k in others], -int(m[t, z]), ">") for z in range(m.shape[1])]
    rows.append(([1] * len(others), -1, "="))
    return rows, len(others), [(0, None)] * len(others)


def random_matrices(seed_count: int):
    """Seeded random payoff matrices: generic, with ties (few payoff values), duplicated rows, thin shapes."""
    rng = np.random.default_rng(2024)
    shapes = [(r, c) for r in range(1, 7) for c in range(1, 7)]
    for k in range(seed_count):
        r, c = shapes[k % len(shapes)]
        style = k % 4
        if style == 0:
            m = rng.integers(0, 10, (r, c))
        elif style == 1:
            m = rng.integers(0, 2, (r, c))  # ties everywhere: degenerate LPs
        elif style == 2:
            m = rng.integers(0, 10, (r, c))
            if r >= 3:  # a row just below the average of two others: dominated by a mixture only
                m[-1] = (m[0] + m[1]) // 2 - rng.integers(0, 2)
        else:
            m = rng.integers(-5, 6, (r, c))
            if r >= 2:
                m[-1] = m[0]  # a duplicated row
        yield m


def test_certified_answers_equal_the_exact_simplex_on_random_games(monkeypatch):
    checked = certified = 0
    for m in random_matrices(120):
        for t in range(m.shape[0]):
            if m.shape[0] < 2:
                continue
            rows, n, bounds = dominance_rows(m, t)
            exact = lp_certify._exact(rows, n, bounds, None)
            monkeypatch.setattr(lp_certify, "EXACT_ONLY_SIZE", 0)
            answer = feasibility(rows, n, bounds)
            monkeypatch.setattr(lp_certify, "EXACT_ONLY_SIZE", EXACT_ONLY)
            assert answer.feasible == exact.feasible, (m.tolist(), t)
            system = with_bounds(rows, n, bounds)
            if answer.feasible:
                assert answer.point is not None and check_point(system, answer.point)
            elif answer.how == "certified":
                assert answer.multipliers is not None and check_farkas(system, answer.multipliers)
            certified += answer.how == "certified"
            checked += 1
    assert checked > 250
    assert certified > 0.9 * checked  # the float path answers nearly all of them


def test_dominance_is_the_same_through_either_path(monkeypatch):
    rng = np.random.default_rng(7)
    for k in range(40):
        shape = [(4, 4), (5, 3), (3, 6), (6, 6), (1, 5), (5, 1), (3, 3, 2)][k % 7]
        arrays = [rng.integers(0, 6, shape).astype(object) for _ in shape]
        if shape[0] >= 3:
            arrays[0][-1] = (arrays[0][0] + arrays[0][1]) // 2 - 1
        players = tuple(f"P{i}" for i in range(len(shape)))
        strategies = tuple(tuple(f"s{j}" for j in range(n)) for n in shape)
        results = []
        for size in (0, EXACT_ONLY):
            monkeypatch.setattr(lp_certify, "EXACT_ONLY_SIZE", size)
            mixed = mixed_dominance(players, strategies, arrays)
            elim = iterated_elimination(players, strategies, arrays)
            for d in mixed:  # each mixture is checked exactly by dominance itself; check it again here
                i = players.index(d.player)
                t = strategies[i].index(d.dominated)
                moved = np.moveaxis(arrays[i], i, 0)
                mix = sum(p * moved[strategies[i].index(s)] for s, p in d.by.items())
                assert np.all(mix > moved[t]) and sum(d.by.values()) == 1
            results.append(({(d.player, d.dominated) for d in mixed}, elim.surviving))
        assert results[0] == results[1], (shape, [a.tolist() for a in arrays])


def test_one_strategy_players_and_thin_games(float_first):
    players, strategies = ("R", "C"), (("a",), ("x", "y", "z"))
    A = np.array([[1, 2, 3]], dtype=object)
    B = np.array([[3, 0, 1]], dtype=object)  # C: x strictly dominates y; z is dominated by no mixture
    assert mixed_dominance(players, strategies, (A, B)) == ()
    assert iterated_elimination(players, strategies, (A, B)).surviving == (("a",), ("x",))


def test_a_farkas_certificate_is_checked_exactly(float_first):
    # x > 0, y >= 0, x + y <= 1/2, x >= 1: empty
    rows = [([1, 0], 0, ">"), ([0, 1], 0, ">="), ([-1, -1], F(1, 2), ">="), ([1, 0], -1, ">=")]
    answer = feasibility(rows, 2)
    assert not answer.feasible and answer.how == "certified"
    y = answer.multipliers
    assert y is not None and check_farkas(rows, y)
    assert all(isinstance(v, F) for v in y)
    # the certificate is checked, not believed: changed multipliers no longer prove anything
    assert not check_farkas(rows, [v * 2 if k == 2 else v for k, v in enumerate(y)])
    assert not check_farkas(rows, [-v for v in y])
    assert not check_farkas(rows, [F(0)] * 4)
    # strictness matters: x > 0 and x <= 0 is empty with c = 0 (a strict row carries weight) ...
    strict = [([1], 0, ">"), ([-1], 0, ">=")]
    answer = feasibility(strict, 1)
    assert not answer.feasible and check_farkas(strict, answer.multipliers)
    # ... while x >= 0 and x <= 0 has the solution 0, and the same multipliers prove nothing
    assert not check_farkas([([1], 0, ">="), ([-1], 0, ">=")], answer.multipliers)
    loose = feasibility([([1], 0, ">="), ([-1], 0, ">=")], 1)
    assert loose.feasible and loose.point == (0,)


def test_feasible_points_are_exact_and_lie_on_equalities(float_first):
    # x + y = 1/3, x - y > 1/7, 0 <= x, y <= 1
    rows = [([1, 1], F(-1, 3), "="), ([1, -1], F(-1, 7), ">")]
    answer = feasibility(rows, 2, [(0, 1), (0, 1)])
    assert answer.feasible and answer.how == "certified"
    x, y = answer.point
    assert x + y == F(1, 3) and x - y > F(1, 7) and 0 <= y <= 1


def test_random_regions_agree_with_the_exact_simplex(monkeypatch):
    rng = np.random.default_rng(11)
    for k in range(150):
        n = 1 + k % 4
        rows = []
        for _ in range(1 + k % 5):
            coeffs = [int(v) for v in rng.integers(-3, 4, n)]
            rows.append((coeffs, int(rng.integers(-4, 5)), ["<", ">", ">=", "="][int(rng.integers(1, 4))]))
        bounds = [(0, int(rng.integers(0, 4))) if rng.random() < 0.7 else (None, None) for _ in range(n)]
        exact = lp_certify._exact(rows, n, bounds, None)
        monkeypatch.setattr(lp_certify, "EXACT_ONLY_SIZE", 0)
        answer = feasibility(rows, n, bounds)
        monkeypatch.setattr(lp_certify, "EXACT_ONLY_SIZE", EXACT_ONLY)
        assert answer.feasible == exact.feasible, (rows, bounds)
        system = with_bounds(rows, n, bounds)
        if exact.feasible:
            assert check_point(system, exact.point)
        if answer.how == "certified":
            assert check_point(system, answer.point) if answer.feasible else check_farkas(system, answer.multipliers)


@pytest.mark.parametrize("sign", [-1, 1])
def test_an_ill_conditioned_lp_falls_back_to_the_exact_simplex(float_first, sign):
    """Rows 10**12 apart and a margin of 10**-9: in floats the third row equals the mixture of the first
    two, so HiGHS's answer (either way) fails its exact check and the exact simplex decides."""
    big, tiny = 10**12, F(1, 10**9)
    m = np.array([[big, 0], [0, big], [big // 2 + sign * tiny, big // 2 + sign * tiny]], dtype=object)
    rows = [([m[0, z], m[1, z]], -m[2, z], ">") for z in range(2)] + [([1, 1], -1, "=")]
    answer = feasibility(rows, 2, [(0, None), (0, None)])
    dominated = sign < 0
    assert answer.feasible == dominated
    if dominated:
        assert answer.how == "exact simplex"  # float LP saw margin 0: its "not dominated" did not check
        assert check_point(with_bounds(rows, 2, [(0, None), (0, None)]), answer.point)
    players, strategies = ("R", "C"), (("a", "b", "t"), ("x", "y"))
    B = np.zeros((3, 2), dtype=object)
    found = mixed_dominance(players, strategies, (m, B))
    assert [d.dominated for d in found] == (["t"] if dominated else [])
    if dominated:
        assert dict(found[0].by) == {"a": F(1, 2), "b": F(1, 2)}


def test_huge_and_tiny_payoffs_mixed_still_give_exact_answers(float_first):
    rng = np.random.default_rng(5)
    for _ in range(10):
        scale = [10**12, F(1, 10**9), 1]
        m = np.array([[int(v) * scale[(i + j) % 3] for j, v in enumerate(row)]
                      for i, row in enumerate(rng.integers(0, 9, (5, 4)))], dtype=object)
        for t in range(5):
            rows, n, bounds = dominance_rows(m * 10**9, t)
            assert feasibility(rows, n, bounds).feasible == lp_certify._exact(rows, n, bounds, None).feasible


def test_degenerate_systems_with_many_ties(float_first):
    # every 0/1 row pattern on 3 columns against a constant row: ties everywhere
    patterns = [list(p) for p in itertools.product((0, 1), repeat=3)]
    for t in range(len(patterns)):
        m = np.array(patterns, dtype=object)
        rows, n, bounds = dominance_rows(m, t)
        exact = lp_certify._exact(rows, n, bounds, None)
        assert feasibility(rows, n, bounds).feasible == exact.feasible
