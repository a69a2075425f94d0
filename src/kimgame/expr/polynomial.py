"""Exact polynomials and rational functions of the parameters, and formulas converted to them (no sympy).

* :class:`Poly`: a polynomial with exact rational coefficients, ``{exponents: coefficient}``, its
  exponent tuples indexed by an ordered list of variables (the box of declared ranges orders them by name).
* :class:`Ratio`: a quotient of two of them.
* :func:`rational_function`: an expression as a :class:`Ratio`, one :func:`~kimgame.expr.tree.fold` over
  it. Polynomials and quotients have a unique normal form up to the quotient (``a/b = c/d`` exactly when
  ``a*d - c*b`` is the zero polynomial), so :func:`equal_as_functions` decides identities exactly.

The region prover of :mod:`kimgame.analysis` signs them on the box of declared ranges; chance
probabilities (:mod:`kimgame.model.probabilities`) are compared and bounded with them.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction

from kimgame.errors import KimgameError
from kimgame.expr.tree import Expr, fold, parameters_of

Monomial = tuple[int, ...]
MAX_EXPONENT = 64  # larger powers of parameter expressions are refused
MAX_TERMS = 10_000  # products that could expand beyond this many terms are refused


class Poly:
    """A polynomial with exact rational coefficients: ``{exponents: coefficient}``, no zero coefficients.

    Exponent tuples are indexed by an ordered list of variables (the region prover's box orders them by
    name). Immutable and hashable (equal polynomials compare and hash equal)."""

    __slots__ = ("_hash", "_ints", "_lead", "_vars", "terms")

    def __init__(self, terms: Mapping[Monomial, Fraction]) -> None:
        self.terms = dict(terms)
        self._lead: tuple[Monomial, Fraction] | None = None
        self._hash: int | None = None
        self._vars: frozenset[int] | None = None
        self._ints: dict[Monomial, int] | None = None

    @classmethod
    def constant(cls, value: Fraction | int, n: int) -> Poly:
        """The constant ``value`` as a polynomial in ``n`` variables."""
        return cls({(0,) * n: Fraction(value)} if value else {})

    @classmethod
    def variable(cls, j: int, n: int) -> Poly:
        """Variable ``j`` of ``n``."""
        return cls({tuple(int(k == j) for k in range(n)): Fraction(1)})

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
        return _collect(dict(self.terms), other.terms.items())

    def __neg__(self) -> Poly:
        return Poly({m: -c for m, c in self.terms.items()})

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly) -> Poly:
        if self.is_constant:
            return other.scale(self.constant_value)
        if other.is_constant:
            return self.scale(other.constant_value)
        return _collect({}, ((tuple(map(operator.add, m1, m2)), c1 * c2)
                             for m1, c1 in self.terms.items() for m2, c2 in other.terms.items()))

    def scale(self, k: Fraction) -> Poly:
        """``k`` times the polynomial."""
        if not k:
            return Poly({})
        if k == 1:
            return self
        return Poly({m: c * k for m, c in self.terms.items()})

    @property
    def is_zero(self) -> bool:
        """Whether this is the zero polynomial (no terms)."""
        return not self.terms

    @property
    def is_constant(self) -> bool:
        """Whether no variable occurs (the zero polynomial included)."""
        return not self.terms or (len(self.terms) == 1 and not any(next(iter(self.terms))))

    @property
    def constant_value(self) -> Fraction:
        """The constant term (the value, for a constant polynomial)."""
        for m, c in self.terms.items():
            if not any(m):
                return c
        return Fraction(0)

    @property
    def is_linear(self) -> bool:
        """Whether every term has degree at most one (constants included)."""
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
        return _collect({}, ((m[:j] + (0,) + m[j + 1:], c * value ** m[j]) if m[j] else (m, c)
                             for m, c in self.terms.items()))

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


def _collect(out: dict[Monomial, Fraction], terms: Iterable[tuple[Monomial, Fraction]]) -> Poly:
    """The polynomial ``out`` plus ``terms`` (like monomials added up, zero coefficients dropped)."""
    for m, c in terms:
        s = out.get(m, 0) + c
        if s:
            out[m] = s
        else:
            out.pop(m, None)
    return Poly(out)


class Ratio:
    """``num / den``: a rational function, normalised so that a constant denominator is 1 and a leading
    coefficient of ``den`` is ±1 (scaling by positive numbers only, so ``den`` keeps its sign: the region
    prover keeps it positive on the box of declared ranges).

    Payoffs and probabilities are polynomials in practice; a quotient appears only where a formula
    divides by a parameter expression."""

    __slots__ = ("den", "num")

    def __init__(self, num: Poly, den: Poly) -> None:
        _, lead = den.leading()
        if lead == 1:
            pass
        elif den.is_constant:  # a plain polynomial: denominator 1
            num, den = num.scale(1 / lead), Poly({m: Fraction(1) for m in den.terms})
        elif abs(lead) != 1:  # scale by a positive number only: the denominator keeps its sign
            num, den = num.scale(1 / abs(lead)), den.scale(1 / abs(lead))
        self.num = num
        self.den = den

    @classmethod
    def constant(cls, value: Fraction | int, n: int) -> Ratio:
        """The constant ``value`` in ``n`` variables."""
        return cls(Poly.constant(value, n), Poly.constant(1, n))

    def inverse(self) -> Ratio:
        """``1 / self``; :class:`KimgameError` for the zero function."""
        if self.num.is_zero:
            raise KimgameError("division by zero")
        return Ratio(self.den, self.num)

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
        """Whether this is the zero function (its numerator is zero)."""
        return self.num.is_zero

    @property
    def is_one(self) -> bool:
        """Whether this is the constant 1 (a constant denominator is normalised to 1)."""
        return self.den.is_constant and self.num.is_constant and self.num.constant_value == 1


def rational_function(e: Expr, index: Mapping[str, int], inverse: Callable[[Ratio], Ratio] | None = None) -> Ratio:
    """``e`` as an exact quotient of polynomials in the variables of ``index`` (name -> position).

    Divisions go through ``inverse`` (default :meth:`Ratio.inverse`; the region prover's keeps the
    denominator positive on its box). ``NotImplementedError`` for what has no such form here:
    ``min``/``max``/``abs``, exponents that are not whole constants or exceed :data:`MAX_EXPONENT`,
    products that could expand beyond :data:`MAX_TERMS` terms; :class:`KimgameError` for a division by
    the zero polynomial."""
    n = len(index)
    invert = inverse or Ratio.inverse
    one = Poly.constant(1, n)  # one denominator shared by every polynomial (its leading term computed once)

    def times(a: Ratio, b: Ratio) -> Ratio:
        if len(a.num.terms) * len(b.num.terms) > MAX_TERMS or len(a.den.terms) * len(b.den.terms) > MAX_TERMS:
            raise NotImplementedError(f"the parameter condition is only available numerically for expansions above "
                                      f"{MAX_TERMS} terms")
        return a * b

    def power(a: Ratio, b: Ratio) -> Ratio:
        if not (b.num.is_constant and b.den.is_constant) or b.num.constant_value.denominator != 1:
            raise NotImplementedError("the parameter condition needs whole-number constant exponents")
        k = int(b.num.constant_value)
        if abs(k) > MAX_EXPONENT:
            raise NotImplementedError(f"the parameter condition is only available numerically for powers above "
                                      f"{MAX_EXPONENT}")
        base = a if k >= 0 else invert(a)
        return functools.reduce(times, [base] * abs(k), Ratio(one, one))

    def call(func: str, args: list[Ratio]) -> Ratio:
        raise NotImplementedError(f"the parameter condition is only available numerically for formulas with {func}(); "
                                  "write the cases as separate branches of the tree instead")

    ops = {"+": operator.add, "-": operator.sub, "*": times, "/": lambda a, b: times(a, invert(b)), "**": power}
    return fold(e, lambda q: Ratio(Poly.constant(q, n), one), lambda name: Ratio(Poly.variable(index[name], n), one),
                operator.neg, ops, call)


def _exact(exprs: Sequence[Expr]) -> tuple[list[str], list[Ratio]] | None:
    """The parameters of ``exprs`` (sorted) and each as a :class:`Ratio` in them; None where one has no exact form."""
    names = sorted(frozenset().union(*(parameters_of(e) for e in exprs)))
    index = {name: j for j, name in enumerate(names)}
    try:
        return names, [rational_function(e, index) for e in exprs]
    except (NotImplementedError, KimgameError):
        return None


def equal_as_functions(a: Sequence[Expr], b: Expr) -> bool | None:
    """Whether the sum of ``a`` equals ``b`` identically: True/False when decidable exactly here (sums,
    products, quotients, whole constant powers), None otherwise (``min``/``max``/``abs``, huge powers)."""
    exact = _exact([*a, b])
    if exact is None:
        return None
    *terms, target = exact[1]
    return functools.reduce(operator.add, terms, -target).is_zero


def polynomial_degrees(e: Expr) -> dict[str, int] | None:
    """The degree of ``e`` in each of its parameters, or None when ``e`` is not a polynomial (a quotient
    by a non-constant, ``min``/``max``/``abs``, ...)."""
    exact = _exact([e])
    if exact is None or not exact[1][0].den.is_constant:
        return None
    names, (r,) = exact
    return {name: max((m[j] for m in r.num.terms), default=0) for j, name in enumerate(names)}
