"""The lexical layer of Gambit's game files, shared by the ``.nfg`` and ``.efg`` readers: a tokenizer,
the token stream with its positions (``file:line:col``), exact numbers, quoted-label lists, and the rule
that makes labels non-empty and distinct.

Format: Gambit documentation, "Game representation formats" (see :mod:`kimgame.io.gambit`). Whitespace is
not significant; labels are double-quoted, ``\\"`` stands for a quote inside a label and ``\\\\`` for a
backslash (any other backslash is taken literally). Numbers are integers, decimals or ratios, all read
exactly: ``0.1`` is 1/10.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from fractions import Fraction

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import parse_number

__all__ = ["GambitParser", "GambitSyntax", "Token", "distinct_labels", "source_location"]

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
class Token:
    """One token of a Gambit file: its ``kind`` (``str``, ``num``, ``lb``, ``rb``, ``comma``, ``word`` or ``eof``),
    its ``text`` and its character offset ``pos`` in the file."""
    kind: str  # str, num, lb, rb, comma, word, eof
    text: str  # the raw text; for labels the text between the quotes, unescaped
    pos: int


def _unescape(raw: str) -> str:
    inner = raw[1:-1]
    return _ESCAPE.sub(r"\1", inner) if "\\" in inner else inner


def source_location(name: str, lines: list[int], pos: int) -> Location:
    """The :class:`Location` (file, 1-based line and column) of character offset ``pos``; ``lines`` holds the
    offsets of the file's newlines, in order."""
    line = bisect.bisect_right(lines, pos - 1)  # lines holds the offsets of the newlines
    start = lines[line - 1] + 1 if line > 0 else 0
    return Location(name, line + 1, pos - start + 1)


class GambitParser:
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
            assert kind is not None  # every alternative of _TOKEN is a named group
            if kind == "ws":
                continue
            if kind == "open":
                raise GambitSyntax("this label has no closing quote '\"'; close it (write \\\" for a quote inside "
                                   "a label)", source_location(name, self.lines, m.start()))
            if kind == "bad":
                raise GambitSyntax(f"unexpected character {m.group()!r}; Gambit files hold quoted labels, numbers, "
                                   "words and braces { }", source_location(name, self.lines, m.start()))
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

    def peek(self, ahead: int = 0) -> Token:
        """The token ``ahead`` positions after the current one, not consumed (the end-of-file token past the end)."""
        k = min(self.i + ahead, len(self.kinds) - 1)
        return Token(self.kinds[k], self.texts[k], self.poss[k])

    def take(self) -> Token:
        """The current token, consumed (the end-of-file token stays current once reached)."""
        k = self.i
        if self.kinds[k] != "eof":
            self.i += 1
        return Token(self.kinds[k], self.texts[k], self.poss[k])

    def where(self, tok: Token) -> Location:
        """The :class:`Location` of ``tok`` in this file."""
        return source_location(self.name, self.lines, tok.pos)

    def error(self, tok: Token, message: str) -> GambitSyntax:
        """A :class:`GambitSyntax` with ``message`` at ``tok``'s place, for the caller to raise."""
        return GambitSyntax(message, self.where(tok))

    def found(self, tok: Token) -> str:
        """What ``tok`` is, for an error message: ``"the end of the file"``, ``the label "..."`` (cut to 40
        characters) or the token quoted."""
        if tok.kind == "eof":
            return "the end of the file"
        if tok.kind == "str":
            shown = tok.text if len(tok.text) <= 40 else tok.text[:37] + "..."
            return f'the label "{shown}"'
        return f"'{tok.text}'"

    def expect(self, kind: str, what: str) -> Token:
        """The next token, consumed; raises :class:`GambitSyntax` ("expected ``what``, found ...") unless it
        is of ``kind``."""
        tok = self.take()
        if tok.kind != kind:
            raise self.error(tok, f"expected {what}, found {self.found(tok)}")
        return tok

    def skip_commas(self) -> None:
        """Step over any commas at the current position."""
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
                                   "-1/2 or .75", source_location(self.name, self.lines, self.poss[k]))
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

    def tok_at(self, k: int) -> Token:
        """The token at index ``k`` of the stream (as returned by :meth:`integer`)."""
        return Token(self.kinds[k], self.texts[k], self.poss[k])

    def label_list(self, what: str) -> tuple[list[str], Token]:
        """``{ "a" "b" ... }`` (commas between labels are tolerated)."""
        open_tok = self.expect("lb", f"'{{' opening the list of {what}")
        labels: list[str] = []
        while True:
            self.skip_commas()
            tok = self.take()
            if tok.kind == "rb":
                return labels, open_tok
            if tok.kind != "str":
                raise self.error(tok, f"expected a quoted label in the list of {what} or '}}' closing it, found "
                                      f"{self.found(tok)}")
            labels.append(tok.text)

    def payoffs_to_close(self, what: str) -> list[Fraction]:
        """The numbers up to the next ``}`` (commas between them tolerated), which is consumed too."""
        values: list[Fraction] = []
        kinds = self.kinds
        while True:
            kind = kinds[self.i]
            if kind == "comma":
                self.i += 1
            elif kind == "rb":
                self.i += 1
                return values
            elif kind == "num":
                values.append(self.number("a payoff"))
            else:
                tok = self.peek()
                raise self.error(tok, f"expected a payoff (a number) or '}}' in the payoffs of {what}, found "
                                      f"{self.found(tok)}")

    def payoff_list(self, players: int, what: str) -> tuple[tuple[Fraction, ...], Token]:
        """``{ 1 2 }`` or ``{ 1, 2 }``: one number per player."""
        open_tok = self.expect("lb", f"'{{' opening the payoffs of {what}")
        values = self.payoffs_to_close(what)
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


def distinct_labels(labels: list[str], empty: str) -> tuple[str, ...]:
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

