"""One entry point for the symbolic analysis of claims: ``analyze(game)``.

For each claim: the exact condition on the parameters (within their declared ranges), its truth at
the game's values, the one-parameter-at-a-time threshold sets, the robustness margins and the most
sensitive parameter, optionally a Monte Carlo share of the parameter box, and a plain-words summary.

>>> import kimgame                                               # doctest: +SKIP
>>> from kimgame.analysis.analyze import analyze
>>> g = kimgame.load("games/singapore_matrix.yaml")              # doctest: +SKIP
>>> [a.condition_text for a in analyze(g)]                       # doctest: +SKIP
['K > H*e', '(K > 0) & (H*e_private + K > H*e)']
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from kimgame.analysis.conditions import (
    UnsupportedCondition,
    claim_condition,
    claim_phrase,
    condition_latex,
    condition_text,
    evaluate_condition,
)
from kimgame.analysis.montecarlo import MonteCarloResult, monte_carlo
from kimgame.analysis.robustness import Margin, margins, most_sensitive
from kimgame.analysis.thresholds import Threshold, threshold_summary, thresholds
from kimgame.errors import KimgameError
from kimgame.model.claims import Claim, Dominates

__all__ = ["ClaimAnalysis", "analyze", "resolve_claims"]


@dataclass(frozen=True)
class ClaimAnalysis:
    """The symbolic analysis of one claim.

    ``condition``: exact sympy Boolean on the parameters, equivalent to the claim within the declared
    ranges (None when it cannot be derived, e.g. claims after iterated elimination; ``note`` says
    why). ``condition_text`` parses back with ``sympy.sympify`` (the JSON contract); ``latex`` is
    the same in LaTeX. ``holds``: exact truth at ``game.values``. ``thresholds``/``margins``: per
    parameter (see :mod:`~kimgame.analysis.thresholds`, :mod:`~kimgame.analysis.robustness`).
    ``most_sensitive``: the parameter with the smallest relative margin (None if no single parameter
    can flip the claim). ``montecarlo``: None unless samples were asked for.
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


def resolve_claims(game, claim=None) -> tuple[Claim, ...]:
    """The claims to analyse: all of the game's (None), one by id, a :class:`Claim` or a bare spec."""
    if claim is None:
        return tuple(game.claims)
    if isinstance(claim, Claim):
        return (claim,)
    if isinstance(claim, Dominates):
        return (Claim("claim", "", claim),)
    if isinstance(claim, str):
        for c in game.claims:
            if c.id == claim:
                return (c,)
        known = ", ".join(c.id for c in game.claims) or "the game has none"
        raise KimgameError(f"no claim with id '{claim}' (claims: {known})")
    raise TypeError(f"claim must be None, an id, a Claim or a Dominates spec, not {type(claim).__name__}")


def analyze(game, claim=None, *, samples: int = 0, seed: int = 0) -> tuple[ClaimAnalysis, ...]:
    """Analyse the claims of ``game`` (all when ``claim`` is None; else an id, a Claim or a spec).

    ``samples`` > 0 adds a seeded Monte Carlo estimate of the share of the parameter box where each
    claim holds. Raises :class:`NotImplementedError` for extensive-form games (for now).
    """
    if samples < 0:
        raise KimgameError("samples must be zero or positive")
    return tuple(_analyze_one(game, c, samples, seed) for c in resolve_claims(game, claim))


def _analyze_one(game, claim: Claim, samples: int, seed: int) -> ClaimAnalysis:
    phrase = claim_phrase(claim)
    try:
        cond = claim_condition(game, claim)
    except UnsupportedCondition as err:
        from kimgame.analysis.claims import judge

        holds = judge(game, claim).holds
        summary = f"{phrase}: {'holds' if holds else 'does not hold'} at these values; {err.message}"
        return ClaimAnalysis(claim, None, None, None, holds, (), (), None, None, summary, err.message)
    holds = evaluate_condition(cond, game.values)
    items = thresholds(game, cond)
    room = margins(items, holds)
    sensitive = most_sensitive(room)
    mc = monte_carlo(game, cond, samples, seed) if samples else None
    text = condition_text(cond)
    summary = threshold_summary(phrase, holds, items)
    summary += f". Exactly (within the declared ranges): it holds iff {text}"
    if sensitive is not None:
        m = next(m for m in room if m.parameter == sensitive)
        summary += f". Most sensitive to {sensitive}: {m.text}"
    if mc is not None:
        summary += f". Monte Carlo over the ranges: {mc.text}"
    return ClaimAnalysis(claim, cond, text, condition_latex(cond), holds, items, room, sensitive, mc, summary + ".")
