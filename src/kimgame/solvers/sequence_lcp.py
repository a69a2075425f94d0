"""One equilibrium of a two-player tree by Lemke's algorithm on the sequence-form LCP, in exact integers.

Koller, Megiddo & von Stengel (1996), "Efficient computation of equilibria for extensive two-person
games", *GEB* 14: with realization plans ``x`` (``E x = e``) and ``y`` (``F y = f``), payoff matrices
``A``, ``B`` made negative (a constant subtracted from every leaf payoff, which changes no equilibrium) and
free dual variables ``u = u+ - u-``, ``v = v+ - v-``, the equilibria are the solutions of the linear
complementarity problem

    w = q + M z >= 0,  z >= 0,  z'w = 0,   z = (x, y, u+, u-, v+, v-),
    w_x = E'u - A y,  w_y = F'v - B'x,  w_u+- = +-(E x - e),  w_v+- = +-(F y - f),

and Lemke's algorithm (covering vector of ones, lexicographic ratio test against degeneracy) ends at
one of them. The tableau is kept in integers, each row scaled on its own and divided by the gcd of its
entries after every pivot (the integer pivoting of lrs, Avis 2000), so the arithmetic is exact and no
``Fraction`` is made until the end. The result is then checked exactly: each plan's payoff equals the
best-response value against the other (:func:`kimgame.solvers.sequence_form.best_response_value`).

One Lemke path gives one equilibrium; the method is not complete.
"""

from __future__ import annotations

import math
from fractions import Fraction

from kimgame.solvers.clock import Clock, stopping
from kimgame.solvers.sequence_form import (
    DENOMINATORS,
    SequenceForm,
    best_response_value,
    is_equilibrium,
    plan_from_floats,
)

__all__ = ["LemkeFailure", "sequence_lcp"]


class LemkeFailure(Exception):
    """The Lemke path ended in a ray (does not happen with negative payoffs; a safeguard)."""


def _lcm_denominator(values) -> int:
    d = 1
    for q in values:
        d = d * q.denominator // math.gcd(d, q.denominator)
    return d


class _Tableau:
    """The integer tableau of the sequence-form LCP with free variables.

    Columns: the slacks ``w_x`` (m1), ``w_y`` (m2), ``r_u`` (k1 + 1), ``r_v`` (k2 + 1) — ``r`` are the
    residuals of ``E x = e`` and ``F y = f``, kept at zero — then ``x``, ``y``, ``u``, ``v`` (the same
    count ``N``), ``z0`` and the right-hand side. Row ``i`` starts as ``slack_i - (M z)_i = q_i``; each
    row is scaled on its own (integers, gcd 1), so a basic variable's value is the row's right-hand side
    divided by its coefficient."""

    def __init__(self, form: SequenceForm) -> None:
        m1, m2, k1, k2 = form.sizes
        p1, p2 = form.players
        keys = list(form.payoffs)
        shifted = []
        for idx in (p1, p2):
            top = max((form.payoffs[key][idx] / form.weights[key] for key in keys if form.weights[key]),
                      default=Fraction(0))
            shift = Fraction(top) + 1  # every entry of the shifted matrix is negative
            shifted.append({key: form.payoffs[key][idx] - shift * form.weights[key] for key in keys})
        scale = [_lcm_denominator(s.values()) for s in shifted]
        A = {key: int(v * scale[0]) for key, v in shifted[0].items()}
        B = {key: int(v * scale[1]) for key, v in shifted[1].items()}
        E, F = form.constraint_rows(0), form.constraint_rows(1)
        self.m1, self.m2, self.k1, self.k2 = m1, m2, k1, k2
        N = m1 + m2 + k1 + 1 + k2 + 1
        self.N = N
        self.z0 = 2 * N
        self.rhs = 2 * N + 1
        wx, wy, ru, rv = 0, m1, m1 + m2, m1 + m2 + k1 + 1
        self.offsets = (wx, wy, ru, rv)
        rows = [[0] * (2 * N + 2) for _ in range(N)]
        for i in range(N):
            rows[i][i] = 1
        for (s1, s2), a in A.items():  # w_x = -A y + E'u + z0
            rows[wx + s1][N + wy + s2] += a
        for (s1, s2), b in B.items():  # w_y = -B'x + F'v + z0
            rows[wy + s2][N + wx + s1] += b
        for h, row in enumerate(E):
            for s, coef in row.items():
                rows[wx + s][N + ru + h] -= coef
                rows[ru + h][N + wx + s] -= coef  # r_u = E x - e
            rows[ru + h][self.rhs] = -1 if h == 0 else 0
        for g, row in enumerate(F):
            for s, coef in row.items():
                rows[wy + s][N + rv + g] -= coef
                rows[rv + g][N + wy + s] -= coef
            rows[rv + g][self.rhs] = -1 if g == 0 else 0
        self.rows = rows
        self.basis = list(range(N))
        self.free = set(range(N + ru, N + ru + k1 + 1 + k2 + 1))  # u and v: always basic, never in ratio tests
        self.E, self.F = E, F

    def pivot(self, r: int, col: int) -> int:
        """Pivot ``col`` into row ``r``; returns the variable that left."""
        rows = self.rows
        pivot_row = rows[r]
        if pivot_row[col] == 0:
            raise AssertionError("internal error: a zero pivot in the sequence-form tableau")
        if pivot_row[col] < 0:
            pivot_row[:] = [-v for v in pivot_row]
        p = pivot_row[col]
        for i, row in enumerate(rows):
            f = row[col]
            if i == r or not f:
                continue
            new = [a * p - f * b for a, b in zip(row, pivot_row)]
            g = math.gcd(*new)
            rows[i] = [v // g for v in new] if g > 1 else new
        leaving, self.basis[r] = self.basis[r], col
        return leaving

    def start(self) -> None:
        """Make the first pure realization plans (the first action everywhere) and the free dual variables
        basic: ``u_h`` in the row of the slack of ``h``'s first action (of the empty sequence for row 0),
        ``x`` of those sequences in the rows of ``r_u``; the same for player 2."""
        N = self.N
        wx, wy, ru, rv = self.offsets
        for off, roff, rows in ((wx, ru, self.E), (wy, rv, self.F)):
            for h, row in enumerate(rows):
                first = 0 if h == 0 else min(s for s, coef in row.items() if coef > 0)
                where = self.basis.index(off + first)
                self.pivot(where, N + roff + h)  # the dual variable of row h
                where = self.basis.index(roff + h)
                self.pivot(where, N + off + first)  # the sequence, fixed by row h
        # covering vector: every slack still basic rises at rate one with z0
        for i, b in enumerate(self.basis):
            self.rows[i][self.z0] = -self.rows[i][b] if b < N else 0

    def constrained(self) -> list[int]:
        return [i for i, b in enumerate(self.basis) if b not in self.free]

    def leaving_row(self, col: int, candidates: list[int], *, largest: bool = False) -> int:
        """The lexicographic minimum-ratio row (largest ratio with ``largest``) among ``candidates`` for
        entering column ``col``: ratios of the right-hand side, then of the slack columns, to the column."""
        rows = self.rows
        for c in (self.rhs, *range(self.N)):
            best: Fraction | None = None
            kept: list[int] = []
            for i in candidates:
                ratio = Fraction(rows[i][c], rows[i][col])
                if best is None or (ratio > best if largest else ratio < best):
                    best, kept = ratio, [i]
                elif ratio == best:
                    kept.append(i)
            candidates = kept
            if len(candidates) == 1:
                break
        return candidates[0]

    def values(self) -> list[Fraction]:
        """The values of the structural variables x, y, u, v."""
        N = self.N
        z = [Fraction(0)] * N
        for i, b in enumerate(self.basis):
            if N <= b < 2 * N:
                z[b - N] = Fraction(self.rows[i][self.rhs], self.rows[i][b])
        return z


FLOAT_TOLERANCE = 1e-9  # relative: ratios closer than this count as ties in the floating-point path


def _float_path(form: SequenceForm, clock: Clock) -> tuple[list[float], list[float]] | None:
    """The same Lemke path as :func:`_exact_path`, pivoted in floating point (numpy, rank-one updates);
    the plans at its end, or None if the path ends in a ray or runs past ``PIVOT_FACTOR`` pivots per row."""
    import numpy as np

    t = _Tableau(form)
    t.start()
    N, z0, rhs = t.N, t.z0, t.rhs
    T = np.array([[float(v) for v in row] for row in t.rows])
    basis = list(t.basis)
    for i, b in enumerate(basis):  # rows scaled so every basic coefficient is one
        T[i] /= T[i, b]
    free = np.array([b in t.free for b in basis])

    def pivot(r: int, c: int) -> int:
        T[r] /= T[r, c]
        rows = np.flatnonzero(T[:, c])
        rows = rows[rows != r]
        cols = np.flatnonzero(T[r])  # the tableau stays sparse: update only where it changes
        T[np.ix_(rows, cols)] -= np.outer(T[rows, c], T[r, cols])
        leaving, basis[r] = basis[r], c
        free[r] = c in t.free
        return leaving

    def leaving_row(c: int, candidates, largest: bool = False) -> int:
        cand = np.asarray(candidates)
        ratios = T[cand, rhs] / T[cand, c]
        best = ratios.max() if largest else ratios.min()
        cand = cand[np.abs(ratios - best) <= FLOAT_TOLERANCE * (1.0 + abs(best))]
        if len(cand) > 1:  # ties: lexicographically, on the columns of the first basis
            block = np.round(T[cand, :N] / T[cand, c][:, None], 9)  # ratios equal up to rounding tie
            order = np.lexsort((-block if largest else block)[:, ::-1].T)
            return int(cand[order[0]])
        return int(cand[0])

    negative = np.flatnonzero(~free & (T[:, rhs] < -FLOAT_TOLERANCE))
    if len(negative):
        r = leaving_row(z0, negative, largest=True)
        entering = z0
        for _ in range(PIVOT_FACTOR * N):
            clock.check()
            leaving = pivot(r, entering)
            if leaving == z0:
                break
            entering = leaving + N if leaving < N else leaving - N
            scale = FLOAT_TOLERANCE * max(1.0, float(np.abs(T[:, entering]).max()))
            candidates = np.flatnonzero(~free & (T[:, entering] > scale))
            if not len(candidates):
                return None
            r = leaving_row(entering, candidates)
        else:
            return None
    z = [0.0] * N
    for i, b in enumerate(basis):
        if N <= b < 2 * N:
            z[b - N] = float(T[i, rhs])
    m1, m2 = t.m1, t.m2
    return z[:m1], z[m1:m1 + m2]


PIVOT_FACTOR = 50  # the floating-point path gives up after this many pivots per row


def _exact_path(form: SequenceForm, clock: Clock) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], int]:
    """Lemke's path in exact integer arithmetic (see the module notes); the plans and the pivot count."""
    m1, m2, _, _ = form.sizes
    pivots = 0
    t = _Tableau(form)
    t.start()
    N, z0 = t.N, t.z0
    rows = t.rows
    negative = [i for i in t.constrained() if rows[i][t.rhs] < 0]
    if negative:  # z0 enters at the smallest value that makes every basic variable nonnegative
        r = t.leaving_row(z0, negative, largest=True)
        seen: set[tuple[int, ...]] = set()
        entering = z0
        while True:
            clock.check()
            leaving = t.pivot(r, entering)
            pivots += 1
            if leaving == z0:
                break
            key = tuple(t.basis)
            if key in seen:
                raise LemkeFailure("the Lemke path of the sequence-form LCP cycled")
            seen.add(key)
            entering = leaving + N if leaving < N else leaving - N
            candidates = [i for i in t.constrained() if t.rows[i][entering] > 0]
            if not candidates:
                raise LemkeFailure("the Lemke path of the sequence-form LCP ended in a ray")
            r = t.leaving_row(entering, candidates)
    z = t.values()
    return tuple(z[:m1]), tuple(z[m1:m1 + m2]), pivots


EXACT_ONLY_SIZE = 120  # sequence forms with fewer rows than this are pivoted exactly straight away


def sequence_lcp(form: SequenceForm, *, clock: Clock | None = None
                 ) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], int]:
    """One Nash equilibrium of the two-player sequence form ``form`` as exact realization plans
    ``(x, y)`` of ``form.players[0]`` and ``form.players[1]``, and the number of exact pivots (0 when
    the floating-point path was certified).

    Lemke's algorithm on the LCP of Koller, Megiddo & von Stengel (1996) (see the module notes), started
    from the pure plans that take the first action everywhere, as in von Stengel, van den Elzen &
    Talman (2002), "Computing normal form perfect equilibria for extensive two-person games",
    *Econometrica* 70. Find fast, certify exactly: a sequence form with at least ``EXACT_ONLY_SIZE`` rows
    is first pivoted in floating point; the behaviour probabilities at the end of that path, turned into
    nearby rationals, are accepted only when the plans are exactly best responses to each other. Else
    (and for small forms) the path is pivoted in exact integers, and its end is checked the same way
    (AssertionError if not, which would be a bug). ``clock`` (:class:`kimgame.solvers.clock.Clock`) is checked at every
    pivot (:class:`kimgame.solvers.clock.SearchTimeout` with nothing found when it passes, or on
    Ctrl-C); :class:`LemkeFailure` if the exact path ends in a ray or cycles."""
    clock = clock or Clock()
    with stopping(lambda: (), found="equilibria"):
        if sum(form.sizes) >= EXACT_ONLY_SIZE:
            found = _float_path(form, clock)
            if found is not None:
                for denominator in DENOMINATORS:
                    x = plan_from_floats(form, 0, found[0], denominator)
                    y = plan_from_floats(form, 1, found[1], denominator)
                    if is_equilibrium(form, x, y):
                        return x, y, 0
        x, y, pivots = _exact_path(form, clock)
    check_equilibrium(form, x, y)
    return x, y, pivots


def check_equilibrium(form: SequenceForm, x, y) -> None:
    """Raise AssertionError unless ``x`` and ``y`` are realization plans that are best responses to each
    other (exact; see :func:`kimgame.solvers.sequence_form.best_response_value`)."""
    for k, plan in enumerate((x, y)):
        for r, row in enumerate(form.constraint_rows(k)):
            total = sum((coef * plan[s] for s, coef in row.items()), Fraction(0))
            if total != (r == 0) or min(plan) < 0:
                raise AssertionError("internal error: a sequence-form solution is not a realization plan")
    value = form.value(x, y)
    for k, other in enumerate((y, x)):
        if best_response_value(form, k, other) != value[form.players[k]]:
            raise AssertionError("internal error: a sequence-form solution is not an equilibrium")
