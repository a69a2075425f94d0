"""The numbers of a perfect-information tree as the array solver (:mod:`kimgame.solvers.array_tree`) needs
them: payoffs and chance probabilities scaled to exact integers, the nodes by level, each node's height in
chance moves (see the notes of :mod:`kimgame.solvers.array_tree`), and the exact check of a pure profile
on these arrays (:func:`pure_profile_check`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_arrays import CHANCE, DECISION, TERMINAL, TreeArrays, concat_ranges, value_at
from kimgame.solvers.reduced_normal_form import pure_choice

__all__ = ["INT_BOUND", "prepare", "pure_profile_check"]

INT_BOUND = 1 << 62  # values must stay below this in absolute value (int64 with room to spare)


def prepare(game: ExtensiveFormGame):
    """``(arrays, levels, non-terminal nodes, heights, payoffs, P, weights, L)`` for the array solver (see
    :func:`kimgame.solvers.array_tree.array_search`), or None when the tree is better left to the general path."""
    a = game.arrays
    if a.kind[0] == TERMINAL or not a.is_perfect_information:
        return None
    depth = a.depth
    levels_count = int(depth.max()) + 1
    numbers = _integers(game, a)
    if numbers is None:
        return None
    pay, scale, weight, base = numbers
    nonterminal = np.flatnonzero(a.kind != TERMINAL)
    by_depth = np.argsort(depth[nonterminal].astype(np.int32), kind="stable")
    sizes = np.bincount(depth[nonterminal], minlength=levels_count)
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    levels = [nonterminal[by_depth[bounds[d]:bounds[d + 1]]] for d in range(levels_count)]
    height = _heights(a, levels)
    top = int(height.max())
    bound = max(1, max((abs(int(x)) for x in pay.flat), default=0)) * base**top
    if bound >= INT_BOUND:
        return None
    return a, levels, nonterminal, height, pay, scale, weight, base


def pure_profile_check(game: ExtensiveFormGame, behavior: Mapping[str, Any], *, prepared: tuple | None = None
                       ) -> tuple[bool, tuple[Fraction, ...]] | None:
    """Check exactly, on arrays, that a pure behaviour profile of a perfect-information tree is
    subgame-perfect: the values of every node under the profile (scaled integers, bottom-up) and, at every
    decision node, the chosen move's value for the mover against the best. Returns ``(ok, value of the
    root)``, or None when the profile is not pure at every information set or the tree is not one for the
    array solver (the caller then checks node by node). ``prepared``: the tree's numbers as the solver
    prepared them (see :meth:`kimgame.solvers.array_results.ArraySPESearch.check_profile`)."""

    prepared = prepared or prepare(game)
    if prepared is None:
        return None
    a, levels, _, height, pay, scale, weight, base = prepared
    labels = game.nodes.infoset_labels()
    picks = []
    for label in labels:
        probs = behavior.get(label)
        k = None if probs is None else pure_choice(probs)
        if k is None:
            return None
        picks.append(k)
    pick = np.asarray(picks, dtype=np.int64)
    lift_pow = np.array([base**k for k in range(int(height.max()) + 1)], dtype=np.int64)
    values = np.zeros((a.size, pay.shape[1]), dtype=np.int64)
    terminals = np.flatnonzero(a.kind == TERMINAL)
    values[terminals] = pay[a.payoff[terminals]]
    ok = True
    for level in reversed(levels):
        for chance in (False, True):
            v = level[a.kind[level] == (CHANCE if chance else DECISION)]
            if not v.size:
                continue
            m = a.arity[v]
            seg = np.cumsum(m) - m
            kids = a.children[concat_ranges(a.child_ptr[v], m)]
            lift = lift_pow[np.repeat(height[v], m) - height[kids] - (1 if chance else 0)]
            lifted = values[kids] * lift[:, None]
            if chance:
                values[v] = np.add.reduceat(lifted * weight[a.prob[kids]][:, None], seg, axis=0)
                continue
            chosen = seg + pick[a.infoset[v]]
            values[v] = lifted[chosen]
            own = lifted[np.arange(len(kids)), np.repeat(a.player[v], m)]
            ok = ok and bool((np.maximum.reduceat(own, seg) == own[chosen]).all())
    den = scale * base ** int(height[0])
    return ok, tuple(Fraction(int(x), den) for x in values[0])


def _integers(game: ExtensiveFormGame, a: TreeArrays):
    """``(payoffs, P, weights, L)``: the distinct payoff vectors times ``P`` (int64 array, one row per
    code), and each probability code times ``L`` (int64); None when they do not fit."""

    values = game.values
    pays = [tuple(value_at(f, values) for f in vec) for vec in a.payoffs]
    probs = [value_at(f, values) for f in a.probs]
    scale = math.lcm(*(x.denominator for vec in pays for x in vec)) if pays else 1
    base = math.lcm(*(p.denominator for p in probs)) if probs else 1
    ints = [[int(x * scale) for x in vec] for vec in pays]
    weights = [int(p * base) for p in probs]
    if any(abs(x) >= INT_BOUND for row in ints for x in row) or base >= INT_BOUND:
        return None
    pay = np.array(ints, dtype=np.int64).reshape(len(ints), len(game.players))
    return pay, scale, np.array(weights, dtype=np.int64), base


def _heights(a: TreeArrays, levels: list[np.ndarray]) -> np.ndarray:
    """The most chance moves on a path from each node down to a terminal."""
    height = np.zeros(a.size, dtype=np.int64)
    for level in reversed(levels):
        if not level.size:
            continue
        m = a.arity[level]
        kids = a.children[concat_ranges(a.child_ptr[level], m)]
        top = np.maximum.reduceat(height[kids], np.cumsum(m) - m)
        height[level] = top + (a.kind[level] == CHANCE)
    return height
