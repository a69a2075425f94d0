"""Pure-strategy analysis of small normal forms on plain lists, without numpy.

The same answers as :func:`kimgame.solvers.pure.pure_equilibria`,
:func:`kimgame.solvers.dominance.pure_dominance` and
:func:`kimgame.solvers.dominance.iterated_elimination` with ``mixed=False``, in the same order, for the
games where importing numpy (0.2-0.3 s) would cost more than the work: the reduced normal form of a
small game tree, solved by ``kimgame solve`` each time a payoff file is edited. Payoffs are one flat
sequence of exact numbers per player, in row-major profile order (``NormalFormGame.numeric_lists``).

Each player's payoffs are scaled by the least common multiple of their denominators (every comparison
that player makes is kept) and compared as integers. Dominance is found with bit masks: for each
column (a profile of the others) the set of strategies paying more (and the same) as each strategy,
so the dominators of a strategy are an AND over the columns instead of a comparison with every other
strategy (the reduced normal form of a tree has many plans and few columns).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

from kimgame.solvers.dominance import Dominance, Elimination, EliminationStep, pure_label

#: Work (``profiles x own strategies`` per player, summed) up to which :func:`suits` says these functions
#: beat importing numpy; beyond it the numpy solvers are used.
WORK_LIMIT = 500_000

Rows = list[tuple[int, ...]]


def suits(shape: Sequence[int]) -> bool:
    """Whether a game of this shape is small enough for these functions (a player's dominance relations
    take up to ``profiles x own strategies`` bit operations and as many relations to report)."""
    profiles = math.prod(shape)
    return sum(profiles * n for n in shape) <= WORK_LIMIT


def _integers(values: Sequence[Fraction]) -> list[int]:
    fractions = [Fraction(v) for v in values]
    lcm = 1
    for q in fractions:
        lcm = math.lcm(lcm, q.denominator)
    return [int(q * lcm) for q in fractions]


def _rows(shape: Sequence[int], payoffs: Sequence[Sequence[Fraction]]) -> tuple[list[Rows], list[list[tuple[int, ...]]]]:
    """Per player: one payoff row per own strategy (columns: the others' profiles in row-major order), and
    the others' strategy indices of each column."""
    n = len(shape)
    if len(payoffs) != n:
        raise ValueError("one payoff sequence per player")
    profiles = math.prod(shape)
    if any(k == 0 for k in shape):
        raise ValueError("every player needs at least one strategy")
    ints = []
    for i, u in enumerate(payoffs):
        if len(u) != profiles:
            raise ValueError(f"payoffs of player {i} have {len(u)} entries, expected {profiles}")
        ints.append(_integers(u))
    rows: list[list[list[int]]] = [[[] for _ in range(k)] for k in shape]
    columns: list[list[tuple[int, ...]]] = [[] for _ in range(n)]
    for flat, profile in enumerate(itertools.product(*(range(k) for k in shape))):
        for i in range(n):
            rows[i][profile[i]].append(ints[i][flat])
            if profile[i] == 0:
                columns[i].append(profile[:i] + profile[i + 1:])
    return [[tuple(r) for r in player_rows] for player_rows in rows], columns


def pure_equilibria_lists(shape: Sequence[int], payoffs: Sequence[Sequence[Fraction]]) -> list[tuple[int, ...]]:
    """Every pure Nash equilibrium as a tuple of strategy indices, in lexicographic order."""
    rows, _ = _rows(shape, payoffs)
    n = len(shape)
    best = [[max(r[c] for r in rows[i]) for c in range(len(rows[i][0]))] for i in range(n)]
    out = []
    for profile in itertools.product(*(range(k) for k in shape)):
        ok = True
        for i in range(n):
            c = 0  # the column of the others' profile (row-major over the other players)
            for j in range(n):
                if j != i:
                    c = c * shape[j] + profile[j]
            if rows[i][profile[i]][c] != best[i][c]:
                ok = False
                break
        if ok:
            out.append(profile)
    return out


class _Masks:
    """For one player: per column, each row's set of rows with a greater (and an equal) payoff there,
    as bit masks (bit ``k``: strategy ``k``). Dominance is then an AND over the columns."""

    def __init__(self, rows: Rows) -> None:
        self.rows = len(rows)
        self.greater: list[list[int]] = []
        self.equal: list[list[int]] = []
        for c in range(len(rows[0])):
            order = sorted(range(len(rows)), key=lambda k: rows[k][c], reverse=True)
            greater, equal = [0] * len(rows), [0] * len(rows)
            above = 0  # rows with a greater value than the current group
            start = 0
            while start < len(order):
                value = rows[order[start]][c]
                stop = start
                group = 0
                while stop < len(order) and rows[order[stop]][c] == value:
                    group |= 1 << order[stop]
                    stop += 1
                for k in order[start:stop]:
                    greater[k], equal[k] = above, group
                above |= group
                start = stop
            self.greater.append(greater)
            self.equal.append(equal)

    def dominators(self, t: int, columns: Sequence[int]) -> tuple[int, int]:
        """(rows strictly dominating row ``t``, rows weakly dominating it) on ``columns``, as masks."""
        everyone = (1 << self.rows) - 1
        strict, at_least, same = everyone, everyone, everyone
        for c in columns:
            gt, eq = self.greater[c][t], self.equal[c][t]
            strict &= gt
            at_least &= gt | eq
            same &= eq
        return strict, at_least & ~same


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def pure_dominance_lists(players: Sequence[str], strategies: Sequence[Sequence[str]],
                         payoffs: Sequence[Sequence[Fraction]]) -> tuple[Dominance, ...]:
    """All strict and weak dominance relations between pure strategies (as
    :func:`kimgame.solvers.dominance.pure_dominance`: by player, dominated, then dominating strategy)."""
    shape = [len(s) for s in strategies]
    if len(players) != len(shape):
        raise ValueError("players, strategies and payoffs must have the same length")
    rows, _ = _rows(shape, payoffs)
    out: list[Dominance] = []
    for i, (name, labels) in enumerate(zip(players, strategies)):
        masks = _Masks(rows[i])
        columns = range(len(rows[i][0]))
        by = [pure_label(label) for label in labels]  # read-only: shared by the relations
        for t in range(len(labels)):
            strict, weak = masks.dominators(t, columns)
            for s in _bits(weak):
                kind = "strict" if strict >> s & 1 else "weak"
                out.append(Dominance(name, labels[t], by[s], kind))  # type: ignore[arg-type]
    return tuple(out)


def iterated_elimination_lists(players: Sequence[str], strategies: Sequence[Sequence[str]],
                               payoffs: Sequence[Sequence[Fraction]]) -> Elimination:
    """Iterated elimination of strategies strictly dominated by pure strategies (as
    :func:`kimgame.solvers.dominance.iterated_elimination` with ``mixed=False``)."""
    shape = [len(s) for s in strategies]
    if len(players) != len(shape):
        raise ValueError("players, strategies and payoffs must have the same length")
    rows, columns = _rows(shape, payoffs)
    n = len(shape)
    masks = [_Masks(r) for r in rows]
    alive: list[list[int]] = [list(range(k)) for k in shape]
    steps: list[EliminationStep] = []
    rnd = 0
    while True:
        rnd += 1
        alive_sets = [set(a) for a in alive]
        removed: list[set[int]] = []
        for i, (name, labels) in enumerate(zip(players, strategies)):
            others = [j for j in range(n) if j != i]
            keep = [c for c, col in enumerate(columns[i]) if all(k in alive_sets[j] for j, k in zip(others, col))]
            alive_mask = sum(1 << k for k in alive[i])
            gone: set[int] = set()
            for t in alive[i]:
                strict = masks[i].dominators(t, keep)[0] & alive_mask
                if strict:
                    first = (strict & -strict).bit_length() - 1  # the first dominator in strategy order
                    gone.add(t)
                    steps.append(EliminationStep(rnd, name, labels[t], pure_label(labels[first])))
            removed.append(gone)
        if not any(removed):
            break
        alive = [[k for k in idx if k not in gone] for idx, gone in zip(alive, removed)]
    surviving = tuple(tuple(labels[k] for k in idx) for labels, idx in zip(strategies, alive))
    return Elimination(tuple(steps), surviving)
