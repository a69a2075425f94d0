"""The result of the array solver as the interface of
:class:`~kimgame.solvers.backward_induction.SPESearch`: :class:`ArraySPESearch` lists the equilibria in the
order of the general search, builds their behaviour strategies level by level, and makes each node's
options on first use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from kimgame.model.nodes import gc_paused
from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_arrays import DECISION, TERMINAL
from kimgame.solvers.array_levels import Solution
from kimgame.solvers.array_numbers import pure_profile_check
from kimgame.solvers.backward_induction import Option, SPESearch
from kimgame.solvers.reduced_normal_form import Behavior, unit
from kimgame.solvers.subgames import stages

__all__ = ["ArraySPESearch"]


class ArraySPESearch(SPESearch):
    """The result of :func:`kimgame.solvers.array_tree.array_search`: the interface of
    :class:`~kimgame.solvers.backward_induction.SPESearch`, with the stage data kept in arrays (``options``,
    ``counts`` and ``stages`` are built on first use)."""

    def __init__(self, game: ExtensiveFormGame, solution: Solution, notes: list[str], cut_short: bool,
                 prepared: tuple) -> None:
        self.game = game
        self.notes = notes
        self.cut_short = cut_short
        self._sol = solution
        self._prepared = prepared

    def check_profile(self, behavior: Mapping[str, Any]) -> tuple[bool, tuple[Fraction, ...]] | None:
        """:func:`pure_profile_check` of ``behavior`` on this tree (its numbers prepared once)."""
        return pure_profile_check(self.game, behavior, prepared=self._prepared)

    def __repr__(self) -> str:
        return f"ArraySPESearch({self.game.num_nodes} nodes)"

    @cached_property
    def stages(self):  # type: ignore[override]
        """The stages of the tree (every non-terminal node; computed on first use)."""

        return stages(self.game)

    @cached_property
    def options(self) -> Mapping[int, list[Option]]:  # type: ignore[override]
        """Each node's options as :class:`~kimgame.solvers.backward_induction.Option` lists (built per node
        on access)."""
        return _Options(self._sol)

    @cached_property
    def counts(self) -> dict[int, dict[tuple[Fraction, ...], int]]:  # type: ignore[override]
        """The number of equilibria with each value of the root (the only counts kept)."""
        sol = self._sol
        return {0: {sol.class_value(0, k): c for k, c in enumerate(sol.counter.root_counts())}}

    @property
    def total(self) -> int:
        """Number of subgame-perfect equilibria (exact)."""
        return sum(self._sol.counter.root_counts())

    def root_values(self) -> list[tuple[Fraction, ...]]:
        """The distinct payoff vectors of the equilibria."""
        sol = self._sol
        return [sol.class_value(0, k) for k in range(int(sol.cls_len[0]))]

    def profiles(self, limit: int) -> list[dict[int, int]]:
        """Up to ``limit`` equilibria, each as {node: index of its option}, in the order of the general search:
        lexicographic in the choices along the preorder."""
        with gc_paused():
            return self._profiles(limit)

    def _profiles(self, limit: int) -> list[dict[int, int]]:
        sol = self._sol
        n = sol.arrays.size
        nt = sol.nonterminal
        keys = nt.tolist()
        chosen = np.zeros(n, dtype=np.int64)
        want = np.full(n, -1, dtype=np.int64)
        pos = np.zeros(n, dtype=np.int64)  # position of the chosen option among those of the wanted class
        choices = np.zeros(n, dtype=np.int64)  # how many options the wanted class has
        self._first_from(0, chosen, want, pos, choices)
        out = [dict(zip(keys, chosen[nt].tolist()))]
        while len(out) < limit:
            free = np.flatnonzero(pos[nt] + 1 < choices[nt])
            if not free.size:
                break
            u = int(nt[free[-1]])
            pos[u] += 1
            chosen[u] = self._kth(u, int(want[u]), int(pos[u]))
            self._first_from(u + 1, chosen, want, pos, choices)
            out.append(dict(zip(keys, chosen[nt].tolist())))
        return out

    def _kth(self, v: int, want: int, k: int) -> int:
        sol = self._sol
        if want < 0:
            return k
        lo = int(sol.opt_start[v])
        return int(np.flatnonzero(sol.opt_class[lo:lo + int(sol.opt_len[v])] == want)[k])

    def _first_from(self, start: int, chosen: np.ndarray, want: np.ndarray, pos: np.ndarray,
                    choices: np.ndarray) -> None:
        """Choose the first option of the wanted class at every non-terminal node from ``start`` on (preorder),
        top-down: a node's wanted class is its class in the combination its parent's option was made for."""
        sol = self._sol
        a = sol.arrays
        for level in sol.levels:
            nodes = level[np.searchsorted(level, start):]
            if not nodes.size:
                continue
            if nodes[0] == 0:
                chosen[0] = 0
                want[0] = -1
                pos[0] = 0
                choices[0] = sol.opt_len[0]
                continue
            p = a.parent[nodes]
            row = sol.opt_row[sol.opt_start[p] + chosen[p]]
            edge = a.child_ptr[p] + a.child_index[nodes]
            q = (row // sol.stride[edge]) % sol.cls_len[nodes]
            at = sol.cls_start[nodes] + q
            want[nodes] = q
            chosen[nodes] = sol.pool_first[at]
            pos[nodes] = 0
            choices[nodes] = sol.pool_options[at]

    def behavior(self, profile: Mapping[int, int]) -> Behavior:
        """The behaviour profile of an equilibrium from :meth:`profiles`."""
        with gc_paused():
            return self._behavior(profile)

    def _behavior(self, profile: Mapping[int, int]) -> Behavior:
        sol = self._sol
        a = sol.arrays
        game = self.game
        labels = game.nodes.infoset_labels()
        out: Behavior = dict.fromkeys(labels)
        at = np.fromiter(profile.keys(), dtype=np.int64, count=len(profile))
        k = np.fromiter(profile.values(), dtype=np.int64, count=len(profile))
        dec = a.kind[at] == DECISION
        at, k = at[dec], k[dec]
        choice = sol.opt_choice[sol.opt_start[at] + k].tolist()
        arity = a.arity[at].tolist()
        names = [labels[h] for h in a.infoset[at].tolist()]
        out.update(zip(names, map(unit, arity, choice)))
        return out


class _Options(Mapping):
    """The options of each node as :class:`Option` objects, made on access."""

    def __init__(self, sol: Solution) -> None:
        self._sol = sol
        self._set = set(sol.nonterminal.tolist())

    def __len__(self) -> int:
        return len(self._set)

    def __iter__(self) -> Iterator[int]:
        return iter(self._sol.nonterminal.tolist())

    def __contains__(self, v: object) -> bool:
        return v in self._set

    def __getitem__(self, v: int) -> list[Option]:
        if v not in self._set:
            raise KeyError(v)
        sol = self._sol
        a = sol.arrays
        ptr = int(a.child_ptr[v])
        kids = a.children_of(v).tolist()
        cuts = [(c, ptr + j) for j, c in enumerate(kids) if a.kind[c] != TERMINAL]
        decision = a.kind[v] == DECISION
        out = []
        lo = int(sol.opt_start[v])
        for o in range(lo, lo + int(sol.opt_len[v])):
            row = int(sol.opt_row[o])
            value = sol.class_value(v, int(sol.opt_class[o]))
            below = tuple(sol.class_value(c, sol.digit(c, e, row)) for c, e in cuts)
            choice: Any = int(sol.opt_choice[o]) if decision else None
            out.append(Option(value, choice, below))
        return out
