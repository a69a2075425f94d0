"""Exact payoff arrays in integer form, for fast vectorised comparisons.

Multiplying a player's payoffs by the least common multiple of their denominators preserves every
comparison that player makes, so best responses can be found on integers (int64 when they fit).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

_INT64_SAFE = 2**62


def integer_payoffs(payoff: np.ndarray) -> np.ndarray:
    """``payoff`` (Fractions) scaled by the LCM of its denominators: int64 if it fits, else Python ints."""
    flat = payoff.reshape(-1)
    lcm = 1
    for q in flat:
        lcm = math.lcm(lcm, Fraction(q).denominator)
    ints = [int(Fraction(q) * lcm) for q in flat]
    if all(-_INT64_SAFE < v < _INT64_SAFE for v in ints):
        return np.array(ints, dtype=np.int64).reshape(payoff.shape)
    out = np.empty(len(ints), dtype=object)
    out[:] = ints
    return out.reshape(payoff.shape)


def expected_values(payoff: np.ndarray, mix: tuple[tuple[Fraction, ...], ...], player: int) -> list[Fraction]:
    """Exact expected payoff of each pure strategy of ``player`` against the others' mixed strategies."""
    arr = payoff
    # contract the other players' axes from the last to the first so axis numbers stay valid
    for j in reversed(range(len(mix))):
        if j == player:
            continue
        vec = np.array([Fraction(p) for p in mix[j]], dtype=object)
        arr = np.tensordot(arr, vec, axes=([j], [0]))
    return [Fraction(v) for v in np.asarray(arr, dtype=object).reshape(-1)]
