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
    return _scaled(payoff)[0]


def _scaled(payoff: np.ndarray) -> tuple[np.ndarray, int]:
    """``payoff`` times the LCM of its denominators (int64 if it fits, else Python ints), and that LCM."""
    flat = [q if isinstance(q, (int, Fraction)) else Fraction(q) for q in payoff.reshape(-1).tolist()]
    lcm = math.lcm(*(q.denominator for q in flat)) if flat else 1
    ints = [int(q.numerator) * (lcm // int(q.denominator)) for q in flat]
    if all(-_INT64_SAFE < v < _INT64_SAFE for v in ints):
        return np.array(ints, dtype=np.int64).reshape(payoff.shape), lcm
    out = np.empty(len(ints), dtype=object)
    out[:] = ints
    return out.reshape(payoff.shape), lcm


def expected_values(payoff: np.ndarray, mix: tuple[tuple[Fraction, ...], ...], player: int) -> list[Fraction]:
    """Exact expected payoff of each pure strategy of ``player`` against the others' mixed strategies.

    In integers: the payoffs times the LCM of their denominators, each mixture over its common
    denominator, contracted with int64 dot products when the bound on every partial sum fits (Python
    ints otherwise), and divided once at the end."""
    arr, den = _scaled(payoff)
    # contract the other players' axes from the last to the first so axis numbers stay valid
    for j in reversed(range(len(mix))):
        if j == player:
            continue
        fr = [Fraction(p) for p in mix[j]]
        d = math.lcm(*(p.denominator for p in fr))
        ints = [p.numerator * (d // p.denominator) for p in fr]
        bound = int(np.max(np.abs(arr))) * sum(abs(v) for v in ints) if arr.size else 0
        if arr.dtype != object and bound < _INT64_SAFE:
            vec = np.array(ints, dtype=np.int64)
        else:
            arr = arr.astype(object)
            vec = np.empty(len(ints), dtype=object)
            vec[:] = ints
        arr = np.tensordot(arr, vec, axes=([j], [0]))
        den *= d
    return [Fraction(int(v), den) for v in np.asarray(arr).reshape(-1)]
