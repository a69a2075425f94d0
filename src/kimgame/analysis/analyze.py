"""One entry point for the symbolic analysis of claims: ``analyze(game)``.

For each claim: the exact condition on the parameters (within their declared ranges), its truth at
the game's values, the one-parameter-at-a-time threshold sets, the robustness margins and the most
sensitive parameter, optionally a Monte Carlo share of the parameter box, and a plain-words summary.

>>> import kimgame
>>> from kimgame.analysis.analyze import analyze
>>> g = kimgame.load("games/singapore_matrix.yaml")
>>> [(a.claim.id, a.condition_text) for a in analyze(g)]
[('silence-dominates', 'K > H*e'), ('private-dominates', '(K > 0) & (H*e_private + K > H*e)')]
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from kimgame.analysis.claims import judge
from kimgame.analysis.conditions import (
    UnsupportedCondition,
    claim_condition,
    claim_phrase,
    condition_latex,
    condition_pieces,
    condition_text,
    evaluate_condition,
    is_long,
)
from kimgame.analysis.focus import focus
from kimgame.analysis.montecarlo import MonteCarloResult, monte_carlo
from kimgame.analysis.regimes import Regimes, claim_regimes
from kimgame.analysis.robustness import Margin, margins, most_sensitive
from kimgame.analysis.solve_tree import solve_tree
from kimgame.analysis.thresholds import (
    KnifeEdgeValue,
    Threshold,
    split_knife_edges,
    threshold_summary,
    thresholds,
)
from kimgame.analysis.views import ConditionView, condition_views
from kimgame.errors import KimgameError, SolverLimit
from kimgame.model.claims import Claim, Dominates, Outcome, Plays
from kimgame.model.presentation import present
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree import ExtensiveFormGame
from kimgame.solvers.clock import Clock

__all__ = ["ClaimAnalysis", "analyze", "holds_here", "resolve_claims"]


@dataclass(frozen=True)
class ClaimAnalysis:
    """The symbolic analysis of one claim.

    ``condition``: exact sympy Boolean on the parameters, equivalent to the claim within the declared
    ranges (None when it cannot be derived, e.g. claims after iterated elimination, or a tree whose
    derivation reached a size limit; ``note`` says why). ``condition_text`` parses back with
    ``sympy.sympify`` (the JSON contract); ``latex`` is the same in LaTeX; ``pieces`` its number of
    alternatives (the conjunctions of its disjunction; 1 for a single conjunction, 0 for true/false).
    ``holds``: exact truth at ``game.values``. ``thresholds``/``margins``: per parameter (see
    :mod:`~kimgame.analysis.thresholds`, :mod:`~kimgame.analysis.robustness`). ``most_sensitive``:
    the parameter with the smallest relative margin (None if no single parameter can flip the
    claim). ``montecarlo``: None unless samples were asked for. ``views``: for trees, the condition on
    each player's parameters with the others at their values (:mod:`~kimgame.analysis.views`).
    ``regimes``: for a claim about one player's choice in a tree, the condition as regimes of the other
    players' subgame-perfect play (:mod:`~kimgame.analysis.regimes`). ``knife_edge_values``: single values
    of one parameter (the others at their values) where the claim changes only at a tie, with who is
    indifferent there; thresholds, margins and ``most_sensitive`` leave them out.
    ``piece``: where the claim holds at the values and the condition has several pieces, the text of
    the piece that contains the values (a sufficient condition, true here). ``partial``: a time limit
    cut the derivation short (what is reported is what was derived in time).
    """

    claim: Claim
    condition: sympy.Boolean | None
    condition_text: str | None
    latex: str | None
    holds: bool
    thresholds: tuple[Threshold, ...]
    margins: tuple[Margin, ...]
    most_sensitive: str | None
    montecarlo: MonteCarloResult | None
    summary: str
    note: str = ""
    pieces: int = 0
    views: tuple[ConditionView, ...] = ()
    piece: str | None = None
    partial: bool = False
    regimes: Regimes | None = None
    knife_edge_values: tuple[KnifeEdgeValue, ...] = ()

    def _repr_html_(self) -> str:
        """The analysis in a notebook: verdict, exact condition, summary (:mod:`kimgame.report.notebook`)."""
        return present("html", self)


def resolve_claims(game, claim=None) -> tuple[Claim, ...]:
    """The claims to analyse: all of the game's (None), one by id, a :class:`Claim` or a bare spec, or a
    list/tuple of those (in that order)."""
    if claim is None:
        return tuple(game.claims)
    if isinstance(claim, (list, tuple)):
        return tuple(c for item in claim for c in resolve_claims(game, item))
    if isinstance(claim, Claim):
        return (claim,)
    if isinstance(claim, (Dominates, Plays, Outcome)):
        return (Claim("claim", "", claim),)
    if isinstance(claim, str):
        for c in game.claims:
            if c.id == claim:
                return (c,)
        known = ", ".join(c.id for c in game.claims) or "the game has none"
        raise KimgameError(f"no claim with id '{claim}' (claims: {known})")
    raise TypeError(f"claim must be None, an id, a Claim or a spec (Dominates, Plays, Outcome), "
                    f"not {type(claim).__name__}")


def analyze(game, claim=None, *, samples: int = 0, seed: int = 0, max_pieces: int | None = None,
            timeout: float | Clock | None = None) -> tuple[ClaimAnalysis, ...]:
    """Analyse the claims of ``game`` (all when ``claim`` is None; else an id, a Claim, a spec, or a list
    of those).

    ``samples`` > 0 adds a seeded Monte Carlo estimate of the share of the parameter box where each
    claim holds. For trees, claims about subgame-perfect equilibria get their condition by symbolic
    backward induction (bounded by ``max_pieces`` pieces of parameter space per node, default
    :data:`~kimgame.analysis.tree_conditions.MAX_PIECES`), each player's view of it, and thresholds
    derived one parameter at a time; when the full condition is too large, the rest is still reported.
    ``timeout`` (seconds for all claims together, or a running :class:`~kimgame.solvers.clock.Clock`) bounds the trees' symbolic backward induction: a claim
    whose derivation it cuts short is judged at the values only and marked ``partial``.
    """
    if samples < 0:
        raise KimgameError("samples must be zero or positive")
    clock = Clock.after(timeout)
    return tuple(_analyze_one(game, c, samples, seed, max_pieces, clock) for c in resolve_claims(game, claim))


def holds_here(game, claim: Claim) -> bool:
    """Whether ``claim`` holds at ``game.values``, judged numerically: dominance on the payoffs (a tree's
    reduced normal form), tree claims on the equilibria the tree solver finds (``spe`` claims on the
    subgame-perfect equilibria of backward induction, the ones the symbolic conditions describe)."""
    spec = claim.spec
    if not isinstance(spec, (Plays, Outcome)):
        if isinstance(game, ExtensiveFormGame):
            return judge(reduced_normal_form(game), claim).holds
        return judge(game, claim).holds

    result = solve_tree(game, method="spe" if spec.equilibrium == "spe" else "auto", conditions=False)
    return judge(game, claim, equilibria=result.equilibria).holds


def _spe_behaviors(game) -> list:
    """The behaviours of the subgame-perfect equilibria the tree solver lists at the game's values."""
    return [e.behavior for e in solve_tree(game, method="spe", conditions=False).equilibria if e.subgame_perfect]


def _numeric_only(game, claim: Claim, phrase: str, message: str, partial: bool = False) -> ClaimAnalysis:
    holds = holds_here(game, claim)
    summary = f"{phrase}: {'holds' if holds else 'does not hold'} at these values; {message}"
    return ClaimAnalysis(claim, None, None, None, holds, (), (), None, None, summary, message, partial=partial)


def _analyze_one(game, claim: Claim, samples: int, seed: int, max_pieces: int | None, clock: Clock) -> ClaimAnalysis:
    phrase = claim_phrase(claim)
    tree = isinstance(game, ExtensiveFormGame) and isinstance(claim.spec, (Plays, Outcome))
    views: tuple[ConditionView, ...] = ()
    regimes = None
    univariate = None
    try:
        if tree:
            views = condition_views(game, claim, max_pieces=max_pieces, clock=clock)
            try:
                regimes = claim_regimes(game, claim, max_pieces=max_pieces, clock=clock)
            except SolverLimit:
                regimes = None

            def univariate(name: str) -> sympy.Boolean:
                return claim_condition(focus(game, [name]), claim, max_pieces=max_pieces, clock=clock)

        blocked = next((v for v in views if v.condition is None), None)
        if blocked is not None:
            cond, note = None, (f"the full condition was not derived: already {blocked.player}'s side of it "
                                f"(with the other parameters at their values) reached a limit: {blocked.note}")
        else:
            try:
                cond, note = claim_condition(game, claim, max_pieces=max_pieces, clock=clock), ""
            except SolverLimit as err:
                cond, note = None, f"the full condition was not derived: {err}"
        if cond is None and not views:
            return _numeric_only(game, claim, phrase, note, clock.expired)
        items = thresholds(game, cond, univariate=univariate)
    except UnsupportedCondition as err:
        return _numeric_only(game, claim, phrase, err.message)
    except SolverLimit as err:  # the time limit, while deriving the thresholds
        return _numeric_only(game, claim, phrase, f"not analysed further: {err}", True)
    if cond is None:
        holds = holds_here(game, claim)
    else:
        holds = evaluate_condition(cond, game.values)

    items, edges = split_knife_edges(game, items, _spe_behaviors)
    room = margins(items, holds)
    sensitive = most_sensitive(room)
    mc = monte_carlo(game, cond, samples, seed) if samples and cond is not None else None
    text = None if cond is None else condition_text(cond)
    pieces = condition_pieces(cond) if cond is not None else 0
    piece = _piece_here(cond, game.values) if holds and pieces > 1 else None
    summary = threshold_summary(phrase, holds, items)
    if text is None:
        summary += f". {note[0].upper()}{note[1:]}"
    elif is_long(text):
        summary += (f". Exactly (within the declared ranges): it holds on a union of {pieces} pieces (the "
                    "'condition' of the JSON output; --full prints it)")
    else:
        summary += f". Exactly (within the declared ranges): it holds iff {text}"
    for v in views:
        if v.text is not None and not is_long(v.text):
            summary += f". {v.title}, it holds iff {v.text}"
    if sensitive is not None:
        m = next(m for m in room if m.parameter == sensitive)
        summary += f". Most sensitive to {sensitive}: {m.text}"
    if mc is not None:
        summary += f". Monte Carlo over the ranges: {mc.text}"
    if samples and cond is None:
        summary += ". No Monte Carlo share: it needs the full condition"
    return ClaimAnalysis(claim, cond, text, None if cond is None else condition_latex(cond), holds, items, room,
                         sensitive, mc, summary + ".", note, pieces, views, piece, partial=cond is None and clock.expired,
                         regimes=regimes, knife_edge_values=edges)


def _piece_here(cond: sympy.Boolean, values) -> str | None:
    """The text of the first alternative of ``cond`` (an Or) that holds at ``values``."""
    for alternative in cond.args if isinstance(cond, sympy.Or) else (cond,):
        if evaluate_condition(alternative, values):
            return condition_text(alternative)
    return None
