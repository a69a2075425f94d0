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
from kimgame.report.notebook import install as _install_displays

_install_displays()  # Jupyter displays and SolveResult.to_pandas (see kimgame.model.presentation)


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


def write_report(game, path, *, timeout=None):
    """Write the self-contained HTML page of ``game`` (what ``kimgame report`` writes) to ``path``; returns
    the path. See :mod:`kimgame.report.html_page` and docs/report.md."""
    from pathlib import Path

    from kimgame.io.editing import atomic_write
    from kimgame.report.html_page import build_report

    out = Path(path)
    atomic_write(out, build_report(game, source_file=Path(game.path).name if game.path else None, timeout=timeout))
    return out


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
    "write_report",
]
