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

from kimgame._version import __version__
from kimgame.analysis.analyze import ClaimAnalysis
from kimgame.analysis.conditions import condition_pieces, is_long
from kimgame.expr.numbers import fmt, fmt_both
from kimgame.report.document import game_header
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


def _condition_line(a: ClaimAnalysis, full: bool) -> str:
    if a.condition_text is None:
        return f"No exact condition: {a.note}"
    if full or not is_long(a.condition_text):
        return f"Holds exactly when (within the declared ranges): {a.condition_text}"
    names = sorted(s.name for s in a.condition.free_symbols)
    return (f"Holds exactly on a union of {a.pieces} pieces over {len(names)} parameters "
            f"({', '.join(names)}), within the declared ranges: printed with --full, and always in the "
            "'condition' of --format json.")


def _view_line(v, full: bool) -> str:
    held = ", ".join(f"{name} = {fmt(value)}" for name, value in v.held)
    head = f"With only {v.player}'s parameters free ({', '.join(v.free)}; {held}):"
    if v.text is None:
        return f"{head} not derived: {v.note}"
    if full or not is_long(v.text):
        return f"{head} it holds iff {v.text}"
    return f"{head} a union of {condition_pieces(v.condition)} pieces (printed with --full, and in --format json)."


def analysis_sections(analyses: tuple[ClaimAnalysis, ...] | list[ClaimAnalysis], *,
                      full: bool = False) -> list[Section]:
    """One section per analysed claim: condition (summarised when long, unless ``full``), each player's
    view of it, truth at the values, thresholds and margins table, the most sensitive parameter, the
    Monte Carlo share and the summary in words."""
    sections = []
    for a in analyses:
        blocks: list[str | Table] = []
        if a.claim.says:
            blocks.append(a.claim.says)
        blocks.append(f"Claim: {a.claim.spec.describe()}")
        if a.condition is None and not a.thresholds:
            blocks.append(f"At these values: {'holds' if a.holds else 'does not hold'}.")
            blocks.append(f"No parameter condition: {a.note}")
            sections.append(Section(f"Claim {a.claim.id}", tuple(blocks)))
            continue
        blocks.append(_condition_line(a, full))
        blocks.extend(_view_line(v, full) for v in a.views)
        blocks.append(f"At these values: {'holds' if a.holds else 'does not hold'}.")
        if a.piece is not None and (full or is_long(a.condition_text)):
            blocks.append(f"The piece of the condition that contains these values: {a.piece}")
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
            blocks.append(f"No effect one at a time (the others at their values): {', '.join(idle)}." if a.views
                          else f"The condition does not involve: {', '.join(idle)}.")
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

    claims = []
    for a in analyses:
        item: dict[str, Any] = {
            "id": a.claim.id,
            "says": a.claim.says,
            "claim": a.claim.spec.describe(),
            "holds": a.holds,
        }
        if a.partial:
            item["partial"] = True
        if a.condition is None:
            item["condition"] = "True" if a.holds else "False"
            item["condition_scope"] = "at these parameter values"
            item["note"] = a.note
            if not a.thresholds:
                claims.append(item)
                continue
        else:
            item["condition"] = a.condition_text
            item["condition_scope"] = "parametric"
            item["pieces"] = a.pieces
            item["latex"] = a.latex
            if a.piece is not None:
                item["piece_here"] = a.piece
        if a.views:
            item["views"] = [
                {"player": v.player, "free": list(v.free), "held": {n: fmt(x) for n, x in v.held},
                 "condition": v.text, **({"note": v.note} if v.note else {})}
                for v in a.views
            ]
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
