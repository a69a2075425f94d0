"""Tests for kimgame.solvers.dominance."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kimgame.solvers.dominance import (
    Dominance,
    Elimination,
    EliminationStep,
    dominates,
    iterated_elimination,
    mixed_dominance,
    pure_dominance,
)


def arr(x) -> np.ndarray:
    a = np.array(x, dtype=object)
    return np.vectorize(F, otypes=[object])(a)


def bimatrix(rows: list[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray]:
    return arr([[p[0] for p in r] for r in rows]), arr([[p[1] for p in r] for r in rows])


def profiles(shape: tuple[int, ...]):
    return itertools.product(*(range(n) for n in shape))


def swap(z: tuple[int, ...], i: int, s: int) -> tuple[int, ...]:
    return z[:i] + (s,) + z[i + 1 :]


def mixed_payoff(payoffs, i, mix_idx: dict[int, F], z) -> F:
    return sum((p * payoffs[i][swap(z, i, k)] for k, p in mix_idx.items()), F(0))


def brute_mixed_strictly_dominates(payoffs, i, alive, mix_idx, t) -> bool:
    """Brute force over opponent profiles restricted to ``alive``."""
    for z in itertools.product(*alive):
        if not mixed_payoff(payoffs, i, mix_idx, z) > payoffs[i][swap(z, i, t)]:
            return False
    return True


def index_mix(labels, by) -> dict[int, F]:
    return {labels.index(lab): p for lab, p in by.items()}


def check_mixture(labels, by) -> None:
    assert sum(by.values()) == 1
    assert all(isinstance(p, F) and p > 0 for p in by.values())
    assert set(by) <= set(labels)


def lp_epsilon(payoffs, i, alive, t) -> float:
    """Float reference (scipy) for max eps of mixtures over alive[i] - {t}."""
    others = [k for k in alive[i] if k != t]
    rows, rhs = [], []
    for z in itertools.product(*alive):
        rows.append([-float(payoffs[i][swap(z, i, k)]) for k in others] + [1.0])
        rhs.append(-float(payoffs[i][swap(z, i, t)]))
    res = linprog(
        [0.0] * len(others) + [-1.0],
        A_ub=rows,
        b_ub=rhs,
        A_eq=[[1.0] * len(others) + [0.0]],
        b_eq=[1.0],
        bounds=[(0, None)] * len(others) + [(None, None)],
        method="highs",
    )
    assert res.status == 0
    return -res.fun


# --------------------------------------------------------------------------
# examples

PD_PLAYERS = ("Row", "Col")
PD_STRATS = (("C", "D"), ("C", "D"))
PD = bimatrix([[(-1, -1), (-3, 0)], [(0, -3), (-2, -2)]])


def test_prisoners_dilemma() -> None:
    dom = pure_dominance(PD_PLAYERS, PD_STRATS, PD)
    assert dom == (
        Dominance("Row", "C", {"D": F(1)}, "strict"),
        Dominance("Col", "C", {"D": F(1)}, "strict"),
    )
    assert mixed_dominance(PD_PLAYERS, PD_STRATS, PD) == ()
    elim = iterated_elimination(PD_PLAYERS, PD_STRATS, PD)
    assert elim.surviving == (("D",), ("D",))
    assert elim.steps == (
        EliminationStep(1, "Row", "C", {"D": F(1)}),
        EliminationStep(1, "Col", "C", {"D": F(1)}),
    )


def test_dominates_predicate() -> None:
    assert dominates(PD[0], 0, 1, 0, strict=True)
    assert dominates(PD[1], 1, 1, 0, strict=True)
    assert not dominates(PD[0], 0, 0, 1, strict=True)
    assert not dominates(PD[0], 0, 0, 0, strict=False)
    assert not dominates(PD[0], 0, 0, 0, strict=True)
    # The axis matters: rows are compared along axis 0, columns along axis 1.
    u = arr([[1, 0], [2, 1]])
    assert dominates(u, 0, 1, 0, strict=True)  # row 1 > row 0
    assert dominates(u, 1, 0, 1, strict=True)  # column 0 > column 1
    assert not dominates(u, 1, 1, 0, strict=False)
    assert not dominates(u, 0, 0, 1, strict=False)
    w = arr([[1, 0], [1, 1]])
    assert dominates(w, 0, 1, 0, strict=False) is True
    assert dominates(w, 0, 1, 0, strict=True) is False
    assert dominates(w, 1, 0, 1, strict=False) is True
    assert dominates(w, 1, 0, 1, strict=True) is False


MIX_PLAYERS = ("R", "C")
MIX_STRATS = (("T", "M", "B"), ("L", "R"))
MIX = (arr([[3, 0], [1, 1], [0, 3]]), arr([[0, 0], [0, 0], [0, 0]]))


def test_mixed_dominance_3x2() -> None:
    assert pure_dominance(MIX_PLAYERS, MIX_STRATS, MIX) == ()
    dom = mixed_dominance(MIX_PLAYERS, MIX_STRATS, MIX)
    assert len(dom) == 1
    d = dom[0]
    assert (d.player, d.dominated, d.kind) == ("R", "M", "strict")
    check_mixture(MIX_STRATS[0], d.by)
    mix = index_mix(MIX_STRATS[0], d.by)
    assert brute_mixed_strictly_dominates(MIX, 0, [range(3), range(2)], mix, 1)
    # Here the mixture maximising the margin is unique.
    assert dict(d.by) == {"T": F(1, 2), "B": F(1, 2)}


def test_mixed_dominance_skips_pure_dominated() -> None:
    u = arr([[3, 0], [1, 1], [0, 3], [0, 0]])  # X: strictly by M, weakly by T, B
    strats = (("T", "M", "B", "X"), ("L", "R"))
    game = (u, arr(np.zeros((4, 2), dtype=int)))
    dom = mixed_dominance(MIX_PLAYERS, strats, game)
    assert [d.dominated for d in dom] == ["M"]
    assert [(d.dominated, dict(d.by), d.kind) for d in pure_dominance(MIX_PLAYERS, strats, game)] == [
        ("X", {"T": F(1)}, "weak"),
        ("X", {"M": F(1)}, "strict"),
        ("X", {"B": F(1)}, "weak"),
    ]
    elim = iterated_elimination(MIX_PLAYERS, strats, game)
    assert elim.surviving == (("T", "B"), ("L", "R"))
    assert [(s.round, s.eliminated, dict(s.by)) for s in elim.steps] == [
        (1, "M", {"T": F(1, 2), "B": F(1, 2)}),
        (1, "X", {"M": F(1)}),
    ]


def test_mixed_flag() -> None:
    assert iterated_elimination(MIX_PLAYERS, MIX_STRATS, MIX, mixed=False) == Elimination(
        (), (("T", "M", "B"), ("L", "R"))
    )
    elim = iterated_elimination(MIX_PLAYERS, MIX_STRATS, MIX, mixed=True)
    assert elim.surviving == (("T", "B"), ("L", "R"))
    assert [(s.round, s.player, s.eliminated) for s in elim.steps] == [(1, "R", "M")]


def test_weak_dominance() -> None:
    players, strats = ("R", "C"), (("T", "M", "B"), ("L", "R"))
    game = (arr([[2, 2], [1, 1], [1, 0]]), arr([[1, 0], [0, 1], [1, 0]]))
    assert pure_dominance(players, strats, game) == (
        Dominance("R", "M", {"T": F(1)}, "strict"),
        Dominance("R", "B", {"T": F(1)}, "strict"),
        Dominance("R", "B", {"M": F(1)}, "weak"),
    )
    # Purely weak: nothing is eliminated by IESDS.
    game2 = (arr([[1, 1], [1, 0]]), arr([[1, 0], [0, 1]]))
    strats2 = (("T", "B"), ("L", "R"))
    assert pure_dominance(players, strats2, game2) == (Dominance("R", "B", {"T": F(1)}, "weak"),)
    assert iterated_elimination(players, strats2, game2).steps == ()


def test_three_player_game() -> None:
    players = ("A", "B", "C")
    strats = (("a0", "a1"), ("b0", "b1"), ("c0", "c1"))
    shape = (2, 2, 2)
    uA, uB = np.empty(shape, dtype=object), np.empty(shape, dtype=object)
    for a, b, c in profiles(shape):
        uA[a, b, c] = F(int(a == c))  # A wants to match C
        uB[a, b, c] = F(int(b == a))  # B wants to match A
    uC = arr([[[2, 1], [3, 0]], [[1, 0], [5, 4]]])  # c0 strictly dominant
    game = (uA, uB, uC)
    assert pure_dominance(players, strats, game) == (Dominance("C", "c1", {"c0": F(1)}, "strict"),)
    assert dominates(uC, 2, 0, 1, strict=True)
    assert not dominates(uA, 0, 0, 1, strict=False)
    elim = iterated_elimination(players, strats, game)
    assert [(s.round, s.player, s.eliminated, dict(s.by)) for s in elim.steps] == [
        (1, "C", "c1", {"c0": F(1)}),
        (2, "A", "a1", {"a0": F(1)}),
        (3, "B", "b1", {"b0": F(1)}),
    ]
    assert elim.surviving == (("a0",), ("b0",), ("c0",))


def test_gibbons_three_rounds() -> None:
    # Gibbons (1992), Fig. 1.1.1: R, then Down, then L go, in that order.
    players, strats = ("Row", "Col"), (("Up", "Down"), ("L", "M", "R"))
    game = bimatrix([[(1, 0), (1, 2), (0, 1)], [(0, 3), (0, 1), (2, 0)]])
    elim = iterated_elimination(players, strats, game)
    assert [(s.round, s.player, s.eliminated, dict(s.by)) for s in elim.steps] == [
        (1, "Col", "R", {"M": F(1)}),
        (2, "Row", "Down", {"Up": F(1)}),
        (3, "Col", "L", {"M": F(1)}),
    ]
    assert elim.surviving == (("Up",), ("M",))


def test_gibbons_reordered_labels() -> None:
    # Same game with columns ordered (R, L, M): labels must refer to the
    # original strategies even after earlier-indexed ones are removed.
    players, strats = ("Row", "Col"), (("Down", "Up"), ("R", "L", "M"))
    game = bimatrix([[(2, 0), (0, 3), (0, 1)], [(0, 1), (1, 0), (1, 2)]])
    elim = iterated_elimination(players, strats, game)
    assert [(s.round, s.player, s.eliminated, dict(s.by)) for s in elim.steps] == [
        (1, "Col", "R", {"M": F(1)}),
        (2, "Row", "Down", {"Up": F(1)}),
        (3, "Col", "L", {"M": F(1)}),
    ]
    assert elim.surviving == (("Up",), ("M",))


def test_guess_game_rounds() -> None:
    # Two players pick 1..3; payoff -|own - 2/3 * average|.
    nums = (1, 2, 3)
    players, strats = ("P1", "P2"), (("1", "2", "3"), ("1", "2", "3"))
    u1 = np.empty((3, 3), dtype=object)
    u2 = np.empty((3, 3), dtype=object)
    for a, b in profiles((3, 3)):
        target = F(2, 3) * F(nums[a] + nums[b], 2)
        u1[a, b] = -abs(nums[a] - target)
        u2[a, b] = -abs(nums[b] - target)
    elim = iterated_elimination(players, strats, (u1, u2))
    assert [(s.round, s.player, s.eliminated, dict(s.by)) for s in elim.steps] == [
        (1, "P1", "3", {"1": F(1)}),
        (1, "P2", "3", {"1": F(1)}),
        (2, "P1", "2", {"1": F(1)}),
        (2, "P2", "2", {"1": F(1)}),
    ]
    assert elim.surviving == (("1",), ("1",))


def test_mixed_elimination_enables_later_rounds() -> None:
    # Col's R only becomes dominated once Row's M (mixed-dominated) is gone.
    players, strats = ("R", "C"), (("T", "M", "B"), ("L", "R"))
    game = (arr([[3, 0], [1, 1], [0, 3]]), arr([[1, 0], [0, 5], [1, 0]]))
    assert iterated_elimination(players, strats, game, mixed=False).steps == ()
    elim = iterated_elimination(players, strats, game)
    assert [(s.round, s.player, s.eliminated) for s in elim.steps] == [
        (1, "R", "M"),
        (2, "C", "R"),
        (3, "R", "B"),
    ]
    assert elim.surviving == (("T",), ("L",))


def test_mixed_elimination_in_later_round() -> None:
    # X (pure) and Z go in round 1; only then is M dominated by a T/B mix.
    players, strats = ("R", "C"), (("X", "T", "M", "B"), ("L", "R", "Z"))
    u_row = arr([[-1, -1, -1], [3, 0, 0], [1, 1, 10], [0, 3, 0]])
    u_col = arr([[1, 1, 0]] * 4)
    elim = iterated_elimination(players, strats, (u_row, u_col))
    assert [(s.round, s.player, s.eliminated, dict(s.by)) for s in elim.steps] == [
        (1, "R", "X", {"T": F(1)}),
        (1, "C", "Z", {"L": F(1)}),
        (2, "R", "M", {"T": F(1, 2), "B": F(1, 2)}),
    ]
    assert elim.surviving == (("T", "B"), ("L", "R"))
    assert iterated_elimination(players, strats, (u_row, u_col), mixed=False).surviving == (
        ("T", "M", "B"),
        ("L", "R"),
    )


def test_results_are_immutable_plain_data() -> None:
    d = pure_dominance(PD_PLAYERS, PD_STRATS, PD)[0]
    with pytest.raises(TypeError):
        d.by["C"] = F(1)  # type: ignore[index]
    with pytest.raises(AttributeError):
        d.kind = "weak"  # type: ignore[misc]
    assert hash(d) == hash(Dominance("Row", "C", {"D": F(1)}, "strict"))
    assert len({d, Dominance("Row", "C", {"D": F(1)}, "strict")}) == 1
    assert d.to_dict() == {"player": "Row", "dominated": "C", "by": {"D": F(1)}, "kind": "strict"}
    elim = iterated_elimination(PD_PLAYERS, PD_STRATS, PD)
    assert elim.to_dict()["surviving"] == [["D"], ["D"]]
    assert elim.to_dict()["steps"][0] == {"round": 1, "player": "Row", "eliminated": "C", "by": {"D": F(1)}}
    hash(elim)


def test_int_payoffs_and_validation() -> None:
    ints = tuple(np.array(p.tolist(), dtype=object).astype(int) for p in PD)
    assert pure_dominance(PD_PLAYERS, PD_STRATS, ints) == pure_dominance(PD_PLAYERS, PD_STRATS, PD)
    with pytest.raises(ValueError):
        pure_dominance(PD_PLAYERS, (("C", "D"), ("C",)), PD)
    with pytest.raises(ValueError):
        iterated_elimination(("Row",), PD_STRATS, PD)


# --------------------------------------------------------------------------
# properties on random games


@st.composite
def games(draw: st.DrawFn):
    n = draw(st.integers(2, 3))
    shape = tuple(draw(st.lists(st.integers(2, 3), min_size=n, max_size=n)))
    size = int(np.prod(shape))
    payoffs = tuple(
        arr(draw(st.lists(st.integers(-3, 3), min_size=size, max_size=size))).reshape(shape)
        for _ in range(n)
    )
    players = tuple(f"p{i}" for i in range(n))
    strats = tuple(tuple(f"s{i}{k}" for k in range(m)) for i, m in enumerate(shape))
    return players, strats, payoffs


def brute_pure(players, strats, payoffs) -> set[tuple[str, str, str, str]]:
    shape = payoffs[0].shape
    found = set()
    for i, n_i in enumerate(shape):
        for s, t in itertools.permutations(range(n_i), 2):
            diffs = [payoffs[i][swap(z, i, s)] - payoffs[i][swap(z, i, t)] for z in profiles(shape)]
            if all(d > 0 for d in diffs):
                found.add((players[i], strats[i][t], strats[i][s], "strict"))
            elif all(d >= 0 for d in diffs) and any(d > 0 for d in diffs):
                found.add((players[i], strats[i][t], strats[i][s], "weak"))
    return found


def pure_nash(payoffs) -> list[tuple[int, ...]]:
    shape = payoffs[0].shape
    return [
        z
        for z in profiles(shape)
        if all(payoffs[i][z] >= payoffs[i][swap(z, i, k)] for i in range(len(shape)) for k in range(shape[i]))
    ]


@settings(max_examples=150, deadline=None)
@given(games())
def test_pure_dominance_matches_brute_force(game) -> None:
    players, strats, payoffs = game
    reported = pure_dominance(players, strats, payoffs)
    as_tuples = []
    for d in reported:
        ((lab, p),) = d.by.items()
        assert p == 1
        as_tuples.append((d.player, d.dominated, lab, d.kind))
    assert len(as_tuples) == len(set(as_tuples))
    assert set(as_tuples) == brute_pure(players, strats, payoffs)
    # deterministic order: player, dominated strategy, dominating strategy
    key = [(players.index(p), strats[players.index(p)].index(t), strats[players.index(p)].index(s))
           for p, t, s, _ in as_tuples]
    assert key == sorted(key)
    for p, t, s, kind in as_tuples:
        i = players.index(p)
        assert dominates(payoffs[i], i, strats[i].index(s), strats[i].index(t), strict=kind == "strict")


@settings(max_examples=100, deadline=None)
@given(games())
def test_mixed_dominance_sound_and_complete(game) -> None:
    players, strats, payoffs = game
    shape = payoffs[0].shape
    full = [range(n) for n in shape]
    reported = {(d.player, d.dominated): d for d in mixed_dominance(players, strats, payoffs)}
    strict_pure = {(p, t) for p, t, _, kind in brute_pure(players, strats, payoffs) if kind == "strict"}
    for i, p in enumerate(players):
        for t, lab in enumerate(strats[i]):
            if (p, lab) in reported:
                d = reported[(p, lab)]
                assert d.kind == "strict"
                assert (p, lab) not in strict_pure
                check_mixture(strats[i], d.by)
                assert lab not in d.by
                assert brute_mixed_strictly_dominates(payoffs, i, full, index_mix(strats[i], d.by), t)
            elif (p, lab) not in strict_pure:
                # Not reported: no mixture may strictly dominate (float reference).
                assert lp_epsilon(payoffs, i, full, t) <= 1e-7


@settings(max_examples=100, deadline=None)
@given(games())
def test_iesds_properties(game) -> None:
    players, strats, payoffs = game
    shape = payoffs[0].shape
    nash = pure_nash(payoffs)
    for mixed in (False, True):
        elim = iterated_elimination(players, strats, payoffs, mixed=mixed)
        alive = [list(range(n)) for n in shape]
        rounds = [s.round for s in elim.steps]
        assert rounds == sorted(rounds) and (not rounds or rounds[0] == 1)
        for r in sorted(set(rounds)):
            this_round = [s for s in elim.steps if s.round == r]
            for step in this_round:
                i = players.index(step.player)
                t = strats[i].index(step.eliminated)
                assert t in alive[i]
                check_mixture(strats[i], step.by)
                mix = index_mix(strats[i], step.by)
                assert set(mix) <= set(alive[i]) and t not in mix
                if not mixed:
                    assert len(mix) == 1
                assert brute_mixed_strictly_dominates(payoffs, i, alive, mix, t)
                # never played in a pure Nash equilibrium of the original game
                assert all(z[i] != t for z in nash)
            for step in this_round:
                i = players.index(step.player)
                alive[i].remove(strats[i].index(step.eliminated))
        assert elim.surviving == tuple(tuple(strats[i][k] for k in a) for i, a in enumerate(alive))
        assert all(elim.surviving)
        # Survivors are undominated in the final reduced game.
        for i in range(len(shape)):
            for t in alive[i]:
                for s in alive[i]:
                    assert not brute_mixed_strictly_dominates(payoffs, i, alive, {s: F(1)}, t)
                if mixed and len(alive[i]) >= 2:
                    assert lp_epsilon(payoffs, i, alive, t) <= 1e-7
        if mixed:
            pure_only = iterated_elimination(players, strats, payoffs, mixed=False)
            assert all(set(a) <= set(b) for a, b in zip(elim.surviving, pure_only.surviving))


def test_mixed_dominance_is_exact_on_large_integer_payoffs() -> None:
    # payoffs near 2**45 are held as int64 after scaling: the LP must still compute in Python ints
    import warnings

    rng = np.random.default_rng(5)
    small = rng.integers(0, 50, (8, 8)).astype(object) * 2
    small[7] = (small[0] + small[1]) // 2 - 1  # strictly below the half-half mixture of rows 0 and 1
    big = small * (2**45 + 1)
    zeros = np.zeros((8, 8), dtype=object)
    labels = tuple(f"s{i}" for i in range(8))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no int64 overflow anywhere
        found = mixed_dominance(("R", "C"), (labels, labels), (big, zeros))
    expected = mixed_dominance(("R", "C"), (labels, labels), (small, zeros))
    assert {d.dominated for d in found} == {d.dominated for d in expected}
    assert "s7" in {d.dominated for d in found} | {
        d.dominated for d in pure_dominance(("R", "C"), (labels, labels), (small, zeros)) if d.kind == "strict"}
    for d in found:  # each mixture really dominates, checked in Python integers
        t = labels.index(d.dominated)
        mixed = [sum(p * int(big[labels.index(s), z]) for s, p in d.by.items()) for z in range(8)]
        assert sum(d.by.values()) == 1 and all(m > int(big[t, z]) for z, m in enumerate(mixed))
