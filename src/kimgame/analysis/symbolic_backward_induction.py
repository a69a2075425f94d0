"""Backward induction on all parameter values at once: the cells of every subgame.

Method: backward induction (Kuhn 1953; Selten 1965, subgame perfection) carried out on all parameter
values at once. The piecewise construction below is ours.

Every subgame's solution is a list of *cells*: disjoint parts of the parameter box, each a conjunction
of sign conditions on polynomials in the parameters (:mod:`kimgame.analysis.sign_regions`), and for
each cell the *set* of what the subgame's subgame-perfect equilibria (SPE) can give there — the payoffs
of the players who move above the subgame, and the data the claim needs (the action taken at the
claim's information set, the probability of the claim's outcomes, or the path of play). Where a
mover is indifferent the set has several elements: that is how ties, and so "every" and "some" SPE,
are handled exactly.

* A terminal is one cell (the whole box) with its payoffs.
* A chance node combines one cell of each child (their intersection) and every choice of one element
  per child, weighting payoffs and outcome probabilities by the (symbolic) chance probabilities.
* A decision node of player ``i`` combines one cell of each child; in the intersection, action ``a``
  with child value ``v`` is an SPE choice exactly where for every other action ``b`` some SPE value
  ``w`` of ``b`` has ``v_i - w_i >= 0``. Each comparison that the cell does not decide splits it in
  two (``>= 0`` and ``< 0``), so cells stay disjoint.
* A subgame whose non-singleton information sets all belong to the one player who moves in its
  truncated game (say the US, not observing a type drawn by chance) is solved on that player's
  reduced plans: a plan is chosen exactly where its expected payoff (chance reach probabilities
  times the values of the subgames below) is at least that of every other plan. Other imperfect
  information (simultaneous moves of several players in one subgame) raises ``NotImplementedError``.

Cells with the same set are merged (a region becomes a union of cells, its constraints implied by the
others dropped), and only what the claim needs is carried — the payoffs of the players who still move
above, the claim's data — so cells merge as much as possible (:mod:`kimgame.analysis.symbolic_cells`). A
set that comes out empty proves its cell empty, since every point has an SPE. The claim is read off the
top of the subgame by :mod:`kimgame.analysis.tree_conditions`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from kimgame.analysis.formula_ratios import FormulaRatios
from kimgame.analysis.sign_terms import NEG, POS, TRUE, ZERO, Term
from kimgame.analysis.symbolic_cells import CellAlgebra, Cells, Out, Undecided, Values, payoff
from kimgame.expr.polynomial import Poly, Ratio
from kimgame.expr.tree import Formula
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal, plan_space
from kimgame.solvers.clock import Clock
from kimgame.solvers.subgames import stages


class SymbolicBackwardInduction(CellAlgebra):
    """Symbolic backward induction over the stages (subgame roots) of one tree, for one kind of data:
    ``mode`` "plays" (the action at one information set), "outcome" (the probability of a set of outcome
    labels), "path" (the path of play) or "values" (payoffs only)."""

    def __init__(self, game: ExtensiveFormGame, max_pieces: int, mode: str = "values",
                 clock: Clock | None = None) -> None:
        super().__init__(game, max_pieces, clock)
        self.mode = mode
        self.stages = stages(game)
        self.formulas = FormulaRatios(self.box)
        self._plays_nodes: frozenset[int] = frozenset()
        self._plays_infoset = ""
        self._outcomes: frozenset[str] = frozenset()
        self._frontiers: dict[tuple, list[Out]] = {}
        self.zero = self.box.ratio(0)
        self.one = self.box.ratio(1)

    def ratio(self, f: Formula) -> Ratio:
        """A payoff or probability formula as an exact rational function of the parameters."""
        return self.formulas.ratio(f)

    def _frontier(self, outs: frozenset, i: int, lower: bool) -> list[Out]:
        """The outs of ``outs`` that matter when player ``i`` compares them (cached): with ``lower`` those
        whose payoff to ``i`` is not provably at least another's on the box (the candidates for the least
        payoff); otherwise, for each kind of claim data, those not provably at most another's of the same
        data. Dropping the others leaves every comparison made at the top decision equivalent."""
        key = (outs, i, lower)
        cached = self._frontiers.get(key)
        if cached is not None:
            return cached
        items = sorted(outs, key=repr)
        wanted = POS | ZERO if lower else NEG | ZERO  # x - y in wanted: y is at least as good to keep
        keep = []
        for k, x in enumerate(items):
            dominated = False
            for m, y in enumerate(items):
                if m == k or (not lower and y[1] != x[1]):
                    continue
                d = (x[0][i] - y[0][i]).num
                mask = (POS if d.constant_value > 0 else NEG if d.constant_value < 0 else ZERO) if d.is_constant \
                    else self.box.possible(d)
                if mask & ~wanted == 0 and (mask != ZERO or m < k):
                    dominated = True
                    break
            if not dominated:
                keep.append(x)
        self._frontiers[key] = keep
        return keep

    def stage_of(self, v: int) -> int:
        """The subgame root whose truncated game holds node ``v``."""
        roots = set(self.stages.roots)
        while v not in roots:
            v = self.game.parent[v]
        return v
    # ---- backward induction -----------------------------------------------------------------------

    def solve(self, root: int, include_root: bool = True) -> dict[int, Cells]:
        """The cells of the subgames at the stages below ``root`` (and at ``root`` itself with
        ``include_root``): {stage root: {set of SPE outs: terms}}, the stages whose results are used
        by a solved stage above them left out."""
        game = self.game
        nodes = game.nodes
        self.above = self._above(root)
        end = game.subtree_end[root]
        results: dict[int, Cells] = {}
        st = self.stages
        for v in reversed(st.roots):
            if not root <= v <= end or (v == root and not include_root):
                continue
            if v in st.trivial:
                node = nodes[v]
                kids = [self._child_cells(c, results) for c in node.children]
                if isinstance(node, Decision):
                    results[v] = self._decision(v, node, kids)
                else:
                    assert isinstance(node, Chance)  # stage roots are not terminals
                    results[v] = self._chance(v, node, kids)
            else:
                results[v] = self._one_player_stage(v, results)
            for c in st.cuts[v]:
                results.pop(c, None)
        return results

    def _above(self, root: int) -> dict[int, frozenset[int]]:
        """For each node below ``root``: the players who move at its proper ancestors (from ``root``)."""
        nodes = self.game.nodes
        out: dict[int, frozenset[int]] = {root: frozenset()}
        for v in range(root, self.game.subtree_end[root] + 1):
            node = nodes[v]
            if isinstance(node, Terminal):
                continue
            here = out[v] | {node.player} if isinstance(node, Decision) else out[v]
            for c in node.children:
                out[c] = here
        return out

    def _project(self, values: Sequence[Ratio | None], v: int) -> Values:
        keep = self.above[v]
        return tuple(x if i in keep else None for i, x in enumerate(values))

    def terminal_out(self, v: int) -> Out:
        """The out of terminal ``v``: its payoffs (players who move above) and the claim data."""
        node = self.game.nodes[v]
        assert isinstance(node, Terminal)
        return self._project([self.ratio(f) for f in node.payoffs], v), self._terminal_data(v)

    def _terminal_data(self, v: int) -> Hashable:
        """The claim data of terminal ``v`` (what the claim asks of the play that ends there)."""
        node = self.game.nodes[v]
        assert isinstance(node, Terminal)
        if self.mode == "outcome":
            data: Hashable = self.one if node.outcome in self._outcomes else self.zero
        elif self.mode == "path":
            data = ""
        else:
            data = None
        return data

    def _child_cells(self, c: int, results: Mapping[int, Cells]) -> list[tuple[frozenset, Term]]:
        if isinstance(self.game.nodes[c], Terminal):
            return self.terminal_cells(c)
        return [(outs, t) for outs, terms in results[c].items() for t in terms]

    def terminal_cells(self, v: int) -> list[tuple[frozenset, Term]]:
        """The cells of terminal ``v``: one, unless a payoff of a player who moves above it has ``min``,
        ``max`` or ``abs``; then one per combination of those payoffs' cases
        (:meth:`~kimgame.analysis.formula_ratios.FormulaRatios.pieces`) that is not empty on the box."""
        node = self.game.nodes[v]
        assert isinstance(node, Terminal)
        data = self._terminal_data(v)
        cases = [self.formulas.pieces(f) if i in self.above[v] else [(TRUE, None)]
                 for i, f in enumerate(node.payoffs)]
        cells = []
        for combo in itertools.product(*cases):
            t: Term | None = TRUE
            for piece, _ in combo:
                t = self.box.meet(t, piece) if t is not None else None
            if t is not None:
                cells.append((frozenset([(tuple(r for _, r in combo), data)]), t))
        return cells

    def _decision(self, v: int, node: Decision, kids: list[list[tuple[frozenset, Term]]]) -> Cells:
        i = node.player

        def prepare(sets: tuple[frozenset, ...]) -> list[tuple[Out, list[list[Poly]]]]:
            """Each candidate out with, for every other action, the differences to that action's values
            (only the least ones matter: "some value of b is at most x")."""
            lowest = [self._frontier(vb, i, lower=True) for vb in sets]
            candidates = []
            for a, va in enumerate(sets):
                for val in sorted(va, key=repr):
                    x = val[0][i]
                    others = [[(x - w[0][i]).num for w in lowest[b]] for b in range(len(sets)) if b != a]
                    candidates.append((self._decision_out(v, node, a, val), others))
            return candidates

        def evaluate(t: Term, candidates: list[tuple[Out, list[list[Poly]]]]) -> frozenset:
            result = set()
            for out, others in candidates:
                ok = True
                for diffs in others:
                    pending = None
                    found = False
                    for d in diffs:
                        try:
                            if self.test(t, d, POS | ZERO):
                                found = True
                                break
                        except Undecided as need:
                            pending = pending or need
                    if not found:
                        if pending is not None:
                            raise pending
                        ok = False
                        break
                if ok:
                    result.add(out)
            return frozenset(result)

        produced: list[tuple[Term, frozenset]] = []
        for sets, t in self._product(kids, v):
            produced.extend(self.resolve(t, functools.partial(evaluate, candidates=prepare(sets))))
        return self._merge(produced, v)

    def _decision_out(self, v: int, node: Decision, a: int, val: Out) -> Out:
        """The out of decision node ``v`` when action ``a`` is taken and the child's SPE gives ``val``."""
        values, data = val
        if self.mode == "plays":
            data = a if v in self._plays_nodes else None
        elif self.mode == "path":
            data = node.actions[a] + (f" > {data}" if data else "")
        return self._project(values, v), data

    def _chance(self, v: int, node: Chance, kids: list[list[tuple[frozenset, Term]]]) -> Cells:
        probs = [self.ratio(f) for f in node.probs]
        produced = []
        for sets, t in self._product(kids, v):
            outs = set()
            for choice in choices(sets):
                outs.add(self._mix(v, probs, choice, node.outcomes))
            produced.append((t, frozenset(outs)))
        return self._merge(produced, v)

    def _mix(self, v: int, weights: Sequence[Ratio], choice: Sequence[Out], labels: Sequence[str]) -> Out:
        """The chance-weighted combination of one out per child."""
        keep = self.above[v]
        n = len(self.game.players)
        values: list[Ratio | None] = []
        for j in range(n):
            if j not in keep:
                values.append(None)
                continue
            acc = self.zero
            for w, (vals, _) in zip(weights, choice):
                if not w.is_zero:
                    x = payoff(vals, j)
                    acc = acc + (x if w.is_one else w * x)
            values.append(acc)
        data: Hashable = None
        if self.mode == "outcome":
            acc = self.zero
            for w, (_, p) in zip(weights, choice):
                if not w.is_zero and not p.is_zero:
                    acc = acc + w * p
            data = acc
        elif self.mode == "path":
            data = "[" + " | ".join(f"{o}: {d}" if d else o for o, (_, d) in zip(labels, choice)) + "]"
        elif self.mode == "plays":
            data = next((d for _, d in choice if d is not None), None)
        return tuple(values), data

    # ---- a subgame with one player's imperfect information ---------------------------------------

    def _one_player_stage(self, v: int, results: Mapping[int, Cells]) -> Cells:
        """A subgame whose truncated game has one acting player: that player's optimal reduced plans."""
        game = self.game
        cuts = self.stages.cuts[v]
        space = plan_space(game, v, cuts, limit_name="subgame_profiles")
        acting = [i for i in range(len(game.players)) if space.infosets[i]]
        if len(acting) > 1:
            who = ", ".join(game.players[i] for i in acting)
            raise NotImplementedError(
                f"the parameter condition is only available numerically for this tree: in the subgame at "
                f"'{game.node_label(v)}' several players ({who}) move without observing each other's moves "
                "(simultaneous moves or other imperfect information); kimgame derives conditions where "
                "imperfect information concerns one player alone in a subgame")
        i = acting[0] if acting else None
        plans = space.plans[i] if i is not None else ((),)
        consistent = space.consistent[i] if i is not None else None
        position = -1
        own = space.infosets[i] if i is not None else ()
        if self.mode == "plays" and self._plays_infoset in own:
            position = own.index(self._plays_infoset)
            if any(plan[position] is None for plan in plans):
                raise NotImplementedError(
                    f"the parameter condition of a claim at '{self._plays_infoset}' is only available numerically: "
                    "the player's own earlier choice can exclude that information set")
        leaves = space.leaves
        weights = []
        for chances in space.leaf_chance:
            w = self.one
            for c, k in chances:
                node = game.nodes[c]
                assert isinstance(node, Chance)
                w = w * self.ratio(node.probs[k])
            weights.append(w)
        reach = []  # for each plan, the leaves it reaches (positions in ``leaves``)
        for k in range(len(plans)):
            reach.append([n for n, last in enumerate(space.leaf_last)
                          if i is None or consistent is None or k in set(consistent[last[i]])])
        cut_pos = [n for n, leaf in enumerate(leaves) if not isinstance(game.nodes[leaf], Terminal)]
        fixed = {n: self.terminal_out(leaf) for n, leaf in enumerate(leaves) if n not in cut_pos}
        kids = [[(outs, t) for outs, terms in results[leaves[n]].items() for t in terms] for n in cut_pos]
        n_players = len(game.players)
        keep = self.above[v]

        def plan_out(k: int, chosen: Mapping[int, Out]) -> tuple[Ratio | None, Out]:
            def val(n: int) -> Out:
                return chosen[n] if n in chosen else fixed[n]

            values: list[Ratio | None] = []
            mover = None
            for j in range(n_players):
                if j not in keep and j != i:
                    values.append(None)
                    continue
                acc = self.zero
                for n in reach[k]:
                    if not weights[n].is_zero:
                        acc = acc + weights[n] * payoff(val(n)[0], j)
                if j == i:
                    mover = acc
                values.append(acc if j in keep else None)
            data: Hashable = None
            if self.mode == "outcome":
                acc = self.zero
                for n in reach[k]:
                    acc = acc + weights[n] * val(n)[1]
                data = acc
            elif self.mode == "path":
                data = self._stage_path(v, space, i, plans[k], {leaves[n]: val(n)[1] for n in reach[k]})
            elif self.mode == "plays":
                data = plans[k][position] if position >= 0 else None
            return mover, (tuple(values), data)

        def prepare(sets: tuple[frozenset, ...]) -> list[list[tuple[Out, list[Poly]]]]:
            """For each choice of one SPE out per subgame below: each plan's out with the differences
            between its payoff to the mover and every other plan's."""
            joint = []
            for choice in choices(sets):
                chosen = dict(zip(cut_pos, choice))
                outs = [plan_out(k, chosen) for k in range(len(plans))]
                joint.append([(out, [] if mk is None else [(mk - ml).num for ml, _ in outs if ml is not None])
                              for mk, out in outs])
            return joint

        def evaluate(t: Term, joint: list[list[tuple[Out, list[Poly]]]]) -> frozenset:
            result = set()
            for plans_here in joint:
                pending = None
                for out, diffs in plans_here:
                    try:
                        if all(self.test(t, d, POS | ZERO) for d in diffs):
                            result.add(out)
                    except Undecided as need:
                        pending = pending or need
                if pending is not None:
                    raise pending
            return frozenset(result)

        produced: list[tuple[Term, frozenset]] = []
        for sets, t in self._product(kids, v):
            produced.extend(self.resolve(t, functools.partial(evaluate, joint=prepare(sets))))
        return self._merge(produced, v)

    def _stage_path(self, v: int, space: Any, i: int | None, plan: Sequence[int | None],
                    below: Mapping[int, str]) -> str:
        """The path label of a plan in a subgame with one acting player (cuts continue with ``below``)."""
        game = self.game
        nodes = game.nodes

        def label(u: int) -> str:  # iterative would be longer; stage regions are shallow
            node = nodes[u]
            if u != v and (u in below or isinstance(node, Terminal)):
                return below.get(u, "")
            if isinstance(node, Decision):
                a = plan[space.infosets[i].index(node.infoset)]
                rest = label(node.children[a])
                return node.actions[a] + (f" > {rest}" if rest else "")
            assert isinstance(node, Chance)  # terminals were handled above (the stage root is not one)
            parts = [(o, label(c)) for o, c in zip(node.outcomes, node.children)]
            return "[" + " | ".join(f"{o}: {d}" if d else o for o, d in parts) + "]"

        return label(v)


def choices(sets: Sequence[frozenset]) -> Iterable[tuple]:
    """Every choice of one element per set (sets sorted for a deterministic order)."""
    import itertools

    return itertools.product(*(sorted(s, key=repr) for s in sets))
