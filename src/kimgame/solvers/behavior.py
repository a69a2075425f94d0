"""Behaviour profiles of a game tree as reported: by player and label (:func:`behavior_document`) and back
(:func:`flat_behavior`), the probability of each outcome and the path of play they give."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from kimgame.limits import current_limits
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal
from kimgame.solvers.reduced_normal_form import Behavior
from kimgame.solvers.results import PathStep
from kimgame.solvers.subgames import reach_probabilities


def behavior_document(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None]
                      ) -> dict[str, dict[str, dict[str, Fraction]]]:
    """``{player: {infoset: {action: probability}}}`` for every information set, in tree order."""
    out: dict[str, dict[str, dict[str, Fraction]]] = {p: {} for p in game.players}
    for label, h in game.infosets.items():
        probs = behavior.get(label)
        if probs is None:
            probs = tuple(Fraction(1, len(h.actions)) for _ in h.actions)
        out[game.players[h.player]][label] = dict(zip(h.actions, probs))
    return out


def flat_behavior(game: ExtensiveFormGame, document: Mapping[str, Mapping[str, Mapping[str, Fraction]]]) -> Behavior:
    """The inverse of :func:`behavior_document`: ``{infoset: (probability of each action)}``."""
    out: Behavior = {}
    for sets in document.values():
        for label, acts in sets.items():
            out[label] = tuple(Fraction(acts[a]) for a in game.infosets[label].actions)
    return out


def outcome_probabilities(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None]
                          ) -> dict[str, Fraction]:
    """The probability of each outcome label (summed over the terminals carrying it) under ``behavior``."""

    reach = reach_probabilities(game, behavior)
    out = {label: Fraction(0) for label in game.outcomes}
    nodes = game.nodes
    for v in [v for v, r in enumerate(reach) if r]:  # only the nodes reached (a large tree's are few)
        node = nodes[v]
        if isinstance(node, Terminal) and node.outcome is not None:
            out[node.outcome] += reach[v]
    return out


def path_of_play(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None],
                 limit: int | None = None) -> list[PathStep]:
    """The nodes reached with positive probability, in tree order: who moves, the moves taken (with their
    probabilities) and the probability of getting there; reached terminals with their payoffs. At most
    ``limit`` steps (default: the ``path_steps`` limit in force), then a step marked ``truncated``."""

    if limit is None:
        limit = current_limits().path_steps
    reach = reach_probabilities(game, behavior)
    steps: list[PathStep] = []
    nodes = game.nodes
    for v in [v for v, r in enumerate(reach) if r]:
        node = nodes[v]
        if len(steps) >= limit:
            steps.append(PathStep(truncated=True))
            break
        label = game.node_label(v)
        if isinstance(node, Decision):
            probs = behavior[node.infoset]
            moves = {} if probs is None else {a: p for a, p in zip(node.actions, probs) if p}
            steps.append(PathStep(label, reach[v], game.players[node.player], node.infoset, moves))
        elif isinstance(node, Chance):
            chance = game.chance_values[v]
            assert chance is not None
            steps.append(PathStep(label, reach[v], "chance", moves={o: p for o, p in zip(node.outcomes, chance) if p}))
        else:
            payoffs = game.terminal_values[v]
            assert payoffs is not None
            steps.append(PathStep(label, reach[v], payoffs=dict(zip(game.players, payoffs)), outcome=node.outcome))
    return steps
