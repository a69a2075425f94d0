"""Exact feasibility of small systems of linear constraints with bounded variables.

The linear programs :class:`kimgame.analysis.sign_box.Box` builds to prove a conjunction of sign
constraints empty: an exact presolve, then :func:`kimgame.solvers.lp_certify.feasibility`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

from kimgame.solvers.lp_certify import feasibility

if TYPE_CHECKING:  # pragma: no cover
    from kimgame.solvers.lp_certify import Relation

Exact = Fraction | int  # whole numbers are kept as ints in the linear programs: integer arithmetic is faster
LinearRow: TypeAlias = "tuple[dict[int, Exact], Exact, Relation]"  # ({variable: coefficient}, constant, relation)
Range = tuple[Exact | None, Exact | None]  # a variable's bounds (None: unbounded)


def feasible_rows(rows: Sequence[LinearRow], bounds: Sequence[Range]) -> bool:
    """Whether some point with each variable within ``bounds`` satisfies every row (``sum of coefficient
    * variable + constant`` ``>= 0``, ``> 0`` or ``= 0``): an exact presolve, then
    :func:`kimgame.solvers.lp_certify.feasibility` (a certified answer: an exact point or a Farkas
    certificate, else the exact simplex)."""
    presolved = presolve(rows, bounds)
    if presolved is None:
        return False
    if not presolved:
        return True
    n = len(bounds)
    dense = [([coeffs.get(k, 0) for k in range(n)], const, rel) for coeffs, const, rel in presolved]
    return feasibility(dense, n, bounds, point=False).feasible


def presolve(rows: Sequence[LinearRow], bounds: Sequence[Range]) -> list[LinearRow] | None:
    """Remove variables that occur in a single inequality: that row is then best served by the variable's
    best end of range (or always satisfiable when that end is infinite). Rows left without variables are
    checked. Exact for feasibility; None when a row is proved unsatisfiable. (A column-singleton rule of LP
    presolve: E. D. Andersen and K. D. Andersen (1995), "Presolving in linear programming", *Mathematical
    Programming* 71, 221-245.)"""
    work = [({k: c for k, c in coeffs.items() if c}, const, rel) for coeffs, const, rel in rows]
    alive = [True] * len(work)
    while True:
        where: dict[int, list[int]] = {}
        for r, (coeffs, _, _) in enumerate(work):
            if alive[r]:
                for k in coeffs:
                    where.setdefault(k, []).append(r)
        changed = False
        for k, rs in where.items():
            if len(rs) != 1 or work[rs[0]][2] == "=":
                continue
            r = rs[0]
            coeffs, const, rel = work[r]
            c = coeffs.pop(k)
            best = bounds[k][1] if c > 0 else bounds[k][0]
            if best is None:  # the variable alone can satisfy the row (strictly)
                alive[r] = False
            else:
                work[r] = (coeffs, const + c * best, rel)
            changed = True
            break
        for r, (coeffs, const, rel) in enumerate(work):
            if alive[r] and not coeffs:
                ok = const > 0 if rel == ">" else const >= 0 if rel == ">=" else const == 0
                if not ok:
                    return None
                alive[r] = False
        if not changed:
            return [w for w, a in zip(work, alive) if a]


def whole(x: Fraction | None) -> Exact | None:
    """``x`` as an int when it is a whole number (integer arithmetic is much faster)."""
    if x is not None and x.denominator == 1:
        return x.numerator
    return x
