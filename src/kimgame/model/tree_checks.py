"""The checks of an assembled tree, each problem reported with its place: information sets whose nodes
differ in player or actions, perfect recall (a player never forgets what they knew or did: Kuhn, "Extensive
games and the problem of information", 1953), and chance probabilities (summing to one symbolically,
lying in [0, 1] on the declared ranges, see :mod:`kimgame.model.probabilities`).

Trees in the array store are checked while they are assembled (:mod:`kimgame.model.tree_arrays`); the
functions here check the node-by-node trees and answer from the array store's own checks otherwise.
"""

from __future__ import annotations

from kimgame.errors import KimgameError, Location
from kimgame.model.nodes import Chance, Terminal
from kimgame.model.probabilities import outside_unit_interval_on_box, sum_error, sums_to_one
from kimgame.model.tree import ExtensiveFormGame, array_store, own_context, probabilities_at_values

__all__ = ["recall_problem", "tree_problems", "where_text"]


def where_text(where: Location | None) -> str:
    if where is None:
        return "another place"
    return f"line {where.line}" if where.line is not None else str(where)




def tree_problems(game: ExtensiveFormGame, *, recall: bool = True) -> list[KimgameError]:
    """Everything wrong with an assembled tree: information sets whose nodes differ in player or actions,
    perfect recall (unless ``recall`` is False: Gambit files may lack it, see :func:`recall_problem`),
    chance probabilities (sum to one symbolically; in [0, 1] at the values and over the declared parameter
    ranges), payoffs that cannot be evaluated at the values."""
    store = array_store(game)
    if store is not None and store.passes_checks(game.values, game.parameters):
        return []
    errors: list[KimgameError] = []
    errors.extend(_infoset_problems(game))
    if not errors and recall:
        errors.extend(_perfect_recall_problems(game))
    errors.extend(_chance_problems(game))
    seen: set[int] = set()
    for node in game.nodes:
        if isinstance(node, Terminal):
            for f in node.payoffs:
                if f.parameters and id(f) not in seen:
                    seen.add(id(f))
                    try:
                        f.evaluate(game.values)
                    except KimgameError as err:
                        errors.append(err)
    return errors


def recall_problem(game: ExtensiveFormGame) -> KimgameError | None:
    """None when the tree has perfect recall, else the first place where a player forgets (an
    information set reached twice on one path — absent-mindedness — included). Cached on the game."""
    cached = game.__dict__.get("_recall_problem", ())
    if cached == ():
        problems = _perfect_recall_problems(game) if array_store(game) is None else []  # array stores are checked
        cached = game.__dict__["_recall_problem"] = problems[0] if problems else None
    return cached


def _infoset_problems(game: ExtensiveFormGame) -> list[KimgameError]:
    errors = []
    for h in game.infosets.values():
        first = game.nodes[h.nodes[0]]
        for v in h.nodes[1:]:
            node = game.nodes[v]
            if node.player != first.player:
                errors.append(KimgameError(
                    f"information set '{h.label}': this node belongs to {game.players[node.player]} but the one at "
                    f"{where_text(first.where)} to {game.players[first.player]}; one player moves at all nodes "
                    "of an information set", node.where))
            elif node.actions != first.actions:
                errors.append(KimgameError(
                    f"information set '{h.label}': this node has moves [{', '.join(node.actions)}] but the one at "
                    f"{where_text(first.where)} has [{', '.join(first.actions)}]; the nodes of an information set "
                    "need the same action labels in the same order", node.where))
    return errors


def _perfect_recall_problems(game: ExtensiveFormGame) -> list[KimgameError]:
    """Perfect recall holds iff at every information set all nodes share the mover's previous own
    (information set, action) and own depth (by induction this makes their whole own histories equal)."""
    prev, depth = own_context(game)
    errors = []
    for h in game.infosets.values():
        v0 = h.nodes[0]
        for v in h.nodes[1:]:
            if prev[v] == prev[v0] and depth[v] == depth[v0]:
                continue
            player = game.players[h.player]
            where = game.nodes[v].where
            # the choice remembered on the way to one node and not on the way to the other
            with_it, without = (v0, v) if prev[v0] is not None else (v, v0)
            told = prev[with_it]
            if told is None or prev[v] == prev[v0]:
                errors.append(KimgameError(
                    f"perfect recall: player {player} forgets at information set '{h.label}' how many moves they "
                    f"have made (compare the node at {where_text(game.nodes[v0].where)}); give these nodes "
                    "different information sets", where))
            elif told[0] == h.label:
                errors.append(KimgameError(
                    f"perfect recall: player {player} forgets at information set '{h.label}' that they have "
                    "already moved there (a node and a later node share the information set); give them "
                    "different information sets", where))
            else:
                action = game.infosets[told[0]].actions[told[1]]
                alt = prev[without]
                if alt is None:
                    instead = "reached before they moved at all"
                elif alt[0] == told[0]:
                    instead = f"reached after choosing '{game.infosets[alt[0]].actions[alt[1]]}' there"
                else:
                    instead = f"reached after their move at '{alt[0]}' instead"
                errors.append(KimgameError(
                    f"perfect recall: player {player} forgets at information set '{h.label}' that they chose "
                    f"'{action}' at '{told[0]}' (the node at {where_text(game.nodes[with_it].where)} follows that "
                    f"choice; the node at {where_text(game.nodes[without].where)} is {instead}); give these nodes "
                    "different information sets", where))
            break
    return errors


def _chance_problems(game: ExtensiveFormGame) -> list[KimgameError]:
    errors = probabilities_at_values(game)
    bounded = {p.name: p for p in game.parameters}
    checked_sums: dict[tuple, bool] = {}
    checked_box: set[int] = set()
    for node in game.nodes:
        if not isinstance(node, Chance):
            continue
        key = tuple(f.expr for f in node.probs)
        if key not in checked_sums:
            checked_sums[key] = sums_to_one(node.probs, game.values)
        if not checked_sums[key]:
            errors.append(sum_error(node.outcomes, node.probs, node.where))
        for label, f in zip(node.outcomes, node.probs):
            if not f.parameters or id(f.expr) in checked_box:
                continue
            checked_box.add(id(f.expr))
            problem = outside_unit_interval_on_box(f, bounded)
            if problem:
                errors.append(KimgameError(
                    f"the probability of '{label}' ({f.text}) leaves [0, 1] within the declared parameter ranges: "
                    f"{problem}; narrow the ranges or rewrite the probability", f.where or node.where))
    return errors
