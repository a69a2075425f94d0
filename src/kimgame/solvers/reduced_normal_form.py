"""The reduced normal form of a tree (or of a part of it) in exact numbers, and Kuhn's translation
between mixed plans and behaviour strategies.

The symbolic reduced normal form (payoff formulas) is :func:`kimgame.model.reduced_form.reduced_normal_form`;
here the payoffs are ``Fraction``s at the game's parameter values, with cut nodes (solved subgames)
standing for their values, as the subgame solver needs.

Kuhn (1953): with perfect recall every mixed strategy has a realization-equivalent behaviour strategy.
The probability of action ``a`` at information set ``h`` is the probability of the plans that choose ``a``
at ``h`` divided by that of the plans that reach ``h`` (choose anything there). When the player's own
plan never reaches ``h`` the division is 0/0: the behaviour there is *free* (None here) — it changes
nothing the player's plan does, and :mod:`kimgame.solvers.subgames` fills it in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from kimgame.model.tree import ExtensiveFormGame, PlanSpace

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

Behavior = dict[str, tuple[Fraction, ...] | None]

_UNITS: dict[tuple[int, int], tuple[Fraction, ...]] = {}
_UNIT_INDEX: dict[int, int] = {}


def unit(n: int, k: int) -> tuple[Fraction, ...]:
    """The pure behaviour choosing action ``k`` of ``n`` (one shared tuple per (n, k))."""
    key = (n, k)
    out = _UNITS.get(key)
    if out is None:
        out = tuple(Fraction(int(j == k)) for j in range(n))
        _UNITS[key] = out
        _UNIT_INDEX[id(out)] = k
    return out


def pure_choice(probs) -> int | None:
    """The action index if ``probs`` puts probability one on one action, else None (fast for :func:`unit`)."""
    k = _UNIT_INDEX.get(id(probs))
    if k is not None and _UNITS.get((len(probs), k)) is probs:
        return k
    for j, p in enumerate(probs):
        if p == 1:
            return j
    return None


def leaf_weights(game: ExtensiveFormGame, space: PlanSpace) -> tuple[Fraction, ...]:
    """For each leaf of ``space``, the product of the chance probabilities on the way (at the values)."""
    chance = game.chance_values
    out = []
    for moves in space.leaf_chance:
        w = Fraction(1)
        for c, k in moves:
            probs = chance[c]
            assert probs is not None, "leaf_chance lists chance nodes only"
            w *= probs[k]
        out.append(w)
    return tuple(out)


def payoff_arrays(
    game: ExtensiveFormGame,
    space: PlanSpace,
    cut_values: Mapping[int, Sequence[Fraction]] | None = None,
    weights: Sequence[Fraction] | None = None,
) -> tuple[np.ndarray, ...]:
    """Exact expected payoffs of every player over the plan profiles of ``space`` (one object array of
    Fractions per player, shape ``space.shape``); cut leaves take their values from ``cut_values``."""
    import numpy as np

    n = len(game.players)
    shape = space.shape
    arrays = []
    for _ in range(n):
        a = np.empty(shape, dtype=object)
        a.fill(Fraction(0))
        arrays.append(a)
    weights = leaf_weights(game, space) if weights is None else weights
    terminal = game.terminal_values
    for leaf, last, w in zip(space.leaves, space.leaf_last, weights):
        if w == 0:
            continue
        value: Sequence[Fraction] | None = terminal[leaf]
        if value is None:
            if cut_values is None:
                raise ValueError(f"leaf {leaf} is a cut subgame root but no cut_values were given")
            value = cut_values[leaf]
        index = np.ix_(*(space.consistent[i][last[i]] for i in range(n)))
        for i in range(n):
            if value[i]:
                arrays[i][index] += w * value[i]
    return tuple(arrays)


def expected(array: np.ndarray, profile: Sequence[Sequence[Fraction]]) -> Fraction:
    """The expectation of ``array`` (one axis per mixed strategy in ``profile``), exactly."""
    import numpy as np

    out = array
    for mix in reversed(profile):
        vec = np.array(list(mix), dtype=object)
        out = np.tensordot(out, vec, axes=([out.ndim - 1], [0]))
    return Fraction(out.item() if isinstance(out, np.ndarray) else out)


def behavior_from_mixed(game: ExtensiveFormGame, space: PlanSpace, player: int,
                        mix: Sequence[Fraction]) -> Behavior:
    """The behaviour strategy of ``player`` at their information sets in ``space`` realization-equivalent
    to the mixed plan ``mix`` (Kuhn's theorem: H. W. Kuhn (1953), "Extensive games and the problem of
    information", *Contributions to the Theory of Games* II, 193-216); None at information sets the plan
    never reaches (free)."""
    out: Behavior = {}
    support = [(plan, p) for plan, p in zip(space.plans[player], mix) if p]
    for pos, label in enumerate(space.infosets[player]):
        k = len(game.infosets[label].actions)
        mass = [Fraction(0)] * k
        for plan, p in support:
            a = plan[pos]
            if a is not None:
                mass[a] += p
        total = sum(mass, Fraction(0))
        out[label] = tuple(m / total for m in mass) if total else None
    return out


def mixed_from_behavior(space: PlanSpace, player: int, behavior: Mapping[str, Sequence[Fraction] | None]
                        ) -> tuple[Fraction, ...]:
    """The mixed plan realization-equivalent to a behaviour strategy: each plan's probability is the product
    of its actions' probabilities at the information sets it chooses at (free sets never count: a plan
    choosing there has probability 0 already)."""
    labels = space.infosets[player]
    out = []
    for plan in space.plans[player]:
        p = Fraction(1)
        for pos, a in enumerate(plan):
            if a is None:
                continue
            probs = behavior.get(labels[pos])
            if probs is None:
                p = Fraction(0)
                break
            p *= probs[a]
            if not p:
                break
        out.append(p)
    return tuple(out)
