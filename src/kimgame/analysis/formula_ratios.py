"""Payoff and probability formulas as exact rational functions of the parameters, signed on the box;
with ``min``/``max``/``abs``, one rational function per case on pieces of the box."""

from __future__ import annotations

from fractions import Fraction

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_terms import NEG, POS, TRUE, ZERO, Term
from kimgame.expr.polynomial import Poly, Ratio, rational_function
from kimgame.expr.tree import BinOp, Expr, Formula, Neg, Num, Param, fold, per_operator

MAX_CASES = 256  # pieces of one formula with min/max/abs; more: NotImplementedError

Cases = list[tuple[Term, Expr]]


class FormulaRatios:
    """Converts formulas to :class:`~kimgame.expr.polynomial.Ratio` on ``box`` (cached per formula
    object) with :func:`~kimgame.expr.polynomial.rational_function`, refusing what has no exact
    sign-preserving form (``NotImplementedError``)."""

    def __init__(self, box: Box) -> None:
        self.box = box
        self._ratios: dict[int, Ratio] = {}
        self._pieces: dict[int, list[tuple[Term, Ratio]]] = {}
        self._held: list[Formula] = []  # the formulas cached by id, kept alive so that no id is reused

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
            self._held.append(f)
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

    def pieces(self, f: Formula) -> list[tuple[Term, Ratio]]:
        """``f`` as exact rational functions on pieces of the box (disjoint, covering it): ``[(TRUE, r)]``
        without ``min``/``max``/``abs``; with them one piece per case (``max(a, b)`` is ``a`` where
        ``a - b >= 0`` and ``b`` where ``a - b < 0``; ``abs(a)`` is ``a`` or ``-a``), cases proved empty on
        the box dropped. Cached per formula object."""
        key = id(f)
        out = self._pieces.get(key)
        if out is None:
            if not fold(f.expr, _no, _no, _same, per_operator(_either), _yes):
                out = [(TRUE, self.ratio(f))]
            else:
                try:
                    cases: Cases = fold(f.expr, _constant, _parameter, _negated, per_operator(self._combine),
                                        self._call)
                    out = [(t, self._ratio(e)) for t, e in cases]
                except NotImplementedError as err:
                    raise NotImplementedError(f"in '{f.text}': {err}") from None
            self._pieces[key] = out
            self._held.append(f)
        return out

    def _ratio(self, e: Expr) -> Ratio:
        return rational_function(e, self.box.index, self._inverse)

    def _combine(self, op: str, a: Cases, b: Cases) -> Cases:
        out: Cases = []
        for ta, ea in a:
            for tb, eb in b:
                t = self.box.meet(ta, tb)
                if t is not None:
                    out.append((t, BinOp(op, ea, eb)))
        return self._counted(out)

    def _call(self, func: str, args: list[Cases]) -> Cases:
        """The cases of ``min``/``max``/``abs`` of cases: a split on the sign of a difference."""
        if func == "abs":
            return self._abs(args[0])
        out = args[0]
        for b in args[1:]:
            pairs = [(t, ea, eb) for ta, ea in out for tb, eb in b if (t := self.box.meet(ta, tb)) is not None]
            out = self._split_pairs(pairs, func == "max")
        return out

    def _abs(self, cases: Cases) -> Cases:
        """``abs``: each case where its value is >= 0 as is, where < 0 negated."""
        out = []
        for t, e in cases:
            for part, chosen in ((POS | ZERO, e), (NEG, Neg(e))):
                u = self._restrict(t, self._ratio(e).num, part)
                if u is not None:
                    out.append((u, chosen))
        return self._counted(out)

    def _split_pairs(self, pairs: list[tuple[Term, Expr, Expr]], larger: bool) -> Cases:
        """``max`` (``larger``) or ``min`` of two expressions on each piece."""
        out = []
        for t, ea, eb in pairs:
            d = self._ratio(BinOp("-", ea, eb)).num
            for part, chosen in ((POS | ZERO, ea if larger else eb), (NEG, eb if larger else ea)):
                u = self._restrict(t, d, part)
                if u is not None:
                    out.append((u, chosen))
        return self._counted(out)

    def _restrict(self, t: Term, d: Poly, mask: int) -> Term | None:
        """``t`` and ``d`` with a sign in ``mask``, or None when that is proved empty on the box."""
        c = self.box.sign_constraint(d, mask)
        if c is True:
            return t
        if c is False:
            return None
        u = self.box.restrict(t, c[0], c[1])
        return u if u is not None and self.box.feasible(u) else None

    def _counted(self, cases: Cases) -> Cases:
        if len(cases) > MAX_CASES:
            raise NotImplementedError(f"the parameter condition is only available numerically for formulas with "
                                      f"more than {MAX_CASES} cases of min/max/abs")
        return cases


def _constant(q: Fraction) -> Cases:
    return [(TRUE, Num(q))]


def _parameter(name: str) -> Cases:
    return [(TRUE, Param(name))]


def _negated(a: Cases) -> Cases:
    return [(t, Neg(e)) for t, e in a]


def _no(_: object) -> bool:
    return False


def _yes(_: str, __: list[bool]) -> bool:
    return True


def _same(x: bool) -> bool:
    return x


def _either(_: str, a: bool, b: bool) -> bool:
    return a or b
