"""Judging claims about a game at its parameter values.

The symbolic side (the exact region of parameters where a claim holds) lives beside this in
:mod:`kimgame.analysis`; both use the same :class:`~kimgame.model.claims.Claim` objects.
"""

from __future__ import annotations

from kimgame.expr.numbers import fmt
from kimgame.model.claims import Claim, Dominates, Outcome, Plays
from kimgame.solvers.behavior import flat_behavior, outcome_probabilities
from kimgame.solvers.dominance import dominates, iterated_elimination
from kimgame.solvers.results import ClaimResult


def judge(game, claim: Claim, elimination=None, equilibria=None) -> ClaimResult:
    """Whether ``claim`` holds in ``game`` at ``game.values``, with a one-line explanation.

    Tree claims (``Plays``, ``Outcome``) are judged on ``equilibria``, the equilibria found for the tree
    (each with ``behavior`` and ``subgame_perfect``)."""
    spec = claim.spec
    if isinstance(spec, Dominates):
        holds, detail = _judge_dominates(game, spec, elimination)
    elif isinstance(spec, (Plays, Outcome)):
        holds, detail = _judge_tree_claim(game, spec, equilibria or ())
    else:  # pragma: no cover - every spec kind is handled above
        raise TypeError(f"unknown claim kind {type(spec).__name__}")
    return ClaimResult(claim.id, claim.says, spec.describe(), holds, detail)


def _judge_dominates(game, spec: Dominates, elimination) -> tuple[bool, str]:
    payoffs = game.numeric
    i = game.player_index(spec.player)
    s = game.strategy_index(i, spec.strategy)
    t = game.strategy_index(i, spec.over)
    if spec.after_elimination:
        if elimination is None:
            elimination = iterated_elimination(game.players, game.strategies, payoffs)
        if not elimination.complete:
            return False, "not judged: the iterated elimination was stopped (time limit or Ctrl-C) before it finished"
        keep = [
            [game.strategies[j].index(label) for label in elimination.surviving[j]] if j != i else list(range(len(game.strategies[i])))
            for j in range(len(game.players))
        ]
        import numpy as np

        payoffs = tuple(u[np.ix_(*keep)] for u in payoffs)
    holds = dominates(payoffs[i], i, s, t, strict=spec.strict)
    kind = "strictly" if spec.strict else "weakly"
    verb = "does" if holds else "does not"
    return holds, f"{spec.strategy} {verb} {kind} dominate {spec.over} for {spec.player} at these values"


def _judge_tree_claim(game, spec, equilibria) -> tuple[bool, str]:
    """``Plays``: the action has probability 1 at the information set; ``Outcome``: the outcome's
    probability meets every bound — in every (or some) listed subgame-perfect (or Nash) equilibrium."""
    pool = [eq for eq in equilibria if spec.equilibrium == "nash" or eq.subgame_perfect]
    which = "subgame-perfect equilibria" if spec.equilibrium == "spe" else "Nash equilibria"
    if not pool:
        return False, f"no {which} were found"
    if isinstance(spec, Plays):
        seen = []
        for eq in pool:
            probs = eq.behavior[spec.player][spec.infoset]
            seen.append(probs[spec.action])
        good = [p == 1 for p in seen]
        shown = ", ".join(fmt(p) for p in seen[:10]) + (", ..." if len(seen) > 10 else "")
        detail = f"probability of {spec.action} at '{spec.infoset}' in the {len(pool)} {which}: {shown}"
    else:
        bounds = [(op, f.evaluate(game.values)) for op, f in spec.bounds()]
        tests = {">=": lambda p, b: p >= b, ">": lambda p, b: p > b, "<=": lambda p, b: p <= b, "<": lambda p, b: p < b}
        seen = []
        for eq in pool:
            probs = outcome_probabilities(game, flat_behavior(game, eq.behavior))
            seen.append(sum((probs.get(label, 0) for label in spec.outcomes), 0))
        good = [all(tests[op](p, b) for op, b in bounds) for p in seen]
        shown = ", ".join(fmt(p) for p in seen[:10]) + (", ..." if len(seen) > 10 else "")
        event = " or ".join(f"'{label}'" for label in spec.outcomes)
        detail = f"probability of {event} in the {len(pool)} {which}: {shown}"
    holds = all(good) if spec.quantifier == "every" else any(good)
    return holds, detail
