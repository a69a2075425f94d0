"""Exact linear programming over the rationals.

A small dense two-phase simplex method (Dantzig, *Linear Programming and
Extensions*, 1963) working entirely in :class:`fractions.Fraction`, with
Bland's smallest-index pivoting rule (R. G. Bland, "New finite pivoting rules
for the simplex method", *Mathematics of Operations Research* 2(2), 1977),
which guarantees termination on degenerate problems where the textbook
largest-coefficient rule may cycle.

The solver is meant for the modest LPs that arise in exact game analysis (up
to a few hundred constraints); it favours clarity and exactness over speed.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from kimgame.solvers.deadline import Clock

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


def _exact(v: object) -> Fraction:
    """``v`` as a Fraction of Python ints: ``Fraction(numpy.int64(3))`` would keep the int64 numerator,
    and the pivots' products would then overflow silently."""
    if isinstance(v, numbers.Integral):
        return Fraction(int(v))
    q = Fraction(v)  # type: ignore[arg-type]
    if type(q.numerator) is int and type(q.denominator) is int:
        return q
    return Fraction(int(q.numerator), int(q.denominator))


def _vector(values: Iterable[object] | None) -> list[Fraction]:
    if values is None:
        return []
    return [_exact(v) for v in values]


def _matrix(rows: Iterable[Iterable[object]] | None, n: int, name: str) -> list[list[Fraction]]:
    if rows is None:
        return []
    out = [_vector(row) for row in rows]
    for row in out:
        if len(row) != n:
            raise ValueError(f"{name} has a row of length {len(row)}, expected {n}")
    return out


class _Tableau:
    """Dense simplex tableau ``[A | b]`` with a basis and a reduced-cost row.

    ``rows[i]`` holds the coefficients of constraint ``i`` followed by its
    right-hand side; ``basis[i]`` is the index of the variable basic in row
    ``i``.  ``cost`` holds the reduced costs ``c_j - c_B B^-1 A_j`` of all
    columns followed by ``-c_B B^-1 b`` (minus the current objective value).
    """

    def __init__(self, rows: list[list[Fraction]], basis: list[int]) -> None:
        self.rows = rows
        self.basis = basis
        self.cost: list[Fraction] = []

    def set_objective(self, c: Sequence[Fraction]) -> None:
        width = len(self.rows[0]) if self.rows else len(c) + 1
        cost = list(c) + [Fraction(0)] * (width - len(c))
        for row, b in zip(self.rows, self.basis):
            cb = cost[b]
            if cb:
                for j, a in enumerate(row):
                    if a:
                        cost[j] -= cb * a
        self.cost = cost

    def pivot(self, r: int, j: int) -> None:
        prow = self.rows[r]
        p = prow[j]
        if p != 1:
            prow = [a / p for a in prow]
            self.rows[r] = prow
        nz = [(k, a) for k, a in enumerate(prow) if a]
        for i, row in enumerate(self.rows):
            f = row[j]
            if i != r and f:
                for k, a in nz:
                    row[k] -= f * a
        f = self.cost[j]
        if f:
            for k, a in nz:
                self.cost[k] -= f * a
        self.basis[r] = j

    def run(self, allowed: int, clock: Clock | None = None) -> Literal["optimal", "unbounded"]:
        """Maximise from the current feasible basis using Bland's rule.

        Only columns ``0 .. allowed-1`` may enter the basis. ``clock`` is checked before each pivot.
        """
        while True:
            if clock is not None:
                clock.check()
            entering = next((j for j in range(allowed) if self.cost[j] > 0), None)
            if entering is None:
                return "optimal"
            best: tuple[Fraction, int, int] | None = None  # (ratio, basic var, row)
            for i, row in enumerate(self.rows):
                a = row[entering]
                if a > 0:
                    key = (row[-1] / a, self.basis[i], i)
                    if best is None or key < best:
                        best = key
            if best is None:
                return "unbounded"
            self.pivot(best[2], entering)

    def solution(self, n: int) -> list[Fraction]:
        x = [Fraction(0)] * n
        for row, b in zip(self.rows, self.basis):
            if b < n:
                x[b] = row[-1]
        return x


def maximize(
    c: Iterable[object],
    A_ub: Iterable[Iterable[object]] | None,
    b_ub: Iterable[object] | None,
    A_eq: Iterable[Iterable[object]] | None = None,
    b_eq: Iterable[object] | None = None,
    *,
    clock: Clock | None = None,
) -> LPResult:
    """Maximise ``c @ x`` s.t. ``A_ub @ x <= b_ub``, ``A_eq @ x == b_eq``, ``x >= 0``.

    All data are converted to :class:`~fractions.Fraction` (ints, Fractions,
    numpy integers and object arrays are accepted; floats are converted
    exactly as binary fractions).  ``A_ub``/``b_ub`` and ``A_eq``/``b_eq`` may
    be ``None`` or empty.  Solved by the two-phase simplex method (Dantzig)
    with Bland's (1977) anti-cycling rule, so it terminates on degenerate LPs.

    Returns an :class:`LPResult`: status ``"optimal"`` with an exact optimal
    basic solution ``x`` and its ``value``, or ``"infeasible"`` /
    ``"unbounded"`` with ``x`` and ``value`` set to ``None``.

    ``clock`` (a :class:`kimgame.solvers.deadline.Clock`) is checked before each pivot; when its
    deadline has passed, :class:`kimgame.solvers.deadline.Expired` is raised.
    """
    cost = _vector(c)
    n = len(cost)
    aub, bub = _matrix(A_ub, n, "A_ub"), _vector(b_ub)
    aeq, beq = _matrix(A_eq, n, "A_eq"), _vector(b_eq)
    if len(aub) != len(bub):
        raise ValueError("A_ub and b_ub have inconsistent lengths")
    if len(aeq) != len(beq):
        raise ValueError("A_eq and b_eq have inconsistent lengths")

    m_ub, m = len(aub), len(aub) + len(aeq)
    zero, one = Fraction(0), Fraction(1)
    # Columns: x (n), slacks (m_ub), artificials (one per row that needs one).
    needs_art = [bub[i] < 0 for i in range(m_ub)] + [True] * len(aeq)
    n_art = sum(needs_art)
    n_real = n + m_ub
    width = n_real + n_art + 1

    rows: list[list[Fraction]] = []
    basis: list[int] = []
    art = n_real
    for i in range(m):
        row = [zero] * width
        if i < m_ub:
            coeffs, rhs = aub[i], bub[i]
            row[n + i] = one
        else:
            coeffs, rhs = aeq[i - m_ub], beq[i - m_ub]
        row[:n] = coeffs
        row[-1] = rhs
        if rhs < 0:
            row = [-a for a in row]
        if needs_art[i]:
            row[art] = one
            basis.append(art)
            art += 1
        else:
            basis.append(n + i)
        rows.append(row)

    tab = _Tableau(rows, basis)

    if n_art:
        # Phase 1: maximise -(sum of artificials).
        tab.set_objective([zero] * n_real + [-one] * n_art)
        tab.run(n_real + n_art, clock)
        if tab.cost[-1] != 0:  # -(phase-1 optimum) = sum of artificials > 0
            return LPResult("infeasible", None, None)
        # Drive zero-valued artificials out of the basis; drop redundant rows.
        for r in range(len(tab.rows) - 1, -1, -1):
            if tab.basis[r] >= n_real:
                j = next((k for k in range(n_real) if tab.rows[r][k]), None)
                if j is None:
                    del tab.rows[r]
                    del tab.basis[r]
                else:
                    tab.pivot(r, j)
        tab.rows = [row[:n_real] + [row[-1]] for row in tab.rows]

    # Phase 2 on the original objective (slacks cost nothing).
    tab.set_objective(cost + [zero] * m_ub)
    if tab.run(n_real, clock) == "unbounded":
        return LPResult("unbounded", None, None)
    x = tab.solution(n)
    value = sum((ci * xi for ci, xi in zip(cost, x)), zero)
    return LPResult("optimal", tuple(x), value)
