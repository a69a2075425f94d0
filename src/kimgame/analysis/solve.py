"""``kimgame.solve``: one call that runs the right solvers for a game and gathers the results.

It lives in the analysis layer, above the solvers, because a solve result also judges the file's claims
(:mod:`kimgame.analysis.claims`) and gives each its exact parameter condition
(:mod:`kimgame.analysis.conditions`); see docs/architecture.md."""

from __future__ import annotations

from collections.abc import Mapping

from kimgame.errors import KimgameError, SolverLimit
from kimgame.limits import Limits, limits_in_force
from kimgame.solvers.deadline import Clock, deadline_after, why_stopped
from kimgame.solvers.results import Equilibrium, SolveResult

NORMAL_FORM_METHODS = ("auto", "enummixed", "lemke-howson", "support", "vertex", "nashpy-lemke-howson", "pure",
                       "polynomial")


def solve(game, *, method: str = "auto", timeout: float | None = None, conditions: bool = True,
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
    Trees: see :func:`kimgame.analysis.solve_tree.solve_tree` (``auto``, ``enummixed``, ``spe``, ``pure``,
    ``sequence-lcp`` — one equilibrium by exact Lemke on the sequence form, ``sequence-lp`` — the value
    and optimal strategies of a zero-sum tree by the sequence-form LP, certified exactly).
    ``timeout`` (seconds) bounds every step — the equilibrium search, the dominance analysis and the
    claims' conditions; on expiry (or Ctrl-C) the result holds what was found so far and is marked
    ``partial``, with a note saying which step stopped.
    ``limits`` (:class:`kimgame.limits.Limits`, or a mapping changing only the limits it names) are the
    size limits in force while solving (for a tree: the size up to which its reduced normal form is
    built); by default those already in force.
    ``conditions`` (default True) gives each claim result its exact parameter condition (cached by
    file content); ``False`` skips the symbolic work, for loops that need the numbers only.
    """
    with limits_in_force(limits):
        if getattr(game, "form", "normal") == "extensive":
            from kimgame.analysis.solve_tree import solve_tree

            return solve_tree(game, method=method, timeout=timeout, conditions=conditions)
        return solve_normal_form(game, method=method, timeout=timeout, conditions=conditions)


def solve_normal_form(game, *, method: str = "auto", timeout: float | None = None,
                      deadline: float | None = None, conditions: bool = True) -> SolveResult:
    """Equilibria, dominance, iterated elimination and claims of a normal-form game (see :func:`solve`).

    ``deadline`` (a :func:`time.monotonic` value) replaces ``now + timeout`` when a caller has already
    spent part of the time; ``timeout`` is then only quoted in the notes.
    """
    from kimgame.analysis.claims import judge
    from kimgame.analysis.conditions import claim_conditions
    from kimgame.solvers.dominance import dominance_analysis, dominance_note
    from kimgame.solvers.pure import pure_equilibria
    from kimgame.solvers.verify import is_nash, profile_payoffs

    if method not in NORMAL_FORM_METHODS:
        raise KimgameError(f"unknown method '{method}'; choose one of {', '.join(NORMAL_FORM_METHODS)}")
    if method == "polynomial":  # N-player mixed equilibria of small games: kimgame.solvers.polynomial
        from kimgame.solvers.polynomial import solve_polynomial

        deadline = deadline_after(timeout) if deadline is None else deadline
        base = solve_normal_form(game, method="pure", timeout=timeout, deadline=deadline, conditions=False)
        return solve_polynomial(game, base, timeout=timeout, deadline=deadline)
    if method == "auto":
        method = "enummixed"
    payoffs = game.numeric
    if deadline is None:
        deadline = deadline_after(timeout)
    clock = Clock(deadline)
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
                notes.append(f"{why_stopped(stop, timeout)}: the equilibria listed are those found so far")
        elif method == "lemke-howson":
            from kimgame.solvers.lemke_howson import PivotLimit, lemke_howson

            used = "lemke-howson: exact, lexicographic (one equilibrium per dropped label)"
            complete = False
            found: set = set()
            try:
                for k in range(sum(game.shape)):
                    if clock.expired:
                        partial = True
                        notes.append(f"{why_stopped(None, timeout)} after {k} of {sum(game.shape)} starting "
                                     "labels: the equilibria listed are those found so far")
                        break
                    found.add(lemke_howson(A, B, dropped_label=k))
            except PivotLimit as err:
                partial = True
                notes.append(str(err))
            profiles = sorted(found)
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

    analysis = dominance_analysis(game.players, game.strategies, payoffs, deadline=deadline)
    if analysis.stopped is not None:
        partial = True
        notes.append(dominance_note(analysis, timeout))
    dominance, elimination = analysis.dominance, analysis.elimination
    claims = tuple(judge(game, c, elimination) for c in game.claims)
    if conditions:
        claims, cut = claim_conditions(game, claims, clock, timeout, notes)
        partial = partial or cut
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


SLOW_ENUMERATION = 15  # strategies per player from which enumerating every extreme equilibrium may take minutes


def slow_enumeration_warning(game, method: str = "auto", timeout: float | None = None) -> str | None:
    """A warning to give *before* solving when enumerating every extreme equilibrium of a two-player game
    may take minutes or more (both players with at least ``SLOW_ENUMERATION`` strategies; measured times
    in docs/exactness.md: 14 x 14 ~15 s, 16 x 16 ~1.5 min, sevenfold per two strategies more), or None.
    Nothing to say with a ``timeout``, another method, or a tree."""
    if getattr(game, "form", "normal") != "normal" or method not in ("auto", "enummixed") or timeout is not None:
        return None
    shape = tuple(game.shape)
    if len(shape) != 2 or min(shape) < SLOW_ENUMERATION:
        return None
    return (f"note: the game is {shape[0]} × {shape[1]}; enumerating every extreme equilibrium exactly may take "
            "minutes or far longer (about 15 s at 14 × 14, sevenfold for every two strategies more). Ctrl-C "
            "prints what was found so far; --timeout SECONDS bounds it; --method lemke-howson finds some "
            "equilibria exactly in seconds.")


def _pure_profile(shape: tuple[int, ...], idx: tuple[int, ...]):
    from fractions import Fraction

    return tuple(tuple(Fraction(int(k == j)) for k in range(n)) for n, j in zip(shape, idx))
