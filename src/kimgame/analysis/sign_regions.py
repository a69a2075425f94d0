"""The region prover: exact regions of parameter space as unions of sign conditions on polynomials.

The one place where conditions are simplified, for matrix claims (dominance, pure equilibria:
:mod:`kimgame.analysis.payoff_regions`), tree claims (symbolic backward induction:
:mod:`kimgame.analysis.tree_conditions`) and parametric equilibria alike; kept free of sympy (exact
``Fraction`` arithmetic on small sparse polynomials; sympy only writes the result). A region is a list of
:class:`~kimgame.analysis.sign_terms.Term` (a disjunction of conjunctions of sign constraints),
simplified here on the box of declared ranges (:class:`~kimgame.analysis.sign_box.Box`, which proves
every step) and written as a sympy Boolean: integer coefficients, positive terms on the left
(``K > H*e``), one parameter against a threshold (``p_insult > 1/6``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_terms import NEG, POS, TRUE, ZERO, Term, flip_mask
from kimgame.expr.polynomial import Monomial, Poly

if TYPE_CHECKING:  # pragma: no cover
    import sympy


# --------------------------------------------------------------------------------------------------
# regions: lists of terms


def simplify_region(terms: Iterable[Term], box: Box, *, thorough: bool = True) -> list[Term]:
    """An equivalent, smaller list of terms: duplicates and terms implied by another dropped, pairs of
    terms that differ in one constraint merged (``A & q>0 | A & q=0`` is ``A & q>=0``), and — with
    ``thorough`` — constraints implied by the rest of their term on the box dropped (exact linear
    programs). Every step keeps the union exactly the same on the box."""
    current = _merged(_dedupe(terms), box)
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
        current = _merged(_dedupe(lean), box)
        if len(current) <= MAX_COVER_CHECKS:
            current = _drop_covered(current, box)
    return sorted(current, key=_term_order)


MAX_COVER_CHECKS = 40  # terms: above this, terms inside another are dropped only when syntactically so


def _drop_covered(terms: list[Term], box: Box) -> list[Term]:
    """The terms without those that lie inside another on the box (``V = 0`` goes beside ``C >= V`` when
    ``C >= 0``): ``t`` is inside ``k`` when ``t`` and the negation of each constraint of ``k`` is empty."""
    kept = list(terms)
    for t in sorted(terms, key=len, reverse=True):
        for k in kept:
            if k is not t and all(_outside_empty(t, q, m, box) for q, m in k.cons.items()):
                kept.remove(t)
                break
    return kept


def _outside_empty(t: Term, q: Poly, m: int, box: Box) -> bool:
    """Whether ``t`` and ``q`` outside ``m`` is proved empty on the box."""
    u = box.restrict(t, q, box.possible(q) & ~m)
    u = None if u is None else box.with_fixed_values(u)
    return u is None or not box.feasible(u)


def _merged(current: list[Term], box: Box) -> list[Term]:
    """Pairs merged and subsumed terms dropped until nothing changes."""
    while True:
        merged = drop_subsumed(_merge_pairs(current, box))
        if set(merged) == set(current):
            return current
        current = merged


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


def intersection(regions: Iterable[list[Term]], box: Box) -> list[Term]:
    """The region where all of ``regions`` hold: every choice of one term from each met on ``box``
    (:meth:`~kimgame.analysis.sign_box.Box.meet`, which drops what it proves empty), subsumed terms dropped."""
    out = [TRUE]
    for region in regions:
        out = drop_subsumed([u for s in out for t in region if (u := box.meet(s, t)) is not None])
        if not out:
            break
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


def product_region(factors: Sequence[tuple[Poly, int]], mask: int, box: Box) -> list[Term]:
    """The region where ``f1**e1 * f2**e2 * ...`` has a sign in ``mask``: a term for each choice of the
    factors' signs (those possible on the box) whose product has such a sign, so that ``y*(x - 2) = 0``
    is ``y = 0 | x = 2`` and ``y**2 = 0`` is ``y = 0``."""
    partial: list[tuple[Term, int]] = [(TRUE, POS)]
    for f, e in factors:
        nxt = []
        for t, sign in partial:
            for part in (NEG, ZERO, POS):
                c = box.sign_constraint(f, part)
                if c is False:
                    continue
                u = t if c is True else box.restrict(t, c[0], c[1])
                if u is not None:
                    nxt.append((u, _times(sign, part, e)))
        partial = nxt
    return _dedupe(t for t, sign in partial if sign & mask and box.feasible(t))


def _times(sign: int, part: int, e: int) -> int:
    """The sign of ``a * f**e`` from the signs of ``a`` and ``f``."""
    if part == ZERO or sign == ZERO:
        return ZERO
    if part == NEG and e % 2:
        return flip_mask(sign)
    return sign


# --------------------------------------------------------------------------------------------------
# writing regions as sympy Booleans


def region_to_sympy(terms: Sequence[Term], box: Box) -> sympy.Boolean:
    """The region as ``Or(And(relations...), ...)`` (``true``/``false`` when trivial); every relation
    written with integer coefficients, positive terms on the left (``W + K >= H + 2*S``), one parameter
    against a threshold (``x > 1/6``), and the values a term fixes (``c = 0``) written into its other
    relations."""
    import sympy

    if not terms:
        return sympy.false
    symbols = [sympy.Symbol(name, real=True) for name in box.names]
    relations: dict[tuple[Poly, int], sympy.Boolean] = {}
    disjuncts = []
    for given in terms:
        if not given.cons:
            return sympy.true
        t = box.with_fixed_values(given, substitute=True)  # c = 0 & M >= R + c is written c = 0 & M >= R
        if t is None:
            continue
        parts = []
        for q, m in t.cons.items():
            rel = relations.get((q, m))
            if rel is None:
                rel = relations[(q, m)] = relation(q, m, symbols)
            parts.append(rel)
        disjuncts.append(sympy.And(*parts))
    return sympy.Or(*disjuncts)


def integer_sides(q: Poly, mask: int) -> tuple[list[tuple[Monomial, int]], list[tuple[Monomial, int]], int]:
    """The constraint "``q`` has a sign in ``mask``" as ``lhs op rhs`` with ``op`` one of ``> >= == !=``:
    the terms of each side (monomial, positive coprime integer coefficient) and the mask of ``op``."""
    if mask in (NEG, NEG | ZERO):
        q, mask = -q, flip_mask(mask)
    ints = q.integer_terms()
    g = math.gcd(*ints.values())
    return [(m, c // g) for m, c in ints.items() if c > 0], [(m, -c // g) for m, c in ints.items() if c < 0], mask


def relation(q: Poly, mask: int, symbols: Sequence[sympy.Symbol]) -> sympy.Boolean:
    """The constraint "``q`` has a sign in ``mask``" as a sympy relation with integer coefficients."""
    import sympy

    if mask in (NEG, NEG | ZERO):
        q, mask = -q, flip_mask(mask)
    if q.is_linear and len(q.variables()) == 1:  # one parameter: against a threshold, x > 1/6
        return _threshold(q, mask, symbols)
    pos, neg, mask = integer_sides(q, mask)

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


def _threshold(q: Poly, mask: int, symbols: Sequence[sympy.Symbol]) -> sympy.Boolean:
    """``a*x + b`` (``a != 0``) with a sign in ``mask``, written as ``x`` against ``-b/a``."""
    import sympy

    (j,) = q.variables()
    a = next(c for m, c in q.terms.items() if any(m))
    t = -q.constant_value / a
    x, rhs = symbols[j], sympy.Rational(t.numerator, t.denominator)
    if a < 0:
        mask = flip_mask(mask)
    if mask == ZERO:
        return sympy.Eq(x, rhs, evaluate=False)
    if mask == NEG | POS:
        return sympy.Ne(x, rhs, evaluate=False)
    if mask == POS:
        return sympy.Gt(x, rhs, evaluate=False)
    if mask == NEG:
        return sympy.Lt(x, rhs, evaluate=False)
    return sympy.Ge(x, rhs, evaluate=False) if mask == POS | ZERO else sympy.Le(x, rhs, evaluate=False)
