"""Sweeps too large to hold: the CSV of a sweep written chunk by chunk (locally or on Dask workers),
with counts per claim and outcome, up to :data:`MAX_STREAM_POINTS` grid points."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

import numpy as np

from kimgame.analysis.distributed import map_chunks
from kimgame.analysis.sweep import SweepPlan, SweepResult, sweep_plan
from kimgame.analysis.sweep_csv import TRUE_FALSE, axis_cells, csv_cell, csv_header
from kimgame.analysis.sweep_outcomes import (
    OutcomeNames,
    SweepChunk,
    chunk_ranges,
    outcome_patterns,
    pattern_name,
)
from kimgame.io.editing import atomic_open

__all__ = ["MAX_STREAM_POINTS", "STREAM_CHUNK", "StreamedSweep", "sweep_to_csv"]

MAX_STREAM_POINTS = 10**12  # streamed to a file chunk by chunk (sweep_to_csv): no array of the grid is held
STREAM_CHUNK = 1_000_000  # grid points per chunk of a streamed sweep (about 50 MB of CSV text)
BLOCK = 8192  # grid points evaluated at once inside a streamed chunk (arrays of at most 64 KiB)
PLOT_POINTS = 1000  # a streamed sweep's plot uses at most this many points per axis (a sub-grid)


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
    from kimgame.analysis.montecarlo import progress_bar

    plan = sweep_plan(game, vary, claims, max_points=MAX_STREAM_POINTS)
    total = plan.points
    claim_counts = dict.fromkeys(plan.claims, 0)
    outcomes = OutcomeNames(list(plan.equilibria))
    counts: dict[int, int] = {}
    task = partial(_stream_chunk, text=out is not None)
    run = closing(map_chunks(task, plan, chunk_ranges(total, chunk_size), client))
    with _sink(out) as write, progress_bar(total, progress, "sweep") as advance, run as chunks:
        if write is not None:
            write(csv_header(plan.parameters, plan.claims))
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


def _stream_chunk(plan: SweepPlan, bounds: tuple[int, int], text: bool) -> SweepChunk:
    """A streamed chunk: counts and (when ``text``) its CSV rows, formatted where it runs (a worker).

    Evaluated in blocks of :data:`BLOCK` points: no large temporary arrays, whose allocation costs a
    page fault per page in Dask workers (they set ``MALLOC_TRIM_THRESHOLD_``, so glibc maps and unmaps
    every large array); the values are the same, element for element."""
    start, stop = bounds
    labels = list(plan.equilibria)
    cells = axis_cells(plan.axes, plan.axes_exact) if text else []
    order: dict[tuple[bool, ...], int] = {}  # the chunk's outcome rows, in order of first appearance
    counts: list[int] = []
    claim_counts = dict.fromkeys(plan.claims, 0)
    rows: list[str] = []
    for lo in range(start, stop, BLOCK):
        hi = min(lo + BLOCK, stop)
        claims, eqs = plan.evaluate(lo, hi)
        patterns, codes, pattern_counts = outcome_patterns(eqs, hi - lo)
        chunk_codes = [order.setdefault(p, len(order)) for p in patterns]
        counts.extend([0] * (len(order) - len(counts)))
        for c, k in zip(chunk_codes, pattern_counts):
            counts[c] += k
        for cid, a in claims.items():
            claim_counts[cid] += int(np.count_nonzero(a))
        if text:
            columns = [c[i] for c, i in zip(cells, plan.coordinates(lo, hi))]
            columns.extend(TRUE_FALSE[a.astype(np.intp)] for a in claims.values())
            names = np.array([csv_cell(pattern_name(labels, p)) for p in patterns], dtype=object)
            columns.append(names[codes])
            rows.append("".join(",".join(row) + "\n" for row in zip(*columns)))
    return SweepChunk(start, stop, tuple(order), None, tuple(counts), claim_counts=claim_counts, text="".join(rows))


@contextmanager
def _sink(out: str | Path | IO[str] | None) -> Iterator[Callable[[str], Any] | None]:
    """Where streamed text goes: a path written under a temporary name and renamed when complete
    (removed on any error or Ctrl-C), an open stream written directly, or None (nothing written)."""
    if out is None or not isinstance(out, (str, Path)):
        yield None if out is None else out.write
        return

    with atomic_open(Path(out)) as handle:
        yield handle.write
