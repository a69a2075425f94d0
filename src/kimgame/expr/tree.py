"""Immutable expression trees for payoffs and probabilities written in named parameters.

An :class:`Expr` evaluates exactly with ``Fraction`` arithmetic (fast, no sympy) and converts to a
sympy expression for symbolic analysis (sympy is imported only then).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from kimgame.errors import KimgameError, Location

if TYPE_CHECKING:  # pragma: no cover
    import sympy

MAX_POWER_BITS = 100_000  # refuse results of ** larger than this many bits (10**10**10 would hang)
FUNCTIONS = ("min", "max", "abs")


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
    from kimgame.expr.numbers import fmt

    q = Fraction(value)
    return Formula(Num(q), fmt(q), where)


def parameters_of(e: Expr) -> frozenset[str]:
    """Names of the parameters used in ``e``."""
    if isinstance(e, Param):
        return frozenset((e.name,))
    if isinstance(e, Num):
        return frozenset()
    if isinstance(e, Neg):
        return parameters_of(e.operand)
    if isinstance(e, BinOp):
        return parameters_of(e.left) | parameters_of(e.right)
    return frozenset().union(*(parameters_of(a) for a in e.args))


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


def evaluate(e: Expr, values: Mapping[str, Fraction]) -> Fraction:
    """Evaluate ``e`` exactly; raises :class:`KimgameError` (no location) on division by zero or a missing value."""
    if isinstance(e, Num):
        return e.value
    if isinstance(e, Param):
        try:
            return values[e.name]
        except KeyError:
            raise KimgameError(f"parameter '{e.name}' has no value") from None
    if isinstance(e, Neg):
        return -evaluate(e.operand, values)
    if isinstance(e, BinOp):
        a = evaluate(e.left, values)
        b = evaluate(e.right, values)
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if e.op == "/":
            if b == 0:
                raise KimgameError("division by zero at these parameter values")
            return a / b
        return _power(a, b)
    args = [evaluate(a, values) for a in e.args]
    if e.func == "abs":
        return abs(args[0])
    return min(args) if e.func == "min" else max(args)


def to_sympy(e: Expr) -> sympy.Expr:
    """Convert ``e`` to sympy; parameters are real symbols, numbers exact rationals."""
    import sympy

    if isinstance(e, Num):
        return sympy.Rational(e.value.numerator, e.value.denominator)
    if isinstance(e, Param):
        return sympy.Symbol(e.name, real=True)
    if isinstance(e, Neg):
        return -to_sympy(e.operand)
    if isinstance(e, BinOp):
        a, b = to_sympy(e.left), to_sympy(e.right)
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if e.op == "/":
            return a / b
        if a.is_Rational and b.is_Rational:  # a constant power: exact, and refused when huge (9**9**9)
            q = _power(Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))
            return sympy.Rational(q.numerator, q.denominator)
        return a**b
    args = [to_sympy(a) for a in e.args]
    if e.func == "abs":
        return sympy.Abs(args[0])
    return sympy.Min(*args) if e.func == "min" else sympy.Max(*args)


def substitute(e: Expr, values: Mapping[str, Fraction]) -> Expr:
    """``e`` with the parameters named in ``values`` replaced by those numbers (others kept)."""
    if isinstance(e, Param):
        return Num(values[e.name]) if e.name in values else e
    if isinstance(e, Num):
        return e
    if isinstance(e, Neg):
        return Neg(substitute(e.operand, values))
    if isinstance(e, BinOp):
        return BinOp(e.op, substitute(e.left, values), substitute(e.right, values))
    return Call(e.func, tuple(substitute(a, values) for a in e.args))
