"""Tests for kimgame.solvers.lemke_howson (exact Lemke-Howson with lexicographic pivoting)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kimgame.solvers.enummixed import extreme_equilibria
from kimgame.solvers.lemke_howson import PivotLimit, lemke_howson
from reference import fr, games, is_nash

F = Fraction
Matrix = list[list[Fraction]]


def check_all_labels(A: Sequence[Sequence[object]], B: Sequence[Sequence[object]]) -> None:
    m, n = len(A), len(A[0])
    extreme = set(extreme_equilibria(A, B))
    fa, fb = fr(A), fr(B)
    for k in range(m + n):
        x, y = lemke_howson(A, B, dropped_label=k)
        assert all(type(v) is Fraction for v in (*x, *y))
        assert is_nash(fa, fb, x, y), (k, x, y)
        assert (x, y) in extreme, (k, x, y)


def test_battle_of_the_sexes_pure_equilibria() -> None:
    A = [[3, 0], [0, 2]]
    B = [[2, 0], [0, 3]]
    top = ((F(1), F(0)), (F(1), F(0)))
    bottom = ((F(0), F(1)), (F(0), F(1)))
    # Dropping a label of a strategy leads to the pure equilibrium that uses it.
    assert lemke_howson(A, B, dropped_label=0) == top
    assert lemke_howson(A, B, dropped_label=1) == bottom
    assert lemke_howson(A, B, dropped_label=2) == top
    assert lemke_howson(A, B, dropped_label=3) == bottom


def test_matching_pennies() -> None:
    A = [[1, -1], [-1, 1]]
    B = [[-1, 1], [1, -1]]
    h = F(1, 2)
    for k in range(4):
        assert lemke_howson(A, B, dropped_label=k) == ((h, h), (h, h))


def test_von_stengel_3x2_example() -> None:
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 2], [2, 6], [3, 1]]
    check_all_labels(A, B)
    # Starting with x_1 (label 0), the first pure best-response pair is an equilibrium.
    assert lemke_howson(A, B, dropped_label=0) == ((F(1), F(0), F(0)), (F(1), F(0)))


def test_degenerate_known_games() -> None:
    check_all_labels([[-3, 3], [-3, 5]], [[2, 7], [4, 2]])
    zero = [[0, 0, 0], [0, 0, 0]]
    check_all_labels(zero, zero)
    check_all_labels([[1, -1], [1, -1], [-1, 1]], [[-1, 1], [-1, 1], [1, -1]])
    check_all_labels([[1, 2, 3]], [[3, 1, 3]])
    check_all_labels([[3], [1], [3]], [[1], [2], [3]])


def test_pivot_limit() -> None:
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 2], [2, 6], [3, 1]]
    with pytest.raises(PivotLimit):
        lemke_howson(A, B, dropped_label=1, max_pivots=1)
    # Find the exact path length; one pivot fewer must fail.
    needed = next(
        k for k in range(1, 50) if _succeeds(A, B, dropped_label=1, max_pivots=k)
    )
    assert needed >= 2
    with pytest.raises(PivotLimit):
        lemke_howson(A, B, dropped_label=1, max_pivots=needed - 1)


def _succeeds(A: object, B: object, *, dropped_label: int, max_pivots: int) -> bool:
    try:
        lemke_howson(A, B, dropped_label=dropped_label, max_pivots=max_pivots)  # type: ignore[arg-type]
    except PivotLimit:
        return False
    return True


def test_bad_dropped_label() -> None:
    with pytest.raises(ValueError):
        lemke_howson([[1, 0], [0, 1]], [[1, 0], [0, 1]], dropped_label=4)
    with pytest.raises(ValueError):
        lemke_howson([[1, 0], [0, 1]], [[1, 0], [0, 1]], dropped_label=-1)


def test_random_medium_games() -> None:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        A = rng.integers(0, 4, size=(6, 6))
        B = rng.integers(0, 4, size=(6, 6))
        check_all_labels(A, B)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games())
def test_random_degenerate_games_every_label(game) -> None:
    A, B = game
    check_all_labels(A, B)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(entries=st.fractions(min_value=-3, max_value=3, max_denominator=4)))
def test_random_fraction_games_every_label(game) -> None:
    A, B = game
    check_all_labels(A, B)


# Degenerate games on which Lemke-Howson with a naive "first minimum-ratio row"
# tie-break cycles (found by random search); the lexicographic rule must not.
CYCLING_GAMES = [
    (
        [[2, 1, 1], [2, 0, 2], [2, 2, 1], [0, 0, 0]],
        [[1, 2, 2], [2, 0, 2], [1, 1, 2], [2, 0, 2]],
        [4],
    ),
    (
        [[1, 0, 0, 2, 0], [2, 0, 1, 0, 1], [0, 0, 0, 1, 0], [0, 1, 2, 0, 2]],
        [[1, 0, 1, 1, 0], [1, 0, 0, 0, 2], [0, 2, 0, 2, 0], [0, 1, 2, 2, 1]],
        [0, 7],
    ),
    (
        [[1, 1, 0, 1], [1, 2, 0, 0], [0, 1, 1, 1], [1, 1, 1, 2], [0, 1, 2, 0]],
        [[1, 0, 1, 2], [1, 2, 1, 2], [1, 0, 0, 0], [1, 2, 1, 1], [1, 0, 0, 0]],
        [2, 4, 5],
    ),
]


@pytest.mark.parametrize(("A", "B", "labels"), CYCLING_GAMES)
def test_lexicographic_rule_prevents_cycling(A, B, labels) -> None:
    extreme = set(extreme_equilibria(A, B))
    for k in labels:
        x, y = lemke_howson(A, B, dropped_label=k, max_pivots=200)
        assert is_nash(fr(A), fr(B), x, y)
        assert (x, y) in extreme
