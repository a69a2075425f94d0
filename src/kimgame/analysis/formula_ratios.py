"""Payoff and probability formulas as exact rational functions of the parameters, signed on the box."""

from __future__ import annotations

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_terms import NEG, POS
from kimgame.expr.polynomial import Ratio, rational_function
from kimgame.expr.tree import Formula


class FormulaRatios:
    """Converts formulas to :class:`~kimgame.expr.polynomial.Ratio` on ``box`` (cached per formula
    object) with :func:`~kimgame.expr.polynomial.rational_function`, refusing what has no exact
    sign-preserving form (``NotImplementedError``)."""

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
                r = rational_function(f.expr, self.box.index, self._inverse)
            except NotImplementedError as err:
                raise NotImplementedError(f"in '{f.text}': {err}") from None
            self._ratios[key] = r
        return r

    def _inverse(self, r: Ratio) -> Ratio:
        """``1 / r``, kept with a positive denominator (so a sign of the numerator is the sign of the value)."""
        if r.num.is_constant:
            return r.inverse()
        mask = self.box.possible(r.num)
        if mask == POS:
            return r.inverse()
        if mask == NEG:
            return Ratio(-r.den, -r.num)
        raise NotImplementedError("the parameter condition is only available numerically for a division by an "
                                  "expression that can be zero or change sign within the declared ranges")
