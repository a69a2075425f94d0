"""Linear feasibility: found in floating point, certified exactly ("find fast, certify exactly").

One question, asked by the dominance analysis (is a strategy strictly dominated by a mixture?) and by
the region prover (is a conjunction of linear conditions empty?): does a *system* of rows

    a . x + b  > 0,   a . x + b >= 0   or   a . x + b = 0        (x real; optional bounds lo <= x_j <= hi)

have a solution? :func:`feasibility` answers it exactly, with a certificate checked in exact arithmetic:

* **feasible** — an exact rational point satisfying every row (:func:`check_point`);
* **empty** — Farkas multipliers ``y``, one per row, with ``y >= 0`` on inequalities, ``sum y_i a_i = 0``
  and ``c = sum y_i b_i`` either ``< 0``, or ``= 0`` with ``y > 0`` on some strict row
  (:func:`check_farkas`). Any solution would make ``sum y_i (a_i . x + b_i) = c`` both ``>= 0`` (``> 0``)
  and ``c``: Motzkin's transposition theorem says such ``y`` exists whenever the system is empty
  (T. S. Motzkin, *Beiträge zur Theorie der linearen Ungleichungen*, 1936; A. Schrijver, *Theory of
  Linear and Integer Programming*, 1986, §7.8).

How: the homogenised linear program

    max t   s.t.  a_i . x + b_i s >= t (strict rows),  s >= t,  a_i . x + b_i s >= 0 (non-strict rows),
                  a_i . x + b_i s = 0 (equalities),  t <= 1     (x, s, t free)

is always feasible (all zero) and bounded; its optimum is positive exactly when the system has a solution
(``x / s``), and at an optimum of 0 its dual solution is a Farkas certificate. It is solved in floating
point by HiGHS (Huangfu & Hall, "Parallelizing the dual revised simplex method", *Math. Prog. Comp.* 10,
2018) through :func:`scipy.optimize.linprog`. The float point is rounded to rationals and the rows tight at
it are re-solved exactly (the support's equalities); the float dual is rounded and re-solved on its support
the same way. Each certificate is then checked exactly: a float answer is never trusted. When neither
certifies (an ill-conditioned or nearly degenerate system), or when the system is so small that one exact
pivot run costs less than the float solver's call, the exact simplex of :mod:`kimgame.solvers.exact_lp`
decides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from kimgame.solvers.clock import Clock
from kimgame.solvers.exact_lp import maximize

__all__ = ["Feasibility", "Row", "check_farkas", "check_point", "feasibility", "with_bounds"]

Relation = Literal[">", ">=", "="]
Row = tuple[Sequence[int | Fraction], int | Fraction, Relation]  # (coefficients a, constant b, relation)
Bounds = Sequence[tuple[int | Fraction | None, int | Fraction | None]]
How = Literal["certified", "exact simplex"]

# Systems of at most this many (rows + finite bounds) x (variables + 1) go straight to the exact simplex:
# measured here, one exact run costs less below it than scipy's HiGHS call (about 2 ms, mostly set-up) with
# the certification (0.3-0.5 ms per region test of 8 variables; 10 x 10 dominance LPs alike), and more
# above it (16 x 16 dominance LPs: about 3x more).
EXACT_ONLY_SIZE = 300
DENOMINATOR = 10**6  # rationalising float answers: Fraction.limit_denominator(DENOMINATOR)


@dataclass(frozen=True, slots=True)
class Feasibility:
    """The answer of :func:`feasibility`.

    ``feasible``: whether the system has a solution. ``point``: an exact solution (when feasible).
    ``multipliers``: a Farkas certificate, one multiplier per row of :func:`with_bounds` (the rows, then
    the finite bounds), checked by :func:`check_farkas` (when empty and ``how == "certified"``; the exact
    simplex proves emptiness by its own exact pivots and gives None). ``how``: ``"certified"`` (a float
    answer checked exactly) or ``"exact simplex"``."""

    feasible: bool
    point: tuple[Fraction, ...] | None
    multipliers: tuple[Fraction, ...] | None
    how: How


def with_bounds(rows: Sequence[Row], n: int, bounds: Bounds | None) -> list[Row]:
    """``rows`` followed by one row per finite bound: ``x_j - lo >= 0``, then ``hi - x_j >= 0``, by variable."""
    out = list(rows)
    for j, (lo, hi) in enumerate(bounds or ()):
        if lo is not None:
            out.append(([int(k == j) for k in range(n)], -lo, ">="))
        if hi is not None:
            out.append(([-int(k == j) for k in range(n)], hi, ">="))
    return out


def _integer_row(row: Row) -> tuple[list[int], int, Relation, int]:
    """The row times a positive whole number ``k`` that makes every entry whole (the same condition), and
    ``k``."""
    coeffs, const, rel = row
    if type(const) is int and all(type(v) is int for v in coeffs):
        return list(coeffs), const, rel, 1  # type: ignore[arg-type]
    values = [Fraction(v) for v in coeffs] + [Fraction(const)]
    den = math.lcm(*(v.denominator for v in values))
    ints = [v.numerator * (den // v.denominator) for v in values]
    return ints[:-1], ints[-1], rel, den


def check_point(rows: Sequence[Row], point: Sequence[Fraction]) -> bool:
    """Whether ``point`` satisfies every row exactly (in integers: the point over a common denominator)."""
    q = [Fraction(v) for v in point]
    den = math.lcm(*(v.denominator for v in q)) if q else 1
    xs = [v.numerator * (den // v.denominator) for v in q]
    for row in rows:
        a, b, rel, _ = _integer_row(row)
        value = sum(ai * xi for ai, xi in zip(a, xs) if ai) + b * den
        if not (value > 0 if rel == ">" else value >= 0 if rel == ">=" else value == 0):
            return False
    return True


def check_farkas(rows: Sequence[Row], multipliers: Sequence[Fraction]) -> bool:
    """Whether ``multipliers`` prove the system of ``rows`` empty (Motzkin's alternative, see the module)."""
    if len(multipliers) != len(rows):
        return False
    scaled = [_integer_row(row) for row in rows]
    ys = [Fraction(v) / k for v, (_, _, _, k) in zip(multipliers, scaled)]  # for the rows scaled by k
    den = math.lcm(*(v.denominator for v in ys)) if ys else 1
    ints = [v.numerator * (den // v.denominator) for v in ys]
    n = len(rows[0][0]) if rows else 0
    total = [0] * n
    const = 0
    strict = 0
    for y, (a, b, rel, _) in zip(ints, scaled):
        if not y:
            continue
        if rel != "=" and y < 0:
            return False
        for j, aj in enumerate(a):
            if aj:
                total[j] += y * aj
        const += y * b
        if rel == ">":
            strict += y
    return not any(total) and (const < 0 or (const == 0 and strict > 0))


def feasibility(rows: Sequence[Row], n: int, bounds: Bounds | None = None, *,
                clock: Clock | None = None, point: bool = True) -> Feasibility:
    """Whether the system ``rows`` over ``n`` real variables (within ``bounds``, one ``(lo, hi)`` per
    variable, None for no bound) has a solution, decided exactly with a certificate (see the module):
    HiGHS in floating point, its answer certified exactly, else the exact simplex (Dantzig; Bland 1977).
    ``clock`` is checked at every exact pivot. With ``point=False`` the exact simplex does not build its
    point (only the answer is wanted). Returns a :class:`Feasibility`."""
    finite = sum((lo is not None) + (hi is not None) for lo, hi in bounds or ())
    if (len(rows) + finite) * (n + 1) > EXACT_ONLY_SIZE:
        answer = _certified(with_bounds(rows, n, bounds), n, clock)
        if answer is not None:
            return answer
    return _exact(rows, n, bounds, clock, point)


# ------------------------------------------------------------------------------------------ float + certify

def _certified(system: Sequence[Row], n: int, clock: Clock | None = None) -> Feasibility | None:
    """HiGHS's answer to the homogenised LP, certified exactly; None when neither certificate checks (or
    HiGHS stopped at the clock's deadline: the exact simplex then raises at its first pivot)."""
    import numpy as np
    from scipy.optimize import linprog

    m = len(system)
    a = np.array([[float(v) for v in coeffs] + [float(const)] for coeffs, const, _ in system]).reshape(m, n + 1)
    ineq = [i for i, (_, _, rel) in enumerate(system) if rel != "="]
    eq = [i for i, (_, _, rel) in enumerate(system) if rel == "="]
    # z = (x, s, t): an inequality row as -(a . x + b s) [+ t] <= 0, plus -s + t <= 0; equalities as they are
    a_ub = np.zeros((len(ineq) + 1, n + 2))
    a_ub[:-1, : n + 1] = -a[ineq]
    a_ub[:-1, n + 1] = [1.0 if system[i][2] == ">" else 0.0 for i in ineq]
    a_ub[-1, n], a_ub[-1, n + 1] = -1.0, 1.0
    a_eq = np.zeros((len(eq), n + 2))
    a_eq[:, : n + 1] = a[eq]
    cost = np.zeros(n + 2)
    cost[-1] = -1.0
    res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(len(ineq) + 1), A_eq=a_eq if eq else None,
                  b_eq=np.zeros(len(eq)) if eq else None,
                  bounds=[(None, None)] * (n + 1) + [(None, 1.0)], method="highs",
                  options={} if clock is None or clock.remaining is None else {"time_limit": clock.remaining})
    if res.status != 0:
        return None
    t, s = res.x[-1], res.x[n]
    if t > 0 and s > 0:
        point = _snap_point(system, res.x[:n] / s, a)
        if point is not None:
            return Feasibility(True, point, None, "certified")
    y = np.zeros(m)
    y[ineq] = -res.ineqlin.marginals[:-1]
    if eq:
        y[eq] = res.eqlin.marginals
    multipliers = _snap_multipliers(system, y, a)
    if multipliers is not None:
        return Feasibility(False, None, multipliers, "certified")
    return None


def _rational(v: float) -> Fraction:
    return Fraction(v).limit_denominator(DENOMINATOR)


def _snap_point(system: Sequence[Row], x, a) -> tuple[Fraction, ...] | None:
    """An exact point near the float ``x``: rounded, with the rows tight at ``x`` (equalities and
    non-strict rows within a relative 1e-7) re-solved exactly; None unless it satisfies every row."""
    import numpy as np

    values = a[:, :-1] @ x + a[:, -1]
    scale = np.abs(a[:, :-1]) @ np.abs(x) + np.abs(a[:, -1]) + 1.0
    tight = [i for i, (_, _, rel) in enumerate(system)
             if rel == "=" or (rel == ">=" and abs(values[i]) <= 1e-7 * scale[i])]
    guess = [_rational(float(v)) for v in x]
    if tight:
        matrix = [[Fraction(v) for v in system[i][0]] for i in tight]
        rhs = [-Fraction(system[i][1]) for i in tight]
        solved = _snap(matrix, rhs, guess)
        if solved is None:
            return None
        guess = solved
    point = tuple(guess)
    return point if check_point(system, point) else None


def _snap_multipliers(system: Sequence[Row], y, a) -> tuple[Fraction, ...] | None:
    """Exact multipliers near the float dual ``y``: rounded on its support, with ``sum y_i a_i = 0``
    re-solved exactly there; None unless :func:`check_farkas` accepts them."""
    import numpy as np

    big = float(np.max(np.abs(y))) if len(y) else 0.0
    if not big > 0:
        return None
    y = y / big
    support = [i for i in range(len(y)) if abs(y[i]) > 1e-9]
    n = a.shape[1] - 1
    # unknowns y_i (i in support); one equation per variable: sum_i y_i a_ij = 0
    matrix = [[Fraction(system[i][0][j]) for i in support] for j in range(n)]
    solved = _snap(matrix, [Fraction(0)] * n, [_rational(float(y[i])) for i in support])
    if solved is None:
        return None
    out = [Fraction(0)] * len(system)
    for i, v in zip(support, solved):
        out[i] = v
    return tuple(out) if check_farkas(system, out) else None


def _snap(matrix: list[list[Fraction]], rhs: list[Fraction], guess: list[Fraction]) -> list[Fraction] | None:
    """An exact solution of ``matrix . z = rhs`` near ``guess``: None when the system is inconsistent.

    Equations with one unknown fix it; an unknown that occurs in one remaining equation only is solved
    from it last; the rest by exact Gauss-Jordan elimination (pivoting on the largest entry), the
    unknowns without a pivot keeping their ``guess``. (Bounds make the first two kinds most of a system.)
    """
    z = list(guess)
    fixed: dict[int, Fraction] = {}
    rows: list[tuple[dict[int, Fraction], Fraction]] = []
    for coeffs, b in zip(matrix, rhs):
        nz = {j: Fraction(a) for j, a in enumerate(coeffs) if a}
        if len(nz) == 1:
            ((j, a),) = nz.items()
            value = Fraction(b) / a
            if fixed.setdefault(j, value) != value:
                return None
        elif nz:
            rows.append((nz, Fraction(b)))
        elif b:
            return None
    for j, v in fixed.items():
        z[j] = v
    rows = [({j: a for j, a in nz.items() if j not in fixed},
             b - sum((a * fixed[j] for j, a in nz.items() if j in fixed), Fraction(0))) for nz, b in rows]
    occurs: dict[int, list[int]] = {}
    for r, (nz, _) in enumerate(rows):
        for j in nz:
            occurs.setdefault(j, []).append(r)
    last: dict[int, int] = {}  # equation -> the unknown solved from it after the others
    for j, rs in occurs.items():
        if len(rs) == 1 and rs[0] not in last:
            last[rs[0]] = j
    rest = [r for r in range(len(rows)) if r not in last]
    unknowns = sorted({j for r in rest for j in rows[r][0]})
    dense = [[rows[r][0].get(j, Fraction(0)) for j in unknowns] + [rows[r][1]] for r in rest]
    pivots: list[int] = []
    k = 0
    for col in range(len(unknowns)):
        if k == len(dense):
            break
        best = max(range(k, len(dense)), key=lambda i: abs(dense[i][col]))
        if not dense[best][col]:
            continue
        dense[k], dense[best] = dense[best], dense[k]
        p = dense[k][col]
        dense[k] = [v / p for v in dense[k]]
        for i in range(len(dense)):
            if i != k and dense[i][col]:
                f = dense[i][col]
                dense[i] = [v - f * w for v, w in zip(dense[i], dense[k])]
        pivots.append(col)
        k += 1
    if any(row[-1] for row in dense[k:]):
        return None
    free = [c for c in range(len(unknowns)) if c not in pivots]
    for i, col in enumerate(pivots):
        z[unknowns[col]] = dense[i][-1] - sum((dense[i][c] * z[unknowns[c]] for c in free if dense[i][c]),
                                              Fraction(0))
    for r, j in last.items():
        nz, b = rows[r]
        z[j] = (b - sum((a * z[i] for i, a in nz.items() if i != j), Fraction(0))) / nz[j]
    return z


# ------------------------------------------------------------------------------------------ exact simplex

def _exact(rows: Sequence[Row], n: int, bounds: Bounds | None, clock: Clock | None,
           want_point: bool = True) -> Feasibility:
    """The exact simplex on ``max t`` s.t. ``a . x + b >= t`` (strict rows), the other rows, ``t <= 1``,
    each variable written as ``lo + y``, ``hi - y`` or ``y1 - y2`` with ``y >= 0`` and ``y <= hi - lo`` as
    a bound of the simplex (bounds cost no rows)."""
    bounds = list(bounds) if bounds is not None else [(None, None)] * n
    columns: list[tuple[tuple[int, int], ...]] = []  # per variable: (LP column, sign) pairs
    offsets: list[Fraction | int] = []
    uppers: list[tuple[int, Fraction | int]] = []
    width = 0
    for lo, hi in bounds:
        if lo is not None:
            columns.append(((width, 1),))
            offsets.append(lo)
            if hi is not None:
                uppers.append((width, hi - lo))
            width += 1
        elif hi is not None:
            columns.append(((width, -1),))
            offsets.append(hi)
            width += 1
        else:
            columns.append(((width, 1), (width + 1, -1)))
            offsets.append(0)
            width += 2
    strict = any(rel == ">" for _, _, rel in rows)
    size = width + (1 if strict else 0)
    a_ub: list[list[Fraction | int]] = []
    b_ub: list[Fraction | int] = []
    a_eq: list[list[Fraction | int]] = []
    b_eq: list[Fraction | int] = []
    for coeffs, const, rel in rows:
        lp: list[Fraction | int] = [0] * size
        total = const
        for k, c in enumerate(coeffs):
            if c:
                total += c * offsets[k]
                for col, sign in columns[k]:
                    lp[col] += c * sign
        if rel == "=":  # lp . y + total = 0
            a_eq.append(lp)
            b_eq.append(-total)
            continue
        row = [-v for v in lp]  # -lp . y (+ t) <= total
        if rel == ">":
            row[width] = 1
        a_ub.append(row)
        b_ub.append(total)
    upper: list[Fraction | int | None] = [None] * size
    for col, span in uppers:
        upper[col] = span
    cost = [0] * size
    if strict:
        cost[width] = 1
        upper[width] = 1
    res = maximize(cost, a_ub, b_ub, a_eq, b_eq, upper=upper, clock=clock)
    if res.status != "optimal" or res.x is None or (strict and not res.value):
        return Feasibility(False, None, None, "exact simplex")
    if not want_point:
        return Feasibility(True, None, None, "exact simplex")
    point = tuple(Fraction(offsets[k]) + sum((sign * res.x[col] for col, sign in columns[k]), Fraction(0))
                  for k in range(n))
    return Feasibility(True, point, None, "exact simplex")
