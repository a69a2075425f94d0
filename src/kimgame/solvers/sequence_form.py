"""The sequence form of a two-player tree with perfect recall, in exact numbers.

Koller, Megiddo & von Stengel (1996), "Efficient computation of equilibria for extensive two-person
games", *Games and Economic Behavior* 14, 247-259; von Stengel (1996), "Efficient computation of
behavior strategies", *GEB* 14, 220-246.

A *sequence* of a player is the empty sequence or a pair (information set, action) — with perfect recall
it stands for every own move on the way there. A *realization plan* ``x`` gives each sequence the
probability that the player's own moves follow it: ``E x = e``, ``x >= 0``, where row 0 of ``E`` says
``x[empty] = 1`` and the row of information set ``h`` says that the actions at ``h`` share the probability
of the sequence leading to ``h``. The payoff of a pair of sequences is the sum, over the leaves where
they are the players' last moves, of the chance probability times the leaf's payoff. The size is linear
in the tree, where the reduced normal form is exponential.

The form is built for a stage of the subgame solver too: the part of the tree below ``root`` cut at
``cuts``, whose cut nodes count as leaves with the payoffs ``cut_values`` (the values of the solved
subgames below).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal
from kimgame.solvers.reduced_normal_form import Behavior

DENOMINATORS = (1_000, 1_000_000)  # rational approximations of float probabilities tried in turn
SeqLabel = tuple[str, int] | None  # (information set, action index); None is the empty sequence


@dataclass(frozen=True, eq=False)
class SequenceForm:
    """The sequence form of a two-player (part of a) tree at the game's parameter values.

    ``players``: the indices (into ``game.players``) of the two players who move; ``infosets[k]``: player
    ``players[k]``'s information sets in the region (preorder); ``sequences[k]``: their sequences, the empty
    one first; ``parent[k][j]``: the index of the sequence leading to ``infosets[k][j]``; ``payoffs``:
    for each pair of sequence indices reaching a leaf, every player's expected payoff contribution
    (chance probability times payoff, summed over the leaves), as exact Fractions; ``weights``: for the
    same pairs, the chance probability of reaching those leaves; ``sizes`` gives the
    numbers of sequences and information sets ``(m1, m2, k1, k2)``; ``constant_sum`` is the sum of the
    two players' payoffs when it is the same at every leaf (a zero-sum game up to a constant), else None.
    """

    game: ExtensiveFormGame
    root: int
    players: tuple[int, int]
    infosets: tuple[tuple[str, ...], tuple[str, ...]]
    sequences: tuple[tuple[SeqLabel, ...], tuple[SeqLabel, ...]]
    parent: tuple[tuple[int, ...], tuple[int, ...]]
    payoffs: Mapping[tuple[int, int], tuple[Fraction, ...]]
    weights: Mapping[tuple[int, int], Fraction]
    constant_sum: Fraction | None = None

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        """Numbers of sequences and of information sets of the two players."""
        return (len(self.sequences[0]), len(self.sequences[1]), len(self.infosets[0]), len(self.infosets[1]))

    def constraint_rows(self, k: int) -> list[dict[int, int]]:
        """The rows of ``E`` (k = 0) or ``F`` (k = 1) as sparse {sequence index: coefficient}; the right-hand
        side is 1 for row 0 and 0 for the others."""
        rows: list[dict[int, int]] = [{0: 1}]
        index = {s: j for j, s in enumerate(self.sequences[k])}
        for j, h in enumerate(self.infosets[k]):
            row = {self.parent[k][j]: -1}
            for a in range(len(self.game.infosets[h].actions)):
                row[index[(h, a)]] = 1
            rows.append(row)
        return rows

    def behavior(self, k: int, plan: Sequence[Fraction]) -> Behavior:
        """The behaviour strategy of player ``players[k]`` of a realization plan (von Stengel 1996):
        action ``a`` at ``h`` gets ``plan[(h, a)] / plan[parent sequence]``; None (free) where the parent
        sequence has probability 0."""
        index = {s: j for j, s in enumerate(self.sequences[k])}
        out: Behavior = {}
        for j, h in enumerate(self.infosets[k]):
            total = plan[self.parent[k][j]]
            if not total:
                out[h] = None
                continue
            n = len(self.game.infosets[h].actions)
            out[h] = tuple(Fraction(plan[index[(h, a)]]) / total for a in range(n))
        return out

    def value(self, x: Sequence[Fraction], y: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """Every player's expected payoff when the two players follow realization plans ``x`` and ``y``."""
        n = len(self.game.players)
        acc = [Fraction(0)] * n
        for (s1, s2), pay in self.payoffs.items():
            w = x[s1] * y[s2]
            if w:
                for i in range(n):
                    acc[i] += w * pay[i]
        return tuple(acc)


def sequence_form(game: ExtensiveFormGame, root: int = 0, cuts: Sequence[int] = (),
                  cut_values: Mapping[int, Sequence[Fraction]] | None = None) -> SequenceForm:
    """The sequence form of the part of ``game`` below ``root`` cut at ``cuts`` (whose values are
    ``cut_values``), at the game's parameter values; linear in the number of nodes.

    Exactly two players must move in the region (ValueError otherwise); perfect recall is assumed (the
    tree model checks it)."""
    cut = set(cuts)
    values = cut_values or {}
    nodes = game.nodes
    terminal = game.terminal_values
    chance = game.chance_values
    n = len(game.players)
    movers: dict[int, None] = {}
    infosets: dict[int, dict[str, int]] = {}
    parents: dict[int, list[int]] = {}
    sequences: dict[int, list[SeqLabel]] = {}
    seq_index: dict[int, dict[SeqLabel, int]] = {}
    leaves: list[tuple[int, dict[int, int], Fraction]] = []
    # depth-first, preorder: (node, each mover's current sequence index, chance weight)
    stack: list[tuple[int, dict[int, int], Fraction]] = [(root, {}, Fraction(1))]
    while stack:
        v, last, w = stack.pop()
        node = nodes[v]
        if isinstance(node, Terminal) or (v in cut and v != root):
            leaves.append((v, last, w))
            continue
        if isinstance(node, Chance):
            probs = chance[v]
            assert probs is not None
            for p, c in zip(reversed(probs), reversed(node.children)):
                if p:
                    stack.append((c, last, w * p))
            continue
        assert isinstance(node, Decision)
        i = node.player
        if i not in movers:
            movers[i] = None
            infosets[i], parents[i], sequences[i], seq_index[i] = {}, [], [None], {None: 0}
        h = node.infoset
        if h not in infosets[i]:
            infosets[i][h] = len(parents[i])
            parents[i].append(last.get(i, 0))
            for a in range(len(node.actions)):
                seq_index[i][(h, a)] = len(sequences[i])
                sequences[i].append((h, a))
        for a in range(len(node.children) - 1, -1, -1):
            stack.append((node.children[a], {**last, i: seq_index[i][(h, a)]}, w))
    if len(movers) != 2:
        raise ValueError(f"the sequence form needs exactly two players who move, not {len(movers)}")
    p1, p2 = sorted(movers)
    payoffs: dict[tuple[int, int], list[Fraction]] = {}
    weights: dict[tuple[int, int], Fraction] = {}
    sums: set[Fraction] = set()
    for v, last, w in leaves:
        pay = terminal[v] if terminal[v] is not None and not (v in cut and v != root) else values[v]
        assert pay is not None
        sums.add(pay[p1] + pay[p2])
        key = (last.get(p1, 0), last.get(p2, 0))
        weights[key] = weights.get(key, Fraction(0)) + w
        acc = payoffs.get(key)
        if acc is None:
            payoffs[key] = [w * pay[i] for i in range(n)]
        else:
            for i in range(n):
                acc[i] += w * pay[i]
    return SequenceForm(
        game=game,
        root=root,
        players=(p1, p2),
        infosets=(tuple(infosets[p1]), tuple(infosets[p2])),
        sequences=(tuple(sequences[p1]), tuple(sequences[p2])),
        parent=(tuple(parents[p1]), tuple(parents[p2])),
        payoffs={k: tuple(v) for k, v in payoffs.items()},
        weights=weights,
        constant_sum=next(iter(sums)) if len(sums) == 1 else None,
    )


def best_response_value(form: SequenceForm, k: int, other: Sequence[Fraction]) -> Fraction:
    """The best payoff player ``form.players[k]`` can get against the other player's realization plan
    ``other``: the sequence-form best-response LP solved exactly by backward induction over the player's
    own information sets (each worth the best over its actions of what the action's sequence collects
    plus the worth of the information sets right after it; von Stengel 1996)."""
    i = form.players[k]
    collect = [Fraction(0)] * len(form.sequences[k])
    for pair, pay in form.payoffs.items():
        q = other[pair[1 - k]]
        if q:
            collect[pair[k]] += q * pay[i]
    index = {s: j for j, s in enumerate(form.sequences[k])}
    game = form.game
    for j in range(len(form.infosets[k]) - 1, -1, -1):  # preorder: an information set after its parent
        h = form.infosets[k][j]
        best = max(collect[index[(h, a)]] for a in range(len(game.infosets[h].actions)))
        collect[form.parent[k][j]] += best
    return collect[0]


def is_equilibrium(form: SequenceForm, x: Sequence[Fraction], y: Sequence[Fraction]) -> bool:
    """True when ``x`` and ``y`` are exact realization plans, each a best response to the other."""
    for k, plan in enumerate((x, y)):
        if min(plan) < 0:
            return False
        for r, row in enumerate(form.constraint_rows(k)):
            if sum((coef * plan[s] for s, coef in row.items()), Fraction(0)) != (r == 0):
                return False
    value = form.value(x, y)
    return all(best_response_value(form, k, other) == value[form.players[k]] for k, other in enumerate((y, x)))


def plan_from_floats(form: SequenceForm, k: int, plan: Sequence[float], denominator: int) -> tuple[Fraction, ...]:
    """An exact realization plan whose behaviour probabilities are rationals near those of the float
    ``plan`` (uniform where the float plan does not reach an information set)."""
    out = [Fraction(0)] * len(plan)
    out[0] = Fraction(1)
    index = {s: j for j, s in enumerate(form.sequences[k])}
    game = form.game
    for j, h in enumerate(form.infosets[k]):
        parent = form.parent[k][j]
        n = len(game.infosets[h].actions)
        cols = [index[(h, a)] for a in range(n)]
        total = sum(max(0.0, plan[c]) for c in cols)
        if total <= 1e-12:
            probs = [Fraction(1, n)] * n
        else:
            probs = [Fraction(max(0.0, plan[c]) / total).limit_denominator(denominator) for c in cols]
            probs[-1] = 1 - sum(probs[:-1], Fraction(0))
            if probs[-1] < 0:
                probs = [Fraction(1, n)] * n
        for c, p in zip(cols, probs):
            out[c] = out[parent] * p
    return tuple(out)
