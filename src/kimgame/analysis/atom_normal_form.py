"""The normal form of one relation ``f op 0`` on the box of declared parameter ranges: denominators and
factors of known sign cleared, positive terms on the left and negative ones on the right, coefficients
primitive (``K > H*e``, ``p_insult > 1/6``); for :mod:`kimgame.analysis.condition_simplify`. Every
rewriting is an equivalence on the box, proved by :mod:`kimgame.analysis.box_prover`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kimgame.analysis.box_prover import prove

__all__ = ["atom_parts", "normal_form"]


# sympy's relation classes: (whether ``f`` is rhs - lhs rather than lhs - rhs, the op of ``f op 0``)
_RELATIONS = {"StrictGreaterThan": (False, ">"), "StrictLessThan": (True, ">"), "GreaterThan": (False, ">="),
              "LessThan": (True, ">="), "Equality": (False, "=="), "Unequality": (False, "!=")}


def atom_parts(rel) -> tuple[Any, str]:
    """``rel`` as ``(f, op)`` meaning ``f op 0`` with op in ``> >= == !=``."""
    swapped, op = _RELATIONS[type(rel).__name__]
    return (rel.rhs - rel.lhs if swapped else rel.lhs - rel.rhs), op


@lru_cache(maxsize=65536)
def normal_form(f, op: str, box_key):
    """``f op 0`` rewritten: denominators and factors of known sign cleared, a readable relation.

    May return ``True``/``False`` or an And/Or of simpler atoms (e.g. ``p*(W - H) > 0`` with
    ``p >= 0`` on the box becomes ``(p > 0) & (W > H)``).
    """
    import sympy

    f = sympy.together(sympy.expand(f))
    num, den = sympy.fraction(f)
    num, den = sympy.expand(num), sympy.expand(den)
    if den.is_number:
        if den < 0:
            num = -num
    elif prove(den, box_key, True):
        pass
    elif prove(-den, box_key, True):
        num = -num
    else:  # sign of the denominator unknown on the box: keep the quotient as it is
        return _relation(f, op)
    if num.is_number:
        return sympy.true if _compare(num, op) else sympy.false
    factors = _sign_factors(num)
    if factors is None:
        _, prim = num.as_content_primitive()
        return _relation(prim, op)
    sign, parts = factors
    # drop factors of known strict sign on the box
    rest = []
    for g, k in parts:
        if k % 2 == 0 and op in ("==", "!="):
            rest.append((g, 1))
        elif prove(g, box_key, True):
            continue
        elif prove(-g, box_key, True):
            sign *= (-1) ** k
        else:
            rest.append((g, k))
    if not rest:
        return sympy.true if _compare(sympy.Integer(sign), op) else sympy.false
    if op == "==":
        return sympy.Or(*(_relation(g, "==") for g, _ in rest))
    if op == "!=":
        return sympy.And(*(_relation(g, "!=") for g, _ in rest))
    # op is > or >=: even powers and factors of known sign (>= 0 or <= 0 on the box) split off
    even = [g for g, k in rest if k % 2 == 0]
    nonneg, core = [], []
    for g, k in rest:
        if k % 2 == 0:
            continue
        if prove(g, box_key, False):
            nonneg.append(g)
        elif prove(-g, box_key, False):
            nonneg.append(-g)
            sign = -sign
        else:
            core.append(g)
    if sign < 0:
        if not core:  # minus a product of factors >= 0: > 0 never, >= 0 only where one vanishes
            return sympy.false if op == ">" else sympy.Or(*(_relation(g, "==") for g in even + nonneg))
        core[0] = -core[0]
    core_rel = _relation(sympy.Mul(*core), op) if core else sympy.true
    if op == ">":
        parts_ = [_relation(g, "!=") for g in even] + [_relation(g, ">") for g in nonneg]
        return sympy.And(*parts_, core_rel)
    # >= : the product is >= 0 iff some split-off factor vanishes or the core is >= 0
    zero = [_relation(g, "==") for g in even + nonneg]
    return sympy.Or(*zero, core_rel) if zero else core_rel


def _compare(value, op: str) -> bool:
    if op == ">":
        return bool(value > 0)
    if op == ">=":
        return bool(value >= 0)
    if op == "==":
        return bool(value == 0)
    return bool(value != 0)


def _sign_factors(num):
    """``num`` as ``(sign, [(factor, power), ...])`` with primitive factors, or None if not a polynomial."""
    import sympy

    syms = sorted(num.free_symbols, key=lambda s: s.name)
    try:
        poly = sympy.Poly(num, *syms)
    except sympy.PolynomialError:
        return None
    if not (poly.domain.is_QQ or poly.domain.is_ZZ):
        return None
    c, parts = sympy.factor_list(num, *syms)
    sign = 1 if c > 0 else -1
    return sign, [(sympy.expand(g), k) for g, k in parts]


def _relation(g, op: str):
    """``g op 0`` written readably: one variable alone on a side, positive terms left of ``>``."""
    import sympy

    g = sympy.expand(g) if g.is_Add or g.is_Mul or g.is_Pow else g
    if g.is_number:
        return sympy.true if _compare(g, op) else sympy.false
    if op in ("==", "!="):
        _, g = g.as_content_primitive()
        if g.could_extract_minus_sign():
            g = -g
    syms = list(g.free_symbols)
    if len(syms) == 1 and g.is_polynomial(syms[0]) and sympy.degree(g, syms[0]) == 1:
        x = syms[0]
        a = g.coeff(x, 1)
        if a.is_number:
            rhs = -(g - a * x) / a
            return _make(x, rhs, op if a > 0 else _flip(op))
    pos: list[sympy.Expr] = []
    neg: list[sympy.Expr] = []
    for term in sympy.Add.make_args(g):
        coeff, _ = term.as_coeff_Mul()
        (neg if coeff < 0 else pos).append(term)
    left = sympy.Add(*pos)
    right = -sympy.Add(*neg)
    if not neg:
        return _make(left, sympy.Integer(0), op)
    if not pos:
        return _make(right, sympy.Integer(0), _flip(op))
    if left.is_number:
        return _make(right, left, _flip(op))
    return _make(left, right, op)


def _flip(op: str) -> str:
    return {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}[op]


def _make(lhs, rhs, op: str):
    import sympy

    maker = {">": sympy.Gt, ">=": sympy.Ge, "<": sympy.Lt, "<=": sympy.Le, "==": sympy.Eq, "!=": sympy.Ne}[op]
    return maker(lhs, rhs)
