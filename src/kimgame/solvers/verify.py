"""Exact verification that a mixed-strategy profile is a Nash equilibrium (any number of players)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from kimgame.solvers.exact_arrays import expected_values


def is_probability_vector(p: Sequence[Fraction], size: int) -> bool:
    """True when ``p`` has ``size`` non-negative entries summing to exactly 1."""
    return len(p) == size and all(x >= 0 for x in p) and sum(p, Fraction(0)) == 1


def profile_payoffs(payoffs: Sequence[np.ndarray], profile: tuple[tuple[Fraction, ...], ...]) -> tuple[Fraction, ...]:
    """Each player's exact expected payoff at a mixed profile."""
    out = []
    for i, u in enumerate(payoffs):
        values = expected_values(u, profile, i)
        out.append(sum((p * v for p, v in zip(profile[i], values)), Fraction(0)))
    return tuple(out)


def regrets(payoffs: Sequence[np.ndarray], profile: tuple[tuple[Fraction, ...], ...]) -> tuple[Fraction, ...]:
    """For each player, the best pure deviation's gain over the profile's payoff (0 at an equilibrium)."""
    out = []
    for i, u in enumerate(payoffs):
        values = expected_values(u, profile, i)
        current = sum((p * v for p, v in zip(profile[i], values)), Fraction(0))
        out.append(max(values) - current)
    return tuple(out)


def is_nash(payoffs: Sequence[np.ndarray], profile: tuple[tuple[Fraction, ...], ...]) -> bool:
    """True when ``profile`` is exactly a Nash equilibrium: valid probabilities, no profitable deviation.

    A mixed profile is an equilibrium iff no player gains by a *pure* deviation (J. Nash (1951),
    "Non-cooperative games", *Annals of Mathematics* 54, 286-295), so the pure deviations are all checked."""
    shape = payoffs[0].shape
    if len(profile) != len(shape):
        return False
    if not all(is_probability_vector(p, k) for p, k in zip(profile, shape)):
        return False
    return all(r == 0 for r in regrets(payoffs, profile))
