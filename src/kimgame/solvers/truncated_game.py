"""Solving the truncated game of one stage of a tree (see :mod:`kimgame.solvers.subgames` for stages and
cuts): :class:`LocalGame` counts its reduced normal form without building it and solves it with the method
asked for (the sequence form, support enumeration or Lemke-Howson on the reduced normal form, or pure
equilibria on integer arrays when it is too large), and :func:`combinations` lists the combinations of
subgame values the stages above are solved for.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import cached_property
from typing import Any

from kimgame.limits import current_limits
from kimgame.model.tree import ExtensiveFormGame, PlanSpace, plan_counts, plan_space
from kimgame.solvers.clock import Clock, announce
from kimgame.solvers.reduced_normal_form import (
    Behavior,
    behavior_from_mixed,
    expected,
    leaf_weights,
    payoff_arrays,
    unit,
)
from kimgame.solvers.subgames import Stages, acting_nodes

__all__ = ["SEQUENCE_METHODS", "LocalGame", "combinations"]

PURE_STAGE_LIMIT = 20_000_000  # pure profiles of a truncated game past the subgame_profiles limit up to which
# its pure equilibria are found on integer arrays

SEQUENCE_METHODS = ("sequence-lcp", "sequence-lp")
SLOW_SEQUENCE_FORM = 300  # sequences and information sets from which a Lemke path may take a second or more


class LocalGame:
    """The truncated game of a non-trivial stage: who acts, the size of its reduced normal form (counted,
    not built), and — built only when a method needs them — its plans and leaf weights."""

    def __init__(self, game: ExtensiveFormGame, st: Stages, v: int) -> None:
        self.game = game
        self.root = v
        self.cuts = st.cuts[v]
        cut = set(self.cuts)
        nodes = game.nodes
        region = st.region(v)
        self.acting = tuple(sorted({d.player for d in acting_nodes(nodes, region, v, cut)}))
        self.counts = plan_counts(game, v, frozenset(self.cuts))
        self.profiles = 1
        for c in self.counts:
            self.profiles *= c
        self.used: str | None = None  # the method that solved it last ("sequence-lcp", ...)
        self.lemke = ""  # how the last Lemke path went (kimgame.solvers.sequence_lcp.LemkeRun)
        # past the subgame_profiles limit (and not solved by the sequence form) only pure equilibria are
        # searched, on integer arrays: N-player trees such as Gambit's 4-player cs.efg still get their pure SPE

        self.large = self.profiles > current_limits().subgame_profiles

    @cached_property
    def space(self) -> PlanSpace:
        """The plan space of the truncated game (pure plans only, up to ``PURE_STAGE_LIMIT``, when
        :attr:`large`; else within the ``subgame_profiles`` limit in force)."""
        if self.large:  # pure equilibria only, on integer arrays
            return plan_space(self.game, self.root, self.cuts, limit=PURE_STAGE_LIMIT)
        # at most the subgame_profiles limit in force (--limit subgame_profiles=N)
        return plan_space(self.game, self.root, self.cuts, limit_name="subgame_profiles")

    @cached_property
    def weights(self) -> tuple[Fraction, ...]:
        """For each leaf of :attr:`space`, the product of the chance probabilities on the way (at the game's
        values)."""
        return leaf_weights(self.game, self.space)

    def chooses_sequence_form(self, method: str, enumerate_up_to: int) -> str | None:
        """The sequence-form method that solves this stage under ``method`` (None: the reduced normal
        form): always for ``sequence-lcp`` / ``sequence-lp`` with two acting players; for ``auto`` when
        the estimated reduced normal form has more than ``enumerate_up_to`` pure profiles; for any method
        when it has more than the ``subgame_profiles`` limit (:attr:`large`)."""
        if len(self.acting) != 2:
            return None
        if method in SEQUENCE_METHODS:
            return method
        if method == "auto" and self.profiles > enumerate_up_to:
            return "sequence-lcp"
        if self.large:  # over the subgame_profiles limit under any method: one equilibrium, not none
            return "sequence-lcp"
        return None

    def solve(self, cut_values: Mapping[int, Sequence[Fraction]], *, pure_only: bool = False,
              clock: Clock | None = None, method: str = "enummixed",
              enumerate_up_to: int | None = None) -> list[tuple[tuple[Fraction, ...], Behavior]]:
        """Every extreme equilibrium of the truncated game (two acting players; pure ones only with
        ``pure_only``), its optimal plans (one acting player) or its pure equilibria (three or more),
        each as (value vector, behaviour at the stage's information sets; None where free).

        With a sequence-form method (see :meth:`chooses_sequence_form`) one equilibrium instead, from
        :func:`kimgame.solvers.sequence_lcp.sequence_lcp` or, for zero-sum stages,
        :func:`kimgame.solvers.sequence_lp.sequence_lp`; :attr:`used` records the choice.
        ``enumerate_up_to`` defaults to the ``subgame_profiles`` limit in force."""
        if enumerate_up_to is None:

            enumerate_up_to = current_limits().subgame_profiles
        sequence = None if pure_only else self.chooses_sequence_form(method, enumerate_up_to)
        self.used = sequence
        if sequence is not None:
            return [self._solve_sequence_form(cut_values, sequence, clock)]
        from kimgame.solvers.enummixed import extreme_equilibria
        from kimgame.solvers.pure import pure_equilibria

        game, space = self.game, self.space
        n = len(game.players)
        if self.large:
            return self._pure_on_integers(cut_values)
        arrays = payoff_arrays(game, space, cut_values, self.weights)
        acting = self.acting
        squeeze = tuple(i for i in range(n) if i not in acting)
        local = [a.reshape(tuple(space.shape[i] for i in acting)) if squeeze else a for a in arrays]
        profiles: list[tuple[tuple[Fraction, ...], ...]] = []
        if not acting:
            profiles = [()]
        elif len(acting) == 1:
            u = local[acting[0]]
            top = max(u)
            size = len(u)
            profiles = [(tuple(Fraction(int(j == k)) for j in range(size)),) for k in range(size) if u[k] == top]
        elif len(acting) == 2 and not pure_only:
            profiles = [tuple(p) for p in extreme_equilibria(local[acting[0]], local[acting[1]], clock=clock)]
        else:
            for idx in pure_equilibria([local[i] for i in acting]):
                profiles.append(tuple(tuple(Fraction(int(j == k)) for j in range(space.shape[i]))
                                      for i, k in zip(acting, idx)))
        out = []
        for prof in profiles:
            value = tuple(expected(local[i], prof) for i in range(n))
            behavior: Behavior = {}
            for i, mix in zip(acting, prof):
                behavior.update(behavior_from_mixed(game, space, i, mix))
            out.append((value, behavior))
        return out

    def _solve_sequence_form(self, cut_values, method: str, clock: Clock | None
                             ) -> tuple[tuple[Fraction, ...], Behavior]:
        from kimgame.solvers.sequence_form import sequence_form

        form = sequence_form(self.game, self.root, self.cuts, cut_values)
        if sum(form.sizes) > SLOW_SEQUENCE_FORM:

            m1, m2, _, _ = form.sizes
            announce(f"sequence-form {method} with {m1} + {m2} sequences at '{self.game.node_label(self.root)}'")
        if method == "sequence-lp" and form.constant_sum is not None:
            from kimgame.solvers.sequence_lp import sequence_lp

            x, y, _, _ = sequence_lp(form, clock=clock)
        else:
            from kimgame.solvers.sequence_lcp import sequence_lcp

            x, y, run = sequence_lcp(form, clock=clock)
            self.lemke = str(run)
        behavior = form.behavior(0, x)
        behavior.update(form.behavior(1, y))
        return form.value(x, y), behavior


    def _pure_on_integers(self, cut_values: Mapping[int, Sequence[Fraction]]
                          ) -> list[tuple[tuple[Fraction, ...], Behavior]]:
        """The pure equilibria of a large truncated game: each player's payoff array scaled to integers (the
        LCM of the denominators of the weighted leaf payoffs; int64 when the sums fit, else Python ints),
        a vectorised best-response check, exact values read back."""
        import math

        import numpy as np

        game, space = self.game, self.space
        n = len(game.players)
        terminal = game.terminal_values
        leaves: list[tuple[int, Any, Fraction, Sequence[Fraction]]] = []
        for leaf, last, w in zip(space.leaves, space.leaf_last, self.weights):
            if w:
                own = terminal[leaf]
                leaves.append((leaf, last, w, own if own is not None else cut_values[leaf]))
        stable = np.ones(space.shape, dtype=bool)
        arrays = []
        for i in range(n):
            scale = 1
            for _, _, w, value in leaves:
                scale = math.lcm(scale, (w * value[i]).denominator)
            ints = [(last, int(w * value[i] * scale)) for _, last, w, value in leaves]
            bound = sum(abs(x) for _, x in ints)
            arr = np.zeros(space.shape, dtype=np.int64 if bound < 2**62 else object)
            for last, x in ints:
                if x:
                    arr[np.ix_(*(space.consistent[j][last[j]] for j in range(n)))] += x
            arrays.append((arr, scale))
            if i in self.acting:
                stable &= arr == arr.max(axis=i, keepdims=True)
        out = []
        plan_behavior: dict[tuple[int, int], Behavior] = {}  # (player, plan) -> its pure behaviour
        numbers: dict[tuple[int, int], Fraction] = {}
        for found in np.argwhere(stable):
            idx = tuple(int(k) for k in found)
            value = []
            for arr, scale in arrays:
                key = (int(arr[idx]), scale)
                q = numbers.get(key)
                if q is None:
                    q = numbers[key] = Fraction(*key)
                value.append(q)
            behavior: Behavior = {}
            for i in self.acting:
                part = plan_behavior.get((i, idx[i]))
                if part is None:
                    plan = space.plans[i][idx[i]]
                    part = plan_behavior[(i, idx[i])] = {
                        label: (None if a is None else unit(len(game.infosets[label].actions), a))
                        for label, a in zip(space.infosets[i], plan)}
                behavior.update(part)
            out.append((tuple(value), behavior))
        return out


def combinations(class_lists: Sequence[Sequence], limit: int):
    """The product of ``class_lists``, at most ``limit`` items; returns (iterator, total number)."""
    total = 1
    for c in class_lists:
        total *= len(c)
    return itertools.islice(itertools.product(*class_lists), limit), total
