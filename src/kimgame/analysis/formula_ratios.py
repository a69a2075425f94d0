"""Payoff and probability formulas as exact rational functions of the parameters."""

from __future__ import annotations

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_polynomials import NEG, POS, Ratio
from kimgame.errors import KimgameError
from kimgame.expr.tree import Call, Expr, Formula, Neg, Num, Param

MAX_EXPONENT = 64  # larger powers of parameter expressions are refused


class FormulaRatios:
    """Converts formulas to :class:`~kimgame.analysis.sign_polynomials.Ratio` on ``box`` (cached per
    formula object), refusing what has no exact sign-preserving form (``NotImplementedError``)."""

    def __init__(self, box: Box) -> None:
        self.box = box
        self._ratios: dict[int, Ratio] = {}
        self.one = box.ratio(1)

    def ratio(self, f: Formula) -> Ratio:
        """A payoff or probability formula as an exact rational function of the parameters."""
        key = id(f)
        r = self._ratios.get(key)
        if r is None:
            try:
                r = self._convert(f.expr)
            except NotImplementedError as err:
                raise NotImplementedError(f"in '{f.text}': {err}") from None
            self._ratios[key] = r
        return r

    def _convert(self, e: Expr) -> Ratio:
        box = self.box
        if isinstance(e, Num):
            return box.ratio(e.value)
        if isinstance(e, Param):
            return Ratio(box.variable(e.name), box.constant(1))
        if isinstance(e, Neg):
            return -self._convert(e.operand)
        if isinstance(e, Call):
            raise NotImplementedError(
                f"the parameter condition is only available numerically for formulas with {e.func}(); "
                "write the cases as separate branches of the tree instead")
        a = self._convert(e.left)
        b = self._convert(e.right)
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if e.op == "/":
            return a * self._inverse(b)
        # power: a constant whole exponent
        if not (b.num.is_constant and b.den.is_constant) or b.num.constant_value.denominator != 1:
            raise NotImplementedError("the parameter condition needs whole-number constant exponents")
        n = int(b.num.constant_value)
        if abs(n) > MAX_EXPONENT:
            raise NotImplementedError(f"the parameter condition is only available numerically for powers above "
                                      f"{MAX_EXPONENT}")
        base = a if n >= 0 else self._inverse(a)
        out = self.one
        for _ in range(abs(n)):
            out = out * base
        return out

    def _inverse(self, r: Ratio) -> Ratio:
        """``1 / r``, kept with a positive denominator (so a sign of the numerator is the sign of the value)."""
        if r.num.is_constant:
            if not r.num.constant_value:
                raise KimgameError("division by zero")
            return Ratio(r.den, r.num)
        mask = self.box.possible(r.num)
        if mask == POS:
            return Ratio(r.den, r.num)
        if mask == NEG:
            return Ratio(-r.den, -r.num)
        raise NotImplementedError("the parameter condition is only available numerically for a division by an "
                                  "expression that can be zero or change sign within the declared ranges")
