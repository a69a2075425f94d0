"""Pure-strategy analysis of small normal forms on plain lists, without numpy.

The same answers as :func:`kimgame.solvers.pure.pure_equilibria`,
:func:`kimgame.solvers.dominance.pure_dominance` and
:func:`kimgame.solvers.dominance.iterated_elimination` with ``mixed=False``, in the same order, for the
games where importing numpy (0.2-0.3 s) would cost more than the work: the reduced normal form of a
small game tree, solved by ``kimgame solve`` each time a payoff file is edited. Payoffs are one flat
sequence of exact numbers per player, in row-major profile order (``NormalFormGame.numeric_lists``).

Each player's payoffs are scaled by the least common multiple of their denominators (every comparison
that player makes is kept) and compared as integers. Strategies whose payoff rows are equal are
compared once: the reduced normal form of a tree has many plans that differ only where play never goes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

from kimgame.solvers.dominance import Dominance, Elimination, EliminationStep, pure_label

#: Pure-Python work (comparisons) up to which :func:`suits` says these functions beat numpy's start-up.
WORK_LIMIT = 500_000

Rows = list[tuple[int, ...]]


def suits(shape: Sequence[int]) -> bool:
    """Whether a game of this shape is small enough for these functions (all-pairs dominance costs
    about ``profiles x own strategies`` comparisons per player)."""
    profiles = math.prod(shape)
    return sum(profiles * n for n in shape) <= WORK_LIMIT


def _integers(values: Sequence[object]) -> list[int]:
    fractions = [Fraction(v) for v in values]  # type: ignore[arg-type]
    lcm = 1
    for q in fractions:
        lcm = math.lcm(lcm, q.denominator)
    return [int(q * lcm) for q in fractions]


def _rows(shape: Sequence[int], payoffs: Sequence[Sequence[object]]) -> tuple[list[Rows], list[list[tuple[int, ...]]]]:
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


def pure_equilibria_lists(shape: Sequence[int], payoffs: Sequence[Sequence[object]]) -> list[tuple[int, ...]]:
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


def _classes(rows: Rows) -> tuple[list[tuple[int, ...]], list[int], list[list[int]]]:
    """Distinct rows, the class of each strategy, and the strategies of each class (in order)."""
    index: dict[tuple[int, ...], int] = {}
    distinct: list[tuple[int, ...]] = []
    members: list[list[int]] = []
    of: list[int] = []
    for k, row in enumerate(rows):
        c = index.get(row)
        if c is None:
            c = index[row] = len(distinct)
            distinct.append(row)
            members.append([])
        members[c].append(k)
        of.append(c)
    return distinct, of, members


def _compare(a: tuple[int, ...], b: tuple[int, ...]) -> str | None:
    """"strict" when ``a > b`` everywhere, "weak" when ``a >= b`` everywhere and ``>`` somewhere, else None."""
    greater = False
    strict = True
    for x, y in zip(a, b):
        if x < y:
            return None
        if x > y:
            greater = True
        else:
            strict = False
    if strict and greater:
        return "strict"
    return "weak" if greater else None


def pure_dominance_lists(players: Sequence[str], strategies: Sequence[Sequence[str]],
                         payoffs: Sequence[Sequence[object]]) -> tuple[Dominance, ...]:
    """All strict and weak dominance relations between pure strategies (as
    :func:`kimgame.solvers.dominance.pure_dominance`: by player, dominated, then dominating strategy)."""
    shape = [len(s) for s in strategies]
    if len(players) != len(shape):
        raise ValueError("players, strategies and payoffs must have the same length")
    rows, _ = _rows(shape, payoffs)
    out: list[Dominance] = []
    for i, (name, labels) in enumerate(zip(players, strategies)):
        distinct, of, members = _classes(rows[i])
        above: list[list[tuple[int, str]]] = []  # per class: (dominating strategy, kind), in strategy order
        for b in distinct:
            found = []
            for c, a in enumerate(distinct):
                kind = _compare(a, b)
                if kind is not None:
                    found.extend((s, kind) for s in members[c])
            found.sort()
            above.append(found)
        for t in range(len(labels)):
            for s, kind in above[of[t]]:
                out.append(Dominance(name, labels[t], pure_label(labels[s]), kind))  # type: ignore[arg-type]
    return tuple(out)


def iterated_elimination_lists(players: Sequence[str], strategies: Sequence[Sequence[str]],
                               payoffs: Sequence[Sequence[object]]) -> Elimination:
    """Iterated elimination of strategies strictly dominated by pure strategies (as
    :func:`kimgame.solvers.dominance.iterated_elimination` with ``mixed=False``)."""
    shape = [len(s) for s in strategies]
    if len(players) != len(shape):
        raise ValueError("players, strategies and payoffs must have the same length")
    rows, columns = _rows(shape, payoffs)
    n = len(shape)
    alive: list[list[int]] = [list(range(k)) for k in shape]
    steps: list[EliminationStep] = []
    rnd = 0
    while True:
        rnd += 1
        alive_sets = [set(a) for a in alive]
        removed: list[set[int]] = []
        for i, (name, labels) in enumerate(zip(players, strategies)):
            others = [j for j in range(n) if j != i]
            keep = [c for c, col in enumerate(columns[i])
                    if all(k in alive_sets[j] for j, k in zip(others, col))]
            sub = [tuple(rows[i][k][c] for c in keep) for k in alive[i]]
            gone: set[int] = set()
            for t, row_t in enumerate(sub):
                for s, row_s in enumerate(sub):
                    if s != t and all(x > y for x, y in zip(row_s, row_t)):
                        gone.add(alive[i][t])
                        steps.append(EliminationStep(rnd, name, labels[alive[i][t]], pure_label(labels[alive[i][s]])))
                        break
            removed.append(gone)
        if not any(removed):
            break
        alive = [[k for k in idx if k not in gone] for idx, gone in zip(alive, removed)]
    surviving = tuple(tuple(labels[k] for k in idx) for labels, idx in zip(strategies, alive))
    return Elimination(tuple(steps), surviving)
