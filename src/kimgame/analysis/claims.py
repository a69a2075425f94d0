"""Judging claims about a game at its parameter values.

The symbolic side (the exact region of parameters where a claim holds) lives beside this in
:mod:`kimgame.analysis`; both use the same :class:`~kimgame.model.claims.Claim` objects.
"""

from __future__ import annotations

from kimgame.model.claims import Claim, Dominates
from kimgame.solvers.results import ClaimResult


def judge(game, claim: Claim, elimination=None) -> ClaimResult:
    """Whether ``claim`` holds in ``game`` at ``game.values``, with a one-line explanation."""
    spec = claim.spec
    if isinstance(spec, Dominates):
        holds, detail = _judge_dominates(game, spec, elimination)
    else:  # pragma: no cover - every spec kind is handled above
        raise TypeError(f"unknown claim kind {type(spec).__name__}")
    return ClaimResult(claim.id, claim.says, spec.describe(), holds, detail)


def _judge_dominates(game, spec: Dominates, elimination) -> tuple[bool, str]:
    from kimgame.solvers.dominance import dominates, iterated_elimination

    payoffs = game.numeric
    i = game.player_index(spec.player)
    s = game.strategy_index(i, spec.strategy)
    t = game.strategy_index(i, spec.over)
    if spec.after_elimination:
        if elimination is None:
            elimination = iterated_elimination(game.players, game.strategies, payoffs)
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
