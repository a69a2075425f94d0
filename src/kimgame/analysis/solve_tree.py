"""``solve_tree``: the subgame-perfect and the Nash equilibria of a game tree, dominance on its reduced
normal form, and the file's claims.

1. Subgame-perfect equilibria (SPE) by backward induction over the proper subgames
   (:mod:`kimgame.solvers.backward_induction`): in a perfect-information tree every pure SPE (ties give
   several); with imperfect information, each combination of the extreme equilibria of the subgames'
   truncated games (pure equilibria for three or more players). Every SPE is checked exactly
   (:func:`kimgame.solvers.subgames.subgame_perfection_failure`) before it is reported.
2. The Nash equilibria of the whole game from its reduced normal form (all extreme equilibria for two
   players, pure ones for more), translated to behaviour strategies (Kuhn) and marked subgame-perfect or
   not. One that is realization-equivalent to an SPE of step 1 is not listed again. At information sets
   the player's own plan never reaches (where a mixed plan says nothing) the behaviour is filled in by a
   best reply in the smallest subgame containing it; the profile is marked subgame-perfect when that
   completion is (a profile whose only subgame-perfect completions need other choices on ties there is
   marked not subgame-perfect — see the notes of :func:`kimgame.solvers.subgames.fill_free`).
3. Dominance and iterated elimination on the reduced normal form (:mod:`kimgame.solvers.dominance`
   through :func:`kimgame.analysis.solve.solve_normal_form`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import cast

from kimgame.analysis.claims import judge
from kimgame.analysis.conditions import claim_conditions
from kimgame.errors import KimgameError
from kimgame.expr.numbers import fmt
from kimgame.limits import current_limits, too_much_memory
from kimgame.model.claims import Dominates
from kimgame.model.nodes import gc_paused
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree import (
    PLAN_COUNT_CAP,
    ExtensiveFormGame,
    full_normal_form_size,
    plan_space,
)
from kimgame.solvers import pure_lists
from kimgame.solvers.behavior import behavior_document, outcome_probabilities, path_of_play
from kimgame.solvers.clock import Clock, Expired, SearchTimeout, announce, why_stopped
from kimgame.solvers.dominance import dominance_analysis, dominance_note
from kimgame.solvers.reduced_normal_form import Behavior, behavior_from_mixed, mixed_from_behavior
from kimgame.solvers.results import (
    ClaimResult,
    Equilibrium,
    Method,
    NotSubgamePerfect,
    PlayerValues,
    ReducedSize,
    SolveResult,
    SubgamePerfectPlay,
    TreeSize,
    TreeSolution,
    strategy_profile,
)
from kimgame.solvers.scope import Cut, coverage, finite_nash_set, game_kind
from kimgame.solvers.spe import search
from kimgame.solvers.subgames import fill_free, nash_failure, node_values, stages, subgame_perfection_failure

TREE_METHODS = ("auto", "enummixed", "spe", "pure", "sequence-lcp", "sequence-lp")
SEQUENCE_METHODS = ("sequence-lcp", "sequence-lp")
# What is computed and listed is bounded by limits in force (kimgame.limits.Limits, --limit NAME=N):
# auto_nash_profiles, auto_pure_profiles, nash_profiles, pure_profiles (reduced-normal-form sizes), spe_listed,
# behavior_entries, nash_listed (lists), condition_pieces (claim conditions), path_steps (paths of play).
SLOW_BUILD_PROFILES = 50_000  # building a reduced normal form this large takes about a second or more (progress)
LARGE_TREE = 10_000  # trees of this many nodes are solved with the cyclic garbage collector paused


def solve_tree(game: ExtensiveFormGame, *, method: str = "auto", clock: Clock | None = None,
               conditions: bool = True) -> SolveResult:
    """Solve a game tree at its parameter values (see the module notes).

    Limits named below are those in force (:class:`kimgame.limits.Limits`, ``--limit NAME=N``).
    Methods: ``auto`` (default: the subgames are solved by enumerating every extreme equilibrium of their
    reduced normal forms when that form has at most ``auto_nash_profiles`` pure profiles — estimated
    before it is built — and by one equilibrium of the sequence form (``sequence-lcp``) otherwise; the
    whole reduced normal form's extreme equilibria are enumerated up to ``auto_nash_profiles`` profiles,
    its pure equilibria beyond — reduced normal forms of trees are highly degenerate and can have thousands
    of extreme equilibria — up to ``auto_pure_profiles`` when a subgame needed the sequence form),
    ``enummixed`` (SPE from every extreme equilibrium of every subgame, and all extreme Nash equilibria of
    the reduced normal form), ``spe`` (subgame-perfect equilibria only, subgames as in ``auto``), ``pure``
    (SPE from pure equilibria of the subgames, and the pure Nash equilibria of the reduced normal form),
    ``sequence-lcp`` (two players: one SPE, each subgame by Lemke on its sequence form, certified exactly, Koller,
    Megiddo & von Stengel 1996; :mod:`kimgame.solvers.sequence_lcp`), ``sequence-lp`` (two-player
    zero-sum: the value and optimal behaviour strategies, subgame by subgame, from the sequence-form LP
    solved by HiGHS and certified exactly; :mod:`kimgame.solvers.sequence_lp`). The sequence-form methods
    skip the reduced normal form. ``clock`` (:class:`kimgame.solvers.clock.Clock`: the time and memory
    limits; None: no time limit) bounds every step (the subgames and each Lemke path, building
    the reduced normal form, its equilibria and its dominance analysis); on expiry the result is marked
    ``partial``.
    The reduced normal form is built up to the ``reduced_profiles`` limit in force
    (:func:`kimgame.limits.current_limits`).
    With ``conditions`` each claim also gets its exact parameter condition
    (:func:`kimgame.analysis.conditions.claim_conditions`, within ``condition_pieces`` pieces of parameter
    space per node and the time left). The result's ``method`` gives the scope of its list of equilibria,
    whether it is complete and its counts (:func:`kimgame.solvers.scope.coverage`).
    """
    if game.num_nodes >= LARGE_TREE:
        with gc_paused():
            return _solve_tree(game, method, clock or Clock(), conditions)
    return _solve_tree(game, method, clock or Clock(), conditions)


def _solve_tree(game: ExtensiveFormGame, method: str, clock: Clock, conditions: bool) -> SolveResult:

    if method not in TREE_METHODS:
        raise KimgameError(f"unknown method '{method}' for a game tree; choose one of {', '.join(TREE_METHODS)}")
    if method in SEQUENCE_METHODS:
        _check_sequence_method(game, method)
    limits = current_limits()
    notes: list[str] = []
    partial = False
    stopped = False  # a time limit (or Ctrl-C) stopped the search for equilibria
    cuts: list[Cut] = []
    st = stages(game)
    players = game.players

    # 1. subgame-perfect equilibria
    spe_behaviors: list[tuple[Behavior, tuple[Fraction, ...]]] = []  # each with its payoffs at the root
    spe_total = 0
    sequence_stages: Mapping[int, tuple[str, tuple[int, ...], str]] = {}
    stage_method = method if method in SEQUENCE_METHODS else "auto" if method in ("auto", "spe") else "enummixed"
    try:
        found = search(game, st, pure_only=method == "pure", clock=clock, method=stage_method,
                       enumerate_up_to=limits.auto_nash_profiles)
    except SearchTimeout as stop:
        found = None
        partial = stopped = True
        notes.append(f"{why_stopped(stop, clock)} while solving the subgames: no subgame-perfect "
                     "equilibrium is listed")
    if found is not None:
        notes.extend(found.notes)
        sequence_stages = getattr(found, "sequence_stages", {})  # none in an ArraySPESearch (perfect information)
        notes.extend(_sequence_notes(game, sequence_stages, method, st.cuts))
        spe_total = found.total
        limit = max(1, min(limits.spe_listed, limits.behavior_entries // max(1, len(game.infosets))))
        for profile in found.profiles(limit):
            behavior = fill_free(game, found.behavior(profile), st)
            check = getattr(found, "check_profile", None)  # an ArraySPESearch (large trees) checks on its arrays
            checked = check(behavior) if check is not None else None
            if checked is not None and checked[0]:  # verified exactly on the tree's arrays
                spe_behaviors.append((behavior, checked[1]))
                continue
            values = node_values(game, behavior)
            failure = subgame_perfection_failure(game, behavior, st, values)
            if failure is not None:  # never report an unverified profile
                raise AssertionError(f"internal error: a backward-induction profile is not subgame-perfect: {failure}")
            spe_behaviors.append((behavior, values[0]))
        which = "spe_listed" if limit == limits.spe_listed else "behavior_entries"
        # the combinations of subgame values were cut: the count is a lower bound (an ArraySPESearch, for large
        # perfect-information trees, is cut short by that limit only)
        if getattr(found, "combinations_cut", found.cut_short):
            cuts.append(Cut("subgame-perfect equilibria", len(spe_behaviors), None, "--limit spe_combinations=N"))
        elif spe_total > len(spe_behaviors):
            cuts.append(Cut("subgame-perfect equilibria", len(spe_behaviors), spe_total, f"--limit {which}=N"))
        if spe_total > len(spe_behaviors):
            notes.append(f"{_count_text(spe_total)} subgame-perfect equilibria in all (counting the choices in "
                         f"every subgame); the first {len(spe_behaviors)} are listed (raise the limit with "
                         f"--limit {which}=N)")

    # 2. the reduced normal form
    profiles = game.reduced_profiles
    max_profiles = limits.reduced_profiles
    space = plan_space(game) if profiles <= max_profiles else None
    full, log10 = full_normal_form_size(game)
    if space is None:
        notes.append(f"the reduced normal form has more than {max_profiles:,} pure profiles, the limit; Nash "
                     "equilibria that are not subgame-perfect and dominance are not computed (raise the limit "
                     "with --limit reduced_profiles=N)")

    equilibria: list[Equilibrium] = []
    spe_mixes: list[tuple] = []
    spe_index: list[int] = []
    internal: list[Behavior] = []  # the behaviour of each equilibrium in ``equilibria``, by information set
    for behavior, root_values in spe_behaviors:
        mixes = tuple(mixed_from_behavior(space, i, behavior) for i in range(len(players))) if space else ()
        spe_mixes.append(mixes)
        spe_index.append(len(equilibria))
        equilibria.append(Equilibrium(strategy_profile(players, space.labels if space else None, mixes),
                                      PlayerValues(root_values, players),
                                      behavior_document(game, behavior), True, game))
        internal.append(behavior)

    pure_labels: tuple = ()
    dominance: tuple = ()
    elimination = None
    not_perfect: list[NotSubgamePerfect] = []
    nf_method = ""
    nf_step = "none"  # what was enumerated on the reduced normal form: "extreme", "pure" or "none"
    finite = False
    all_found: list[Equilibrium] = []
    nf = None
    analysed = (space is not None and profiles <= limits.pure_profiles and method != "spe"
                and method not in SEQUENCE_METHODS)
    if space is not None and profiles > limits.pure_profiles and method != "spe" and method not in SEQUENCE_METHODS:
        notes.append(f"the reduced normal form has {profiles:,} pure profiles, more than the pure_profiles limit of "
                     f"{limits.pure_profiles:,}: its Nash equilibria that are not subgame-perfect and dominance are not "
                     "computed (raise the limit with --limit pure_profiles=N)")
    nash_step = "not run"
    if analysed and method == "auto" and sequence_stages and profiles > limits.auto_pure_profiles:
        analysed = False
        notes.append(f"the reduced normal form has {profiles:,} pure profiles, over the budget of "
                     f"{limits.auto_pure_profiles:,} for the default run: its pure Nash equilibria and dominance are "
                     "not computed (use --method pure for them, or --limit auto_pure_profiles=N)")
    over_memory = too_much_memory("the reduced normal form", profiles, len(players)) if analysed else None
    if over_memory is not None:  # estimated before it is built
        analysed = False
        partial = stopped = True
        notes.append(f"{over_memory}: Nash equilibria that are not subgame-perfect and dominance are not computed")
    elif analysed and clock.expired:
        partial = stopped = True
        notes.append(f"{why_stopped(None, clock)} before the reduced normal form was analysed: Nash equilibria "
                     "that are not subgame-perfect and dominance are not computed")
    elif analysed:
        if profiles > SLOW_BUILD_PROFILES:
            announce(f"building the reduced normal form ({profiles:,} pure profiles)")
        try:
            nf = reduced_normal_form(game, check=clock.tick)
        except (Expired, KeyboardInterrupt) as stop:
            nf, analysed = None, False
            partial = stopped = True
            why = "interrupted" if isinstance(stop, KeyboardInterrupt) else why_stopped(stop, clock)
            notes.append(f"{why} while building the reduced normal form: Nash equilibria that are not "
                         "subgame-perfect and dominance are not computed")
    if nf is not None:
        assert space is not None  # the reduced normal form is built only when its plan space is (``analysed``)
        nf_request = method
        if method == "auto":
            nf_request = "enummixed" if profiles <= limits.auto_nash_profiles else "pure"
            if nf_request == "pure" and len(players) == 2:
                size = " × ".join(str(k) for k in nf.shape)
                notes.append(f"the reduced normal form has {profiles} pure profiles ({size}), more than the "
                             f"auto_nash_profiles limit of {limits.auto_nash_profiles}: its pure Nash equilibria are "
                             "listed; for every extreme mixed one use --method enummixed (or --limit "
                             "auto_nash_profiles=N)")
        found_nash, pure_labels, dominance, elimination, nf_method, status = _normal_form_step(
            nf, profiles, nf_request, clock, notes)
        nash_step = "partial" if status == "partial" else "done"
        partial = partial or status == "partial"
        stopped = stopped or status == "partial"
        nf_step = "extreme" if nf_method.startswith(("enummixed", "polynomial")) else "pure"
        finite = status == "complete" and nf_step == "extreme" and finite_nash_set(found_nash)
        others: list[Equilibrium] = []
        reasons: list[str] = []
        for mixes in found_nash:
            if mixes in spe_mixes:
                continue
            behavior = {}
            for i in range(len(players)):
                behavior.update(behavior_from_mixed(game, space, i, mixes[i]))
            behavior = fill_free(game, behavior, st)
            values = node_values(game, behavior)
            failure = subgame_perfection_failure(game, behavior, st, values)
            if failure is not None and nash_failure(game, behavior, values) is not None:  # verify before reporting
                raise AssertionError(f"internal error: {mixes} is not a Nash equilibrium of the tree")
            eq = Equilibrium(strategy_profile(players, space.labels, mixes), PlayerValues(values[0], players),
                             behavior_document(game, behavior), failure is None, game)
            if failure is None:  # subgame-perfect (e.g. mixing where a follower is indifferent)
                spe_index.append(len(equilibria))
                equilibria.append(eq)
                internal.append(behavior)
            else:
                others.append(eq)
                reasons.append(failure)
        all_found = equilibria + others
        shown = others[:limits.nash_listed]
        for eq, reason in zip(shown, reasons):
            not_perfect.append(NotSubgamePerfect(len(equilibria) + 1, reason))
            equilibria.append(eq)
            internal.append({})
        if len(others) > len(shown):
            cuts.append(Cut("Nash equilibria that are not subgame-perfect", len(shown), len(others),
                            "--limit nash_listed=N"))
            notes.append(f"{len(others)} Nash equilibria of the reduced normal form are not subgame-perfect; the "
                         f"first {len(shown)} are listed (claims about Nash equilibria use all of them; raise the "
                         "limit with --limit nash_listed=N)")
    elif method == "spe":
        notes.append("method 'spe': only subgame-perfect equilibria are computed")
    elif method in SEQUENCE_METHODS:
        notes.append(f"method '{method}': Nash equilibria of the reduced normal form that are not subgame-perfect "
                     "and dominance are not computed")

    # 3. claims
    claims = _judge_claims(game, nf, elimination, all_found if nf is not None else equilibria)
    if conditions and claims:

        claims, cut = claim_conditions(game, claims, clock, notes,
                                       max_pieces=limits.condition_pieces)
        partial = partial or cut

    value = _zero_sum_value(game, equilibria)
    if value is not None:
        notes.append(f"the game is zero-sum: its value for {players[0]} is {fmt(value)} (exact)")
    solution = _tree_solution(game, st, space, profiles, full, log10, equilibria, internal, spe_index, spe_total,
                              not_perfect, nash_step, value)
    pure_spe = method == "pure" or len(players) > 2
    used = ("backward induction" if game.is_perfect_information else
            f"backward induction over subgames ({'pure' if pure_spe else 'extreme'} equilibria of each truncated "
            "game, exact)")
    if sequence_stages:
        kinds = sorted({m for m, _, _ in sequence_stages.values()})
        used = ("backward induction over subgames; " + " and ".join(_SEQUENCE_NAMES[k] for k in kinds)
                + f" (one equilibrium) at {len(sequence_stages)} of them")
    if nf_method:
        used += f"; reduced normal form: {nf_method}"
    widen = None
    if nf_step != "extreme" and len(players) == 2:
        widen = ("--method enummixed" if space is not None and profiles <= limits.nash_profiles else
                 f"--limit {'reduced_profiles' if space is None else 'nash_profiles'}=N with --method enummixed")
    cov = coverage(method, game_kind(game), len(equilibria), stopped=stopped, cuts=cuts, finite=finite,
                   nf_step=nf_step, pure_spe=pure_spe, one_spe=bool(sequence_stages), more=widen)
    return SolveResult(
        game=game,
        values=game.values,
        method=Method.of(method, used, cov, partial=partial),
        equilibria=tuple(equilibria),
        pure_equilibria=pure_labels,
        dominance=dominance,
        elimination=elimination,
        claims=claims,
        notes=tuple(notes),
        tree=solution,
    )


_SEQUENCE_NAMES = {"sequence-lcp": "sequence-lcp: Lemke on the sequence form, certified exactly",
                   "sequence-lp": "sequence-lp: the sequence-form LP (HiGHS, certified exactly)"}


def _check_sequence_method(game: ExtensiveFormGame, method: str) -> None:
    """KimgameError unless ``method`` (a sequence-form method) applies to ``game``."""
    if len(game.players) != 2:
        raise KimgameError(f"method '{method}' is for two-player trees; this tree has {len(game.players)} players "
                           "(use --method pure or spe)")
    if method == "sequence-lp" and _constant_sum(game) is None:
        raise KimgameError("method 'sequence-lp' is for zero-sum (constant-sum) trees and the payoffs of this one "
                           "do not add up to the same number at every terminal; use --method sequence-lcp")


def _constant_sum(game: ExtensiveFormGame) -> Fraction | None:
    """The sum of the two players' payoffs when it is the same at every terminal, else None."""
    if len(game.players) != 2:
        return None
    sums = {t[0] + t[1] for t in game.terminal_values if t is not None}
    return next(iter(sums)) if len(sums) == 1 else None


def _zero_sum_value(game: ExtensiveFormGame, equilibria: Sequence[Equilibrium]) -> Fraction | None:
    """The value for the first player of a two-player constant-sum tree (every equilibrium pays it), or
    None when the tree is not constant-sum or no equilibrium was found."""
    if not equilibria or _constant_sum(game) is None:
        return None
    return equilibria[0].payoffs[0]



def _sequence_notes(game: ExtensiveFormGame, stages: Mapping[int, tuple[str, tuple[int, ...], str]],
                    method: str, cuts_of: Mapping[int, Sequence[int]]) -> list[str]:
    """What the stages solved by the sequence form mean for the result, why that method, and how to ask for
    every extreme equilibrium instead (``cuts_of``: the proper subgames right below each stage)."""
    out = []
    for v, (used, counts, lemke) in stages.items():
        size = " × ".join(str(c) if c < PLAN_COUNT_CAP else f"{PLAN_COUNT_CAP:.0e} or more" for c in counts)
        if v != 0:
            where = f"the subgame at '{game.node_label(v)}'"
        else:
            where = "the game above its proper subgames" if cuts_of.get(v) else "the whole game"
        steps = f"; {lemke}" if lemke else ""
        limits = current_limits()
        if math.prod(counts) > limits.subgame_profiles:
            why = (f"its reduced normal form ({size} plans) is over the subgame_profiles limit of "
                   f"{limits.subgame_profiles} pure profiles, --limit subgame_profiles=N")
        elif method != used:
            why = (f"its reduced normal form ({size} plans) is over the budget of {limits.auto_nash_profiles} pure "
                   "profiles for enumerating every extreme equilibrium, --limit auto_nash_profiles=N")
        else:
            why = f"method '{used}'"
        out.append(f"{where}: one equilibrium by {_SEQUENCE_NAMES[used]} ({why}{steps}), so other "
                   "subgame-perfect equilibria may exist; for every extreme equilibrium use "
                   "--method enummixed --timeout 600")
    return out


def _normal_form_step(nf, profiles: int, method: str, clock: Clock, notes: list[str]):
    """Nash equilibria and dominance of the reduced normal form ``nf``.

    Two players: every extreme equilibrium (:func:`kimgame.solvers.enummixed.extreme_equilibria`) when
    the form has at most ``nash_profiles`` profiles (a limit in force) (reduced normal forms of trees are often highly
    degenerate — a follower's plans differ only where the leader never goes — with thousands of extreme
    equilibria: ``--method pure`` or ``spe`` is then much faster). Otherwise pure equilibria.
    Returns (profiles as mixes, pure labels, dominance, elimination, method text, status) with status
    "complete", "incomplete" (a documented restriction) or "partial" (the user's time limit ran out).
    """

    shape = nf.shape
    small = profiles <= current_limits().nash_profiles and method != "pure"
    stopped = False
    if not small and pure_lists.suits(shape):  # pure strategies only, on a small form: no numpy needed, fast
        lists = nf.numeric_lists
        pure = pure_lists.pure_equilibria_lists(shape, lists)
        dominance = pure_lists.pure_dominance_lists(nf.players, nf.strategies, lists)
        elimination = pure_lists.iterated_elimination_lists(nf.players, nf.strategies, lists)
    else:
        from kimgame.solvers.pure import pure_equilibria

        payoffs = nf.numeric
        pure = pure_equilibria(payoffs)
        analysis = dominance_analysis(nf.players, nf.strategies, payoffs, mixed=small, clock=clock)
        dominance, elimination = analysis.dominance, analysis.elimination
        if analysis.stopped is not None:
            notes.append(dominance_note(analysis, clock))
            stopped = True
    pure_labels = tuple(tuple(nf.strategies[i][k] for i, k in enumerate(p)) for p in pure)
    zero_one = (Fraction(0), Fraction(1))  # shared: Fractions are immutable
    pure_mixes = [tuple(tuple(zero_one[j == k] for j in range(n)) for n, k in zip(shape, p)) for p in pure]
    size = " × ".join(str(k) for k in shape)
    if not small and method != "pure":
        notes.append(f"the reduced normal form has {profiles} pure profiles ({size}), more than the nash_profiles "
                     f"limit of {current_limits().nash_profiles:,}: its pure equilibria and dominance by pure "
                     "strategies are reported; mixed equilibria and mixed dominance are not (raise the limit with "
                     "--limit nash_profiles=N)")
    if not small:
        return pure_mixes, pure_labels, dominance, elimination, "pure equilibria", "partial" if stopped else "incomplete"
    if len(shape) != 2 or method == "pure":
        status = "partial" if stopped else "incomplete"
        if len(shape) > 2 and method != "pure":  # N players: kimgame.solvers.n_player (polynomial, budgeted)
            from kimgame.solvers.n_player import mixed_equilibria_notes

            mixed, complete_mixed = mixed_equilibria_notes(nf, clock, notes)
            found = pure_mixes + [m for m in mixed if m not in pure_mixes]
            status = "partial" if stopped else ("complete" if complete_mixed else "incomplete")
            used = ("polynomial: every isolated equilibrium (exact)" if complete_mixed else
                    "pure equilibria; polynomial method within its budget (not finished)")
            return found, pure_labels, dominance, elimination, used, status
        if len(shape) != 2:
            notes.append("all pure equilibria of the reduced normal form are listed; mixed equilibria of games with "
                         "more than two players are not enumerated")
            status = "partial" if stopped else "complete"
        return pure_mixes, pure_labels, dominance, elimination, "pure equilibria", status
    from kimgame.solvers.enummixed import extreme_equilibria

    A, B = payoffs
    try:
        found = [tuple(p) for p in extreme_equilibria(A, B, clock=clock)]
    except SearchTimeout as stop:
        notes.append(f"{why_stopped(stop, clock)}: the Nash equilibria listed are those found so far")
        return ([tuple(p) for p in cast("list[tuple[tuple[Fraction, ...], ...]]", stop.partial)], pure_labels, dominance, elimination,
                "enummixed (stopped by the time limit)", "partial")
    return (found, pure_labels, dominance, elimination, "enummixed: every extreme equilibrium (exact)",
            "partial" if stopped else "complete")


def _judge_claims(game, nf, elimination, equilibria):

    out = []
    for claim in game.claims:
        if isinstance(claim.spec, Dominates):
            if nf is None:
                out.append(ClaimResult(claim.id, claim.says, claim.spec.describe(), False,
                                       "not judged: the reduced normal form was not built or not analysed (see the notes)"))
            else:
                out.append(judge(nf, claim, elimination))
        else:
            out.append(judge(game, claim, equilibria=equilibria))
    return tuple(out)


def _count_text(n: int) -> str:
    if n.bit_length() <= 100:
        return str(n)
    return f"about 10^{int(n.bit_length() * math.log10(2))}"


def _tree_solution(game, st, space, profiles, full, log10, equilibria, internal, spe_index, spe_total, not_perfect,
                   nash_step: str, value: Fraction | None) -> TreeSolution:
    players = game.players
    nodes = game.nodes
    per_player = {p: 0 for p in players}
    for h in game.infosets.values():
        per_player[players[h.player]] += 1
    terminals, decisions, chances = game.arrays.kind_counts()
    tree = TreeSize(len(nodes), decisions, chances, terminals, per_player, game.is_perfect_information,
                    max(0, len(st.roots) - 1))
    counts = dict(zip(players, game.plan_counts))
    max_profiles = current_limits().reduced_profiles
    strategies = None
    if space is not None and sum(len(x) for x in space.labels) <= 10_000:
        strategies = {p: tuple(labels) for p, labels in zip(players, space.labels)}
    rnf = ReducedSize({p: (c if c <= max_profiles else f"more than {max_profiles}") for p, c in counts.items()},
                      profiles if profiles <= max_profiles else None,
                      str(full) if full is not None else f"about 10^{int(log10)}", strategies)
    spe = []
    outcome_table: dict[str, list[Fraction]] = {label: [] for label in game.outcomes}
    for k in spe_index:
        eq = equilibria[k]
        behavior = internal[k]
        outcomes = outcome_probabilities(game, behavior)
        for label, p in outcomes.items():
            outcome_table[label].append(p)
        spe.append(SubgamePerfectPlay(k + 1, dict(eq.payoffs.items()), tuple(path_of_play(game, behavior)), outcomes))
    return TreeSolution(tree, rnf, spe_total, tuple(spe), {label: tuple(p) for label, p in outcome_table.items()},
                        tuple(not_perfect), nash_step, value)
