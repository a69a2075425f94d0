"""kimgame: exact, parametric game-theoretic negotiation solver.

>>> import kimgame
>>> g = kimgame.load("games/singapore_matrix.yaml", W=120)   # doctest: +SKIP
>>> result = kimgame.solve(g)                                 # doctest: +SKIP
"""

from __future__ import annotations

from kimgame._version import __version__
from kimgame.errors import KimgameError, Location, SolverLimit, ValidationErrors
from kimgame.io.loader import load
from kimgame.limits import Limits
from kimgame.model.normal_form import NormalFormGame, game_from_arrays


def solve(game, **options):
    """Solve ``game`` (see :func:`kimgame.analysis.solve.solve`); returns a :class:`SolveResult`.

    Options: ``method``, ``timeout`` (seconds; bounds every step, the result is then marked partial) and
    ``limits`` (a :class:`Limits`, or a mapping such as ``{"reduced_profiles": 5_000_000}``).
    """
    from kimgame.analysis.solve import solve as _solve

    return _solve(game, **options)


def analyze(game, claim=None, **options):
    """The exact parameter condition, thresholds and margins of ``game``'s claims (or of ``claim``).

    See :func:`kimgame.analysis.analyze.analyze`; returns a tuple of ``ClaimAnalysis``.
    """
    from kimgame.analysis.analyze import analyze as _analyze

    return _analyze(game, claim, **options)


def sweep(game, vary, claims=None, *, client=None, chunk_size=None):
    """Claims and equilibrium outcomes on a grid of parameter values: ``sweep(g, {"p": (0, 1, 101)})``.

    See :func:`kimgame.analysis.sweep.sweep`; returns a ``SweepResult`` of numpy arrays
    (``.to_pandas()``, ``.to_csv()``). ``client``: a ``dask.distributed.Client`` to evaluate the grid in
    chunks on its workers (the same result, bit for bit; needs ``pip install 'kimgame[dask]'``).
    """
    from kimgame.analysis.sweep import sweep as _sweep

    return _sweep(game, vary, claims, client=client, chunk_size=chunk_size)


__all__ = [
    "KimgameError",
    "Limits",
    "Location",
    "NormalFormGame",
    "SolverLimit",
    "ValidationErrors",
    "__version__",
    "analyze",
    "game_from_arrays",
    "load",
    "solve",
    "sweep",
]
