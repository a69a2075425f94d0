"""The nodes of an assembled game tree, the specs trees are written in, and one walk over the specs.

The lowest piece of the tree model: :mod:`kimgame.model.tree` (the game, its checks, plans and the reduced
normal form) and :mod:`kimgame.model.tree_arrays` (the array store of large trees) both build on it.

Three kinds of node: :class:`Decision` (a player moves; ``infoset`` names its information set),
:class:`Chance` (outcomes with probabilities) and :class:`Terminal` (payoffs, an optional outcome label).
Trees are written as nested *specs* (:func:`decision`, :func:`chance`, :func:`terminal`, :func:`use`);
:func:`walk_specs` expands their references in one preorder walk.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

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
    player: str
    moves: tuple[tuple[str, Spec], ...]
    infoset: str | None = None
    name: str | None = None
    where: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class ChanceSpec:
    outcomes: tuple[tuple[str, Any, Spec], ...]  # (label, probability, node)
    name: str | None = None
    where: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class TerminalSpec:
    payoffs: tuple[Any, ...]  # numbers, expression strings or Formulas, in player order
    outcome: str | None = None
    name: str | None = None
    where: Location | None = None


@dataclass(frozen=True, slots=True, eq=False)
class UseSpec:
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
# one walk over the specs


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


class Walked(NamedTuple):
    """What one walk over the specs records (see :func:`walk_specs`), node by node in preorder."""

    items: list  # the move entry each node was reached by: (label, spec), (label, probability, spec), (None, root)
    resolved: dict[int, Spec]  # the spec of each node reached through a reference ('use')
    kinds: bytearray  # 0 terminal, 1 decision, 2 chance
    arity: array  # number of moves
    labels: list  # label of the move into each node (None for the root)
    payoffs: list  # the payoffs of each terminal (in preorder of the terminals)
    payoff_codes: dict  # each distinct payoff vector (with the terminal's location if it has one) -> its code
    payoff_code: array  # the code of each terminal's payoffs
    outcomes: list  # the outcome entries of each chance node
    movers: list  # the player of each decision node
    marked: list[int]  # decision nodes with 'infoset:' or 'name:'
    wheres: dict[int, Location]  # terminals and chance nodes that have a location
    parents: array  # the parent of each node (-1 for the root)
    ends: dict[int, int]  # the last node of each non-terminal node's subtree


def walk_specs(root: Spec, subtrees: Mapping[str, Spec], max_nodes: int) -> Walked | None:
    """One preorder walk over the specs with references expanded, recording what assembling needs while each
    spec is at hand (a second pass over a million scattered objects costs as much as the walk).

    None when a reference is unknown or circular, a spec is of no known kind, or there are more than
    ``max_nodes`` nodes: the node-by-node path then words the problem."""
    items: list = []
    resolved: dict[int, Spec] = {}
    kinds = bytearray()
    arity = array("q")
    labels: list = []
    payoffs: list = []
    outcomes: list = []
    movers: list = []
    marked: list[int] = []
    wheres: dict[int, Location] = {}
    codes: dict = {}
    payoff_code = array("q")
    add_code = payoff_code.append
    parents = array("q")
    ends: dict[int, int] = {}
    above = [-1]  # the nodes whose subtrees are being walked
    stack: list = [(None, root)]
    pop, push, add, add_kind, add_arity, add_label = (stack.pop, stack.extend, items.append, kinds.append,
                                                      arity.append, labels.append)
    add_payoffs, add_outcomes, add_mover, add_parent = payoffs.append, outcomes.append, movers.append, parents.append
    hops_limit = len(subtrees) + 1
    while stack:
        item = pop()
        if item is None:  # pushed below a node's moves: its subtree is done
            ends[above.pop()] = len(items) - 1
            continue
        add(item)
        add_parent(above[-1])
        add_label(item[0])
        spec = item[-1]
        t = type(spec)
        if t is UseSpec:
            hops = 0
            while t is UseSpec:
                spec = subtrees.get(spec.subtree)
                t = type(spec)
                hops += 1
                if hops > hops_limit:
                    return None
            resolved[len(items) - 1] = spec
        if t is TerminalSpec:
            add_kind(0)
            add_arity(0)
            key = spec.payoffs
            add_payoffs(key)
            if spec.where is not None:
                wheres[len(items) - 1] = spec.where
                key = (key, spec.where)
            code = codes.get(key)
            if code is None:
                code = codes[key] = len(codes)
            add_code(code)
            continue
        if t is DecisionSpec:
            moves = spec.moves
            add_kind(1)
            add_mover(spec.player)
            if spec.infoset is not None or spec.name is not None:
                marked.append(len(items) - 1)
        elif t is ChanceSpec:
            moves = spec.outcomes
            add_kind(2)
            add_outcomes(moves)
            if spec.where is not None:
                wheres[len(items) - 1] = spec.where
        else:
            return None
        add_arity(len(moves))
        above.append(len(items) - 1)
        push((None,))
        push(moves[::-1])
        if len(items) > max_nodes:
            return None
    if len(items) > max_nodes:
        return None
    return Walked(items, resolved, kinds, arity, labels, payoffs, codes, payoff_code, outcomes, movers, marked, wheres,
                  parents, ends)
