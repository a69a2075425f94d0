"""Reading Gambit's game files: strategic games (``.nfg``) and extensive games (``.efg``).

The formats are those documented by the Gambit project ("Game representation formats", Gambit
documentation, sections "The extensive game (.efg) file format" and "The strategic game (.nfg) file
format", payoff and outcome versions; R. D. McKelvey, A. M. McLennan and T. L. Turocy, *Gambit:
Software Tools for Game Theory*). This module is an independent implementation written from that
description: a tokenizer and a small recursive-descent parser, in four modules: the tokens, numbers and
label lists in :mod:`~kimgame.io.gambit_syntax`, the ``.nfg`` reader in :mod:`~kimgame.io.gambit_nfg`,
the ``.efg`` reader in :mod:`~kimgame.io.gambit_efg`, and here the entry points that pick one by the
file's first word.

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

from collections.abc import Mapping
from pathlib import Path

from kimgame.errors import KimgameError, Location
from kimgame.io.gambit_efg import parse_efg
from kimgame.io.gambit_nfg import parse_nfg
from kimgame.io.gambit_syntax import GambitParser, GambitSyntax
from kimgame.io.yaml_source import read_text

__all__ = ["GambitSyntax", "load", "parse_efg", "parse_gambit", "parse_nfg"]


def parse_gambit(text: str, name: str = "<gambit>"):
    """Parse a Gambit file's text, ``.nfg`` or ``.efg`` as its first word says (``NFG`` / ``EFG``)."""
    stripped = text.lstrip()
    if stripped.startswith("EFG"):
        return parse_efg(text, name)
    if stripped.startswith("NFG"):
        return parse_nfg(text, name)
    p = GambitParser(text, name)
    tok = p.peek()
    raise p.error(tok, f"a Gambit game file starts with 'NFG 1 R' (strategic form) or 'EFG 2 R' (extensive form); "
                       f"found {p.found(tok)}")


def load(path: str | Path, overrides: Mapping[str, object] | None = None):
    """Read a Gambit ``.nfg`` or ``.efg`` file into a kimgame game (see the module notes).

    Gambit files have no parameters, so ``overrides`` (``--set``) must be empty. The file's first word
    decides the format; a file named ``.nfg`` holding an extensive game is read as what it holds.
    """

    name = str(path)
    if overrides:
        names = ", ".join(sorted(overrides))
        raise KimgameError(f"--set {names}: a Gambit file has no parameters, so there is nothing to set; convert it "
                           f"to YAML (kimgame convert {Path(name).name} game.yaml), name the numbers you want to vary "
                           "as parameters, and use --set on that", Location(name))
    return parse_gambit(read_text(path), name)

