"""Work estimates made *before* a step whose size is known, so that a method can be chosen up front
instead of discovering the cost by running out of time (the memory estimate of a game about to be built
is :func:`kimgame.limits.too_much_memory`).

The estimates are deliberately simple and calibrated on this project's own measurements (docs/exactness.md,
"The budget"); they are upper-bound-minded for generic games. Degenerate games can be slower than the
enumeration estimate: the time and memory checks of :class:`kimgame.solvers.clock.Clock` catch those.
"""

from __future__ import annotations

from math import comb

__all__ = ["ENUMERATION_SECONDS_PER_VERTEX_LABEL", "enumeration_seconds", "vertex_bound"]

# Measured on random games with payoffs 0..9 (10 x 10 to 12 x 12, 4 x 30, 3 x 60, 6 x 25): the exact vertex
# enumeration takes 2-4 microseconds per (upper-bound vertex x label); 3.5 keeps square games honest and
# rectangular ones close.
ENUMERATION_SECONDS_PER_VERTEX_LABEL = 3.5e-6


def vertex_bound(dimension: int, facets: int) -> int:
    """McMullen's upper bound on the vertices of a ``dimension``-polytope with ``facets`` facets:
    ``C(f - ceil(d/2), floor(d/2)) + C(f - floor(d/2) - 1, ceil(d/2) - 1)`` (P. McMullen (1970), "The
    maximum numbers of faces of a convex polytope", *Mathematika* 17:179-184)."""
    d, f = dimension, facets
    if d <= 0:
        return 1
    return comb(f - (d + 1) // 2, d // 2) + comb(f - d // 2 - 1, (d + 1) // 2 - 1)


def enumeration_seconds(m: int, n: int) -> float:
    """Estimated seconds of :func:`kimgame.solvers.enummixed.extreme_equilibria` on a nondegenerate
    ``m x n`` game: the vertex bounds of the two best-response polytopes ``P`` (dimension ``m``) and ``Q``
    (dimension ``n``), each with ``m + n`` facets, times the measured cost per vertex and label. Gives
    0.6 s at 10 x 10, 4 s at 12 x 12, 30 s at 14 x 14: sevenfold per two strategies more, as measured,
    and a little above the measured 0.3 s, 2-3 s and 15 s."""
    vertices = vertex_bound(m, m + n) + vertex_bound(n, m + n)
    return vertices * (m + n) * ENUMERATION_SECONDS_PER_VERTEX_LABEL

