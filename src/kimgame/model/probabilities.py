"""Checks of chance probabilities written as formulas: do they sum to one, do they stay in [0, 1].

Used by :mod:`kimgame.model.tree_checks`: once per distinct formula (and per distinct tuple of a chance
node's probabilities) on the tree's columns, and node by node only to word a problem.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import fmt
from kimgame.expr.polynomial import equal_as_functions, polynomial_degrees
from kimgame.expr.tree import Formula, Num
from kimgame.model.parameters import Parameter


def chance_sum_problem(outcomes: Sequence[str], probs: Sequence[Formula], values: Mapping[str, Fraction],
                       where: Location | None) -> KimgameError | None:
    """The error for chance probabilities that do not sum to one (symbolically), or None."""
    return None if sums_to_one(probs, values) else sum_error(outcomes, probs, where)


def sum_error(outcomes: Sequence[str], probs: Sequence[Formula], where: Location | None) -> KimgameError:
    """The :class:`KimgameError` at ``where`` saying that the chance probabilities of ``outcomes`` do not sum to
    1, with their sum written out."""
    total = " + ".join(f"({f.text})" if f.parameters else f.text for f in probs)
    return KimgameError(f"the chance probabilities ({', '.join(outcomes)}) do not sum to 1 for all parameter values: "
                        f"{total} ≠ 1", where)


def sums_to_one(probs: Sequence[Formula], values: Mapping[str, Fraction]) -> bool:
    """True when the formulas sum to exactly one as functions of the parameters.

    Sums, products, quotients and whole powers are compared exactly as rational functions
    (:func:`kimgame.expr.polynomial.equal_as_functions`); others (min/max/abs) go to sympy."""
    constants = [f.constant for f in probs]
    if all(c is not None for c in constants):
        return sum((c for c in constants if c is not None), Fraction(0)) == 1
    try:  # a quick refutation at the current values before asking sympy
        if sum((f.evaluate(values) for f in probs), Fraction(0)) != 1:
            return False
    except KimgameError:
        pass
    exact = equal_as_functions([f.expr for f in probs], Num(Fraction(1)))
    if exact is not None:  # rational probabilities: decided exactly without sympy
        return exact
    import sympy

    difference = sympy.Add(*(f.to_sympy() for f in probs)) - 1
    if sympy.cancel(sympy.together(difference)) == 0:
        return True
    return sympy.simplify(difference) == 0


def outside_unit_interval_on_box(f: Formula, params: Mapping[str, Parameter]) -> str | None:
    """Where ``f`` leaves [0, 1] at a corner of the box of declared ranges of its parameters.

    A cheap, sufficient check: only when ``f`` is a multilinear polynomial (degree at most one in each
    parameter) and every parameter it uses has a finite range — a multilinear function takes its
    extreme values at the corners of a box. Other probabilities are checked at the current values only.
    """
    names = sorted(f.parameters)
    if len(names) > 10 or any(n not in params for n in names):
        return None
    ranges: list[tuple[Fraction, Fraction]] = []
    for n in names:
        low, high = params[n].low, params[n].high
        if low is None or high is None:
            return None
        ranges.append((low, high))
    degrees = polynomial_degrees(f.expr)
    if degrees is None or any(d > 1 for d in degrees.values()):
        return None
    for corner in itertools.product(*ranges):
        point = dict(zip(names, corner))
        try:
            p = f.evaluate(point)
        except KimgameError:
            continue
        if not 0 <= p <= 1:
            at = ", ".join(f"{n} = {fmt(x)}" for n, x in point.items())
            return f"it is {fmt(p)} at {at}"
    return None
