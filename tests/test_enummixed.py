"""Tests for kimgame.solvers.enummixed (exact extreme-equilibrium enumeration)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kimgame.solvers.clock import Clock
from kimgame.solvers.enummixed import (
    SearchTimeout,
    _enumerate_vertices,
    _prepare_game,
    extreme_equilibria,
)
from reference import brute_equilibria, fr, games, is_nash

Matrix = list[list[Fraction]]
Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]

F = Fraction


# ---------------------------------------------------------------------------
# Strategies


fraction_entries = st.fractions(min_value=-2, max_value=2, max_denominator=5)


def check_output_shape(A: Sequence[Sequence[object]], eqs: list[Profile]) -> None:
    m, n = len(A), len(A[0])
    assert eqs == sorted(eqs)
    assert len(set(eqs)) == len(eqs)
    for x, y in eqs:
        assert len(x) == m and len(y) == n
        assert all(type(v) is Fraction for v in (*x, *y))
        assert sum(x) == 1 and sum(y) == 1


# ---------------------------------------------------------------------------
# Known games


def test_example_with_two_extreme_equilibria() -> None:
    eqs = extreme_equilibria([[-3, 3], [-3, 5]], [[2, 7], [4, 2]])
    assert eqs == [
        ((F(0), F(1)), (F(1), F(0))),
        ((F(2, 7), F(5, 7)), (F(1), F(0))),
    ]


def test_matching_pennies() -> None:
    A = [[1, -1], [-1, 1]]
    B = [[-1, 1], [1, -1]]
    assert extreme_equilibria(A, B) == [((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))]


def test_battle_of_the_sexes() -> None:
    eqs = extreme_equilibria([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    assert eqs == [
        ((F(0), F(1)), (F(0), F(1))),
        ((F(3, 5), F(2, 5)), (F(2, 5), F(3, 5))),
        ((F(1), F(0)), (F(1), F(0))),
    ]


def test_von_stengel_3x2_example() -> None:
    # von Stengel (2002), the 3x2 example game of section 3.
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 2], [2, 6], [3, 1]]
    eqs = extreme_equilibria(A, B)
    assert eqs == [
        ((F(0), F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))),
        ((F(4, 5), F(1, 5), F(0)), (F(2, 3), F(1, 3))),
        ((F(1), F(0), F(0)), (F(1), F(0))),
    ]
    assert eqs == brute_equilibria(A, B)


def test_all_zero_game_gives_all_pure_profiles() -> None:
    A = [[0, 0, 0], [0, 0, 0]]
    eqs = extreme_equilibria(A, A)
    pure = sorted(
        (tuple(F(int(i == a)) for i in range(2)), tuple(F(int(j == b)) for j in range(3)))
        for a in range(2)
        for b in range(3)
    )
    assert eqs == pure
    assert eqs == brute_equilibria(A, A)


def test_duplicated_strategies() -> None:
    # Matching pennies with the row player's first strategy duplicated.
    A = [[1, -1], [1, -1], [-1, 1]]
    B = [[-v for v in r] for r in A]
    eqs = extreme_equilibria(A, B)
    h = F(1, 2)
    assert eqs == [
        ((F(0), h, h), (h, h)),
        ((h, F(0), h), (h, h)),
    ]
    assert eqs == brute_equilibria(A, B)
    # Duplicated column as well: equilibria of both kinds.
    A2 = [[1, 1, -1], [-1, -1, 1]]
    B2 = [[-v for v in r] for r in A2]
    eqs2 = extreme_equilibria(A2, B2)
    assert eqs2 == [((h, h), (F(0), h, h)), ((h, h), (h, F(0), h))]
    assert eqs2 == brute_equilibria(A2, B2)


def test_one_by_n_and_m_by_one() -> None:
    A = [[1, 2, 3]]
    B = [[3, 1, 3]]
    eqs = extreme_equilibria(A, B)
    assert eqs == [((F(1),), (F(0), F(0), F(1))), ((F(1),), (F(1), F(0), F(0)))]
    assert eqs == brute_equilibria(A, B)
    # Transposed roles: the column player has a single strategy.
    At = [[3], [1], [3]]
    Bt = [[1], [2], [3]]
    eqs_t = extreme_equilibria(At, Bt)
    assert eqs_t == [((F(0), F(0), F(1)), (F(1),)), ((F(1), F(0), F(0)), (F(1),))]
    assert extreme_equilibria([[5]], [[-7]]) == [((F(1),), (F(1),))]


def test_more_than_64_labels() -> None:
    # 1 x 70 and 70 x 1 games have 71 labels (the label masks no longer fit in
    # 64 bits).  The extreme equilibria are the pure best responses of the
    # player with several strategies.
    n = 70
    A = [[(3 * j) % 7 - 3 for j in range(n)]]
    B = [[(5 * j) % 11 for j in range(n)]]
    best = [j for j in range(n) if B[0][j] == max(B[0])]
    assert len(best) > 1
    unit = [tuple(F(int(k == j)) for k in range(n)) for j in range(n)]
    assert extreme_equilibria(A, B) == sorted(((F(1),), unit[j]) for j in best)
    At = [[v] for v in B[0]]
    Bt = [[v] for v in A[0]]
    assert extreme_equilibria(At, Bt) == sorted((unit[j], (F(1),)) for j in best)


def test_identity_coordination_game_has_all_supports() -> None:
    # In the n x n coordination game A = B = I every nonempty support S gives
    # the equilibrium (uniform on S, uniform on S): 2^n - 1 equilibria.
    n = 6
    eye = [[int(i == j) for j in range(n)] for i in range(n)]
    eqs = extreme_equilibria(eye, eye)
    expected = set()
    for size in range(1, n + 1):
        for S in combinations(range(n), size):
            p = tuple(F(1, size) if i in S else F(0) for i in range(n))
            expected.add((p, p))
    assert eqs == sorted(expected)


def test_numpy_and_fraction_inputs_and_affine_invariance() -> None:
    rng = np.random.default_rng(7)
    A = rng.integers(-3, 4, size=(4, 5))
    B = rng.integers(-3, 4, size=(4, 5))
    base = extreme_equilibria(A, B)
    assert base == extreme_equilibria(A.tolist(), B.tolist())
    assert base == extreme_equilibria(A.astype(object), B.astype(object))
    # Positive affine transformations of each player's payoffs change nothing.
    A2 = [[F(2, 3) * int(v) - F(5, 7) for v in r] for r in A]
    B2 = [[F(9, 4) * int(v) + 11 for v in r] for r in B]
    assert base == extreme_equilibria(A2, B2)
    assert base == brute_equilibria(A, B)


def test_nondegenerate_games_have_odd_number_of_equilibria() -> None:
    # Generic games are nondegenerate; they have an odd number of equilibria,
    # all of them extreme (von Stengel 2002, corollary 3.7).
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        A = rng.integers(0, 10**9, size=(5, 5))
        B = rng.integers(0, 10**9, size=(5, 5))
        eqs = extreme_equilibria(A, B)
        assert len(eqs) % 2 == 1
        assert all(is_nash(fr(A), fr(B), x, y) for x, y in eqs)


def test_matches_nashpy_on_generic_games() -> None:
    nash = pytest.importorskip("nashpy")
    for seed in range(4):
        rng = np.random.default_rng(seed)
        A = rng.integers(0, 1000, size=(4, 4))
        B = rng.integers(0, 1000, size=(4, 4))
        ours = [
            (tuple(float(v) for v in x), tuple(float(v) for v in y))
            for x, y in extreme_equilibria(A, B)
        ]
        theirs = list(nash.Game(A, B).vertex_enumeration())
        assert len(ours) == len(theirs)
        for x, y in theirs:
            assert any(
                np.allclose(x, ox, atol=1e-9) and np.allclose(y, oy, atol=1e-9)
                for ox, oy in ours
            )


def test_larger_random_game_is_consistent() -> None:
    rng = np.random.default_rng(3)
    A = rng.integers(0, 10, size=(7, 7))
    B = rng.integers(0, 10, size=(7, 7))
    eqs = extreme_equilibria(A, B)
    assert eqs
    assert all(is_nash(fr(A), fr(B), x, y) for x, y in eqs)
    # Swapping the players' roles swaps the equilibria.
    swapped = extreme_equilibria(B.T, A.T)
    assert swapped == sorted((y, x) for x, y in eqs)


# ---------------------------------------------------------------------------
# Property-based comparison with the brute-force reference


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games())
def test_matches_brute_force_small_integer_games(game) -> None:
    A, B = game
    eqs = extreme_equilibria(A, B)
    check_output_shape(A, eqs)
    assert eqs == brute_equilibria(A, B)
    fa, fb = fr(A), fr(B)
    assert all(is_nash(fa, fb, x, y) for x, y in eqs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(entries=fraction_entries))
def test_matches_brute_force_fraction_games(game) -> None:
    A, B = game
    eqs = extreme_equilibria(A, B)
    check_output_shape(A, eqs)
    assert eqs == brute_equilibria(A, B)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(max_dim=5, entries=st.integers(0, 2)))
def test_lexicographic_and_all_ties_search_find_same_vertices(game) -> None:
    A, B = game
    _, _, P, Q = _prepare_game(A, B)
    for poly in (P, Q):
        lex = dict(_enumerate_vertices(poly, lexicographic=True))
        ties = dict(_enumerate_vertices(poly, lexicographic=False))
        assert set(lex) == set(ties)
        for mask, nums in lex.items():
            other = ties[mask]
            # Same vertex up to the (positive) common denominator.
            assert all(a * sum(other) == b * sum(nums) for a, b in zip(nums, other))


# ---------------------------------------------------------------------------
# Deadline and input validation


def test_deadline_in_the_past_raises_with_empty_partial() -> None:
    with pytest.raises(SearchTimeout) as info:
        extreme_equilibria([[1, 0], [0, 1]], [[1, 0], [0, 1]], clock=Clock(time.monotonic() - 1))
    assert info.value.partial == []


def test_deadline_partial_results_are_a_sorted_subset(monkeypatch) -> None:
    # A fake clock that advances one "second" per deadline check makes the stop deterministic:
    # the search is cut after 40 checks, long before this 11 x 11 game is finished.
    import itertools

    import kimgame.solvers.clock as module  # the clock shared by every solver step

    rng = np.random.default_rng(1)
    A = rng.integers(0, 10, size=(11, 11))
    B = rng.integers(0, 10, size=(11, 11))
    ticks = itertools.count()
    monkeypatch.setattr(module.time, "monotonic", lambda: float(next(ticks)))
    with pytest.raises(SearchTimeout) as info:
        extreme_equilibria(A, B, clock=Clock(40.0))
    monkeypatch.undo()
    partial = info.value.partial
    full = extreme_equilibria(A, B)
    assert partial == sorted(partial)
    assert set(partial) <= set(full)
    assert len(partial) < len(full)


def test_rejects_bad_input() -> None:
    with pytest.raises(TypeError):
        extreme_equilibria([[0.5, 1]], [[1, 1]])
    with pytest.raises(ValueError):
        extreme_equilibria([[1, 2]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError):
        extreme_equilibria([[1, 2], [3]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError):
        extreme_equilibria([], [])
