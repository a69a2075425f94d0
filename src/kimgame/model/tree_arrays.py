"""The one store of a game tree: flat columns, with node objects made from them on demand.

:class:`TreeArrays` describes a tree (nodes in preorder, the root first) by one column per attribute —
kind, parent, number of moves, children (CSR), subtree end, mover, information set, the label code of the
move into each node, the codes of chance probabilities and payoff vectors — and small tables of the
distinct labels, probabilities and payoff vectors (``Formula`` objects), so solvers work on integer codes.
The columns are standard-library arrays (compact, built without numpy, read one entry at a time by plain
Python code); numpy views of them (:attr:`TreeArrays.kind` and the like) are made when a solver first asks,
so small trees never load numpy.

:class:`TreeStore` is what :attr:`kimgame.model.tree.ExtensiveFormGame.nodes` holds for every tree: a
read-only sequence of :class:`~kimgame.model.nodes.Decision`, :class:`~kimgame.model.nodes.Chance` and
:class:`~kimgame.model.nodes.Terminal` views, each made from the columns when first asked for, with the
node's name, place and outcome label read from the spec it was assembled from. Default information-set
labels (paths of moves) are written only when asked for. Trees are assembled into a store by
:func:`kimgame.model.tree_assembly.assemble`.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple, overload

from kimgame.expr.tree import Formula
from kimgame.model.nodes import (
    RUN_LENGTH,
    Chance,
    Decision,
    InfoSet,
    Node,
    Spec,
    Terminal,
    gc_paused,
    path_label,
)

TERMINAL, DECISION, CHANCE = 0, 1, 2


class Columns(NamedTuple):
    """One entry per node (preorder): ``kind`` (0 terminal, 1 decision, 2 chance), ``arity`` (number of
    moves), ``parent`` (-1 for the root), ``end`` (last node of the subtree), ``player`` and ``infoset`` (-1
    off decision nodes; information sets numbered in order of first appearance), ``move`` (code in
    ``labels`` of the move into the node, -1 for the root), ``prob`` (code in ``probs`` of the probability
    of the move into a child of a chance node, else -1), ``payoff`` (code in ``payoffs`` of a terminal's
    payoff vector, else -1); and ``child_ptr`` (one entry more) and ``children``: the children of ``v`` are
    ``children[child_ptr[v]:child_ptr[v + 1]]``, in move order."""

    kind: bytearray
    arity: array
    parent: array
    end: array
    player: array
    infoset: array
    move: array
    prob: array
    payoff: array
    child_ptr: array
    children: array


def _numpy_view(name: str, dtype: str) -> Any:
    """A read-only numpy view of one column, made on first use (numpy is imported then)."""

    def view(self: TreeArrays) -> Any:
        import numpy as np

        out = np.frombuffer(getattr(self.columns, name), dtype=dtype)
        out.flags.writeable = False
        return out

    view.__name__ = name
    view.__doc__ = f"The ``{name}`` column as a read-only numpy array (see :class:`Columns`)."
    return cached_property(view)


class TreeArrays:
    """A tree as :class:`Columns` plus tables of its distinct move labels, chance probabilities and payoff
    vectors; numpy views of the columns under the columns' names (``kind``, ``parent``, ...)."""

    def __init__(self, columns: Columns, num_infosets: int, labels: Sequence[str], probs: Sequence[Formula],
                 payoffs: Sequence[tuple[Formula, ...]]) -> None:
        self.columns = columns
        self.num_infosets = num_infosets
        self.labels = tuple(labels)
        self.probs = tuple(probs)
        self.payoffs = tuple(payoffs)

    kind = _numpy_view("kind", "int8")
    arity = _numpy_view("arity", "int64")
    parent = _numpy_view("parent", "int64")
    end = _numpy_view("end", "int64")
    player = _numpy_view("player", "int64")
    infoset = _numpy_view("infoset", "int64")
    move = _numpy_view("move", "int64")
    prob = _numpy_view("prob", "int64")
    payoff = _numpy_view("payoff", "int64")
    child_ptr = _numpy_view("child_ptr", "int64")
    children = _numpy_view("children", "int64")

    def with_tables(self, probs: Sequence[Formula], payoffs: Sequence[tuple[Formula, ...]]) -> TreeArrays:
        """The same tree with other probability and payoff tables (same codes)."""
        return TreeArrays(self.columns, self.num_infosets, self.labels, probs, payoffs)

    @property
    def size(self) -> int:
        """Number of nodes."""
        return len(self.columns.kind)

    def kind_counts(self) -> tuple[int, int, int]:
        """Numbers of terminal, decision and chance nodes."""
        kind = self.columns.kind
        return kind.count(TERMINAL), kind.count(DECISION), kind.count(CHANCE)

    @property
    def is_perfect_information(self) -> bool:
        """True when every information set is one node."""
        return self.num_infosets == self.columns.kind.count(DECISION)

    @cached_property
    def child_slot(self) -> list[int]:
        """Position of each node in ``children`` (-1 for the root): the CSR index of the move into it."""
        out = [-1] * self.size
        for e, c in enumerate(self.columns.children):
            out[c] = e
        return out

    @cached_property
    def depth(self) -> Any:
        """Number of moves from the root to each node (numpy)."""
        import numpy as np

        depth = np.arange(self.size, dtype=np.int64)
        depth[1:] -= np.cumsum(np.bincount(self.end, minlength=self.size))[:-1]
        return depth

    @cached_property
    def decision_nodes(self) -> Any:
        """The decision nodes, in preorder (numpy)."""
        import numpy as np

        return np.flatnonzero(self.kind == DECISION)

    @cached_property
    def infoset_first(self) -> list[int]:
        """The first node (preorder) of each information set."""
        first = [-1] * self.num_infosets
        for v, h in enumerate(self.columns.infoset):
            if h >= 0 and first[h] < 0:
                first[h] = v
        return first

    @cached_property
    def child_index(self) -> Any:
        """Position of each node among its parent's moves, -1 for the root (numpy)."""
        import numpy as np

        out = np.full(self.size, -1, dtype=np.int64)
        ch = self.children
        out[ch] = np.arange(len(ch), dtype=np.int64) - self.child_ptr[self.parent[ch]]
        return out

    def children_of(self, v: int) -> Any:
        """The children of ``v`` in move order (numpy)."""
        return self.children[self.child_ptr[v]:self.child_ptr[v + 1]]


def concat_ranges(starts: Any, lengths: Any) -> Any:
    """The concatenation of ``arange(s, s + l)`` for each start and length (numpy, vectorised)."""
    import numpy as np

    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def value_at(f: Formula, values: Mapping[str, Fraction]) -> Fraction:
    """The exact value of ``f`` at ``values`` (its constant, if it has no parameters)."""
    c = f.constant
    return c if c is not None else f.evaluate(values)


# --------------------------------------------------------------------------------------------------
# the nodes as views


class TreeStore(Sequence[Node]):
    """The nodes of a tree: a read-only sequence of node objects made from :class:`TreeArrays` when first
    asked for and kept. ``specs[v]`` is the spec node ``v`` was assembled from (its ``name``, ``where`` and,
    for terminals, ``outcome`` are the node's); ``explicit`` the labels of the information sets given by
    ``infoset:`` or ``name:`` (the others are labelled by their first node's path of moves)."""

    def __init__(self, arrays: TreeArrays, specs: Sequence[Spec], explicit: Mapping[int, str]) -> None:
        self.arrays = arrays
        self.specs = specs
        self._explicit = dict(explicit)
        self._nodes: list[Node | None] = [None] * arrays.size
        self._paths: list[str | None] | None = None
        self._path_lookups = 0
        self._shared: dict[tuple[int, ...], tuple[str, ...]] = {}

    def with_tables(self, probs: Sequence[Formula], payoffs: Sequence[tuple[Formula, ...]]) -> TreeStore:
        """The same tree with other probability and payoff tables (see :meth:`TreeArrays.with_tables`)."""
        store = TreeStore(self.arrays.with_tables(probs, payoffs), self.specs, self._explicit)
        store._paths = self._paths
        return store

    def __len__(self) -> int:
        return self.arrays.size

    @overload
    def __getitem__(self, i: int) -> Node: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Node, ...]: ...

    def __getitem__(self, i: int | slice) -> Node | tuple[Node, ...]:
        if type(i) is int:  # the common case first: solvers read nodes one by one
            node = self._nodes[i]  # (IndexError when out of range)
            if node is None:
                if i < 0:
                    i += len(self)
                node = self._nodes[i] = self._make(i)
            return node
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        return self[operator.index(i)]

    def __iter__(self) -> Iterator[Node]:
        if self._paths is None and self.arrays.num_infosets > len(self._explicit):
            self.path_labels()
        nodes = self._nodes
        for v in range(len(self)):
            node = nodes[v]
            if node is None:
                node = nodes[v] = self._make(v)
            yield node

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TreeStore({len(self)} nodes)"

    def _make(self, v: int) -> Node:
        a = self.arrays
        c = a.columns
        spec: Any = self.specs[v]
        k = c.kind[v]
        if k == TERMINAL:
            return Terminal(a.payoffs[c.payoff[v]], spec.outcome, spec.name, spec.where)
        kids = tuple(c.children[c.child_ptr[v]:c.child_ptr[v + 1]])
        move = c.move
        moves = self._actions(tuple([move[x] for x in kids]))
        if k == DECISION:
            return Decision(c.player[v], self.infoset_label(c.infoset[v], v), moves, kids, spec.name, spec.where)
        prob, probs = c.prob, a.probs
        return Chance(moves, tuple([probs[prob[x]] for x in kids]), kids, spec.name, spec.where)

    def _actions(self, codes: tuple[int, ...]) -> tuple[str, ...]:
        """The move labels with these codes (one shared tuple per distinct sequence)."""
        out = self._shared.get(codes)
        if out is None:
            labels = self.arrays.labels
            out = self._shared[codes] = tuple(labels[x] for x in codes)
        return out

    # ---- labels -----------------------------------------------------------------------------------

    def infoset_label(self, h: int, v: int | None = None) -> str:
        """The label of information set ``h`` (``v``: one of its nodes, if known)."""
        label = self._explicit.get(h)
        if label is not None:
            return label
        if v is None:
            v = self.arrays.infoset_first[h]
        paths = self._paths
        if paths is None:
            self._path_lookups += 1
            if self._path_lookups <= 64:
                return path_label(self.history(v))
            paths = self.path_labels()  # many asked for one by one: write them all in one pass
        path = paths[v]
        assert path is not None, "the nodes of an information set are decision nodes, which have path labels"
        return path

    def history(self, v: int) -> tuple[str, ...]:
        """The move labels from the root to node ``v``."""
        c = self.arrays.columns
        labels, move, parent = self.arrays.labels, c.move, c.parent
        out = []
        while v > 0:
            out.append(labels[move[v]])
            v = parent[v]
        return tuple(reversed(out))

    def path_labels(self) -> list[str | None]:
        """The path label of every non-terminal node (None for terminals); see :func:`path_labels`."""
        if self._paths is None:
            self._paths = path_labels(self.arrays)
        return self._paths

    def infoset_labels(self) -> list[str]:
        """The label of every information set, in order of first appearance."""
        a = self.arrays
        explicit = self._explicit
        if a.num_infosets == len(explicit):
            return [explicit[h] for h in range(a.num_infosets)]
        paths = self.path_labels()
        return [explicit[h] if h in explicit else str(paths[v]) for h, v in enumerate(a.infoset_first)]

    # ---- derived structure ------------------------------------------------------------------------

    def infosets(self) -> dict[str, InfoSet]:
        """Information sets by label, in order of first appearance."""
        c = self.arrays.columns
        members: list[list[int]] = [[] for _ in range(self.arrays.num_infosets)]
        for v, h in enumerate(c.infoset):
            if h >= 0:
                members[h].append(v)
        ptr, children, move, player = c.child_ptr, c.children, c.move, c.player
        out: dict[str, InfoSet] = {}
        for h, label in enumerate(self.infoset_labels()):
            first = members[h][0]
            actions = self._actions(tuple([move[x] for x in children[ptr[first]:ptr[first + 1]]]))
            out[label] = InfoSet(label, player[first], actions, tuple(members[h]))
        return out

    def outcomes(self) -> tuple[str, ...]:
        """Distinct outcome labels of the terminals in order of first appearance."""
        seen: dict[Any, None] = {}
        specs = self.specs
        for v, k in enumerate(self.arrays.columns.kind):
            if k == TERMINAL:
                o = getattr(specs[v], "outcome", None)
                if o is not None:
                    seen.setdefault(o, None)
        return tuple(seen)

    def terminal_values(self, values: Mapping[str, Fraction]) -> tuple[tuple[Fraction, ...] | None, ...]:
        """Each node's payoff vector at ``values`` for terminals, None elsewhere (each distinct vector
        evaluated once)."""
        evaluated: list[tuple[Fraction, ...] | None] = [tuple(value_at(f, values) for f in vec)
                                                        for vec in self.arrays.payoffs]
        evaluated.append(None)  # code -1: not a terminal
        return tuple(map(evaluated.__getitem__, self.arrays.columns.payoff))

    def chance_values(self, values: Mapping[str, Fraction]) -> tuple[tuple[Fraction, ...] | None, ...]:
        """Each chance node's outcome probabilities at ``values``, None elsewhere."""
        a = self.arrays
        c = a.columns
        evaluated = [value_at(f, values) for f in a.probs]
        ptr, children, prob = c.child_ptr, c.children, c.prob
        out: list[tuple[Fraction, ...] | None] = [None] * len(self)
        for v, k in enumerate(c.kind):
            if k == CHANCE:
                out[v] = tuple([evaluated[prob[x]] for x in children[ptr[v]:ptr[v + 1]]])
        return tuple(out)

    def is_symbolic(self) -> bool:
        """True when some payoff or probability uses a parameter."""
        a = self.arrays
        return any(f.parameters for vec in a.payoffs for f in vec) or any(f.parameters for f in a.probs)


def path_labels(arrays: TreeArrays) -> list[str | None]:
    """The path label (:func:`kimgame.model.nodes.path_label`) of every non-terminal node, None for
    terminals, in one pass: each node's label is its parent's with the last run of equal moves extended, or
    with a new run after it."""
    c = arrays.columns
    labels, kind, parent, move = arrays.labels, c.kind, c.parent, c.move
    n = arrays.size
    full: list[str | None] = [None] * n  # the label of each non-terminal node
    head: list[str | None] = [None] * n  # the label before the node's last run (None: nothing before it)
    run_label: list[str | None] = [None] * n
    run_count = [0] * n
    if kind[0] != TERMINAL:
        full[0] = "root"
    with gc_paused():
        for v in range(1, n):
            if kind[v] == TERMINAL:
                continue
            p = parent[v]
            m = labels[move[v]]
            if run_label[p] == m:
                pre = head[p]
                k = run_count[p] + 1
            else:
                pre = full[p] if p else None
                k = 1
            head[v] = pre
            run_label[v] = m
            run_count[v] = k
            part = m if k == 1 else " > ".join([m] * k) if k < RUN_LENGTH else f"{m} ×{k}"
            full[v] = part if pre is None else f"{pre} > {part}"
    return full
