"""``kimgame.solve``: one call that runs the right solvers for a game and gathers the results."""

from __future__ import annotations

import time
from collections.abc import Mapping

from kimgame.errors import KimgameError, SolverLimit
from kimgame.limits import Limits, limits_in_force
from kimgame.solvers.results import Equilibrium, SolveResult

NORMAL_FORM_METHODS = ("auto", "enummixed", "lemke-howson", "support", "vertex", "nashpy-lemke-howson", "pure",
                       "polynomial")


def solve(game, *, method: str = "auto", timeout: float | None = None,
          limits: Limits | Mapping[str, int] | None = None) -> SolveResult:
    """Solve ``game`` at its parameter values and return a :class:`SolveResult`.

    ``auto`` (default) picks, per game, the method below that is complete and fast.
    Methods for two-player normal-form games:
    ``enummixed`` (what ``auto`` uses) — every extreme equilibrium, exactly (vertex enumeration of the
    best-response polytopes; complete on degenerate games);
    ``lemke-howson`` — one equilibrium by exact lexicographic Lemke-Howson;
    ``support`` / ``vertex`` / ``nashpy-lemke-howson`` — nashpy's algorithms, bounded in time, each
    result confirmed exactly (nashpy may miss equilibria of degenerate games);
    ``pure`` — pure equilibria only. Games with more players report all pure equilibria.
    Trees: see :func:`kimgame.solvers.extensive.solve_tree` (``auto``, ``enummixed``, ``spe``, ``pure``).
    ``timeout`` (seconds) bounds the search; on expiry the result is marked ``partial``.
    ``limits`` (:class:`kimgame.limits.Limits`, or a mapping changing only the limits it names) are the
    size limits in force while solving (for a tree: the size up to which its reduced normal form is
    built); by default those already in force.
    """
    with limits_in_force(limits):
        if getattr(game, "form", "normal") == "extensive":
            from kimgame.solvers.extensive import solve_tree

            return solve_tree(game, method=method, timeout=timeout)
        return solve_normal_form(game, method=method, timeout=timeout)


def solve_normal_form(game, *, method: str = "auto", timeout: float | None = None) -> SolveResult:
    """Equilibria, dominance, iterated elimination and claims of a normal-form game (see :func:`solve`)."""
    from kimgame.analysis.claims import judge
    from kimgame.analysis.conditions import fill_conditions
    from kimgame.solvers.dominance import iterated_elimination, mixed_dominance, pure_dominance
    from kimgame.solvers.pure import pure_equilibria
    from kimgame.solvers.verify import is_nash, profile_payoffs

    if method not in NORMAL_FORM_METHODS:
        raise KimgameError(f"unknown method '{method}'; choose one of {', '.join(NORMAL_FORM_METHODS)}")
    if method == "polynomial":  # N-player mixed equilibria of small games: kimgame.solvers.polynomial
        from kimgame.solvers.polynomial import solve_polynomial

        return solve_polynomial(game, timeout=timeout)
    if method == "auto":
        method = "enummixed"
    payoffs = game.numeric
    deadline = None if timeout is None else time.monotonic() + timeout
    pure = pure_equilibria(payoffs)
    pure_labels = tuple(tuple(game.strategies[i][k] for i, k in enumerate(p)) for p in pure)
    notes: list[str] = []
    partial = False
    profiles: list = []
    complete = True
    two_player = len(game.players) == 2

    if method == "pure" or not two_player:
        if method not in ("pure", "enummixed"):
            raise KimgameError(f"method '{method}' is for two-player games; this game has {len(game.players)} players")
        profiles = [_pure_profile(game.shape, p) for p in pure]
        used = "pure best-response check"
        if not two_player:
            notes.append("all pure equilibria are listed; mixed equilibria of games with more than two players "
                         "are not enumerated")
    else:
        A, B = payoffs
        if method == "enummixed":
            from kimgame.solvers.enummixed import SearchTimeout, extreme_equilibria

            used = "enummixed: vertex enumeration of the best-response polytopes (exact)"
            try:
                profiles = extreme_equilibria(A, B, deadline=deadline)
            except SearchTimeout as stop:
                profiles, partial, complete = list(stop.partial), True, False
                why = "interrupted" if stop.interrupted else f"time limit of {timeout:g} s reached"
                notes.append(f"{why}: the equilibria listed are those found so far")
        elif method == "lemke-howson":
            from kimgame.solvers.lemke_howson import PivotLimit, lemke_howson

            used = "lemke-howson: exact, lexicographic (one equilibrium per dropped label)"
            complete = False
            try:
                found = {lemke_howson(A, B, dropped_label=k) for k in range(sum(game.shape))}
                profiles = sorted(found)
            except PivotLimit as err:
                partial = True
                notes.append(str(err))
        else:
            from kimgame.solvers.nashpy_adapter import solve_with_nashpy

            nashpy_method = "lemke-howson" if method == "nashpy-lemke-howson" else method
            used = f"nashpy {nashpy_method} (float), each candidate re-derived and verified exactly"
            complete = False
            try:
                profiles, dropped = solve_with_nashpy(nashpy_method, A, B, timeout or 60.0)
            except SolverLimit as stop:
                profiles, dropped = stop.partial
                partial = True
                notes.append(str(stop))
            if dropped:
                notes.append(f"{dropped} float candidate(s) from nashpy could not be confirmed exactly and were dropped")
    for prof in profiles:
        if not is_nash(payoffs, prof):  # never report an unverified profile
            raise AssertionError(f"internal error: {prof} is not an equilibrium")
    equilibria = tuple(Equilibrium(tuple(p), profile_payoffs(payoffs, tuple(p))) for p in profiles)

    dominance = pure_dominance(game.players, game.strategies, payoffs) + mixed_dominance(
        game.players, game.strategies, payoffs
    )
    elimination = iterated_elimination(game.players, game.strategies, payoffs)
    claims = fill_conditions(game, tuple(judge(game, c, elimination) for c in game.claims))
    return SolveResult(
        game=game,
        values=game.values,
        method=used,
        equilibria=equilibria,
        complete=complete and not partial,
        pure_equilibria=pure_labels,
        dominance=dominance,
        elimination=elimination,
        claims=claims,
        partial=partial,
        notes=tuple(notes),
    )


def _pure_profile(shape: tuple[int, ...], idx: tuple[int, ...]):
    from fractions import Fraction

    return tuple(tuple(Fraction(int(k == j)) for k in range(n)) for n, j in zip(shape, idx))
