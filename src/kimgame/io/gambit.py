"""Reading Gambit's game files: strategic games (``.nfg``) and extensive games (``.efg``).

The formats are those documented by the Gambit project ("Game representation formats", Gambit
documentation, sections "The extensive game (.efg) file format" and "The strategic game (.nfg) file
format", payoff and outcome versions; R. D. McKelvey, A. M. McLennan and T. L. Turocy, *Gambit:
Software Tools for Game Theory*). This module is an independent implementation written from that
description: a tokenizer and a small recursive-descent parser.

* Whitespace is not significant; labels are double-quoted, ``\\"`` stands for a quote inside a label
  and ``\\\\`` for a backslash (any other backslash is taken literally); labels are kept exactly as
  written otherwise.
* Numbers are integers, decimals (``.80``, ``1.60``, ``1e-3``) or ratios (``1/2``), all read exactly:
  ``0.1`` is 1/10.
* ``.nfg``: ``NFG 1 R "title" { "P1" "P2" }`` followed either by the numbers of strategies
  ``{ 3 2 }``, an optional comment and the flat payoff list (payoff version), or by the strategy
  labels ``{ { "a" "b" } { "c" "d" } }``, an optional comment, the outcome list
  ``{ { "name" 1, 2 } ... }`` and one outcome number per profile (outcome version; 0 is the null
  outcome). Profiles are listed with the first player's strategy varying fastest.
* ``.efg``: ``EFG 2 R "title" { "P1" "P2" }``, an optional comment, then the nodes in preorder:
  ``c "name" event ["event name"] [{ "action" prob ... }] outcome [["name"] { payoffs }]``,
  ``p "name" player infoset ["infoset name"] [{ "action" ... }] outcome [...]``,
  ``t "name" outcome [["name"] { payoffs }]``. Information sets, chance events and outcomes are
  described at their first appearance and may be referred to by number afterwards; a repeated
  description must match the first. Outcomes at non-terminal nodes add their payoffs to every
  terminal below them (the payoff of a path is the sum of the outcomes on it).

Gambit files carry no parameters: :func:`load` refuses ``--set``. Every problem is a
:class:`~kimgame.errors.KimgameError` at ``file:line:col`` saying what to fix.

What kimgame needs that Gambit does not require is filled in, and the rule is stated in
``docs/gambit.md``: labels must be distinct and non-empty to address players, strategies, information
sets and actions, so an empty label becomes its number (``"Player 2"``, strategy ``"3"``, action
``"2"``, information set ``"Player 1 infoset 4"``) and a repeated one gets its number appended
(``"H (2)"``; an information-set name shared by different information sets becomes
``"name [Player 1 infoset 4]"``). Names of chance events and the names of outcomes at non-terminal
nodes have no place in kimgame's model and are dropped (their payoffs are kept).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

from kimgame.errors import KimgameError, Location, ValidationErrors
from kimgame.expr.numbers import fmt, parse_number
from kimgame.expr.tree import Formula, Num
from kimgame.limits import DEFAULT_LIMITS, current_limits, too_large

__all__ = ["GambitSyntax", "load", "parse_efg", "parse_gambit", "parse_nfg"]

MAX_NFG_PROFILES = DEFAULT_LIMITS.profiles  # the default; the limit in force is kimgame.limits.current_limits()

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:/[+-]?\d+)?)
  | (?P<lb>\{)
  | (?P<rb>\})
  | (?P<comma>,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>")
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\([\"\\])")
_INTEGER = re.compile(r"[+-]?\d+")


class GambitSyntax(KimgameError):
    """A problem in a Gambit file (a :class:`KimgameError` with the file, line and column)."""


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # str, num, lb, rb, comma, word, eof
    text: str  # the raw text; for labels the text between the quotes, unescaped
    pos: int


def _unescape(raw: str) -> str:
    inner = raw[1:-1]
    return _ESCAPE.sub(r"\1", inner) if "\\" in inner else inner


def _location(name: str, lines: list[int], pos: int) -> Location:
    line = bisect.bisect_right(lines, pos - 1)  # lines holds the offsets of the newlines
    start = lines[line - 1] + 1 if line > 0 else 0
    return Location(name, line + 1, pos - start + 1)


class _Parser:
    """Shared machinery: the token stream (parallel lists of kinds, texts and offsets), positions, and
    reading numbers and lists."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.lines = [m.start() for m in re.finditer("\n", text)]
        kinds: list[str] = []
        texts: list[str] = []
        poss: list[int] = []
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind == "ws":
                continue
            if kind == "open":
                raise GambitSyntax("this label has no closing quote '\"'; close it (write \\\" for a quote inside "
                                   "a label)", _location(name, self.lines, m.start()))
            if kind == "bad":
                raise GambitSyntax(f"unexpected character {m.group()!r}; Gambit files hold quoted labels, numbers, "
                                   "words and braces { }", _location(name, self.lines, m.start()))
            raw = m.group()
            kinds.append(kind)
            texts.append(_unescape(raw) if kind == "str" else raw)
            poss.append(m.start())
        kinds.append("eof")
        texts.append("")
        poss.append(len(text))
        self.kinds, self.texts, self.poss = kinds, texts, poss
        self.i = 0
        self.numbers: dict[str, Fraction] = {}

    # ---- tokens -----------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> _Tok:
        k = min(self.i + ahead, len(self.kinds) - 1)
        return _Tok(self.kinds[k], self.texts[k], self.poss[k])

    def peek_kind(self) -> str:
        return self.kinds[self.i]

    def take(self) -> _Tok:
        k = self.i
        if self.kinds[k] != "eof":
            self.i += 1
        return _Tok(self.kinds[k], self.texts[k], self.poss[k])

    def where(self, tok: _Tok) -> Location:
        return _location(self.name, self.lines, tok.pos)

    def error(self, tok: _Tok, message: str) -> GambitSyntax:
        return GambitSyntax(message, self.where(tok))

    def found(self, tok: _Tok) -> str:
        if tok.kind == "eof":
            return "the end of the file"
        if tok.kind == "str":
            shown = tok.text if len(tok.text) <= 40 else tok.text[:37] + "..."
            return f'the label "{shown}"'
        return f"'{tok.text}'"

    def expect(self, kind: str, what: str) -> _Tok:
        tok = self.take()
        if tok.kind != kind:
            raise self.error(tok, f"expected {what}, found {self.found(tok)}")
        return tok

    def skip_commas(self) -> None:
        while self.kinds[self.i] == "comma":
            self.i += 1

    # ---- values -----------------------------------------------------------------------------------

    def number(self, what: str) -> Fraction:
        """The exact value of the next token, a number (cached by its text: files repeat numbers)."""
        k = self.i
        text = self.texts[k]
        if self.kinds[k] != "num":
            tok = self.take()
            raise self.error(tok, f"expected {what} (a number such as 3, -1/2 or .75), found {self.found(tok)}")
        self.i += 1
        value = self.numbers.get(text)
        if value is None:
            value = Fraction(int(text)) if _INTEGER.fullmatch(text) else parse_number(text)
            if value is None:
                why = "a ratio with denominator 0" if "/" in text else "too large an exponent"
                raise GambitSyntax(f"cannot read the number '{text}' ({why}); write an exact number such as 3, "
                                   "-1/2 or .75", _location(self.name, self.lines, self.poss[k]))
            self.numbers[text] = value
        return value

    def integer(self, what: str, minimum: int = 0) -> tuple[int, int]:
        """The next token as a whole number; returns (value, token index) (see :meth:`tok_at`)."""
        k = self.i
        text = self.texts[k]
        if self.kinds[k] == "num" and (text.isdigit() or _INTEGER.fullmatch(text)):
            value = int(text)
        else:
            tok = self.take()
            raise self.error(tok, f"expected {what} (a whole number), found {self.found(tok)}")
        self.i += 1
        if value < minimum:
            raise self.error(self.tok_at(k), f"{what} must be at least {minimum}, found {value}")
        return value, k

    def tok_at(self, k: int) -> _Tok:
        return _Tok(self.kinds[k], self.texts[k], self.poss[k])

    def label_list(self, what: str) -> tuple[list[str], _Tok]:
        """``{ "a" "b" ... }`` (commas between labels are tolerated)."""
        open_tok = self.expect("lb", f"'{{' opening the list of {what}")
        labels = []
        while True:
            self.skip_commas()
            tok = self.take()
            if tok.kind == "rb":
                return labels, open_tok
            if tok.kind != "str":
                raise self.error(tok, f"expected a quoted label in the list of {what} or '}}' closing it, found "
                                      f"{self.found(tok)}")
            labels.append(tok.text)

    def payoff_list(self, players: int, what: str) -> tuple[tuple[Fraction, ...], _Tok]:
        """``{ 1 2 }`` or ``{ 1, 2 }``: one number per player."""
        open_tok = self.expect("lb", f"'{{' opening the payoffs of {what}")
        values: list[Fraction] = []
        kinds = self.kinds
        while True:
            kind = kinds[self.i]
            if kind == "comma":
                self.i += 1
            elif kind == "rb":
                self.i += 1
                break
            elif kind == "num":
                values.append(self.number("a payoff"))
            else:
                tok = self.peek()
                raise self.error(tok, f"expected a payoff (a number) or '}}' in the payoffs of {what}, found "
                                      f"{self.found(tok)}")
        if len(values) != players:
            raise self.error(open_tok, f"the payoffs of {what} list {len(values)} number(s); give one per player "
                                       f"({players})")
        return tuple(values), open_tok

    def header(self, magic: str, version: str) -> tuple[str, list[str]]:
        """``MAGIC version R "title" { "players" }``."""
        tok = self.take()
        if tok.kind != "word" or tok.text != magic:
            raise self.error(tok, f"a Gambit {'strategic' if magic == 'NFG' else 'extensive'} game file starts "
                                  f"with '{magic} {version} R'; found {self.found(tok)}")
        tok = self.take()
        if tok.text != version:
            raise self.error(tok, f"unsupported {magic} version {self.found(tok)}; kimgame reads '{magic} {version} R' "
                                  "files")
        tok = self.take()
        if tok.kind != "word" or tok.text not in ("R", "D"):
            raise self.error(tok, f"expected 'R' after '{magic} {version}', found {self.found(tok)}")
        title = self.expect("str", "the game's title in quotes").text
        players, open_tok = self.label_list("players")
        if not players:
            raise self.error(open_tok, "the game has no players; list them as { \"Player 1\" \"Player 2\" }")
        return title, players


def _distinct(labels: list[str], empty: str) -> tuple[str, ...]:
    """Labels made non-empty and distinct: an empty label becomes ``empty.format(k)``, a repeated one gets
    ``" (k)"`` appended (k is the 1-based position)."""
    out = [label if label.strip() else empty.format(k + 1) for k, label in enumerate(labels)]
    counts: dict[str, int] = {}
    for label in out:
        counts[label] = counts.get(label, 0) + 1
    taken = set(out)
    for k, label in enumerate(out):
        if counts[label] > 1:
            new = f"{label} ({k + 1})"
            while new in taken:
                new += "'"
            taken.add(new)
            out[k] = new
    return tuple(out)


# ------------------------------------------------------------------------------------------------
# .nfg


def parse_nfg(text: str, name: str = "<nfg>"):
    """Parse the text of a Gambit ``.nfg`` file (payoff or outcome version) into a
    :class:`~kimgame.model.normal_form.NormalFormGame` (exact payoffs, no parameters).

    Format: Gambit documentation, "The strategic game (.nfg) file format, payoff version" and
    "..., outcome version". Strategies of the payoff version are labelled ``"1"``, ``"2"``, ... as
    Gambit labels them.
    """
    from kimgame.model.normal_form import NormalFormGame

    p = _Parser(text, name)
    title, player_labels = p.header("NFG", "1")
    n = len(player_labels)
    players = _distinct(player_labels, "Player {}")
    open_tok = p.expect("lb", "'{' opening the numbers of strategies { 2 2 } or their labels { { \"a\" \"b\" } ... }")
    if p.peek().kind == "lb":
        strategy_lists = []
        while p.peek().kind != "rb":
            who = players[len(strategy_lists)] if len(strategy_lists) < n else None
            if who is None:
                raise p.error(p.peek(), f"more strategy lists than players ({n}); give one list {{ \"a\" \"b\" }} per "
                                        "player")
            labels, list_tok = p.label_list(f"strategies of {who}")
            if not labels:
                raise p.error(list_tok, f"{who} has no strategies; list at least one")
            strategy_lists.append(labels)
        close = p.take()
        if len(strategy_lists) != n:
            raise p.error(close, f"{len(strategy_lists)} strategy list(s) for {n} players; give one per player")
        strategies = tuple(_distinct(s, "{}") for s in strategy_lists)
    else:
        counts = []
        while p.peek().kind != "rb":
            k, _ = p.integer("the number of strategies of a player", minimum=1)
            counts.append(k)
            p.skip_commas()
        close = p.take()
        if len(counts) != n:
            raise p.error(open_tok, f"{len(counts)} number(s) of strategies for {n} players; give one per player, "
                                    f"e.g. {{ {' '.join(['2'] * n)} }}")
        strategies = tuple(tuple(str(j + 1) for j in range(k)) for k in counts)
    shape = tuple(len(s) for s in strategies)
    profiles = 1
    for k in shape:
        profiles *= k
    if profiles > current_limits().profiles:
        raise p.error(open_tok, too_large("the game", profiles, f"pure profiles ({' × '.join(map(str, shape))})",
                                          "profiles"))
    if p.peek().kind == "str":  # the optional comment
        p.take()
    # either version may name the strategies or count them; what follows tells them apart: the outcome
    # version's list of outcomes opens with '{', the payoff version's payoffs are numbers
    outcome_version = p.peek().kind == "lb"

    # flat[k] is the payoff vector of the k-th profile in Gambit's order (first player fastest)
    flat: list[tuple[Fraction, ...]] = []
    if outcome_version:
        outcomes: list[tuple[Fraction, ...]] = []
        p.expect("lb", "'{' opening the list of outcomes { { \"name\" 1, 2 } ... }")
        kinds = p.kinds
        while True:
            p.skip_commas()
            if kinds[p.i] == "rb":
                p.i += 1
                break
            if kinds[p.i] != "lb":
                p.expect("lb", "'{' opening an outcome { \"name\" payoffs } or '}' closing the list of outcomes")
            p.i += 1
            if kinds[p.i] != "str":
                p.expect("str", "the outcome's name in quotes (\"\" for none)")
            label_at = p.i
            p.i += 1
            values: list[Fraction] = []
            while True:
                kind = kinds[p.i]
                if kind == "comma":
                    p.i += 1
                elif kind == "rb":
                    p.i += 1
                    break
                else:
                    values.append(p.number(f"a payoff of outcome {len(outcomes) + 1}"))
            if len(values) != n:
                raise GambitSyntax(f"outcome {len(outcomes) + 1} lists {len(values)} payoff(s); give one per player "
                                   f"({n})", _location(p.name, p.lines, p.poss[label_at]))
            outcomes.append(tuple(values))
        zero = tuple(Fraction(0) for _ in range(n))
        texts = p.texts
        for k in range(profiles):
            p.skip_commas()
            if kinds[p.i] == "eof":
                raise p.error(p.peek(), f"the file ends after {k} outcome numbers; give one per pure profile "
                                        f"({profiles} = {' × '.join(map(str, shape))})")
            text = texts[p.i]
            if kinds[p.i] == "num" and text.isdigit():
                index = int(text)
                p.i += 1
            else:
                index, _ = p.integer("an outcome number", minimum=0)
            if index > len(outcomes):
                raise GambitSyntax(f"there is no outcome {index}; the file defines {len(outcomes)} (0 is the null "
                                   "outcome)", _location(p.name, p.lines, p.poss[p.i - 1]))
            flat.append(zero if index == 0 else outcomes[index - 1])
    else:
        need = profiles * n
        values = []
        kinds, numbers = p.kinds, p.numbers
        for k in range(need):
            while kinds[p.i] == "comma":
                p.i += 1
            if kinds[p.i] == "eof":
                raise p.error(p.peek(), f"the file ends after {k} payoffs; a game with {profiles} pure profiles and "
                                        f"{n} players needs {need} ({n} per profile, the first player's strategy "
                                        "varying fastest)")
            q = numbers.get(p.texts[p.i]) if kinds[p.i] == "num" else None
            if q is None:
                q = p.number("a payoff")
            else:
                p.i += 1
            values.append(q)
        flat = [tuple(values[k * n:(k + 1) * n]) for k in range(profiles)]
    p.skip_commas()
    extra = p.peek()
    if extra.kind != "eof":
        raise p.error(extra, f"unexpected {p.found(extra)} after the last {'outcome number' if outcome_version else 'payoff'}"
                             f" ({profiles} pure profiles); remove it or check the numbers of strategies")

    # kimgame stores profiles with the last player's strategy varying fastest
    import numpy as np

    formulas: dict[int, Formula] = {}  # by id: equal numbers read from equal texts are one object

    def formula(q: Fraction) -> Formula:
        f = formulas.get(id(q))
        if f is None:
            f = formulas[id(q)] = Formula(Num(q), fmt(q))
        return f

    vectors = [tuple(formula(q) for q in vec) for vec in flat]
    order = np.arange(profiles).reshape(shape, order="F").ravel()  # Gambit position of each kimgame profile
    payoffs = [vectors[g] for g in order.tolist()]
    return NormalFormGame(players=players, strategies=strategies, payoffs=tuple(payoffs), title=title or Path(name).stem,
                          path=name)


# ------------------------------------------------------------------------------------------------
# .efg


@dataclass
class _InfoSet:
    number: int
    player: int  # 0-based; -1 for chance events
    name: str
    actions: list[str]
    probs: list[Fraction] | None
    tok: _Tok


@dataclass
class _RawNode:
    kind: str  # "c", "p", "t"
    name: str
    infoset: _InfoSet | None
    outcome: tuple[Fraction, ...] | None  # this node's own outcome payoffs (None: null outcome)
    outcome_name: str
    tok: _Tok
    children: list[int]


def parse_efg(text: str, name: str = "<efg>"):
    """Parse the text of a Gambit ``.efg`` file into an
    :class:`~kimgame.model.tree.ExtensiveFormGame` (exact payoffs and probabilities, no parameters).

    Format: Gambit documentation, "The extensive game (.efg) file format". Outcomes at non-terminal
    nodes are added to the payoffs of every terminal below them. The tree is checked like any kimgame
    tree (information sets, perfect recall, chance probabilities summing to one); problems are
    reported at the node's line and column.
    """
    p = _Parser(text, name)
    title, player_labels = p.header("EFG", "2")
    n = len(player_labels)
    players = _distinct(player_labels, "Player {}")
    if p.peek().kind == "str":  # the optional comment
        p.take()
    max_nodes = current_limits().nodes
    size = sum(1 for kind, word in zip(p.kinds[p.i:], p.texts[p.i:]) if kind == "word" and word in ("c", "p", "t"))
    if size > max_nodes:  # counted on the tokens, before a node is built
        raise p.error(p.peek(), too_large("the tree", size, "nodes", "nodes"))

    infosets: dict[tuple[int, int], _InfoSet] = {}
    outcomes: dict[int, tuple[str, tuple[Fraction, ...], _Tok]] = {}
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
        if raw.kind != "t":
            pending.append([v, len(raw.infoset.actions)])
    if not nodes:
        raise p.error(p.peek(), "the file has no nodes; list the tree's nodes in preorder after the players")
    if pending:
        v, missing = pending[-1]
        raw = nodes[v]
        raise p.error(p.peek(), f"the file ends before the tree is complete: the node at line {p.where(raw.tok).line} "
                                f"has {len(raw.infoset.actions)} actions but only "
                                f"{len(raw.infoset.actions) - missing} of its children are listed")
    return _build_tree(p, title, players, nodes, infosets)


def _build_tree(p: _Parser, title: str, players: tuple[str, ...], raw_nodes: list[_RawNode],
                infosets: Mapping[tuple[int, int], _InfoSet]):
    from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal, tree_problems

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
    actions = {id(h): _distinct(h.actions, "{}") for h in infosets.values()}

    constants: dict[tuple[int, int], Formula] = {}

    def const(q: Fraction) -> Formula:
        key = (q.numerator, q.denominator)  # hashing two ints is much cheaper than hashing a Fraction
        f = constants.get(key)
        if f is None:
            f = constants[key] = Formula(Num(q), fmt(q))
        return f

    zero = tuple(Fraction(0) for _ in range(n))
    acc: list[tuple[Fraction, ...]] = [zero] * len(raw_nodes)  # payoffs accumulated above each node
    out = []
    for v, raw in enumerate(raw_nodes):
        total = acc[v]
        if raw.outcome is not None:
            total = raw.outcome if total is zero else tuple(a + b for a, b in zip(total, raw.outcome))
        where = p.where(raw.tok)
        name = raw.name if raw.name else None
        for c in raw.children:
            acc[c] = total
        if raw.kind == "t":
            out.append(Terminal(tuple(const(q) for q in total), raw.outcome_name or None, name, where))
        elif raw.kind == "p":
            h = raw.infoset
            out.append(Decision(h.player, labels[id(h)], actions[id(h)], tuple(raw.children), name, where))
        else:
            h = raw.infoset
            out.append(Chance(actions[id(h)], tuple(const(q) for q in h.probs), tuple(raw.children), name, where))
    game = ExtensiveFormGame(players=players, nodes=tuple(out), values=MappingProxyType({}),
                             title=title or Path(p.name).stem, path=p.name)
    errors = tree_problems(game, recall=False)  # Gambit allows imperfect recall: see solvers.imperfect_recall
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    return game


# ------------------------------------------------------------------------------------------------
# entry points


def parse_gambit(text: str, name: str = "<gambit>"):
    """Parse a Gambit file's text, ``.nfg`` or ``.efg`` as its first word says (``NFG`` / ``EFG``)."""
    stripped = text.lstrip()
    if stripped.startswith("EFG"):
        return parse_efg(text, name)
    if stripped.startswith("NFG"):
        return parse_nfg(text, name)
    p = _Parser(text, name)
    tok = p.peek()
    raise p.error(tok, f"a Gambit game file starts with 'NFG 1 R' (strategic form) or 'EFG 2 R' (extensive form); "
                       f"found {p.found(tok)}")


def load(path: str | Path, overrides: Mapping[str, object] | None = None):
    """Read a Gambit ``.nfg`` or ``.efg`` file into a kimgame game (see the module notes).

    Gambit files have no parameters, so ``overrides`` (``--set``) must be empty. The file's first word
    decides the format; a file named ``.nfg`` holding an extensive game is read as what it holds.
    """
    from kimgame.io.yaml_source import read_text

    name = str(path)
    if overrides:
        names = ", ".join(sorted(overrides))
        raise KimgameError(f"--set {names}: a Gambit file has no parameters, so there is nothing to set; convert it "
                           f"to YAML (kimgame convert {Path(name).name} game.yaml), name the numbers you want to vary "
                           "as parameters, and use --set on that", Location(name))
    return parse_gambit(read_text(path), name)
