"""Polynomials, rational functions and sign constraints, with exact rational coefficients.

The algebra of :mod:`kimgame.analysis.sign_regions` (free of sympy):

* :class:`Poly`: a polynomial in the game's parameters with exact rational coefficients;
  :class:`Ratio`: a quotient of two of them whose denominator keeps one sign on the parameter box.
* A *constraint* is a canonical polynomial ``q`` (leading coefficient 1) with a *sign mask*, the set of
  signs of ``q`` allowed: a subset of {negative, zero, positive} (``q > 0``, ``q >= 0``, ``q = 0``,
  ``q != 0``, ...). Writing ``q`` and ``-q`` alike keeps identical conditions identical.
* A :class:`Term` is a conjunction of constraints, one per polynomial; a region is a list of terms
  (a disjunction).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

NEG, ZERO, POS = 1, 2, 4

Monomial = tuple[int, ...]


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


def constant_mask(q: Poly) -> int:
    """The sign of the constant polynomial ``q`` as a mask."""
    v = q.constant_value
    return POS if v > 0 else NEG if v < 0 else ZERO


def flip_mask(mask: int) -> int:
    """The mask of ``-q`` given that of ``q``."""
    return (mask & ZERO) | (POS if mask & NEG else 0) | (NEG if mask & POS else 0)
