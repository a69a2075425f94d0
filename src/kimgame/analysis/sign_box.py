"""The box of declared parameter ranges, with exact tests of emptiness and of truth on the whole box.

:class:`Box` prunes exactly: a term (:class:`~kimgame.analysis.sign_terms.Term`) is dropped only
when it is *proved* empty on the box (a constraint no point of the box satisfies — by exact ranges of
linear and multilinear polynomials, sound interval bounds otherwise —, two constraints on the same
polynomial that exclude each other, or a linear program over the linear constraints proved infeasible
by :func:`kimgame.solvers.lp_certify.feasibility`, see :mod:`kimgame.analysis.box_linear_programs`); a
constraint is dropped only when it is proved to hold on the whole box.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from kimgame.analysis.box_linear_programs import Exact, LinearRow, Range, feasible_rows, whole
from kimgame.analysis.box_samples import BoxSamples
from kimgame.analysis.sign_terms import NEG, POS, ZERO, Term, constant_mask, flip_mask
from kimgame.expr.polynomial import Monomial, Poly, Ratio
from kimgame.model.parameters import Parameter

MAX_SUBSTITUTIONS = 6  # exact range of a multilinear polynomial: vertices over at most this many variables


class Box:
    """The declared parameter ranges, with exact tests of emptiness and of truth on the whole box."""

    def __init__(self, parameters: Sequence[Parameter]) -> None:
        ordered = sorted(parameters, key=lambda p: p.name)
        self.names: tuple[str, ...] = tuple(p.name for p in ordered)
        self.low: tuple[Fraction | None, ...] = tuple(p.low for p in ordered)
        self.high: tuple[Fraction | None, ...] = tuple(p.high for p in ordered)
        self.index = {name: j for j, name in enumerate(self.names)}
        self._masks: dict[Poly, int] = {}
        self._lp: dict[frozenset, bool] = {}
        self._bits: dict[Poly, tuple[int, int, int]] = {}
        self._differences: dict[tuple[Poly, Poly], int] = {}
        self._pairs: dict[tuple[Poly, int, Poly, int], bool] = {}
        self._canonical: dict[Poly, tuple[Poly, int]] = {}
        self._samples = BoxSamples(self.low, self.high)

    # ---- polynomials ---------------------------------------------------------------------------

    def ratio(self, value: Fraction | int) -> Ratio:
        """The constant ``value`` as a rational function of the box's variables."""
        return Ratio.constant(value, len(self.names))

    # ---- ranges on the box -----------------------------------------------------------------------

    def bounds(self, q: Poly, depth: int = 0) -> tuple[Fraction | float, Fraction | float]:
        """Sound bounds ``(lo, hi)`` on ``q`` over the box (``±inf`` for unbounded); exact when ``q`` is
        linear, or multilinear in its nonlinear variables (a function affine in each variable separately
        takes its extremes at the vertices of the box)."""
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
            mask = flip_mask(mask)
        if len(q.terms) == 1:  # a power of one parameter, y**k: the sign of y, or (k even) whether y = 0
            (mono,) = q.terms
            if len(q.variables()) == 1 and sum(mono) > 1:
                (j,) = q.variables()
                if sum(mono) % 2 == 0:
                    mask = (mask & ZERO) | (NEG | POS if mask & POS else 0)
                q = Poly.variable(j, len(mono))
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
        bounds: list[Range] = [(whole(self.low[j]), whole(self.high[j])) for j in variables]
        for m in monos:
            lo, hi = self._interval(Poly({m: Fraction(1)}))
            bounds.append((whole(_finite(lo)), whole(_finite(hi))))
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
        return feasible_rows(rows, bounds)

    def _envelope(self, m: Monomial, index: Mapping[Monomial, int]) -> list[LinearRow]:
        """Valid linear inequalities linking monomial ``m``'s variable to its factors (if they are bounded)."""
        factors = [j for j, e in enumerate(m) if e]
        z = index[m]
        out: list[LinearRow] = []
        unit = {j: tuple(int(k == j) for k in range(len(self.names))) for j in factors}
        if len(factors) == 2 and sum(m) == 2:
            a, b = factors
            la, ha, lb, hb = (whole(x) for x in (self.low[a], self.high[a], self.low[b], self.high[b]))
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
            la, ha = whole(self.low[a]), whole(self.high[a])
            for x0 in (la, ha):  # tangents below the convex square: z >= 2*x0*x - x0^2
                if x0 is not None:
                    out.append(({z: 1, xa: -2 * x0}, x0 * x0, ">="))
            if la is not None and ha is not None:  # the secant above: z <= (la + ha) * x - la * ha
                out.append(({z: -1, xa: la + ha}, -la * ha, ">="))
        return out

    def with_fixed_values(self, term: Term, *, substitute: bool = False) -> Term | None:
        """``term`` without the constraints that its equalities ``x = c`` (one variable) decide, or None when
        one of them then fails (``y = 0 & 3*y > 2*x*y + 1``: nonlinear, missed by the programs); with
        ``substitute`` the values are also written into the constraints they do not decide (``c = 0 &
        M >= R + c`` is ``c = 0 & M >= R``)."""
        fixed = {}
        for q, m in term.cons.items():
            if m == ZERO and q.is_linear and len(q.variables()) == 1:
                (j,) = q.variables()
                fixed[j] = -q.constant_value  # canonical: x - c with coefficient 1
        if not fixed:
            return term
        keep: dict[Poly, int] = {}
        changed = False
        for q, m in term.cons.items():
            if not q.variables() & fixed.keys() or (m == ZERO and q.is_linear and len(q.variables()) == 1):
                keep[q] = keep.get(q, m) & m
                continue
            r = q
            for j, c in fixed.items():
                if j in r.variables():
                    r = r.substitute(j, c)
            c2 = self.sign_constraint(r, m)
            if c2 is False:
                return None
            if c2 is True:
                changed = True
            elif substitute:
                changed = True
                keep[c2[0]] = keep.get(c2[0], c2[1]) & c2[1]
            else:
                keep[q] = keep.get(q, m) & m
        if any(m == 0 for m in keep.values()):
            return None
        return Term(keep) if changed else term

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
                d = self.possible(q - q2) if not (q - q2).is_constant else constant_mask(q - q2)
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


def _finite(x: Fraction | float) -> Fraction | None:
    """An end of an interval from :meth:`Box.bounds`: None when infinite (the only floats it holds)."""
    return x if isinstance(x, Fraction) else None


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
