"""Mixed Nash equilibria of small N-player games by support enumeration and exact polynomial solving.

For every *support profile* (a non-empty set of pure strategies for each player), an equilibrium with
exactly these supports makes each player indifferent among the strategies of their support: with
``sigma_j`` the mixed strategies (probabilities summing to one on the supports), player ``i``'s expected
payoff ``E_i(s)`` is the same for every ``s`` in ``S_i``. These *indifference equations* are polynomial
(multilinear) in the other players' probabilities; a solution is an equilibrium when the probabilities
are non-negative and no strategy outside a support earns more. This is the support-enumeration method
for polynomial systems of R. D. McKelvey and A. McLennan (1996), "Computation of equilibria in finite
games", in H. M. Amman, D. A. Kendrick and J. Rust (eds.), *Handbook of Computational Economics* vol. 1,
ch. 2, pp. 87-142, section 6 (the method of Gambit's ``enumpoly``). The systems are solved exactly
with sympy: a lexicographic Groebner basis in *shape* form (``x_k = g_k(t)``, ``f(t) = 0``, after a linear
change of variables when needed), then the real roots of the irreducible factors of ``f``, with every
later computation done exactly in ``Q[r]/(m)`` for a root ``r`` of a factor ``m``.

* Supports in which some strategy is strictly dominated against every profile of the others' supports
  are skipped (they hold no equilibrium).
* Solutions in rational numbers are converted to ``Fraction`` and verified exactly with
  :func:`kimgame.solvers.verify.is_nash`; only these are :class:`Equilibrium` objects.
* Real algebraic (irrational) solutions are kept as exact sympy numbers (radicals, or ``CRootOf`` of
  each probability's minimal polynomial) with floats beside; the best-response inequalities are checked
  with an exact zero test (the remainder modulo ``m``) and a 50-digit evaluation for the sign of a
  non-zero number. They are reported in the result's ``algebraic_equilibria`` and in its notes,
  never as rational equilibria (those are ``Fraction``s by contract).
* A support profile whose indifference equations have infinitely many solutions (degenerate games): when
  every constraint is linear in the unknowns (two players, or a single player mixing) the equilibria with
  these supports form a polytope, and its extreme points are found exactly (all choices of tight
  constraints, solved and checked) and listed; otherwise the support profile is not enumerated, the
  result says so and is marked incomplete.

Limits (``polynomial_players`` and ``support_profiles`` of :class:`kimgame.limits.Limits`): by default at
most 4 players and 343 support profiles,
``prod(2**k_i - 1)``: three players with three strategies each (343), four players with two (81), two
players up to 4 × 4 (225). Measured: 2 × 2 × 2 games in well under a second, 2 × 2 × 2 × 2 in 4-7 s,
3 × 3 × 3 in 10-20 s (five players with two strategies took more than ten minutes: the systems have
degree four in five unknowns).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from kimgame.errors import KimgameError
from kimgame.limits import current_limits
from kimgame.solvers.clock import Clock
from kimgame.solvers.exact_linalg import solve_unique
from kimgame.solvers.exact_lp import maximize

__all__ = ["AlgebraicEquilibrium", "PolynomialResult", "polynomial_equilibria"]

ZERO_DIGITS = 50  # digits of the evaluation used to decide signs of non-zero algebraic numbers

Profile = tuple[tuple[Fraction, ...], ...]


@dataclass(frozen=True)
class AlgebraicEquilibrium:
    """An equilibrium with irrational probabilities: exact sympy expressions, with floats beside.

    ``strategies[i][k]`` is the probability of player ``i``'s strategy ``k`` (a sympy number), ``payoffs[i]``
    player ``i``'s expected payoff; ``approx_*`` the same as floats.
    """

    strategies: tuple[tuple[Any, ...], ...]
    payoffs: tuple[Any, ...]

    @property
    def approx_strategies(self) -> tuple[tuple[float, ...], ...]:
        """The probabilities of :attr:`strategies` as floats, in the same layout."""
        return tuple(tuple(float(p) for p in mix) for mix in self.strategies)

    @property
    def approx_payoffs(self) -> tuple[float, ...]:
        """The expected payoffs as floats, one per player."""
        return tuple(float(v) for v in self.payoffs)


@dataclass
class PolynomialResult:
    """What :func:`polynomial_equilibria` found: ``rational`` (exact, verified), ``algebraic`` (irrational),
    ``polytopes`` (support profiles holding a continuum of equilibria under linear constraints: its extreme
    points are among ``rational``), ``continua`` (infinitely many solutions under non-linear constraints,
    not enumerated), ``unsolved`` (no shape form found), ``supports_checked`` of ``supports_total``.
    ``complete``: every support profile solved, so every isolated equilibrium and every extreme point of
    the linear continua is listed."""

    rational: list[Profile] = field(default_factory=list)
    algebraic: list[AlgebraicEquilibrium] = field(default_factory=list)
    continua: list[tuple[tuple[int, ...], ...]] = field(default_factory=list)
    unsolved: list[tuple[tuple[int, ...], ...]] = field(default_factory=list)
    polytopes: list[tuple[tuple[int, ...], ...]] = field(default_factory=list)
    supports_checked: int = 0
    supports_total: int = 0
    timed_out: bool = False

    @property
    def complete(self) -> bool:
        """Whether every support profile was solved in time, with no continuum left unenumerated and none
        unsolved (see the class doc for what is then listed)."""
        return not self.continua and not self.unsolved and not self.timed_out


def support_count(shape: Sequence[int]) -> int:
    """The number of support profiles of a game of ``shape``: the product of ``2**k - 1`` (the non-empty
    supports of a player with ``k`` strategies)."""
    n = 1
    for k in shape:
        n *= 2**k - 1
    return n


def _supports(k: int) -> list[tuple[int, ...]]:
    return [s for r in range(1, k + 1) for s in itertools.combinations(range(k), r)]


def _dominated_in_support(ints: Sequence[np.ndarray], support: Sequence[tuple[int, ...]]) -> bool:
    """True when some player's support holds a strategy that another of their strategies beats strictly
    against every pure profile of the others' supports."""
    n = len(support)
    for i, u in enumerate(ints):
        sub = np.moveaxis(u[np.ix_(*[range(u.shape[j]) if j == i else support[j] for j in range(n)])], i, 0)
        flat = sub.reshape(sub.shape[0], -1)
        for s in support[i]:
            if any(np.all(flat[t] > flat[s]) for t in range(flat.shape[0]) if t != s):
                return True
    return False


def polynomial_equilibria(payoffs: Sequence[np.ndarray], *, clock: Clock | None = None) -> PolynomialResult:
    """All isolated Nash equilibria of a small N-player game (exact; see the module notes), as a
    :class:`PolynomialResult`: support enumeration with the indifference equations solved exactly
    (McKelvey & McLennan 1996), each system by a lexicographic Gröbner basis (B. Buchberger (1965), PhD
    thesis, Innsbruck; through sympy).

    ``payoffs[i]`` is player ``i``'s payoff array (exact numbers) of shape ``(k_1, ..., k_N)``. Raises
    :class:`KimgameError` beyond the ``polynomial_players`` or ``support_profiles`` limit in force.
    ``clock`` (:class:`kimgame.solvers.clock.Clock`) stops the search early (``timed_out``); it is looked at
    before each support profile (a profile's system is solved by sympy Gröbner bases, which cannot be
    stopped midway).
    """
    import sympy

    from kimgame.solvers.exact_arrays import integer_payoffs
    from kimgame.solvers.verify import is_nash

    frac = _as_fractions(payoffs)
    shape = tuple(frac[0].shape)
    total = support_count(shape)
    limits = current_limits()
    if total > limits.support_profiles or len(shape) > limits.polynomial_players:
        raise KimgameError(
            f"the polynomial method enumerates support profiles and solves a polynomial system for each; this "
            f"{' × '.join(map(str, shape))} game has {len(shape)} players and {total} support profiles (the limits "
            f"are {limits.polynomial_players} players and {limits.support_profiles} support profiles, e.g. 3 players "
            "with 3 strategies each; raise them with --limit polynomial_players=N and --limit support_profiles=N); "
            "use --method pure, or enummixed for two players")
    ints = [integer_payoffs(u) for u in frac]
    rat = [np.vectorize(lambda q: sympy.Rational(q.numerator, q.denominator), otypes=[object])(u) for u in frac]
    result = PolynomialResult(supports_total=total)
    seen: set[Any] = set()

    profiles = sorted(itertools.product(*(_supports(k) for k in shape)), key=lambda s: (sum(map(len, s)), s))
    for support in profiles:
        if clock is not None and clock.expired:
            result.timed_out = True
            break
        result.supports_checked += 1
        if _dominated_in_support(ints, support):
            continue
        system = _System(rat, shape, support, sympy)
        status, points = system.solve()
        if status == "continuum":
            result.continua.append(support)
            continue
        if status == "linear":
            result.polytopes.append(support)
        if status == "unsolved":
            result.unsolved.append(support)
            continue
        for point in points:
            if point.rational:
                prof = point.fractions()
                if prof not in seen and is_nash(frac, prof):
                    seen.add(prof)
                    result.rational.append(prof)
                continue
            key = point.key()
            if key in seen or not point.is_equilibrium():
                continue
            seen.add(key)
            result.algebraic.append(point.to_equilibrium())
    result.rational.sort()
    return result


def support_equilibria(payoffs: Sequence[np.ndarray], support: Sequence[tuple[int, ...]]
                       ) -> tuple[list[Profile], list[AlgebraicEquilibrium]]:
    """The isolated equilibria whose supports are exactly ``support`` (one strategy tuple per player): the
    rational ones (verified with :func:`kimgame.solvers.verify.is_nash`) and the irrational ones (checked
    in exact algebraic arithmetic). Used to make a float equilibrium exact on its support."""
    import sympy

    from kimgame.solvers.verify import is_nash

    frac = _as_fractions(payoffs)
    shape = tuple(frac[0].shape)
    rat = [np.vectorize(lambda q: sympy.Rational(q.numerator, q.denominator), otypes=[object])(u) for u in frac]
    status, points = _System(rat, shape, tuple(tuple(s) for s in support), sympy).solve()
    rational: list[Profile] = []
    algebraic: list[AlgebraicEquilibrium] = []
    if status not in ("points", "linear"):
        return rational, algebraic
    for point in points:
        if point.rational:
            prof = point.fractions()
            if is_nash(frac, prof):
                rational.append(prof)
        elif point.is_equilibrium():
            algebraic.append(point.to_equilibrium())
    return rational, algebraic


def _as_fractions(payoffs: Sequence[np.ndarray]) -> list[np.ndarray]:
    out = []
    for u in payoffs:
        arr = np.asarray(u, dtype=object)
        a = np.empty(arr.shape, dtype=object)
        a.reshape(-1)[:] = [Fraction(x) for x in arr.reshape(-1)]
        out.append(a)
    return out


class _System:
    """The indifference equations of one support profile, solved exactly.

    Probabilities on a player's support are ``x_0 .. x_{k-2}`` and ``1 - sum``; the equations are
    ``E_i(s) - E_i(first) = 0`` for the other strategies ``s`` of each support. A zero-dimensional system is
    brought into *shape* form (lex Groebner basis ``x_k - g_k(t), f(t)``, after adding ``t = sum c_k x_k``
    when needed; the shape lemma): its points are the roots of ``f`` — rational, or algebraic numbers kept
    as polynomials in a root ``r`` of an irreducible factor ``m`` of ``f`` (exact arithmetic in Q[r]/(m)).
    """

    def __init__(self, rat, shape, support, sympy) -> None:
        self.rat, self.shape, self.support, self.sympy = rat, shape, support, sympy
        self.symbols: list[Any] = []
        self.sigma: list[list[Any]] = []
        for i, k in enumerate(shape):
            s = support[i]
            mix: list[Any] = [sympy.Integer(0)] * k
            if len(s) == 1:
                mix[s[0]] = sympy.Integer(1)
            else:
                xs = sympy.symbols(f"x{i}_0:{len(s) - 1}")
                self.symbols.extend(xs)
                for j, strat in enumerate(s[:-1]):
                    mix[strat] = xs[j]
                mix[s[-1]] = 1 - sum(xs)
            self.sigma.append(mix)
        self.values = [[sympy.expand(_pure_value(rat, self.sigma, i, t, sympy)) for t in range(k)]
                       for i, k in enumerate(shape)]
        self.equations: list[Any] = []
        for i in range(len(shape)):
            first = support[i][0]
            self.equations.extend(sympy.expand(self.values[i][t] - self.values[i][first]) for t in support[i][1:])
        self.equations = [e for e in self.equations if e != 0]

    def solve(self) -> tuple[str, list[_Point]]:
        """("points", solutions) | ("linear", vertices of a polytope of equilibria) | ("continuum", [])
        (not enumerated) | ("unsolved", []) (no shape form found)."""
        sympy = self.sympy
        if any(e.is_number for e in self.equations):  # a non-zero constant: no solution
            return "points", []
        if not self.symbols:
            return "points", [_Point(self, None, None, {})]
        used = set().union(*(e.free_symbols for e in self.equations)) if self.equations else set()
        if len(used) < len(self.symbols):
            return self._continuum()
        basis = sympy.groebner(self.equations, *self.symbols, order="lex")
        if list(basis.exprs) == [1]:
            return "points", []
        if not basis.is_zero_dimensional:
            return self._continuum()
        shape = _shape_form(basis.exprs, self.symbols, sympy)
        t = self.symbols[-1]
        if shape is None:
            t = sympy.Dummy("t")
            for attempt in range(4):
                coeffs = [((k + 1) * (attempt + 1)) % 7 + 1 + attempt * k for k in range(len(self.symbols))]
                extra = t - sum(c * x for c, x in zip(coeffs, self.symbols))
                basis = sympy.groebner([*self.equations, extra], *self.symbols, t, order="lex")
                shape = _shape_form(basis.exprs, [*self.symbols, t], sympy)
                if shape is not None:
                    break
            else:
                return "unsolved", []
        f, solved = shape
        solved = {**solved, t: sympy.Poly(t, t)} if t in self.symbols else solved
        points = []
        for factor, _ in sympy.factor_list(f.as_expr(), t)[1]:
            m = sympy.Poly(factor, t)
            if m.degree() < 1:
                continue
            if m.degree() == 1:
                root = -m.all_coeffs()[1] / m.all_coeffs()[0]
                points.append(_Point(self, None, root, {x: g.as_expr().subs(t, root) for x, g in solved.items()}))
                continue
            reduced = {x: g.rem(m) for x, g in solved.items()}
            for root in m.real_roots():
                points.append(_Point(self, m, root, reduced))
        return "points", points

    def _continuum(self) -> tuple[str, list[_Point]]:
        """Infinitely many solutions of the equations. When every constraint is linear (two players, or one
        player mixing) the equilibria with these supports form a polytope: its vertices are found exactly
        (every choice of tight constraints, solved and checked) and returned as points; status "linear" when
        an exact LP finds a point with every support probability positive (a genuine continuum), "points"
        when there is none. Otherwise "continuum" (not enumerated)."""

        sympy = self.sympy
        xs = self.symbols
        equalities = list(self.equations)
        inequalities = []  # expr <= 0
        for i, k in enumerate(self.shape):
            first = self.support[i][0]
            for t in range(k):
                if t not in self.support[i]:
                    inequalities.append(sympy.expand(self.values[i][t] - self.values[i][first]))
        positivity = [sympy.expand(-self.sigma[i][t]) for i, sup in enumerate(self.support) if len(sup) > 1
                      for t in sup]  # -p <= 0
        if any(sympy.Poly(e, *xs).total_degree() > 1 for e in equalities + inequalities if not e.is_number):
            return "continuum", []

        def row(e) -> tuple[list[Fraction], Fraction]:
            poly = sympy.Poly(e, *xs)
            return [Fraction(str(poly.coeff_monomial(x))) for x in xs], -Fraction(str(poly.coeff_monomial(1)))

        eq_rows = [row(e) for e in equalities]
        le_rows = [row(e) for e in inequalities + positivity]
        d = len(xs)
        vertices: set[tuple[Fraction, ...]] = set()
        for size in range(max(0, d - len(eq_rows)), min(d, len(le_rows)) + 1):
            for chosen in itertools.combinations(range(len(le_rows)), size):
                rows = eq_rows + [le_rows[c] for c in chosen]
                point = solve_unique([r for r, _ in rows], [b for _, b in rows])
                if point is None:
                    continue
                if all(sum((a * x for a, x in zip(r, point)), Fraction(0)) <= b for r, b in le_rows):
                    vertices.add(tuple(point))
        points = [_Point(self, None, None, {x: sympy.Rational(v.numerator, v.denominator) for x, v in zip(xs, vertex)})
                  for vertex in sorted(vertices)]
        # is there an equilibrium with every support probability positive? max eps s.t. p >= eps
        a_ub = [r + [Fraction(0)] for r, _ in le_rows[:len(inequalities)]]
        b_ub = [b for _, b in le_rows[:len(inequalities)]]
        for r, b in le_rows[len(inequalities):]:  # -p <= 0 becomes -p + eps <= 0
            a_ub.append(r + [Fraction(1)])
            b_ub.append(b)
        a_ub.append([Fraction(0)] * d + [Fraction(1)])
        b_ub.append(Fraction(1))
        a_eq = [r + [Fraction(0)] for r, _ in eq_rows]
        b_eq = [b for _, b in eq_rows]
        result = maximize([Fraction(0)] * d + [Fraction(1)], a_ub, b_ub, a_eq or None, b_eq or None)
        genuine = result.status == "optimal" and result.value is not None and result.value > 0
        return ("linear" if genuine else "points"), points


def _shape_form(exprs, gens, sympy):
    """``(f, {x: g_x})`` when the lex basis is ``x - g_x(t)`` for every generator but the last ``t``, and
    ``f(t)``; else None."""
    t = gens[-1]
    others = gens[:-1]
    univariate = None
    solved: dict[Any, Any] = {}
    for e in exprs:
        poly = sympy.Poly(e, *gens)
        if all(m[:-1] == (0,) * len(others) for m in poly.monoms()):
            if univariate is not None:
                return None
            univariate = sympy.Poly(e, t)
            continue
        lead = poly.monoms()[0]
        k = next((j for j, d in enumerate(lead[:-1]) if d), None)
        if k is None or lead[k] != 1 or any(lead[j] for j in range(len(others)) if j != k):
            return None
        c = poly.coeffs()[0]
        rest = sympy.expand(e - c * others[k])
        if rest.free_symbols - {t}:
            return None
        if others[k] in solved:
            return None
        solved[others[k]] = sympy.Poly(-rest / c, t)
    if univariate is None or len(solved) != len(others):
        return None
    return univariate, solved


class _Point:
    """One solution of a support system: rational (``modulus`` None) or algebraic, each unknown a polynomial
    in the root ``root`` of the irreducible ``modulus``."""

    def __init__(self, system: _System, modulus, root, values) -> None:
        self.system, self.modulus, self.root, self.values = system, modulus, root, values
        self.rational = modulus is None

    # exact arithmetic -------------------------------------------------------------------------------
    def reduce(self, expr):
        """``expr`` (a polynomial in the unknowns) at this point: a Rational, or a polynomial in the root
        reduced modulo the minimal polynomial."""
        sympy = self.system.sympy
        if self.rational:
            if not isinstance(expr, sympy.Basic):  # a plain number from the system (never text)
                expr = sympy.Rational(Fraction(expr).numerator, Fraction(expr).denominator)
            return expr.subs(self.values) if self.values else expr
        t = self.modulus.gen
        poly = sympy.Poly(sympy.expand(expr), *self.system.symbols) if self.system.symbols else None
        total = sympy.Poly(0, t)
        for monom, coeff in poly.terms():
            term = sympy.Poly(coeff, t)
            for x, d in zip(self.system.symbols, monom):
                for _ in range(d):
                    term = (term * self.values[x]).rem(self.modulus)
            total += term
        return total.rem(self.modulus)

    def sign(self, expr) -> int:
        sympy = self.system.sympy
        v = self.reduce(expr)
        if self.rational:
            return int(bool(v > 0)) - int(bool(v < 0))
        if v.is_zero:
            return 0
        approx = sympy.N(v.as_expr().subs(v.gen, self.root), ZERO_DIGITS)
        return 1 if sympy.re(approx) > 0 else -1

    def number(self, expr):
        """The exact value of ``expr`` as a sympy number: Rational, radical (degree 2) or ``CRootOf`` of its
        own minimal polynomial."""
        sympy = self.system.sympy
        v = self.reduce(expr)
        if self.rational:
            return v
        if v.degree() <= 0:
            return v.as_expr()
        y = sympy.Dummy("y")
        t = self.modulus.gen
        res = sympy.resultant(self.modulus.as_expr(), y - v.as_expr(), t)
        approx = sympy.N(v.as_expr().subs(t, self.root), ZERO_DIGITS)
        best = None
        for factor, _ in sympy.factor_list(res, y)[1]:
            for r in sympy.Poly(factor, y).real_roots():
                gap = abs(sympy.N(r, ZERO_DIGITS) - approx)
                if best is None or gap < best[0]:
                    best = (gap, r)
        return best[1].subs(y, sympy.Symbol("x")) if best is not None else v.as_expr().subs(t, self.root)

    # equilibrium checks ------------------------------------------------------------------------------
    def fractions(self) -> Profile:
        out = []
        for mix in self.system.sigma:
            row = []
            for p in mix:
                v = self.reduce(p)
                row.append(Fraction(int(v.p), int(v.q)))
            out.append(tuple(row))
        return tuple(out)

    def is_equilibrium(self) -> bool:
        """Probabilities non-negative; no strategy outside a support earns more (exact signs)."""
        sys = self.system
        for i, mix in enumerate(sys.sigma):
            if any(self.sign(p) < 0 for p in mix):
                return False
            first = sys.support[i][0]
            for t in range(len(mix)):
                if t not in sys.support[i] and self.sign(sys.values[i][t] - sys.values[i][first]) > 0:
                    return False
        return True

    def key(self) -> tuple:
        sympy = self.system.sympy
        return tuple(tuple(str(sympy.N(self.approx(p), 25)) for p in mix) for mix in self.system.sigma)

    def approx(self, expr):
        sympy = self.system.sympy
        v = self.reduce(expr)
        return v if self.rational else sympy.N(v.as_expr().subs(v.gen, self.root), ZERO_DIGITS)

    def to_equilibrium(self) -> AlgebraicEquilibrium:
        sys = self.system
        strategies = tuple(tuple(self.number(p) for p in mix) for mix in sys.sigma)
        payoffs = tuple(self.number(sys.values[i][sys.support[i][0]]) for i in range(len(sys.sigma)))
        return AlgebraicEquilibrium(strategies, payoffs)


def _pure_value(rat, sigma, i, t, sympy):
    """Player ``i``'s expected payoff from pure strategy ``t`` against the others' mixes."""
    n = len(sigma)
    others = [j for j in range(n) if j != i]
    total = sympy.Integer(0)
    for combo in itertools.product(*(range(len(sigma[j])) for j in others)):
        weight = sympy.Integer(1)
        index = [0] * n
        index[i] = t
        for j, c in zip(others, combo):
            index[j] = c
            weight *= sigma[j][c]
            if weight == 0:
                break
        if weight != 0:
            total += rat[i][tuple(index)] * weight
    return total
