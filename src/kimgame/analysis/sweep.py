"""Sweeps: claims and equilibrium outcomes on a grid of parameter values, vectorised.

``sweep(game, {"K": (0, 200, 201), "H": (0, 1000, 101)})`` varies the named parameters over evenly
spaced grids (the others stay at their values) and returns, for each claim, a boolean array over the
grid, and an outcome label array naming the pure Nash equilibria at each point of a matrix game
(``"private/dismantle"``; several joined by ``"; "``; ``"none"`` where there is no pure equilibrium),
or the subgame-perfect paths of play of a tree (``"silence > dismantle > status_quo"``).

The exact conditions (:mod:`kimgame.analysis.conditions`) are derived once and compiled with
``sympy.lambdify`` to numpy, so a 1000 x 1000 grid is a handful of array operations, not a million
solver calls. Evaluation on the grid is in floating point — a sweep is a picture: grid points lying
exactly on a boundary of a region (where a condition's two sides are equal) may fall either way.
Use :func:`kimgame.analysis.conditions.evaluate_condition` for an exact answer at one point.

The grid coordinates themselves are exact (``parse_vary("p=0:2/3:5")`` gives 0, 1/6, 1/3, 1/2, 2/3)
and are written exactly by :meth:`SweepResult.to_csv` (a numeric column per parameter and its exact
value in a column of its own) and :meth:`SweepResult.to_json`.

Large grids: the symbolic work is done once into a :class:`SweepPlan` (the varied parameters, their
exact axes and each claim's and outcome's condition). A plan evaluates any run of grid points in C
order (:meth:`SweepPlan.evaluate`) with the same compiled functions as the whole-grid path, so
:func:`sweep` with a Dask ``client`` and :func:`~kimgame.analysis.sweep_stream.sweep_to_csv` (chunks streamed to a file, locally or
on Dask; see :mod:`kimgame.analysis.distributed`) give the same values, bit for bit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from kimgame._version import __version__
from kimgame.analysis.conditions import UnsupportedCondition, claim_condition, pure_equilibrium_conditions
from kimgame.analysis.distributed import map_chunks, worker_threads
from kimgame.analysis.focus import focus
from kimgame.analysis.sweep_csv import EXACT_SUFFIX, TRUE_FALSE, axis_cells, csv_cell, csv_header
from kimgame.analysis.sweep_grid import MAX_POINTS, check_vary
from kimgame.analysis.sweep_outcomes import (
    PROFILE_SEPARATOR,
    OutcomeNames,
    SweepChunk,
    chunk_ranges,
    outcome_codes,
    outcome_patterns,
)
from kimgame.analysis.tree_conditions import tree_outcome_regions
from kimgame.errors import KimgameError
from kimgame.expr.numbers import fmt
from kimgame.model.tree import ExtensiveFormGame

__all__ = ["SweepPlan", "SweepResult", "sweep", "sweep_plan"]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Claims and outcomes over a grid.

    ``parameters``: the varied parameters, in axis order. ``axes``: their grid values (float64
    arrays); ``axes_exact``: the same values as exact Fractions. ``fixed``: the values of all other
    parameters. ``claims``: claim id -> boolean array of shape ``(len(axes[0]), len(axes[1]), ...)``.
    ``equilibria``: pure profile label (``"private/dismantle"``) -> boolean array (is it a pure
    equilibrium there). ``outcome_codes``: int array of the grid's shape indexing ``outcome_names``
    (the pure equilibria at a point joined by ``"; "``, or ``"none"``; in order of first appearance);
    :attr:`outcomes` gives the labels themselves. ``notes``: claims left out and why.
    """

    title: str
    parameters: tuple[str, ...]
    axes: tuple[np.ndarray, ...]
    axes_exact: tuple[tuple[Fraction, ...], ...]
    fixed: Mapping[str, Fraction]
    claims: Mapping[str, np.ndarray]
    equilibria: Mapping[str, np.ndarray]
    outcome_codes: np.ndarray
    outcome_names: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape: the number of values of each varied parameter, in axis order."""
        return tuple(len(a) for a in self.axes)

    @property
    def outcomes(self) -> np.ndarray:
        """The outcome label at each grid point (an object array of str, shape :attr:`shape`)."""
        return np.array(self.outcome_names, dtype=object)[self.outcome_codes]

    def outcome_labels(self) -> tuple[str, ...]:
        """The distinct outcome labels, in order of first appearance on the grid (C order)."""
        return self.outcome_names

    def to_csv(self, path: str | Path | None = None) -> str:
        """One row per grid point (C order, last parameter fastest): each parameter as a number (the
        shortest text that reads back as its float) and its exact value in a column ``NAME_exact``
        (``1/3``), each claim as ``true``/``false``, the outcome label. Written to ``path`` if given;
        returns the text. ``pandas.read_csv`` reads the parameters as float64 and the claims as bool."""
        shape = self.shape
        cells = axis_cells(self.axes, self.axes_exact)
        columns = []
        for k, one_axis in enumerate(cells):
            index = np.indices(shape)[k].reshape(-1) if len(shape) > 1 else np.arange(shape[0])
            columns.append(one_axis[index])
        columns.extend(TRUE_FALSE[a.reshape(-1).astype(np.intp)] for a in self.claims.values())
        quoted = np.array([csv_cell(x) for x in self.outcome_names], dtype=object)
        columns.append(quoted[self.outcome_codes.reshape(-1)])
        text = csv_header(self.parameters, self.claims) + "".join(",".join(row) + "\n" for row in zip(*columns))
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_pandas(self):
        """A tidy ``pandas.DataFrame``, one row per grid point (C order, as :meth:`to_csv`): each varied
        parameter (float64) and its exact value (``NAME_exact``, text such as ``"1/3"``), each claim (bool),
        and ``outcome`` (categorical, categories in :attr:`outcome_names` order). pandas is optional:
        ``pip install 'kimgame[pandas]'``."""
        pd = _pandas()
        shape = self.shape
        data: dict[str, Any] = {}
        for k, name in enumerate(self.parameters):
            index = np.indices(shape)[k].reshape(-1) if len(shape) > 1 else np.arange(shape[0])
            data[name] = self.axes[k][index]
            data[name + EXACT_SUFFIX] = np.array([fmt(q) for q in self.axes_exact[k]], dtype=object)[index]
        for cid, a in self.claims.items():
            data[cid] = a.reshape(-1).astype(bool)
        data["outcome"] = pd.Categorical.from_codes(self.outcome_codes.reshape(-1), categories=list(self.outcome_names))
        return pd.DataFrame(data)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: exact axes and fixed values, nested lists for claims and outcomes."""
        return {
            "kimgame": __version__,
            "title": self.title,
            "parameters": list(self.parameters),
            "axes": {name: [fmt(q) for q in axis] for name, axis in zip(self.parameters, self.axes_exact)},
            "fixed": {name: fmt(v) for name, v in self.fixed.items()},
            "claims": {cid: a.tolist() for cid, a in self.claims.items()},
            "outcome_names": list(self.outcome_names),
            "outcomes": self.outcome_codes.tolist(),
            "notes": list(self.notes),
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """:meth:`to_dict` as deterministic JSON text; written to ``path`` if given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def sweep(game, vary: Mapping[str, Sequence[Any]], claims=None, *, client=None,
          chunk_size: int | None = None) -> SweepResult:
    """Evaluate claims and equilibrium outcomes on the grid ``vary: name -> (lo, hi, n)``.

    ``claims``: None for all of the game's claims, else a sequence of claim ids, ``Claim`` objects
    or specs. Values outside a parameter's declared range are refused (the conditions are simplified
    within the ranges). The conditions are derived on the game with every other parameter at its
    value (:func:`~kimgame.analysis.focus.focus`), so they involve the varied parameters only. The
    outcome at a point is the set of pure Nash equilibria of a matrix game, or the set of paths of
    play of the subgame-perfect equilibria of a tree
    (:func:`~kimgame.analysis.tree_conditions.tree_outcome_regions`). Floating-point evaluation:
    points exactly on a boundary may fall either way (see the module doc).

    ``client``: a ``dask.distributed.Client``; the grid is then cut into chunks of ``chunk_size``
    points (default: about eight per worker thread) evaluated on its workers and put together here,
    with the same result, bit for bit, as without it. Without a client nothing of Dask is imported.
    """
    plan = sweep_plan(game, vary, claims)
    if client is None:
        return plan.evaluate_grid()

    total = plan.points
    size = chunk_size or max(1, math.ceil(total / (8 * worker_threads(client))))
    claim_arrays = {cid: np.empty(total, dtype=bool) for cid in plan.claims}
    eq_arrays = {label: np.empty(total, dtype=bool) for label in plan.equilibria}
    codes = np.empty(total, dtype=np.intp)
    outcomes = OutcomeNames(list(plan.equilibria))
    with closing(map_chunks(_evaluate_chunk, plan, chunk_ranges(total, size), client)) as chunks:
        for chunk in chunks:
            part = slice(chunk.start, chunk.stop)
            for cid, a in chunk.claims.items():
                claim_arrays[cid][part] = a
            for label, a in chunk.equilibria.items():
                eq_arrays[label][part] = a
            codes[part] = outcomes.global_codes(chunk)
    shape = plan.shape
    return SweepResult(plan.title, plan.parameters, plan.axes, plan.axes_exact, plan.fixed,
                       {k: a.reshape(shape) for k, a in claim_arrays.items()},
                       {k: a.reshape(shape) for k, a in eq_arrays.items()}, codes.reshape(shape),
                       outcomes.names(), plan.notes)


@dataclass(frozen=True, eq=False)
class SweepPlan:
    """What a sweep evaluates, derived once: the varied ``parameters`` and their ``axes`` (float64) and
    ``axes_exact``; ``claims``: claim id -> its exact condition on the varied parameters (a sympy
    Boolean); ``equilibria``: outcome label (a pure profile, or a tree's SPE path) -> where it is one.
    A plan holds no file path: it is what is shipped to Dask workers. Each process compiles the
    conditions to numpy once (:func:`~kimgame.analysis.montecarlo.compile_condition`)."""

    title: str
    parameters: tuple[str, ...]
    axes: tuple[np.ndarray, ...]
    axes_exact: tuple[tuple[Fraction, ...], ...]
    fixed: Mapping[str, Fraction]
    claims: Mapping[str, Any]
    equilibria: Mapping[str, Any]
    notes: tuple[str, ...] = ()
    _compiled: dict[str, Callable] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:  # the compiled functions stay in the process that made them
        state = dict(self.__dict__)
        state["_compiled"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape: the number of values of each varied parameter, in axis order."""
        return tuple(len(a) for a in self.axes)

    @property
    def points(self) -> int:
        """The number of grid points (the product of :attr:`shape`)."""
        return math.prod(self.shape)

    def _function(self, key: str, cond) -> Callable:
        fn = self._compiled.get(key)
        if fn is None:
            from kimgame.analysis.montecarlo import compile_condition

            fn = self._compiled[key] = compile_condition(cond, list(self.parameters))
        return fn

    def _evaluate(self, coords: Sequence[np.ndarray], shape: tuple[int, ...]
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        def one(key: str, cond) -> np.ndarray:
            return np.array(np.broadcast_to(np.asarray(self._function(key, cond)(*coords), dtype=bool), shape))

        claims = {cid: one("claim " + cid, c) for cid, c in self.claims.items()}
        return claims, {label: one("outcome " + label, c) for label, c in self.equilibria.items()}

    def evaluate_grid(self) -> SweepResult:
        """The whole grid at once (numpy broadcasting over a mesh): the embedded sweep."""
        shape = self.shape
        claims, eqs = self._evaluate(np.meshgrid(*self.axes, indexing="ij"), shape)
        codes, names = outcome_codes(eqs, shape)
        return SweepResult(self.title, self.parameters, self.axes, self.axes_exact, self.fixed, claims, eqs,
                           codes, names, self.notes)

    def coordinates(self, start: int, stop: int) -> tuple[np.ndarray, ...]:
        """The axis indices of grid points ``start`` to ``stop - 1`` (C order, last axis fastest)."""
        return np.unravel_index(np.arange(start, stop, dtype=np.int64), self.shape)

    def evaluate(self, start: int, stop: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Claims and outcomes at grid points ``start`` to ``stop - 1`` (1-D boolean arrays): the same
        compiled functions on the same float coordinates as :meth:`evaluate_grid`, element for element."""
        index = self.coordinates(start, stop)
        return self._evaluate([axis[i] for axis, i in zip(self.axes, index)], (stop - start,))

    def sub_plan(self, strides: Sequence[int]) -> SweepPlan:
        """The plan on the sub-grid of every ``strides[k]``-th value of axis k (the last value kept)."""
        picks = [_stride_index(len(a), s) for a, s in zip(self.axes, strides)]
        return SweepPlan(self.title, self.parameters, tuple(a[p] for a, p in zip(self.axes, picks)),
                         tuple(tuple(e[i] for i in p) for e, p in zip(self.axes_exact, picks)), self.fixed,
                         self.claims, self.equilibria, self.notes)


def sweep_plan(game, vary: Mapping[str, Sequence[Any]], claims=None, *, max_points: int = MAX_POINTS) -> SweepPlan:
    """Derive a sweep's conditions once (see :func:`sweep` for the arguments): a :class:`SweepPlan`."""
    import sympy

    from kimgame.analysis.analyze import resolve_claims

    grid = check_vary(game, vary, max_points)
    varied = [name for name, _ in grid]
    fixed = {p.name: game.values[p.name] for p in game.parameters if p.name not in varied}
    sliced = focus(game, varied)
    axes = tuple(np.array([float(q) for q in values]) for _, values in grid)
    chosen = resolve_claims(game, None if claims is None else list(claims))
    claim_conditions: dict[str, sympy.Boolean] = {}
    notes = []
    for c in chosen:
        try:
            claim_conditions[c.id] = claim_condition(sliced, c)
        except UnsupportedCondition as err:
            notes.append(f"claim {c.id} left out: {err.message}")
    try:  # formulas without an exact sign-preserving form get no outcome column, and a note says why
        if isinstance(game, ExtensiveFormGame):
            eq_conditions = {label: cond for cond, label in tree_outcome_regions(sliced)}
        else:
            eq_conditions = {PROFILE_SEPARATOR.join(p): cond
                             for p, cond in pure_equilibrium_conditions(sliced).items()}
    except NotImplementedError as err:
        eq_conditions = {}
        notes.append(f"outcomes left out: {err}")
    return SweepPlan(game.title, tuple(varied), axes, tuple(v for _, v in grid), fixed,
                     claim_conditions, eq_conditions, tuple(notes))


def _evaluate_chunk(plan: SweepPlan, bounds: tuple[int, int]) -> SweepChunk:
    """A chunk's arrays, for :func:`sweep` with a client (runs on a worker)."""
    start, stop = bounds
    claims, eqs = plan.evaluate(start, stop)
    patterns, codes, _ = outcome_patterns(eqs, stop - start)
    return SweepChunk(start, stop, patterns, codes, claims=claims, equilibria=eqs)


def _stride_index(n: int, stride: int) -> np.ndarray:
    index = np.arange(0, n, stride)
    return index if index[-1] == n - 1 else np.append(index, n - 1)


def _pandas():
    try:
        import pandas
    except ImportError:
        raise KimgameError("to_pandas needs pandas: pip install 'kimgame[pandas]'") from None
    return pandas
