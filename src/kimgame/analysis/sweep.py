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
:func:`sweep` with a Dask ``client`` and :func:`sweep_to_csv` (chunks streamed to a file, locally or
on Dask; see :mod:`kimgame.analysis.distributed`) give the same values, bit for bit.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import IO, Any

import numpy as np

from kimgame._version import __version__
from kimgame.errors import KimgameError
from kimgame.expr.numbers import fmt

__all__ = ["MAX_POINTS", "MAX_STREAM_POINTS", "StreamedSweep", "SweepPlan", "SweepResult", "grid_values",
           "parse_vary", "sweep", "sweep_plan", "sweep_to_csv"]

MAX_POINTS = 25_000_000  # refuse grids larger than this in memory (a few bytes per point per claim)
MAX_STREAM_POINTS = 10**12  # streamed to a file chunk by chunk (sweep_to_csv): no array of the grid is held
STREAM_CHUNK = 1_000_000  # grid points per chunk of a streamed sweep (about 50 MB of CSV text)
BLOCK = 8192  # grid points evaluated at once inside a streamed chunk (arrays of at most 64 KiB)
PLOT_POINTS = 1000  # a streamed sweep's plot uses at most this many points per axis (a sub-grid)
EXACT_SUFFIX = "_exact"  # the CSV column with a parameter's exact value: "K_exact"
PROFILE_SEPARATOR = "/"
EQUILIBRIA_SEPARATOR = "; "
NO_EQUILIBRIUM = "none"


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
        cells = _axis_cells(self.axes, self.axes_exact)
        columns = []
        for k, axis_cells in enumerate(cells):
            index = np.indices(shape)[k].reshape(-1) if len(shape) > 1 else np.arange(shape[0])
            columns.append(axis_cells[index])
        columns.extend(_TRUE_FALSE[a.reshape(-1).astype(np.intp)] for a in self.claims.values())
        quoted = np.array([_csv_cell(x) for x in self.outcome_names], dtype=object)
        columns.append(quoted[self.outcome_codes.reshape(-1)])
        text = _csv_header(self.parameters, self.claims) + "".join(",".join(row) + "\n" for row in zip(*columns))
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


def parse_vary(spec: str) -> tuple[str, tuple[Fraction, Fraction, int]]:
    """Read a ``--vary`` spec ``NAME=LO:HI:N`` (LO, HI exact: ``0``, ``2/3``, ``0.25``; N >= 2 points).

    Raises :class:`KimgameError` with a message saying what is wrong.
    """
    from kimgame.expr.parse import parse_formula

    example = "for example --vary p_insult=0:1:101"
    name, sep, rest = spec.partition("=")
    name = name.strip()
    if not sep or not name:
        raise KimgameError(f"--vary expects NAME=LO:HI:N ({example}), got '{spec}'")
    parts = rest.split(":")
    if len(parts) != 3:
        raise KimgameError(f"--vary {spec}: expected LO:HI:N after '{name}=' ({example})")
    bounds = []
    for what, raw in (("LO", parts[0]), ("HI", parts[1])):
        try:
            bounds.append(parse_formula(raw, ()).evaluate({}))
        except KimgameError:
            raise KimgameError(f"--vary {spec}: {what} '{raw.strip()}' is not a number; write 0, 2/3 or 0.25") from None
    try:
        n = int(parts[2].strip())
    except ValueError:
        raise KimgameError(f"--vary {spec}: N '{parts[2].strip()}' is not a whole number of points") from None
    if n < 2:
        raise KimgameError(f"--vary {spec}: N must be at least 2 (the grid includes both ends)")
    lo, hi = bounds
    if not lo < hi:
        raise KimgameError(f"--vary {spec}: LO must be below HI")
    return name, (lo, hi, n)


def grid_values(lo: Fraction, hi: Fraction, n: int) -> tuple[Fraction, ...]:
    """``n`` evenly spaced exact values from ``lo`` to ``hi`` inclusive."""
    if n == 1:
        return (lo,)
    step = (hi - lo) / (n - 1)
    return tuple(lo + step * k for k in range(n))


def _check_vary(game, vary: Mapping[str, Sequence[Any]], max_points: int = MAX_POINTS
                ) -> list[tuple[str, tuple[Fraction, ...]]]:
    from kimgame.model.parameters import to_fraction

    if not vary:
        raise KimgameError("a sweep needs at least one parameter to vary (NAME=LO:HI:N)")
    params = {p.name: p for p in game.parameters}
    out = []
    total = 1
    for name, spec in vary.items():
        if name not in params:
            known = ", ".join(params) or "the game has none"
            raise KimgameError(f"--vary {name}: no parameter named '{name}' (parameters: {known})")
        try:
            lo, hi, n = spec
        except (TypeError, ValueError):
            raise KimgameError(f"--vary {name}: expected (LO, HI, N)") from None
        lo, hi = to_fraction(lo, f"--vary {name} LO"), to_fraction(hi, f"--vary {name} HI")
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise KimgameError(f"--vary {name}: N must be a whole number of at least 2")
        if not lo < hi:
            raise KimgameError(f"--vary {name}: LO must be below HI")
        p = params[name]
        if (p.low is not None and lo < p.low) or (p.high is not None and hi > p.high):
            raise KimgameError(
                f"--vary {name}: [{fmt(lo)}, {fmt(hi)}] leaves the declared range {p.range_text()} of {name}; "
                "sweep inside it or widen 'range' in the file"
            )
        total *= n
        out.append((name, grid_values(lo, hi, n)))
    if total > max_points:
        more = " (stream larger grids to a file: kimgame sweep --dask -o FILE)" if max_points == MAX_POINTS else ""
        raise KimgameError(f"the grid has {total} points; the limit is {max_points}{more}")
    return out


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
    from kimgame.analysis.distributed import map_chunks, worker_threads

    total = plan.points
    size = chunk_size or max(1, math.ceil(total / (8 * worker_threads(client))))
    claim_arrays = {cid: np.empty(total, dtype=bool) for cid in plan.claims}
    eq_arrays = {label: np.empty(total, dtype=bool) for label in plan.equilibria}
    codes = np.empty(total, dtype=np.intp)
    outcomes = _OutcomeNames(list(plan.equilibria))
    with closing(map_chunks(_evaluate_chunk, plan, _ranges(total, size), client)) as chunks:
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
        return tuple(len(a) for a in self.axes)

    @property
    def points(self) -> int:
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
        codes, names = _outcome_codes(eqs, shape)
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
    from kimgame.analysis.conditions import UnsupportedCondition, claim_condition, pure_equilibrium_conditions
    from kimgame.analysis.focus import focus

    grid = _check_vary(game, vary, max_points)
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
    if getattr(game, "form", "normal") == "extensive":
        from kimgame.analysis.tree_conditions import tree_outcome_regions

        try:
            regions = tree_outcome_regions(sliced)
        except NotImplementedError as err:
            regions = []
            notes.append(f"outcomes left out: {err}")
        eq_conditions = {label: cond for cond, label in regions}
    else:
        eq_conditions = {PROFILE_SEPARATOR.join(p): cond for p, cond in pure_equilibrium_conditions(sliced).items()}
    return SweepPlan(getattr(game, "title", ""), tuple(varied), axes, tuple(v for _, v in grid), fixed,
                     claim_conditions, eq_conditions, tuple(notes))


@dataclass(frozen=True)
class StreamedSweep:
    """What :func:`sweep_to_csv` wrote: ``points`` rows to ``path`` (None: counted only); per claim the
    number of points where it holds; per outcome label its number of points (in order of first
    appearance); ``plot``: the sweep on the sub-grid drawn (None when no plot was asked for)."""

    path: Path | None
    parameters: tuple[str, ...]
    points: int
    claim_counts: Mapping[str, int]
    outcome_counts: Mapping[str, int]
    notes: tuple[str, ...] = ()
    plot: SweepResult | None = None

    @property
    def text(self) -> str:
        """One line per claim and outcome: ``"silence-dominates: 1234 of 10000 points (12.3%)"``."""
        def line(name: str, k: int) -> str:
            return f"{name}: {k} of {self.points} points ({100 * k / self.points:.1f}%)"

        lines = [line(c, k) for c, k in self.claim_counts.items()]
        lines += [line(f"outcome {o}", k) for o, k in self.outcome_counts.items()]
        return "\n".join(lines + list(self.notes))


def sweep_to_csv(game, vary: Mapping[str, Sequence[Any]], out: str | Path | IO[str] | None, claims=None, *,
                 client=None, chunk_size: int = STREAM_CHUNK, plot: bool = False,
                 progress: bool | None = None) -> StreamedSweep:
    """The sweep of :func:`sweep` written as CSV (the rows of :meth:`SweepResult.to_csv`, the same text)
    chunk by chunk, so no process holds the grid: up to :data:`MAX_STREAM_POINTS` points.

    ``out``: a file path (written under a temporary name in the same folder and renamed when complete:
    an interrupted run leaves no file that looks complete), an open text stream, or None (count only).
    ``client``: a ``dask.distributed.Client`` evaluating and formatting the chunks on its workers (the
    driver only writes them out, in order); None evaluates them in this process. ``plot``: also
    evaluate the sub-grid of at most :data:`PLOT_POINTS` values per axis for a picture
    (:attr:`StreamedSweep.plot`). ``progress``: a progress bar on stderr (default: when it is a terminal).
    """
    from kimgame.analysis.distributed import map_chunks
    from kimgame.analysis.montecarlo import progress_bar

    plan = sweep_plan(game, vary, claims, max_points=MAX_STREAM_POINTS)
    total = plan.points
    claim_counts = dict.fromkeys(plan.claims, 0)
    outcomes = _OutcomeNames(list(plan.equilibria))
    counts: dict[int, int] = {}
    task = partial(_stream_chunk, text=out is not None)
    run = closing(map_chunks(task, plan, _ranges(total, chunk_size), client))
    with _sink(out) as write, progress_bar(total, progress, "sweep") as advance, run as chunks:
        if write is not None:
            write(_csv_header(plan.parameters, plan.claims))
        for chunk in chunks:
            if write is not None:
                write(chunk.text)
            for cid, k in chunk.claim_counts.items():
                claim_counts[cid] += k
            for code, k in zip(outcomes.pattern_codes(chunk.patterns), chunk.pattern_counts):
                counts[code] = counts.get(code, 0) + k
            advance(chunk.stop - chunk.start)
    names = outcomes.names()
    picture = None
    if plot:
        picture = plan.sub_plan([math.ceil(n / PLOT_POINTS) for n in plan.shape]).evaluate_grid()
    path = Path(out) if isinstance(out, (str, Path)) else None
    return StreamedSweep(path, plan.parameters, total, claim_counts,
                         {names[c]: counts[c] for c in sorted(counts)}, plan.notes, picture)


@dataclass(frozen=True)
class _Chunk:
    """One evaluated run of grid points ``start``..``stop - 1``: claim and outcome arrays (or only counts
    and CSV text, for a stream); ``patterns``: the distinct rows of outcome truth values in order of first
    appearance, ``codes`` each point's row (arrays mode), ``pattern_counts`` each row's number of points."""

    start: int
    stop: int
    patterns: tuple[tuple[bool, ...], ...]
    codes: np.ndarray | None = None
    pattern_counts: tuple[int, ...] = ()
    claims: Mapping[str, np.ndarray] = field(default_factory=dict)
    equilibria: Mapping[str, np.ndarray] = field(default_factory=dict)
    claim_counts: Mapping[str, int] = field(default_factory=dict)
    text: str = ""


def _evaluate_chunk(plan: SweepPlan, bounds: tuple[int, int]) -> _Chunk:
    """A chunk's arrays, for :func:`sweep` with a client (runs on a worker)."""
    start, stop = bounds
    claims, eqs = plan.evaluate(start, stop)
    patterns, codes, _ = _patterns(eqs, stop - start)
    return _Chunk(start, stop, patterns, codes, claims=claims, equilibria=eqs)


def _stream_chunk(plan: SweepPlan, bounds: tuple[int, int], text: bool) -> _Chunk:
    """A streamed chunk: counts and (when ``text``) its CSV rows, formatted where it runs (a worker).

    Evaluated in blocks of :data:`BLOCK` points: no large temporary arrays, whose allocation costs a
    page fault per page in Dask workers (they set ``MALLOC_TRIM_THRESHOLD_``, so glibc maps and unmaps
    every large array); the values are the same, element for element."""
    start, stop = bounds
    labels = list(plan.equilibria)
    cells = _axis_cells(plan.axes, plan.axes_exact) if text else []
    order: dict[tuple[bool, ...], int] = {}  # the chunk's outcome rows, in order of first appearance
    counts: list[int] = []
    claim_counts = dict.fromkeys(plan.claims, 0)
    rows: list[str] = []
    for lo in range(start, stop, BLOCK):
        hi = min(lo + BLOCK, stop)
        claims, eqs = plan.evaluate(lo, hi)
        patterns, codes, pattern_counts = _patterns(eqs, hi - lo)
        chunk_codes = [order.setdefault(p, len(order)) for p in patterns]
        counts.extend([0] * (len(order) - len(counts)))
        for c, k in zip(chunk_codes, pattern_counts):
            counts[c] += k
        for cid, a in claims.items():
            claim_counts[cid] += int(np.count_nonzero(a))
        if text:
            columns = [c[i] for c, i in zip(cells, plan.coordinates(lo, hi))]
            columns.extend(_TRUE_FALSE[a.astype(np.intp)] for a in claims.values())
            names = np.array([_csv_cell(_pattern_name(labels, p)) for p in patterns], dtype=object)
            columns.append(names[codes])
            rows.append("".join(",".join(row) + "\n" for row in zip(*columns)))
    return _Chunk(start, stop, tuple(order), None, tuple(counts), claim_counts=claim_counts, text="".join(rows))


def _patterns(eqs: Mapping[str, np.ndarray], n: int) -> tuple[tuple[tuple[bool, ...], ...], np.ndarray, tuple[int, ...]]:
    """The distinct rows of outcome truth values of ``n`` points in order of first appearance, each
    point's row number and each row's count."""
    codes, _ = _outcome_codes(eqs, (n,))
    labels = list(eqs)
    first = np.unique(codes, return_index=True)[1]
    patterns = tuple(tuple(bool(eqs[k][i]) for k in labels) for i in first)
    return patterns, codes, tuple(int(c) for c in np.bincount(codes, minlength=len(first)))


class _OutcomeNames:
    """Outcome names numbered in order of first appearance over chunks taken in grid order."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.index: dict[tuple[bool, ...], int] = {}

    def pattern_codes(self, patterns: Sequence[tuple[bool, ...]]) -> list[int]:
        return [self.index.setdefault(p, len(self.index)) for p in patterns]

    def global_codes(self, chunk: _Chunk) -> np.ndarray:
        return np.array(self.pattern_codes(chunk.patterns), dtype=np.intp)[chunk.codes]

    def names(self) -> tuple[str, ...]:
        if not self.index:
            return (NO_EQUILIBRIUM,)
        return tuple(_pattern_name(self.labels, p) for p in self.index)


def _pattern_name(labels: Sequence[str], pattern: Sequence[bool]) -> str:
    chosen = [label for label, on in zip(labels, pattern) if on]
    return EQUILIBRIA_SEPARATOR.join(chosen) if chosen else NO_EQUILIBRIUM


def _ranges(total: int, size: int) -> Iterator[tuple[int, int]]:
    if size < 1:
        raise KimgameError("the chunk size must be at least 1 point")
    return ((start, min(start + size, total)) for start in range(0, total, size))


def _stride_index(n: int, stride: int) -> np.ndarray:
    index = np.arange(0, n, stride)
    return index if index[-1] == n - 1 else np.append(index, n - 1)


@contextmanager
def _sink(out: str | Path | IO[str] | None) -> Iterator[Callable[[str], Any] | None]:
    """Where streamed text goes: a path written under a temporary name and renamed when complete
    (removed on any error or Ctrl-C), an open stream written directly, or None (nothing written)."""
    if out is None or not isinstance(out, (str, Path)):
        yield None if out is None else out.write
        return
    from kimgame.io.editing import atomic_open

    with atomic_open(Path(out)) as handle:
        yield handle.write


def _outcome_codes(eq_arrays: Mapping[str, np.ndarray], shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Per grid point, an index into the outcome names (pure equilibria joined by '; ', or 'none'),
    names numbered in order of first appearance in C order."""
    labels = list(eq_arrays)
    if not labels:
        return np.zeros(shape, dtype=np.intp), (NO_EQUILIBRIUM,)
    flat = [eq_arrays[k].reshape(-1) for k in labels]
    if len(labels) <= 62:  # one int64 code per point: bit j set when profile j is an equilibrium
        codes = np.zeros(flat[0].shape, dtype=np.int64)
        for j, a in enumerate(flat):
            codes |= a.astype(np.int64) << j
        _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        rows = [[bool((int(codes[k]) >> j) & 1) for j in range(len(labels))] for k in first]
    else:
        stacked = np.stack(flat, axis=-1)  # (points, profiles)
        packed = np.ascontiguousarray(np.packbits(stacked, axis=-1))
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rows = [list(stacked[k]) for k in first]
    order = np.argsort(first, kind="stable")  # renumber by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    names = []
    for k in order:
        chosen = [labels[j] for j, on in enumerate(rows[k]) if on]
        names.append(EQUILIBRIA_SEPARATOR.join(chosen) if chosen else NO_EQUILIBRIUM)
    return rank[inverse.reshape(-1)].reshape(shape), tuple(names)


def _csv_cell(text: str) -> str:
    """A CSV field, quoted only when it needs to be (as the csv module does)."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


_TRUE_FALSE = np.array(["false", "true"], dtype=object)


def _axis_cells(axes: Sequence[np.ndarray], axes_exact: Sequence[Sequence[Fraction]]) -> list[np.ndarray]:
    """Per axis, the CSV cells of each value: the float's shortest round-trip text and the exact value."""
    return [np.array([f"{float(x)!r},{_csv_cell(fmt(q))}" for x, q in zip(axis, exact)], dtype=object)
            for axis, exact in zip(axes, axes_exact)]


def _csv_header(parameters: Sequence[str], claims: Mapping[str, Any]) -> str:
    return _csv_line([c for p in parameters for c in (p, p + EXACT_SUFFIX)] + [*claims, "outcome"])


def _pandas():
    try:
        import pandas
    except ImportError:
        raise KimgameError("to_pandas needs pandas: pip install 'kimgame[pandas]'") from None
    return pandas


def _csv_line(cells) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()
