"""Behaviour profiles of a game tree as reported: by player and label (:func:`behavior_document`) and back
(:func:`flat_behavior`), the probability of each outcome and the path of play they give."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal
from kimgame.solvers.reduced_normal_form import Behavior

PATH_STEPS = 10_000  # steps of a path of play reported


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
    from kimgame.solvers.subgames import reach_probabilities

    reach = reach_probabilities(game, behavior)
    out = {label: Fraction(0) for label in game.outcomes}
    nodes = game.nodes
    for v in [v for v, r in enumerate(reach) if r]:  # only the nodes reached (a large tree's are few)
        node = nodes[v]
        if isinstance(node, Terminal) and node.outcome is not None:
            out[node.outcome] += reach[v]
    return out


def path_of_play(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None],
                 limit: int = PATH_STEPS) -> list[dict[str, Any]]:
    """The nodes reached with positive probability, in tree order: who moves, the moves taken (with their
    probabilities) and the probability of getting there; reached terminals with their payoffs."""
    from kimgame.solvers.subgames import reach_probabilities

    reach = reach_probabilities(game, behavior)
    steps: list[dict[str, Any]] = []
    nodes = game.nodes
    for v in [v for v, r in enumerate(reach) if r]:
        node = nodes[v]
        if len(steps) >= limit:
            steps.append({"truncated": True})
            break
        step: dict[str, Any] = {"node": game.node_label(v), "reach": reach[v]}
        if isinstance(node, Decision):
            probs = behavior[node.infoset]
            step.update(player=game.players[node.player], infoset=node.infoset,
                        moves={a: p for a, p in zip(node.actions, probs) if p})
        elif isinstance(node, Chance):
            step.update(player="chance", moves={o: p for o, p in zip(node.outcomes, game.chance_values[v]) if p})
        else:
            step.update(payoffs=dict(zip(game.players, game.terminal_values[v])))
            if node.outcome is not None:
                step["outcome"] = node.outcome
        steps.append(step)
    return steps
