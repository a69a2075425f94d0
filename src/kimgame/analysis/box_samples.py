"""Exact sample points of a parameter box, to prove conjunctions of sign constraints non-empty quickly."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from kimgame.expr.polynomial import Poly


class BoxSamples:
    """Exact sample points of the box (seeded: the same every run), to prove terms non-empty quickly.

    Coordinates are multiples of ``1/den``: many on the ends of the ranges and on small whole numbers
    (so that ties such as ``E = P + L`` and faces such as ``c = 0`` are hit), the rest spread over the
    ranges. Values are computed in integers (numpy) with ``q`` scaled by a positive factor."""

    COUNT = 512

    def __init__(self, low: Sequence[Fraction | None], high: Sequence[Fraction | None]) -> None:
        import random

        import numpy as np

        rng = random.Random(20181)
        points: list[list[Fraction]] = []
        for k in range(self.COUNT):
            style = k % 5
            point = []
            for lo, hi in zip(low, high):
                a = Fraction(-10) if lo is None else lo
                b = (a + 20) if hi is None else hi
                span = b - a
                if style == 4:  # spread over the range
                    x = a + span * Fraction(rng.randint(0, 240), 240)
                elif rng.random() < (0.35 if style >= 2 else 0.15):
                    x = a if lo is not None or rng.random() < 0.5 else b
                elif span > 12:
                    x = a + rng.randint(1, 8)
                else:
                    x = a + span * Fraction(rng.choice((1, 2, 3, 4, 6, 8, 9, 10, 11)), 12)
                point.append(x)
            points.append(point)
        self.den = math.lcm(*(x.denominator for p in points for x in p)) if points and points[0] else 1
        cols = [[int(p[j] * self.den) for p in points] for j in range(len(low))]
        big = max((abs(x) for c in cols for x in c), default=1)
        self.big = max(big, self.den, 1)
        self.np = np
        self.cols = [np.array(c, dtype=np.int64) for c in cols]
        self.cols_obj = [np.array(c, dtype=object) for c in cols]
        self.count = len(points)
        self.everywhere = (1 << self.count) - 1

    def signs(self, q: Poly) -> tuple[int, int, int]:
        """The sign of ``q`` at every sample point: three bit masks ``(negative, zero, positive)``,
        bit ``k`` for sample ``k`` (exact: int64 while the bound on ``|q|`` allows, else Python integers)."""
        np = self.np
        deg = max((sum(m) for m in q.terms), default=0)
        coeffs = {m: c * self.den ** (deg - sum(m)) for m, c in q.integer_terms().items()}
        bound = sum(abs(c) * self.big ** sum(m) for m, c in coeffs.items())
        cols = self.cols if bound < 2**62 else self.cols_obj
        total = np.zeros(self.count, dtype=np.int64 if bound < 2**62 else object)
        for m, c in coeffs.items():
            term = np.full(self.count, c, dtype=total.dtype)
            for j, e in enumerate(m):
                if e:
                    term = term * cols[j] ** e
            total = total + term

        def bits(flags) -> int:
            return int.from_bytes(np.packbits(np.asarray(flags, dtype=bool), bitorder="little").tobytes(), "little")

        return bits(total < 0), bits(total == 0), bits(total > 0)
