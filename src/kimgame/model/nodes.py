"""The nodes of an assembled game tree, the specs trees are written in, and one walk over the specs.

The lowest piece of the tree model: :mod:`kimgame.model.tree_arrays` (the one store of a tree, whose
nodes are these objects made on demand) and :mod:`kimgame.model.tree` (the game) build on it.

Three kinds of node: :class:`Decision` (a player moves; ``infoset`` names its information set),
:class:`Chance` (outcomes with probabilities) and :class:`Terminal` (payoffs, an optional outcome label).
Trees are written as nested *specs* (:func:`decision`, :func:`chance`, :func:`terminal`, :func:`use`),
which :func:`kimgame.model.tree_assembly.assemble` turns into a tree.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kimgame.errors import Location
from kimgame.expr.tree import Formula

RUN_LENGTH = 3  # a run of this many equal labels in a default path label is written "label ×k"

# --------------------------------------------------------------------------------------------------
# nodes of an assembled tree


@dataclass(frozen=True, slots=True)
class Decision:
    """``player`` (index into the game's players) chooses one of ``actions`` at information set ``infoset``."""

    player: int
    infoset: str
    actions: tuple[str, ...]
    children: tuple[int, ...]
    name: str | None = None
    where: Location | None = None

    kind = "decision"


@dataclass(frozen=True, slots=True)
class Chance:
    """Nature draws one of ``outcomes`` with probabilities ``probs`` (exact formulas)."""

    outcomes: tuple[str, ...]
    probs: tuple[Formula, ...]
    children: tuple[int, ...]
    name: str | None = None
    where: Location | None = None

    kind = "chance"


@dataclass(frozen=True, slots=True)
class Terminal:
    """An end of the game: one payoff formula per player, and an optional outcome label."""

    payoffs: tuple[Formula, ...]
    outcome: str | None = None
    name: str | None = None
    where: Location | None = None

    kind = "terminal"
    children = ()


Node = Decision | Chance | Terminal


@dataclass(frozen=True, slots=True)
class InfoSet:
    """An information set: its label, the player who moves, the actions, and its nodes (preorder)."""

    label: str
    player: int
    actions: tuple[str, ...]
    nodes: tuple[int, ...]


# --------------------------------------------------------------------------------------------------
# specs: how trees are written (by the YAML reader or in code)


@dataclass(frozen=True, slots=True, eq=False)
class DecisionSpec:
    """A decision node as written in a file or in code: ``player`` chooses among ``moves`` (label, node),
    at the information set ``infoset`` (None: its own); ``where`` is its place in the file."""

    player: str
    moves: tuple[tuple[str, Spec], ...]
    infoset: str | None = None
    name: str | None = None
    where: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class ChanceSpec:
    """A chance node as written: ``outcomes`` (label, probability, node), the probabilities numbers,
    expression strings or Formulas; ``where`` is its place in the file."""

    outcomes: tuple[tuple[str, Any, Spec], ...]  # (label, probability, node)
    name: str | None = None
    where: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class TerminalSpec:
    """A leaf as written: ``payoffs`` in player order (numbers, expression strings or Formulas) and an
    optional ``outcome`` label; ``where`` is its place in the file."""

    payoffs: tuple[Any, ...]  # numbers, expression strings or Formulas, in player order
    outcome: str | None = None
    name: str | None = None
    where: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class UseSpec:
    """A ``use:`` reference to the named sub-tree ``subtree``, expanded where it stands."""

    subtree: str
    where: Location | None = None


Spec = DecisionSpec | ChanceSpec | TerminalSpec | UseSpec


def decision(player: str, moves: Mapping[str, Spec] | Sequence[tuple[str, Spec]], *, infoset: str | None = None,
             name: str | None = None) -> DecisionSpec:
    """A decision node: ``player`` chooses among ``moves`` (action label -> node, order kept)."""
    items = tuple(moves.items()) if isinstance(moves, Mapping) else tuple(moves)
    return DecisionSpec(player, items, infoset, name)


def chance(outcomes: Mapping[str, tuple[Any, Spec]] | Sequence[tuple[str, Any, Spec]], *,
           name: str | None = None) -> ChanceSpec:
    """A chance node: ``{label: (probability, node)}``; probabilities are numbers or expressions."""
    if isinstance(outcomes, Mapping):
        items = tuple((label, p, node) for label, (p, node) in outcomes.items())
    else:
        items = tuple(outcomes)
    return ChanceSpec(items, name)


def terminal(*payoffs: Any, outcome: str | None = None, name: str | None = None) -> TerminalSpec:
    """A terminal node with one payoff per player (numbers, ``Fraction``s or expression strings)."""
    return TerminalSpec(tuple(payoffs), outcome, name)


def use(subtree: str) -> UseSpec:
    """A reference to the sub-tree named ``subtree`` (see ``subtrees`` of :func:`kimgame.model.tree_assembly.build_tree`)."""
    return UseSpec(subtree)

def path_label(history: Sequence[str]) -> str:
    """The default label of a node reached by ``history``: moves joined by ``" > "``, ``"root"`` if none,
    a run of three or more equal moves written ``"label ×k"``."""
    if not history:
        return "root"
    parts: list[str] = []
    i = 0
    while i < len(history):
        j = i
        while j < len(history) and history[j] == history[i]:
            j += 1
        k = j - i
        parts.extend([history[i]] * k if k < RUN_LENGTH else [f"{history[i]} ×{k}"])
        i = j
    return " > ".join(parts)


# --------------------------------------------------------------------------------------------------
# work on large trees


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored on exit). Work on a large tree allocates millions of
    acyclic objects, and every full collection triggered meanwhile would scan the whole heap again (with a
    tree of a million nodes in memory, a second or more each time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
