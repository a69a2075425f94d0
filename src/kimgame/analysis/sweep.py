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
and are written exactly by :meth:`SweepResult.to_csv` / :meth:`SweepResult.to_json`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from kimgame.errors import KimgameError
from kimgame.expr.numbers import fmt

__all__ = ["MAX_POINTS", "SweepResult", "grid_values", "parse_vary", "sweep"]

MAX_POINTS = 25_000_000  # refuse grids larger than this (memory: a few bytes per point per claim)
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
        """One row per grid point (C order, last parameter fastest): exact parameter values, each
        claim as ``true``/``false``, the outcome label. Written to ``path`` if given; returns the text."""
        header = _csv_line([*self.parameters, *self.claims, "outcome"])
        columns = []
        shape = self.shape
        for k, axis in enumerate(self.axes_exact):
            cells = np.array([_csv_cell(fmt(q)) for q in axis], dtype=object)
            index = np.indices(shape)[k].reshape(-1) if len(shape) > 1 else np.arange(shape[0])
            columns.append(cells[index])
        true_false = np.array(["false", "true"], dtype=object)
        columns.extend(true_false[a.reshape(-1).astype(np.intp)] for a in self.claims.values())
        quoted = {label: _csv_cell(label) for label in self.outcome_names}
        columns.append(np.array([quoted[x] for x in self.outcome_names], dtype=object)[self.outcome_codes.reshape(-1)])
        text = header + "".join(",".join(row) + "\n" for row in zip(*columns))
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: exact axes and fixed values, nested lists for claims and outcomes."""
        from kimgame._version import __version__

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


def _check_vary(game, vary: Mapping[str, Sequence[Any]]) -> list[tuple[str, tuple[Fraction, ...]]]:
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
    if total > MAX_POINTS:
        raise KimgameError(f"the grid has {total} points; the limit is {MAX_POINTS}")
    return out


def sweep(game, vary: Mapping[str, Sequence[Any]], claims=None) -> SweepResult:
    """Evaluate claims and equilibrium outcomes on the grid ``vary: name -> (lo, hi, n)``.

    ``claims``: None for all of the game's claims, else a sequence of claim ids, ``Claim`` objects
    or specs. Values outside a parameter's declared range are refused (the conditions are simplified
    within the ranges). The conditions are derived on the game with every other parameter at its
    value (:func:`~kimgame.analysis.focus.focus`), so they involve the varied parameters only. The
    outcome at a point is the set of pure Nash equilibria of a matrix game, or the set of paths of
    play of the subgame-perfect equilibria of a tree
    (:func:`~kimgame.analysis.tree_conditions.tree_outcome_regions`). Floating-point evaluation:
    points exactly on a boundary may fall either way (see the module doc).
    """
    import sympy

    from kimgame.analysis.analyze import resolve_claims
    from kimgame.analysis.conditions import UnsupportedCondition, claim_condition, pure_equilibrium_conditions
    from kimgame.analysis.focus import focus
    from kimgame.analysis.montecarlo import compile_condition

    grid = _check_vary(game, vary)
    varied = [name for name, _ in grid]
    fixed = {p.name: game.values[p.name] for p in game.parameters if p.name not in varied}
    sliced = focus(game, varied)
    axes = tuple(np.array([float(q) for q in values]) for _, values in grid)
    mesh = np.meshgrid(*axes, indexing="ij")
    shape = tuple(len(a) for a in axes)

    def evaluate(cond) -> np.ndarray:
        if cond is sympy.true or cond is sympy.false:
            return np.full(shape, bool(cond))
        fn = compile_condition(cond, varied)
        return np.array(np.broadcast_to(np.asarray(fn(*mesh), dtype=bool), shape))

    chosen = resolve_claims(game, None if claims is None else list(claims))
    claim_arrays: dict[str, np.ndarray] = {}
    notes = []
    for c in chosen:
        try:
            claim_arrays[c.id] = evaluate(claim_condition(sliced, c))
        except UnsupportedCondition as err:
            notes.append(f"claim {c.id} left out: {err.message}")
    if getattr(game, "form", "normal") == "extensive":
        from kimgame.analysis.tree_conditions import tree_outcome_regions

        try:
            regions = tree_outcome_regions(sliced)
        except NotImplementedError as err:
            regions = []
            notes.append(f"outcomes left out: {err}")
        eq_arrays = {label: evaluate(cond) for cond, label in regions}
    else:
        eq_arrays = {PROFILE_SEPARATOR.join(p): evaluate(cond)
                     for p, cond in pure_equilibrium_conditions(sliced).items()}
    codes, names_ = _outcome_codes(eq_arrays, shape)
    return SweepResult(getattr(game, "title", ""), tuple(varied), axes, tuple(v for _, v in grid), fixed,
                       claim_arrays, eq_arrays, codes, names_, tuple(notes))


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


def _csv_line(cells) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()
