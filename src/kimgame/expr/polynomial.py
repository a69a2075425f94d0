"""Exact polynomial normal form of an expression (no sympy): a dict from monomials to coefficients.

A monomial is a sorted tuple of ``(parameter, power)`` pairs. Expressions that are polynomials in the
parameters (sums, products, whole non-negative powers, division by constants) have a unique normal
form, so two such expressions are equal as functions exactly when their normal forms are equal.
Anything else (division by a parameter, ``min``/``max``/``abs``) has no normal form here: ``None``.
"""

from __future__ import annotations

from fractions import Fraction

from kimgame.expr.tree import Call, Expr, Neg, Num, Param

Monomial = tuple[tuple[str, int], ...]
Polynomial = dict[Monomial, Fraction]
MAX_TERMS = 10_000


def _add(a: Polynomial, b: Polynomial, sign: int = 1) -> Polynomial:
    out = dict(a)
    for m, c in b.items():
        v = out.get(m, Fraction(0)) + sign * c
        if v:
            out[m] = v
        else:
            out.pop(m, None)
    return out


def _mul_monomials(x: Monomial, y: Monomial) -> Monomial:
    powers: dict[str, int] = dict(x)
    for name, k in y:
        powers[name] = powers.get(name, 0) + k
    return tuple(sorted(powers.items()))


def _mul(a: Polynomial, b: Polynomial) -> Polynomial | None:
    if len(a) * len(b) > MAX_TERMS:
        return None
    out: Polynomial = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = _mul_monomials(ma, mb)
            v = out.get(m, Fraction(0)) + ca * cb
            if v:
                out[m] = v
            else:
                out.pop(m, None)
    return out


def polynomial(e: Expr) -> Polynomial | None:
    """The polynomial normal form of ``e``, or None when ``e`` is not a polynomial (or too large)."""
    if isinstance(e, Num):
        return {(): e.value} if e.value else {}
    if isinstance(e, Param):
        return {((e.name, 1),): Fraction(1)}
    if isinstance(e, Neg):
        inner = polynomial(e.operand)
        return None if inner is None else {m: -c for m, c in inner.items()}
    if isinstance(e, Call):
        return None
    left = polynomial(e.left)
    right = polynomial(e.right)
    if left is None or right is None:
        return None
    if e.op == "+":
        return _add(left, right)
    if e.op == "-":
        return _add(left, right, -1)
    if e.op == "*":
        return _mul(left, right)
    constant = right.get((), Fraction(0)) if set(right) <= {()} else None
    if e.op == "/":
        if constant is None or constant == 0:
            return None
        return {m: c / constant for m, c in left.items()}
    # power: a whole, small, non-negative constant exponent
    if constant is None or constant.denominator != 1 or not 0 <= constant <= 64:
        return None
    out: Polynomial | None = {(): Fraction(1)}
    for _ in range(int(constant)):
        out = _mul(out, left) if out is not None else None
    return out


def equal_as_functions(a: list[Expr], b: Expr) -> bool | None:
    """Whether the sum of ``a`` equals ``b`` identically: True/False when decidable here, None otherwise."""
    total: Polynomial = {}
    for e in a:
        p = polynomial(e)
        if p is None:
            return None
        total = _add(total, p)
    q = polynomial(b)
    if q is None:
        return None
    return total == q
