"""Immutable expression trees for payoffs and probabilities written in named parameters.

An :class:`Expr` evaluates exactly with ``Fraction`` arithmetic (fast, no sympy) and converts to a
sympy expression for symbolic analysis (sympy is imported only then). Every walk over a tree, here and in
the layers above, is a :func:`fold`.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import fmt

if TYPE_CHECKING:  # pragma: no cover
    import sympy

MAX_POWER_BITS = 100_000  # refuse results of ** larger than this many bits (10**10**10 would hang)
FUNCTIONS = ("min", "max", "abs")
OPERATORS = ("+", "-", "*", "/", "**")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Num:
    """An exact constant."""

    value: Fraction


@dataclass(frozen=True, slots=True)
class Param:
    """A reference to a declared parameter."""

    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class BinOp:
    """``left op right`` for op in ``+ - * / **``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """``min(...)``, ``max(...)`` or ``abs(x)``."""

    func: str
    args: tuple[Expr, ...]


Expr = Num | Param | Neg | BinOp | Call
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Formula:
    """An expression with the text it was read from and where (for error messages)."""

    expr: Expr
    text: str
    where: Location | None = None

    @property
    def parameters(self) -> frozenset[str]:
        """Names of the parameters the expression uses."""
        return parameters_of(self.expr)

    def evaluate(self, values: Mapping[str, Fraction]) -> Fraction:
        """The exact value at ``values``; a :class:`KimgameError` at this formula's place on failure."""
        try:
            return evaluate(self.expr, values)
        except KimgameError as err:
            raise KimgameError(f"in '{self.text}': {err.message}", self.where) from None

    def to_sympy(self) -> sympy.Expr:
        """The same expression as a sympy object (parameters become real symbols); a
        :class:`KimgameError` at this formula's place for a constant power too large to compute."""
        try:
            return to_sympy(self.expr)
        except KimgameError as err:
            raise KimgameError(f"in '{self.text}': {err.message}", self.where) from None

    @property
    def constant(self) -> Fraction | None:
        """The value if the formula is a plain number, else None."""
        return self.expr.value if isinstance(self.expr, Num) else None


def constant(value: Fraction | int, where: Location | None = None) -> Formula:
    """A formula holding a plain number."""
    q = Fraction(value)
    return Formula(Num(q), fmt(q), where)


def _power(base: Fraction, exponent: Fraction) -> Fraction:
    if exponent.denominator != 1:
        raise KimgameError(
            f"the exponent {exponent} is not a whole number; kimgame keeps numbers exact, so only whole powers are allowed"
        )
    n = exponent.numerator
    if base == 0 and n < 0:
        raise KimgameError("division by zero (0 raised to a negative power)")
    bits = max(base.numerator.bit_length(), base.denominator.bit_length())
    if bits > 1 and abs(n) * bits > MAX_POWER_BITS:
        raise KimgameError(f"the power is too large to compute exactly (about {abs(n) * bits} bits)")
    return base**n


def fold(e: Expr, num: Callable[[Fraction], T], param: Callable[[str], T], neg: Callable[[T], T],
         ops: Mapping[str, Callable[[T, T], T]], call: Callable[[str, list[T]], T]) -> T:
    """``e`` folded bottom-up: each node's result made from its children's results. The one walk over
    expression trees; every other walker is a use of it (a catamorphism: Meijer, Fokkinga and Paterson,
    "Functional programming with bananas, lenses, envelopes and barbed wire", 1991).

    ``num(value)``, ``param(name)``, ``neg(operand)``, ``ops[op](left, right)`` for op in ``+ - * / **``
    (see :func:`per_operator`), ``call(func, args)``. Returns what the root's function returns.

    >>> from kimgame.expr.parse import parse_formula
    >>> e = parse_formula("W*(1 - p) - min(C, 3)", ["W", "p", "C"]).expr
    >>> fold(e, num=str, param=str, neg=lambda a: f"(-{a})",
    ...      ops=per_operator(lambda op, a, b: f"({op} {a} {b})"),
    ...      call=lambda f, args: f"{f}({', '.join(args)})")
    '(- (* W (- 1 p)) min(C, 3))'
    >>> fold(e, num=lambda v: 1, param=lambda n: 1, neg=lambda a: a + 1,   # the number of nodes
    ...      ops=per_operator(lambda op, a, b: a + b + 1), call=lambda f, args: sum(args) + 1)
    9
    """

    def go(x: Expr) -> T:
        if isinstance(x, BinOp):
            return ops[x.op](go(x.left), go(x.right))
        if isinstance(x, Param):
            return param(x.name)
        if isinstance(x, Num):
            return num(x.value)
        if isinstance(x, Neg):
            return neg(go(x.operand))
        return call(x.func, [go(a) for a in x.args])

    return go(e)


def per_operator(combine: Callable[[str, T, T], T]) -> dict[str, Callable[[T, T], T]]:
    """The ``ops`` of :func:`fold` from one function of the operator and both sides."""
    return {op: functools.partial(combine, op) for op in OPERATORS}


def _same(x: T) -> T:
    return x


def _one_parameter(name: str) -> frozenset[str]:
    return frozenset((name,))


def _no_parameters(_: object) -> frozenset[str]:
    return _NONE


def _union(_: str, args: list[frozenset[str]]) -> frozenset[str]:
    return _NONE.union(*args)


_UNIONS: dict[str, Callable[[frozenset[str], frozenset[str]], frozenset[str]]] = dict.fromkeys(OPERATORS, operator.or_)


def parameters_of(e: Expr) -> frozenset[str]:
    """Names of the parameters used in ``e``."""
    return fold(e, _no_parameters, _one_parameter, _same, _UNIONS, _union)


def _divide(a: Fraction, b: Fraction) -> Fraction:
    if b == 0:
        raise KimgameError("division by zero at these parameter values")
    return a / b


def _fraction(q: Fraction) -> Fraction:
    return q


def _apply(func: str, args: list[Fraction]) -> Fraction:
    return abs(args[0]) if func == "abs" else min(args) if func == "min" else max(args)


_ARITHMETIC: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide, "**": _power}
_NEGATE: Callable[[Fraction], Fraction] = operator.neg


def evaluate(e: Expr, values: Mapping[str, Fraction]) -> Fraction:
    """Evaluate ``e`` exactly; raises :class:`KimgameError` (no location) on division by zero or a missing value."""
    try:
        return fold(e, _fraction, values.__getitem__, _NEGATE, _ARITHMETIC, _apply)
    except KeyError as err:
        raise KimgameError(f"parameter '{err.args[0]}' has no value") from None


def to_sympy(e: Expr) -> sympy.Expr:
    """Convert ``e`` to sympy; parameters are real symbols, numbers exact rationals."""
    import sympy

    def power(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        if a.is_Rational and b.is_Rational:  # a constant power: exact, and refused when huge (9**9**9)
            q = _power(Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))
            return sympy.Rational(q.numerator, q.denominator)
        return a**b

    def call(func: str, args: list[sympy.Expr]) -> sympy.Expr:
        return sympy.Abs(args[0]) if func == "abs" else sympy.Min(*args) if func == "min" else sympy.Max(*args)

    ops = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": power}
    return fold(e, lambda q: sympy.Rational(q.numerator, q.denominator), lambda name: sympy.Symbol(name, real=True),
                operator.neg, ops, call)


def substitute(e: Expr, values: Mapping[str, Fraction]) -> Expr:
    """``e`` with the parameters named in ``values`` replaced by those numbers (others kept)."""
    def param(name: str) -> Expr:
        return Num(values[name]) if name in values else Param(name)

    ops: dict[str, Callable[[Expr, Expr], Expr]] = per_operator(BinOp)
    return fold(e, Num, param, Neg, ops, lambda func, args: Call(func, tuple(args)))
