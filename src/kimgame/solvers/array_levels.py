"""Solving a perfect-information tree level by level on arrays (see the notes of
:mod:`kimgame.solvers.array_tree`): :class:`LevelSolver` solves the nodes of one depth together into
classes of equal values, :class:`Solution` holds the solved tree, and the equilibria of each class are
counted when first asked for (``_Counter``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from kimgame.model.tree_arrays import TERMINAL, TreeArrays, concat_ranges

__all__ = ["LevelSolver", "Solution"]


@dataclass
class Solution:
    """The stage solutions of every node, as arrays (see the module notes)."""

    arrays: TreeArrays
    scale: int  # P
    base: int  # L
    height: np.ndarray  # chance moves below each node, at most (the power of L in its scale)
    cls_start: np.ndarray  # each node's classes: pool[cls_start[v] : cls_start[v] + cls_len[v]]
    cls_len: np.ndarray
    pool: np.ndarray  # class values, scaled (int64, one row per class)
    pool_first: np.ndarray  # the first option (index within its node) of each class
    pool_options: np.ndarray  # the number of options of each class
    opt_start: np.ndarray  # each node's options: opt_start[v] .. opt_start[v] + opt_len[v]
    opt_len: np.ndarray
    opt_row: np.ndarray  # the combination of the children's classes (mixed-radix number)
    opt_choice: np.ndarray  # the action index (-1 at chance nodes)
    opt_class: np.ndarray  # the class of the option's value
    stride: np.ndarray  # per edge (CSR position): the weight of the child's class in the row number
    counter: _Counter  # counts the solutions of each class of the root, when first asked
    levels: list[np.ndarray]  # the non-terminal nodes by depth, top-down, each in preorder
    nonterminal: np.ndarray  # in preorder

    def value(self, v: int, row: np.ndarray) -> tuple[Fraction, ...]:
        """A scaled value of node ``v`` as exact fractions."""
        den = self.scale * self.base ** int(self.height[v])
        return tuple(Fraction(int(x), den) for x in row)

    def class_value(self, v: int, k: int) -> tuple[Fraction, ...]:
        """The value of class ``k`` of node ``v``."""
        return self.value(v, self.pool[int(self.cls_start[v]) + k])

    def digit(self, c: int, edge: int, row: int) -> int:
        """The class of child ``c`` (reached by CSR position ``edge``) in combination ``row`` of its parent."""
        return (row // int(self.stride[edge])) % int(self.cls_len[c])


class LevelSolver:
    """Solves the nodes of one level at a time, bottom-up, into a growing pool of classes."""

    def __init__(self, a: TreeArrays, pay: np.ndarray, weight: np.ndarray, base: int, height: np.ndarray,
                 limit: int) -> None:
        self.a = a
        self.weight = weight
        self.base = base
        self.height = height
        self.limit = limit
        self.lift_pow = np.array([base**k for k in range(int(height.max()) + 1)], dtype=np.int64)
        n = a.size
        players = pay.shape[1]
        terminals = np.flatnonzero(a.kind == TERMINAL)
        t = len(terminals)
        cap = t + 2 * (n - t) + 16
        self.pool = np.zeros((cap, players), dtype=np.int64)
        self.pool[:t] = pay[a.payoff[terminals]]
        self.terminals = t
        self.first = np.zeros(cap, dtype=np.int64)
        self.options_of = np.zeros(cap, dtype=np.int64)
        self.size = t
        self.cls_start = np.zeros(n, dtype=np.int64)
        self.cls_len = np.ones(n, dtype=np.int64)
        self.cls_start[terminals] = np.arange(t, dtype=np.int64)
        self.opt_start = np.zeros(n, dtype=np.int64)
        self.opt_len = np.zeros(n, dtype=np.int64)
        self.opt_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.opt_total = 0
        self.stride = np.ones(max(0, n - 1), dtype=np.int64)
        self.cut: list[tuple[int, int]] = []
        self.batches: list[_Batch] = []

    def _grow(self, need: int) -> None:
        cap = len(self.first)
        if self.size + need <= cap:
            return
        new = max(2 * cap, self.size + need)
        self.pool = np.concatenate((self.pool, np.zeros((new - cap, self.pool.shape[1]), dtype=np.int64)))
        self.first = np.concatenate((self.first, np.zeros(new - cap, dtype=np.int64)))
        self.options_of = np.concatenate((self.options_of, np.zeros(new - cap, dtype=np.int64)))

    def solve(self, nodes: np.ndarray, *, chance: bool) -> None:
        """Solve ``nodes`` (one level, one kind, preorder) given the classes of their children."""
        if not nodes.size:
            return
        a = self.a
        nv = len(nodes)
        m = a.arity[nodes]
        seg = np.cumsum(m) - m  # each node's first edge (local numbering)
        edges = concat_ranges(a.child_ptr[nodes], m)  # global CSR positions
        kids = a.children[edges]
        edge_node = np.repeat(np.arange(nv, dtype=np.int64), m)
        ncl = self.cls_len[kids]
        start = self.cls_start[kids]
        multi = np.flatnonzero(ncl > 1)

        # combinations of the children's classes: rows
        if multi.size:
            combos = np.multiply.reduceat(ncl.astype(np.float64), seg)
            big = np.flatnonzero(combos > self.limit)
            for j in big.tolist():
                self.cut.append((int(nodes[j]), math.prod(int(x) for x in ncl[seg[j]:seg[j] + m[j]])))
            rows_per = np.where(combos > self.limit, self.limit, combos).astype(np.int64)
            stride = self._strides(multi, edge_node[multi], ncl[multi], nv)
            self.stride[edges[multi]] = stride
        else:
            rows_per = np.ones(nv, dtype=np.int64)
        total_rows = int(rows_per.sum())
        if total_rows == nv:
            row_node = np.arange(nv, dtype=np.int64)
            row_t = np.zeros(nv, dtype=np.int64)
            ent_row = edge_node
            ent_edge = np.arange(len(edges), dtype=np.int64)
            row_ent = seg
        else:
            row_node = np.repeat(np.arange(nv, dtype=np.int64), rows_per)
            row_t = np.arange(total_rows, dtype=np.int64) - np.repeat(np.cumsum(rows_per) - rows_per, rows_per)
            rm = m[row_node]
            ent_row = np.repeat(np.arange(total_rows, dtype=np.int64), rm)
            ent_edge = concat_ranges(seg[row_node], rm)
            row_ent = np.cumsum(rm) - rm
        pidx = start if total_rows == nv else start[ent_edge]
        if multi.size:
            local_stride = np.ones(len(edges), dtype=np.int64)
            local_stride[multi] = stride
            sel = np.flatnonzero(ncl[ent_edge] > 1)
            e = ent_edge[sel]
            pidx[sel] += (row_t[ent_row[sel]] // local_stride[e]) % ncl[e]
        vals = self.pool[pidx]

        # lift children to the node's scale
        h_node = self.height[nodes]
        lift = None
        if self.base != 1:
            lift_exp = h_node[edge_node] - self.height[kids] - (1 if chance else 0)
            if lift_exp.any():
                lift = self.lift_pow[lift_exp]

        if chance:
            w = self.weight[a.prob[kids]]
            if lift is not None:
                w = w * lift
            opt_val = np.add.reduceat(vals * w[ent_edge][:, None], row_ent, axis=0)
            opt_node = row_node
            opt_t = row_t
            opt_choice = np.full(total_rows, -1, dtype=np.int64)
            opt_rows = np.arange(total_rows, dtype=np.int64)
        else:
            mover = a.player[nodes][row_node][ent_row]
            own = vals[np.arange(len(pidx)), mover]
            if lift is not None:
                own = own * lift[ent_edge]
            best = np.maximum.reduceat(own, row_ent)
            win = np.flatnonzero(own == best[ent_row])
            wrow = ent_row[win]
            opt_node = row_node[wrow]
            opt_t = row_t[wrow]
            opt_choice = ent_edge[win] - seg[opt_node]
            opt_val = vals[win]
            if lift is not None:
                opt_val = opt_val * lift[ent_edge[win]][:, None]
            opt_rows = wrow
        self._classes(nodes, opt_node, opt_t, opt_choice, opt_val, _Batch(pidx, row_ent, opt_rows))

    def _strides(self, multi: np.ndarray, node: np.ndarray, ncl: np.ndarray, nv: int) -> np.ndarray:
        """For each edge to a child with several classes: the product of the class counts of the later such
        children of its node (saturating above the combination limit)."""
        cap = self.limit + 1
        per = np.bincount(node, minlength=nv)
        first = np.cumsum(per) - per
        from_end = per[node] - 1 - (np.arange(len(multi), dtype=np.int64) - first[node])
        order = np.argsort(from_end, kind="stable")
        counts = np.bincount(from_end)
        bounds = np.concatenate(([0], np.cumsum(counts)))
        stride = np.ones(len(multi), dtype=np.int64)
        running = np.ones(nv, dtype=np.int64)
        for r in range(len(counts)):
            sel = order[bounds[r]:bounds[r + 1]]
            at = node[sel]
            stride[sel] = running[at]
            running[at] = np.minimum(running[at] * ncl[sel], cap)
            rest = order[bounds[r + 1]:]
            if rest.size and (running[node[rest]] >= cap).all():
                stride[rest] = cap
                break
        return stride

    def _classes(self, nodes: np.ndarray, opt_node: np.ndarray, opt_t: np.ndarray, opt_choice: np.ndarray,
                 opt_val: np.ndarray, batch: _Batch) -> None:
        """Group each node's options by value (classes in order of first appearance) into the pool; record in
        ``batch`` how the counts of the classes follow from the children's (see :class:`_Batch`)."""
        nv = len(nodes)
        nopt = len(opt_node)
        per = np.bincount(opt_node, minlength=nv)
        opt_first = np.cumsum(per) - per
        opt_class = np.zeros(nopt, dtype=np.int64)
        several = np.flatnonzero(per[opt_node] > 1)
        ncls = np.ones(nv, dtype=np.int64)
        if several.size:
            sub_val = opt_val[several]
            sub_node = opt_node[several]
            order = _group_order(sub_node, sub_val)
            sv = sub_val[order]
            sn = sub_node[order]
            new = np.ones(len(order), dtype=bool)
            new[1:] = (sn[1:] != sn[:-1]) | (sv[1:] != sv[:-1]).any(axis=1)
            gstart = np.flatnonzero(new)
            gid_sorted = np.cumsum(new) - 1
            gfirst = several[order[gstart]]  # first option (global within this batch) of each group
            gsize = np.diff(np.append(gstart, len(order)))
            gnode = sn[gstart]
            rank = np.argsort(gfirst, kind="stable")  # groups in order of first appearance (node-major)
            gnode_r = gnode[rank]
            per_node = np.bincount(gnode_r, minlength=nv)
            ncls[per_node > 0] = per_node[per_node > 0]
            node_first = np.cumsum(per_node) - per_node
            local = np.empty(len(gstart), dtype=np.int64)
            local[rank] = np.arange(len(gstart), dtype=np.int64) - node_first[gnode_r]
            opt_class[several[order]] = local[gid_sorted]
        cls_start = self.size + np.cumsum(ncls) - ncls
        total = int(ncls.sum())
        self._grow(total)
        # one-option nodes: their option is their class
        one = np.flatnonzero(per[opt_node] == 1)
        at = cls_start[opt_node[one]]
        self.pool[at] = opt_val[one]
        self.first[at] = 0
        self.options_of[at] = 1
        batch.one, batch.one_class = one, at
        if several.size:
            at = cls_start[gnode] + local
            self.pool[at] = opt_val[gfirst]
            self.first[at] = gfirst - opt_first[gnode]
            self.options_of[at] = gsize
            batch.grouped, batch.group_start, batch.group_class = several[order], gstart, at
        self.batches.append(batch)
        self.size += total
        self.cls_start[nodes] = cls_start
        self.cls_len[nodes] = ncls
        self.opt_start[nodes] = self.opt_total + opt_first
        self.opt_len[nodes] = per
        self.opt_parts.append((opt_t, opt_choice, opt_class))
        self.opt_total += nopt

    def solution(self, scale: int, levels: list[np.ndarray], nonterminal: np.ndarray) -> Solution:
        """The solved tree."""
        parts = self.opt_parts
        cat = (lambda k: np.concatenate([p[k] for p in parts])) if parts else (lambda k: np.zeros(0, np.int64))
        counter = _Counter(self.batches, self.terminals, self.size, int(self.cls_start[0]), int(self.cls_len[0]))
        return Solution(self.a, scale, self.base, self.height, self.cls_start, self.cls_len, self.pool[:self.size],
                         self.first[:self.size], self.options_of[:self.size], self.opt_start, self.opt_len, cat(0),
                         cat(1), cat(2), self.stride, counter, levels, nonterminal)


@dataclass
class _Batch:
    """How the counts of the classes made at one level (one kind of node) follow from the children's: each
    row's count is the product of the counts of the classes in ``pool_index`` (``row_start`` bounds the
    rows), each option has its row's count (``option_row``), a class of one option (``one``) its count,
    a class of several (options ``grouped``, bounded by ``group_start``) their sum."""

    pool_index: np.ndarray
    row_start: np.ndarray
    option_row: np.ndarray
    one: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    one_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    grouped: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    group_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    group_class: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class _Counter:
    """Counts the equilibria of every class bottom-up, when first asked: in float64 while the counts are
    below 2**53 (exact there), in Python integers above."""

    EXACT = float(2**53)

    def __init__(self, batches: list[_Batch], terminals: int, size: int, root: int, root_classes: int) -> None:
        self.batches = batches
        self.terminals = terminals
        self.size = size
        self.root = root
        self.root_classes = root_classes
        self._counts: list[int] | None = None

    def root_counts(self) -> list[int]:
        """The number of equilibria of each class of the root."""
        if self._counts is None:
            self._counts = self._run()
            self.batches = []
        return self._counts

    def _run(self) -> list[int]:
        small = np.zeros(self.size, dtype=np.float64)
        small[:self.terminals] = 1.0
        large = np.empty(self.size, dtype=object)  # counts of 2**53 and more
        is_large = np.zeros(self.size, dtype=bool)
        for b in self.batches:
            if not is_large[b.pool_index].any():
                rows = np.multiply.reduceat(small[b.pool_index], b.row_start)
                if rows.max(initial=0.0) < self.EXACT:
                    per_option = rows[b.option_row]
                    sums = np.add.reduceat(per_option[b.grouped], b.group_start) if b.grouped.size else rows[:0]
                    if sums.max(initial=0.0) < self.EXACT:
                        small[b.one_class] = per_option[b.one]
                        small[b.group_class] = sums
                        continue
            counts = small[b.pool_index].astype(np.int64).astype(object)
            big = np.flatnonzero(is_large[b.pool_index])
            counts[big] = large[b.pool_index[big]]
            rows = np.multiply.reduceat(counts, b.row_start)
            per_option = rows[b.option_row]
            for where, got in ((b.one_class, per_option[b.one]),
                               (b.group_class, np.add.reduceat(per_option[b.grouped], b.group_start)
                                if b.grouped.size else per_option[:0])):
                if not where.size:
                    continue
                over = np.array([x >= 2**53 for x in got], dtype=bool)
                large[where[over]] = got[over]
                is_large[where] = over
                small[where[~over]] = np.array([float(x) for x in got[~over]], dtype=np.float64)
        lo, hi = self.root, self.root + self.root_classes
        return [int(large[k]) if is_large[k] else int(small[k]) for k in range(lo, hi)]


def _group_order(node: np.ndarray, val: np.ndarray) -> np.ndarray:
    """The stable order of the rows sorted by (node, value vector): one sort of packed int64 keys when node,
    values and position fit in 63 bits, else a lexicographic sort."""
    k = len(node)
    lo = val.min(axis=0)
    spans = (val.max(axis=0) - lo).tolist()
    bits = [int(x).bit_length() for x in spans]
    node_bits = int(node[-1]).bit_length()
    pos_bits = k.bit_length()
    if node_bits + sum(bits) + pos_bits <= 63:
        key = node.copy()
        for j, b in enumerate(bits):
            key = (key << b) | (val[:, j] - lo[j])
        key = (key << pos_bits) | np.arange(k, dtype=np.int64)
        return np.sort(key) & ((1 << pos_bits) - 1)
    return np.lexsort([val[:, j] for j in range(val.shape[1] - 1, -1, -1)] + [node])
