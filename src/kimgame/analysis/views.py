"""Readable slices of a long exact condition: each player's side of the question.

A tree with a dozen parameters has an exact region that is a union of hundreds of pieces: correct,
complete, and unreadable. The question an analyst asks is usually one of two: *given how the others
behave at these values, what must my own valuations satisfy?* and *given my valuations, how must the
others behave?* A :class:`ConditionView` answers one such question exactly: the claim's condition
with every parameter outside one player's payoffs held at its value (``focus``), so it is exact on
that slice of parameter space and usually a single readable inequality.

Parameters of chance probabilities belong to every player's view (they shape everyone's expected
payoffs); a view that would free every parameter, that repeats another, or that frees more than
:data:`MAX_VIEW_PARAMETERS` (its condition would again be a long union, and cost nearly as much as
the full one) is left out; ``kimgame analyze --free`` focuses on any set of parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from kimgame.model.claims import Claim

__all__ = ["MAX_VIEW_PARAMETERS", "ConditionView", "condition_views", "player_parameters"]

MAX_VIEW_PARAMETERS = 6


@dataclass(frozen=True)
class ConditionView:
    """The claim's exact condition on ``free`` with every other parameter at its value (``held``).

    ``player``: whose payoff parameters ``free`` is (with the chance probabilities' parameters).
    ``condition``/``text`` are None when the derivation reached a size limit (``note`` says which)."""

    player: str
    free: tuple[str, ...]
    held: tuple[tuple[str, Fraction], ...]
    condition: sympy.Boolean | None
    text: str | None
    note: str = ""


def player_parameters(game) -> dict[str, tuple[str, ...]]:
    """For each player, the parameters that appear in their payoffs or in a chance probability, in the
    order the parameters are declared."""
    order = [p.name for p in game.parameters]
    used: dict[str, set[str]] = {name: set() for name in game.players}
    chance: set[str] = set()
    if game.form == "normal":
        vectors = game.payoffs
    else:
        vectors = [n.payoffs for n in game.nodes if hasattr(n, "payoffs")]
        for n in game.nodes:
            for f in getattr(n, "probs", ()):
                chance |= f.parameters
    for vec in vectors:
        for name, f in zip(game.players, vec):
            used[name] |= f.parameters
    return {name: tuple(p for p in order if p in used[name] | chance) for name in game.players}


def condition_views(game, claim: Claim, **options) -> tuple[ConditionView, ...]:
    """One :class:`ConditionView` per player whose parameters are a proper, non-empty part of the game's
    (see the module doc), each derived exactly by :func:`~kimgame.analysis.conditions.claim_condition`
    on the focused game (``options`` are passed on, e.g. ``max_pieces``). A view whose derivation
    reaches a size limit has no condition and says so; other errors of ``claim_condition`` propagate."""
    from kimgame.analysis.conditions import claim_condition, condition_text
    from kimgame.analysis.focus import focus
    from kimgame.errors import SolverLimit

    everything = {p.name for p in game.parameters}
    seen: set[tuple[str, ...]] = set()
    views = []
    for player, free in player_parameters(game).items():
        if not free or set(free) == everything or free in seen or len(free) > MAX_VIEW_PARAMETERS:
            continue
        seen.add(free)
        held = tuple((p.name, game.values[p.name]) for p in game.parameters if p.name not in free)
        try:
            cond = claim_condition(focus(game, free), claim, **options)
        except SolverLimit as err:
            views.append(ConditionView(player, free, held, None, None, str(err)))
            continue
        views.append(ConditionView(player, free, held, cond, condition_text(cond)))
    return tuple(views)
