"""Readable slices of a long exact condition: each player's side of the question.

A tree with a dozen parameters has an exact region that is a union of hundreds of pieces: correct,
complete, and unreadable. The question an analyst asks is usually one of two: *given how the others
behave at these values, what must my own valuations satisfy?* and *given my valuations, how must the
others behave?* A :class:`ConditionView` answers one such question exactly: the claim's condition
with every parameter outside one player's payoffs held at its value (``focus``), so it is exact on
that slice of parameter space and usually a single readable inequality.

Who owns a parameter (:func:`parameter_owners`): a player, when it appears only in that player's
payoffs; nature, when it appears in a chance probability; "shared" when it is in several players'
payoffs. A player's view frees that player's own parameters and nature's (chance probabilities shape
everyone's expected payoffs); shared parameters are held. A view that would free every parameter, that repeats another, or that frees more than
:data:`MAX_VIEW_PARAMETERS` (its condition would again be a long union, and cost nearly as much as
the full one) is left out; ``kimgame analyze --free`` focuses on any set of parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from kimgame.analysis.conditions import claim_condition, condition_text
from kimgame.analysis.focus import focus
from kimgame.errors import SolverLimit
from kimgame.model.claims import Claim
from kimgame.model.tree import Chance, ExtensiveFormGame, Terminal

__all__ = ["MAX_VIEW_PARAMETERS", "NATURE", "SHARED", "ConditionView", "condition_views", "owned_phrase",
           "parameter_owners", "player_parameters"]

NATURE = "nature"
SHARED = "shared"

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
    owners: tuple[tuple[str, str], ...] = ()  # (parameter, owner) for ``free``

    @property
    def title(self) -> str:
        """``"With only US's parameters (W, H) and nature's (p_insult) free"``."""
        return f"With only {owned_phrase(dict(self.owners), self.free)} free"


def owned_phrase(owners: dict[str, str], names) -> str:
    """``"US's parameters (W, H) and nature's (p_insult)"``: parameters grouped by owner, in order."""
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(owners.get(n, SHARED), []).append(n)
    parts = []
    for k, (owner, items) in enumerate(groups.items()):
        who = "the shared" if owner == SHARED else f"{owner}'s"
        parts.append(f"{who} {'parameters ' if k == 0 else ''}({', '.join(items)})")
    return " and ".join(parts)


def parameter_owners(game) -> dict[str, str]:
    """Who owns each parameter: a player's name when it appears only in that player's payoffs,
    ``"nature"`` when it appears in a chance probability, ``"shared"`` when it is in several players'
    payoffs (or in none)."""
    order = [p.name for p in game.parameters]
    used: dict[str, set[str]] = {n: set() for n in order}
    chance: set[str] = set()
    if not isinstance(game, ExtensiveFormGame):
        vectors = game.payoffs
    else:
        vectors = [n.payoffs for n in game.nodes if isinstance(n, Terminal)]
        for n in game.nodes:
            if isinstance(n, Chance):
                chance.update(*(f.parameters for f in n.probs))
    for vec in vectors:
        for player, f in zip(game.players, vec):
            for name in f.parameters:
                used[name].add(player)
    out = {}
    for name in order:
        if name in chance:
            out[name] = NATURE
        elif len(used[name]) == 1:
            out[name] = next(iter(used[name]))
        else:
            out[name] = SHARED
    return out


def player_parameters(game) -> dict[str, tuple[str, ...]]:
    """For each player, that player's own parameters and nature's (:func:`parameter_owners`), in the
    order the parameters are declared."""
    owners = parameter_owners(game)
    return {name: tuple(p for p, o in owners.items() if o in (name, NATURE)) for name in game.players}


def condition_views(game, claim: Claim, **options) -> tuple[ConditionView, ...]:
    """One :class:`ConditionView` per player whose parameters are a proper, non-empty part of the game's
    (see the module doc), each derived exactly by :func:`~kimgame.analysis.conditions.claim_condition`
    on the focused game (``options`` are passed on, e.g. ``max_pieces``). A view whose derivation
    reaches a size limit has no condition and says so; other errors of ``claim_condition`` propagate."""

    everything = {p.name for p in game.parameters}
    seen: set[tuple[str, ...]] = set()
    views = []
    owners = parameter_owners(game)
    for player, free in player_parameters(game).items():
        if not any(owners[p] == player for p in free):
            continue
        if not free or set(free) == everything or free in seen or len(free) > MAX_VIEW_PARAMETERS:
            continue
        seen.add(free)
        held = tuple((p.name, game.values[p.name]) for p in game.parameters if p.name not in free)
        try:
            cond = claim_condition(focus(game, free), claim, **options)
        except SolverLimit as err:
            views.append(ConditionView(player, free, held, None, None, str(err), _owned(owners, free)))
            continue
        views.append(ConditionView(player, free, held, cond, condition_text(cond), owners=_owned(owners, free)))
    return tuple(views)


def _owned(owners: dict[str, str], free) -> tuple[tuple[str, str], ...]:
    return tuple((p, owners[p]) for p in free)
