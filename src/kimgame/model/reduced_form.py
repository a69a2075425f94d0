"""The symbolic reduced normal form of a game tree.

:func:`reduced_normal_form` turns a tree into a :class:`~kimgame.model.normal_form.NormalFormGame` whose
strategies are the plans of :func:`kimgame.model.tree.plan_space` and whose payoffs are exact formulas:
per profile of plans, the sum over the terminals it reaches of the chance weight times the payoff (the
reduced normal form of Kuhn, "Extensive games and the problem of information", 1953).
"""

from __future__ import annotations

import itertools
import math
from typing import cast

from kimgame.expr.build import combine_product, combine_sum, expr_text
from kimgame.expr.tree import Formula, Num
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
        weight = combine_product([cast(Chance, game.nodes[c]).probs[k].expr for c, k in chances])
        terms = []
        for f in node.payoffs:
            terms.append(f if isinstance(weight, Num) and weight.value == 1 else combine_product([weight, f.expr]))
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
                expr = combine_sum([t.expr if isinstance(t, Formula) else t for t in terms])
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
