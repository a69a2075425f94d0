"""kimgame: exact, parametric game-theoretic negotiation solver.

>>> import kimgame
>>> g = kimgame.load("games/singapore_matrix.yaml", W=120)   # doctest: +SKIP
>>> result = kimgame.solve(g)                                 # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from kimgame.errors import KimgameError, Location, SolverLimit, ValidationErrors
from kimgame.io.loader import load
from kimgame.model.normal_form import NormalFormGame, game_from_arrays


def solve(game, **options):
    """Solve ``game`` (see :func:`kimgame.solvers.api.solve`); returns a :class:`SolveResult`."""
    from kimgame.solvers.api import solve as _solve

    return _solve(game, **options)


__all__ = [
    "KimgameError",
    "Location",
    "NormalFormGame",
    "SolverLimit",
    "ValidationErrors",
    "__version__",
    "game_from_arrays",
    "load",
    "solve",
]
