"""Expressions and conditions as small JSON programs that the report page evaluates exactly.

The page (``report.js``) interprets these programs with exact rationals (JavaScript ``BigInt``
fractions); nothing is ever turned into JavaScript source text, so no label or formula of a payoff file
can inject code. Programs are built from kimgame's own trees (``kimgame.expr.tree`` formulas and the
sympy conditions that :mod:`kimgame.analysis.conditions` derives), never from text.

An expression is a nested list: ``["n", "p", "q"]`` the rational p/q, ``["v", name]`` a parameter,
``["+", a, b, ...]``, ``["*", a, b, ...]``, ``["-", a]`` (negation), ``["/", a, b]``, ``["^", a, k]``
(``k`` a whole number or an expression that must evaluate to one), ``["min", ...]``, ``["max", ...]``
and ``["abs", a]``. A condition is ``{"atoms": [[op, expr], ...], "tree": node}`` where each atom
compares ``expr`` with 0 (``op`` one of ``> >= < <= == !=``) and ``node`` is ``["and", ...]``,
``["or", ...]``, ``["not", node]``, ``true``/``false`` or an atom's index. The page evaluates every atom's
sign once, then the tree twice: exactly, and in Kleene's three-valued logic with atoms at equality
unknown, so it can say "tie" when the verdict rests on an equality (Kleene 1952, *Introduction to
Metamathematics*, §64).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kimgame.errors import KimgameError
from kimgame.expr.tree import Expr, fold

Program = list[Any]


def _num(q: Fraction) -> Program:
    return ["n", str(q.numerator), str(q.denominator)]


_OPERATIONS = {"+": lambda a, b: ["+", a, b], "-": lambda a, b: ["+", a, ["-", b]], "*": lambda a, b: ["*", a, b],
               "/": lambda a, b: ["/", a, b], "**": lambda a, b: ["^", a, b]}


def formula_program(e: Expr) -> Program:
    """The JSON program of a payoff or probability expression (:mod:`kimgame.expr.tree`)."""
    return fold(e, _num, lambda name: ["v", name], lambda a: ["-", a], _OPERATIONS, lambda func, args: [func, *args])


def sympy_program(e) -> Program:
    """The JSON program of a sympy expression made of rationals, symbols, sums, products, whole powers,
    ``Min``/``Max``/``Abs`` (what kimgame's conditions hold)."""
    import sympy

    if e.is_Rational:
        return _num(Fraction(int(e.p), int(e.q)))
    if e.is_Symbol:
        return ["v", e.name]
    if e.is_Pow and e.exp.is_Integer:
        return ["^", sympy_program(e.base), _num(Fraction(int(e.exp)))]
    op = {sympy.Add: "+", sympy.Mul: "*", sympy.Min: "min", sympy.Max: "max", sympy.Abs: "abs"}.get(type(e))
    if op is not None:
        return [op, *(sympy_program(a) for a in e.args)]
    raise KimgameError(f"the report page cannot evaluate '{e}' exactly (only rational expressions)")


_OPS = {"StrictGreaterThan": ">", "GreaterThan": ">=", "StrictLessThan": "<", "LessThan": "<=",
        "Equality": "==", "Unequality": "!="}


def condition_program(cond) -> dict[str, Any]:
    """The JSON program of a sympy Boolean condition: its distinct atoms ``lhs - rhs  op  0`` and the
    and/or/not tree over their indices."""
    import sympy

    atoms: list[Program] = []
    index: dict[Any, int] = {}

    def walk(c) -> Any:
        if c is sympy.true:
            return True
        if c is sympy.false:
            return False
        logic = {sympy.And: "and", sympy.Or: "or", sympy.Not: "not"}.get(type(c))
        if logic is not None:
            return [logic, *(walk(a) for a in c.args)]
        op = _OPS.get(type(c).__name__)
        if op is None:
            raise KimgameError(f"the report page cannot evaluate the condition part '{c}'")
        key = (op, c.lhs - c.rhs)
        if key not in index:
            index[key] = len(atoms)
            atoms.append([op, sympy_program(sympy.expand(key[1]))])
        return index[key]

    return {"atoms": atoms, "tree": walk(cond)}
