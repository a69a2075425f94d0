"""Exact linear algebra over the rationals (Gaussian elimination in Fractions)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def solve_unique(matrix: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction] | None:
    """The unique solution x of ``matrix @ x = rhs``, or None if there is none or it is not unique.

    The system may have more equations than unknowns (consistent over-determined systems are solved).
    """
    rows = [[Fraction(v) for v in row] + [Fraction(b)] for row, b in zip(matrix, rhs)]
    n = len(matrix[0]) if matrix else 0
    pivot_row = 0
    pivots: list[int] = []
    for col in range(n):
        pr = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pr is None:
            return None  # a free variable: the solution is not unique
        rows[pivot_row], rows[pr] = rows[pr], rows[pivot_row]
        pv = rows[pivot_row][col]
        rows[pivot_row] = [v / pv for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[pivot_row])]
        pivots.append(col)
        pivot_row += 1
    if any(row[-1] != 0 for row in rows[pivot_row:]):
        return None  # inconsistent
    return [rows[i][-1] for i in range(n)]


def solve_sparse(rows: Sequence[dict[int, int | Fraction]], rhs: Sequence[int | Fraction]) -> list[Fraction] | None:
    """The unique solution x of the square system ``sum_j rows[i][j] x_j = rhs[i]`` (rows sparse as
    {column: coefficient}, columns ``0 .. len(rows) - 1``), or None when the matrix is singular.

    Gaussian elimination in Fractions that keeps the rows sparse: each step pivots on a shortest remaining
    row, at its column that occurs in the fewest remaining rows (the Markowitz rule: H. M. Markowitz, "The
    elimination form of the inverse and its application to linear programming", *Management Science* 3,
    1957), then back-substitutes. Linear-programming bases of sparse problems stay sparse this way."""
    n = len(rows)
    work = [{j: Fraction(v) for j, v in row.items() if v} for row in rows]
    b = [Fraction(v) for v in rhs]
    where: dict[int, set[int]] = {}
    for i, row in enumerate(work):
        for j in row:
            where.setdefault(j, set()).add(i)
    active = set(range(n))
    order: list[tuple[int, int]] = []
    while active:
        r = min(active, key=lambda i: len(work[i]))
        row = work[r]
        if not row:
            return None
        c = min(row, key=lambda j: len(where[j]))
        active.discard(r)
        for j in row:
            where[j].discard(r)
        pv = row[c]
        for i in list(where[c]):
            target = work[i]
            f = target[c] / pv
            for j, a in row.items():
                new = target.get(j, 0) - f * a
                if new:
                    if j not in target:
                        where[j].add(i)
                    target[j] = new
                else:
                    target.pop(j, None)
                    where[j].discard(i)
            b[i] -= f * b[r]
        order.append((r, c))
    x = [Fraction(0)] * n
    for r, c in reversed(order):
        row = work[r]
        x[c] = (b[r] - sum((a * x[j] for j, a in row.items() if j != c), Fraction(0))) / row[c]
    return x
