"""Exact regions of parameter space as unions of sign conditions on polynomials.

The building blocks of the symbolic backward induction in :mod:`kimgame.analysis.tree_conditions`,
kept free of sympy (exact ``Fraction`` arithmetic on small sparse polynomials; sympy only writes the
result):

* :class:`Poly`: a polynomial in the game's parameters with exact rational coefficients;
  :class:`Ratio`: a quotient of two of them whose denominator keeps one sign on the parameter box.
* A *constraint* is a canonical polynomial ``q`` (leading coefficient 1) with a *sign mask*, the set of
  signs of ``q`` allowed: a subset of {negative, zero, positive} (``q > 0``, ``q >= 0``, ``q = 0``,
  ``q != 0``, ...). Writing ``q`` and ``-q`` alike keeps identical conditions identical.
* A :class:`Term` is a conjunction of constraints, one per polynomial; a region is a list of terms
  (a disjunction).
* :class:`Box` holds the declared parameter ranges. It prunes exactly: a term is dropped only when it is
  *proved* empty on the box (a constraint no point of the box satisfies — by exact ranges of linear and
  multilinear polynomials, sound interval bounds otherwise —, two constraints on the same polynomial
  that exclude each other, or a linear program over the linear constraints proved infeasible by
  :func:`kimgame.solvers.lp_certify.feasibility`); a
  constraint is dropped only when it is proved to hold on the whole box.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

from kimgame.model.parameters import Parameter

if TYPE_CHECKING:  # pragma: no cover
    import sympy

    from kimgame.solvers.lp_certify import Relation

NEG, ZERO, POS = 1, 2, 4
MAX_SUBSTITUTIONS = 6  # exact range of a multilinear polynomial: vertices over at most this many variables

Monomial = tuple[int, ...]
Exact = Fraction | int  # whole numbers are kept as ints in the linear programs: integer arithmetic is faster
LinearRow: TypeAlias = "tuple[dict[int, Exact], Exact, Relation]"  # ({variable: coefficient}, constant, relation)
Range = tuple[Exact | None, Exact | None]  # a variable's bounds (None: unbounded)


class Poly:
    """A polynomial with exact rational coefficients: ``{exponents: coefficient}``, no zero coefficients.

    Exponent tuples are indexed like the variables of the :class:`Box` it belongs to. Immutable and
    hashable (equal polynomials compare and hash equal)."""

    __slots__ = ("_hash", "_ints", "_lead", "_vars", "terms")

    def __init__(self, terms: Mapping[Monomial, Fraction]) -> None:
        self.terms = dict(terms)
        self._lead: tuple[Monomial, Fraction] | None = None
        self._hash: int | None = None
        self._vars: frozenset[int] | None = None
        self._ints: dict[Monomial, int] | None = None

    def integer_terms(self) -> dict[Monomial, int]:
        """The coefficients times a positive number that makes them whole (same sign everywhere)."""
        if self._ints is None:
            den = math.lcm(*(c.denominator for c in self.terms.values())) if self.terms else 1
            self._ints = {m: c.numerator * (den // c.denominator) for m, c in self.terms.items()}
        return self._ints

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Poly) and self.terms == other.terms

    def __repr__(self) -> str:  # deterministic: used to order sets of values
        return f"Poly({sorted(self.terms.items())})"

    def __add__(self, other: Poly) -> Poly:
        out = dict(self.terms)
        for m, c in other.terms.items():
            s = out.get(m, 0) + c
            if s:
                out[m] = s
            else:
                out.pop(m, None)
        return Poly(out)

    def __neg__(self) -> Poly:
        return Poly({m: -c for m, c in self.terms.items()})

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly) -> Poly:
        if self.is_constant:
            return other.scale(self.constant_value)
        if other.is_constant:
            return self.scale(other.constant_value)
        out: dict[Monomial, Fraction] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                m = tuple(a + b for a, b in zip(m1, m2))
                s = out.get(m, 0) + c1 * c2
                if s:
                    out[m] = s
                else:
                    out.pop(m, None)
        return Poly(out)

    def scale(self, k: Fraction) -> Poly:
        """``k`` times the polynomial."""
        if not k:
            return Poly({})
        if k == 1:
            return self
        return Poly({m: c * k for m, c in self.terms.items()})

    @property
    def is_zero(self) -> bool:
        return not self.terms

    @property
    def is_constant(self) -> bool:
        return all(not any(m) for m in self.terms)

    @property
    def constant_value(self) -> Fraction:
        """The constant term (the value, for a constant polynomial)."""
        for m, c in self.terms.items():
            if not any(m):
                return c
        return Fraction(0)

    @property
    def is_linear(self) -> bool:
        return all(sum(m) <= 1 for m in self.terms)

    def variables(self) -> frozenset[int]:
        """Indices of the variables that occur."""
        if self._vars is None:
            out: set[int] = set()
            for m in self.terms:
                out.update(j for j, e in enumerate(m) if e)
            self._vars = frozenset(out)
        return self._vars

    def substitute(self, j: int, value: Fraction) -> Poly:
        """The polynomial with variable ``j`` set to ``value``."""
        out: dict[Monomial, Fraction] = {}
        for m, c in self.terms.items():
            e = m[j]
            if e:
                c = c * value**e
                m = m[:j] + (0,) + m[j + 1:]
            s = out.get(m, 0) + c
            if s:
                out[m] = s
            else:
                out.pop(m, None)
        return Poly(out)

    def leading(self) -> tuple[Monomial, Fraction]:
        """The leading monomial (highest degree, then lexicographically highest) and its coefficient."""
        if self._lead is None:
            m = max(self.terms, key=lambda t: (sum(t), t))
            self._lead = (m, self.terms[m])
        return self._lead

    def canonical(self) -> tuple[Poly, int]:
        """``(q, s)`` with ``self = s * k * q`` for some ``k > 0``, ``s`` = ±1 and ``q``'s leading coefficient 1."""
        _, lead = self.leading()
        return (self.scale(1 / lead) if lead != 1 else self), (1 if lead > 0 else -1)


class Ratio:
    """``num / den``: a rational function whose denominator keeps one (positive) sign on the box.

    Payoffs and probabilities are polynomials in practice; a quotient appears only where a formula
    divides by a parameter expression."""

    __slots__ = ("den", "num")

    def __init__(self, num: Poly, den: Poly) -> None:
        _, lead = den.leading()
        if den.is_constant:  # a plain polynomial: denominator 1
            num, den = num.scale(1 / lead), Poly({m: Fraction(1) for m in den.terms})
        elif abs(lead) != 1:  # scale by a positive number only: the denominator stays positive
            num, den = num.scale(1 / abs(lead)), den.scale(1 / abs(lead))
        self.num = num
        self.den = den

    def __hash__(self) -> int:
        return hash((self.num, self.den))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ratio) and self.num == other.num and self.den == other.den

    def __repr__(self) -> str:
        return f"Ratio({self.num!r}, {self.den!r})"

    def __add__(self, other: Ratio) -> Ratio:
        if self.den == other.den:
            return Ratio(self.num + other.num, self.den)
        return Ratio(self.num * other.den + other.num * self.den, self.den * other.den)

    def __neg__(self) -> Ratio:
        return Ratio(-self.num, self.den)

    def __sub__(self, other: Ratio) -> Ratio:
        return self + (-other)

    def __mul__(self, other: Ratio) -> Ratio:
        return Ratio(self.num * other.num, self.den * other.den)

    @property
    def is_zero(self) -> bool:
        return self.num.is_zero

    @property
    def is_one(self) -> bool:
        return self.den.is_constant and self.num.is_constant and self.num.constant_value == 1


# --------------------------------------------------------------------------------------------------
# terms: conjunctions of sign constraints


class Term:
    """A conjunction of sign constraints ``{canonical polynomial: mask}`` (no full masks, none empty)."""

    __slots__ = ("_key", "_polys", "cons")

    def __init__(self, cons: Mapping[Poly, int]) -> None:
        self.cons = dict(cons)
        self._key: frozenset | None = None
        self._polys: frozenset | None = None

    @property
    def polys(self) -> frozenset:
        """The polynomials constrained."""
        if self._polys is None:
            self._polys = frozenset(self.cons)
        return self._polys

    @property
    def key(self) -> frozenset:
        if self._key is None:
            self._key = frozenset(self.cons.items())
        return self._key

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and self.key == other.key

    def __len__(self) -> int:
        return len(self.cons)

    def implies(self, other: Term) -> bool:
        """Syntactic implication: every constraint of ``other`` is at least as strong here."""
        if not other.polys <= self.polys:
            return False
        mine = self.cons
        return all(mine[p] & ~m == 0 for p, m in other.cons.items())


TRUE = Term({})


class Box:
    """The declared parameter ranges, with exact tests of emptiness and of truth on the whole box."""

    def __init__(self, parameters: Sequence[Parameter]) -> None:
        ordered = sorted(parameters, key=lambda p: p.name)
        self.names: tuple[str, ...] = tuple(p.name for p in ordered)
        self.low: tuple[Fraction | None, ...] = tuple(p.low for p in ordered)
        self.high: tuple[Fraction | None, ...] = tuple(p.high for p in ordered)
        self.index = {name: j for j, name in enumerate(self.names)}
        self._zero: Monomial = (0,) * len(self.names)
        self._masks: dict[Poly, int] = {}
        self._lp: dict[frozenset, bool] = {}
        self._bits: dict[Poly, tuple[int, int, int]] = {}
        self._differences: dict[tuple[Poly, Poly], int] = {}
        self._pairs: dict[tuple[Poly, int, Poly, int], bool] = {}
        self._canonical: dict[Poly, tuple[Poly, int]] = {}
        self._samples = _Samples(self.low, self.high)

    # ---- polynomials ---------------------------------------------------------------------------

    def constant(self, value: Fraction | int) -> Poly:
        value = Fraction(value)
        return Poly({self._zero: value} if value else {})

    def variable(self, name: str) -> Poly:
        j = self.index[name]
        return Poly({tuple(int(k == j) for k in range(len(self.names))): Fraction(1)})

    def ratio(self, value: Fraction | int) -> Ratio:
        return Ratio(self.constant(value), self.constant(1))

    # ---- ranges on the box -----------------------------------------------------------------------

    def bounds(self, q: Poly, depth: int = 0) -> tuple[Fraction | float, Fraction | float]:
        """Sound bounds ``(lo, hi)`` on ``q`` over the box (``±inf`` for unbounded); exact when ``q`` is
        linear, or multilinear in its nonlinear variables (vertices of the box, Bernstein's classical
        observation that a multilinear function takes its extremes at vertices)."""
        if q.is_linear or depth >= MAX_SUBSTITUTIONS:
            return self._interval(q)
        counts: dict[int, int] = {}
        for m in q.terms:
            if sum(m) > 1:
                for j, e in enumerate(m):
                    if e:
                        counts[j] = counts.get(j, 0) + 1
        candidates = [j for j in counts if self.low[j] is not None and self.high[j] is not None
                      and all(m[j] <= 1 for m in q.terms)]
        if not candidates:
            return self._interval(q)
        j = max(candidates, key=lambda k: (counts[k], -k))
        low, high = self.low[j], self.high[j]
        assert low is not None and high is not None  # a candidate is bounded
        lo1, hi1 = self.bounds(q.substitute(j, low), depth + 1)
        lo2, hi2 = self.bounds(q.substitute(j, high), depth + 1)
        return min(lo1, lo2), max(hi1, hi2)

    def _interval(self, q: Poly) -> tuple[Fraction | float, Fraction | float]:
        lo: Fraction | float = Fraction(0)
        hi: Fraction | float = Fraction(0)
        inf = math.inf
        for m, c in q.terms.items():
            mlo: Fraction | float = Fraction(1)
            mhi: Fraction | float = Fraction(1)
            for j, e in enumerate(m):
                if not e:
                    continue
                low, high = self.low[j], self.high[j]
                a = -inf if low is None else low
                b = inf if high is None else high
                plo, phi = _power_interval(a, b, e)
                cands = [_mul(mlo, plo), _mul(mlo, phi), _mul(mhi, plo), _mul(mhi, phi)]
                mlo, mhi = min(cands), max(cands)
            tlo, thi = (_mul(c, mlo), _mul(c, mhi)) if c > 0 else (_mul(c, mhi), _mul(c, mlo))
            lo, hi = lo + tlo, hi + thi
        return lo, hi

    def possible(self, q: Poly) -> int:
        """The signs ``q`` may take on the box (a superset of the true ones: a sound mask)."""
        mask = self._masks.get(q)
        if mask is None:
            lo, hi = self.bounds(q)
            mask = (POS if hi > 0 else 0) | (NEG if lo < 0 else 0) | (ZERO if lo <= 0 <= hi else 0)
            self._masks[q] = mask
        return mask

    # ---- terms ------------------------------------------------------------------------------------

    def restrict(self, term: Term, q: Poly, mask: int) -> Term | None:
        """``term`` and (canonical ``q`` has a sign in ``mask``); None when that is proved empty by the
        constraints on ``q`` alone (the linear program is :meth:`feasible`'s job)."""
        possible = self.possible(q)
        old = term.cons.get(q, possible)
        new = old & mask & possible
        if new == 0:
            return None
        if new == old:
            return term
        cons = dict(term.cons)
        if new == possible:
            cons.pop(q, None)
        else:
            cons[q] = new
        return Term(cons)

    def sign_constraint(self, f: Poly, mask: int) -> tuple[Poly, int] | bool:
        """``f`` has a sign in ``mask``, as a canonical (polynomial, mask) or True/False if decided."""
        if f.is_constant:
            v = f.constant_value
            return bool(mask & (POS if v > 0 else NEG if v < 0 else ZERO))
        known = self._canonical.get(f)
        if known is None:
            known = self._canonical[f] = f.canonical()
        q, s = known
        if s < 0:
            mask = _flip(mask)
        possible = self.possible(q)
        if possible & mask == 0:
            return False
        if possible & ~mask == 0:
            return True
        return q, mask & possible

    def conjoin(self, a: Term, b: Term) -> Term | None:
        """``a`` and ``b`` (None if proved empty; the linear program is left to :meth:`feasible`)."""
        if len(a.cons) < len(b.cons):
            a, b = b, a
        cons = dict(a.cons)
        for q, m in b.cons.items():
            old = cons.get(q)
            if old is None:
                cons[q] = m
            else:
                new = old & m
                if new == 0:
                    return None
                cons[q] = new
        return Term(cons)

    def sample_signs(self, q: Poly) -> tuple[int, int, int]:
        """The sample points of the box where ``q`` is negative, zero, positive (as bit sets)."""
        bits = self._bits.get(q)
        if bits is None:
            bits = self._samples.signs(q)
            self._bits[q] = bits
        return bits

    def witnessed(self, term: Term) -> bool:
        """True when one of the box's sample points (exact) satisfies every constraint of ``term``."""
        hit = self._samples.everywhere
        for q, m in term.cons.items():
            neg, zero, pos = self.sample_signs(q)
            hit &= (neg if m & NEG else 0) | (zero if m & ZERO else 0) | (pos if m & POS else 0)
            if not hit:
                return False
        return True

    def meet(self, a: Term, b: Term) -> Term | None:
        """``a`` and ``b``, or None when that is proved empty: by the constraints on one polynomial, by a
        pair of constraints (one from each; small linear programs, cached) or by :meth:`feasible`."""
        u = self.conjoin(a, b)
        if u is None:
            return None
        if len(u.cons) < 2 or self.witnessed(u):
            return u
        for q1, m1 in a.cons.items():
            v1 = q1.variables()
            for q2, m2 in b.cons.items():
                if q1 == q2 or not v1 & q2.variables():
                    continue
                key = (q1, m1, q2, m2)
                ok = self._pairs.get(key)
                if ok is None:
                    ok = self._pairs[key] = self.feasible(Term({q1: m1, q2: m2}))
                if not ok:
                    return None
        return u if self.feasible(u) else None

    def feasible(self, term: Term) -> bool:
        """False only when ``term`` is proved empty on the box: its constraints (nonlinear ones relaxed)
        admit no point of the box — an exact linear program per group of constraints sharing variables,
        unless a sample point of the box satisfies them all."""
        linear = [(q, m) for q, m in term.cons.items() if m != NEG | POS]
        if len(linear) < 2 or self.witnessed(term):
            return True
        for group in _components(linear):
            if len(group) < 2:
                continue
            key = frozenset(group)
            ok = self._lp.get(key)
            if ok is None:
                ok = self._lp_feasible(group)
                self._lp[key] = ok
            if not ok:
                return False
        return True

    def _lp_feasible(self, group: Sequence[tuple[Poly, int]]) -> bool:
        """Whether the constraints may hold together on the box, by an exact linear program over the
        monomials: each nonlinear monomial is a variable of its own within its range, tied to its factors
        by McCormick's envelopes (1976) for products of two variables and by secants and tangents for
        squares — a relaxation, so "infeasible" is a proof."""
        variables = sorted(set().union(*(q.variables() for q, _ in group)))
        monos = sorted({m for q, _ in group for m in q.terms if sum(m) > 1})
        unit = {j: tuple(int(k == j) for k in range(len(self.names))) for j in variables}
        keys: list[Monomial] = [unit[j] for j in variables] + monos
        index = {m: k for k, m in enumerate(keys)}
        bounds: list[Range] = [(_whole(self.low[j]), _whole(self.high[j])) for j in variables]
        for m in monos:
            lo, hi = self._interval(Poly({m: Fraction(1)}))
            bounds.append((_whole(_finite(lo)), _whole(_finite(hi))))
        # rows: ({variable: coefficient}, constant, relation) meaning  sum + constant  (>= 0 | > 0 | = 0)
        rows: list[LinearRow] = []
        for q, mask in group:
            coeffs: dict[int, Exact] = {}
            const: Exact = 0
            for mono, c in q.integer_terms().items():
                if any(mono):
                    coeffs[index[mono]] = c
                else:
                    const = c
            if mask == ZERO:
                rows.append((coeffs, const, "="))
                continue
            if mask in (NEG, NEG | ZERO):
                coeffs, const = {k: -c for k, c in coeffs.items()}, -const
            rows.append((coeffs, const, ">" if mask in (POS, NEG) else ">="))
        for m in monos:
            rows.extend(self._envelope(m, index))
        return _feasible(rows, bounds)

    def _envelope(self, m: Monomial, index: Mapping[Monomial, int]) -> list[LinearRow]:
        """Valid linear inequalities linking monomial ``m``'s variable to its factors (if they are bounded)."""
        factors = [j for j, e in enumerate(m) if e]
        z = index[m]
        out: list[LinearRow] = []
        unit = {j: tuple(int(k == j) for k in range(len(self.names))) for j in factors}
        if len(factors) == 2 and sum(m) == 2:
            a, b = factors
            la, ha, lb, hb = (_whole(x) for x in (self.low[a], self.high[a], self.low[b], self.high[b]))
            if la is None or ha is None or lb is None or hb is None or unit[a] not in index or unit[b] not in index:
                return out
            xa, xb = index[unit[a]], index[unit[b]]
            # z >= la*xb + lb*xa - la*lb ; z >= ha*xb + hb*xa - ha*hb ; z <= ha*xb + lb*xa - ha*lb ;
            # z <= la*xb + hb*xa - la*hb
            for (ca, cb, k, sign) in ((lb, la, la * lb, 1), (hb, ha, ha * hb, 1), (lb, ha, ha * lb, -1),
                                      (hb, la, la * hb, -1)):
                coeffs: dict[int, Exact] = {z: sign}
                coeffs[xa] = coeffs.get(xa, 0) - sign * ca
                coeffs[xb] = coeffs.get(xb, 0) - sign * cb
                out.append((coeffs, sign * k, ">="))
        elif len(factors) == 1 and sum(m) == 2:
            (a,) = factors
            if unit[a] not in index:
                return out
            xa = index[unit[a]]
            la, ha = _whole(self.low[a]), _whole(self.high[a])
            for x0 in (la, ha):  # tangents below the convex square: z >= 2*x0*x - x0^2
                if x0 is not None:
                    out.append(({z: 1, xa: -2 * x0}, x0 * x0, ">="))
            if la is not None and ha is not None:  # the secant above: z <= (la + ha) * x - la * ha
                out.append(({z: -1, xa: la + ha}, -la * ha, ">="))
        return out

    def with_fixed_values(self, term: Term) -> Term | None:
        """``term`` with the constraints that its equalities ``x = c`` (one variable) decide dropped, or None
        when one of them fails there (``y = 0 & 3*y > 2*x*y + 1``: nonlinear, missed by the programs)."""
        fixed = {}
        for q, m in term.cons.items():
            if m == ZERO and q.is_linear and len(q.variables()) == 1:
                (j,) = q.variables()
                fixed[j] = -q.constant_value  # canonical: x - c with coefficient 1
        if not fixed:
            return term
        keep = dict(term.cons)
        for q, m in term.cons.items():
            if not q.variables() & fixed.keys() or (m == ZERO and q.is_linear and len(q.variables()) == 1):
                continue
            r = q
            for j, c in fixed.items():
                if j in r.variables():
                    r = r.substitute(j, c)
            if r.is_constant:
                if not m & _constant_mask(r):
                    return None
                del keep[q]
        return term if len(keep) == len(term.cons) else Term(keep)

    def implied_by_one(self, term: Term, q: Poly) -> bool:
        """True when another constraint ``q2 in m2`` of ``term`` implies ``term``'s constraint on ``q``
        because ``q - q2`` has one sign on the whole box (a quick test before :meth:`implied`)."""
        m = term.cons[q]
        lead = q.leading()[0]
        for q2, m2 in term.cons.items():
            if q2 is q or q2 == q or q2.leading()[0] != lead:  # q - q2 rarely has one sign otherwise
                continue
            key = (q, q2)
            d = self._differences.get(key)
            if d is None:
                d = self.possible(q - q2) if not (q - q2).is_constant else _constant_mask(q - q2)
                self._differences[key] = d
            if d & ~(POS | ZERO) == 0 and _stronger(m2, m, POS):  # q >= q2 on the box
                return True
            if d & ~(NEG | ZERO) == 0 and _stronger(m2, m, NEG):  # q <= q2 on the box
                return True
        return False

    def implied(self, term: Term, q: Poly) -> bool:
        """True when ``term``'s constraint on ``q`` is implied on the box by its other constraints."""
        mask = term.cons[q]
        rest = Term({p: m for p, m in term.cons.items() if p != q})
        other = self.possible(q) & ~mask
        for part in (NEG, ZERO, POS):
            if other & part:
                t = self.restrict(rest, q, part)
                if t is not None and self.feasible(t):
                    return False
        return True


def _feasible(rows: Sequence[LinearRow], bounds: Sequence[Range]) -> bool:
    """Whether some point with each variable within ``bounds`` satisfies every row (``sum of coefficient
    * variable + constant`` ``>= 0``, ``> 0`` or ``= 0``): an exact presolve, then
    :func:`kimgame.solvers.lp_certify.feasibility` (a certified answer: an exact point or a Farkas
    certificate, else the exact simplex)."""
    from kimgame.solvers.lp_certify import feasibility

    presolved = _presolve(rows, bounds)
    if presolved is None:
        return False
    if not presolved:
        return True
    n = len(bounds)
    dense = [([coeffs.get(k, 0) for k in range(n)], const, rel) for coeffs, const, rel in presolved]
    return feasibility(dense, n, bounds, point=False).feasible


def _presolve(rows: Sequence[LinearRow], bounds: Sequence[Range]) -> list[LinearRow] | None:
    """Remove variables that occur in a single inequality: that row is then best served by the variable's
    best end of range (or always satisfiable when that end is infinite). Rows left without variables are
    checked. Exact for feasibility; None when a row is proved unsatisfiable."""
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


def _whole(x: Fraction | None) -> Exact | None:
    """``x`` as an int when it is a whole number (integer arithmetic is much faster)."""
    if x is not None and x.denominator == 1:
        return x.numerator
    return x


def _finite(x: Fraction | float) -> Fraction | None:
    """An end of an interval from :meth:`Box.bounds`: None when infinite (the only floats it holds)."""
    return x if isinstance(x, Fraction) else None


class _Samples:
    """Exact sample points of the box (seeded: the same every run), to prove terms non-empty quickly.

    Coordinates are multiples of ``1/den``: many on the ends of the ranges and on small whole numbers
    (so that ties such as ``E = P + L`` and faces such as ``c = 0`` are hit), the rest spread over the
    ranges. Values are computed in integers (numpy) with ``q`` scaled by a positive factor."""

    COUNT = 512

    def __init__(self, low: Sequence[Fraction | None], high: Sequence[Fraction | None]) -> None:
        import random

        import numpy as np

        rng = random.Random(20181)
        points: list[list[Fraction]] = []
        for k in range(self.COUNT):
            style = k % 5
            point = []
            for lo, hi in zip(low, high):
                a = Fraction(-10) if lo is None else lo
                b = (a + 20) if hi is None else hi
                span = b - a
                if style == 4:  # spread over the range
                    x = a + span * Fraction(rng.randint(0, 240), 240)
                elif rng.random() < (0.35 if style >= 2 else 0.15):
                    x = a if lo is not None or rng.random() < 0.5 else b
                elif span > 12:
                    x = a + rng.randint(1, 8)
                else:
                    x = a + span * Fraction(rng.choice((1, 2, 3, 4, 6, 8, 9, 10, 11)), 12)
                point.append(x)
            points.append(point)
        self.den = math.lcm(*(x.denominator for p in points for x in p)) if points and points[0] else 1
        cols = [[int(p[j] * self.den) for p in points] for j in range(len(low))]
        big = max((abs(x) for c in cols for x in c), default=1)
        self.big = max(big, self.den, 1)
        self.np = np
        self.cols = [np.array(c, dtype=np.int64) for c in cols]
        self.cols_obj = [np.array(c, dtype=object) for c in cols]
        self.count = len(points)
        self.everywhere = (1 << self.count) - 1

    def signs(self, q: Poly) -> tuple[int, int, int]:
        np = self.np
        deg = max((sum(m) for m in q.terms), default=0)
        den = math.lcm(*(c.denominator for c in q.terms.values())) if q.terms else 1
        coeffs = {m: int(c * den) * self.den ** (deg - sum(m)) for m, c in q.terms.items()}
        bound = sum(abs(c) * self.big ** sum(m) for m, c in coeffs.items())
        cols = self.cols if bound < 2**62 else self.cols_obj
        total = np.zeros(self.count, dtype=np.int64 if bound < 2**62 else object)
        for m, c in coeffs.items():
            term = np.full(self.count, c, dtype=total.dtype)
            for j, e in enumerate(m):
                if e:
                    term = term * cols[j] ** e
            total = total + term

        def bits(flags) -> int:
            return int.from_bytes(np.packbits(np.asarray(flags, dtype=bool), bitorder="little").tobytes(), "little")

        return bits(total < 0), bits(total == 0), bits(total > 0)


def _components(linear: Sequence[tuple[Poly, int]]) -> list[list[tuple[Poly, int]]]:
    """Group constraints that share variables (connected components)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    vars_of = [q.variables() for q, _ in linear]
    for vs in vars_of:
        first = None
        for v in vs:
            if first is None:
                first = find(v)
            else:
                parent[find(v)] = first
    groups: dict[int, list[tuple[Poly, int]]] = {}
    for item, vs in zip(linear, vars_of):
        root = find(next(iter(vs))) if vs else -1
        groups.setdefault(root, []).append(item)
    return list(groups.values())


def _stronger(m2: int, m: int, side: int) -> bool:
    """With ``q`` on the ``side`` (POS or NEG) of ``q2``: does ``q2 in m2`` force ``q in m``?"""
    return (m2 & ~side == 0 and m & side == side) or (m2 & ~(side | ZERO) == 0 and m & (side | ZERO) == side | ZERO)


def _constant_mask(q: Poly) -> int:
    v = q.constant_value
    return POS if v > 0 else NEG if v < 0 else ZERO


def _flip(mask: int) -> int:
    """The mask of ``-q`` given that of ``q``."""
    return (mask & ZERO) | (POS if mask & NEG else 0) | (NEG if mask & POS else 0)


def _mul(a: Fraction | float, b: Fraction | float) -> Fraction | float:
    if a == 0 or b == 0:
        return Fraction(0)
    return a * b


def _power_interval(a: Fraction | float, b: Fraction | float, e: int) -> tuple[Fraction | float, Fraction | float]:
    if e % 2 == 1 or a >= 0:
        return a**e, b**e
    if b <= 0:
        return b**e, a**e
    return Fraction(0), max(a**e, b**e)


# --------------------------------------------------------------------------------------------------
# regions: lists of terms


def simplify_region(terms: Iterable[Term], box: Box, *, thorough: bool = True) -> list[Term]:
    """An equivalent, smaller list of terms: duplicates and terms implied by another dropped, pairs of
    terms that differ in one constraint merged (``A & q>0 | A & q=0`` is ``A & q>=0``), and — with
    ``thorough`` — constraints implied by the rest of their term on the box dropped (exact linear
    programs). Every step keeps the union exactly the same on the box."""
    current = _dedupe(terms)
    while True:
        merged = _merge_pairs(current, box)
        merged = drop_subsumed(merged)
        if set(merged) == set(current):
            break
        current = merged
    if thorough:
        lean = []
        for given in current:
            t = box.with_fixed_values(given)
            if t is None:
                continue
            for q in sorted(t.cons, key=_poly_order):
                if box.implied_by_one(t, q) or box.implied(t, q):
                    t = Term({p: m for p, m in t.cons.items() if p != q})
            lean.append(t)
        current = _dedupe(lean)
        while True:
            merged = drop_subsumed(_merge_pairs(current, box))
            if set(merged) == set(current):
                break
            current = merged
    return sorted(current, key=_term_order)


def _dedupe(terms: Iterable[Term]) -> list[Term]:
    seen: dict[frozenset, Term] = {}
    for t in terms:
        seen.setdefault(t.key, t)
    return list(seen.values())


def _merge_pairs(terms: list[Term], box: Box) -> list[Term]:
    """Merge terms that differ only in the constraint on one polynomial: ``R & q in m1`` and
    ``R & q in m2`` become ``R & q in m1|m2`` (and ``R`` when that allows every sign on the box)."""
    if any(not t.cons for t in terms):
        return [TRUE]
    out = list(terms)
    changed = True
    while changed:
        changed = False
        by_rest: dict[tuple[frozenset, Poly], int] = {}
        for t in out:
            for q, m in t.cons.items():
                key = (t.key - {(q, m)}, q)
                by_rest[key] = by_rest.get(key, 0) | m
        new = []
        for t in out:
            for q, m in sorted(t.cons.items(), key=lambda item: _poly_order(item[0])):
                wider = by_rest[(t.key - {(q, m)}, q)]
                if wider != m:  # widen one constraint per pass: two at once could cover more than the union
                    changed = True
                    cons = dict(t.cons)
                    if wider & box.possible(q) == box.possible(q):
                        del cons[q]
                    else:
                        cons[q] = wider
                    if not cons:
                        return [TRUE]
                    t = Term(cons)
                    break
            new.append(t)
        out = _dedupe(new)
    return out


def drop_subsumed(terms: list[Term]) -> list[Term]:
    """The terms without duplicates and without those that (syntactically) imply another."""
    terms = _dedupe(terms)
    ordered = sorted(terms, key=len)
    kept: list[Term] = []
    for t in ordered:
        if not any(t.implies(k) for k in kept):
            kept.append(t)
    return kept


def _poly_order(q: Poly) -> tuple:
    return tuple(sorted(((-sum(m), m, c) for m, c in q.terms.items())))


def _term_order(t: Term) -> tuple:
    return (len(t.cons), sorted((_poly_order(q), m) for q, m in t.cons.items()))


# --------------------------------------------------------------------------------------------------
# writing regions as sympy Booleans


def region_to_sympy(terms: Sequence[Term], box: Box) -> sympy.Boolean:
    """The region as ``Or(And(relations...), ...)`` (``true``/``false`` when trivial); every relation
    written with integer coefficients, positive terms on the left (``W + K >= H + 2*S``)."""
    import sympy

    if not terms:
        return sympy.false
    symbols = [sympy.Symbol(name, real=True) for name in box.names]
    relations: dict[tuple[Poly, int], sympy.Boolean] = {}
    disjuncts = []
    for t in terms:
        if not t.cons:
            return sympy.true
        parts = []
        for q, m in t.cons.items():
            rel = relations.get((q, m))
            if rel is None:
                rel = relations[(q, m)] = relation(q, m, symbols)
            parts.append(rel)
        disjuncts.append(sympy.And(*parts))
    return sympy.Or(*disjuncts)


def relation(q: Poly, mask: int, symbols: Sequence[sympy.Symbol]) -> sympy.Boolean:
    """The constraint "``q`` has a sign in ``mask``" as a sympy relation with integer coefficients."""
    import sympy

    if mask in (NEG, NEG | ZERO):
        q, mask = -q, _flip(mask)
    den = math.lcm(*(c.denominator for c in q.terms.values()))
    ints = {m: int(c * den) for m, c in q.terms.items()}
    g = math.gcd(*ints.values())
    pos = [(m, c // g) for m, c in ints.items() if c > 0]
    neg = [(m, -c // g) for m, c in ints.items() if c < 0]

    def side(items: list[tuple[Monomial, int]]) -> sympy.Expr:
        parts = []
        for m, c in items:
            factors = [sympy.Integer(c)] + [symbols[j] ** e for j, e in enumerate(m) if e]
            parts.append(sympy.Mul(*factors))
        return sympy.Add(*parts)

    lhs, rhs = side(pos), side(neg)
    swap = not any(any(m) for m, _ in pos)  # only a constant on the left: put the variables first
    if mask == ZERO:
        return sympy.Eq(rhs, lhs, evaluate=False) if swap else sympy.Eq(lhs, rhs, evaluate=False)
    if mask == NEG | POS:
        return sympy.Ne(rhs, lhs, evaluate=False) if swap else sympy.Ne(lhs, rhs, evaluate=False)
    if mask == POS:
        return sympy.Lt(rhs, lhs, evaluate=False) if swap else sympy.Gt(lhs, rhs, evaluate=False)
    return sympy.Le(rhs, lhs, evaluate=False) if swap else sympy.Ge(lhs, rhs, evaluate=False)
