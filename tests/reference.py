"""Independent reference implementations the tests compare kimgame against (kept apart from the code
under test): an exact Nash verifier, brute-force vertex enumeration, hypothesis strategies for small
bimatrix games, SPE path labels, and an exact Nash verifier for behaviour profiles on game trees that
walks the tree itself (no reduced normal form, no solver code); the mover's payoff formula of each action
at each decision node (to put random points on knife edges)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product
from math import prod

import numpy as np
from hypothesis import strategies as st

from kimgame.expr.build import combine_product, combine_sum, expr_text
from kimgame.expr.tree import Formula, Num
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal

F = Fraction
Matrix = list[list[Fraction]]
Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


def fr(M: Sequence[Sequence[object]]) -> Matrix:
    return [[Fraction(v) for v in row] for row in np.asarray(M, dtype=object).tolist()]


def is_nash(A: Matrix, B: Matrix, x: Sequence[Fraction], y: Sequence[Fraction]) -> bool:
    """Exact best-response check of the mixed profile (x, y)."""
    m, n = len(A), len(A[0])
    if any(v < 0 for v in (*x, *y)) or sum(x) != 1 or sum(y) != 1:
        return False
    Ay = [sum(A[i][j] * y[j] for j in range(n)) for i in range(m)]
    xB = [sum(x[i] * B[i][j] for i in range(m)) for j in range(n)]
    u = sum(x[i] * Ay[i] for i in range(m))
    v = sum(xB[j] * y[j] for j in range(n))
    return all(u >= a for a in Ay) and all(v >= b for b in xB)


def solve_exact(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """Gauss-Jordan elimination over Fractions; None if the system is singular."""
    d = len(rows)
    aug = [list(r) + [b] for r, b in zip(rows, rhs)]
    for col in range(d):
        piv = next((r for r in range(col, d) if aug[r][col] != 0), None)
        if piv is None:
            return None
        aug[col], aug[piv] = aug[piv], aug[col]
        p = aug[col][col]
        aug[col] = [v / p for v in aug[col]]
        for r in range(d):
            if r != col and aug[r][col] != 0:
                f = aug[r][col]
                aug[r] = [a - f * b for a, b in zip(aug[r], aug[col])]
    return [aug[r][d] for r in range(d)]


def brute_vertices(
    M: Matrix, orig_labels: list[int], slack_labels: list[int]
) -> dict[tuple[Fraction, ...], frozenset[int]]:
    """All vertices of {z >= 0 : M z <= 1} by trying every set of d tight constraints."""
    k, d = len(M), len(M[0])
    cons: list[tuple[list[Fraction], Fraction, int]] = []
    for j in range(d):
        cons.append(([F(int(i == j)) for i in range(d)], F(0), orig_labels[j]))
    for i in range(k):
        cons.append((M[i], F(1), slack_labels[i]))
    out: dict[tuple[Fraction, ...], frozenset[int]] = {}
    for subset in combinations(range(len(cons)), d):
        z = solve_exact([cons[s][0] for s in subset], [cons[s][1] for s in subset])
        if z is None or any(v < 0 for v in z):
            continue
        vals = [sum(M[i][j] * z[j] for j in range(d)) for i in range(k)]
        if any(v > 1 for v in vals):
            continue
        labels = {orig_labels[j] for j in range(d) if z[j] == 0}
        labels |= {slack_labels[i] for i in range(k) if vals[i] == 1}
        out[tuple(z)] = frozenset(labels)
    return out


def brute_equilibria(A_in: Sequence[Sequence[object]], B_in: Sequence[Sequence[object]]) -> list[Profile]:
    """Reference: completely labelled vertex pairs, found by brute force."""
    A, B = fr(A_in), fr(B_in)
    m, n = len(A), len(A[0])
    # A different shift from the solver's (which scales to integers, then shifts to min 1).
    sa = min(min(r) for r in A) - F(3, 2)
    sb = min(min(r) for r in B) - F(3, 2)
    Ap = [[v - sa for v in r] for r in A]
    BpT = [[B[i][j] - sb for i in range(m)] for j in range(n)]
    P = brute_vertices(BpT, list(range(m)), list(range(m, m + n)))
    Q = brute_vertices(Ap, list(range(m, m + n)), list(range(m)))
    everything = frozenset(range(m + n))
    eqs = set()
    for x, lx in P.items():
        if not any(x):
            continue
        for y, ly in Q.items():
            if any(y) and lx | ly == everything:
                eqs.add((tuple(v / sum(x) for v in x), tuple(v / sum(y) for v in y)))
    return sorted(eqs)


@st.composite
def games(draw: st.DrawFn, max_dim: int = 4, entries: st.SearchStrategy | None = None):
    if entries is None:
        entries = st.integers(-2, 2)
    m = draw(st.integers(1, max_dim))
    n = draw(st.integers(1, max_dim))
    mat = st.lists(st.lists(entries, min_size=n, max_size=n), min_size=m, max_size=m)
    return draw(mat), draw(mat)


def spe_path_label(game, behavior) -> str:
    """The path label of an SPE, built independently of the module under test."""
    nodes = game.nodes

    def label(v: int) -> str:
        node = nodes[v]
        if isinstance(node, Decision):
            probs = behavior[game.players[node.player]][node.infoset]
            (a,) = [act for act, p in probs.items() if p == 1]
            rest = label(node.children[node.actions.index(a)])
            return a + (f" > {rest}" if rest else "")
        if isinstance(node, Chance):
            parts = []
            for o, c in zip(node.outcomes, node.children):
                rest = label(c)
                parts.append(f"{o}: {rest}" if rest else o)
            return "[" + " | ".join(parts) + "]"
        return ""

    return label(0)


def pure_nash_profiles(payoffs: Sequence[np.ndarray]) -> list[tuple[int, ...]]:
    """Every pure Nash equilibrium of an N-player game (one exact payoff array per player), by checking every
    unilateral pure deviation of every profile."""
    import itertools

    shape = payoffs[0].shape
    out = []
    for profile in itertools.product(*(range(k) for k in shape)):
        stable = True
        for i, u in enumerate(payoffs):
            for s in range(shape[i]):
                other = profile[:i] + (s,) + profile[i + 1:]
                if u[other] > u[profile]:
                    stable = False
        if stable:
            out.append(profile)
    return out


def pure_spe_count(game) -> int:
    """The number of pure subgame-perfect equilibria of a perfect-information tree: every pure behaviour
    profile (one action per decision node) is tried, and kept when at every decision node the action chosen
    is best for the mover given the profile below (the one-shot deviation principle)."""
    import itertools

    nodes = game.nodes
    decisions = [v for v, node in enumerate(nodes) if isinstance(node, Decision)]
    count = 0
    for choice in itertools.product(*(range(len(nodes[v].actions)) for v in decisions)):
        chosen = dict(zip(decisions, choice))
        values: dict[int, tuple[Fraction, ...]] = {}
        perfect = True
        for v in range(len(nodes) - 1, -1, -1):
            node = nodes[v]
            if isinstance(node, Decision):
                kids = [values[c] for c in node.children]
                values[v] = kids[chosen[v]]
                perfect = perfect and kids[chosen[v]][node.player] == max(k[node.player] for k in kids)
            elif isinstance(node, Chance):
                probs = game.chance_values[v]
                kids = [values[c] for c in node.children]
                values[v] = tuple(sum((p * k[i] for p, k in zip(probs, kids)), Fraction(0))
                                  for i in range(len(game.players)))
            else:
                values[v] = tuple(game.terminal_values[v])
        count += perfect
    return count


# --------------------------------------------------------------------------------------------------
# behaviour profiles on trees

TreeBehavior = dict  # {player: {infoset: {action: probability}}}, as in ``Equilibrium.behavior``


def tree_payoffs(game, behavior: TreeBehavior, pure: dict[str, str] | None = None) -> tuple[Fraction, ...]:
    """Each player's exact expected payoff under ``behavior``, by a walk from the root carrying the
    probability of reaching each node (payoffs and chance probabilities read from the node formulas at the
    game's values). ``pure`` ({infoset: action}) replaces the behaviour at those information sets."""
    total = [Fraction(0)] * len(game.players)
    nodes, values = game.nodes, game.values
    stack = [(0, Fraction(1))]
    while stack:
        v, reach = stack.pop()
        node = nodes[v]
        if reach == 0:
            continue
        if isinstance(node, Terminal):
            for i, f in enumerate(node.payoffs):
                total[i] += reach * f.evaluate(values)
        elif isinstance(node, Chance):
            stack.extend((c, reach * f.evaluate(values)) for f, c in zip(node.probs, node.children))
        else:
            if pure is not None and node.infoset in pure:
                probs = {a: Fraction(int(a == pure[node.infoset])) for a in node.actions}
            else:
                probs = behavior[game.players[node.player]][node.infoset]
            stack.extend((c, reach * Fraction(probs[a])) for a, c in zip(node.actions, node.children))
    return tuple(total)


def _node_value(game, behavior, v: int, i: int, choices: dict[str, str]) -> Fraction:
    """Player ``i``'s expected payoff in the subtree at ``v``: ``i`` plays ``choices`` (at least at every
    information set of theirs below ``v``), the others ``behavior``."""
    total, nodes, values = Fraction(0), game.nodes, game.values
    stack = [(v, Fraction(1))]
    while stack:
        w, reach = stack.pop()
        node = nodes[w]
        if reach == 0:
            continue
        if isinstance(node, Terminal):
            total += reach * node.payoffs[i].evaluate(values)
        elif isinstance(node, Chance):
            stack.extend((c, reach * f.evaluate(values)) for f, c in zip(node.probs, node.children))
        elif node.player == i:
            stack.append((node.children[node.actions.index(choices[node.infoset])], reach))
        else:
            probs = behavior[game.players[node.player]][node.infoset]
            stack.extend((c, reach * Fraction(probs[a])) for a, c in zip(node.actions, node.children))
    return total


def best_response_value(game, behavior: TreeBehavior, i: int) -> Fraction | None:
    """Player ``i``'s best payoff against the others' ``behavior``, by a backward pass over ``i``'s
    information sets (deepest first): at each, the action with the largest payoff summed over its nodes,
    each weighted by the probability that chance and the others lead there, ``i``'s choices below fixed.
    With perfect recall this gives a best response (von Stengel 1996, "Efficient computation of behavior
    strategies"); None when ``i`` does not have perfect recall."""
    nodes, values = game.nodes, game.values
    reach = [Fraction(0)] * len(nodes)  # probability that chance and the other players lead to each node
    own: list[tuple] = [()] * len(nodes)  # player i's own (information set, action) history
    depth = [0] * len(nodes)
    members: dict[str, list[int]] = {}
    stack = [(0, Fraction(1), (), 0)]
    while stack:
        v, r, hist, d = stack.pop()
        reach[v], own[v], depth[v], node = r, hist, d, nodes[v]
        if isinstance(node, Chance):
            stack.extend((c, r * f.evaluate(values), hist, d + 1) for f, c in zip(node.probs, node.children))
        elif isinstance(node, Decision) and node.player == i:
            members.setdefault(node.infoset, []).append(v)
            stack.extend((c, r, (*hist, (node.infoset, a)), d + 1) for a, c in zip(node.actions, node.children))
        elif isinstance(node, Decision):
            probs = behavior[game.players[node.player]][node.infoset]
            stack.extend((c, r * Fraction(probs[a]), hist, d + 1) for a, c in zip(node.actions, node.children))
    if any(len({own[v] for v in vs}) > 1 for vs in members.values()):
        return None
    choices: dict[str, str] = {}
    for h in sorted(members, key=lambda h: -min(depth[v] for v in members[h])):
        actions = nodes[members[h][0]].actions
        scores = [sum((reach[v] * _node_value(game, behavior, nodes[v].children[k], i, choices)
                       for v in members[h]), Fraction(0)) for k in range(len(actions))]
        choices[h] = actions[scores.index(max(scores))]
    return _node_value(game, behavior, 0, i, choices)


def tree_nash_failure(game, behavior: TreeBehavior, max_pure: int = 1 << 14) -> str | None:
    """None when ``behavior`` is a Nash equilibrium of the tree, else why not.

    Checks that every information set has a probability distribution over its actions, then that no
    player gains by any pure strategy (an action at each of their information sets) against the others'
    behaviour: expected payoffs are linear in the deviator's mixed strategy, so the best of all deviations
    is a pure one. Players with at most 64 pure strategies: brute force over them, cross-checked with
    :func:`best_response_value`; more (with perfect recall): :func:`best_response_value` alone; more
    without perfect recall: brute force up to ``max_pure``."""
    sets: list[dict[str, tuple[str, ...]]] = [{} for _ in game.players]
    for node in game.nodes:
        if isinstance(node, Decision):
            sets[node.player][node.infoset] = node.actions
    for i, player in enumerate(game.players):
        for h, actions in sets[i].items():
            probs = behavior[player][h]
            if set(probs) != set(actions) or any(Fraction(q) < 0 for q in probs.values()) or sum(
                    Fraction(q) for q in probs.values()) != 1:
                return f"{player} at '{h}': {probs} is not a probability distribution over {actions}"
    value = tree_payoffs(game, behavior)
    for i, player in enumerate(game.players):
        best = best_response_value(game, behavior, i)
        labels = sorted(sets[i])
        if best is not None and prod(len(sets[i][h]) for h in labels) > 64:
            if best > value[i]:
                return f"{player} gains {best - value[i]} by a best response"
            continue
        assert prod(len(sets[i][h]) for h in labels) <= max_pure, "too many pure strategies for brute force"
        deviations = [dict(zip(labels, choice)) for choice in product(*(sets[i][h] for h in labels))]
        gains = [tree_payoffs(game, behavior, pure)[i] - value[i] for pure in deviations]
        assert best is None or best - value[i] == max(gains), "the two reference best responses disagree"
        if max(gains) > 0:
            k = gains.index(max(gains))
            return f"{player} gains {gains[k]} by playing {deviations[k]}"
    return None


# --------------------------------------------------------------------------------------------------
# the comparisons made at each decision, as formulas in the parameters


@dataclass(frozen=True)
class Comparison:
    """At decision node ``node``: the mover's payoff formula for each action (play continuing as in the
    profile it was computed for) and the action(s) the profile takes there."""

    node: int
    player: str
    infoset: str
    chosen: tuple[str, ...]
    values: Mapping[str, Formula]


def continuation_exprs(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None]) -> list[tuple]:
    """Each node's payoff vector under ``behavior`` as expression trees in the parameters (bottom-up;
    shared sub-expressions, balanced sums). Free behaviour counts as uniform."""
    nodes = game.nodes
    out: list[tuple] = [()] * len(nodes)
    for v in range(len(nodes) - 1, -1, -1):
        node = nodes[v]
        if isinstance(node, Terminal):
            out[v] = tuple(f.expr for f in node.payoffs)
            continue
        if isinstance(node, Chance):
            weights = [f.expr for f in node.probs]
        else:
            probs = behavior.get(node.infoset)
            if probs is None:
                probs = tuple(Fraction(1, len(node.actions)) for _ in node.actions)
            k = next((a for a, p in enumerate(probs) if p == 1), None)  # a pure choice
            if k is not None:
                out[v] = out[node.children[k]]
                continue
            weights = [Num(Fraction(p)) for p in probs]
        vec = []
        for i in range(len(game.players)):
            terms = [combine_product([w, out[c][i]]) for w, c in zip(weights, node.children)
                     if not (isinstance(w, Num) and w.value == 0)]
            vec.append(combine_sum(terms))
        out[v] = tuple(vec)
    return out


def decision_comparisons(game: ExtensiveFormGame, behavior: Mapping[str, Sequence[Fraction] | None],
                         nodes: Sequence[int] | None = None) -> tuple[Comparison, ...]:
    """For each decision node (or those in ``nodes``): the mover's payoff formula for each action, play
    continuing as in ``behavior`` below it, and the actions ``behavior`` takes there.

    In a perfect-information tree the profile is subgame-perfect exactly where, at every node, the chosen
    actions' formulas are the largest — the pieces of a piecewise condition on the parameters. The
    formulas' texts grow with the subtree below a node (chance nodes add terms)."""
    exprs = continuation_exprs(game, behavior)
    which = range(game.num_nodes) if nodes is None else nodes
    out = []
    for v in which:
        node = game.nodes[v]
        if not isinstance(node, Decision):
            continue
        i = node.player
        values = {}
        for a, c in zip(node.actions, node.children):
            e = exprs[c][i]
            values[a] = Formula(e, expr_text(e))
        probs = behavior.get(node.infoset) or ()
        chosen = tuple(a for a, p in zip(node.actions, probs) if p)
        out.append(Comparison(v, game.players[i], node.infoset, chosen, values))
    return tuple(out)
