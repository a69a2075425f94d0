"""Tests for kimgame.solvers.exact_lp."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kimgame.solvers.exact_lp import LPResult, maximize


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) if the block does not finish in time."""

    def handler(signum: int, frame: object) -> None:
        raise TimeoutError("simplex did not terminate (cycling?)")

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def assert_feasible(res: LPResult, c, A_ub, b_ub, A_eq=None, b_eq=None) -> None:
    assert res.status == "optimal"
    assert res.x is not None and res.value is not None
    x = res.x
    assert all(isinstance(v, F) for v in x)
    assert all(v >= 0 for v in x)
    for row, b in zip(A_ub or [], b_ub or []):
        assert sum(F(a) * v for a, v in zip(row, x)) <= b
    for row, b in zip(A_eq or [], b_eq or []):
        assert sum(F(a) * v for a, v in zip(row, x)) == b
    assert sum(F(ci) * v for ci, v in zip(c, x)) == res.value


def test_textbook_optimum() -> None:
    # Wyndor Glass (Hillier & Lieberman): optimum 36 at (2, 6).
    c, A, b = [3, 5], [[1, 0], [0, 2], [3, 2]], [4, 12, 18]
    res = maximize(c, A, b)
    assert res == LPResult("optimal", (F(2), F(6)), F(36))
    assert_feasible(res, c, A, b)


def test_fractional_optimum_and_types() -> None:
    # max x + y s.t. 2x + y <= 1, x + 3y <= 1  ->  x = 2/5, y = 1/5.
    res = maximize([1, 1], [[2, 1], [1, 3]], [1, 1])
    assert res.status == "optimal"
    assert res.x == (F(2, 5), F(1, 5))
    assert res.value == F(3, 5)
    assert isinstance(res.value, F)


def test_equality_and_negative_rhs() -> None:
    # max x + y s.t. x <= 2, -x - y <= -1 (x + y >= 1), x + 2y = 4.
    c, A, b, Ae, be = [1, 1], [[1, 0], [-1, -1]], [2, -1], [[1, 2]], [4]
    res = maximize(c, A, b, Ae, be)
    assert res.value == 3 and res.x == (F(2), F(1))
    assert_feasible(res, c, A, b, Ae, be)
    # minimise x subject to x >= 3/2 (as max -x).
    res = maximize([-1], [[-1]], [F(-3, 2)])
    assert res.x == (F(3, 2),) and res.value == F(-3, 2)


def test_only_equalities_and_redundant_rows() -> None:
    # second equality is twice the first: its artificial must be dropped.
    c, Ae, be = [1, 0, 2], [[1, 1, 1], [2, 2, 2], [1, -1, 0]], [1, 2, 0]
    res = maximize(c, None, None, Ae, be)
    assert_feasible(res, c, None, None, Ae, be)
    assert res.value == 2 and res.x == (F(0), F(0), F(1))


def test_numpy_object_input() -> None:
    A = np.array([[F(1, 2), F(1, 3)]], dtype=object)
    res = maximize(np.array([1, 1], dtype=object), A, np.array([1], dtype=object))
    assert res.value == 3 and res.x == (F(0), F(3))


def test_infeasible() -> None:
    assert maximize([1], [[1], [-1]], [1, -2]) == LPResult("infeasible", None, None)
    assert maximize([1, 1], None, None, [[1, 1]], [-1]).status == "infeasible"
    assert maximize([0, 0], [[1, 1]], [1], [[1, 1]], [2]).status == "infeasible"


def test_unbounded() -> None:
    assert maximize([1, 0], [[-1, 1]], [1]) == LPResult("unbounded", None, None)
    assert maximize([1, 1], None, None, [[1, -1]], [0]).status == "unbounded"
    # Bounded despite an unbounded feasible region.
    res = maximize([-1, 0], [[-1, 1]], [1])
    assert res.status == "optimal" and res.value == 0


def test_empty_problem() -> None:
    assert maximize([], None, None) == LPResult("optimal", (), F(0))
    assert maximize([-1, -2], None, None) == LPResult("optimal", (F(0), F(0)), F(0))


def test_bad_shapes() -> None:
    with pytest.raises(ValueError):
        maximize([1, 1], [[1]], [1])
    with pytest.raises(ValueError):
        maximize([1], [[1]], [1, 2])


def test_beale_cycling_example() -> None:
    # Beale (1955): cycles under Dantzig's largest-coefficient rule; Bland's
    # rule must terminate.  Optimum 5/4 at x = (1, 0, 1, 0).
    c = [F(3, 4), -20, F(1, 2), -6]
    A = [[F(1, 4), -8, -1, 9], [F(1, 2), -12, F(-1, 2), 3], [0, 0, 1, 0]]
    b = [0, 0, 1]
    with time_limit(5):
        res = maximize(c, A, b)
    assert res.value == F(5, 4)
    assert res.x == (F(1), F(0), F(1), F(0))
    assert_feasible(res, c, A, b)


def test_highly_degenerate() -> None:
    # Many constraints tight at the origin (every vertex degenerate).
    n = 6
    A = [[1 if j == i else -1 if j == (i + 1) % n else 0 for j in range(n)] for i in range(n)]
    A.append([1] * n)
    b = [0] * n + [6]
    c = list(range(1, n + 1))
    with time_limit(5):
        res = maximize(c, A, b)
    assert_feasible(res, c, A, b)
    assert res.value == 21  # x_i all equal (cyclic chain) -> x = 1


small = st.integers(-5, 5)


@st.composite
def random_lp(draw: st.DrawFn):
    n = draw(st.integers(1, 4))
    m_ub = draw(st.integers(0, 4))
    m_eq = draw(st.integers(0, 2))
    c = draw(st.lists(small, min_size=n, max_size=n))
    A = draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=m_ub, max_size=m_ub))
    b = draw(st.lists(small, min_size=m_ub, max_size=m_ub))
    Ae = draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=m_eq, max_size=m_eq))
    be = draw(st.lists(small, min_size=m_eq, max_size=m_eq))
    return c, A, b, Ae, be


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(random_lp())
@example(([-1, 1, 1, 0], [[-3, -1, -3, 3], [1, -2, 5, -3], [-1, 1, -1, 1]], [0, 0, -1], [], []))  # HiGHS: unknown
def test_random_against_scipy(lp) -> None:
    c, A, b, Ae, be = lp
    res = maximize(c, A, b, Ae, be)
    ref = linprog(
        [-v for v in c],
        A_ub=A or None,
        b_ub=b or None,
        A_eq=Ae or None,
        b_eq=be or None,
        bounds=(0, None),
        method="highs",
    )
    if res.status == "optimal":
        assert ref.status == 0, ref.message
        assert_feasible(res, c, A, b, Ae, be)
        assert abs(float(res.value) - (-ref.fun)) <= 1e-9 * max(1.0, abs(ref.fun))
    elif res.status == "infeasible":
        assert ref.status == 2, ref.message
    else:
        # Unbounded: the LP must be feasible and have a recession direction d >= 0 (A d <= 0, Ae d = 0) along
        # which c increases. HiGHS is asked both as bounded questions (it may call an unbounded LP
        # infeasible after presolve, or answer "status unknown"): feasibility with a zero objective, and
        # max c.d over such directions with 0 <= d <= 1, whose value is positive exactly when one exists.
        assert maximize([0] * len(c), A, b, Ae, be).status == "optimal"
        feasible = linprog([0] * len(c), A_ub=A or None, b_ub=b or None, A_eq=Ae or None, b_eq=be or None,
                           bounds=(0, None), method="highs")
        assert feasible.status == 0, feasible.message
        direction = linprog([-v for v in c], A_ub=A or None, b_ub=[0] * len(A) or None, A_eq=Ae or None,
                            b_eq=[0] * len(Ae) or None, bounds=(0, 1), method="highs")
        assert direction.status == 0, direction.message
        assert -direction.fun > 1e-9


def test_numpy_integers_are_exact_not_int64() -> None:
    # Fraction(numpy.int64(n)) keeps an int64 numerator; the pivots' products then overflowed silently
    import numpy as np

    big = 2**40
    A = np.array([[big, 3], [5, big + 1]], dtype=np.int64)
    b = np.array([big * 7, big * 11 + 13], dtype=np.int64)
    exact = maximize([1, 1], [[int(v) for v in row] for row in A], [int(v) for v in b])
    result = maximize(np.array([1, 1], dtype=np.int64), A, b)
    assert result.value == exact.value
    assert all(type(x.numerator) is int and type(x.denominator) is int for x in result.x)


def test_upper_bounds_equal_bound_rows() -> None:
    """``upper`` (the bounded-variable method, no rows) gives the optimum of the same LP with the bounds
    written as rows, and a point within its bounds, on seeded random LPs (degenerate ones included)."""
    import random

    rng = random.Random(3)
    for _ in range(600):
        n, m, me = rng.randint(1, 5), rng.randint(0, 5), rng.randint(0, 2)
        c = [rng.randint(-3, 3) for _ in range(n)]
        A = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(m)]
        b = [rng.randint(-4, 6) for _ in range(m)]
        Ae = [[rng.randint(-2, 2) for _ in range(n)] for _ in range(me)]
        be = [rng.randint(-2, 3) for _ in range(me)]
        up = [rng.choice([None, 0, 1, 2, F(3, 2), F(7, 3)]) for _ in range(n)]
        bounded = maximize(c, A, b, Ae, be, upper=up)
        rows = maximize(c, A + [[int(i == j) for i in range(n)] for j in range(n) if up[j] is not None],
                        b + [u for u in up if u is not None], Ae, be)
        assert (bounded.status, bounded.value) == (rows.status, rows.value)
        if bounded.status == "optimal":
            assert all(0 <= v and (u is None or v <= u) for v, u in zip(bounded.x, up))
            assert_feasible(bounded, c, A, b, Ae, be)
