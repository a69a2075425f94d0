"""Focusing an analysis on some parameters: the others are held at their current values.

A model with a dozen parameters has a region of validity that is a union of many pieces in twelve
dimensions — exact, but hard to read. ``focus(game, ["p_insult", "K"])`` returns the same game with
every other parameter replaced by its value in the payoff and probability expressions, so conditions,
thresholds and sweeps speak about the parameters the question is about.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from types import MappingProxyType

from kimgame.errors import KimgameError
from kimgame.expr.build import expr_text
from kimgame.expr.tree import Formula, substitute
from kimgame.model.tree import ExtensiveFormGame


def _fix(value, fixed):
    if isinstance(value, Formula):
        if not value.parameters & fixed.keys():
            return value
        expr = substitute(value.expr, fixed)
        return Formula(expr, expr_text(expr), value.where)
    if isinstance(value, tuple) and value and all(isinstance(v, Formula) for v in value):
        return tuple(_fix(v, fixed) for v in value)
    return value


def focus(game, free: Iterable[str]):
    """``game`` with all parameters except ``free`` fixed at their current values (see the module doc)."""
    free = list(dict.fromkeys(free))
    names = [p.name for p in game.parameters]
    unknown = [n for n in free if n not in names]
    if unknown:
        raise KimgameError(f"--free: no parameter named {', '.join(repr(n) for n in unknown)} "
                           f"(parameters: {', '.join(names)})")
    fixed = {n: game.values[n] for n in names if n not in free}
    kept = tuple(p for p in game.parameters if p.name in free)
    values = MappingProxyType({n: game.values[n] for n in free})
    if not isinstance(game, ExtensiveFormGame):
        payoffs = tuple(tuple(_fix(f, fixed) for f in vector) for vector in game.payoffs)
        return dataclasses.replace(game, payoffs=payoffs, parameters=kept, values=values, path=None)
    a = game.arrays
    nodes = game.nodes.with_tables([_fix(f, fixed) for f in a.probs],
                                   [tuple(_fix(f, fixed) for f in vec) for vec in a.payoffs])
    # path=None: the focused game is not the file's game (the condition cache is keyed by the file)
    return dataclasses.replace(game, nodes=nodes, parameters=kept, values=values, path=None)
