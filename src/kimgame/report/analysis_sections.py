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
from kimgame.analysis.path_words import play_words
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
    if a.condition_text is None or a.condition is None:
        return f"No exact condition: {a.note}"
    if full or not is_long(a.condition_text):
        return f"Holds exactly when (within the declared ranges): {a.condition_text}"
    names = sorted(s.name for s in a.condition.free_symbols)
    return (f"Exactly: a union of {a.pieces} pieces over {len(names)} parameters (--full; 'condition' in "
            "--format json).")


def _view_line(v, full: bool) -> str:
    held = ", ".join(f"{name} = {fmt(value)}" for name, value in v.held)
    head = f"{v.title} ({held} held):" if held else f"{v.title}:"
    if v.text is None:
        return f"{head} not derived: {v.note}"
    if full or not is_long(v.text):
        return f"{head} it holds iff {v.text}"
    return f"{head} a union of {condition_pieces(v.condition)} pieces (printed with --full, and in --format json)."


def condition_structure(cond) -> list[list[dict[str, str]]]:
    """An exact condition as pieces (its disjunction) of relations ``{lhs, op, rhs}`` (sympy syntax, op one
    of ``> >= < <= == !=``): ``[]`` is false, ``[[]]`` true. It reads back unambiguously with the
    parameters as explicit symbols (docs/cli.md shows the one-liner)."""
    if cond is sympy.true:
        return [[]]
    if cond is sympy.false:
        return []
    out = []
    for term in cond.args if isinstance(cond, sympy.Or) else (cond,):
        rels = term.args if isinstance(term, sympy.And) else (term,)
        out.append([{"lhs": sympy.sstr(r.lhs), "op": r.rel_op, "rhs": sympy.sstr(r.rhs)} for r in rels])
    return out


def _pieces_json(pieces) -> list[list[dict[str, str]]]:
    return [[{"lhs": lhs, "op": op, "rhs": rhs} for lhs, op, rhs in p] for p in pieces]


def regime_blocks(a: ClaimAnalysis, full: bool) -> list[str | Table]:
    """The regimes of a claim about one player's choice: one row per own condition, with the other
    players' play that leads to it; the row holding at the game's values marked; knife-edges counted
    (listed with ``full``)."""
    r = a.regimes
    if r is None:
        return []
    rows = []
    here = None
    for k, row in enumerate(r.rows, 1):
        plays = row.plays if full else row.plays[:1]
        text = "\n".join(play_words(row.actions, p) for p in plays)
        if len(plays) < len(row.plays):
            more = len(row.plays) - len(plays)
            text += f"\n… or {more} other pattern{'s' if more > 1 else ''} (--full)"
        if row.holds_at is not None and row.holds_at:
            here = k
        rows.append((f"{k}{' ◀' if row.holds_at else ''}", text, row.own_condition))
    blocks: list[str | Table] = [Table(
        ("#", f"subgame-perfect play after each {r.player} choice",
         f"{r.player} chooses {r.action} iff"),
        tuple(rows),
        f"Regimes of the play after {r.player}'s choice (ties apart; ◀ = these values)")]
    if full:
        for k, row in enumerate(r.rows, 1):
            blocks.append(f"Regime {k} is the play where {row.others_condition}")
    elif here is not None:
        row = r.rows[here - 1]
        blocks.append(f"Regime {here} (these values) is the play where "
                      + (row.others_condition if len(row.others) <= 2 else
                         f"one of {len(row.others)} pieces holds (--full, or 'regimes' in --format json)"))
    n = sum(len(e.pieces) for e in r.knife_edges)
    if n:
        blocks.append(f"Knife-edges apart: {n} lower-dimensional pieces where a player is indifferent "
                      f"({len(r.knife_edges)} kinds{'' if full else '; --full lists them'}).")
        if full:
            blocks.extend(f"  knife-edge: {e.who} where {e.condition}" for e in r.knife_edges)
    return blocks


def analysis_sections(analyses: tuple[ClaimAnalysis, ...] | list[ClaimAnalysis], *,
                      full: bool = False) -> list[Section]:
    """One section per analysed claim: condition (summarised when long, unless ``full``), each player's
    view of it, truth at the values, thresholds and margins table, the most sensitive parameter, the
    Monte Carlo share and the summary in words."""
    sections = []
    for a in analyses:
        blocks: list[str | Table] = []
        if full or not a.claim.says:
            blocks.append(f"Claim: {a.claim.spec.describe()}")
        if a.condition is None and not a.thresholds:
            blocks.append(f"At these values: {'holds' if a.holds else 'does not hold'}.")
            blocks.append(f"No parameter condition: {a.note}")
            sections.append(Section(_heading(a), tuple(blocks)))
            continue
        line = _condition_line(a, full)
        if a.condition is None and a.regimes is not None and a.regimes.rows:
            line += (" Its full-dimensional part is exact in the regimes below (the union with its ties is "
                     "what reached the limit).")
        blocks.append(f"At these values: {'holds' if a.holds else 'does not hold'}. " + line)
        if a.regimes is not None and a.regimes.rows:
            blocks.extend(regime_blocks(a, full))
        else:
            blocks.extend(_view_line(v, full) for v in a.views)
        if a.piece is not None and full:
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
        if a.knife_edge_values:
            blocks.append("Knife-edges one at a time (a tie, not a threshold): "
                          + "; ".join(e.text for e in a.knife_edge_values) + ".")
        if a.most_sensitive is not None:
            blocks.append(f"Most sensitive to: {a.most_sensitive} (smallest move, relative to its range, "
                          "that flips the claim).")
        else:
            blocks.append("No single parameter can flip the claim within its declared range.")
        if a.montecarlo is not None:
            blocks.append(f"Monte Carlo: {a.montecarlo.text}")
        if full:
            blocks.append(a.summary)
        sections.append(Section(_heading(a), tuple(blocks)))
    return sections


def _heading(a: ClaimAnalysis) -> str:
    return f"Claim {a.claim.id}" + (f": {a.claim.says}" if a.claim.says else "")


def compact_parameters(game) -> Section | None:
    """The parameters' values and ranges on a few lines (their meanings: ``--full``)."""
    if not game.parameters:
        return None
    items = [f"{p.name} = {fmt(game.values[p.name])} {p.range_text()}" for p in game.parameters]
    return Section("Parameters (value, range; meanings with --full)", ("; ".join(items),))


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
            item["condition_pieces"] = condition_structure(a.condition)
            item["condition_scope"] = "parametric"
            item["pieces"] = a.pieces
            item["latex"] = a.latex
            if a.piece is not None:
                item["piece_here"] = a.piece
        if a.views:
            item["views"] = [
                {"player": v.player, "free": list(v.free), "owners": dict(v.owners), "held": {n: fmt(x) for n, x in v.held},
                 "condition": v.text, **({"note": v.note} if v.note else {})}
                for v in a.views
            ]
        if a.regimes is not None:
            r = a.regimes
            item["regimes_of"] = {"player": r.player, "others": r.others, "infoset": r.infoset,
                                  "action": r.action, "actions": list(r.actions)}
            item["regimes"] = [
                {"others_play": row.others_play,
                 "plays": [dict(zip(row.actions, p)) for p in row.plays],
                 "others_condition": row.others_condition, "others_pieces": _pieces_json(row.others),
                 "own_condition": row.own_condition, "own_pieces": _pieces_json(row.own),
                 "holds_here": row.holds_at}
                for row in r.rows]
            item["knife_edges"] = [{"who": e.who, "condition": e.condition, "pieces": _pieces_json(e.pieces)}
                                   for e in r.knife_edges]
        item["knife_edge_values"] = [{"parameter": e.parameter, "value": _exact(e.value), "holds": e.holds,
                                      "who": e.who, "text": e.text} for e in a.knife_edge_values]
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
