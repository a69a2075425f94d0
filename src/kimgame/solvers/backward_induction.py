"""Backward induction: every subgame-perfect equilibrium built stage by stage from the bottom of the tree.

Backward induction on perfect-information trees: H. W. Kuhn (1953), "Extensive games and the problem of
information", *Contributions to the Theory of Games* II, 193-216; over proper subgames (subgame
perfection): R. Selten (1965), "Spieltheoretische Behandlung eines Oligopolmodells mit
Nachfrageträgheit", *Zeitschrift für die gesamte Staatswissenschaft* 121, 301-324 and 667-689.

The stages are the subgame roots (:mod:`kimgame.solvers.subgames`). Each stage is solved for every
combination of the values its cuts (the subgames right below it) can take in their own solutions; a
stage's solutions are grouped by value, and only the value of a subgame matters to the stages above.
In a perfect-information tree a stage is one node: a decision node keeps every action that is best
for its mover (so a follower's indifference gives several equilibria, possibly with different choices
of the leader above), a chance node takes the expectation. Imperfect-information stages are solved
through the reduced normal form of their truncated game (:class:`kimgame.solvers.truncated_game.LocalGame`).

Everything is exact (``Fraction``) and iterative: trees of any depth. The number of subgame-perfect
equilibria is counted exactly (``total``); they are listed one by one by :meth:`SPESearch.profiles` up
to a limit. Large perfect-information trees are solved level by level on arrays in scaled integers
(:mod:`kimgame.solvers.array_tree`), with the same results: 10^6 nodes in about a second;
:func:`kimgame.solvers.spe.search` chooses between the two.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kimgame.limits import current_limits
from kimgame.model.tree import Decision, ExtensiveFormGame
from kimgame.solvers.clock import Clock
from kimgame.solvers.reduced_normal_form import Behavior, unit
from kimgame.solvers.subgames import Stages, stages
from kimgame.solvers.truncated_game import LocalGame, combinations


@dataclass(frozen=True, slots=True)
class Option:
    """One solution of a stage's truncated game: its value, the choice made in it (an action index at a
    one-node decision stage, a behaviour dict at a larger stage, None at a chance node), and the value
    each cut below must have."""

    value: tuple[Fraction, ...]
    choice: Any
    below: tuple[tuple[Fraction, ...], ...]


@dataclass
class SPESearch:
    """The solutions of every stage; :meth:`profiles` lists subgame-perfect equilibria from them."""

    game: ExtensiveFormGame
    stages: Stages
    options: dict[int, list[Option]]
    counts: dict[int, dict[tuple[Fraction, ...], int]]
    notes: list[str] = field(default_factory=list)
    cut_short: bool = False  # some combinations or equilibria were left out (see notes)
    combinations_cut: bool = False  # ... because of the spe_combinations limit (not a one-equilibrium stage)
    sequence_stages: dict[int, tuple[str, tuple[int, ...], str]] = field(default_factory=dict)
    # stages solved for one equilibrium by the sequence form: root -> (method, plans per player, how the Lemke path went)

    @property
    def total(self) -> int:
        """Number of subgame-perfect equilibria built from the stage solutions (exact, may be huge)."""
        if not self.stages.roots:
            return 1
        return sum(self.counts[self.stages.roots[0]].values())

    def root_values(self) -> list[tuple[Fraction, ...]]:
        """The distinct payoff vectors of the equilibria found."""
        if not self.stages.roots:  # the root is a terminal
            value = self.game.terminal_values[0]
            assert value is not None
            return [value]
        return list(self.counts[self.stages.roots[0]])

    def profiles(self, limit: int) -> list[dict[int, int]]:
        """Up to ``limit`` equilibria, each as {stage root: index of its option}; iterative backtracking."""
        if not self.stages.roots:
            return [{}]
        cuts = self.stages.cuts
        options = self.options
        root = self.stages.roots[0]
        if not options[root]:  # a subgame without an equilibrium of the kind sought (pure, say): none at all
            return []
        results: list[dict[int, int]] = []
        assign: dict[int, int] = {}
        pending: list[tuple[int, tuple[Fraction, ...] | None]] = [(root, None)]
        frames: list[list[Any]] = []

        def apply(v: int, k: int) -> None:
            assign[v] = k
            opt = options[v][k]
            cs = cuts[v]
            for j in range(len(cs) - 1, -1, -1):
                pending.append((cs[j], opt.below[j]))

        while True:
            if pending:
                v, want = pending.pop()
                opts = options[v]
                if len(opts) == 1:
                    apply(v, 0)
                    continue
                ks = [k for k, o in enumerate(opts) if want is None or o.value == want]
                if len(ks) > 1:
                    frames.append([v, ks, 0, tuple(pending)])
                apply(v, ks[0])
                continue
            results.append(dict(assign))
            if len(results) >= limit:
                break
            while frames and frames[-1][2] + 1 >= len(frames[-1][1]):
                frames.pop()
            if not frames:
                break
            frame = frames[-1]
            frame[2] += 1
            pending[:] = frame[3]
            apply(frame[0], frame[1][frame[2]])
        return results

    def behavior(self, profile: Mapping[int, int]) -> Behavior:
        """The behaviour profile of an equilibrium from :meth:`profiles` (None where free)."""
        game = self.game
        nodes = game.nodes
        out: Behavior = {label: None for label in game.infosets}
        for v, k in profile.items():
            opt = self.options[v][k]
            node = nodes[v]
            if isinstance(opt.choice, int):
                assert isinstance(node, Decision), "an action index is chosen at a decision node"
                out[node.infoset] = unit(len(node.actions), opt.choice)
            elif isinstance(opt.choice, dict):
                out.update(opt.choice)
        return out


def stage_search(game: ExtensiveFormGame, st: Stages | None = None, *, pure_only: bool = False,
                 clock: Clock | None = None, combination_limit: int | None = None,
                 method: str = "enummixed", enumerate_up_to: int | None = None) -> SPESearch:
    """The general search of :func:`kimgame.solvers.spe.search`: every stage solved one by one in exact
    fractions, bottom-up (backward induction over the proper subgames: Kuhn 1953; Selten 1965, see the
    module notes); returns the :class:`SPESearch`. ``combination_limit`` and ``enumerate_up_to`` default to
    the ``spe_combinations`` and ``subgame_profiles`` limits in force."""
    if combination_limit is None:
        combination_limit = current_limits().spe_combinations
    if enumerate_up_to is None:
        enumerate_up_to = current_limits().subgame_profiles
    st = st or stages(game)
    nodes = game.nodes
    terminal = game.terminal_values
    chance = game.chance_values
    n = len(game.players)
    options: dict[int, list[Option]] = {}
    counts: dict[int, dict[tuple[Fraction, ...], int]] = {}
    result = SPESearch(game, st, options, counts)
    for v in reversed(st.roots):
        cuts = st.cuts[v]
        class_lists = [list(counts[c].items()) for c in cuts]
        if all(len(c) == 1 for c in class_lists):
            combos: Any = [tuple(c[0] for c in class_lists)]
        else:
            combos, total = combinations(class_lists, combination_limit)
            if total > combination_limit:
                result.cut_short = result.combinations_cut = True
                result.notes.append(
                    f"at '{game.node_label(v)}' the subgames below have {total} combinations of equilibrium values; "
                    f"only the first {combination_limit} were combined, so some subgame-perfect equilibria are "
                    "missing (raise the limit with --limit spe_combinations=N)")
        node = nodes[v]
        local = None if v in st.trivial else LocalGame(game, st, v)
        if (local is not None and not pure_only and local.chooses_sequence_form(method, enumerate_up_to)
                and len(class_lists) and any(len(c) > 1 for c in class_lists)):
            combos = [next(iter(combos))]  # one equilibrium is sought: the first values of the subgames below
        if (local is not None and local.large
                and (pure_only or not local.chooses_sequence_form(method, enumerate_up_to))):
            size = " × ".join(str(k) for k in local.counts)
            result.cut_short = True
            result.notes.append(f"the subgame at '{game.node_label(v)}' has {size} plan profiles, too many for its "
                                "mixed equilibria: only its pure equilibria are used (pure subgame-perfect "
                                "equilibria, by backward induction on the tree; raise the limit with --limit "
                                "subgame_profiles=N)")
        opts: list[Option] = []
        cnt: dict[tuple[Fraction, ...], int] = {}
        for combo in combos:
            below = tuple(u for u, _ in combo)
            mult = math.prod(k for _, k in combo)
            found: list[tuple[tuple[Fraction, ...], Any]]
            if local is not None:
                found = local.solve(dict(zip(cuts, below)), pure_only=pure_only, clock=clock, method=method,
                                    enumerate_up_to=enumerate_up_to)
                if local.used is not None:
                    result.sequence_stages[v] = (local.used, local.counts, local.lemke)
                    result.cut_short = True
            else:
                it = iter(below)
                vals = [t if (t := terminal[c]) is not None else next(it) for c in node.children]
                if isinstance(node, Decision):
                    i = node.player
                    best = max(x[i] for x in vals)
                    found = [(x, k) for k, x in enumerate(vals) if x[i] == best]
                else:
                    probs = chance[v]
                    assert probs is not None, "a one-node stage that is not a decision is a chance node"
                    acc = [Fraction(0)] * n
                    for p, x in zip(probs, vals):
                        if p:
                            for j in range(n):
                                acc[j] += p * x[j]
                    found = [(tuple(acc), None)]
            for value, choice in found:
                opts.append(Option(value, choice, below))
                cnt[value] = cnt.get(value, 0) + mult
        if not opts and local is not None and not any(not options[u] for u in st.roots if u > v and u in options):
            why = ("only pure equilibria are searched with --method pure" if pure_only else
                   "three or more players move in it and only pure equilibria of such subgames are searched")
            result.notes.append(
                f"the subgame at '{game.node_label(v)}' has no pure equilibrium ({why}): no subgame-perfect "
                "equilibrium built from pure equilibria of the subgames exists")
        options[v] = opts
        counts[v] = cnt
        for c in cuts:  # only the values of the subgames below were needed
            del counts[c]
    return result
