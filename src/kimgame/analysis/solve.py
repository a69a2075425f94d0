"""``kimgame.solve``: one call that runs the right solvers for a game and gathers the results.

It lives in the analysis layer, above the solvers, because a solve result also judges the file's claims
(:mod:`kimgame.analysis.claims`) and gives each its exact parameter condition
(:mod:`kimgame.analysis.conditions`); see docs/architecture.md."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import cast

from kimgame.analysis.claims import judge
from kimgame.analysis.conditions import claim_conditions
from kimgame.errors import KimgameError, SolverLimit
from kimgame.expr.numbers import fmt
from kimgame.limits import DEFAULT_LIMITS, Limits, current_limits, limits_in_force
from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_checks import recall_problem
from kimgame.solvers.budget import enumeration_seconds
from kimgame.solvers.clock import Clock, SearchTimeout, announce, why_stopped
from kimgame.solvers.dominance import dominance_analysis, dominance_note
from kimgame.solvers.results import (
    ApproximateEquilibrium,
    Equilibrium,
    Method,
    PlayerValues,
    SolveResult,
    strategy_profile,
)
from kimgame.solvers.scope import coverage, finite_nash_set, game_kind

_Profiles = list[tuple[tuple[Fraction, ...], ...]]  # what a stopped two-player search leaves in `partial`
DOMINANCE_ANNOUNCE_CELLS = 400  # from 20 x 20 the mixed-dominance LPs took seconds when this was measured
# The time plan of --method auto on a two-player game (shares of the clock's planned seconds: the --timeout,
# or the budget limit): the exhaustive enumeration may use the first ENUMERATION_SHARE, extra Lemke-Howson
# paths run until PATHS_SHARE, dominance gets the rest; the enumeration is chosen when its estimate is at
# most CHOOSE_SHARE. The first Lemke-Howson path ignores these marks (only the user's --timeout stops it),
# so that there is always an equilibrium.
ENUMERATION_SHARE = 0.7
PATHS_SHARE = 0.85
CHOOSE_SHARE = 0.5
NORMAL_FORM_METHODS = ("auto", "enummixed", "lemke-howson", "support", "vertex", "nashpy-lemke-howson", "pure",
                       "polynomial")


def solve(game, *, method: str = "auto", timeout: float | Clock | None = None, conditions: bool = True,
          limits: Limits | Mapping[str, int] | None = None) -> SolveResult:
    """Solve ``game`` at its parameter values and return a :class:`SolveResult`.

    ``auto`` (default) picks, per game, the method below that fits the budget: for two-player games
    ``enummixed`` when its estimated time fits (see :func:`_auto_two_player`), else exact Lemke-Howson;
    always at least one verified equilibrium, and the notes say which method, why and how to ask for more.
    Methods for two-player normal-form games:
    ``enummixed`` — every extreme equilibrium, exactly (vertex enumeration of the
    best-response polytopes; complete on degenerate games);
    ``lemke-howson`` — one equilibrium by exact lexicographic Lemke-Howson;
    ``support`` / ``vertex`` / ``nashpy-lemke-howson`` — nashpy's algorithms, bounded in time, each
    result confirmed exactly (nashpy may miss equilibria of degenerate games);
    ``pure`` — pure equilibria only. Games with more players report all pure equilibria.
    Trees: see :func:`kimgame.analysis.solve_tree.solve_tree` (``auto``, ``enummixed``, ``spe``, ``pure``,
    ``sequence-lcp`` — one equilibrium by Lemke on the sequence form, certified exactly, ``sequence-lp`` —
    the value and optimal strategies of a zero-sum tree by the sequence-form LP, certified exactly).
    ``timeout`` (seconds, or a running :class:`~kimgame.solvers.clock.Clock` shared with other calls)
    bounds every step — the equilibrium search, the dominance analysis and the claims' conditions; on expiry (or Ctrl-C) the result holds what was found so far and is marked
    ``partial``, with a note saying which step stopped.
    ``limits`` (:class:`kimgame.limits.Limits`, or a mapping changing only the limits it names) are the
    limits in force while solving (for a tree: the size up to which its reduced normal form is built; the
    ``memory`` every step is stopped at, like a timeout; the ``budget`` in seconds that ``auto`` plans for
    without a ``timeout``); by default those already in force.
    ``conditions`` (default True) gives each claim result its exact parameter condition (cached by
    file content); ``False`` skips the symbolic work, for loops that need the numbers only.
    """
    import dataclasses

    start = time.perf_counter()
    with limits_in_force(limits) as chosen:
        clock = Clock.after(timeout)  # the one budget (time and memory) of every step below
        if clock.memory != chosen.memory:  # a running clock passed in: the memory limit asked for here holds
            clock = Clock(clock.deadline, memory=chosen.memory, seconds=clock.seconds)
        if isinstance(game, ExtensiveFormGame):
            from kimgame.analysis.solve_tree import solve_tree
            if recall_problem(game) is not None:  # Gambit files may lack perfect recall: the reduced normal form
                result = _solve_without_recall(game, method=method, clock=clock, conditions=conditions)
            else:
                result = solve_tree(game, method=method, clock=clock, conditions=conditions)
        else:
            result = solve_normal_form(game, method=method, clock=clock, conditions=conditions)
    options: dict[str, object] = {"method": method}
    if clock.seconds is not None:
        options["timeout"] = clock.seconds
    if not conditions:
        options["conditions"] = False
    changed = {f.name: getattr(chosen, f.name) for f in dataclasses.fields(chosen)
               if getattr(chosen, f.name) != getattr(DEFAULT_LIMITS, f.name)}
    if changed:
        options["limits"] = changed
    record = dataclasses.replace(result.method, options=options, time=time.perf_counter() - start)
    return dataclasses.replace(result, method=record)


def solve_normal_form(game, *, method: str = "auto", clock: Clock | None = None,
                      conditions: bool = True) -> SolveResult:
    """Equilibria, dominance, iterated elimination and claims of a normal-form game (see :func:`solve`),
    every step within ``clock`` (:class:`kimgame.solvers.clock.Clock`; None: no time limit)."""
    from kimgame.solvers.pure import pure_equilibria
    from kimgame.solvers.verify import is_nash, profile_payoffs

    if method not in NORMAL_FORM_METHODS:
        raise KimgameError(f"unknown method '{method}'; choose one of {', '.join(NORMAL_FORM_METHODS)}")
    if method == "polynomial":  # N-player mixed equilibria of small games: kimgame.solvers.polynomial
        from kimgame.solvers.polynomial_method import solve_polynomial

        base = solve_normal_form(game, method="pure", clock=clock, conditions=False)
        return solve_polynomial(game, base, clock=clock)
    if method == "auto" and len(game.players) > 2:  # pure, then polynomial within a budget, else approximate
        return solve_n_player(game, clock=clock)
    payoffs = game.numeric
    clock = clock or Clock()
    auto = method == "auto"
    (dominance_clock,) = clock.split(1.0) if auto else (clock,)  # auto: dominance ends with the plan
    if auto:
        method = "enummixed"  # two players: chosen by _auto_two_player below
    pure = pure_equilibria(payoffs)
    pure_labels = tuple(tuple(game.strategies[i][k] for i, k in enumerate(p)) for p in pure)
    notes: list[str] = []
    partial = False
    stopped = False  # the equilibrium search itself was stopped (time, Ctrl-C, pivots)
    profiles: list = []
    two_player = len(game.players) == 2

    if method == "pure" or not two_player:
        if method not in ("pure", "enummixed"):
            raise KimgameError(f"method '{method}' is for two-player games; this game has {len(game.players)} players")
        profiles = [_pure_profile(game.shape, p) for p in pure]
        used = "pure best-response check"
        if len(game.players) > 2:
            notes.append("all pure equilibria are listed; mixed equilibria of games with more than two players "
                         "are not enumerated (--method polynomial enumerates them on small games)")
        elif len(game.players) == 1:
            notes.append("one player: the equilibria are the player's best pure strategies (any mixture of them is "
                         "optimal too)")
    else:
        A, B = payoffs
        if auto:
            profiles, used, method, stopped, partial = _auto_two_player(A, B, clock, notes)
        elif method == "enummixed":
            from kimgame.solvers.enummixed import extreme_equilibria

            used = "enummixed: vertex enumeration of the best-response polytopes (exact)"
            estimate = enumeration_seconds(*game.shape)
            if estimate > 1:
                announce(f"enumerating every extreme equilibrium of the {game.shape[0]} × {game.shape[1]} game "
                         f"(estimated {_duration(estimate)}; Ctrl-C prints what was found)")
            try:
                profiles = extreme_equilibria(A, B, clock=clock)
            except SearchTimeout as stop:
                profiles, partial, stopped = list(cast(_Profiles, stop.partial)), True, True
                notes.append(f"{why_stopped(stop, clock)}: the equilibria listed are those found so far")
        elif method == "lemke-howson":
            used = "lemke-howson: exact, lexicographic (one equilibrium per dropped label)"
            profiles, cut = _lemke_howson_paths(A, B, clock, clock)
            if cut is not None:
                partial = stopped = True
                notes.append(_paths_note(cut, clock, len(profiles)))
        else:
            from kimgame.solvers.nashpy_adapter import solve_with_nashpy

            nashpy_method = "lemke-howson" if method == "nashpy-lemke-howson" else method
            used = f"nashpy {nashpy_method} (float), each candidate re-derived and verified exactly"
            try:
                profiles, dropped = solve_with_nashpy(nashpy_method, A, B, clock)
            except SolverLimit as stop:
                profiles, dropped = cast("tuple[_Profiles, int]", stop.partial)
                partial = stopped = True
                notes.append(f"{stop} (--timeout SECONDS sets it)")
            if dropped:
                notes.append(f"{dropped} float candidate(s) from nashpy could not be confirmed exactly and were dropped")
    for prof in profiles:
        if not is_nash(payoffs, prof):  # never report an unverified profile
            raise AssertionError(f"internal error: {prof} is not an equilibrium")
    equilibria = tuple(_equilibrium(game, tuple(p), profile_payoffs(payoffs, tuple(p))) for p in profiles)
    run = "pure" if method == "pure" or not two_player else method
    cov = coverage(run, game_kind(game), len(equilibria), stopped=stopped,
                   finite=run == "enummixed" and not stopped and finite_nash_set(profiles),
                   more=None if run == "enummixed" else "--method enummixed" if two_player else "--method polynomial")

    if two_player and game.shape[0] * game.shape[1] >= DOMINANCE_ANNOUNCE_CELLS:
        announce(f"dominance analysis of the {game.shape[0]} × {game.shape[1]} game (one exact LP per strategy)")
    analysis = dominance_analysis(game.players, game.strategies, payoffs, clock=dominance_clock)
    if analysis.stopped is not None:
        partial = True
        notes.append(dominance_note(analysis, dominance_clock))
    dominance, elimination = analysis.dominance, analysis.elimination
    claims = tuple(judge(game, c, elimination) for c in game.claims)
    if conditions:
        claims, cut = claim_conditions(game, claims, clock, notes)
        partial = partial or cut
    return SolveResult(
        game=game,
        values=game.values,
        method=Method.of(run, used, cov, partial=partial),
        equilibria=equilibria,
        pure_equilibria=pure_labels,
        dominance=dominance,
        elimination=elimination,
        claims=claims,
        notes=tuple(notes),
    )


def _equilibrium(game, profile: tuple[tuple[Fraction, ...], ...], payoffs: Sequence[Fraction]) -> Equilibrium:
    """The equilibrium ``profile`` (with ``payoffs``) of the normal-form ``game``, labelled by its players
    and strategies."""
    players = tuple(game.players)
    return Equilibrium(strategy_profile(players, game.strategies, profile), PlayerValues(payoffs, players),
                       game=game)


def _auto_two_player(A, B, clock: Clock, notes: list[str]) -> tuple[list, str, str, bool, bool]:
    """``--method auto`` on a two-player game, the one place that chooses its method: ``enummixed`` when the
    estimated enumeration time (:func:`kimgame.solvers.budget.enumeration_seconds`) fits the budget (the
    plan of ``clock``: see ``ENUMERATION_SHARE``), else exact Lemke-Howson. Returns (profiles, algorithm text, method run — ``"enummixed"`` or
    ``"lemke-howson"``, whether its search was stopped, whether a limit made the result partial); the notes
    say which method was used, why, and how to ask for more."""
    from kimgame.solvers.enummixed import extreme_equilibria

    m, n = len(A), len(A[0])
    estimate = enumeration_seconds(m, n)
    enumeration, paths, whole = clock.split(ENUMERATION_SHARE, PATHS_SHARE, 1.0)
    seconds = cast(float, whole.seconds)
    more = "for every extreme equilibrium ask for more time: --method enummixed --timeout 600 (or longer)"
    user_limit = clock.deadline is not None  # a --timeout shaped the run: a partial result (exit code 3)
    within = f"the budget of {seconds:g} s" + ("" if user_limit else " (raise it with --timeout or --limit budget=N)")
    if estimate <= CHOOSE_SHARE * seconds:
        used = "enummixed: vertex enumeration of the best-response polytopes (exact)"
        if estimate > 1:
            announce(f"enumerating every extreme equilibrium of the {m} × {n} game (estimated {estimate:.0f} s)")
        try:
            return extreme_equilibria(A, B, clock=enumeration), used, "enummixed", False, False
        except SearchTimeout as stop:
            found = list(cast(_Profiles, stop.partial))
            if stop.interrupted or stop.memory is not None:  # the user's stop or limit: no more work
                what = "the equilibria listed are those found so far" if found else "no equilibrium was found"
                notes.append(f"{why_stopped(stop, whole)} during the enumeration: {what}")
                return found, used, "enummixed", True, True
        notes.append(f"auto chose enummixed (estimated {_duration(estimate)}, within {within}), but the "
                     f"enumeration did not finish in its share of the budget: {len(found)} extreme equilibria "
                     f"were found before it stopped, not necessarily every one; {more}")
        if found:
            return found, used, "enummixed", True, user_limit
        used = "lemke-howson: exact, lexicographic (one path, after an unfinished enumeration)"
        profiles, stopped = _lemke_howson_paths(A, B, clock, clock, first_only=True)
        if profiles:
            notes.append("the enumeration found no equilibrium in time, so one exact Lemke-Howson path was added")
        else:
            notes.append(_paths_note(stopped, whole, 0))
        return profiles, used, "enummixed", True, user_limit or not profiles
    used = "lemke-howson: exact, lexicographic (one equilibrium per starting label while the budget lasts)"
    notes.append(f"auto chose exact Lemke-Howson: enumerating every extreme equilibrium of this {m} × {n} game is "
                 f"estimated at {_duration(estimate)}, over {within}; the equilibria listed are some, not "
                 f"necessarily all; {more}")
    if m * n > 400:
        announce(f"exact Lemke-Howson on the {m} × {n} game")
    profiles, stopped = _lemke_howson_paths(A, B, paths, clock)
    if stopped is not None and not isinstance(stopped, tuple):  # a limit, Ctrl-C or the pivot bound
        notes.append(_paths_note(stopped, whole, len(profiles)))
        return profiles, used, "lemke-howson", True, True
    return profiles, used, "lemke-howson", False, False


def _lemke_howson_paths(A, B, soft: Clock, hard: Clock, *, first_only: bool = False) -> tuple[list, object]:
    """Exact Lemke-Howson equilibria, one path per starting label until the ``soft`` clock expires (the first
    path runs on the ``hard`` clock), each path stopped by its clock (time or memory) while it pivots. Returns
    the distinct equilibria found (sorted) and what stopped the paths: None (every label done),
    ``(k, total)`` when the soft deadline ended them after ``k`` of ``total`` starting labels, or the
    :class:`SearchTimeout` (hard deadline, memory limit, Ctrl-C) or :class:`PivotLimit` that stopped a path."""
    from kimgame.solvers.lemke_howson import PivotLimit, lemke_howson

    total = len(A) + len(A[0])
    found: set = set()
    for k in range(1 if first_only else total):
        if k and soft.expired:
            return sorted(found), (k, total)
        try:
            found.add(lemke_howson(A, B, dropped_label=k, clock=hard if not k else soft,
                                   max_pivots=current_limits().pivots))
        except SearchTimeout as stop:
            timed_out = not stop.interrupted and stop.memory is None
            if k and timed_out and not hard.expired:
                return sorted(found), (k, total)  # the soft deadline, not a limit
            return sorted(found), stop
        except PivotLimit as stop:
            return sorted(found), stop
    return sorted(found), None


def _paths_note(stopped: object, clock: Clock, count: int) -> str:
    """The note for Lemke-Howson paths cut short (see :func:`_lemke_howson_paths`); claims nothing about
    equilibria that were not found."""
    from kimgame.solvers.lemke_howson import PivotLimit

    if isinstance(stopped, PivotLimit):
        return f"{stopped} (raise the limit with --limit pivots=N): the equilibria listed are those found so far"
    if isinstance(stopped, tuple):
        return (f"{why_stopped(None, clock)} after {stopped[0]} of {stopped[1]} starting labels: the "
                "equilibria listed are those found so far")
    what = "no equilibrium was found" if not count else f"{count} equilibria were found before it"
    return f"{why_stopped(stopped, clock)} during a Lemke-Howson path: {what}"  # type: ignore[arg-type]


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.2g} s"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.2g} hours"
    years = seconds / (365.25 * 86400)
    return f"{years:.2g} years" if years < 1e6 else "far longer than a lifetime"


def _pure_profile(shape: tuple[int, ...], idx: tuple[int, ...]):
    from fractions import Fraction

    return tuple(tuple(Fraction(int(k == j)) for k in range(n)) for n, j in zip(shape, idx))


def solve_n_player(game, *, clock: Clock | None = None) -> SolveResult:
    """``kimgame.solve`` (``auto``) for a normal-form game with three or more players (see the notes of
    :mod:`kimgame.solvers.n_player`): pure equilibria, then the polynomial method within its budget, then (if
    nothing exact beyond the pure equilibria was found and the search did not finish) an approximate
    equilibrium, ``result.approximate``, with its exact ε. Complete when the polynomial method finished."""
    import dataclasses

    from kimgame.solvers.n_player import (
        APPROX_PROFILE_LIMIT,
        POLYNOMIAL_BUDGET,
        SUPPORT_UNKNOWNS,
        approximate_equilibrium,
        mixture_text,
        too_large_for_auto,
    )
    from kimgame.solvers.polynomial import support_equilibria
    from kimgame.solvers.polynomial_method import algebraic_notes, algebraic_results, solve_polynomial
    from kimgame.solvers.verify import profile_payoffs

    clock = clock or Clock()
    poly = clock.within(POLYNOMIAL_BUDGET)
    budget = cast(float, poly.seconds)
    shape = game.shape
    too_large = too_large_for_auto(shape)
    if too_large is None and budget > 0:
        base = solve_normal_form(game, method="pure", clock=poly, conditions=True)
        result = solve_polynomial(game, base, clock=poly)
        if result.complete:
            return result
        why = (f"the polynomial method did not finish within its budget of {budget:g} s "
               f"(--method polynomial --timeout 600 runs it longer)")
    else:
        result = solve_normal_form(game, method="pure", clock=clock, conditions=True)
        why = too_large or "no time was left for the polynomial method"
    notes = [n for n in result.notes if "not enumerated" not in n]
    pure = "; ".join("(" + ", ".join(p) + ")" for p in result.pure_equilibria) or "none"
    notes.append(f"mixed equilibria are not all found: {why}. The pure equilibria are listed ({pure})")
    approximate = None
    if game.num_profiles <= APPROX_PROFILE_LIMIT and not result.algebraic_equilibria \
            and not any(not eq.is_pure for eq in result.equilibria):
        payoffs = game.numeric
        profile, eps, sigma = approximate_equilibrium(payoffs, clock.at_least(1.0))
        support = tuple(tuple(k for k, x in enumerate(m) if x > 1e-6) for m in sigma)
        unknowns = sum(len(s) - 1 for s in support)
        converged = eps < Fraction(1, 10**5)  # the float search found an equilibrium's neighbourhood
        if eps != 0 and converged and 0 < unknowns <= SUPPORT_UNKNOWNS:  # exact on its support (a small system)
            rational, algebraic = support_equilibria(payoffs, support)
            if rational:
                profile, eps = rational[0], Fraction(0)
            elif algebraic:
                result = dataclasses.replace(result, algebraic_equilibria=algebraic_results(game, algebraic))
                notes.extend(algebraic_notes(game, algebraic))
        mixes = mixture_text(game, profile)
        if eps == 0:
            notes.append(f"a mixed equilibrium found by a float search and verified exactly (ε = 0): {mixes}")
            if all(tuple(eq.strategies) != profile for eq in result.equilibria):
                result = dataclasses.replace(result, equilibria=(
                    *result.equilibria, _equilibrium(game, profile, profile_payoffs(payoffs, profile))))
        else:
            notes.append(f"an APPROXIMATE equilibrium (not exact; no player gains more than ε = {fmt(eps)} ≈ "
                         f"{float(eps):.3g} by deviating, computed exactly): {mixes}")
        approximate = ApproximateEquilibrium(
            {p: dict(zip(game.strategies[i], profile[i])) for i, p in enumerate(game.players)}, eps)
    cov = coverage("polynomial", game_kind(game), len(result.equilibria) + len(result.algebraic_equilibria),
                   unsolved=True, more="--method polynomial --timeout 600")
    record = Method.of("polynomial", f"{result.method.algorithm}; mixed equilibria not all found ({why})", cov,
                       partial=result.partial)
    return dataclasses.replace(result, method=record, notes=tuple(notes), approximate=approximate)


def _solve_without_recall(game, *, method: str, clock: Clock, conditions: bool) -> SolveResult:
    """A tree without perfect recall solved in its reduced normal form
    (:mod:`kimgame.solvers.imperfect_recall`): the normal form's result, its ``game`` the normal form, with
    a first note saying why and what is not offered, and ``perfect_recall`` False."""
    import dataclasses

    from kimgame.solvers.imperfect_recall import recall_note, reduced_normal_form_without_recall

    problem = recall_problem(game)
    if method not in NORMAL_FORM_METHODS:
        raise KimgameError(f"method '{method}': this tree does not have perfect recall, so it is solved in its reduced "
                           "normal form, where subgame perfection and behaviour strategies are not defined; choose one "
                           f"of {', '.join(NORMAL_FORM_METHODS)}", problem.where if problem else None)
    result = solve_normal_form(reduced_normal_form_without_recall(game), method=method, clock=clock,
                               conditions=conditions)
    record = dataclasses.replace(
        result.method, algorithm=f"reduced normal form of a tree without perfect recall; {result.method.algorithm}")
    return dataclasses.replace(result, method=record, notes=(recall_note(problem), *result.notes),
                               perfect_recall=False)
