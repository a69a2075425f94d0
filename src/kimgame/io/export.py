"""Writing games: kimgame YAML, Gambit ``.nfg``/``.efg``, and JSON (the game as data); ``convert``.

* :func:`to_yaml` writes the kimgame payoff-file format (``docs/yaml-format.md``): parameters (at the
  game's current values, with their ranges and docs), payoff and probability *formulas* as written,
  and the claims. A tree is written as nested nodes; ``infoset:`` is written where an information set
  has more than one node or its label is not the one kimgame would give the node by default; trees
  deeper than :data:`YAML_CUT_LEVELS` YAML levels are cut into ``subtrees:`` (``use:``) so the file
  stays within the reader's nesting limit.
* :func:`to_nfg` writes Gambit's strategic format, outcome version (it keeps strategy labels), at the
  game's current parameter values; a tree is written as its reduced normal form.
* :func:`to_efg` writes Gambit's extensive format at the current values (trees only: a normal-form game
  has no unique tree).
* :func:`to_json` writes the game as data (:func:`game_document`).

Formats: Gambit documentation, "Game representation formats" (``.nfg`` payoff/outcome versions,
``.efg``); labels are quoted with ``\\"`` for a quote (a backslash is doubled only where it would
otherwise escape: before a quote, a backslash or the closing quote).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kimgame._version import __version__
from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import fmt
from kimgame.expr.tree import Formula
from kimgame.io.editing import atomic_write
from kimgame.io.loader import load
from kimgame.io.yaml_source import resolve_plain
from kimgame.model.claims import Dominates, Outcome, Plays
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, path_label

__all__ = ["EXPORT_SUFFIXES", "YAML_CUT_LEVELS", "convert", "export_text", "game_document", "to_efg", "to_json",
           "to_nfg", "to_yaml"]

EXPORT_SUFFIXES = (".yaml", ".yml", ".nfg", ".efg", ".json")
YAML_CUT_LEVELS = 120  # a tree node deeper than this many YAML levels starts a sub-tree (reader limit: 400)
_PER_LINE = 20  # outcome numbers per line in .nfg files


# ------------------------------------------------------------------------------------------------
# Gambit


def _gambit_label(text: str) -> str:
    """``text`` in double quotes: ``\\"`` for a quote; a backslash is doubled only before a quote, a backslash
    or the closing quote (Gambit's reader takes other backslashes literally; kimgame's reads both)."""
    out = []
    for k, ch in enumerate(text):
        if ch == '"':
            out.append('\\"')
        elif ch == "\\" and (k + 1 == len(text) or text[k + 1] in '"\\'):
            out.append("\\\\")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _numeric_normal_form(game):
    """A normal-form game for ``game``: itself, or the reduced normal form of a tree."""
    if isinstance(game, ExtensiveFormGame):
        return reduced_normal_form(game)
    return game


def to_nfg(game) -> str:
    """The game as a Gambit ``.nfg`` file (outcome version, strategy labels kept), at its current
    parameter values; a tree is written as its reduced normal form (one strategy per plan).

    Format: Gambit documentation, "The strategic game (.nfg) file format, outcome version": one outcome
    per pure profile, profiles listed with the first player's strategy varying fastest.
    """
    nf = _numeric_normal_form(game)
    arrays = [a.ravel(order="F") for a in nf.numeric]  # Gambit's order: first player's strategy fastest
    lines = [f"NFG 1 R {_gambit_label(nf.title)} {{ {' '.join(_gambit_label(p) for p in nf.players)} }}", ""]
    lines.append("{ " + "\n".join("{ " + " ".join(_gambit_label(s) for s in strategies) + " }"
                                  for strategies in nf.strategies) + "\n}")
    lines.append(_gambit_label(nf.source or ""))
    lines.append("")
    lines.append("{")
    count = nf.num_profiles
    for k in range(count):
        lines.append('{ "" ' + ", ".join(fmt(a[k]) for a in arrays) + " }")
    lines.append("}")
    numbers = [str(k + 1) for k in range(count)]
    for start in range(0, count, _PER_LINE):
        lines.append(" ".join(numbers[start:start + _PER_LINE]))
    return "\n".join(lines) + "\n"


def to_efg(game) -> str:
    """The tree as a Gambit ``.efg`` file at its current parameter values.

    Format: Gambit documentation, "The extensive game (.efg) file format". Nodes are written in
    preorder, one per line, with every description repeated in full (Gambit accepts repeated
    descriptions that match). Information sets are numbered per player in order of first appearance
    and carry kimgame's labels as names; each chance node is its own chance event; terminals sharing an
    outcome label and payoffs share an outcome. Raises :class:`KimgameError` for a normal-form game.
    """
    if not isinstance(game, ExtensiveFormGame):
        raise KimgameError("an .efg file holds a game tree, and a normal-form game has no unique tree (who moves "
                           "first, what is observed); write it as .nfg, .yaml or .json — or write the tree you mean "
                           "as a YAML 'tree:' and convert that")
    lines = [f"EFG 2 R {_gambit_label(game.title)} {{ {' '.join(_gambit_label(p) for p in game.players)} }}",
             _gambit_label(game.source or ""), ""]
    infoset_numbers: dict[str, int] = {}
    per_player = [0] * len(game.players)
    outcome_numbers: dict[tuple, int] = {}
    events = 0
    probs = game.chance_values
    pays = game.terminal_values
    for v, node in enumerate(game.nodes):
        name = _gambit_label(node.name or "")
        if isinstance(node, Decision):
            number = infoset_numbers.get(node.infoset)
            if number is None:
                per_player[node.player] += 1
                number = infoset_numbers[node.infoset] = per_player[node.player]
            actions = " ".join(_gambit_label(a) for a in node.actions)
            lines.append(f"p {name} {node.player + 1} {number} {_gambit_label(node.infoset)} {{ {actions} }} 0")
        elif isinstance(node, Chance):
            events += 1
            moves = " ".join(f"{_gambit_label(o)} {fmt(q)}" for o, q in zip(node.outcomes, probs[v] or ()))
            lines.append(f'c {name} {events} "" {{ {moves} }} 0')
        else:
            values = pays[v] or ()
            key = (node.outcome or "", values)
            number = outcome_numbers.get(key)
            if number is None:
                number = outcome_numbers[key] = len(outcome_numbers) + 1
            payoff_text = ", ".join(fmt(q) for q in values)
            lines.append(f"t {name} {number} {_gambit_label(node.outcome or '')} {{ {payoff_text} }}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------
# YAML

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .()+'/-]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


def _quote(text: str) -> str:
    """A YAML double-quoted scalar for ``text``: quotes, backslashes and non-printable characters escaped."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch != " " and unicodedata.category(ch)[0] in "CZ":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _label(text: str) -> str:
    """A label as a YAML scalar: plain when that reads back as the same text, else double-quoted."""

    if (_PLAIN.fullmatch(text) and not text.endswith(" ") and "  " not in text
            and text.lower() not in _RESERVED and resolve_plain(text) == text):
        return text
    return _quote(text)


def _text_value(text: str) -> str:
    """Free text (title, source, docs): plain if safe, else quoted."""
    return _label(text) if len(text) < 200 else _quote(text)


def _formula(f: Formula) -> str:
    """A payoff or probability: a plain exact number, or the expression's text quoted."""
    c = f.constant
    if c is not None:
        return fmt(c)
    return _quote(f.text)


def _header_yaml(game) -> list[str]:
    lines = ["kimgame: 1", f"title: {_text_value(game.title)}"]
    if game.source:
        lines.append(f"source: {_text_value(game.source)}")
    lines.append(f"players: [{', '.join(_label(p) for p in game.players)}]")
    if game.parameters:
        lines.append("parameters:")
        for p in game.parameters:
            parts = [f"value: {fmt(game.values.get(p.name, p.value))}"]
            if p.low is not None or p.high is not None:
                lo = "-inf" if p.low is None else fmt(p.low)
                hi = "inf" if p.high is None else fmt(p.high)
                parts.append(f"range: [{lo}, {hi}]")
            if p.doc:
                parts.append(f"doc: {_quote(p.doc)}")
            lines.append(f"  {p.name}: {{{', '.join(parts)}}}")
    return lines


def _claims_yaml(claims) -> list[str]:
    if not claims:
        return []
    lines = ["", "claims:"]
    for c in claims:
        lines.append(f"  - id: {_label(c.id)}")
        if c.says:
            lines.append(f"    says: {_quote(c.says)}")
        s = c.spec
        if isinstance(s, Dominates):
            parts = [f"player: {_label(s.player)}", f"strategy: {_label(s.strategy)}", f"over: {_label(s.over)}"]
            if not s.strict:
                parts.append("strict: false")
            if s.after_elimination:
                parts.append("after_elimination: true")
            lines.append(f"    dominates: {{{', '.join(parts)}}}")
        elif isinstance(s, Plays):
            lines.append(f"    plays: {{player: {_label(s.player)}, infoset: {_label(s.infoset)}, action: "
                         f"{_label(s.action)}, in: {s.quantifier}, equilibrium: {s.equilibrium}}}")
        elif isinstance(s, Outcome):
            which = (_label(s.outcomes[0]) if len(s.outcomes) == 1
                     else "[" + ", ".join(_label(o) for o in s.outcomes) + "]")
            parts = [f"outcome: {which}"]
            for key in ("at_least", "more_than", "at_most", "less_than"):
                f = getattr(s, key)
                if f is not None:
                    parts.append(f"{key}: {_formula(f)}")
            parts += [f"in: {s.quantifier}", f"equilibrium: {s.equilibrium}"]
            lines.append(f"    outcome: {{{', '.join(parts)}}}")
    return lines


def to_yaml(game) -> str:
    """The game in kimgame's YAML payoff-file format (see the module notes); reads back with
    :func:`kimgame.load` to the same game: players, labels, parameters, formulas, claims."""
    lines = _header_yaml(game)
    if isinstance(game, ExtensiveFormGame):
        lines += _tree_yaml(game)
    else:
        lines += _matrix_yaml(game)
    lines += _claims_yaml(game.claims)
    return "\n".join(lines) + "\n"


def _matrix_yaml(game) -> list[str]:
    lines = ["strategies:"]
    for p, strategies in zip(game.players, game.strategies):
        lines.append(f"  {_label(p)}: [{', '.join(_label(s) for s in strategies)}]")
    lines.append("payoffs:")
    shape = game.shape
    n = len(shape)
    labels = [[_label(s) for s in strategies] for strategies in game.strategies]
    prev: tuple[int, ...] | None = None
    for flat, profile in enumerate(game.profiles()):
        # open the mappings of the players whose strategy changed
        start = 0 if prev is None else next(i for i in range(n) if profile[i] != prev[i])
        for i in range(start, n - 1):
            lines.append("  " * (i + 1) + f"{labels[i][profile[i]]}:")
        vec = ", ".join(_formula(f) for f in game.payoffs[flat])
        lines.append("  " * n + f"{labels[n - 1][profile[n - 1]]}: [{vec}]")
        prev = profile
    return lines


def _tree_yaml(game) -> list[str]:
    nodes = game.nodes
    infosets = game.infosets

    def needs_infoset(v: int, node: Decision) -> bool:
        if len(infosets[node.infoset].nodes) > 1:
            return True
        default = node.name if node.name else path_label(game.history(v))
        return default != node.infoset

    def terminal_inline(node) -> str:
        parts = [f"payoffs: [{', '.join(_formula(f) for f in node.payoffs)}]"]
        if node.outcome is not None:
            parts.append(f"outcome: {_label(node.outcome)}")
        if node.name:
            parts.append(f"name: {_label(node.name)}")
        return "{" + ", ".join(parts) + "}"

    out: list[str] = ["", "tree:"]
    subtrees: list[tuple[str, int]] = []
    sub_lines: list[str] = []

    def emit(root: int, target: list[str], base_indent: int) -> None:
        # work items: (node, indent, level) for a node's body written at ``indent``; or a ready line
        stack: list[Any] = [(root, base_indent, 1)]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                target.append(item)
                continue
            v, indent, level = item
            node = nodes[v]
            pad = "  " * indent
            if not node.children:  # a terminal at the top of a (sub-)tree
                target.append(pad + terminal_inline(node))
                continue
            todo: list[Any] = []
            if isinstance(node, Decision):
                todo.append(pad + f"player: {_label(game.players[node.player])}")
                if needs_infoset(v, node):
                    todo.append(pad + f"infoset: {_label(node.infoset)}")
                if node.name:
                    todo.append(pad + f"name: {_label(node.name)}")
                todo.append(pad + "moves:")
                child_pad = "  " * (indent + 1)
                for action, c in zip(node.actions, node.children):
                    todo.extend(_child(c, child_pad + f"{_label(action)}:", indent + 2, level + 2))
            else:
                assert isinstance(node, Chance)
                if node.name:
                    todo.append(pad + f"name: {_label(node.name)}")
                todo.append(pad + "chance:")
                for outcome, prob, c in zip(node.outcomes, node.probs, node.children):
                    todo.append("  " * (indent + 1) + f"{_label(outcome)}:")
                    todo.append("  " * (indent + 2) + f"prob: {_formula(prob)}")
                    todo.extend(_child(c, "  " * (indent + 2) + "then:", indent + 3, level + 3))
            stack.extend(reversed(todo))

    def _child(c: int, key: str, indent: int, level: int) -> list[Any]:
        child = nodes[c]
        if not child.children:
            return [f"{key} {terminal_inline(child)}"]
        if level > YAML_CUT_LEVELS:
            name = f"node {c}"
            subtrees.append((name, c))
            return [f"{key} {{use: {_label(name)}}}"]
        return [key, (c, indent, level)]

    emit(0, out, 1)
    k = 0
    while k < len(subtrees):  # sub-trees may start further sub-trees
        name, v = subtrees[k]
        sub_lines.append(f"  {_label(name)}:")
        emit(v, sub_lines, 2)
        k += 1
    if subtrees:
        out += ["", "subtrees:"] + sub_lines
    return out


# ------------------------------------------------------------------------------------------------
# JSON


def game_document(game) -> dict[str, Any]:
    """The game as plain data (exact numbers as strings that ``fractions.Fraction`` parses).

    Common keys: ``kimgame_game`` (format version 1), ``title``, ``source``, ``form`` (``normal`` or
    ``extensive``), ``players``, ``parameters`` (name -> value, range, doc). Normal form: ``strategies``
    (player -> labels) and ``payoffs`` (one entry per pure profile: ``profile`` player -> strategy,
    ``payoffs`` player -> exact value at the current parameter values, and ``formulas`` when the game is
    symbolic). Trees: ``nodes`` in preorder (``id``, ``kind`` decision/chance/terminal, ``name``;
    decisions ``player``, ``infoset``, ``moves`` [{label, child}]; chance ``moves`` [{label, probability,
    child}]; terminals ``payoffs``, ``outcome``) and ``infosets`` (label, player, actions, nodes).
    """
    doc: dict[str, Any] = {"kimgame_game": 1, "kimgame": __version__, "title": game.title, "source": game.source,
                           "form": game.form, "players": list(game.players)}
    doc["parameters"] = {
        p.name: {"value": fmt(game.values.get(p.name, p.value)),
                 "range": [None if p.low is None else fmt(p.low), None if p.high is None else fmt(p.high)],
                 "doc": p.doc}
        for p in game.parameters
    }
    symbolic = game.is_symbolic
    if isinstance(game, ExtensiveFormGame):
        probs, pays = game.chance_values, game.terminal_values
        nodes = []
        for v, node in enumerate(game.nodes):
            item: dict[str, Any] = {"id": v, "kind": node.kind, "name": node.name}
            if isinstance(node, Decision):
                item["player"] = game.players[node.player]
                item["infoset"] = node.infoset
                item["moves"] = [{"label": a, "child": c} for a, c in zip(node.actions, node.children)]
            elif isinstance(node, Chance):
                item["moves"] = [{"label": o, "probability": fmt(q), "child": c}
                                 | ({"formula": f.text} if symbolic else {})
                                 for o, q, f, c in zip(node.outcomes, probs[v] or (), node.probs, node.children)]
            else:
                item["payoffs"] = dict(zip(game.players, (fmt(q) for q in pays[v] or ())))
                if symbolic:
                    item["formulas"] = dict(zip(game.players, (f.text for f in node.payoffs)))
                item["outcome"] = node.outcome
            nodes.append(item)
        doc["nodes"] = nodes
        doc["infosets"] = [{"label": h.label, "player": game.players[h.player], "actions": list(h.actions),
                            "nodes": list(h.nodes)} for h in game.infosets.values()]
    else:
        doc["strategies"] = {p: list(s) for p, s in zip(game.players, game.strategies)}
        arrays = [a.reshape(-1) for a in game.numeric]
        entries = []
        for flat, profile in enumerate(game.profiles()):
            entry: dict[str, Any] = {
                "profile": {p: game.strategies[i][k] for i, (p, k) in enumerate(zip(game.players, profile))},
                "payoffs": {p: fmt(arrays[i][flat]) for i, p in enumerate(game.players)},
            }
            if symbolic:
                entry["formulas"] = {p: f.text for p, f in zip(game.players, game.payoffs[flat])}
            entries.append(entry)
        doc["payoffs"] = entries
    return doc


def to_json(game) -> str:
    """The game as JSON text (:func:`game_document`), deterministic, UTF-8."""
    return json.dumps(game_document(game), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------------------
# convert


def export_text(game, suffix: str) -> str:
    """The game written in the format named by a file suffix (``.yaml``, ``.nfg``, ``.efg``, ``.json``)."""
    writer = {".yaml": to_yaml, ".yml": to_yaml, ".nfg": to_nfg, ".efg": to_efg, ".json": to_json}.get(suffix.lower())
    if writer is not None:
        return writer(game)
    raise KimgameError(f"cannot write '{suffix or 'a file without extension'}'; the output file's extension picks "
                       f"the format: {', '.join(EXPORT_SUFFIXES)}")


def convert(source: str | Path, target: str | Path, overrides: Mapping[str, object] | None = None) -> str:
    """Read ``source`` (``.yaml``, ``.nfg``, ``.efg``; ``overrides`` set parameters of a YAML game) and write
    it to ``target`` in the format of ``target``'s extension, atomically. Returns a one-line summary.

    A tree written as ``.nfg`` becomes its reduced normal form; a normal-form game cannot be written as
    ``.efg``. Gambit output is at the game's current parameter values.
    """
    out = Path(target)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise KimgameError(f"cannot write '{out.name}': the output file's extension picks the format; use one of "
                           f"{', '.join(EXPORT_SUFFIXES)}", Location(str(target)))
    if Path(source).suffix.lower() == ".json":
        raise KimgameError("JSON game files are written by kimgame convert but not read; convert the original "
                           ".yaml, .nfg or .efg file", Location(str(source)))
    if Path(source).exists() and out.exists() and Path(source).resolve() == out.resolve():
        raise KimgameError("OUT is the input file; write to another file (kimgame set edits a YAML file's "
                           "parameters in place, keeping its comments)", Location(str(target)))
    game = load(source, overrides)
    text = export_text(game, suffix)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise KimgameError(f"the folder '{parent}' does not exist; create it first", Location(str(target)))
    if out.is_dir():
        raise KimgameError(f"'{out}' is a folder; give a file name", Location(str(target)))
    atomic_write(out, text)
    what = "the reduced normal form of the tree" if isinstance(game, ExtensiveFormGame) and suffix == ".nfg" else \
        f"the {game.form}-form game"
    values = "" if not game.parameters or suffix in (".yaml", ".yml") else \
        " at " + ", ".join(f"{k} = {fmt(v)}" for k, v in game.values.items())
    return f"wrote {what}{values} to {target}"
