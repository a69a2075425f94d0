"""All pure-strategy Nash equilibria of an N-player game, by a vectorised best-response check."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kimgame.solvers.exact_arrays import integer_payoffs


def pure_equilibria(payoffs: Sequence[np.ndarray]) -> list[tuple[int, ...]]:
    """Every pure Nash equilibrium as a tuple of strategy indices, in lexicographic order.

    A profile is an equilibrium when each player's payoff there equals the maximum over that player's
    axis (their best-response value against the others' strategies). Payoffs are scaled to integers,
    so the test is exact; with int64 it handles games of 10^6 profiles in well under a second. The
    definition is J. Nash (1951), "Non-cooperative games", *Annals of Mathematics* 54, 286-295.
    """
    shape = payoffs[0].shape
    stable = np.ones(shape, dtype=bool)
    for i, u in enumerate(payoffs):
        ints = integer_payoffs(u)
        best = ints.max(axis=i, keepdims=True)
        stable &= ints == best
    return [tuple(int(k) for k in idx) for idx in np.argwhere(stable)]
