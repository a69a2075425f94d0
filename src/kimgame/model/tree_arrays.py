"""Array storage of game trees, for large trees: numpy arrays instead of one Python object per node.

:class:`TreeArrays` describes any tree (nodes in preorder, as in :mod:`kimgame.model.tree`) by flat
arrays — kind, parent, children (CSR), subtree end, mover, information set, the label code of the move
into each node — and small tables of the distinct payoff vectors and chance probabilities (``Formula``
objects), so solvers work on integer codes. :attr:`kimgame.model.tree.ExtensiveFormGame.arrays` gives them for any
game: from the store below, or computed once from the node objects (:func:`arrays_from_nodes`). This
module builds on :mod:`kimgame.model.nodes` only; :mod:`kimgame.model.tree` wraps what it assembles in the game.

:func:`assemble_arrays` is the fast path of :func:`kimgame.model.tree_assembly.assemble` for large trees. One
walk over the specs (:func:`kimgame.model.nodes.walk_specs`) records, while each spec is at hand, what the
arrays need: parent, subtree end, kind, number of moves, move label, mover, payoff vector code. The rest
is numpy (children, sibling label checks, information sets) and work per *distinct* label, payoff
vector and probability (a generated tree has few). Default information-set labels (paths of moves)
are checked for clashes without writing them out: with no '>' or '×' in any move label distinct paths
are written differently, so only the explicit labels need reading back as paths. The game's ``nodes``
are a :class:`TreeStore`, a sequence that creates each node object when first asked for. Whenever a
fast check finds something to report, the caller falls back to the node-by-node path, so every message
is the same.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from kimgame.errors import KimgameError, Location
from kimgame.expr.tree import Formula
from kimgame.model.nodes import (
    RUN_LENGTH,
    Chance,
    Decision,
    DecisionSpec,
    InfoSet,
    Node,
    Terminal,
    Walked,
    gc_paused,
    path_label,
)
from kimgame.model.parameters import Parameter
from kimgame.model.probabilities import outside_unit_interval_on_box, sums_to_one

T = TypeVar("T")

TERMINAL, DECISION, CHANCE = 0, 1, 2
_EXACT_TYPES = frozenset({int, str, Fraction, Formula})  # raw payloads whose equality is their meaning


def _without_gc(method: Callable[..., T]) -> Callable[..., T]:
    """Run ``method`` with the cyclic garbage collector paused (see :func:`kimgame.model.nodes.gc_paused`)."""

    @functools.wraps(method)
    def paused(*args: Any, **kw: Any) -> T:
        with gc_paused():
            return method(*args, **kw)

    return paused


def concat_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, s + l)`` for each start and length (vectorised)."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def structure_from_arity(arity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(parent, subtree_end, child_ptr, children)`` of the tree whose nodes, in preorder, have ``arity``
    children each. A few sorts of int64 keys, no Python loop over the nodes.

    With ``S[u]`` the sum of ``arity - 1`` over nodes ``0..u``, the subtree of ``v`` ends at the first
    ``u >= v`` where ``S[u] = S[v-1] - 1`` (``S`` falls by at most one per node, so it cannot skip that
    value). A node's depth is its index minus the number of subtrees that end before it, and its parent
    is the last node before it one level up. Both searches merge sorted keys (group, index).
    """
    n = len(arity)
    idx = np.arange(n, dtype=np.int64)
    shift = int(n).bit_length() + 1  # key = group << shift | index << 1 | flag
    mask = (1 << shift) - 1
    s = np.cumsum(arity - 1)
    # subtree ends: queries (group S[v-1] - 1, v) meet the nodes u (group S[u], u); sorted in descending
    # order (keys negated), a node sorts before a query with the same index and the nearest node entry
    # before a query is the first node at or after it in its group
    before = np.empty(n, dtype=np.int64)
    before[0] = 0
    before[1:] = s[:-1]
    keys = np.sort(-np.concatenate((((s + 1) << shift) | (idx << 1) | 1, (before << shift) | (idx << 1))))
    keys = -keys
    at = (keys & mask) >> 1
    is_node = (keys & 1).astype(bool)
    pos = np.maximum.accumulate(np.where(is_node, np.arange(len(keys), dtype=np.int64), -1))
    end = np.empty(n, dtype=np.int64)
    end[at[~is_node]] = at[pos[~is_node]]
    depth = idx.copy()
    depth[1:] -= np.cumsum(np.bincount(end, minlength=n))[:-1]
    parent = np.full(n, -1, dtype=np.int64)
    if n > 1:
        # parents: queries (depth - 1, u) meet the nodes (depth, w); the last node before a query is the answer
        keys = np.sort(np.concatenate(((depth << shift) | (idx << 1), ((depth[1:] - 1) << shift) | (idx[1:] << 1) | 1)))
        at = (keys & mask) >> 1
        is_query = (keys & 1).astype(bool)
        pos = np.maximum.accumulate(np.where(is_query, -1, np.arange(len(keys), dtype=np.int64)))
        parent[at[is_query]] = at[pos[is_query]]
    child_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(arity, out=child_ptr[1:])
    children = np.sort((parent[1:] << shift) | idx[1:]) & mask
    return parent, end, child_ptr, children


class TreeArrays:
    """A tree as flat arrays (one entry per node, preorder) plus tables of its distinct numbers.

    ``kind`` (0 terminal, 1 decision, 2 chance), ``parent`` (-1 for the root), ``arity``, ``child_ptr``
    and ``children`` (the children of ``v`` are ``children[child_ptr[v]:child_ptr[v + 1]]``, in move
    order), ``end`` (last node of each subtree), ``player`` and ``infoset`` (-1 off decision nodes;
    information sets numbered in order of first appearance), ``move`` (code in ``labels`` of the move
    leading to each node, -1 for the root), ``prob`` (code in ``probs`` of the probability of the move
    into a child of a chance node, else -1), ``payoff`` (code in ``payoffs`` of a terminal's payoff
    vector, else -1).
    """

    def __init__(self, kind: np.ndarray, arity: np.ndarray, player: np.ndarray, infoset: np.ndarray,
                 num_infosets: int, move: np.ndarray, labels: Sequence[str], prob: np.ndarray,
                 probs: Sequence[Formula], payoff: np.ndarray, payoffs: Sequence[tuple[Formula, ...]],
                 structure: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None) -> None:
        self.kind = kind
        self.arity = arity
        self.parent, self.end, self.child_ptr, self.children = structure or structure_from_arity(arity)
        self.player = player
        self.infoset = infoset
        self.num_infosets = num_infosets
        self.move = move
        self.labels = tuple(labels)
        self.prob = prob
        self.probs = tuple(probs)
        self.payoff = payoff
        self.payoffs = tuple(payoffs)

    @property
    def size(self) -> int:
        """Number of nodes."""
        return len(self.kind)

    @cached_property
    def depth(self) -> np.ndarray:
        """Number of moves from the root to each node."""
        depth = np.arange(self.size, dtype=np.int64)
        depth[1:] -= np.cumsum(np.bincount(self.end, minlength=self.size))[:-1]
        return depth

    @cached_property
    def child_index(self) -> np.ndarray:
        """Position of each node among its parent's moves (-1 for the root)."""
        out = np.full(self.size, -1, dtype=np.int64)
        ch = self.children
        out[ch] = np.arange(len(ch), dtype=np.int64) - self.child_ptr[self.parent[ch]]
        return out

    @cached_property
    def decision_nodes(self) -> np.ndarray:
        """The decision nodes, in preorder."""
        return np.flatnonzero(self.kind == DECISION)

    @cached_property
    def infoset_first(self) -> np.ndarray:
        """The first node (preorder) of each information set."""
        dec = self.decision_nodes
        ids = self.infoset[dec]  # numbered in order of first appearance: a new one exceeds all before it
        seen = np.maximum.accumulate(np.concatenate(([-1], ids[:-1])))
        return dec[ids > seen]

    @property
    def is_perfect_information(self) -> bool:
        """True when every information set is one node."""
        return self.num_infosets == len(self.decision_nodes)

    def children_of(self, v: int) -> np.ndarray:
        """The children of ``v`` in move order."""
        return self.children[self.child_ptr[v]:self.child_ptr[v + 1]]


def arrays_from_nodes(players: Sequence[str], nodes: Sequence[Node]) -> TreeArrays:
    """The :class:`TreeArrays` of a tree given as node objects (one pass over the nodes)."""
    n = len(nodes)
    kind = np.zeros(n, dtype=np.int8)
    arity = np.zeros(n, dtype=np.int64)
    player = np.full(n, -1, dtype=np.int64)
    infoset = np.full(n, -1, dtype=np.int64)
    move = np.full(n, -1, dtype=np.int64)
    prob = np.full(n, -1, dtype=np.int64)
    payoff = np.full(n, -1, dtype=np.int64)
    labels: dict[str, int] = {}
    sets: dict[str, int] = {}
    probs: dict[int, int] = {}
    prob_table: list[Formula] = []
    pays: dict[tuple[int, ...], int] = {}
    pay_table: list[tuple[Formula, ...]] = []
    for v, node in enumerate(nodes):
        if isinstance(node, Terminal):
            key = tuple(map(id, node.payoffs))
            code = pays.get(key)
            if code is None:
                code = pays[key] = len(pay_table)
                pay_table.append(tuple(node.payoffs))
            payoff[v] = code
            continue
        arity[v] = len(node.children)
        if isinstance(node, Decision):
            kind[v] = DECISION
            player[v] = node.player
            infoset[v] = sets.setdefault(node.infoset, len(sets))
            for a, c in zip(node.actions, node.children):
                move[c] = labels.setdefault(a, len(labels))
        else:
            kind[v] = CHANCE
            for o, f, c in zip(node.outcomes, node.probs, node.children):
                move[c] = labels.setdefault(o, len(labels))
                code = probs.get(id(f))
                if code is None:
                    code = probs[id(f)] = len(prob_table)
                    prob_table.append(f)
                prob[c] = code
    return TreeArrays(kind, arity, player, infoset, len(sets), move, list(labels), prob, prob_table, payoff,
                      pay_table)


# --------------------------------------------------------------------------------------------------
# lazily created nodes


class TreeStore(Sequence):
    """The nodes of a tree assembled by :func:`assemble_arrays`: a read-only sequence (like the tuple of
    nodes of a small tree) that creates each node object on first access and keeps it."""

    is_tree_store = True

    def __init__(self, arrays: TreeArrays, items: list, resolved: Mapping[int, Any],
                 explicit: Mapping[int, str]) -> None:
        self.arrays = arrays
        self._items = items  # the move entry each node was reached by; its spec last
        self._resolved = resolved  # the spec of each node reached through a reference
        self._explicit = dict(explicit)  # information set -> label given by 'infoset:' or 'name:'
        self._nodes: list[Node | None] = [None] * arrays.size
        self._paths: list[str | None] | None = None
        self._path_lookups = 0
        self._kept: dict[str, list] | None = None
        self._made = 0
        self._shared: dict[tuple[int, ...], tuple[str, ...]] = {}

    def __len__(self) -> int:
        return self.arrays.size

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        node = self._nodes[i]
        if node is None:
            if not 0 <= i < len(self):
                raise IndexError("node index out of range")
            node = self._nodes[i] = self._make(i)
        return node

    def __iter__(self) -> Iterator[Node]:
        if self._paths is None and self.arrays.num_infosets > len(self._explicit):
            self.path_labels()
        lists = self._kept or self._columns()
        nodes = self._nodes
        for v in range(len(self)):
            node = nodes[v]
            if node is None:
                node = nodes[v] = self._make_from(lists, v)
            yield node

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TreeStore) and other is self:
            return True
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TreeStore({len(self)} nodes)"

    @_without_gc
    def _columns(self) -> dict[str, list]:
        """The arrays as Python lists (faster to index one by one than numpy arrays)."""
        a = self.arrays
        return {"kind": a.kind.tolist(), "player": a.player.tolist(), "infoset": a.infoset.tolist(),
                "move": a.move.tolist(), "prob": a.prob.tolist(), "payoff": a.payoff.tolist(),
                "children": a.children.tolist(), "ptr": a.child_ptr.tolist(), "parent": a.parent.tolist()}

    @property
    def _lists(self) -> dict[str, list]:
        """:meth:`_columns`, kept once many nodes have been asked for one by one."""
        if self._kept is None:
            self._kept = self._columns()
        return self._kept

    def spec(self, v: int):
        """The spec node ``v`` was made from."""
        spec = self._resolved.get(v)
        return spec if spec is not None else self._items[v][-1]

    def _make(self, v: int) -> Node:
        self._made += 1
        if self._kept is None and self._made <= 10_000:  # a few nodes: read the arrays directly
            a = self.arrays
            spec = self.spec(v)
            k = int(a.kind[v])
            if k == TERMINAL:
                return Terminal(a.payoffs[int(a.payoff[v])], spec.outcome, spec.name, spec.where)
            kids = tuple(a.children_of(v).tolist())
            moves = self._actions(tuple(a.move[list(kids)].tolist()))
            if k == DECISION:
                return Decision(int(a.player[v]), self.infoset_label(int(a.infoset[v]), v), moves, kids, spec.name,
                                spec.where)
            return Chance(moves, tuple(a.probs[c] for c in a.prob[list(kids)].tolist()), kids, spec.name,
                          spec.where)
        return self._make_from(self._lists, v)

    def _make_from(self, lists: dict[str, list], v: int) -> Node:
        a = self.arrays
        spec = self.spec(v)
        k = lists["kind"][v]
        if k == TERMINAL:
            return Terminal(a.payoffs[lists["payoff"][v]], spec.outcome, spec.name, spec.where)
        ptr = lists["ptr"]
        kids = tuple(lists["children"][ptr[v]:ptr[v + 1]])
        move = lists["move"]
        moves = self._actions(tuple(move[c] for c in kids))
        if k == DECISION:
            return Decision(lists["player"][v], self.infoset_label(lists["infoset"][v], v), moves, kids,
                            spec.name, spec.where)
        prob = lists["prob"]
        return Chance(moves, tuple(a.probs[prob[c]] for c in kids), kids, spec.name, spec.where)

    # ---- labels -----------------------------------------------------------------------------------

    def infoset_label(self, h: int, v: int | None = None) -> str:
        """The label of information set ``h`` (``v``: one of its nodes, if known)."""
        label = self._explicit.get(h)
        if label is not None:
            return label
        if v is None:
            v = int(self.arrays.infoset_first[h])
        paths = self._paths
        if paths is None:
            self._path_lookups += 1
            if self._path_lookups <= 64:
                return self.path_label_of(v)
            paths = self.path_labels()  # many asked for one by one: write them all in one pass
        path = paths[v]
        assert path is not None, "the nodes of an information set are decision nodes, which have path labels"
        return path

    def path_label_of(self, v: int) -> str:
        """The default label of node ``v``: its path of moves (see :func:`kimgame.model.nodes.path_label`)."""
        return path_label(self.history(v))

    def history(self, v: int) -> tuple[str, ...]:
        """The move labels from the root to node ``v``."""
        a = self.arrays
        out = []
        while v > 0:
            out.append(a.labels[int(a.move[v])])
            v = int(a.parent[v])
        return tuple(reversed(out))

    @_without_gc
    def path_labels(self) -> list[str | None]:
        """The path label of every non-terminal node (None for terminals), in one pass: each node's label is
        its parent's with the last run of equal moves extended, or with a new run after it."""
        if self._paths is not None:
            return self._paths
        a = self.arrays
        inner = np.flatnonzero(a.kind != TERMINAL)[1:]
        labels = a.labels
        n = len(self)
        full: list[str | None] = [None] * n  # the label of each non-terminal node
        head: list[str | None] = [None] * n  # the label before the node's last run (None: nothing before it)
        run_label: list[str | None] = [None] * n
        run_count = [0] * n
        full[0] = "root"
        for v, p, m in zip(inner.tolist(), a.parent[inner].tolist(), map(labels.__getitem__, a.move[inner].tolist())):
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
        self._paths = full
        return full

    def infoset_labels(self) -> list[str]:
        """The label of every information set, in order of first appearance."""
        a = self.arrays
        explicit = self._explicit
        if a.num_infosets == len(explicit):
            return [explicit[h] for h in range(a.num_infosets)]
        paths = self.path_labels()
        return [explicit[h] if h in explicit else paths[v] for h, v in enumerate(a.infoset_first.tolist())]

    # ---- derived structure ------------------------------------------------------------------------

    @_without_gc
    def infosets(self) -> dict[str, InfoSet]:
        """Information sets by label, in order of first appearance."""
        a = self.arrays
        dec = a.decision_nodes
        ids = a.infoset[dec]
        order = np.argsort(ids, kind="stable")
        counts = np.bincount(ids, minlength=a.num_infosets)
        bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
        members = dec[order].tolist()
        names = self.infoset_labels()
        ptr = a.child_ptr.tolist()
        child_moves = a.move[a.children].tolist()  # the label code of each move, in CSR order
        player = a.player.tolist()
        out: dict[str, InfoSet] = {}
        for h, label in enumerate(names):
            vs = tuple(members[bounds[h]:bounds[h + 1]])
            first = vs[0]
            actions = self._actions(tuple(child_moves[ptr[first]:ptr[first + 1]]))
            out[label] = InfoSet(label, player[first], actions, vs)
        return out

    def _actions(self, codes: tuple[int, ...]) -> tuple[str, ...]:
        """The move labels with these codes (one shared tuple per distinct sequence)."""
        out = self._shared.get(codes)
        if out is None:
            labels = self.arrays.labels
            out = self._shared[codes] = tuple(labels[c] for c in codes)
        return out

    @_without_gc
    def outcomes(self) -> tuple[str, ...]:
        """Distinct outcome labels of the terminals in order of first appearance."""
        seen: dict[Any, None] = {}
        for v in np.flatnonzero(self.arrays.kind == TERMINAL).tolist():
            o = self.spec(v).outcome
            if o is not None:
                seen.setdefault(o, None)
        return tuple(seen)

    @_without_gc
    def terminal_values(self, values: Mapping[str, Fraction]) -> tuple[tuple[Fraction, ...] | None, ...]:
        """Each node's payoff vector at ``values`` for terminals, None elsewhere (each distinct vector
        evaluated once)."""
        evaluated = [tuple(value_at(f, values) for f in vec) for vec in self.arrays.payoffs]
        out: list[tuple[Fraction, ...] | None] = [None] * len(self)
        for v, code in enumerate(self.arrays.payoff.tolist()):
            if code >= 0:
                out[v] = evaluated[code]
        return tuple(out)

    @_without_gc
    def chance_values(self, values: Mapping[str, Fraction]) -> tuple[tuple[Fraction, ...] | None, ...]:
        """Each chance node's outcome probabilities at ``values``, None elsewhere."""
        a = self.arrays
        evaluated = [value_at(f, values) for f in a.probs]
        a = self.arrays
        ptr, children, prob = a.child_ptr.tolist(), a.children.tolist(), a.prob.tolist()
        out: list[tuple[Fraction, ...] | None] = [None] * len(self)
        for v in np.flatnonzero(a.kind == CHANCE).tolist():
            out[v] = tuple(evaluated[prob[c]] for c in children[ptr[v]:ptr[v + 1]])
        return tuple(out)

    def is_symbolic(self) -> bool:
        """True when some payoff or probability uses a parameter."""
        a = self.arrays
        return any(f.parameters for vec in a.payoffs for f in vec) or any(f.parameters for f in a.probs)

    # ---- checks -----------------------------------------------------------------------------------

    def passes_checks(self, values: Mapping[str, Fraction], parameters: Sequence[Parameter]) -> bool:
        """True when :func:`kimgame.model.tree_checks.tree_problems` would find nothing: information sets, perfect
        recall, chance probabilities and payoffs checked per information set with several nodes and per
        distinct formula. False when the node-by-node checks must run (they word the problems)."""
        a = self.arrays
        if not a.is_perfect_information and not self._shared_infosets_ok():
            return False
        # chance probabilities: each distinct formula in [0, 1] at the values and over the ranges, each
        # distinct tuple of a chance node's formulas summing to one
        if not self.probabilities_ok(values):
            return False
        bounded = {p.name: p for p in parameters}
        for f in a.probs:
            if f.parameters and outside_unit_interval_on_box(f, bounded):
                return False
        for row in _distinct_probability_rows(a):
            if not sums_to_one([a.probs[c] for c in row], values):
                return False
        for vec in a.payoffs:
            for f in vec:
                if f.parameters:
                    try:
                        f.evaluate(values)
                    except KimgameError:
                        return False
        return True

    def probabilities_ok(self, values: Mapping[str, Fraction]) -> bool:
        """True when every chance probability evaluates at ``values`` to a number in [0, 1]."""
        for f in self.arrays.probs:
            try:
                p = f.evaluate(values)
            except KimgameError:
                return False
            if not 0 <= p <= 1:
                return False
        return True

    def _shared_infosets_ok(self) -> bool:
        """Information sets with several nodes: same mover and moves at each, and the same previous own move
        and number of own moves on the way to each (perfect recall)."""
        a = self.arrays
        dec = a.decision_nodes
        ids = a.infoset[dec]
        counts = np.bincount(ids, minlength=a.num_infosets)
        shared = counts[ids] > 1
        if not shared.any():
            return True
        lists = self._kept or self._columns()
        ptr, children, move, player, infoset, parent = (lists["ptr"], lists["children"], lists["move"],
                                                         lists["player"], lists["infoset"], lists["parent"])
        first: dict[int, tuple] = {}
        for v in dec[shared].tolist():
            h = infoset[v]
            moves = tuple(move[c] for c in children[ptr[v]:ptr[v + 1]])
            i = player[v]
            # the mover's own moves above v: the last one (information set, action) and how many
            prev = None
            own = 0
            u = v
            while u > 0:
                p = parent[u]
                if lists["kind"][p] == DECISION and player[p] == i:
                    if prev is None:
                        prev = (infoset[p], children[ptr[p]:ptr[p + 1]].index(u))
                    own += 1
                u = p
            key = (i, moves, prev, own)
            seen = first.setdefault(h, key)
            if seen != key:
                return False
        return True


def _distinct_rows(rows: np.ndarray, base: int) -> list[list[int]]:
    """The distinct rows of an integer matrix with entries in ``0 .. base - 1``."""
    m, k = rows.shape
    if m == 0:
        return []
    if k * max(1, base - 1).bit_length() < 62:
        weights = base ** np.arange(k, dtype=np.int64)
        keys = np.sort(rows @ weights)
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        return ((keys[:, None] // weights) % base).tolist()
    return np.unique(rows, axis=0).tolist()


def _distinct_probability_rows(a: TreeArrays) -> list[list[int]]:
    """The distinct tuples of probability codes of the chance nodes' moves."""
    chance = np.flatnonzero(a.kind == CHANCE)
    if not chance.size:
        return []
    ar = a.arity[chance]
    out: list[list[int]] = []
    for k in np.flatnonzero(np.bincount(ar)).tolist():
        nodes = chance[ar == k]
        rows = a.prob[a.children[a.child_ptr[nodes][:, None] + np.arange(k)]]
        out.extend(_distinct_rows(rows, len(a.probs)))
    return out


def perfect_information_plan_counts(a: TreeArrays, players: int, cap: int) -> tuple[int, ...]:
    """Number of reduced-normal-form plans of each player of a perfect-information tree (saturating at
    ``cap``), on arrays: a decision node's count is the sum over its moves of the product of the counts of
    the mover's next own decision nodes after that move; a player's total is the product over their first
    decision nodes. The same numbers as :func:`kimgame.model.tree.plan_counts` with no cuts."""
    n = a.size
    depth = a.depth
    levels_count = int(depth.max()) + 1
    order = np.argsort(depth, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(depth, minlength=levels_count))))
    levels = [order[bounds[d]:bounds[d + 1]] for d in range(levels_count)]
    # the edge (CSR position) of each node's mover's previous own move, -1 if none
    last = np.full((players, n), -1, dtype=np.int64)
    ci = a.child_index
    for level in levels[1:]:
        p = a.parent[level]
        edge = a.child_ptr[p] + ci[level]
        mover = np.where(a.kind[p] == DECISION, a.player[p], -1)
        for j in range(players):
            last[j, level] = np.where(mover == j, edge, last[j, p])
    dec = a.decision_nodes
    own = last[a.player[dec], dec]  # the previous own move of each decision node's mover
    prod = np.ones(len(a.children), dtype=np.float64)
    count = np.ones(n, dtype=np.float64)
    limit = float(cap)
    dec_depth = depth[dec]
    for d in range(levels_count - 1, -1, -1):
        here = dec[dec_depth == d]
        if not here.size:
            continue
        m = a.arity[here]
        sums = np.add.reduceat(prod[concat_ranges(a.child_ptr[here], m)], np.cumsum(m) - m)
        count[here] = np.minimum(sums, limit)
        mine = own[dec_depth == d]
        inner = mine >= 0
        np.multiply.at(prod, mine[inner], count[here[inner]])
        np.minimum(prod, limit, out=prod)
    out = []
    first = own < 0
    for i in range(players):
        roots = dec[first & (a.player[dec] == i)]
        whole = 1.0
        for c in count[roots].tolist():
            whole = min(limit, whole * c)
        out.append(int(whole))
    return tuple(out)


def value_at(f: Formula, values: Mapping[str, Fraction]) -> Fraction:
    """The exact value of ``f`` at ``values`` (its constant, if it has no parameters)."""
    c = f.constant
    return c if c is not None else f.evaluate(values)


# --------------------------------------------------------------------------------------------------
# assembling from specs


def assemble_arrays(players: tuple[str, ...], walked: Walked, parameters: tuple,
                    values: Mapping[str, Fraction]) -> TreeStore | None:
    """The nodes of a walked spec tree (see :func:`kimgame.model.tree_assembly.assemble` and
    :class:`kimgame.model.nodes.Walked`) as a :class:`TreeStore`; the caller makes the game of them.

    Returns None when anything needs a message (unknown player, no moves, repeated labels, a formula that
    does not parse, a label that clashes): the node-by-node path then words every problem.
    """
    from kimgame.expr.parse import parse_formula

    n = len(walked.items)
    kind = np.frombuffer(walked.kinds, dtype=np.int8)
    ar = np.frombuffer(walked.arity, dtype=np.int64)
    if not (ar[kind != TERMINAL] > 0).all():
        return None  # a decision or chance node without moves
    parent = np.frombuffer(walked.parents, dtype=np.int64)
    end = np.arange(n, dtype=np.int64)
    if walked.ends:
        end[np.fromiter(walked.ends.keys(), dtype=np.int64)] = np.fromiter(walked.ends.values(), dtype=np.int64)
    child_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(ar, out=child_ptr[1:])
    shift = n.bit_length()
    children = np.sort((parent[1:] << shift) | np.arange(1, n, dtype=np.int64)) & ((1 << shift) - 1)
    structure = (parent, end, child_ptr, children)
    names = [p.name for p in parameters]

    # labels of the moves into each node, as codes; sibling labels must differ
    raw = walked.labels
    codes = {x: k for k, x in enumerate(dict.fromkeys(raw[1:]))}
    if any(type(x) is not str for x in codes):
        raw = [None] + list(map(str, raw[1:]))
        codes = {x: k for k, x in enumerate(dict.fromkeys(raw[1:]))}
    labels = list(codes)
    codes[None] = -1
    move = np.fromiter(map(codes.__getitem__, raw), dtype=np.int64, count=n)
    if n > 1:
        shift = len(labels).bit_length()
        pair = np.sort((parent[1:] << shift) | move[1:])
        if (pair[1:] == pair[:-1]).any():
            return None  # the same action or outcome label twice at one node

    # decision nodes: movers; information sets from 'infoset:' and 'name:' labels, else one per node
    dec = np.flatnonzero(kind == DECISION)
    pidx = {p: i for i, p in enumerate(players)}
    try:
        found = list(map(pidx.get, walked.movers))
    except TypeError:
        return None
    movers = [i for i in found if i is not None]
    if len(movers) < len(found):
        return None
    player = np.full(n, -1, dtype=np.int64)
    player[dec] = movers
    users: dict[str, list[int]] = {}
    by_name: set[str] = set()
    for v in walked.marked:
        spec = walked.resolved.get(v) or walked.items[v][-1]
        assert isinstance(spec, DecisionSpec), "marked nodes are decision nodes"
        if spec.infoset is not None:
            users.setdefault(str(spec.infoset), []).append(v)
        else:
            users.setdefault(str(spec.name), []).append(v)
            by_name.add(str(spec.name))
    group = np.full(n, -1, dtype=np.int64)
    group[dec] = dec
    for label, vs in users.items():
        if len(vs) > 1 and label in by_name:
            return None  # a name used twice, or also as an information-set label
        group[vs] = vs[0]
    if not _path_labels_distinct(users, set(walked.marked), labels, move, kind, child_ptr, children):
        return None
    first_nodes = dec[group[dec] == dec]  # the first node of each information set
    infoset = np.full(n, -1, dtype=np.int64)
    infoset[dec] = np.searchsorted(first_nodes, group[dec])
    explicit = {int(infoset[vs[0]]): label for label, vs in users.items()}

    # chance probabilities: one formula per distinct written probability
    prob = np.full(n, -1, dtype=np.int64)
    probs: list[Formula] = []
    if walked.outcomes:
        chance = np.flatnonzero(kind == CHANCE)
        raw_probs = [entry[1] for entries in walked.outcomes for entry in entries]
        if not set(map(type, raw_probs)) <= _EXACT_TYPES:
            return None
        wheres = walked.wheres
        if any(kind[v] == CHANCE for v in wheres):
            owners = np.repeat(chance, ar[chance]).tolist()
            keyed: list = [x if type(x) is Formula else (x, wheres.get(v)) for x, v in zip(raw_probs, owners)]
        else:
            owners = None
            keyed = raw_probs
        try:
            first = _first_positions(keyed)
        except TypeError:
            return None
        for j in first.values():
            x = raw_probs[j]
            try:
                probs.append(x if type(x) is Formula else
                             parse_formula(x, names, None if owners is None else wheres.get(owners[j])))
            except KimgameError:
                return None
        pcodes = {k: c for c, k in enumerate(first)}
        prob[children[concat_ranges(child_ptr[chance], ar[chance])]] = list(map(pcodes.__getitem__, keyed))

    # terminal payoffs: one tuple of formulas per distinct written payoff vector (and location)
    if not set(map(type, itertools.chain.from_iterable(walked.payoffs))) <= _EXACT_TYPES:
        return None  # (a float or bool would be taken for the equal number in a dictionary)
    constants: dict[Any, Formula] = {}
    pay_table: list[tuple[Formula, ...]] = []
    located = bool(walked.wheres) and any(kind[v] == TERMINAL for v in walked.wheres)
    for key in walked.payoff_codes:
        pays, where = key if located and type(key[-1]) is Location else (key, None)
        if len(pays) != len(players):
            return None
        vec = []
        for x in pays:
            if type(x) is Formula:
                vec.append(x)
                continue
            try:
                if where is None and type(x) is not str:
                    f = constants.get(x)
                    if f is None:
                        f = constants[x] = parse_formula(x, names, None)
                else:
                    f = parse_formula(x, names, where)
            except KimgameError:
                return None
            vec.append(f)
        pay_table.append(tuple(vec))
    payoff = np.full(n, -1, dtype=np.int64)
    payoff[kind == TERMINAL] = np.frombuffer(walked.payoff_code, dtype=np.int64)

    arrays = TreeArrays(kind, ar, player, infoset, len(first_nodes), move, labels, prob, probs, payoff, pay_table,
                        structure=structure)
    return TreeStore(arrays, walked.items, walked.resolved, explicit)


def _first_positions(keys: Sequence[Any]) -> dict[Any, int]:
    """Each distinct key with the position of its first occurrence, in order of first appearance."""
    first: dict[Any, int] = {}
    distinct = dict.fromkeys(keys)
    if len(distinct) == len(keys):
        return {k: j for j, k in enumerate(keys)}
    remaining = len(distinct)
    for j, k in enumerate(keys):
        if k not in first:
            first[k] = j
            remaining -= 1
            if not remaining:
                break
    return first


def _path_labels_distinct(users: Mapping[str, list[int]], explicit: set[int], labels: Sequence[str],
                          move: np.ndarray, kind: np.ndarray, child_ptr: np.ndarray, children: np.ndarray) -> bool:
    """True when no two decision nodes labelled by their path of moves share a label and none has a label
    given to another node with 'infoset:' or 'name:'.

    Paths are written unambiguously when no move label contains '>' or '×' (the separators of the path
    notation): distinct paths then give distinct labels, except that the root is "root" and so is a path
    of one move "root". Each explicit label is read back as a path and looked up."""
    if any(">" in x or "×" in x for x in labels):
        return False

    def child(v: int, label: str) -> int | None:
        for c in children[child_ptr[v]:child_ptr[v + 1]].tolist():
            if labels[move[c]] == label:
                return c
        return None

    def by_path(v: int) -> bool:  # a decision node labelled by its path
        return bool(kind[v] == DECISION) and v not in explicit

    root_child = child(0, "root") if kind[0] != TERMINAL else None
    if by_path(0) and root_child is not None and by_path(root_child):
        return False
    for label in users:
        if label == "root":
            if by_path(0) or (root_child is not None and by_path(root_child)):
                return False
            continue
        history = _read_path(label)
        if history is None:
            continue
        at: int | None = 0
        for m in history:
            at = child(at, m) if at is not None else None
        if at is not None and by_path(at):
            return False
    return True


def _read_path(label: str) -> list[str] | None:
    """The moves of a path label (None if ``label`` is not one a path is written as)."""
    history: list[str] = []
    for part in label.split(" > "):
        if "×" in part:
            head, _, count = part.rpartition(" ×")
            if not count.isdigit() or str(int(count)) != count:
                return None
            history.extend([head] * int(count))
        else:
            history.append(part)
    return history if path_label(history) == label else None
