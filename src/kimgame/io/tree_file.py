"""Game trees in payoff files: the ``tree:`` (and ``subtrees:``) part of the YAML format.

A node is a mapping of one of four kinds::

    # decision: the player chooses among the moves (order kept)
    {player: US, moves: {pressure: NODE, silence: NODE}, infoset: LABEL, name: LABEL}
    # chance: outcomes with exact probabilities (numbers or expressions in the parameters)
    {chance: {insulted: {prob: p_insult, then: NODE}, calm: {prob: 1 - p_insult, then: NODE}}, name: LABEL}
    # terminal: one payoff per player, in player order or by player name; an optional outcome label
    {payoffs: [W - C, 2], outcome: deal, name: LABEL}          # or payoffs: {US: W - C, DPRK: 2}
    # reference: the sub-tree defined under the top-level 'subtrees: {NAME: NODE}'
    {use: NAME}

``infoset`` and ``name`` are optional: nodes sharing an ``infoset`` label form one information set
(same player, same moves in the same order). Without ``infoset`` a decision node's information set is
its ``name``, else the path of moves from the root (``"pressure > insulted"``, the root is ``"root"``).
YAML anchors and aliases (``&calm`` ... ``*calm``) repeat sub-trees as well.

Claims about trees (besides ``dominates`` over reduced-normal-form plans)::

    plays:   {player: US, infoset: root, action: silence, in: every, equilibrium: spe}   # in: every|some
    outcome: {outcome: deal, at_least: 1/2, in: every, equilibrium: spe}   # also more_than, at_most, less_than
    outcome: {outcome: [deal, deal+eased], at_least: 1/2}                   # the probability of either

Every problem is reported with its file, line and column; all of them at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from fractions import Fraction

from kimgame.errors import KimgameError, Location, suggest
from kimgame.expr.parse import parse_formula
from kimgame.expr.tree import Formula
from kimgame.io.claims_file import claim_fields, dominates_claim, parse_claim_list
from kimgame.io.problems import Problems
from kimgame.io.yaml_source import YNode
from kimgame.limits import current_limits
from kimgame.model.claims import Claim, Outcome, Plays
from kimgame.model.nodes import ChanceSpec, DecisionSpec, Spec, TerminalSpec, UseSpec
from kimgame.model.parameters import Parameter
from kimgame.model.probabilities import chance_sum_problem
from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_assembly import assemble
from kimgame.model.tree_checks import tree_problems

DECISION_KEYS: tuple[str, ...] = ("player", "moves", "infoset", "name")
CHANCE_KEYS: tuple[str, ...] = ("chance", "name")
TERMINAL_KEYS: tuple[str, ...] = ("payoffs", "outcome", "name")
USE_KEYS: tuple[str, ...] = ("use",)
NODE_KEYS = ("player", "moves", "infoset", "name", "chance", "payoffs", "outcome", "use")
OUTCOME_KEYS = ("prob", "then")
KIND_HELP = ("a decision {player: P, moves: {action: node, ...}}, a chance node {chance: {outcome: {prob: p, "
             "then: node}, ...}}, a terminal {payoffs: [...]} or a reference {use: SUBTREE}")
BOUNDS = ("at_least", "more_than", "at_most", "less_than")


def parse_tree_game(
    doc: Mapping[str, YNode],
    name: str,
    title: str,
    source: str,
    players: tuple[str, ...],
    parameters: tuple[Parameter, ...],
    values: Mapping[str, Fraction],
    problems: Problems,
) -> ExtensiveFormGame:
    """Build an :class:`ExtensiveFormGame` from a payoff file's ``tree:``/``subtrees:``/``claims:`` parts,
    adding every problem to ``problems`` (raised together at the end)."""
    reader = _Reader(players, tuple(p.name for p in parameters), values)
    subtrees: dict[str, Spec] = {}
    sub_node = doc.get("subtrees")
    if sub_node is not None and sub_node.value is not None:
        if not sub_node.is_map:
            reader.add(f"subtrees: expected a mapping NAME: node, found {sub_node.describe()}", sub_node.where)
        else:
            for sub_name, sub in sub_node.value.items():
                spec = reader.node(sub)
                if spec is not None:
                    subtrees[sub_name] = spec
    root = reader.node(doc["tree"])
    game = None
    if not reader.errors and root is not None and players:
        game, errors = assemble(players, root, subtrees, parameters, values)
        reader.errors.extend(errors)
        if game is not None and {p.name for p in parameters} <= values.keys():
            reader.errors.extend(tree_problems(game))
        if reader.errors:
            game = None
    claims = _claims(doc.get("claims"), game, players, reader)
    seen: set[tuple[str, str]] = set()
    for err in reader.errors:  # sub-trees repeated by YAML aliases would repeat their problems
        key = (err.message, str(err.where))
        if key not in seen:
            seen.add(key)
            problems.catch(err)
    problems.raise_if_any()
    assert game is not None
    return game.replace(title=title, source=source, claims=claims, path=name)


class _Reader:
    def __init__(self, players: tuple[str, ...], names: tuple[str, ...], values: Mapping[str, Fraction]) -> None:
        self.players = players
        self.names = names
        self.values = values
        self.errors: list[KimgameError] = []

    def add(self, message: str, where: Location | None) -> None:
        self.errors.append(KimgameError(message, where))

    def label(self, y: YNode, what: str) -> str | None:
        if not y.is_scalar or y.value is None or isinstance(y.value, bool) or str(y.value).strip() == "":
            self.add(f"{what} must be a word or number, found {y.describe()}", y.where)
            return None
        return str(y.value)

    def formula(self, y: YNode, what: str) -> Formula | None:
        if not y.is_scalar or y.value is None:
            self.add(f"{what} must be a number or an expression, found {y.describe()}", y.where)
            return None
        try:
            return parse_formula(y.value, self.names, y.where)
        except KimgameError as err:
            self.errors.append(err)
            return None

    def node(self, y: YNode) -> Spec | None:
        if not y.is_map:
            self.add(f"a tree node is {KIND_HELP}; found {y.describe()}", y.where)
            return None
        keys: dict[str, YNode] = y.value
        if "use" in keys:
            kind, allowed = "reference", USE_KEYS
        elif "chance" in keys:
            kind, allowed = "chance node", CHANCE_KEYS
        elif "player" in keys or "moves" in keys or "infoset" in keys:
            kind, allowed = "decision node", DECISION_KEYS
        elif "payoffs" in keys or "outcome" in keys:
            kind, allowed = "terminal", TERMINAL_KEYS
        else:
            unknown = [k for k in keys if k not in NODE_KEYS]
            hint = "".join(f"; unknown key '{k}'{suggest(k, NODE_KEYS)}" for k in unknown)
            self.add(f"cannot tell what kind of node this is: a node is {KIND_HELP}{hint}", y.where)
            return None
        self.misspelt: set[str] = set()
        for key, value in keys.items():
            if key in allowed:
                continue
            self.misspelt.update(difflib.get_close_matches(key, allowed, n=1))
            if key in NODE_KEYS:
                self.add(f"'{key}' does not belong in a {kind} (its keys: {', '.join(allowed)})", value.where)
            else:
                self.add(f"unknown key '{key}'{suggest(key, allowed)} in a {kind} (its keys: {', '.join(allowed)})",
                         value.where)
        name = self.label(keys["name"], "'name'") if "name" in keys else None
        if kind == "reference":
            target = self.label(keys["use"], "'use' (the name of a sub-tree)")
            return UseSpec(target, keys["use"].where) if target is not None else None
        if kind == "decision node":
            return self.decision(y, keys, name)
        if kind == "chance node":
            return self.chance(y, keys, name)
        return self.terminal(y, keys, name)

    def decision(self, y: YNode, keys: dict[str, YNode], name: str | None) -> DecisionSpec | None:
        ok = True
        player = None
        if "player" not in keys:
            if "player" not in self.misspelt:
                self.add("a decision node needs 'player: NAME' (who moves here)", y.where)
            ok = False
        else:
            player = self.label(keys["player"], "'player'")
            if player is not None and player not in self.players:
                self.add(f"'{player}' is not a player{suggest(player, self.players)} (players: "
                         f"{', '.join(self.players)})", keys["player"].where)
                ok = False
        infoset = self.label(keys["infoset"], "'infoset'") if "infoset" in keys else None
        moves_node = keys.get("moves")
        if moves_node is None:
            if "moves" not in self.misspelt:  # else the misspelt key was reported already
                self.add("a decision node needs 'moves: {action: node, ...}'", y.where)
            return None
        if not moves_node.is_map or not moves_node.value:
            self.add(f"'moves' must be a mapping from action labels to nodes, found {moves_node.describe()}",
                     moves_node.where)
            return None
        moves: list[tuple[str, Spec]] = []
        for action, sub in moves_node.value.items():
            spec = self.node(sub)
            if spec is None:
                ok = False  # the whole node is dropped below, so the hole needs no entry
            else:
                moves.append((action, spec))
        if not ok or player is None:
            return None
        return DecisionSpec(player, tuple(moves), infoset, name, y.where)

    def chance(self, y: YNode, keys: dict[str, YNode], name: str | None) -> ChanceSpec | None:
        body = keys["chance"]
        if not body.is_map or not body.value:
            self.add(f"'chance' must be a mapping outcome: {{prob: p, then: node}}, found {body.describe()}",
                     body.where)
            return None
        ok = True
        outcomes = []
        for label, entry in body.value.items():
            if not entry.is_map:
                self.add(f"chance outcome '{label}': expected {{prob: p, then: node}}, found {entry.describe()}",
                         entry.where)
                ok = False
                continue
            for key, value in entry.value.items():
                if key not in OUTCOME_KEYS:
                    self.add(f"chance outcome '{label}': unknown key '{key}'{suggest(key, OUTCOME_KEYS)} "
                             "(its keys: prob, then)", value.where)
                    ok = False
            missing = [k for k in OUTCOME_KEYS if k not in entry.value]
            if missing:
                self.add(f"chance outcome '{label}': missing {' and '.join(missing)}", entry.where)
                ok = False
                continue
            prob = self.formula(entry.value["prob"], f"the probability of '{label}'")
            then = self.node(entry.value["then"])
            if prob is None or then is None:
                ok = False
                continue
            outcomes.append((label, prob, then))
        if not ok:
            return None
        problem = chance_sum_problem([o for o, _, _ in outcomes], [p for _, p, _ in outcomes], self.values, y.where)
        if problem is not None:
            self.errors.append(problem)
        return ChanceSpec(tuple(outcomes), name, y.where)

    def terminal(self, y: YNode, keys: dict[str, YNode], name: str | None) -> TerminalSpec | None:
        outcome = self.label(keys["outcome"], "'outcome'") if "outcome" in keys else None
        pay = keys.get("payoffs")
        n = len(self.players)
        if pay is None:
            if "payoffs" in self.misspelt:
                return None
            self.add(f"a terminal needs 'payoffs: [...]' (one per player: {', '.join(self.players)})", y.where)
            return None
        items: list[YNode] = []
        if pay.is_list:
            if len(pay.value) != n:
                self.add(f"expected a list of {n} payoffs [{', '.join(self.players)}], found a list of "
                         f"{len(pay.value)}", pay.where)
                return None
            items = pay.value
        elif pay.is_map:
            for key, value in pay.value.items():
                if key not in self.players:
                    self.add(f"payoffs: '{key}' is not a player{suggest(key, self.players)}", value.where)
                    return None
            missing = [p for p in self.players if p not in pay.value]
            if missing:
                self.add(f"payoffs: no payoff for {', '.join(missing)}; give every player's payoff", pay.where)
                return None
            items = [pay.value[p] for p in self.players]
        else:
            self.add(f"'payoffs' must be a list [{', '.join(self.players)}] or a mapping by player, found "
                     f"{pay.describe()}", pay.where)
            return None
        formulas = []
        for player, item in zip(self.players, items):
            f = self.formula(item, f"the payoff of {player}")
            if f is None:
                return None
            formulas.append(f)
        return TerminalSpec(tuple(formulas), outcome, name, y.where)


# --------------------------------------------------------------------------------------------------
# claims


def _claims(node: YNode | None, game: ExtensiveFormGame | None, players: tuple[str, ...], reader: _Reader
            ) -> tuple[Claim, ...]:
    small = game is not None and game.reduced_profiles <= current_limits().reduced_profiles
    strategies = game.strategies if small and game is not None else ()  # `small` does not narrow for mypy
    return parse_claim_list(node, reader, {
        "dominates": lambda spec, cid: dominates_claim(spec, cid, players, strategies, reader),
        "plays": lambda spec, cid: _plays(spec, cid, game, players, reader),
        "outcome": lambda spec, cid: _outcome(spec, cid, game, reader),
    })


def _quantifiers(spec: dict[str, YNode], cid: str, reader: _Reader) -> tuple[str, str] | None:
    out = []
    for key, choices, default in (("in", ("every", "some"), "every"), ("equilibrium", ("spe", "nash"), "spe")):
        y = spec.get(key)
        if y is None:
            out.append(default)
            continue
        value = str(y.value)
        if value not in choices:
            reader.add(f"claim {cid}: '{key}' is {' or '.join(choices)}, found {y.describe()}", y.where)
            return None
        out.append(value)
    return out[0], out[1]


def _plays(node: YNode, cid: str, game: ExtensiveFormGame | None, players: tuple[str, ...],
           reader: _Reader) -> Plays | None:
    spec = claim_fields(node, cid, "plays", ("player", "infoset", "action", "in", "equilibrium"),
                   ("player", "infoset", "action"), reader)
    if spec is None:
        return None
    quant = _quantifiers(spec, cid, reader)
    player, infoset, action = (str(spec[k].value) for k in ("player", "infoset", "action"))
    if player not in players:
        reader.add(f"claim {cid}: '{player}' is not a player{suggest(player, players)}", spec["player"].where)
        return None
    if game is not None:
        mine = game.player_infosets(players.index(player))
        if infoset not in mine:
            reader.add(f"claim {cid}: '{infoset}' is not an information set of {player}{suggest(infoset, mine)} "
                       f"(theirs: {', '.join(mine) or 'none'})", spec["infoset"].where)
            return None
        actions = game.infosets[infoset].actions
        if action not in actions:
            reader.add(f"claim {cid}: '{action}' is not an action at '{infoset}'{suggest(action, actions)} "
                       f"(actions: {', '.join(actions)})", spec["action"].where)
            return None
    if quant is None:
        return None
    return Plays(player, infoset, action, *quant)


def _outcome(node: YNode, cid: str, game: ExtensiveFormGame | None, reader: _Reader) -> Outcome | None:
    spec = claim_fields(node, cid, "outcome", ("outcome", *BOUNDS, "in", "equilibrium"), ("outcome",), reader)
    if spec is None:
        return None
    quant = _quantifiers(spec, cid, reader)
    given = spec["outcome"]
    items = given.value if given.is_list else [given]
    labels = []
    for item in items:
        label = reader.label(item, f"claim {cid}: an outcome label")
        if label is None:
            return None
        if game is not None and label not in game.outcomes:
            known = ", ".join(game.outcomes) or "no terminal has an 'outcome:' label"
            reader.add(f"claim {cid}: no terminal has the outcome '{label}'{suggest(label, game.outcomes)} "
                       f"(outcomes: {known})", item.where)
            return None
        labels.append(label)
    if not labels:
        reader.add(f"claim {cid}: 'outcome' needs a label or a list of labels", given.where)
        return None
    bounds: dict[str, Formula] = {}
    for key in BOUNDS:
        if key in spec:
            f = reader.formula(spec[key], f"claim {cid}: '{key}'")
            if f is None:
                return None
            bounds[key] = f
    if not bounds:
        reader.add(f"claim {cid}: give a bound on the probability: {', '.join(BOUNDS)}", node.where)
        return None
    if quant is None:
        return None
    return Outcome(tuple(labels), **bounds, quantifier=quant[0], equilibrium=quant[1])
