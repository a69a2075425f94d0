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
