"""One equilibrium of a two-player tree by Lemke's algorithm on the sequence-form LCP: the path found in
floating point, its end certified exactly, exact integer pivoting when that certificate fails.

Koller, Megiddo & von Stengel (1996), "Efficient computation of equilibria for extensive two-person
games", *GEB* 14: with realization plans ``x`` (``E x = e``) and ``y`` (``F y = f``), payoff matrices
``A``, ``B`` made negative (a constant subtracted from every leaf payoff, which changes no equilibrium) and
free dual variables ``u = u+ - u-``, ``v = v+ - v-``, the equilibria are the solutions of the linear
complementarity problem

    w = q + M z >= 0,  z >= 0,  z'w = 0,   z = (x, y, u+, u-, v+, v-),
    w_x = E'u - A y,  w_y = F'v - B'x,  w_u+- = +-(E x - e),  w_v+- = +-(F y - f),

and Lemke's algorithm (C. E. Lemke, "Bimatrix equilibrium points and mathematical programming",
*Management Science* 11, 1965; covering vector of ones on the slacks of the start basis, lexicographic
ratio test against degeneracy) ends at one of them. Here ``u`` and ``v`` are kept free (always basic) and
the residuals ``r`` of ``E x = e`` and ``F y = f`` are kept at zero.

Find fast, certify exactly (von Stengel 2002, "Computing equilibria for two-person games", *Handbook of
Game Theory* 3, ch. 45, section 3.5, on exact versus floating-point pivoting): the path is first pivoted
in floating point (numpy), keeping only the basis; at its end the basic system ``B v = q`` is solved
exactly in rationals (:func:`kimgame.solvers.exact_linalg.solve_sparse`) and accepted only when the
basic values are nonnegative, complementary, and the plans are exactly best responses to each other
(:func:`kimgame.solvers.sequence_form.is_equilibrium`). Otherwise — and for small forms, where one exact
path is cheaper than the float set-up — the path is pivoted in exact integers (the integer pivoting of
lrs, Avis 2000: each row scaled on its own and divided by the gcd of its entries after every pivot),
starting from the float basis when that basis is exactly lexico-feasible, else from the start. The
choice is made in one place, :func:`sequence_lcp`, and recorded in the :class:`LemkeRun` it returns.

One Lemke path gives one equilibrium; the method is not complete.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from kimgame.solvers.clock import Clock, stopping
from kimgame.solvers.exact_linalg import solve_sparse
from kimgame.solvers.sequence_form import SequenceForm, best_response_value, is_equilibrium

__all__ = ["LemkeFailure", "LemkeRun", "sequence_lcp"]


class LemkeFailure(Exception):
    """The Lemke path ended in a ray or cycled (does not happen with negative payoffs from the start; a
    safeguard). ``how`` says which: "ended in a ray" or "cycled"."""

    def __init__(self, how: str) -> None:
        super().__init__(f"the Lemke path of the sequence-form LCP {how}")
        self.how = how


@dataclass(frozen=True, slots=True)
class LemkeRun:
    """How :func:`sequence_lcp` found its equilibrium: pivots in floating point and in exact integers, and
    why exact pivoting was needed (empty when the float path's end was certified)."""

    float_pivots: int
    exact_pivots: int
    reason: str = ""

    def __str__(self) -> str:
        if not self.reason:
            return f"float Lemke path of {self.float_pivots} pivots, its basis certified exactly"
        return f"{self.reason}, {self.exact_pivots} exact pivots"


class _System:
    """The sequence-form LCP as equations in integers, before any pivot.

    Columns: the slacks ``w_x`` (m1), ``w_y`` (m2), ``r_u`` (k1 + 1), ``r_v`` (k2 + 1), then ``x``, ``y``,
    ``u``, ``v`` (the same count ``N``), ``z0``. Row ``i`` (sparse, ``rows[i]``) reads
    ``slack_i - (M z)_i - d_i z0 = rhs_i``. The start basis (:attr:`start`) makes the pure plans that take
    the first action everywhere and the dual variables basic (von Stengel, van den Elzen & Talman 2002,
    "Computing normal form perfect equilibria for extensive two-person games", *Econometrica* 70, 693-715): ``u_h``
    in the row of the slack of ``h``'s first action, that sequence in the row of ``r_u[h]``; the covering
    column ``d`` is one on the rows whose slack stays basic, so those slacks rise at rate one with ``z0``."""

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
        scale = [math.lcm(*(v.denominator for v in s.values())) for s in shifted]
        A = {key: int(v * scale[0]) for key, v in shifted[0].items()}
        B = {key: int(v * scale[1]) for key, v in shifted[1].items()}
        E, F = form.constraint_rows(0), form.constraint_rows(1)
        self.m1, self.m2 = m1, m2
        N = m1 + m2 + k1 + 1 + k2 + 1
        self.N = N
        self.z0 = 2 * N
        wx, wy, ru, rv = 0, m1, m1 + m2, m1 + m2 + k1 + 1
        rows: list[dict[int, int]] = [{i: 1} for i in range(N)]
        rhs = [0] * N

        def add(i: int, j: int, a: int) -> None:
            rows[i][j] = rows[i].get(j, 0) + a

        for (s1, s2), a in A.items():  # w_x = -A y + E'u + z0
            add(wx + s1, N + wy + s2, a)
        for (s1, s2), b in B.items():  # w_y = -B'x + F'v + z0
            add(wy + s2, N + wx + s1, b)
        start: list[tuple[int, int]] = []  # (row, column) pivots from the slack basis to the start basis
        for off, roff, cons in ((wx, ru, E), (wy, rv, F)):
            for h, row in enumerate(cons):
                for s, coef in row.items():
                    add(off + s, N + roff + h, -coef)
                    add(roff + h, N + off + s, -coef)  # r = E x - e
                rhs[roff + h] = -1 if h == 0 else 0
                first = 0 if h == 0 else min(s for s, coef in row.items() if coef > 0)
                start += [(off + first, N + roff + h), (roff + h, N + off + first)]
        self.start = start
        fixed = {r for r, _ in start}
        for i in range(m1 + m2):
            if i not in fixed:
                rows[i][self.z0] = -1
        self.rows, self.rhs = rows, rhs
        self.free = frozenset(range(N + ru, 2 * N))  # u and v: always basic, never in ratio tests

    def complement(self, var: int) -> int:
        return var + self.N if var < self.N else var - self.N

    def certify(self, form: SequenceForm, basis: list[int]
                ) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | str:
        """The plans of the complementary ``basis`` (the basic variable of each row), solved exactly, when
        they are an equilibrium; else what fails (a short phrase)."""
        N = self.N
        if self.z0 in basis:
            return "z0 still basic"
        column = {var: k for k, var in enumerate(basis)}
        solved = solve_sparse([{column[j]: a for j, a in row.items() if j in column} for row in self.rows], self.rhs)
        if solved is None:
            return "singular basis"
        value = [Fraction(0)] * (2 * N)
        for k, var in enumerate(basis):
            value[var] = solved[k]
        for i in range(N):
            if N + i in self.free:
                if value[i]:
                    return "a constraint E x = e or F y = f violated"
            elif value[i] < 0 or value[N + i] < 0:
                return "a negative basic variable"
            elif value[i] and value[N + i]:
                return "not complementary"
        m1, m2 = self.m1, self.m2
        x, y = tuple(value[N:N + m1]), tuple(value[N + m1:N + m1 + m2])
        if not is_equilibrium(form, x, y):
            return "not an equilibrium"
        return x, y


class _Tableau:
    """The system pivoted in exact integers: each row scaled on its own (integers, gcd 1), so a basic
    variable's value is the row's right-hand side divided by its (positive) coefficient."""

    def __init__(self, system: _System) -> None:
        N = system.N
        self.N, self.z0, self.rhs = N, system.z0, 2 * N + 1
        self.rows = [[0] * (2 * N + 2) for _ in range(N)]
        for i, row in enumerate(system.rows):
            for j, a in row.items():
                self.rows[i][j] = a
            self.rows[i][self.rhs] = system.rhs[i]
        self.basis = list(range(N))
        self.free = system.free

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

    def enter(self, target: list[int]) -> int | None:
        """Pivot into the basis ``target`` (any row order); the number of pivots, or None if it is singular."""
        wanted = set(target)
        pivots = 0
        for col in target:
            if col in self.basis:
                continue
            r = next((i for i, b in enumerate(self.basis) if b not in wanted and self.rows[i][col]), None)
            if r is None:
                return None
            self.pivot(r, col)
            pivots += 1
        return pivots

    def lexico_feasible(self) -> bool:
        """Every constrained row's (right-hand side, slack columns) is lexicographically positive: the basis
        lies on a lexicographic Lemke path (a perturbed, nondegenerate one)."""
        for i in self.constrained():
            row = self.rows[i]
            lead = next((row[c] for c in (self.rhs, *range(self.N)) if row[c]), 0)
            if lead <= 0:
                return False
        return True

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


TIE_TOLERANCE = 1e-6  # relative: ratios closer than this count as ties in the floating-point path
PIVOT_TOLERANCE = 1e-9  # relative to the column's largest entry: smaller ones count as zero there
PIVOT_FACTOR = 50  # the floating-point path gives up after this many pivots per row


@dataclass(frozen=True, slots=True)
class _FloatEnd:
    basis: list[int]  # the basic variable of each row where the path stopped
    entering: int | None  # the variable to enter next (None: the path ended, z0 left)
    pivots: int
    stop: str  # "ended", "ended in a ray", "cycled" or "ran past the pivot limit"


def _float_path(system: _System, clock: Clock) -> _FloatEnd:
    """The Lemke path of :func:`_exact_path`, pivoted in floating point (numpy, dense rows updated only
    where the pivot row and column are nonzero), with the lexicographic rule applied to ratios equal up
    to ``TIE_TOLERANCE`` (1e-9, tried first, missed ties on Kuhn poker with 30 cards and cycled); only its basis is kept."""
    import numpy as np

    N, z0, rhs = system.N, system.z0, 2 * system.N + 1
    T = np.zeros((N, 2 * N + 2))
    for i, row in enumerate(system.rows):
        for j, a in row.items():
            T[i, j] = a
        T[i, rhs] = system.rhs[i]
    basis = list(range(N))
    free = np.zeros(N, dtype=bool)

    def pivot(r: int, c: int) -> int:
        T[r] /= T[r, c]
        rows = np.flatnonzero(T[:, c])
        rows = rows[rows != r]
        cols = np.flatnonzero(T[r])
        if len(rows) * len(cols) * 8 < T.size:  # sparse: update only where it changes
            T[np.ix_(rows, cols)] -= np.outer(T[rows, c], T[r, cols])
        else:  # a dense rank-one update costs less than gathering and scattering
            factor = T[:, c].copy()
            factor[r] = 0.0
            T[:] -= np.outer(factor, T[r])
        leaving, basis[r] = basis[r], c
        free[r] = c in system.free
        return leaving

    order = np.r_[rhs, 0:N]  # the lexicographic order of the ratio test: right-hand side, first basis

    def leaving_row(c: int, candidates, largest: bool = False) -> int:
        cand = np.asarray(candidates)
        first = T[cand, rhs] / T[cand, c]  # the right-hand side alone decides unless rows tie on it
        if largest:
            first = -first
        best = first.min()
        tied = np.flatnonzero(first - best <= TIE_TOLERANCE * (1.0 + abs(best)))
        if len(tied) == 1:
            return int(cand[tied[0]])
        cand = cand[tied]
        ratios = T[np.ix_(cand, order)] / T[cand, c][:, None]
        if largest:
            ratios = -ratios
        keep = np.arange(len(cand))
        j = 0
        while len(keep) > 1 and j < len(order):  # ties up to the tolerance: on to the next column
            block = ratios[keep, j:]
            low = block.min(axis=0)
            split = np.flatnonzero(block.max(axis=0) - low > TIE_TOLERANCE * (1.0 + np.abs(low)))
            if not len(split):
                break
            j += int(split[0])
            column = ratios[keep, j]
            best = column.min()
            keep = keep[column - best <= TIE_TOLERANCE * (1.0 + abs(best))]
            j += 1
        return int(cand[keep[0]])

    for r, c in system.start:
        pivot(r, c)
    pivots = 0
    negative = np.flatnonzero(~free & (T[:, rhs] < -PIVOT_TOLERANCE))
    if not len(negative):
        return _FloatEnd(basis, None, pivots, "ended")
    leaving = pivot(leaving_row(z0, negative, largest=True), z0)  # z0 makes every basic variable >= 0
    pivots = 1
    entering = system.complement(leaving)
    seen: set[frozenset[int]] = set()
    while pivots < PIVOT_FACTOR * N:
        clock.check()
        scale = PIVOT_TOLERANCE * max(1.0, float(np.abs(T[:, entering]).max()))
        candidates = np.flatnonzero(~free & (T[:, entering] > scale))
        if not len(candidates):
            return _FloatEnd(basis, entering, pivots, "ended in a ray")
        leaving = pivot(leaving_row(entering, candidates), entering)
        pivots += 1
        if leaving == z0:
            return _FloatEnd(basis, None, pivots, "ended")
        entering = system.complement(leaving)
        key = frozenset(basis)
        if key in seen:
            return _FloatEnd(basis, entering, pivots, "cycled")
        seen.add(key)
    return _FloatEnd(basis, entering, pivots, "ran past the pivot limit")


def _exact_path(system: _System, clock: Clock, resume: _FloatEnd | None = None
                ) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], int, bool]:
    """Lemke's path in exact integer arithmetic (see the module notes), from the basis of ``resume`` when
    it is exactly lexico-feasible (entering its next variable), else from the start; the plans, the pivot
    count and whether it resumed."""
    pivots = 0
    t = _Tableau(system)
    z0 = t.z0
    resumed = False
    if resume is not None and resume.entering is not None:
        entered = t.enter(resume.basis)
        if entered is not None and t.lexico_feasible():
            pivots, resumed = entered, True
        else:
            t = _Tableau(system)
    if not resumed:
        for r, c in system.start:
            t.pivot(r, c)
    seen: set[tuple[int, ...]] = set()
    entering: int | None = None
    if resumed:
        assert resume is not None
        entering = resume.entering
    else:
        negative = [i for i in t.constrained() if t.rows[i][t.rhs] < 0]
        if negative:  # z0 enters at the smallest value that makes every basic variable nonnegative
            leaving = t.pivot(t.leaving_row(z0, negative, largest=True), z0)
            pivots += 1
            entering = system.complement(leaving)
    while entering is not None:
        clock.check()
        candidates = [i for i in t.constrained() if t.rows[i][entering] > 0]
        if not candidates:
            raise LemkeFailure("ended in a ray")
        leaving = t.pivot(t.leaving_row(entering, candidates), entering)
        pivots += 1
        if leaving == z0:
            break
        key = tuple(sorted(t.basis))
        if key in seen:
            raise LemkeFailure("cycled")
        seen.add(key)
        entering = system.complement(leaving)
    z = t.values()
    m1, m2 = system.m1, system.m2
    return tuple(z[:m1]), tuple(z[m1:m1 + m2]), pivots, resumed


# Sequence forms with fewer rows than this are pivoted exactly straight away. Measured on n-card Kuhn poker
# (exact path / float path with its certificate): 39 / 14 ms at 64 rows, 413 / 44 ms at 124; at 40 rows
# (Kuhn's own) the exact path takes 6 ms, less than importing numpy for the float one.
EXACT_ONLY_SIZE = 64


def sequence_lcp(form: SequenceForm, *, clock: Clock | None = None
                 ) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], LemkeRun]:
    """One Nash equilibrium of the two-player sequence form ``form`` as exact realization plans
    ``(x, y)`` of ``form.players[0]`` and ``form.players[1]``, and a :class:`LemkeRun` saying how.

    Lemke's algorithm (Lemke 1965) on the LCP of Koller, Megiddo & von Stengel (1996) (see the module
    notes), started from the pure plans that take the first action everywhere. Find fast, certify exactly
    (von Stengel 2002, section 3.5): a sequence form with at least ``EXACT_ONLY_SIZE`` rows is first pivoted
    in floating point; the basis at the end of that path is solved exactly and accepted when its values are
    nonnegative and complementary and the plans are exact best responses to each other. This is the one
    place that decides otherwise: when the float path stops early or its basis is not certified, the exact
    integer path continues from the float basis if that basis is exactly lexico-feasible, else starts over
    (and small forms are pivoted exactly at once); :attr:`LemkeRun.reason` says which and why. The exact
    path's end is checked the same way (AssertionError if not, which would be a bug). ``clock``
    (:class:`kimgame.solvers.clock.Clock`) is checked at every pivot
    (:class:`kimgame.solvers.clock.SearchTimeout` with nothing found when it passes, or on Ctrl-C);
    :class:`LemkeFailure` if the exact path ends in a ray or cycles."""
    clock = clock or Clock()
    with stopping(lambda: (), found="equilibria"):
        system = _System(form)
        float_pivots = 0
        resume = None
        if system.N < EXACT_ONLY_SIZE:
            reason = f"exact pivoting ({system.N} rows, fewer than {EXACT_ONLY_SIZE})"
        else:
            end = _float_path(system, clock)
            float_pivots = end.pivots
            if end.entering is None:
                found = system.certify(form, end.basis)
                if not isinstance(found, str):
                    return found[0], found[1], LemkeRun(float_pivots, 0)
                reason = f"float path not certified ({found}): exact pivoting"
            else:
                reason = f"float path {end.stop}: exact pivoting"
                # a path that cycled or ended in a ray has left Lemke's path (a tie missed in floats): its
                # basis can sit on a loop or a path between two rays, so only a path cut at the pivot limit
                # is resumed
                if end.stop == "ran past the pivot limit":
                    resume = end
                else:
                    reason += " from the start"
        try:
            x, y, pivots, resumed = _exact_path(system, clock, resume)
        except LemkeFailure as failure:
            if resume is None:
                raise
            # the float basis passed the lexicographic check but was not on the path from the start
            x, y, pivots, resumed = _exact_path(system, clock)
            reason += f" from the start (the path from the float basis {failure.how})"
        else:
            if resume is not None:
                reason += " from the float basis" if resumed else " from the start (float basis not lexico-feasible)"
    check_equilibrium(form, x, y)
    return x, y, LemkeRun(float_pivots, pivots, reason)


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
