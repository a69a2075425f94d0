"""The checks of an assembled tree, each problem reported with its place: information sets whose nodes
differ in player or actions, perfect recall (a player never forgets what they knew or did: Kuhn, "Extensive
games and the problem of information", 1953), and chance probabilities (summing to one symbolically,
lying in [0, 1] on the declared ranges, see :mod:`kimgame.model.probabilities`).

Each check first runs on the tree's columns and tables (:func:`_passes_checks`: per information set with
several nodes, per distinct formula and per distinct tuple of a chance node's probabilities), which is
all a sound tree of a million nodes costs; only a tree that fails is read node by node, to word each
problem with its place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from kimgame.errors import KimgameError, Location
from kimgame.model.nodes import Chance, Decision, Terminal
from kimgame.model.parameters import Parameter
from kimgame.model.probabilities import outside_unit_interval_on_box, sum_error, sums_to_one
from kimgame.model.tree import ExtensiveFormGame, in_unit_interval, own_context, probabilities_at_values
from kimgame.model.tree_arrays import CHANCE, DECISION, TreeArrays

__all__ = ["recall_problem", "tree_problems", "where_text"]


def where_text(where: Location | None) -> str:
    """``"line N"`` of ``where`` (its full text when it has no line; ``"another place"`` for None)."""
    if where is None:
        return "another place"
    return f"line {where.line}" if where.line is not None else str(where)




def tree_problems(game: ExtensiveFormGame, *, recall: bool = True) -> list[KimgameError]:
    """Everything wrong with an assembled tree: information sets whose nodes differ in player or actions,
    perfect recall (unless ``recall`` is False: Gambit files may lack it, see :func:`recall_problem`),
    chance probabilities (sum to one symbolically; in [0, 1] at the values and over the declared parameter
    ranges), payoffs that cannot be evaluated at the values."""
    if _passes_checks(game.arrays, game.values, game.parameters):
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
        problems = [] if _shared_infosets_ok(game.arrays) else _perfect_recall_problems(game)
        cached = game.__dict__["_recall_problem"] = problems[0] if problems else None
    return cached


def _infoset_problems(game: ExtensiveFormGame) -> list[KimgameError]:
    errors = []
    for h in game.infosets.values():
        first = game.nodes[h.nodes[0]]
        assert isinstance(first, Decision), "information sets are made of decision nodes"
        for v in h.nodes[1:]:
            node = game.nodes[v]
            assert isinstance(node, Decision), "information sets are made of decision nodes"
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


# --------------------------------------------------------------------------------------------------
# the checks on the columns


def _passes_checks(a: TreeArrays, values: Mapping[str, Fraction], parameters: Sequence[Parameter]) -> bool:
    """True when :func:`tree_problems` finds nothing: information sets and perfect recall checked per
    information set with several nodes, chance probabilities and payoffs per distinct formula, sums per
    distinct tuple of a chance node's probabilities. False when the nodes must be read to word a problem."""
    if not a.is_perfect_information and not _shared_infosets_ok(a):
        return False
    bounded = {p.name: p for p in parameters}
    for f in a.probs:
        if not in_unit_interval(f, values) or (f.parameters and outside_unit_interval_on_box(f, bounded)):
            return False
    c = a.columns
    ptr, children, prob = c.child_ptr, c.children, c.prob
    rows = set()
    v = c.kind.find(CHANCE)
    while v >= 0:
        rows.add(tuple([prob[x] for x in children[ptr[v]:ptr[v + 1]]]))
        v = c.kind.find(CHANCE, v + 1)
    if not all(sums_to_one([a.probs[k] for k in row], values) for row in rows):
        return False
    for vec in a.payoffs:
        for f in vec:
            if f.parameters:
                try:
                    f.evaluate(values)
                except KimgameError:
                    return False
    return True


def _shared_infosets_ok(a: TreeArrays) -> bool:
    """Information sets with several nodes: the same mover and moves at each, and the same previous own move
    and number of own moves on the way to each (perfect recall). Computed once per store (loading and
    solving both ask)."""
    cached = a.__dict__.get("_shared_infosets_ok")
    if cached is None:
        cached = a.__dict__["_shared_infosets_ok"] = _check_shared_infosets(a)
    return cached


def _check_shared_infosets(a: TreeArrays) -> bool:
    if a.is_perfect_information:
        return True
    c = a.columns
    kind, ptr, children, move, player, infoset, parent = (c.kind, c.child_ptr, c.children, c.move, c.player,
                                                           c.infoset, c.parent)
    counts = [0] * a.num_infosets
    for h in infoset:
        if h >= 0:
            counts[h] += 1
    first: dict[int, tuple] = {}
    for v, h in enumerate(infoset):
        if h < 0 or counts[h] < 2:
            continue
        moves = tuple([move[x] for x in children[ptr[v]:ptr[v + 1]]])
        i = player[v]
        # the mover's own moves above v: the last one (information set, action) and how many
        prev = None
        own = 0
        u = v
        while u > 0:
            p = parent[u]
            if kind[p] == DECISION and player[p] == i:
                if prev is None:
                    prev = (infoset[p], list(children[ptr[p]:ptr[p + 1]]).index(u))
                own += 1
            u = p
        if first.setdefault(h, (i, moves, prev, own)) != (i, moves, prev, own):
            return False
    return True
