"""Monte Carlo of exact solves: the share of the parameter box where each claim holds, point by point.

Where no closed-form condition is derived (a tree whose region is over the piece limit, a game too
large for the symbolic analysis), ``sample_solves(game, samples, seed)`` draws parameter points and
solves the game exactly at each (:func:`kimgame.solve` with ``conditions=False``): each claim is judged
there as ``kimgame solve`` judges it. It reports each claim's share with a Wilson 95% interval
(E. B. Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22, 1927),
the subgame-perfect paths of play met (for a matrix game: its pure equilibria), and the points where
solving failed or reached a size limit.

Every parameter with a finite declared range is drawn uniformly from a grid of ``RESOLUTION + 1``
exact values ``lo + (hi - lo) * k / RESOLUTION`` (``k`` from ``numpy.random.default_rng(seed)``), so
each point is an exact rational with a small denominator. The points depend on the seed only; they are
cut into chunks solved in this process or on Dask workers (the game object is shipped, never its file)
and summed in point order, so the numbers are the same locally and on any cluster.
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kimgame.analysis.distributed import map_chunks
from kimgame.analysis.montecarlo import progress_bar, wilson_interval
from kimgame.analysis.solve import solve
from kimgame.analysis.sweep_outcomes import NO_EQUILIBRIUM, PROFILE_SEPARATOR
from kimgame.errors import KimgameError, SolverLimit
from kimgame.expr.numbers import fmt
from kimgame.limits import as_limits
from kimgame.model.claims import Outcome, Plays
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame

__all__ = ["RESOLUTION", "ClaimShare", "PointIssue", "SolveSamples", "draw_points", "path_label", "sample_solves"]

RESOLUTION = 10**6  # each drawn parameter takes one of RESOLUTION + 1 evenly spaced exact values
CHUNK = 50  # points per task


@dataclass(frozen=True)
class ClaimShare:
    """``hits`` of ``solved`` points satisfy the claim; ``ci_low``/``ci_high``: Wilson 95% interval."""

    id: str
    says: str
    hits: int
    solved: int
    ci_low: float
    ci_high: float

    @property
    def share(self) -> Fraction:
        """The exact share of the solved points where the claim holds (``hits / solved``; 0 when none was solved)."""
        return Fraction(self.hits, self.solved) if self.solved else Fraction(0)

    @property
    def text(self) -> str:
        """``"silence: holds at 812 of 1000 points: 81.2% (95% CI 78.7%–83.5%)"``."""
        if not self.solved:
            return f"{self.id}: no point solved"
        return (f"{self.id}: holds at {self.hits} of {self.solved} points: {float(self.share) * 100:.1f}% "
                f"(95% CI {self.ci_low * 100:.1f}%–{self.ci_high * 100:.1f}%)")


@dataclass(frozen=True)
class PointIssue:
    """Sample number ``index`` (0-based) at ``values`` was not solved fully: ``kind`` is ``"failed"`` (the
    game is invalid there, e.g. chance probabilities leave [0, 1]) or ``"limit"`` (a size or time limit of
    the solver was reached); ``reason`` says what happened."""

    index: int
    values: Mapping[str, Fraction]
    kind: str
    reason: str

    @property
    def text(self) -> str:
        """The issue in one line: ``"sample 17 (p=1/2, c=3): "`` followed by :attr:`reason`."""
        where = ", ".join(f"{k}={fmt(v)}" for k, v in self.values.items())
        return f"sample {self.index} ({where}): {self.reason}"


@dataclass(frozen=True)
class SolveSamples:
    """The result of :func:`sample_solves`.

    ``samples`` asked for; ``done`` of them attempted before the end (fewer when a time limit or Ctrl-C
    stopped the run: then ``partial``); ``solved``: attempted without an issue. ``claims``: each claim's
    share over the solved points. ``paths``: (label, number of solved points where it is a
    subgame-perfect path of play, or for a matrix game a pure equilibrium), most frequent first.
    ``issues``: the points not solved fully, in sample order. ``varied``: the parameters drawn;
    ``held``: those without a finite range, held at their values. ``method``: the solver method used;
    ``tree``: the game is a tree (``paths`` are paths of play).
    """

    samples: int
    seed: int
    done: int
    solved: int
    claims: tuple[ClaimShare, ...]
    paths: tuple[tuple[str, int], ...]
    issues: tuple[PointIssue, ...]
    varied: tuple[str, ...]
    held: tuple[str, ...]
    method: str
    tree: bool = False
    partial: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def limited(self) -> bool:
        """Some point reached a solver limit, or the run stopped early."""
        return self.partial or any(i.kind == "limit" for i in self.issues)

    def lines(self) -> list[str]:
        """The report as lines of text."""
        head = (f"Exact solves at {self.done} of {self.samples} sampled points (seed {self.seed}, method "
                f"{self.method}; drawn uniformly from the ranges of {', '.join(self.varied) or 'no parameter'})")
        out = [head]
        if self.held:
            out.append(f"Held at their values (no finite range): {', '.join(self.held)}")
        out += [c.text for c in self.claims]
        if self.paths:
            out.append("Subgame-perfect paths of play met (points where each is one; several where a mover is "
                       "indifferent):" if self.tree else "Pure equilibria met (points where each is one):")
            out += [f"  {label}: {k} of {self.solved}" for label, k in self.paths]
        if self.issues:
            out.append(f"Not solved fully at {len(self.issues)} point(s):")
            out += [f"  {i.kind}: {i.text}" for i in self.issues[:20]]
            if len(self.issues) > 20:
                out.append(f"  ... and {len(self.issues) - 20} more (JSON lists them all)")
        if self.partial:
            out.append(f"Stopped early: {self.samples - self.done} sampled point(s) not reached")
        return out + list(self.notes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: shares exact (``"812/1000"``) and as floats with their intervals."""
        return {
            "samples": self.samples, "seed": self.seed, "done": self.done, "solved": self.solved,
            "method": self.method, "partial": self.partial, "varied": list(self.varied), "held": list(self.held),
            "claims": [{"id": c.id, "says": c.says, "hits": c.hits, "solved": c.solved, "share": fmt(c.share),
                        "ci95": [c.ci_low, c.ci_high]} for c in self.claims],
            "paths": [{"label": label, "points": k} for label, k in self.paths],
            "issues": [{"sample": i.index, "kind": i.kind, "reason": i.reason,
                        "values": {k: fmt(v) for k, v in i.values.items()}} for i in self.issues],
            "notes": list(self.notes),
        }


def draw_points(game, samples: int, seed: int) -> list[dict[str, Fraction]]:
    """The ``samples`` parameter points of :func:`sample_solves` (exact; only the drawn parameters)."""
    return [_point(_drawn(game), row) for row in _draws(game, samples, seed)]


def _drawn(game) -> list[tuple[str, Fraction, Fraction]]:
    return [(p.name, p.low, p.high - p.low) for p in game.parameters if p.low is not None and p.high is not None]


def _draws(game, samples: int, seed: int):
    """The grid steps ``k`` (0..RESOLUTION) of each drawn parameter at each sample: an int array."""
    import numpy as np

    return np.random.default_rng(seed).integers(0, RESOLUTION, size=(samples, len(_drawn(game))), endpoint=True)


def _point(drawn: Sequence[tuple[str, Fraction, Fraction]], row) -> dict[str, Fraction]:
    return {name: low + width * Fraction(int(k), RESOLUTION) for (name, low, width), k in zip(drawn, row)}


def sample_solves(game, samples: int, seed: int = 0, claims=None, *, method: str | None = None,
                  timeout: float | None = None, point_timeout: float | None = None, client=None, chunk_size: int = CHUNK,
                  progress: bool | None = None, limits=None) -> SolveSamples:
    """Solve ``game`` exactly at ``samples`` seeded points of its parameter box and tally the claims.

    ``claims``: as for :func:`kimgame.analyze` (None: all). ``method``: the solver method; by default
    ``spe`` when every claim is about the subgame-perfect equilibria of a tree (what the symbolic
    analysis also judges), else ``auto``. ``timeout`` (seconds, for the whole run): the points not reached
    by then are left out and the result is ``partial``; each solve is bounded by the time left.
    ``point_timeout`` (seconds): the budget of one solve; a point whose solve it stops is listed as
    ``"limit"`` and left out of the shares.
    ``client``: a ``dask.distributed.Client`` to solve the chunks on (the same numbers as without).
    ``limits``: the solver's size limits at every point (default: those in force here, also on workers).
    ``progress``: a progress bar on stderr (default: when stderr is a terminal). Ctrl-C stops the run
    and returns what was solved (``partial``).
    """
    from kimgame.analysis.analyze import resolve_claims

    if samples <= 0:
        raise KimgameError("--solve needs --samples N with N > 0 points to solve")
    chosen = resolve_claims(game, None if claims is None else list(claims))
    if method is None:
        spe_only = isinstance(game, ExtensiveFormGame) and all(
            isinstance(c.spec, (Plays, Outcome)) and c.spec.equilibrium == "spe" for c in chosen)
        method = "spe" if spe_only else "auto"
    deadline = None if timeout is None else time.time() + timeout  # wall clock: workers may be elsewhere
    tree = isinstance(game, ExtensiveFormGame)
    narrowed = game.replace(claims=tuple(chosen)) if tree else dataclasses.replace(game, claims=tuple(chosen))
    job = _Job(narrowed, method, deadline, point_timeout, as_limits(limits))
    draws = _draws(game, samples, seed)
    chunks = ((start, draws[start:start + chunk_size]) for start in range(0, samples, chunk_size))
    hits = dict.fromkeys((c.id for c in chosen), 0)
    paths: dict[str, int] = {}
    issues: list[PointIssue] = []
    done = solved = 0
    stopped = False
    run = closing(map_chunks(_solve_chunk, job, chunks, client))
    with progress_bar(samples, progress, "exact solves") as advance, _ctrl_c_noted(), run as results:
        try:
            for outcomes in results:
                for point in outcomes:
                    if point is None:  # not reached before the deadline
                        stopped = True
                        continue
                    done += 1
                    if isinstance(point, PointIssue):
                        issues.append(point)
                        continue
                    solved += 1
                    for cid in point[0]:
                        hits[cid] += 1
                    for label in point[1]:
                        paths[label] = paths.get(label, 0) + 1
                advance(len(outcomes))
                if stopped:
                    break
        except KeyboardInterrupt:
            stopped = True
    says = {c.id: c.says for c in chosen}
    shares = tuple(ClaimShare(cid, says[cid], k, solved, *wilson_interval(k, solved)) for cid, k in hits.items())
    varied = tuple(p.name for p in game.parameters if p.low is not None and p.high is not None)
    held = tuple(p.name for p in game.parameters if p.name not in varied)
    notes = () if solved or done == 0 else ("no point was solved: no share can be given",)
    return SolveSamples(samples, seed, done, solved, shares,
                        tuple(sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))), tuple(issues), varied, held,
                        method, tree, stopped or done < samples, notes)


@dataclass(frozen=True)
class _Job:
    """What each worker gets once: the game (its claims narrowed to those tallied), the method, the
    wall-clock deadline, the time budget of one solve and the size limits. A chunk is its first sample number and the grid steps of
    its points (:func:`_draws`), turned into exact values on the worker."""

    game: Any
    method: str
    deadline: float | None
    point_timeout: float | None
    limits: Any


PointResult = tuple[tuple[str, ...], tuple[str, ...]] | PointIssue | None


def _solve_chunk(job: _Job, chunk: tuple[int, Any]) -> list[PointResult]:
    """Solve each point of a chunk: (claims holding, path labels), a :class:`PointIssue`, or None when
    the deadline passed before the point was reached (or while it was solved)."""
    start, steps = chunk
    drawn = _drawn(job.game)
    out: list[PointResult] = []
    for k, row in enumerate(steps):
        values = _point(drawn, row)
        left = None if job.deadline is None else job.deadline - time.time()
        if (left is not None and left <= 0) or _INTERRUPTED.is_set():
            out.append(None)
            continue
        if job.point_timeout is not None:
            left = job.point_timeout if left is None else min(left, job.point_timeout)
        try:
            game = job.game.with_values(values)
            result = solve(game, method=job.method, timeout=left, conditions=False, limits=job.limits)
        except SolverLimit as err:
            out.append(PointIssue(start + k, values, "limit", str(err)))
            continue
        except KimgameError as err:
            out.append(PointIssue(start + k, values, "failed", str(err)))
            continue
        if result.partial:
            if (job.deadline is not None and time.time() >= job.deadline) or _INTERRUPTED.is_set():
                out.append(None)
            else:
                out.append(PointIssue(start + k, values, "limit", "; ".join(result.notes) or "partial result"))
            continue
        out.append((tuple(c.id for c in result.claims if c.holds), _labels(game, result)))
    return out


_INTERRUPTED = threading.Event()  # set by Ctrl-C during a local run (a solve turns it into a partial result)


@contextmanager
def _ctrl_c_noted() -> Iterator[None]:
    """While solving in this process's main thread, note Ctrl-C in :data:`_INTERRUPTED` before raising
    KeyboardInterrupt as usual, so a solve that turned it into a partial result still ends the run."""
    _INTERRUPTED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def noted(signum: int, frame: Any) -> None:
        _INTERRUPTED.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, noted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _labels(game, result) -> tuple[str, ...]:
    """The subgame-perfect paths of play of a tree's result (distinct, sorted), or a matrix game's pure
    equilibria (``"private/dismantle"``; ``"none"`` when there is none)."""
    if isinstance(game, ExtensiveFormGame):
        return tuple(sorted({path_label(game, e.behavior) for e in result.equilibria if e.subgame_perfect}))

    return tuple(PROFILE_SEPARATOR.join(p) for p in result.pure_equilibria) or (NO_EQUILIBRIUM,)


def path_label(game, behavior: Mapping[str, Mapping[str, Mapping[str, Fraction]]]) -> str:
    """The path of play of a behaviour profile as the sweep labels it: the actions taken from the root
    joined by ``" > "``; at a chance node every outcome's continuation, ``"[insulted: stall | not_insulted:
    dismantle]"``; a mixed move lists its actions with their probabilities, ``"{a 1/3: ... | b 2/3: ...}"``."""
    nodes = game.nodes
    players = game.players

    def label(v: int) -> str:
        node = nodes[v]
        if isinstance(node, Decision):
            probs = behavior[players[node.player]][node.infoset]
            played = [(a, c, probs[a]) for a, c in zip(node.actions, node.children) if probs[a]]
            if len(played) == 1:
                rest = label(played[0][1])
                return played[0][0] + (f" > {rest}" if rest else "")
            parts = [(f"{a} {fmt(p)}", label(c)) for a, c, p in played]
            return "{" + " | ".join(f"{a}: {d}" if d else a for a, d in parts) + "}"
        if isinstance(node, Chance):
            parts = [(o, label(c)) for o, c in zip(node.outcomes, node.children)]
            return "[" + " | ".join(f"{o}: {d}" if d else o for o, d in parts) + "]"
        return ""

    return label(0)
