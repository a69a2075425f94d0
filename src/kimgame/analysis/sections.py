"""Reports of :func:`kimgame.analysis.analyze.analyze`: text/markdown sections and the JSON document.

``analysis_sections`` gives :class:`~kimgame.report.sections.Section` lists for the text and markdown
renderers; ``analysis_document`` the JSON-ready dict (DESIGN.md's contract: each claim with ``id``,
``holds`` and a ``condition`` that ``sympy.sympify`` parses back; thresholds, margins and Monte Carlo
numbers as exact strings).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from kimgame.analysis.analyze import ClaimAnalysis
from kimgame.expr.numbers import fmt, fmt_both
from kimgame.report.sections import Section, Table

__all__ = ["analysis_document", "analysis_sections"]


def _exact(v) -> str | None:
    """An exact value as a string (``"39/2"``, ``"sqrt(2)/2"``); None stays None."""
    if v is None:
        return None
    if isinstance(v, (int, Fraction)):
        return fmt(v)
    return sympy.sstr(v)


def _range(lo: Fraction | None, hi: Fraction | None) -> str:
    return f"[{'-inf' if lo is None else fmt(lo)}, {'inf' if hi is None else fmt(hi)}]"


def _side(dist, at, rel, included: bool) -> str:
    if dist is None:
        return "never within range"
    text = f"{_exact(dist)} (to {_exact(at)}{'' if not included else ', still holding there'})"
    if rel is not None:
        text += f", {float(rel) * 100:.3g}% of range"
    return text


def analysis_sections(analyses: tuple[ClaimAnalysis, ...] | list[ClaimAnalysis]) -> list[Section]:
    """One section per analysed claim: condition, truth at the values, thresholds and margins table,
    the most sensitive parameter, the Monte Carlo share and the summary in words."""
    sections = []
    for a in analyses:
        blocks: list[str | Table] = []
        if a.claim.says:
            blocks.append(a.claim.says)
        blocks.append(f"Claim: {a.claim.spec.describe()}")
        if a.condition is None:
            blocks.append(f"At these values: {'holds' if a.holds else 'does not hold'}.")
            blocks.append(f"No parameter condition: {a.note}")
            sections.append(Section(f"Claim {a.claim.id}", tuple(blocks)))
            continue
        blocks.append(f"Holds exactly when (within the declared ranges): {a.condition_text}")
        blocks.append(f"At these values: {'holds' if a.holds else 'does not hold'}.")
        rows = []
        for t, m in zip(a.thresholds, a.margins):
            if not t.depends:
                continue
            rows.append((
                t.parameter, fmt_both(t.value), _range(t.low, t.high), t.text,
                _side(m.down, m.flips_below, m.relative_down, m.boundary_included[0]) if m.exact else "?",
                _side(m.up, m.flips_above, m.relative_up, m.boundary_included[1]) if m.exact else "?",
            ))
        if rows:
            blocks.append(Table(
                ("parameter", "value", "range", "claim holds for (others fixed)",
                 "room down", "room up"),
                tuple(rows),
                "One parameter at a time",
            ))
        idle = [t.parameter for t in a.thresholds if not t.depends]
        if idle:
            blocks.append(f"The condition does not involve: {', '.join(idle)}.")
        if a.most_sensitive is not None:
            blocks.append(f"Most sensitive to: {a.most_sensitive} (smallest move, relative to its range, "
                          "that flips the claim).")
        else:
            blocks.append("No single parameter can flip the claim within its declared range.")
        if a.montecarlo is not None:
            blocks.append(f"Monte Carlo: {a.montecarlo.text}")
        blocks.append(a.summary)
        sections.append(Section(f"Claim {a.claim.id}", tuple(blocks)))
    return sections


def analysis_document(game, analyses: tuple[ClaimAnalysis, ...] | list[ClaimAnalysis]) -> dict[str, Any]:
    """The JSON-ready document of an analysis (``kimgame analyze --format json``)."""
    from kimgame import __version__
    from kimgame.report.document import game_header

    claims = []
    for a in analyses:
        item: dict[str, Any] = {
            "id": a.claim.id,
            "says": a.claim.says,
            "claim": a.claim.spec.describe(),
            "holds": a.holds,
        }
        if a.condition is None:
            item["condition"] = "True" if a.holds else "False"
            item["condition_scope"] = "at these parameter values"
            item["note"] = a.note
            claims.append(item)
            continue
        item["condition"] = a.condition_text
        item["condition_scope"] = "parametric"
        item["latex"] = a.latex
        item["thresholds"] = [
            {"parameter": t.parameter, "value": fmt(t.value),
             "range": [_exact(t.low), _exact(t.high)],
             "holds_on": None if t.holds_on is None else sympy.sstr(t.holds_on),
             "depends": t.depends, "text": t.text}
            for t in a.thresholds
        ]
        item["margins"] = [
            {"parameter": m.parameter, "value": fmt(m.value), "exact": m.exact,
             "down": _exact(m.down), "up": _exact(m.up),
             "flips_below": _exact(m.flips_below), "flips_above": _exact(m.flips_above),
             "relative_down": _exact(m.relative_down), "relative_up": _exact(m.relative_up)}
            for m in a.margins
        ]
        item["most_sensitive"] = a.most_sensitive
        if a.montecarlo is not None:
            mc = a.montecarlo
            item["montecarlo"] = {
                "samples": mc.samples, "seed": mc.seed, "hits": mc.hits, "share": fmt(mc.share),
                "ci95": [f"{mc.ci_low:.6f}", f"{mc.ci_high:.6f}"],
                "varied": list(mc.varied), "held": list(mc.held),
                "exact_share": _exact(mc.exact_share),
            }
        item["summary"] = a.summary
        claims.append(item)
    return {"kimgame": __version__, "game": game_header(game), "claims": claims}
