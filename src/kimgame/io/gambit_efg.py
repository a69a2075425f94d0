"""Reading Gambit's extensive game files (``.efg``) into an
:class:`~kimgame.model.tree.ExtensiveFormGame`.

``EFG 2 R "title" { "P1" "P2" }``, an optional comment, then the nodes in preorder:
``c "name" event ["event name"] [{ "action" prob ... }] outcome [["name"] { payoffs }]``,
``p "name" player infoset ["infoset name"] [{ "action" ... }] outcome [...]``,
``t "name" outcome [["name"] { payoffs }]``. Information sets, chance events and outcomes are described at
their first appearance and may be referred to by number afterwards; a repeated description must match the
first. Outcomes at non-terminal nodes add their payoffs to every terminal below them. Format: Gambit
documentation, "The extensive game (.efg) file format" (see :mod:`kimgame.io.gambit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from kimgame.errors import ValidationErrors
from kimgame.expr.numbers import fmt
from kimgame.expr.tree import Formula, Num
from kimgame.io.gambit_syntax import GambitParser, Token, distinct_labels
from kimgame.limits import current_limits, too_large
from kimgame.model.nodes import ChanceSpec, DecisionSpec, Spec, TerminalSpec
from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_assembly import assemble
from kimgame.model.tree_checks import tree_problems

__all__ = ["parse_efg"]


@dataclass
class _InfoSet:
    number: int
    player: int  # 0-based; -1 for chance events
    name: str
    actions: list[str]
    probs: list[Fraction] | None
    tok: Token


@dataclass
class _RawNode:
    kind: str  # "c", "p", "t"
    name: str
    infoset: _InfoSet | None
    outcome: tuple[Fraction, ...] | None  # this node's own outcome payoffs (None: null outcome)
    outcome_name: str
    tok: Token
    children: list[int]


def parse_efg(text: str, name: str = "<efg>") -> ExtensiveFormGame:
    """Parse the text of a Gambit ``.efg`` file into an
    :class:`~kimgame.model.tree.ExtensiveFormGame` (exact payoffs and probabilities, no parameters).

    Format: Gambit documentation, "The extensive game (.efg) file format". Outcomes at non-terminal
    nodes are added to the payoffs of every terminal below them. The tree is checked like any kimgame
    tree (information sets, perfect recall, chance probabilities summing to one); problems are
    reported at the node's line and column.
    """
    p = GambitParser(text, name)
    title, player_labels = p.header("EFG", "2")
    n = len(player_labels)
    players = distinct_labels(player_labels, "Player {}")
    if p.peek().kind == "str":  # the optional comment
        p.take()
    max_nodes = current_limits().nodes
    size = sum(1 for kind, word in zip(p.kinds[p.i:], p.texts[p.i:]) if kind == "word" and word in ("c", "p", "t"))
    if size > max_nodes:  # counted on the tokens, before a node is built
        raise p.error(p.peek(), too_large("the tree", size, "nodes", "nodes"))

    infosets: dict[tuple[int, int], _InfoSet] = {}
    outcomes: dict[int, tuple[str, tuple[Fraction, ...], Token]] = {}
    nodes: list[_RawNode] = []
    pending: list[list[int]] = []  # stack of [node id, children still to come]

    def outcome_part(node_desc: str) -> tuple[tuple[Fraction, ...] | None, str]:
        number, num_at = p.integer(f"the outcome number of {node_desc} (0 for none)", minimum=0)
        num_tok = p.tok_at(num_at)
        name_tok = p.take() if p.kinds[p.i] == "str" else None
        label = name_tok.text if name_tok is not None else None
        payoffs = None
        if p.kinds[p.i] == "lb":
            payoffs, _ = p.payoff_list(n, f"outcome {number}")
        if number == 0:
            if label or payoffs is not None:
                raise p.error(num_tok, "outcome 0 is the null outcome (no payoffs); it has no name or payoffs — "
                                       "give the outcome a positive number")
            return None, ""
        known = outcomes.get(number)
        if known is None:
            if payoffs is None:
                raise p.error(num_tok, f"outcome {number} is used here for the first time without its payoffs; write "
                                       f"{number} \"name\" {{ {' '.join(['0'] * n)} }} at its first use")
            outcomes[number] = (label or "", payoffs, num_tok)
            return payoffs, label or ""
        first_label, first_payoffs, first_tok = known
        if payoffs is not None and (payoffs != first_payoffs or (label or "") != first_label):
            line = p.where(first_tok).line
            raise p.error(num_tok, f"outcome {number} was described differently at line {line} "
                                   f"(\"{first_label}\" {{ {' '.join(fmt(q) for q in first_payoffs)} }}); a repeated "
                                   "description must match the first one exactly, or leave it out")
        if payoffs is None and label is not None and label != first_label:
            assert name_tok is not None, "a label is read from a name token"
            line = p.where(first_tok).line
            raise p.error(name_tok, f"outcome {number} is named \"{first_label}\" at line {line}, not \"{label}\"")
        return first_payoffs, first_label

    while True:
        tok = p.take()
        if tok.kind == "eof":
            break
        if tok.kind != "word" or tok.text not in ("c", "p", "t"):
            raise p.error(tok, f"expected a node: 'c' (chance), 'p' (player) or 't' (terminal), found {p.found(tok)}")
        if nodes and not pending:
            raise p.error(tok, "this node comes after the tree is complete (every node's children are already "
                               "listed); remove it or check the numbers of actions above")
        node_name = p.expect("str", f"the node's name in quotes (\"\" for none) after '{tok.text}'").text
        info: _InfoSet | None = None
        if tok.text == "t":
            payoffs, out_name = outcome_part("this terminal node")
            raw = _RawNode("t", node_name, None, payoffs, out_name, tok, [])
        else:
            if tok.text == "p":
                player, player_at = p.integer("the number of the player who moves", minimum=1)
                if player > n:
                    raise p.error(p.tok_at(player_at), f"there is no player {player}; the players are "
                                              + ", ".join(f"{k + 1} ({label})" for k, label in enumerate(players)))
                key_player = player - 1
                what = f"information set of player {player}"
            else:
                key_player = -1
                what = "chance event"
            number, num_at = p.integer(f"the number of the {what}", minimum=1)
            num_tok = p.tok_at(num_at)
            label = p.take().text if p.kinds[p.i] == "str" else None
            actions: list[str] | None = None
            probs: list[Fraction] | None = None
            list_tok = p.peek()
            if list_tok.kind == "lb":
                p.take()
                actions, probs = [], ([] if key_player < 0 else None)
                kinds, texts = p.kinds, p.texts
                while True:
                    p.skip_commas()
                    kind = kinds[p.i]
                    if kind == "rb":
                        p.i += 1
                        break
                    if kind != "str":
                        a = p.peek()
                        raise p.error(a, f"expected a quoted action label or '}}' closing the actions, found {p.found(a)}")
                    label_text = texts[p.i]
                    p.i += 1
                    actions.append(label_text)
                    if probs is not None:
                        p.skip_commas()
                        probs.append(p.number(f"the probability of \"{label_text}\""))
                if not actions:
                    raise p.error(list_tok, "a node needs at least one action")
            key = (key_player, number)
            info = infosets.get(key)
            if info is None:
                if actions is None:
                    raise p.error(num_tok, f"the {what} {number} appears here for the first time without its actions; "
                                           "list them in braces at its first appearance: "
                                           + ('{ "a" 1/2 "b" 1/2 }' if key_player < 0 else '{ "a" "b" }'))
                info = infosets[key] = _InfoSet(number, key_player, label or "", actions, probs, num_tok)
            elif actions is not None or label is not None:
                same = (label is None or label == info.name) and (actions is None or (actions == info.actions
                                                                                       and probs == info.probs))
                if not same:
                    line = p.where(info.tok).line
                    raise p.error(num_tok, f"the {what} {number} was described differently at line {line}; a "
                                           "repeated description must match the first one exactly (name, actions"
                                           + (" and probabilities" if key_player < 0 else "") + "), or leave it out")
            payoffs, out_name = outcome_part("this node")
            raw = _RawNode(tok.text, node_name, info, payoffs, out_name, tok, [])
        v = len(nodes)
        nodes.append(raw)
        if pending:
            parent = pending[-1]
            nodes[parent[0]].children.append(v)
            parent[1] -= 1
            if parent[1] == 0:
                pending.pop()
        if info is not None:
            pending.append([v, len(info.actions)])
    if not nodes:
        raise p.error(p.peek(), "the file has no nodes; list the tree's nodes in preorder after the players")
    if pending:
        v, missing = pending[-1]
        raw = nodes[v]
        count = len(raw.infoset.actions) if raw.infoset is not None else 0
        raise p.error(p.peek(), f"the file ends before the tree is complete: the node at line {p.where(raw.tok).line} "
                                f"has {count} actions but only {count - missing} of its children are listed")
    return _build_tree(p, title, players, nodes, infosets)


def _build_tree(p: GambitParser, title: str, players: tuple[str, ...], raw_nodes: list[_RawNode],
                infosets: Mapping[tuple[int, int], _InfoSet]) -> ExtensiveFormGame:
    """The game of the file's nodes: written as specs (each node at its line and column) and assembled and
    checked like any kimgame tree (perfect recall aside: see :mod:`kimgame.solvers.imperfect_recall`)."""
    n = len(players)
    # information-set labels: the name when it is non-empty and used by no other information set
    decision_sets = [h for key, h in infosets.items() if key[0] >= 0]
    uses: dict[str, int] = {}
    for h in decision_sets:
        uses[h.name] = uses.get(h.name, 0) + 1
    labels: dict[int, str] = {}
    taken: set[str] = {h.name for h in decision_sets if h.name.strip() and uses[h.name] == 1}
    for h in decision_sets:
        if h.name.strip() and uses[h.name] == 1:
            label = h.name
        else:
            tag = f"{players[h.player]} infoset {h.number}"
            label = f"{h.name} [{tag}]" if h.name.strip() else tag
            while label in taken:
                label += "'"
            taken.add(label)
        labels[id(h)] = label
    actions = {id(h): distinct_labels(h.actions, "{}") for h in infosets.values()}

    constants: dict[tuple[int, int], Formula] = {}

    def const(q: Fraction) -> Formula:
        key = (q.numerator, q.denominator)  # hashing two ints is much cheaper than hashing a Fraction
        f = constants.get(key)
        if f is None:
            f = constants[key] = Formula(Num(q), fmt(q))
        return f

    zero = tuple(Fraction(0) for _ in range(n))
    acc: list[tuple[Fraction, ...]] = [zero] * len(raw_nodes)  # payoffs accumulated above each node
    for v, raw in enumerate(raw_nodes):
        total = acc[v]
        if raw.outcome is not None:
            total = raw.outcome if total is zero else tuple(a + b for a, b in zip(total, raw.outcome))
        acc[v] = total
        for c in raw.children:
            acc[c] = total
    specs: dict[int, Spec] = {}  # the specs of the nodes whose parent is not made yet
    for v in range(len(raw_nodes) - 1, -1, -1):  # children before their parents
        raw = raw_nodes[v]
        where = p.where(raw.tok)
        name = raw.name if raw.name else None
        kids = [specs.pop(c) for c in raw.children]
        info = raw.infoset
        if info is None:
            specs[v] = TerminalSpec(tuple(const(q) for q in acc[v]), raw.outcome_name or None, name, where)
        elif raw.kind == "p":
            specs[v] = DecisionSpec(players[info.player], tuple(zip(actions[id(info)], kids)), labels[id(info)], name,
                                    where)
        else:
            assert info.probs is not None, "chance events have probabilities"
            specs[v] = ChanceSpec(tuple(zip(actions[id(info)], map(const, info.probs), kids)), name, where)
    root = specs[0]
    game, errors = assemble(players, root, {}, (), {})
    if game is not None:
        errors = tree_problems(game, recall=False)  # Gambit allows imperfect recall: see solvers.imperfect_recall
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    assert game is not None
    return game.replace(title=title or Path(p.name).stem, path=p.name)
