"""kimgame: exact, parametric game-theoretic negotiation solver.

Public names: :func:`load`, :func:`solve` (the default pipeline), :mod:`kimgame.nash` (one function per
algorithm), :func:`analyze`, :func:`sweep`, :func:`game_from_arrays`, :class:`Limits`, and the result
types (:class:`SolveResult`, :class:`Equilibrium`, :class:`Method`).

>>> import kimgame
>>> g = kimgame.load("games/singapore_matrix.yaml", W=120)
>>> g.parameters["W"].value, g.parameters["W"].default
(Fraction(120, 1), Fraction(100, 1))
>>> result = kimgame.solve(g)
>>> (eq,) = result.equilibria
>>> eq.strategies["US"]["private"], eq.payoffs["DPRK"], eq.max_regret()
(Fraction(1, 1), Fraction(10, 1), Fraction(0, 1))
>>> result.method.scope, result.method.complete
('all Nash equilibria', True)
"""

from __future__ import annotations

from kimgame import nash
from kimgame._version import __version__
from kimgame.errors import KimgameError, Location, SolverLimit, ValidationErrors
from kimgame.io.loader import load
from kimgame.limits import Limits
from kimgame.model.normal_form import NormalFormGame, game_from_arrays
from kimgame.report.notebook import install as _install_displays
from kimgame.solvers.results import Equilibrium, Method, SolveResult

_install_displays()  # Jupyter displays and SolveResult.to_pandas (see kimgame.model.presentation)


def solve(game, **options):
    """Solve ``game``: equilibria, dominance, claims; returns a :class:`SolveResult`.

    Options: ``method`` (default ``auto``: every extreme equilibrium of a two-player game, all pure
    equilibria of a larger one, the subgame-perfect and Nash equilibria of a tree; see
    :func:`kimgame.analysis.solve.solve` and :mod:`kimgame.nash`), ``timeout`` (seconds; bounds every step,
    the result is then marked partial), ``limits`` (a :class:`Limits`, or a mapping such as
    ``{"spe_listed": 1000}``) and ``conditions`` (False: skip the claims' symbolic conditions).
    ``result.method`` records the algorithm, the scope of the list, whether it is complete, its counts,
    the options and the time (:mod:`kimgame.solvers.scope`).

    >>> import kimgame
    >>> result = kimgame.solve(kimgame.load("games/three_player_coordination.yaml"))
    >>> result.method.scope, result.complete, result.method.listed
    ('all Nash equilibria', True, 3)
    >>> pure = kimgame.solve(kimgame.load("games/three_player_coordination.yaml"), method="pure")
    >>> pure.method.scope, pure.complete, pure.method.listed
    ('all pure Nash equilibria', True, 2)
    >>> tree = kimgame.solve(kimgame.load("games/centipede.yaml"), limits={"spe_listed": 1})
    >>> tree.method.scope
    'all extreme Nash equilibria'
    """
    from kimgame.analysis.solve import solve as _solve

    return _solve(game, **options)


def analyze(game, claim=None, **options):
    """The exact parameter condition, thresholds and margins of ``game``'s claims (or of ``claim``).

    See :func:`kimgame.analysis.analyze.analyze`; returns a tuple of ``ClaimAnalysis``.

    >>> import kimgame
    >>> (a,) = kimgame.analyze(kimgame.load("games/prisoners_dilemma.yaml"))
    >>> a.claim.id, a.holds
    ('defect-dominates', True)
    """
    from kimgame.analysis.analyze import analyze as _analyze

    return _analyze(game, claim, **options)


def sweep(game, vary, claims=None, *, client=None, chunk_size=None):
    """Claims and equilibrium outcomes on a grid of parameter values: ``sweep(g, {"p": (0, 1, 101)})``.

    See :func:`kimgame.analysis.sweep.sweep`; returns a ``SweepResult`` of numpy arrays
    (``.to_pandas()``, ``.to_csv()``). ``client``: a ``dask.distributed.Client`` to evaluate the grid in
    chunks on its workers (the same result, bit for bit; needs ``pip install 'kimgame[dask]'``).

    >>> import kimgame
    >>> grid = kimgame.sweep(kimgame.load("games/singapore_matrix.yaml"), {"W": (0, 200, 5)})
    >>> grid.claims["silence-dominates"].shape
    (5,)
    """
    from kimgame.analysis.sweep import sweep as _sweep

    return _sweep(game, vary, claims, client=client, chunk_size=chunk_size)


def parametric_equilibria(game, parameters=None):
    """Every extreme equilibrium of a small two-player game as exact functions of its parameters: pieces
    ``(region, x(θ), y(θ))``; see :func:`kimgame.analysis.parametric_equilibria.parametric_equilibria`.

    >>> import kimgame
    >>> pieces = kimgame.parametric_equilibria(kimgame.load("games/matching_pennies.yaml"))
    >>> len(pieces) >= 1
    True
    """
    from kimgame.analysis.parametric_equilibria import parametric_equilibria as _parametric

    return _parametric(game, parameters)


def plot_regions(grid, out_path, game=None):
    """Draw a :func:`sweep` result to ``out_path`` (PNG or SVG; needs ``kimgame[plot]``, i.e. matplotlib);
    returns the path. See :func:`kimgame.analysis.plot.plot_regions`."""
    from kimgame.analysis.plot import plot_regions as _plot

    return _plot(grid, out_path, game)


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
    "Equilibrium",
    "KimgameError",
    "Limits",
    "Location",
    "Method",
    "NormalFormGame",
    "SolveResult",
    "SolverLimit",
    "ValidationErrors",
    "__version__",
    "analyze",
    "game_from_arrays",
    "load",
    "nash",
    "parametric_equilibria",
    "plot_regions",
    "solve",
    "sweep",
    "write_report",
]
