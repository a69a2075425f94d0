"""Safe parsing of payoff expressions: Python's ``ast`` parser plus a whitelist, never ``eval``.

Allowed: numbers (decimals are exact), declared parameter names, ``+ - * / **``, unary minus,
parentheses and the functions ``min``, ``max``, ``abs``. Everything else (attribute access, calls of
other names, subscripts, lambdas, comprehensions, comparisons, strings) is refused with a message
that points at the offending part. Nothing in a payoff file is ever executed.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from fractions import Fraction

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import fmt, parse_number
from kimgame.expr.tree import FUNCTIONS, BinOp, Call, Formula, Neg, Num, Param

MAX_EXPRESSION_LENGTH = 10_000
MAX_DEPTH = 200
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_WHAT = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]')",
    ast.Lambda: "a lambda",
    ast.ListComp: "a list comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.DictComp: "a dict comprehension",
    ast.SetComp: "a set comprehension",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "an if-expression",
    ast.NamedExpr: "an assignment (':=')",
    ast.Starred: "unpacking ('*')",
    ast.JoinedStr: "an f-string",
}


def parse_formula(
    text: str | int | Fraction,
    parameters: Collection[str],
    where: Location | None = None,
) -> Formula:
    """Parse a number or an expression in ``parameters`` into a :class:`Formula`.

    ``text`` may be an ``int`` or ``Fraction`` (already exact) or a string such as ``"2/7"``,
    ``"0.1"`` or ``"W*(1 - p_insult) - C"``. Raises :class:`KimgameError` at ``where`` on anything
    outside the whitelist.
    """
    if isinstance(text, bool):
        raise KimgameError(f"expected a number or an expression, found '{str(text).lower()}'", where)
    if isinstance(text, (int, Fraction)):
        q = Fraction(text)

        return Formula(Num(q), fmt(q), where)
    if not isinstance(text, str):
        raise KimgameError(f"expected a number or an expression, found {type(text).__name__}", where)
    source = text.strip()
    if not source:
        raise KimgameError("expected a number or an expression, found an empty string", where)
    number = parse_number(source)
    if number is not None:
        return Formula(Num(number), source, where)
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise KimgameError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters", where)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        col = (err.offset or 1) - 1
        raise KimgameError(
            f"cannot read '{source}' as an expression ({err.msg}); write numbers, parameter names, "
            "+ - * / ** and parentheses",
            where.shifted(col) if where else None,
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise KimgameError(f"expression too deeply nested (more than {MAX_DEPTH} levels)", where) from None
    return Formula(_Converter(source, set(parameters), where).convert(tree.body, 0), source, where)


class _Converter:
    def __init__(self, source: str, parameters: set[str], where: Location | None) -> None:
        self.source = source
        self.parameters = parameters
        self.where = where

    def error(self, node: ast.AST, message: str) -> KimgameError:
        col = getattr(node, "col_offset", 0)
        return KimgameError(message, self.where.shifted(col) if self.where else None)

    def convert(self, node: ast.AST, depth: int):
        if depth > MAX_DEPTH:
            raise self.error(node, f"expression too deeply nested (more than {MAX_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.error(node, f"'{ast.get_source_segment(self.source, node)}' is not a number")
            literal = ast.get_source_segment(self.source, node) or repr(value)
            q = parse_number(literal)
            if q is None:
                raise self.error(node, f"cannot read the number '{literal}' exactly")
            return Num(q)
        if isinstance(node, ast.Name):
            if node.id in self.parameters:
                return Param(node.id)
            known = ", ".join(sorted(self.parameters)) or "none are declared"
            raise self.error(
                node,
                f"'{node.id}' is not a declared parameter (declared: {known}); add it under 'parameters:'",
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.convert(node.operand, depth + 1)
            return Neg(inner) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return BinOp(
                _BINOPS[type(node.op)], self.convert(node.left, depth + 1), self.convert(node.right, depth + 1)
            )
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS or node.keywords:
                shown = ast.get_source_segment(self.source, node.func) or "this"
                raise self.error(
                    node, f"calling '{shown}' is not allowed; the only functions are {', '.join(FUNCTIONS)}"
                )
            if (name == "abs" and len(node.args) != 1) or (name != "abs" and len(node.args) < 2):
                raise self.error(node, f"{name}() takes {'one argument' if name == 'abs' else 'two or more arguments'}")
            return Call(name, tuple(self.convert(a, depth + 1) for a in node.args))
        what = _WHAT.get(type(node), f"'{ast.get_source_segment(self.source, node) or type(node).__name__}'")
        raise self.error(
            node, f"{what} is not allowed in an expression; use numbers, parameter names, + - * / ** and ( )"
        )
