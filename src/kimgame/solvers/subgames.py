"""Proper subgames of a tree, the truncated games between them, and exact checks of subgame perfection.

A node starts a subgame when every information set that has a node below it lies wholly below it. The
*stages* of a tree are its subgame roots (terminals excluded); the truncated game of a stage ``v`` is the
part of its subtree above the next stages below it (its *cuts*), which stand for the values of their
subgames. In a perfect-information tree every decision and chance node is a stage and its truncated game
is that one node: solving stages bottom-up is backward induction.

Subgame perfection is checked stage by stage: a behaviour profile is subgame-perfect iff in every
truncated game, with every cut replaced by the value its subgame has under the profile, no player gains
by deviating (the one-deviation argument for subgames: a deviation into a subgame where the profile is
already an equilibrium cannot gain there). The best reply of a player in a truncated game is found
exactly on their own sequences (perfect recall): the value of an information set is the best over its
actions of what the player collects below them.

Subgames and subgame perfection: R. Selten (1965), "Spieltheoretische Behandlung eines Oligopolmodells mit
Nachfrageträgheit", *Zeitschrift für die gesamte Staatswissenschaft* 121, 301-324 and 667-689; best
replies on sequences: B. von Stengel (1996), "Efficient computation of behavior strategies", *Games and
Economic Behavior* 14, 220-246.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kimgame.expr.numbers import fmt
from kimgame.limits import current_limits
from kimgame.model.nodes import Chance, Decision, Node, Terminal
from kimgame.model.tree import ExtensiveFormGame
from kimgame.solvers.reduced_normal_form import (
    Behavior,
    pure_choice,
    unit,
)


def tree_backend(game: ExtensiveFormGame) -> str:
    """How ``game``'s stages are found and its subgame-perfect equilibria searched, the one place that
    chooses (same results either way; see :func:`kimgame.solvers.spe.search`): ``"nodes"`` (stage by
    stage, on the nodes), ``"array stages"`` (stages read off the tree's arrays, then stage by stage: a
    perfect-information tree of at least the ``array_nodes`` limit in force, whose levels average fewer
    than ``array_nodes_per_level`` nodes, such as a long centipede) or ``"arrays"`` (stages and search on
    arrays, level by level: :func:`kimgame.solvers.array_tree.array_search`)."""
    chosen = current_limits()
    if game.num_nodes < chosen.array_nodes or not game.is_perfect_information:
        return "nodes"
    levels = int(game.arrays.depth.max()) + 1
    return "array stages" if levels * chosen.array_nodes_per_level > game.num_nodes else "arrays"


def _perfect_information_arrays(game: ExtensiveFormGame):
    """The tree's arrays when its stages are read off them (:func:`tree_backend`), else None."""
    return None if tree_backend(game) == "nodes" else game.arrays


def subgame_roots(game: ExtensiveFormGame) -> tuple[int, ...]:
    """The non-terminal nodes that start a subgame (the root always does), in preorder. Linear time."""
    a = _perfect_information_arrays(game)
    if a is not None:
        import numpy as np  # only for large trees kept as arrays

        return tuple(np.flatnonzero(a.kind != 0).tolist())
    n = game.num_nodes
    nodes = game.nodes
    end = game.subtree_end
    lo = list(range(n))
    hi = list(range(n))
    for h in game.infosets.values():
        first, last = h.nodes[0], h.nodes[-1]
        for v in h.nodes:
            lo[v], hi[v] = first, last
    for v in range(n - 1, -1, -1):
        for c in nodes[v].children:
            lo[v] = min(lo[v], lo[c])
            hi[v] = max(hi[v], hi[c])
    return tuple(v for v in range(n) if not isinstance(nodes[v], Terminal) and lo[v] >= v and hi[v] <= end[v])


@dataclass(frozen=True, eq=False)
class Stages:
    """The subgame roots of a tree and, for each, the next subgame roots below it (its cuts).

    A stage is *trivial* when its truncated game is the one node (a decision or chance node whose children
    are terminals or other stages).
    """

    game: ExtensiveFormGame
    roots: tuple[int, ...]
    cuts: Mapping[int, tuple[int, ...]]
    trivial: frozenset[int]

    @cached_property
    def enclosing(self) -> dict[int, int]:
        """For each stage, the stage whose truncated game it is a cut of (-1 for the top)."""
        out = {}
        for v, cs in self.cuts.items():
            for c in cs:
                out[c] = v
        if self.roots:
            out.setdefault(self.roots[0], -1)
        return out

    def region(self, v: int) -> list[int]:
        """The nodes of stage ``v``'s truncated game in preorder, its leaves (terminals, cuts) included."""
        nodes = self.game.nodes
        cut = set(self.cuts[v])
        order = []
        stack = [v]
        while stack:
            u = stack.pop()
            order.append(u)
            if u in cut:
                continue
            stack.extend(reversed(nodes[u].children))
        return order


class _ArrayCuts(Mapping):
    """The cuts of every stage of a perfect-information tree (its non-terminal children), read from the
    tree's arrays on access."""

    def __init__(self, arrays, roots: tuple[int, ...]) -> None:
        self._a = arrays
        self._roots = roots
        self._set = frozenset(roots)

    def __getitem__(self, v: int) -> tuple[int, ...]:
        if v not in self._set:
            raise KeyError(v)
        a = self._a
        kids = a.children_of(v)
        return tuple(kids[a.kind[kids] != 0].tolist())

    def __iter__(self) -> Iterator[int]:
        return iter(self._roots)

    def __len__(self) -> int:
        return len(self._roots)


def stages(game: ExtensiveFormGame) -> Stages:
    """The stages (subgame roots) of ``game`` with their cuts; linear time."""
    a = _perfect_information_arrays(game)
    if a is not None:
        roots = subgame_roots(game)
        return Stages(game, roots, _ArrayCuts(a, roots), frozenset(roots))
    roots = subgame_roots(game)
    is_root = set(roots)
    end = game.subtree_end
    nodes = game.nodes
    cuts: dict[int, list[int]] = {v: [] for v in roots}
    open_stack: list[int] = []
    for v in roots:
        while open_stack and end[open_stack[-1]] < v:
            open_stack.pop()
        if open_stack:
            cuts[open_stack[-1]].append(v)
        open_stack.append(v)
    trivial = set()
    for v in roots:
        node = nodes[v]
        if all(isinstance(nodes[c], Terminal) or c in is_root for c in node.children):
            trivial.add(v)
    return Stages(game, roots, {v: tuple(cs) for v, cs in cuts.items()}, frozenset(trivial))


# --------------------------------------------------------------------------------------------------
# values under a behaviour profile


def node_values(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None],
                uniform_free: bool = False) -> list[tuple[Fraction, ...]]:
    """Each node's expected payoff vector under a complete behaviour profile (bottom-up, exact).

    With ``uniform_free`` a missing (free) behaviour counts as uniform; otherwise it is an error."""
    nodes = game.nodes
    n = len(game.players)
    zero = tuple(Fraction(0) for _ in range(n))
    terminal = game.terminal_values
    chance = game.chance_values
    out: list[tuple[Fraction, ...]] = [zero] * len(nodes)
    for v in range(len(nodes) - 1, -1, -1):
        node = nodes[v]
        if isinstance(node, Terminal):
            payoffs = terminal[v]
            assert payoffs is not None
            out[v] = payoffs
            continue
        if isinstance(node, Decision):
            probs = behavior.get(node.infoset)
            if probs is None:
                if not uniform_free:
                    raise ValueError(f"no behaviour at information set '{node.infoset}'")
                probs = tuple(Fraction(1, len(node.actions)) for _ in node.actions)
        else:
            probs = chance[v]
            assert probs is not None
        k = pure_choice(probs)
        if k is not None:
            out[v] = out[node.children[k]]
            continue
        acc = [Fraction(0)] * n
        for p, c in zip(probs, node.children):
            if p:
                val = out[c]
                for i in range(n):
                    acc[i] += p * val[i]
        out[v] = tuple(acc)
    return out


def _infoset_labels(game: ExtensiveFormGame) -> Iterable[str]:
    """The labels of all information sets, listed by the tree's store without making the sets."""
    return game.nodes.infoset_labels()


def acting_nodes(nodes: Sequence[Node], region: Iterable[int], root: int, cut: Container[int]) -> Iterator[Decision]:
    """The decision nodes of a stage's truncated game: its root and the nodes of ``region`` not cut off."""
    for u in region:
        node = nodes[u]
        if isinstance(node, Decision) and (u == root or u not in cut):
            yield node


def reach_probabilities(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None]) -> list[Fraction]:
    """The probability of reaching each node under a behaviour profile (top-down, exact)."""
    nodes = game.nodes
    chance = game.chance_values
    reach = [Fraction(0)] * len(nodes)
    reach[0] = Fraction(1)
    stack = [0]  # only the nodes reached are visited (in a large tree they are few)
    while stack:
        v = stack.pop()
        node = nodes[v]
        if isinstance(node, Terminal):
            continue
        probs = chance[v] if isinstance(node, Chance) else behavior.get(node.infoset)
        if probs is None:
            continue
        r = reach[v]
        for p, c in zip(probs, node.children):
            reach[c] = r * p
            if p:
                stack.append(c)
    return reach


# --------------------------------------------------------------------------------------------------
# best replies in a truncated game, on the player's own sequences


def _sequence_contributions(game: ExtensiveFormGame, region_root: int, cut: set[int], player: int,
                            behavior: Mapping[str, Sequence[Fraction] | None], leaf_value) -> dict:
    """What ``player`` collects at each of their own last moves (infoset, action) — or None before any —
    weighting each leaf by the chance and other players' probabilities on the way from ``region_root``.
    Unfilled behaviour of other players counts as uniform."""
    nodes = game.nodes
    chance = game.chance_values
    contrib: dict = {}
    stack: list[tuple[int, Fraction, tuple[str, int] | None]] = [(region_root, Fraction(1), None)]
    while stack:
        v, r, last = stack.pop()
        if not r:  # never reached whatever the player does: contributes nothing
            continue
        node = nodes[v]
        if isinstance(node, Terminal) or (v in cut and v != region_root):
            u = leaf_value(v)[player]
            if u:
                contrib[last] = contrib.get(last, Fraction(0)) + r * u
            continue
        if isinstance(node, Decision) and node.player == player:
            for k, c in enumerate(node.children):
                stack.append((c, r, (node.infoset, k)))
            continue
        if isinstance(node, Decision):
            probs = behavior.get(node.infoset)
            if probs is None:
                probs = tuple(Fraction(1, len(node.actions)) for _ in node.actions)
        else:
            probs = chance[v]
            assert probs is not None
        for p, c in zip(probs, node.children):
            stack.append((c, r * p, last))
    return contrib


def _own_infosets(game: ExtensiveFormGame, region: Sequence[int], cut: set[int], root: int, player: int) -> list[str]:
    seen: dict[str, None] = {}
    for v in region:
        node = game.nodes[v]
        if isinstance(node, Decision) and node.player == player and (v == root or v not in cut):
            seen.setdefault(node.infoset, None)
    return list(seen)


def sequence_best(game: ExtensiveFormGame, region: Sequence[int], cut: set[int], root: int, player: int,
                  behavior: Mapping[str, Sequence[Fraction] | None], leaf_value, *, fill: bool = False):
    """``player``'s best-reply value in the truncated game at ``root`` against the others' behaviour.

    With ``fill``, the player's own behaviour is kept where it is given and only the free (None)
    information sets are optimised; returns ``(value, {infoset: best action index})`` for those."""
    contrib = _sequence_contributions(game, root, cut, player, behavior, leaf_value)
    own = _own_infosets(game, region, cut, root, player)
    inside = set(own)
    kids: dict = {}
    for label in own:
        parent = game.own_history[label]
        key = parent if parent is not None and parent[0] in inside else None
        kids.setdefault(key, []).append(label)
    best: dict[str, Fraction] = {}
    choice: dict[str, int] = {}
    for label in reversed(own):
        actions = len(game.infosets[label].actions)
        vals = []
        for a in range(actions):
            x = contrib.get((label, a), Fraction(0))
            for h in kids.get((label, a), ()):
                x += best[h]
            vals.append(x)
        given = behavior.get(label) if fill else None
        if given is not None:
            best[label] = sum((p * x for p, x in zip(given, vals)), Fraction(0))
        else:
            top = max(vals)
            best[label] = top
            choice[label] = vals.index(top)
    total = contrib.get(None, Fraction(0)) + sum((best[h] for h in kids.get(None, ())), Fraction(0))
    return total, choice


def fill_free(game: ExtensiveFormGame, behavior: Behavior, st: Stages | None = None) -> Behavior:
    """Complete a behaviour profile at its free (None) information sets, bottom-up over the stages: in each
    truncated game the owner of a free set plays a best reply there (first best action on ties) to the
    rest of the profile, given the values of the subgames below. Players whose own earlier moves exclude
    a whole subgame thus play a subgame-perfect continuation in it where one exists with these choices.
    Returns a new dict; every information set gets a behaviour."""
    st = st or stages(game)
    out = dict(behavior)
    for label in _infoset_labels(game):
        out.setdefault(label, None)
    if all(p is not None for p in out.values()):
        return out
    values: dict[int, tuple[Fraction, ...]] = {}
    terminal = game.terminal_values
    nodes = game.nodes

    def leaf_value(v: int) -> tuple[Fraction, ...]:
        return t if (t := terminal[v]) is not None else values[v]

    for v in reversed(st.roots):
        cut = set(st.cuts[v])
        region = [v] + list(nodes[v].children) if v in st.trivial else st.region(v)
        free_players = sorted({d.player for d in acting_nodes(nodes, region, v, cut) if out[d.infoset] is None})
        for i in free_players:
            _, choice = sequence_best(game, region, cut, v, i, out, leaf_value, fill=True)
            for label, a in choice.items():
                if out[label] is None:
                    out[label] = unit(len(game.infosets[label].actions), a)
        values[v] = _stage_value(game, v, region, cut, out, leaf_value)
    return out


def _stage_value(game, v, region, cut, behavior, leaf_value) -> tuple[Fraction, ...]:
    """The value of stage ``v`` under the (complete) behaviour in its truncated game."""
    nodes = game.nodes
    chance = game.chance_values
    n = len(game.players)
    vals: dict[int, tuple[Fraction, ...]] = {}
    for u in reversed(region):
        node = nodes[u]
        if isinstance(node, Terminal) or (u in cut and u != v):
            vals[u] = leaf_value(u)
            continue
        probs = chance[u] if isinstance(node, Chance) else behavior[node.infoset]
        acc = [Fraction(0)] * n
        for p, c in zip(probs, node.children):
            if p:
                for i in range(n):
                    acc[i] += p * vals[c][i]
        vals[u] = tuple(acc)
    return vals[v]


def subgame_perfection_failure(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None],
                               st: Stages | None = None, values: list | None = None) -> str | None:
    """None if the complete behaviour profile is subgame-perfect, else a sentence saying where a player
    gains by deviating (Selten 1965: a Nash equilibrium in every subgame, checked stage by stage as in the
    module notes). Exact; linear in the tree size for perfect-information trees. ``values`` may
    give :func:`node_values` of the profile if already computed."""
    st = st or stages(game)
    values = node_values(game, behavior) if values is None else values
    nodes = game.nodes

    def leaf_value(v: int) -> tuple[Fraction, ...]:
        return values[v]

    for v in reversed(st.roots):
        node = nodes[v]
        if v in st.trivial:
            if not isinstance(node, Decision):  # a chance node (stage roots are not terminals)
                continue
            i = node.player
            best = max(values[c][i] for c in node.children)
            if values[v][i] != best:
                better = [node.actions[k] for k, c in enumerate(node.children) if values[c][i] == best]
                return (f"at '{node.infoset}', {game.players[i]} would gain by choosing {' or '.join(better)} "
                        f"({_show(best)} instead of {_show(values[v][i])})")
            continue
        cut = set(st.cuts[v])
        region = st.region(v)
        acting = sorted({d.player for d in acting_nodes(nodes, region, v, cut)})
        for i in acting:
            best, _ = sequence_best(game, region, cut, v, i, behavior, leaf_value)
            if best != values[v][i]:
                return (f"in the subgame at '{game.node_label(v)}', {game.players[i]} would gain by deviating "
                        f"({_show(best)} instead of {_show(values[v][i])})")
    return None


def _show(q: Fraction) -> str:

    return fmt(q)


def nash_failure(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None],
                 values: list | None = None) -> str | None:
    """None if the complete behaviour profile is a Nash equilibrium of the whole game, else which player
    gains by deviating. Exact, linear in the tree size per player (best replies on own sequences)."""
    values = node_values(game, behavior) if values is None else values
    region = list(range(game.num_nodes))

    def leaf_value(v: int) -> tuple[Fraction, ...]:
        return values[v]

    for i in range(len(game.players)):
        best, _ = sequence_best(game, region, set(), 0, i, behavior, leaf_value)
        if best != values[0][i]:
            return f"{game.players[i]} would gain by deviating ({_show(best)} instead of {_show(values[0][i])})"
    return None
