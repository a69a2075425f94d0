"""``kimgame.solve``: one call that runs the right solvers for a game and gathers the results.

It lives in the analysis layer, above the solvers, because a solve result also judges the file's claims
(:mod:`kimgame.analysis.claims`) and gives each its exact parameter condition
(:mod:`kimgame.analysis.conditions`); see docs/architecture.md."""

from __future__ import annotations

import time
from collections.abc import Mapping
from fractions import Fraction

from kimgame.errors import KimgameError, SolverLimit
from kimgame.limits import DEFAULT_LIMITS, Limits, current_limits, limits_in_force
from kimgame.solvers.deadline import Clock, deadline_after, why_stopped
from kimgame.solvers.results import Equilibrium, Method, SolveResult
from kimgame.solvers.scope import coverage, finite_nash_set, game_kind

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
    import dataclasses
    import time

    start = time.perf_counter()
    with limits_in_force(limits) as chosen:
        if getattr(game, "form", "normal") == "extensive":
            from kimgame.analysis.solve_tree import solve_tree
            from kimgame.model.tree import recall_problem

            if recall_problem(game) is not None:  # Gambit files may lack perfect recall: the reduced normal form
                return _solve_without_recall(game, method=method, timeout=timeout, conditions=conditions)

            result = solve_tree(game, method=method, timeout=timeout, conditions=conditions)
        else:
            result = solve_normal_form(game, method=method, timeout=timeout, conditions=conditions)
    options: dict[str, object] = {"method": method}
    if timeout is not None:
        options["timeout"] = timeout
    if not conditions:
        options["conditions"] = False
    changed = {f.name: getattr(chosen, f.name) for f in dataclasses.fields(chosen)
               if getattr(chosen, f.name) != getattr(DEFAULT_LIMITS, f.name)}
    if changed:
        options["limits"] = changed
    record = dataclasses.replace(result.method, options=options, time=time.perf_counter() - start)
    return dataclasses.replace(result, method=record)


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
    if method == "auto" and len(game.players) > 2:  # pure, then polynomial within a budget, else approximate
        return solve_n_player(game, timeout=timeout, deadline=deadline)
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
        if method == "enummixed":
            from kimgame.solvers.enummixed import SearchTimeout, extreme_equilibria

            used = "enummixed: vertex enumeration of the best-response polytopes (exact)"
            try:
                profiles = extreme_equilibria(A, B, deadline=deadline)
            except SearchTimeout as stop:
                profiles, partial, stopped = list(stop.partial), True, True
                notes.append(f"{why_stopped(stop, timeout)}: the equilibria listed are those found so far")
        elif method == "lemke-howson":
            from kimgame.solvers.lemke_howson import PivotLimit, lemke_howson

            used = "lemke-howson: exact, lexicographic (one equilibrium per dropped label)"
            found: set = set()
            try:
                for k in range(sum(game.shape)):
                    if clock.expired:
                        partial = stopped = True
                        notes.append(f"{why_stopped(None, timeout)} after {k} of {sum(game.shape)} starting "
                                     "labels: the equilibria listed are those found so far")
                        break
                    found.add(lemke_howson(A, B, dropped_label=k, max_pivots=current_limits().pivots))
            except PivotLimit as err:
                partial = stopped = True
                notes.append(f"{err} (raise the limit with --limit pivots=N): the equilibria listed are those found "
                             "so far")
            profiles = sorted(found)
        else:
            from kimgame.solvers.nashpy_adapter import solve_with_nashpy

            nashpy_method = "lemke-howson" if method == "nashpy-lemke-howson" else method
            used = f"nashpy {nashpy_method} (float), each candidate re-derived and verified exactly"
            try:
                profiles, dropped = solve_with_nashpy(nashpy_method, A, B, timeout or 60.0)
            except SolverLimit as stop:
                profiles, dropped = stop.partial
                partial = stopped = True
                notes.append(f"{stop} (--timeout SECONDS sets it)")
            if dropped:
                notes.append(f"{dropped} float candidate(s) from nashpy could not be confirmed exactly and were dropped")
    for prof in profiles:
        if not is_nash(payoffs, prof):  # never report an unverified profile
            raise AssertionError(f"internal error: {prof} is not an equilibrium")
    equilibria = tuple(Equilibrium(tuple(p), profile_payoffs(payoffs, tuple(p)), game=game) for p in profiles)
    run = "pure" if method == "pure" or not two_player else method
    cov = coverage(run, game_kind(game), len(equilibria), stopped=stopped,
                   finite=run == "enummixed" and not stopped and finite_nash_set(profiles),
                   more=None if run == "enummixed" else "--method enummixed" if two_player else "--method polynomial")

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
        method=Method.of(run, used, cov, partial=partial),
        equilibria=equilibria,
        pure_equilibria=pure_labels,
        dominance=dominance,
        elimination=elimination,
        claims=claims,
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


def solve_n_player(game, *, timeout: float | None = None, deadline: float | None = None) -> SolveResult:
    """``kimgame.solve`` (``auto``) for a normal-form game with three or more players (see the notes of
    :mod:`kimgame.solvers.n_player`): pure equilibria, then the polynomial method within its budget, then (if
    nothing exact beyond the pure equilibria was found and the search did not finish) an approximate
    equilibrium, ``result.approximate``, with its exact ε. Complete when the polynomial method finished."""
    import dataclasses

    from kimgame.expr.numbers import fmt
    from kimgame.solvers.n_player import (
        APPROX_PROFILE_LIMIT,
        AUTO_SUPPORT_PROFILES,
        POLYNOMIAL_BUDGET,
        SUPPORT_UNKNOWNS,
        approximate_equilibrium,
    )
    from kimgame.solvers.polynomial import (
        MAX_PLAYERS,
        MAX_SUPPORT_PROFILES,
        _support_count,
        algebraic_notes,
        algebraic_results,
        solve_polynomial,
        support_equilibria,
    )
    from kimgame.solvers.results import ApproximateEquilibrium
    from kimgame.solvers.verify import profile_payoffs

    start = time.monotonic()
    if deadline is None and timeout is not None:
        deadline = start + timeout
    budget = POLYNOMIAL_BUDGET if deadline is None else max(0.0, min(POLYNOMIAL_BUDGET, deadline - start))
    shape = game.shape
    supports = _support_count(shape)
    fits = len(shape) <= MAX_PLAYERS and supports <= min(MAX_SUPPORT_PROFILES, AUTO_SUPPORT_PROFILES)
    if fits and budget > 0:
        poly_deadline = start + budget
        base = solve_normal_form(game, method="pure", timeout=timeout, deadline=poly_deadline, conditions=True)
        result = solve_polynomial(game, base, timeout=budget, deadline=poly_deadline)
        if result.complete:
            return result
        why = (f"the polynomial method did not finish within its budget of {budget:g} s "
               f"(--method polynomial --timeout 600 runs it longer)")
    else:
        result = solve_normal_form(game, method="pure", timeout=timeout, deadline=deadline, conditions=True)
        if not fits:
            why = (f"the game has {len(shape)} players and {supports:,} support profiles, more than the polynomial "
                   f"method does by default ({MAX_PLAYERS} players, {AUTO_SUPPORT_PROFILES} support profiles"
                   + (f"; --method polynomial goes up to {MAX_SUPPORT_PROFILES})" if supports <= MAX_SUPPORT_PROFILES
                      and len(shape) <= MAX_PLAYERS else ")"))
        else:
            why = "no time was left for the polynomial method"
    notes = [n for n in result.notes if "not enumerated" not in n]
    pure = "; ".join("(" + ", ".join(p) + ")" for p in result.pure_equilibria) or "none"
    notes.append(f"mixed equilibria are not all found: {why}. The pure equilibria are listed ({pure})")
    approximate = None
    if game.num_profiles <= APPROX_PROFILE_LIMIT and not result.algebraic_equilibria \
            and not any(not eq.is_pure for eq in result.equilibria):
        payoffs = game.numeric
        profile, eps, sigma = approximate_equilibrium(payoffs, deadline=None if deadline is None
                                                      else max(deadline, time.monotonic() + 1.0))
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
        mixes = "; ".join(
            f"{p}: " + ", ".join(f"{s} = {fmt(x)}" for s, x in zip(game.strategies[i], profile[i]) if x)
            for i, p in enumerate(game.players))
        if eps == 0:
            notes.append(f"a mixed equilibrium found by a float search and verified exactly (ε = 0): {mixes}")
            if all(tuple(eq.strategies) != profile for eq in result.equilibria):
                result = dataclasses.replace(result, equilibria=(
                    *result.equilibria, Equilibrium(profile, profile_payoffs(payoffs, profile), game=game)))
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


def _solve_without_recall(game, *, method: str, timeout: float | None, conditions: bool) -> SolveResult:
    """A tree without perfect recall solved in its reduced normal form
    (:mod:`kimgame.solvers.imperfect_recall`): the normal form's result, its ``game`` the normal form, with
    a first note saying why and what is not offered, and ``perfect_recall`` False."""
    import dataclasses

    from kimgame.model.tree import recall_problem
    from kimgame.solvers.imperfect_recall import recall_note, reduced_normal_form_without_recall

    problem = recall_problem(game)
    if method not in NORMAL_FORM_METHODS:
        raise KimgameError(f"method '{method}': this tree does not have perfect recall, so it is solved in its reduced "
                           "normal form, where subgame perfection and behaviour strategies are not defined; choose one "
                           f"of {', '.join(NORMAL_FORM_METHODS)}", problem.where if problem else None)
    result = solve(reduced_normal_form_without_recall(game), method=method, timeout=timeout, conditions=conditions)
    record = dataclasses.replace(
        result.method, algorithm=f"reduced normal form of a tree without perfect recall; {result.method.algorithm}")
    return dataclasses.replace(result, method=record, notes=(recall_note(problem), *result.notes),
                               perfect_recall=False)
