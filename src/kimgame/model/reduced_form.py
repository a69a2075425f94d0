"""The symbolic reduced normal form of a game tree, and the expression building it needs.

:func:`reduced_normal_form` turns a tree into a :class:`~kimgame.model.normal_form.NormalFormGame` whose
strategies are the plans of :func:`kimgame.model.tree.plan_space` and whose payoffs are exact formulas:
per profile of plans, the sum over the terminals it reaches of the chance weight times the payoff (the
reduced normal form of Kuhn, "Extensive games and the problem of information", 1953).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, cast

from kimgame.expr.numbers import fmt
from kimgame.expr.tree import BinOp, Expr, Formula, Num, fold, per_operator
from kimgame.model.normal_form import NormalFormGame
from kimgame.model.tree import Chance, ExtensiveFormGame, Terminal, plan_space


def reduced_normal_form(game: ExtensiveFormGame, *, limit: int | None = None, check=None):
    """The reduced normal form as a :class:`~kimgame.model.normal_form.NormalFormGame` whose payoffs are
    exact formulas: for each profile of plans, the expected payoff over the terminals it reaches (chance
    probabilities multiplied along the way), so the game stays parametric.

    Strategies are plans (see the module notes for their labels). The work is proportional to the
    number of (profile, reached terminal) pairs; :class:`KimgameError` beyond ``limit`` pure profiles
    (default: the ``reduced_profiles`` limit in force). ``check``, if given, is called once per leaf
    (a solver's deadline check: whatever it raises stops the build).
    """
    space = plan_space(game, limit=limit)
    n = len(game.players)
    shape = space.shape
    strides = [1] * n
    for i in range(n - 2, -1, -1):
        strides[i] = strides[i + 1] * shape[i + 1]
    cells: list[list[list]] = [[[] for _ in range(n)] for _ in range(math.prod(shape))]
    for leaf, last, chances in zip(space.leaves, space.leaf_last, space.leaf_chance):
        if check is not None:
            check()
        node = cast(Terminal, game.nodes[leaf])  # the leaves of a plan space are terminals
        weight = _product([cast(Chance, game.nodes[c]).probs[k].expr for c, k in chances])
        terms = []
        for f in node.payoffs:
            terms.append(f if isinstance(weight, Num) and weight.value == 1 else _product([weight, f.expr]))
        sets = [space.consistent[i][last[i]] for i in range(n)]
        for combo in itertools.product(*sets):
            flat = sum(k * s for k, s in zip(combo, strides))
            for i in range(n):
                cells[flat][i].append(terms[i])
    payoffs = []
    for cell in cells:
        vec = []
        for terms in cell:
            if len(terms) == 1 and isinstance(terms[0], Formula):
                vec.append(terms[0])
            else:
                expr = _sum([t.expr if isinstance(t, Formula) else t for t in terms])
                vec.append(Formula(expr, expr_text(expr)))
        payoffs.append(tuple(vec))
    return NormalFormGame(
        players=game.players,
        strategies=space.labels,
        payoffs=tuple(payoffs),
        parameters=game.parameters,
        values=game.values,
        title=f"{game.title} (reduced normal form)" if game.title else "reduced normal form",
        source=game.source,
        path=game.path,
    )


# --------------------------------------------------------------------------------------------------
# building expressions (balanced, constants folded) and writing them back as text


def _balanced(op: str, items: list) -> Any:
    while len(items) > 1:
        items = [BinOp(op, items[k], items[k + 1]) if k + 1 < len(items) else items[k]
                 for k in range(0, len(items), 2)]
    return items[0]


def _sum(exprs: Sequence[Any]) -> Any:
    """The sum of expressions, constants added up, as a balanced tree (depth log n)."""
    const = Fraction(0)
    rest = []
    for e in exprs:
        if isinstance(e, Num):
            const += e.value
        else:
            rest.append(e)
    if not rest:
        return Num(const)
    if const:
        rest.append(Num(const))
    return _balanced("+", rest)


def _product(exprs: Sequence[Any]) -> Any:
    """The product of expressions, constants multiplied, as a balanced tree."""
    const = Fraction(1)
    rest = []
    for e in exprs:
        if isinstance(e, Num):
            const *= e.value
        else:
            rest.append(e)
    if const == 0 or not rest:
        return Num(const)
    if const != 1:
        rest.insert(0, Num(const))
    return _balanced("*", rest)


def combine_sum(exprs: Sequence[Any]) -> Any:
    """Public alias of the balanced, constant-folding sum of expression trees."""
    return _sum(exprs)


def combine_product(exprs: Sequence[Any]) -> Any:
    """Public alias of the balanced, constant-folding product of expression trees."""
    return _product(exprs)


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
Text = tuple[str, int]  # an expression's text and its precedence (5: an atom)


def _number_text(q: Fraction) -> Text:
    return fmt(q), (5 if q >= 0 else 3) if q.denominator == 1 else 2


def _negation_text(operand: Text) -> Text:
    inner, p = operand
    return (f"-({inner})" if p < 3 else f"-{inner}"), 3


def _binop_text(op: str, left: Text, right: Text) -> Text:
    (a, pa), (b, pb) = left, right
    p = _PREC[op]
    if op == "**":
        return (f"({a})" if pa <= 4 else a) + "**" + (f"({b})" if pb < 4 else b), p
    if pa < p:
        a = f"({a})"
    if pb < p or (pb == p and op in "-/") or (op in "*/" and pb == 2):
        b = f"({b})"
    sep = " " if p == 1 else ""
    return f"{a}{sep}{op}{sep}{b}", p


def expr_text(e: Expr) -> str:
    """``e`` written as an expression that kimgame's parser (and sympy) reads back to the same value."""
    return fold(e, _number_text, lambda name: (name, 5), _negation_text, per_operator(_binop_text),
                lambda func, args: (f"{func}({', '.join(a for a, _ in args)})", 5))[0]
