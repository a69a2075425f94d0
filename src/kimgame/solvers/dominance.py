"""Exact dominance analysis for N-player normal-form games.

Payoffs are ``tuple[numpy.ndarray, ...]``, one object array of Fractions (or
ints) per player with shape ``(n_1, ..., n_N)``.  All comparisons are exact.

* :func:`pure_dominance` -- strict and weak dominance between pure strategies.
* :func:`mixed_dominance` -- strict dominance by a mixed strategy (and by no
  pure one), decided by a linear program (Fudenberg & Tirole, *Game
  Theory*, 1991, §2.1; Myerson, *Game Theory: Analysis of Conflict*, 1991,
  §1.8) solved in floats and certified exactly (:mod:`kimgame.solvers.lp_certify`).
* :func:`iterated_elimination` -- iterated elimination of strictly dominated
  strategies (IESDS), recording the round in which each strategy goes.
* :func:`dominance_analysis` -- the three above in turn, as ``kimgame solve``
  reports them, within the run's time and memory limits.

Each takes an optional ``clock`` (:class:`kimgame.solvers.clock.Clock`): once its deadline has passed, its
memory limit is reached or Ctrl-C is pressed, they raise
:class:`~kimgame.solvers.clock.SearchTimeout` whose ``partial`` holds what
was found so far.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

from kimgame.solvers.clock import Clock, SearchTimeout, stopping, why_stopped
from kimgame.solvers.lp_certify import Row, feasibility

__all__ = [
    "Dominance",
    "DominanceAnalysis",
    "Elimination",
    "EliminationStep",
    "dominance_analysis",
    "dominates",
    "iterated_elimination",
    "mixed_dominance",
    "pure_dominance",
    "pure_label",
]

Kind = Literal["strict", "weak"]


@dataclass(frozen=True, slots=True)
class Dominance:
    """``player``'s strategy ``dominated`` is dominated by the (possibly mixed)
    strategy ``by`` (label -> probability, support only; a pure strategy is
    ``{label: 1}``); ``kind`` is ``"strict"`` or ``"weak"``."""

    player: str
    dominated: str
    by: Mapping[str, Fraction]
    kind: Kind

    def __hash__(self) -> int:
        return hash((self.player, self.dominated, frozenset(self.by.items()), self.kind))

    def to_dict(self) -> dict[str, object]:
        """Plain ``dict`` copy (``by`` as a plain dict of Fractions)."""
        return {"player": self.player, "dominated": self.dominated,
                "by": dict(self.by), "kind": self.kind}


@dataclass(frozen=True, slots=True)
class EliminationStep:
    """In round ``round`` (1-based), ``player``'s strategy ``eliminated`` was
    removed as strictly dominated by ``by`` in the game reduced by the
    previous rounds."""

    round: int
    player: str
    eliminated: str
    by: Mapping[str, Fraction]

    def __hash__(self) -> int:
        return hash((self.round, self.player, self.eliminated, frozenset(self.by.items())))

    def to_dict(self) -> dict[str, object]:
        """Plain ``dict`` copy (``by`` as a plain dict of Fractions)."""
        return {"round": self.round, "player": self.player,
                "eliminated": self.eliminated, "by": dict(self.by)}


@dataclass(frozen=True, slots=True)
class Elimination:
    """Result of IESDS: the ``steps`` in elimination order and, per player, the
    ``surviving`` strategy labels in their original order.

    ``complete`` is False when the clock stopped the elimination: every step
    listed is valid, but more strategies may be eliminable, so ``surviving``
    holds the strategies not eliminated *yet*."""

    steps: tuple[EliminationStep, ...]
    surviving: tuple[tuple[str, ...], ...]
    complete: bool = True

    def to_dict(self) -> dict[str, object]:
        """Plain ``dict`` copy with steps as dicts and survivors as lists."""
        return {"steps": [step.to_dict() for step in self.steps],
                "surviving": [list(labels) for labels in self.surviving], "complete": self.complete}


# --------------------------------------------------------------------------
# helpers (numpy is imported where it is used: the classes above are needed without it, see
# :mod:`kimgame.solvers.pure_lists`)

def _as_fraction_array(a: object) -> np.ndarray:
    import numpy as np

    arr = np.asarray(a, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = Fraction(v)
    return out


def _validate(
    players: Sequence[str],
    strategies: Sequence[Sequence[str]],
    payoffs: Sequence[object],
) -> tuple[np.ndarray, ...]:
    from kimgame.solvers.exact_arrays import integer_payoffs

    if not (len(players) == len(strategies) == len(payoffs)):
        raise ValueError("players, strategies and payoffs must have the same length")
    shape = tuple(len(s) for s in strategies)
    if any(n == 0 for n in shape):
        raise ValueError("every player needs at least one strategy")
    arrays = tuple(_as_fraction_array(p) for p in payoffs)
    for name, arr in zip(players, arrays):
        if arr.shape != shape:
            raise ValueError(f"payoff array of {name!r} has shape {arr.shape}, expected {shape}")
    # Scaling a player's payoffs by the LCM of their denominators keeps every comparison and every
    # dominating mixture the same, and lets numpy compare int64 instead of Fraction objects.
    return tuple(integer_payoffs(arr) for arr in arrays)


def _matrix(payoffs_i: np.ndarray, i: int) -> np.ndarray:
    """Player ``i``'s payoffs as a matrix: one row per own strategy, one column
    per opponent profile (in C order of the remaining axes)."""
    import numpy as np

    moved = np.moveaxis(payoffs_i, i, 0)
    return moved.reshape(moved.shape[0], -1)


_ONE = Fraction(1)  # Fractions are immutable: one shared 1 for every pure ``by``


def pure_label(label: str) -> Mapping[str, Fraction]:
    """The ``by`` of a pure dominator: ``{label: 1}``, read-only."""
    return MappingProxyType({label: _ONE})


def _strict_pure_dominators(m: np.ndarray, t: int) -> list[int]:
    """Indices of rows of ``m`` that strictly dominate row ``t``."""
    import numpy as np

    better = np.all(m > m[t], axis=1)
    return [int(s) for s in np.flatnonzero(better)]


def _best_response_somewhere(m: np.ndarray, t: int) -> bool:
    """Whether row ``t`` is a best response to some opponent profile (column): then no mixture strictly
    dominates it (that column certifies it). A cheap exact test before any LP."""
    import numpy as np

    return bool(np.any(m[t] >= m.max(axis=0)))


def _mixed_dominator(m: np.ndarray, t: int, clock: Clock | None = None) -> dict[int, Fraction] | None:
    """An exact mixture over rows ``!= t`` strictly dominating row ``t``, or None.

    Decides whether some ``sigma >= 0`` with ``sum sigma = 1`` has ``sum_k sigma_k m[k, z] > m[t, z]`` for
    every column ``z`` — by :func:`kimgame.solvers.lp_certify.feasibility`: HiGHS in floats, certified
    exactly (the mixture checked in rationals; "not dominated" by Farkas multipliers whose strict-row part
    is an opponent belief, over profiles, to which ``t`` is a best response: Pearce 1984, Lemma 3), else
    the exact simplex.
    """
    import numpy as np


    others = [k for k in range(m.shape[0]) if k != t]
    if not others or _best_response_somewhere(m, t):
        return None
    m = m.astype(object)  # Python ints: exact products in the LP and the check below (int64 would overflow)
    n_z = m.shape[1]
    rows: list[Row] = [([m[k, z] for k in others], -m[t, z], ">") for z in range(n_z)]
    rows.append(([1] * len(others), -1, "="))
    answer = feasibility(rows, len(others), [(0, None)] * len(others), clock=clock)
    if not answer.feasible:
        return None
    assert answer.point is not None
    mix = {k: p for k, p in zip(others, answer.point) if p}
    # Exact verification of the certificate before reporting it.
    if sum(mix.values()) != 1 or any(p < 0 for p in mix.values()):
        raise ArithmeticError("LP returned an invalid mixture")
    mixed_row = sum((p * m[k] for k, p in mix.items()), np.zeros(n_z, dtype=object))
    if not np.all(mixed_row > m[t]):
        raise ArithmeticError("LP mixture does not strictly dominate")
    return mix


def _label_mix(labels: Sequence[str], mix: Mapping[int, Fraction]) -> Mapping[str, Fraction]:
    return MappingProxyType({labels[k]: mix[k] for k in sorted(mix)})


# --------------------------------------------------------------------------
# public API

def dominates(payoffs_i: np.ndarray, player_index: int, s: int, t: int, *, strict: bool) -> bool:
    """Whether pure strategy ``s`` of player ``player_index`` dominates ``t``.

    ``payoffs_i`` is that player's payoff array (shape ``(n_1, ..., n_N)``).
    With ``strict=True``: ``u(s, z) > u(t, z)`` for every opponent profile
    ``z``.  With ``strict=False`` (weak dominance): ``u(s, z) >= u(t, z)`` for
    every ``z`` and ``>`` for at least one.  Returns a plain ``bool``.
    """
    import numpy as np

    arr = np.asarray(payoffs_i, dtype=object)
    us = np.take(arr, s, axis=player_index)
    ut = np.take(arr, t, axis=player_index)
    if strict:
        return bool(np.all(us > ut))
    return bool(np.all(us >= ut) and np.any(us > ut))


def pure_dominance(
    players: Sequence[str],
    strategies: Sequence[Sequence[str]],
    payoffs: Sequence[np.ndarray],
    *,
    clock: Clock | None = None,
) -> tuple[Dominance, ...]:
    """All dominance relations between pure strategies.

    Returns one :class:`Dominance` per triple (player ``i``, dominated ``t``,
    dominating pure ``s``) such that ``s`` strictly dominates ``t``
    (``kind="strict"``) or, failing that, weakly dominates it (``>=``
    everywhere and ``>`` somewhere; ``kind="weak"``).  ``by`` is ``{s: 1}``.
    Ordered by player, then dominated strategy, then dominating strategy.
    When ``clock`` stops it: :class:`SearchTimeout` with the relations found so far.
    """
    return _relations(_pure_relations, "dominance relations", players, strategies, payoffs, clock)


def _relations(find, what: str, players: Sequence[str], strategies: Sequence[Sequence[str]],
               payoffs: Sequence[np.ndarray], clock: Clock | None) -> tuple[Dominance, ...]:
    """The relations ``find`` lists; when ``clock`` stops it, :class:`SearchTimeout` with those found so far
    (``what`` names them)."""
    out: list[Dominance] = []
    with stopping(lambda: tuple(out), what):
        find(_validate(players, strategies, payoffs), players, strategies, out, clock or Clock())
    return tuple(out)


def _pure_relations(arrays: tuple[np.ndarray, ...], players: Sequence[str], strategies: Sequence[Sequence[str]],
                    out: list[Dominance], clock: Clock) -> None:
    import numpy as np

    for i, (name, labels) in enumerate(zip(players, strategies)):
        m = _matrix(arrays[i], i)
        for t in range(m.shape[0]):
            clock.check()
            ge = np.all(m >= m[t], axis=1)
            gt = m > m[t]
            strict = np.all(gt, axis=1)
            weak = ge & np.any(gt, axis=1)
            for s in np.flatnonzero(strict | weak).tolist():  # only the dominating rows: often few of many
                out.append(Dominance(name, labels[t], pure_label(labels[s]), "strict" if strict[s] else "weak"))


def mixed_dominance(
    players: Sequence[str],
    strategies: Sequence[Sequence[str]],
    payoffs: Sequence[np.ndarray],
    *,
    clock: Clock | None = None,
) -> tuple[Dominance, ...]:
    """Strategies strictly dominated by a mixed strategy but by no pure one.

    For each player ``i`` and strategy ``t`` not strictly dominated by a pure
    strategy and not a best response to any opponent profile, decides exactly (see
    :mod:`kimgame.solvers.lp_certify`: a float LP whose answer is certified exactly) the LP

        max eps  s.t.  sum_k sigma_k u_i(k, z) - u_i(t, z) >= eps  for all z,
                       sum_k sigma_k = 1,  sigma >= 0  (k != t);

    ``t`` is strictly dominated by a mixed strategy iff ``eps* > 0``
    (Fudenberg & Tirole 1991, §2.1; Myerson 1991, §1.8).  Returns one
    :class:`Dominance` (``kind="strict"``) per such ``t``, with ``by`` the
    optimal mixture (support only, exact probabilities), verified exactly.
    Ordered by player, then strategy. When ``clock`` stops it (checked at every exact
    LP pivot): :class:`SearchTimeout` with the relations found so far.
    """
    return _relations(_mixed_relations, "mixed dominance relations", players, strategies, payoffs, clock)


def _mixed_relations(arrays: tuple[np.ndarray, ...], players: Sequence[str], strategies: Sequence[Sequence[str]],
                     out: list[Dominance], clock: Clock) -> None:
    for i, (name, labels) in enumerate(zip(players, strategies)):
        m = _matrix(arrays[i], i)
        if m.shape[0] < 3:  # a mixture over one other strategy is pure
            continue
        for t in range(m.shape[0]):
            clock.check()
            if _strict_pure_dominators(m, t):
                continue
            mix = _mixed_dominator(m, t, clock)
            if mix is not None:
                out.append(Dominance(name, labels[t], _label_mix(labels, mix), "strict"))


def iterated_elimination(
    players: Sequence[str],
    strategies: Sequence[Sequence[str]],
    payoffs: Sequence[np.ndarray],
    *,
    mixed: bool = True,
    clock: Clock | None = None,
) -> Elimination:
    """Iterated elimination of strictly dominated strategies.

    In each round, every strategy (of every player simultaneously) that is
    strictly dominated in the current reduced game -- by a pure strategy, or
    when ``mixed=True`` also by a mixed strategy -- is removed.  A pure
    dominator is preferred and, among pure dominators, the first in strategy
    order is reported; otherwise ``by`` is an exact LP mixture over the
    strategies alive in that round (which may include strategies removed in
    the same round).  Strict IESDS is order-independent, so the surviving set
    does not depend on these choices (I. Gilboa, E. Kalai and E. Zemel (1990), "On the order of
    eliminating dominated strategies", *Operations Research Letters* 9, 85-89); dominance by a
    mixture is one linear program per strategy, so each round takes polynomial time (Gilboa, Kalai
    & Zemel (1993), "The complexity of eliminating dominated strategies", *Mathematics of Operations
    Research* 18, 553-565).

    Returns an :class:`Elimination` with steps ordered by round, player and
    strategy, and the surviving labels of each player in original order.
    When ``clock`` stops it: :class:`SearchTimeout` whose ``partial`` is an
    :class:`Elimination` with ``complete=False``, the steps made so far (each
    valid) and the strategies not eliminated yet.
    """
    clock = clock or Clock()
    alive: list[list[int]] = [list(range(len(s))) for s in strategies]
    steps: list[EliminationStep] = []

    def so_far() -> Elimination:
        gone = {(step.player, step.eliminated) for step in steps}
        left = tuple(tuple(labels[k] for k in idx if (name, labels[k]) not in gone)
                     for name, labels, idx in zip(players, strategies, alive))
        return Elimination(tuple(steps), left, complete=False)

    with stopping(so_far, "eliminations"):
        _eliminate(_validate(players, strategies, payoffs), players, strategies, alive, steps, mixed, clock)
    surviving = tuple(tuple(labels[k] for k in idx) for labels, idx in zip(strategies, alive))
    return Elimination(tuple(steps), surviving)


def _eliminate(arrays: tuple[np.ndarray, ...], players: Sequence[str], strategies: Sequence[Sequence[str]],
               alive: list[list[int]], steps: list[EliminationStep], mixed: bool, clock: Clock) -> None:
    """IESDS, updating ``alive`` (after each round) and ``steps`` (at each step) in place."""
    import numpy as np

    rnd = 0
    while True:
        rnd += 1
        grid = np.ix_(*alive)
        removed: list[set[int]] = []
        for i, (name, labels) in enumerate(zip(players, strategies)):
            m = _matrix(arrays[i][grid], i)
            gone: set[int] = set()
            for t in range(m.shape[0]):
                clock.check()
                by: Mapping[str, Fraction] | None = None
                pure = _strict_pure_dominators(m, t)
                if pure:
                    by = pure_label(labels[alive[i][pure[0]]])
                elif mixed and m.shape[0] >= 3:
                    mix = _mixed_dominator(m, t, clock)
                    if mix is not None:
                        by = _label_mix(labels, {alive[i][k]: p for k, p in mix.items()})
                if by is not None:
                    gone.add(alive[i][t])
                    steps.append(EliminationStep(rnd, name, labels[alive[i][t]], by))
            removed.append(gone)
        if not any(removed):
            return
        alive[:] = [[k for k in idx if k not in gone] for idx, gone in zip(alive, removed)]


@dataclass(frozen=True, slots=True)
class DominanceAnalysis:
    """What :func:`dominance_analysis` found: the ``dominance`` relations (pure, then mixed) and the
    iterated ``elimination``. ``stopped`` is the :class:`SearchTimeout` when the clock (or Ctrl-C)
    cut the analysis short — then ``elimination.complete`` is False and ``dominance`` holds the
    relations found so far — and None when it finished."""

    dominance: tuple[Dominance, ...]
    elimination: Elimination
    stopped: SearchTimeout | None = None

    @property
    def complete(self) -> bool:
        """Whether the analysis finished."""
        return self.stopped is None


def dominance_analysis(
    players: Sequence[str],
    strategies: Sequence[Sequence[str]],
    payoffs: Sequence[np.ndarray],
    *,
    mixed: bool = True,
    clock: Clock | None = None,
) -> DominanceAnalysis:
    """:func:`pure_dominance`, then (with ``mixed``) :func:`mixed_dominance`, then
    :func:`iterated_elimination` (by mixed strategies too with ``mixed``), all within ``clock``.

    Never raises :class:`SearchTimeout`: when the clock stops it (or on Ctrl-C) the analysis stops and
    returns what it found, with ``stopped`` set (see :class:`DominanceAnalysis`).
    """
    found: tuple[Dominance, ...] = ()
    untouched = Elimination((), tuple(tuple(labels) for labels in strategies), complete=False)
    try:
        found = pure_dominance(players, strategies, payoffs, clock=clock)
        if mixed:
            found += mixed_dominance(players, strategies, payoffs, clock=clock)
    except SearchTimeout as stop:
        assert isinstance(stop.partial, tuple)
        return DominanceAnalysis(found + stop.partial, untouched, stop)
    try:
        elimination = iterated_elimination(players, strategies, payoffs, mixed=mixed, clock=clock)
    except SearchTimeout as stop:
        assert isinstance(stop.partial, Elimination)
        return DominanceAnalysis(found, stop.partial, stop)
    return DominanceAnalysis(found, elimination)


def dominance_note(analysis: DominanceAnalysis, clock: Clock | None) -> str:
    """The note saying where ``clock`` stopped a :class:`DominanceAnalysis`."""
    why = why_stopped(analysis.stopped, clock)
    if analysis.stopped is not None and analysis.stopped.found == "eliminations":
        return (f"{why} during the iterated elimination of strictly dominated strategies, after "
                f"{len(analysis.elimination.steps)} elimination(s): those listed are valid, but more strategies "
                "may be eliminable")
    return (f"{why} during the dominance analysis: the dominated strategies listed are those found so far; "
            "iterated elimination was not done")
