"""nashpy's algorithms as optional methods, bounded in time and verified exactly.

nashpy works in floating point, can miss equilibria of degenerate games (support and vertex
enumeration) and its Lemke-Howson can cycle on degenerate games. So each call runs in a child
process that is stopped at the time limit, and every float candidate is turned into an exact profile
(rational reconstruction, then the exact indifference equations on its support) and verified exactly;
candidates that do not survive are dropped and counted.

nashpy: V. Knight and J. Campbell (2018), "Nashpy: A Python library for the computation of Nash
equilibria", *Journal of Open Source Software* 3(30), 904.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from kimgame.errors import SolverLimit
from kimgame.solvers.clock import Clock
from kimgame.solvers.exact_linalg import solve_unique
from kimgame.solvers.verify import is_nash

DEFAULT_SECONDS = 60.0  # how long nashpy may search when the run has no time limit
TOLERANCE = 1e-9


def _run(method: str, a: np.ndarray, b: np.ndarray, out: mp.Queue) -> None:  # child process
    import warnings

    import nashpy

    warnings.simplefilter("ignore")
    game = nashpy.Game(a, b)
    try:
        if method == "support":
            for eq in game.support_enumeration():
                out.put((eq[0].tolist(), eq[1].tolist()))
        elif method == "vertex":
            for eq in game.vertex_enumeration():
                out.put((eq[0].tolist(), eq[1].tolist()))
        else:
            for eq in game.lemke_howson_enumeration():
                out.put((eq[0].tolist(), eq[1].tolist()))
    finally:
        out.put(None)


def nashpy_candidates(method: str, A: np.ndarray, B: np.ndarray, clock: Clock) -> tuple[list, bool]:
    """Float equilibria from nashpy's ``method`` (in a child process) until ``clock``'s deadline;
    (candidates, finished)."""
    a = np.array(A, dtype=float)
    b = np.array(B, dtype=float)
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(method, a, b, out), daemon=True)
    proc.start()
    found: list = []
    finished = False
    while True:
        remaining = clock.remaining
        if remaining is None or remaining <= 0:
            break
        try:
            item = out.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            if not proc.is_alive() and out.empty():
                break
            continue
        if item is None:
            finished = True
            break
        found.append(item)
    if proc.is_alive():
        proc.terminate()
    proc.join(1)
    return found, finished


def exact_profile(A: np.ndarray, B: np.ndarray, x: Sequence[float], y: Sequence[float]):
    """An exact equilibrium near the float pair (x, y), or None if none can be confirmed.

    First rational reconstruction of each probability; if that is not exactly an equilibrium, the
    indifference equations on the supports are solved exactly (when their solution is unique).
    """
    payoffs = (A, B)
    guess = tuple(_rational(v) for v in (x, y))
    if is_nash(payoffs, guess):
        return guess
    rows = [i for i, v in enumerate(x) if v > TOLERANCE]
    cols = [j for j, v in enumerate(y) if v > TOLERANCE]
    ys = _indifferent(A, rows, cols, column_player=False)
    xs = _indifferent(B, rows, cols, column_player=True)
    if xs is None or ys is None:
        return None
    x_full = tuple(xs.get(i, Fraction(0)) for i in range(A.shape[0]))
    y_full = tuple(ys.get(j, Fraction(0)) for j in range(A.shape[1]))
    return (x_full, y_full) if is_nash(payoffs, (x_full, y_full)) else None


def _rational(v: Sequence[float]) -> tuple[Fraction, ...]:
    q = [Fraction(float(p)).limit_denominator(10**6) for p in v]
    total = sum(q, Fraction(0))
    return tuple(p / total for p in q) if total > 0 else tuple(q)


def _indifferent(M: np.ndarray, rows: list[int], cols: list[int], column_player: bool):
    """Mix over one player's support making the other indifferent on theirs (exact), or None."""
    if column_player:  # x over rows makes the column player indifferent over cols: x^T B[:, j] = v
        unknowns, others = rows, cols
        coeff = [[Fraction(M[i, j]) for i in rows] + [Fraction(-1)] for j in others]
    else:  # y over cols makes the row player indifferent over rows: A[i, :] y = u
        unknowns, others = cols, rows
        coeff = [[Fraction(M[i, j]) for j in cols] + [Fraction(-1)] for i in others]
    coeff.append([Fraction(1)] * len(unknowns) + [Fraction(0)])
    rhs = [Fraction(0)] * len(others) + [Fraction(1)]
    sol = solve_unique(coeff, rhs)
    if sol is None or any(p < 0 for p in sol[:-1]):
        return None
    return dict(zip(unknowns, sol[:-1]))


def solve_with_nashpy(method: str, A: np.ndarray, B: np.ndarray, clock: Clock | None = None):
    """Exact, verified, de-duplicated equilibria from nashpy's ``method``, searched until ``clock``'s
    deadline (``DEFAULT_SECONDS`` without one).

    Returns ``(equilibria, dropped)``: ``dropped`` counts float candidates that could not be confirmed
    exactly. Raises :class:`SolverLimit` (with ``partial``) when the time limit stopped nashpy.
    """
    clock = clock or Clock()
    if clock.deadline is None:
        clock = clock.within(DEFAULT_SECONDS)
    candidates, finished = nashpy_candidates(method, A, B, clock)
    exact: list = []
    dropped = 0
    for x, y in candidates:
        eq = exact_profile(A, B, x, y)
        if eq is None:
            dropped += 1
        elif eq not in exact:
            exact.append(eq)
    exact.sort()
    if not finished:
        limit = "time limit" if clock.seconds is None else f"{clock.seconds:g} s limit"
        raise SolverLimit(f"nashpy's {method} stopped at the {limit}", partial=(exact, dropped))
    return exact, dropped
