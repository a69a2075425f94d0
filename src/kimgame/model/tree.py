"""Extensive-form games (game trees) with payoffs and chance probabilities in named parameters.

A tree is stored flat, in one store for every size (:mod:`kimgame.model.tree_arrays`): columns with one
entry per node, numbered in preorder with the root first (a node's subtree is the contiguous range
``v .. subtree_end[v]``), and tables of the distinct labels, probabilities and payoffs. ``nodes`` reads
the columns as node objects, each made when first asked for; solvers that work on whole columns use
:attr:`ExtensiveFormGame.arrays`. Nothing in this module recurses over the tree, so trees of any depth (a
5000-move centipede) are handled.

The node classes (:class:`Decision`, :class:`Chance`, :class:`Terminal`) and the specs trees are written
in (:func:`decision`, :func:`chance`, :func:`terminal`, :func:`use`) live in :mod:`kimgame.model.nodes`;
the checks of chance probabilities in :mod:`kimgame.model.probabilities`. Trees are assembled by
:func:`~kimgame.model.tree_assembly.build_tree`, which checks everything a payoff file is checked for
and reports every problem with its place: information sets (same player, same actions), perfect recall,
chance probabilities (summing to one symbolically, lying in [0, 1]), the size limit.

Information-set labels. A node's information set is its ``infoset`` label if given; otherwise its
``name``; otherwise the path of move labels from the root joined by ``" > "`` (``"root"`` for the root),
with a run of three or more equal labels written ``"pass ×5"`` so deep trees keep short labels. Nodes that
share a label form one information set only if each of them says so with ``infoset:``; a label that
several nodes got by default (a name used twice, e.g. in a sub-tree used twice) is an error.

The reduced normal form (:func:`kimgame.model.reduced_form.reduced_normal_form`) has one strategy per *plan*: a choice at every
information set of the player that the player's own earlier choices do not exclude. A plan is labelled
by its actions in information-set order (order of first appearance in the tree, preorder) joined by
``"/"``; a player with one information set has plain action labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar

from kimgame.errors import KimgameError, ValidationErrors, suggest
from kimgame.expr.numbers import fmt
from kimgame.expr.tree import Formula
from kimgame.limits import current_limits
from kimgame.model.game import Game
from kimgame.model.nodes import (
    Chance,
    Decision,
    InfoSet,
    Terminal,
    path_label,
)
from kimgame.model.tree_arrays import DECISION, TreeArrays, TreeStore

# The defaults of the size limits; the limits in force are kimgame.limits.current_limits() (--limit NAME=N).
PLAN_COUNT_CAP = 2**53  # plan and profile counts saturate here (exact below it, also in float64 arithmetic)


# --------------------------------------------------------------------------------------------------
# the game


@dataclass(frozen=True, eq=False)
class ExtensiveFormGame(Game):
    """A finite game tree with perfect recall, addressed by labels (players, information sets, actions;
    header fields: :class:`kimgame.model.game.Game`).

    ``nodes`` (a :class:`kimgame.model.tree_arrays.TreeStore`: the tree's columns, read as node objects
    made when first asked for) are in preorder with the root first; trees are made by
    :func:`~kimgame.model.tree_assembly.build_tree` or read from a file. ``values`` are the parameter
    values the game is evaluated at; :meth:`with_values` returns the same game at other values.
    """

    nodes: TreeStore

    form: ClassVar[str] = "extensive"

    # ---- structure --------------------------------------------------------------------------------

    @property
    def num_nodes(self) -> int:
        """Number of nodes (decision, chance and terminal)."""
        return len(self.nodes)

    @property
    def arrays(self) -> TreeArrays:
        """The tree's columns and tables (:class:`kimgame.model.tree_arrays.TreeArrays`), for fast solvers."""
        return self.nodes.arrays

    @cached_property
    def parent(self) -> tuple[int, ...]:
        """Parent of each node (-1 for the root)."""
        return tuple(self.arrays.columns.parent)

    @cached_property
    def subtree_end(self) -> tuple[int, ...]:
        """Last node (preorder) of each node's subtree: the subtree of ``v`` is ``v .. subtree_end[v]``."""
        return tuple(self.arrays.columns.end)

    def move_label(self, v: int) -> str | None:
        """The label of the move (action or chance outcome) leading to node ``v`` (None for the root)."""
        code = self.arrays.columns.move[v]
        return self.arrays.labels[code] if code >= 0 else None

    def history(self, v: int) -> tuple[str, ...]:
        """The move labels from the root to node ``v``."""
        return self.nodes.history(v)

    def node_label(self, v: int) -> str:
        """A readable name of node ``v``: its name, its information set, or its path of moves."""
        node = self.nodes[v]
        if node.name:
            return node.name
        if isinstance(node, Decision):
            return node.infoset
        return path_label(self.history(v))

    @cached_property
    def infosets(self) -> Mapping[str, InfoSet]:
        """Information sets by label, in order of first appearance (preorder)."""
        return MappingProxyType(self.nodes.infosets())

    def infoset(self, label: str) -> InfoSet:
        """The information set with this label (:class:`KimgameError` if there is none)."""
        try:
            return self.infosets[label]
        except KeyError:
            raise KimgameError(f"no information set '{label}'{suggest(label, list(self.infosets))}") from None

    def player_index(self, player: str) -> int:
        """Index of the player with this label (:class:`KimgameError` if unknown)."""
        try:
            return self.players.index(player)
        except ValueError:
            raise KimgameError(f"no player '{player}' (players: {', '.join(self.players)})") from None

    def player_infosets(self, player: int) -> tuple[str, ...]:
        """Labels of ``player``'s information sets in order of first appearance."""
        return tuple(label for label, h in self.infosets.items() if h.player == player)

    @cached_property
    def outcomes(self) -> tuple[str, ...]:
        """The distinct outcome labels of the terminals, in order of first appearance."""
        return self.nodes.outcomes()

    @cached_property
    def is_perfect_information(self) -> bool:
        """True when every information set is a single node."""
        return self.arrays.is_perfect_information

    @cached_property
    def own_history(self) -> Mapping[str, tuple[str, int] | None]:
        """For each information set, the mover's previous own (information set, action index), or None.

        With perfect recall this is the same for every node of the set; it links each player's
        information sets into the tree of their own choices that plans are built on.
        """
        prev, _ = own_context(self)
        return MappingProxyType({label: prev[h.nodes[0]] for label, h in self.infosets.items()})

    # ---- numbers at the current values -----------------------------------------------------------

    @cached_property
    def terminal_values(self) -> tuple[tuple[Fraction, ...] | None, ...]:
        """For each node, its payoff vector at :attr:`values` if it is a terminal (else None)."""
        return self.nodes.terminal_values(self.values)

    @cached_property
    def chance_values(self) -> tuple[tuple[Fraction, ...] | None, ...]:
        """For each node, its outcome probabilities at :attr:`values` if it is a chance node (else None)."""
        return self.nodes.chance_values(self.values)

    @property
    def is_symbolic(self) -> bool:
        """True when some payoff or probability depends on a parameter."""
        return self.nodes.is_symbolic()

    def with_values(self, overrides: Mapping[str, object] | None = None, **kw: object) -> ExtensiveFormGame:
        """The same game at other parameter values (each checked against its range; chance
        probabilities must stay in [0, 1])."""
        game = super().with_values(overrides, **kw)
        errors = probabilities_at_values(game)
        if errors:
            raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
        return game

    def replace(self, **changes: Any) -> ExtensiveFormGame:
        """A copy with some fields changed (title, claims, values, ...), keeping what was worked out about
        the tree's structure when the nodes stay the same."""
        game = replace(self, **changes)
        if "nodes" not in changes and "players" not in changes:
            for key in _STRUCTURE:
                if key in self.__dict__:
                    game.__dict__[key] = self.__dict__[key]
        return game

    # ---- reduced normal form ---------------------------------------------------------------------

    @cached_property
    def plan_counts(self) -> tuple[int, ...]:
        """Number of reduced-normal-form plans of each player (saturating at ``PLAN_COUNT_CAP``)."""
        return plan_counts(self)

    @property
    def reduced_profiles(self) -> int:
        """Number of pure profiles of the reduced normal form (saturating at ``PLAN_COUNT_CAP``)."""
        n = 1
        for k in self.plan_counts:
            n = min(n * k, PLAN_COUNT_CAP)
        return n

    @cached_property
    def strategies(self) -> tuple[tuple[str, ...], ...]:
        """The reduced-normal-form plan labels of each player (:class:`KimgameError` beyond the
        ``reduced_profiles`` limit in force)."""
        return plan_space(self).labels


_STRUCTURE = ("infosets", "outcomes", "is_perfect_information", "own_history", "plan_counts",
              "strategies", "parent", "subtree_end")  # cached properties that depend on the nodes only



def own_context(game: ExtensiveFormGame) -> tuple[list[tuple[str, int] | None], list[int]]:
    """For each decision node: the mover's previous own (infoset label, action index) and own depth."""
    n_players = len(game.players)
    prev: list[tuple[str, int] | None] = [None] * len(game.nodes)
    depth: list[int] = [0] * len(game.nodes)
    start: tuple[tuple[tuple[str, int] | None, int], ...] = tuple((None, 0) for _ in range(n_players))
    stack = [(0, start)]
    nodes = game.nodes
    while stack:
        v, ctx = stack.pop()
        node = nodes[v]
        if isinstance(node, Terminal):
            continue
        if isinstance(node, Decision):
            i = node.player
            prev[v], depth[v] = ctx[i]
            for k, c in enumerate(node.children):
                stack.append((c, ctx[:i] + (((node.infoset, k), depth[v] + 1),) + ctx[i + 1:]))
        else:
            for c in node.children:
                stack.append((c, ctx))
    return prev, depth


def probabilities_at_values(game: ExtensiveFormGame) -> list[KimgameError]:
    """The chance probabilities that do not evaluate, at the game's values, to a number in [0, 1] (each
    distinct formula tried once; the nodes are read only to word a problem)."""
    if all(in_unit_interval(f, game.values) for f in game.arrays.probs):
        return []
    errors = []
    for node in game.nodes:
        if not isinstance(node, Chance):
            continue
        for label, f in zip(node.outcomes, node.probs):
            try:
                p = f.evaluate(game.values)
            except KimgameError as err:
                errors.append(err)
                continue
            if not 0 <= p <= 1:
                errors.append(KimgameError(
                    f"the probability of '{label}' is {fmt(p)} at these parameter values; probabilities lie in "
                    "[0, 1]", f.where or node.where))
    return errors


def in_unit_interval(f: Formula, values: Mapping[str, Fraction]) -> bool:
    """Whether ``f`` at ``values`` lies in [0, 1] (False when it cannot be evaluated there)."""
    c = f.constant
    if c is None:
        try:
            c = f.evaluate(values)
        except KimgameError:
            return False
    return 0 <= c <= 1


# --------------------------------------------------------------------------------------------------
# plans and the reduced normal form


@dataclass(frozen=True)
class PlanSpace:
    """The reduced-normal-form plans of the part of a tree below ``root``, cut at the nodes ``cuts``
    (which, like terminals, become leaves).

    For player ``i``: ``infosets[i]`` are their information sets in this part (in order), ``plans[i]`` the
    plans, each a tuple with the chosen action index at each of those information sets or None where the
    player's own choices exclude it, ``labels[i]`` the plan labels. ``leaves`` are the terminals and cut
    nodes below ``root``; ``leaf_last[k][i]`` is the position ``(infoset position, action)`` of player
    ``i``'s last own move on the way to leaf ``k`` (None if none), ``leaf_chance[k]`` the chance moves
    ``(node, outcome index)`` on the way.
    """

    root: int
    cuts: frozenset[int]
    infosets: tuple[tuple[str, ...], ...]
    parents: tuple[tuple[tuple[int, int] | None, ...], ...]
    plans: tuple[tuple[tuple[int | None, ...], ...], ...]
    labels: tuple[tuple[str, ...], ...]
    leaves: tuple[int, ...]
    leaf_last: tuple[tuple[tuple[int, int] | None, ...], ...]
    leaf_chance: tuple[tuple[tuple[int, int], ...], ...]

    @cached_property
    def consistent(self) -> tuple[dict[tuple[int, int] | None, tuple[int, ...]], ...]:
        """For each player: (infoset position, action) -> indices of the plans choosing that action there
        (None -> all plans)."""
        out = []
        for plans in self.plans:
            table: dict[tuple[int, int] | None, list[int]] = {None: list(range(len(plans)))}
            for k, plan in enumerate(plans):
                for pos, a in enumerate(plan):
                    if a is not None:
                        table.setdefault((pos, a), []).append(k)
            out.append({key: tuple(v) for key, v in table.items()})
        return tuple(out)

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of plans of each player."""
        return tuple(len(p) for p in self.plans)


def _region(game: ExtensiveFormGame, root: int, cuts: frozenset[int]):
    """Decision nodes (preorder) and leaves below ``root``, not entering ``cuts``."""
    nodes = game.nodes
    stack = [root]
    order = []
    while stack:
        v = stack.pop()
        order.append(v)
        if v in cuts and v != root:
            continue
        stack.extend(reversed(nodes[v].children))
    return order


def _local_structure(game: ExtensiveFormGame, root: int, cuts: frozenset[int]):
    """Each player's information sets inside the region and their parents within it."""
    n = len(game.players)
    order = _region(game, root, cuts)
    region_infosets: list[list[str]] = [[] for _ in range(n)]
    seen: set[str] = set()
    for v in order:
        node = game.nodes[v]
        if isinstance(node, Decision) and (v not in cuts or v == root) and node.infoset not in seen:
            seen.add(node.infoset)
            region_infosets[node.player].append(node.infoset)
    position = [{label: k for k, label in enumerate(labels)} for labels in region_infosets]
    parents = []
    for i in range(n):
        par = []
        for label in region_infosets[i]:
            p = game.own_history[label]
            par.append((position[i][p[0]], p[1]) if p is not None and p[0] in position[i] else None)
        parents.append(tuple(par))
    return order, region_infosets, position, parents


def _count(parents: Sequence[tuple[int, int] | None], actions: Sequence[int], cap: int) -> int:
    """Number of plans (saturating at ``cap``): plans(h) = sum over actions of the product over the child
    information sets; the whole = product over the top-level ones."""
    children: dict[tuple[int, int] | None, list[int]] = {}
    for pos, par in enumerate(parents):
        children.setdefault(par, []).append(pos)
    count = [0] * len(parents)
    for pos in range(len(parents) - 1, -1, -1):  # children come after their parents
        total = 0
        for a in range(actions[pos]):
            prod = 1
            for c in children.get((pos, a), ()):
                prod = min(cap, prod * count[c])
            total = min(cap, total + prod)
        count[pos] = total
    whole = 1
    for c in children.get(None, ()):
        whole = min(cap, whole * count[c])
    return whole


def plan_counts(game: ExtensiveFormGame, root: int = 0, cuts: frozenset[int] = frozenset()) -> tuple[int, ...]:
    """Number of plans of each player in the reduced normal form (saturating at ``PLAN_COUNT_CAP``)."""
    cap = PLAN_COUNT_CAP
    if root == 0 and not cuts and game.is_perfect_information:
        return perfect_information_plan_counts(game.arrays, len(game.players), cap)
    _, region_infosets, _, parents = _local_structure(game, root, cuts)
    return tuple(
        _count(parents[i], [len(game.infosets[h].actions) for h in region_infosets[i]], cap)
        for i in range(len(game.players))
    )


def perfect_information_plan_counts(a: TreeArrays, players: int, cap: int) -> tuple[int, ...]:
    """Number of reduced-normal-form plans of each player of a perfect-information tree (saturating at
    ``cap``), on the columns in two passes: a decision node's count is the sum over its moves of the product
    of the counts of the mover's next own decision nodes after that move; a player's total is the product
    over their first decision nodes. The same numbers as :func:`plan_counts` of the general path."""
    c = a.columns
    kind, parent, player, end, ptr = c.kind, c.parent, c.player, c.end, c.child_ptr
    slot = a.child_slot
    n = a.size
    own = [-1] * n  # for each decision node: the CSR slot of its mover's previous own move (-1: none)
    last = [-1] * players
    restore: list[tuple[int, int, int]] = []  # (end of a subtree, player, their last move before it)
    for v in range(1, n):
        while restore and restore[-1][0] < v:
            _, i, before = restore.pop()
            last[i] = before
        p = parent[v]
        if kind[p] == DECISION:
            i = player[p]
            restore.append((end[v], i, last[i]))
            last[i] = slot[v]
        if kind[v] == DECISION:
            own[v] = last[player[v]]
    prod = [1] * len(c.children)
    totals = [1] * players
    for v in range(n - 1, -1, -1):  # children before parents
        if kind[v] != DECISION:
            continue
        count = min(cap, sum(prod[ptr[v]:ptr[v + 1]]))
        e = own[v]
        if e >= 0:
            prod[e] = min(cap, prod[e] * count)
        else:
            i = player[v]
            totals[i] = min(cap, totals[i] * count)
    return tuple(totals)


def full_normal_form_size(game: ExtensiveFormGame) -> tuple[int | None, float]:
    """Number of pure profiles of the (unreduced) normal form — a choice at every information set — as an
    exact integer when it has at most 30 digits (else None), and its base-10 logarithm."""
    log10 = sum(math.log10(len(h.actions)) for h in game.infosets.values())
    if log10 > 30:
        return None, log10
    n = 1
    for h in game.infosets.values():
        n *= len(h.actions)
    return n, log10


def plan_space(game: ExtensiveFormGame, root: int = 0, cuts: frozenset[int] | Sequence[int] = frozenset(),
               *, limit: int | None = None, limit_name: str | None = None) -> PlanSpace:
    """The plans of every player in the part of the tree below ``root`` cut at ``cuts`` (see
    :class:`PlanSpace`). Raises :class:`KimgameError` if there are more than ``limit`` pure profiles
    (default: the limit ``limit_name`` in force — ``reduced_profiles`` for the whole tree,
    ``subgame_profiles`` below another root — whose message says how to raise it)."""
    cuts = frozenset(cuts)
    if limit_name is None:
        limit_name = "reduced_profiles" if root == 0 and not cuts else "subgame_profiles"
    from_limits = limit is None
    if limit is None:
        limit = getattr(current_limits(), limit_name)
    n = len(game.players)
    _, region_infosets, position, parents = _local_structure(game, root, cuts)
    actions = [[len(game.infosets[h].actions) for h in region_infosets[i]] for i in range(n)]
    counts = [_count(parents[i], actions[i], limit + 1) for i in range(n)]
    total = 1
    for c in counts:
        total = min(limit + 1, total * c)
    if total > limit:
        plans = ", ".join(f"more than {limit:,}" if c > limit else f"{c:,}" for c in counts)
        how = f" (raise it with --limit {limit_name}=N)" if from_limits else ""
        what = "the reduced normal form" if root == 0 and not cuts else \
            f"the reduced normal form of the truncated game at '{game.node_label(root)}'"
        raise KimgameError(f"{what} has more than {limit:,} pure profiles, the limit{how} "
                           f"(plans per player: {plans}); it is not built")
    plans_out = []
    labels_out = []
    for i in range(n):
        partial: list[tuple[int | None, ...]] = [()]
        for pos, par in enumerate(parents[i]):
            nxt: list[tuple[int | None, ...]] = []
            for plan in partial:
                if par is None or plan[par[0]] == par[1]:
                    nxt.extend(plan + (a,) for a in range(actions[i][pos]))
                else:
                    nxt.append(plan + (None,))
            partial = nxt
        plans_out.append(tuple(partial))
        names = [game.infosets[h].actions for h in region_infosets[i]]
        labels = [
            "/".join(names[pos][a] for pos, a in enumerate(plan) if a is not None) for plan in partial
        ]
        if len(set(labels)) != len(labels):  # action labels containing '/' can collide
            labels = [
                ", ".join(f"{region_infosets[i][pos]}={names[pos][a]}" for pos, a in enumerate(plan) if a is not None)
                for plan in partial
            ]
        labels_out.append(tuple(labels))

    # leaves with each player's last own move and the chance moves on the way
    nodes = game.nodes
    leaves: list[int] = []
    leaf_last: list[tuple] = []
    leaf_chance: list[tuple] = []
    start = tuple(None for _ in range(n))
    stack: list[tuple[int, tuple, tuple]] = [(root, start, ())]
    while stack:
        v, last, chances = stack.pop()
        node = nodes[v]
        if isinstance(node, Terminal) or (v in cuts and v != root):
            leaves.append(v)
            leaf_last.append(last)
            leaf_chance.append(chances)
            continue
        if isinstance(node, Decision):
            i = node.player
            pos = position[i][node.infoset]
            for k in range(len(node.children) - 1, -1, -1):
                stack.append((node.children[k], last[:i] + ((pos, k),) + last[i + 1:], chances))
        else:
            for k in range(len(node.children) - 1, -1, -1):
                stack.append((node.children[k], last, chances + ((v, k),)))
    return PlanSpace(root, cuts, tuple(tuple(x) for x in region_infosets), tuple(parents), tuple(plans_out),
                     tuple(labels_out), tuple(leaves), tuple(leaf_last), tuple(leaf_chance))
