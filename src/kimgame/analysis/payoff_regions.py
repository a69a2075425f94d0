"""Conditions on a payoff matrix as exact sign regions: dominance between strategies, pure equilibria.

The matrix counterpart of the symbolic backward induction: payoffs become exact rational functions of
the parameters (:class:`~kimgame.analysis.formula_ratios.FormulaRatios`, denominators kept positive on
the box), a comparison ``u >= v`` becomes a sign constraint on the numerator of ``u - v``, and the
region they span (:mod:`kimgame.analysis.sign_regions`) is simplified and proved on the box of declared
ranges by the same :class:`~kimgame.analysis.sign_box.Box` that prunes the cells of trees.
"""

from __future__ import annotations

from kimgame.analysis.formula_ratios import FormulaRatios
from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_regions import intersection
from kimgame.analysis.sign_terms import POS, ZERO, Term
from kimgame.expr.polynomial import Ratio
from kimgame.model.normal_form import NormalFormGame


class PayoffRegions:
    """The payoffs of one normal-form game as rational functions on its box, and the regions where
    comparisons of them hold (lists of :class:`~kimgame.analysis.sign_terms.Term`, a disjunction)."""

    def __init__(self, game: NormalFormGame) -> None:
        self.game = game
        self.box = Box(game.parameters)
        self.formulas = FormulaRatios(self.box)
        self._flat = {profile: k for k, profile in enumerate(game.profiles())}

    def payoff(self, profile: tuple[int, ...], i: int) -> list[tuple[Term, Ratio]]:
        """Player ``i``'s payoff at the pure ``profile`` (strategy indices): rational functions on pieces of
        the box (one piece unless the formula has ``min``/``max``/``abs``)."""
        return self.formulas.pieces(self.game.payoffs[self._flat[profile]][i])

    def at_least(self, i: int, a: tuple[int, ...], b: tuple[int, ...], mask: int) -> list[Term]:
        """Where ``u_i(a) - u_i(b)`` has a sign in ``mask``."""
        box = self.box
        out = []
        for ta, ra in self.payoff(a, i):
            for tb, rb in self.payoff(b, i):
                t = box.meet(ta, tb)
                if t is None:
                    continue
                c = box.sign_constraint((ra - rb).num, mask)
                if c is True:
                    out.append(t)
                elif c is not False:
                    u = box.restrict(t, c[0], c[1])
                    if u is not None and box.feasible(u):
                        out.append(u)
        return out

    def dominance(self, i: int, s: int, t: int, strict: bool) -> list[Term]:
        """Where strategy ``s`` of player ``i`` dominates ``t``: with ``d(z) = u_i(s, z) - u_i(t, z)`` over
        the opponents' pure profiles ``z``, all ``d(z) > 0`` (strict), or all ``d(z) >= 0`` and some
        ``d(z) > 0`` (weak)."""
        pairs = []
        for profile in self._flat:
            if profile[i] == s:
                pairs.append((profile, profile[:i] + (t,) + profile[i + 1:]))
        if strict:
            return intersection([self.at_least(i, a, b, POS) for a, b in pairs], self.box)
        some = [term for a, b in pairs for term in self.at_least(i, a, b, POS)]
        return intersection([*(self.at_least(i, a, b, POS | ZERO) for a, b in pairs), some], self.box)

    def pure_equilibrium(self, profile: tuple[int, ...]) -> list[Term]:
        """Where ``profile`` is a Nash equilibrium: no player gains by a unilateral deviation."""
        shape = self.game.shape
        return intersection([self.at_least(i, profile, profile[:i] + (k,) + profile[i + 1:], POS | ZERO)
                             for i in range(len(shape)) for k in range(shape[i]) if k != profile[i]], self.box)
