"""Exact linear programming over the rationals: kimgame's one exact simplex.

A dense two-phase simplex method (Dantzig, *Linear Programming and Extensions*, 1963) with Bland's
smallest-index rule (R. G. Bland, "New finite pivoting rules for the simplex method", *Mathematics of
Operations Research* 2(2), 1977), which terminates on degenerate problems where the textbook rule may
cycle. The tableau is kept in integers over one common denominator, and each pivot divides exactly
(integer pivoting: J. Edmonds, "Systems of distinct representatives and linear algebra", *J. Res. NBS*
71B, 1967; as in Avis's lrs): no fractions are reduced, and the entries stay as small as the
determinants they are.

Most LPs are first solved in floating point and their answer certified exactly by
:mod:`kimgame.solvers.lp_certify`; this simplex decides those whose certificate fails, and the small
ones where it is cheaper than the float solver's call.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from kimgame.solvers.clock import Clock

__all__ = ["LPResult", "maximize"]

Status = Literal["optimal", "infeasible", "unbounded"]


@dataclass(frozen=True, slots=True)
class LPResult:
    """Outcome of :func:`maximize`.

    ``status`` is ``"optimal"``, ``"infeasible"`` or ``"unbounded"``; ``x`` (an
    optimal basic solution) and ``value`` (the optimal objective value) are
    exact Fractions when the status is ``"optimal"`` and ``None`` otherwise.
    """

    status: Status
    x: tuple[Fraction, ...] | None
    value: Fraction | None


def _exact(v: object) -> Fraction | int:
    """``v`` as a Python int or a Fraction of Python ints (``Fraction(numpy.int64(3))`` keeps the int64,
    whose products would overflow silently). Ints stay ints: the tableau is built in integers."""
    if type(v) is int:
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    q = v if type(v) is Fraction else Fraction(v)  # type: ignore[call-overload]
    if type(q.numerator) is int and type(q.denominator) is int:
        return q
    return Fraction(int(q.numerator), int(q.denominator))


def _integers(values: Iterable[object]) -> tuple[list[int], int]:
    """``values`` (exact numbers) times the least common multiple of their denominators, and that multiple."""
    out: list[Any] = list(values)
    if all(type(v) is int for v in out):
        return out, 1
    out = [_exact(v) for v in out]
    if all(type(v) is int for v in out):
        return out, 1
    den = math.lcm(*(v.denominator for v in out))
    return [v.numerator * (den // v.denominator) for v in out], den


def _rows(rows: Iterable[Iterable[object]] | None, rhs: Iterable[object] | None, n: int, name: str
          ) -> list[list[int]]:
    """Each row then its right-hand side, scaled to integers (by a positive factor per row)."""
    rows = [] if rows is None else list(rows)
    rhs = [] if rhs is None else list(rhs)
    if len(rows) != len(rhs):
        raise ValueError(f"{name} and its right-hand side have inconsistent lengths")
    out = []
    for row, b in zip(rows, rhs):
        scaled, _ = _integers([*row, b])
        if len(scaled) != n + 1:
            raise ValueError(f"{name} has a row of length {len(scaled) - 1}, expected {n}")
        out.append(scaled)
    return out


def _reduced(row: list[int]) -> list[int]:
    """``row`` divided by the greatest common divisor of its entries (a positive number)."""
    g = math.gcd(*row)
    return [x // g for x in row] if g > 1 else row


class _Tableau:
    """Integer tableau: ``rows[i]`` are the coefficients of row ``i`` then its right-hand side, each row
    scaled by its own positive factor (kept small by dividing out the row's gcd); ``basis[i]`` is the column
    basic in row ``i``, whose entry there is positive. An objective row ``obj`` holds, scaled the same way,
    the negated reduced costs then the objective value: a column with ``obj[j] < 0`` improves it.

    A pivot changes only the rows with a nonzero entry in the pivot column (fraction-free: row times the
    pivot minus the pivot row times the row's entry, then its gcd divided out)."""

    def __init__(self, rows: list[list[int]], basis: list[int], clock: Clock | None,
                 upper: list[Fraction | int | None] | None = None) -> None:
        self.rows = rows
        self.basis = basis
        self.clock = clock
        self.upper = upper  # per column: its upper bound or None (no bounds at all: None)
        self.bounds = [None if u is None else (Fraction(u).numerator, Fraction(u).denominator)
                       for u in upper or ()]  # the same as (numerator, denominator)
        self.flipped = [False] * len(upper) if upper else []  # column j stands for upper[j] - x_j

    def complement(self, obj: list[int], j: int) -> None:
        """Let nonbasic column ``j`` stand for ``upper[j] - x_j`` (and back): its entries change sign and
        each right-hand side loses entry times bound (Dantzig's bounded-variable method)."""
        bound = self.upper[j] if self.upper is not None else None
        assert bound is not None
        u = Fraction(bound)
        p, q = u.numerator, u.denominator
        for i, row in enumerate(self.rows):
            a = row[j]
            if a:
                new = [x * q for x in row]
                new[-1] -= a * p
                new[j] = -a * q
                self.rows[i] = _reduced(new)
        a = obj[j]
        if a:
            new = [x * q for x in obj]
            new[-1] -= a * p
            new[j] = -a * q
            obj[:] = _reduced(new)
        self.flipped[j] = not self.flipped[j]

    def leave_at_upper(self, r: int) -> None:
        """Complement the basic variable of row ``r`` (it is leaving at its upper bound)."""
        b = self.basis[r]
        bound = self.upper[b] if self.upper is not None else None
        assert bound is not None
        u = Fraction(bound)
        row = self.rows[r]
        beta = row[b]
        new = [-x * u.denominator for x in row]
        new[b] = beta * u.denominator
        new[-1] = beta * u.numerator - row[-1] * u.denominator
        self.rows[r] = _reduced(new)
        self.flipped[b] = not self.flipped[b]

    def pivot(self, obj: list[int], r: int, s: int) -> None:
        prow = self.rows[r]
        if prow[s] < 0:  # an equation may be negated: the pivot entry becomes the positive basic entry
            prow = self.rows[r] = [-x for x in prow]
        p = prow[s]
        for i, row in enumerate(self.rows):
            f = row[s]
            if i != r and f:
                self.rows[i] = _reduced([x * p - f * y for x, y in zip(row, prow)])
        f = obj[s]
        if f:
            obj[:] = _reduced([x * p - f * y for x, y in zip(obj, prow)])
        self.basis[r] = s

    def run(self, obj: list[int], allowed: int) -> bool:
        """Pivot by Bland's rule (entering columns ``< allowed``) until optimal (True) or unbounded (False)."""
        basis = self.basis
        while True:
            s = next((j for j in range(allowed) if obj[j] < 0), None)
            if s is None:
                return True
            if self.clock is not None:
                self.clock.check()
            if self.upper:
                if not self._bounded_step(obj, s):
                    return False
                continue
            best = None
            for i, row in enumerate(self.rows):
                a = row[s]
                if a > 0:
                    if best is None:
                        best = i
                        continue
                    b = self.rows[best]
                    lhs, rhs = row[-1] * b[s], b[-1] * a  # compare row[-1] / a with b[-1] / b[s]
                    if lhs < rhs or (lhs == rhs and basis[i] < basis[best]):
                        best = i
            if best is None:
                return False
            self.pivot(obj, best, s)

    def _bounded_step(self, obj: list[int], s: int) -> bool:
        """One step with upper bounds: the entering column ``s`` grows until a basic variable reaches 0 or
        its upper bound, or ``s`` its own (smallest step; ties to the smallest variable index, Bland's
        rule). False when nothing limits it (unbounded). Steps are compared as integer ratios."""
        bounds, basis = self.bounds, self.basis
        best: tuple[int, int, int, int, int] | None = None  # (numerator, denominator, variable, row, kind)
        own = bounds[s]
        if own is not None:
            best = (own[0], own[1], s, -1, 0)
        for i, row in enumerate(self.rows):
            a = row[s]
            if a > 0:
                key = (row[-1], a, basis[i], i, 1)
            elif a < 0 and bounds[basis[i]] is not None:
                p, q = bounds[basis[i]]  # type: ignore[misc]
                key = (p * row[basis[i]] - row[-1] * q, -a * q, basis[i], i, 2)
            else:
                continue
            if best is None:
                best = key
                continue
            lhs, rhs = key[0] * best[1], best[0] * key[1]
            if lhs < rhs or (lhs == rhs and key[2] < best[2]):
                best = key
        if best is None:
            return False
        r, kind = best[3], best[4]
        if kind == 0:
            self.complement(obj, s)
            return True
        if kind == 2:
            self.leave_at_upper(r)
        self.pivot(obj, r, s)
        return True

    def objective(self, cost: Sequence[int], width: int) -> list[int]:
        """The objective row of ``max cost . x`` (integer costs) in the current basis."""
        cost = [-c if self.flipped and self.flipped[j] else c for j, c in enumerate(cost)]
        obj = [-c for c in cost] + [0] * (width - len(cost) + 1)
        for row, b in zip(self.rows, self.basis):
            if b < len(cost) and obj[b]:
                f = obj[b]
                obj = _reduced([x * row[b] - f * y for x, y in zip(obj, row)])
        return obj

    def solution(self, n: int) -> list[Fraction]:
        """The values of the first ``n`` columns (nonbasic ones at 0, or at their bound when complemented)."""
        x = [Fraction(0)] * n
        for row, b in zip(self.rows, self.basis):
            if b < n and row[-1]:
                x[b] = Fraction(row[-1], row[b])
        for j in range(min(n, len(self.flipped))):
            if self.flipped[j]:
                x[j] = Fraction(self.upper[j]) - x[j]  # type: ignore[index, arg-type]
        return x


def maximize(
    c: Iterable[object],
    A_ub: Iterable[Iterable[object]] | None,
    b_ub: Iterable[object] | None,
    A_eq: Iterable[Iterable[object]] | None = None,
    b_eq: Iterable[object] | None = None,
    *,
    upper: Sequence[object | None] | None = None,
    clock: Clock | None = None,
) -> LPResult:
    """Maximise ``c @ x`` s.t. ``A_ub @ x <= b_ub``, ``A_eq @ x == b_eq``, ``0 <= x <= upper``, exactly.

    All data are converted to :class:`~fractions.Fraction` (ints, Fractions, numpy integers and object
    arrays are accepted; floats are converted exactly as binary fractions). ``A_ub``/``b_ub`` and
    ``A_eq``/``b_eq`` may be ``None`` or empty; ``upper`` (one bound or None per variable, default none)
    costs no rows: a variable at its bound is complemented (Dantzig's bounded-variable method). Solved by the two-phase simplex method (Dantzig) with
    Bland's (1977) anti-cycling rule in integer pivoting (Edmonds 1967), so it terminates on degenerate LPs.

    Returns an :class:`LPResult`: status ``"optimal"`` with an exact optimal basic solution ``x`` and its
    ``value``, or ``"infeasible"`` / ``"unbounded"`` with ``x`` and ``value`` set to ``None``.

    ``clock`` (a :class:`kimgame.solvers.clock.Clock`) is checked before each pivot; when its deadline
    has passed, :class:`kimgame.solvers.clock.Expired` is raised.
    """
    cost, cost_den = _integers(c)
    n = len(cost)
    aub = _rows(A_ub, b_ub, n, "A_ub")
    aeq = _rows(A_eq, b_eq, n, "A_eq")
    m_ub = len(aub)
    n_real = n + m_ub  # columns: x, one slack per inequality, then the artificials
    n_art = sum(1 for r in aub if r[-1] < 0) + len(aeq)
    width = n_real + n_art
    rows: list[list[int]] = []
    basis: list[int] = []
    art = n_real
    for k, scaled in enumerate(aub + aeq):
        r = scaled[:n] + [0] * (width - n) + [scaled[-1]]
        if k < m_ub:
            r[n + k] = 1  # the slack of the scaled row, before the row's sign is made right
        needs_art = k >= m_ub or r[-1] < 0
        if r[-1] < 0:
            r = [-x for x in r]
        if needs_art:
            r[art] = 1
            basis.append(art)
            art += 1
        else:
            basis.append(n + k)
        rows.append(r)
    bounds = None
    if upper is not None and any(u is not None for u in upper):
        bounds = [None if u is None else _exact(u) for u in upper] + [None] * (width - n)
        if len(upper) != n:
            raise ValueError(f"upper has {len(upper)} bounds, expected {n}")
        if any(u is not None and u < 0 for u in bounds):
            return LPResult("infeasible", None, None)
    tab = _Tableau(rows, basis, clock, bounds)

    if n_art:  # phase 1: minimise the sum of the artificials
        obj = [0] * n_real + [1] * n_art + [0]
        for row, b in zip(tab.rows, tab.basis):
            if b >= n_real:
                obj = [x - y for x, y in zip(obj, row)]
        tab.run(obj, width)
        if obj[-1] != 0:
            return LPResult("infeasible", None, None)
        for k in range(len(tab.rows) - 1, -1, -1):  # drive zero artificials out; drop redundant rows
            if tab.basis[k] >= n_real:
                col = next((j for j in range(n_real) if tab.rows[k][j]), None)
                if col is None:
                    del tab.rows[k]
                    del tab.basis[k]
                else:
                    tab.pivot(obj, k, col)
        tab.rows = [row[:n_real] + [row[-1]] for row in tab.rows]
        if tab.upper:
            tab.upper, tab.flipped, tab.bounds = tab.upper[:n_real], tab.flipped[:n_real], tab.bounds[:n_real]

    obj = tab.objective(cost, n_real)
    if not tab.run(obj, n_real):
        return LPResult("unbounded", None, None)
    x = tab.solution(n)
    value = sum((Fraction(c) * v for c, v in zip(cost, x) if c and v), Fraction(0)) / cost_den
    return LPResult("optimal", tuple(x), value)
