"""Building expressions (balanced sums and products, constants folded) and writing them back as text."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from kimgame.expr.numbers import fmt
from kimgame.expr.tree import BinOp, Expr, Num, fold, per_operator


def _balanced(op: str, items: list[Expr]) -> Expr:
    while len(items) > 1:
        items = [BinOp(op, items[k], items[k + 1]) if k + 1 < len(items) else items[k]
                 for k in range(0, len(items), 2)]
    return items[0]


def combine_sum(exprs: Sequence[Expr]) -> Expr:
    """The sum of expressions, constants added up, as a balanced tree (depth log n)."""
    const = Fraction(0)
    rest: list[Expr] = []
    for e in exprs:
        if isinstance(e, Num):
            const += e.value
        else:
            rest.append(e)
    if not rest:
        return Num(const)
    if const:
        rest.append(Num(const))
    return _balanced("+", rest)


def combine_product(exprs: Sequence[Expr]) -> Expr:
    """The product of expressions, constants multiplied, as a balanced tree."""
    const = Fraction(1)
    rest: list[Expr] = []
    for e in exprs:
        if isinstance(e, Num):
            const *= e.value
        else:
            rest.append(e)
    if const == 0 or not rest:
        return Num(const)
    if const != 1:
        rest.insert(0, Num(const))
    return _balanced("*", rest)


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
Text = tuple[str, int]  # an expression's text and its precedence (5: an atom)


def _number_text(q: Fraction) -> Text:
    return fmt(q), (5 if q >= 0 else 3) if q.denominator == 1 else 2


def _negation_text(operand: Text) -> Text:
    inner, p = operand
    return (f"-({inner})" if p < 3 else f"-{inner}"), 3


def _binop_text(op: str, left: Text, right: Text) -> Text:
    (a, pa), (b, pb) = left, right
    p = _PREC[op]
    if op == "**":
        return (f"({a})" if pa <= 4 else a) + "**" + (f"({b})" if pb < 4 else b), p
    if pa < p:
        a = f"({a})"
    if pb < p or (pb == p and op in "-/") or (op in "*/" and pb == 2):
        b = f"({b})"
    sep = " " if p == 1 else ""
    return f"{a}{sep}{op}{sep}{b}", p


def _name_text(name: str) -> Text:
    return name, 5


def _call_text(func: str, args: list[Text]) -> Text:
    return f"{func}({', '.join(a for a, _ in args)})", 5


_TEXT_OPS = per_operator(_binop_text)


def expr_text(e: Expr) -> str:
    """``e`` written as an expression that kimgame's parser (and sympy) reads back to the same value."""
    if isinstance(e, Num):  # most cells of a numeric game's reduced normal form
        return fmt(e.value)
    return fold(e, _number_text, _name_text, _negation_text, _TEXT_OPS, _call_text)[0]
