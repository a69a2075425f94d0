"""``kimgame report``: one self-contained HTML page about a game, to mail to someone who runs no Python.

The page holds its style, script and pictures inline (it loads nothing): the title and source, the
parameters with their meaning and a slider each (on an exact grid inside the declared range), the game
drawn (the tree as SVG with the subgame-perfect moves highlighted, or the payoff table), the equilibria
at the values the page was built with, and each claim with its exact condition, its regime table when
the analysis gives one, and a region map. Moving a slider re-evaluates every claim's condition and the
subgame-perfect path in the page, exactly (``report.js`` runs the programs of
:mod:`kimgame.report.html_expr` on BigInt fractions) and says "tie" where the verdict rests on an
equality.
"""

from __future__ import annotations

import json
from fractions import Fraction
from html import escape
from importlib import resources
from typing import Any

from kimgame._version import __version__
from kimgame.analysis.conditions import LONG_CONDITION
from kimgame.analysis.solve import solve
from kimgame.expr.numbers import fmt, fmt_both
from kimgame.model.tree import ExtensiveFormGame
from kimgame.report.html_expr import condition_program
from kimgame.report.html_game import fraction_pair, game_html, matrix_data, tree_data
from kimgame.report.html_sections import sections_html, table_html
from kimgame.report.sections import Section, Table, equilibrium_section
from kimgame.report.tree_view import nash_section, spe_section
from kimgame.solvers.clock import Clock

GRID_STEPS = 1000  # a slider's positions when its range is not a round number of steps


def slider_grid(low: Fraction | None, high: Fraction | None, value: Fraction) -> tuple[Fraction, Fraction, int, int]:
    """(low, high, steps, start) of a parameter's slider: ``steps`` equal exact steps from low to high,
    a power of ten each when the range allows (a range of 1000 gets steps of 1, a range of 1 steps of
    1/1000), and ``start`` the position nearest ``value``. An open end becomes ``0``/``2*value`` or
    ``value -/+ 1`` (the page says the range is open)."""
    lo = low if low is not None else min(Fraction(0), 2 * value, value - 1)
    hi = high if high is not None else max(Fraction(1), 2 * value, value + 1)
    if hi <= lo:
        return lo, hi, 1, 0
    span = hi - lo
    step = Fraction(10) ** (len(str(int(span))) - 4) if span >= 1 else Fraction(1, GRID_STEPS)
    steps = span / step
    if steps.denominator != 1 or steps > 100 * GRID_STEPS:
        steps = Fraction(GRID_STEPS)
    n = int(steps)
    start = round((value - lo) * n / span)
    return lo, hi, n, max(0, min(n, start))


def _asset(name: str) -> str:
    return resources.files("kimgame.report").joinpath(name).read_text(encoding="utf-8")


def _script_json(data: Any) -> str:
    """JSON safe inside a <script> element (no '<', '>' or '&' left to end it early)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _parameters(game) -> tuple[str, list[dict[str, Any]]]:
    rows, data = [], []
    for i, p in enumerate(game.parameters):
        value = game.values[p.name]
        lo, hi, steps, start = slider_grid(p.low, p.high, value)
        step = (hi - lo) / steps
        on_grid = lo + start * step == value
        note = "" if on_grid else f" (the file's {fmt(value)} lies between slider positions)"
        opened = " open range: slider spans " + f"[{fmt(lo)}, {fmt(hi)}]" if p.low is None or p.high is None else ""
        rows.append(
            f'<tr class="top"><td><code>{escape(p.name)}</code></td><td class="slider"><input type="range" '
            f'id="kg-s-{i}" min="0" max="{steps}" step="1" value="{start}" aria-label="{escape(p.name)}"></td>'
            f'<td><output id="kg-v-{i}">{escape(fmt_both(value))}</output></td></tr>'
            f'<tr class="doc"><td></td><td colspan="2">{escape(p.doc)} <span class="note">range '
            f'{escape(p.range_text())}, step {escape(fmt(step))}{escape(opened + note)}</span></td></tr>')
        data.append({"index": i, "name": p.name, "lo": fraction_pair(lo), "hi": fraction_pair(hi),
                     "steps": steps, "start": start, "value": fraction_pair(value)})
    table = ('<table class="params"><tr><th>name</th><th>slider</th><th>value</th></tr>'
             f'{"".join(rows)}</table>')
    return table, data


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def regime_table(regimes: Any) -> str:
    """A claim's regime table (``claims[].regimes`` of the analysis document): a list of rows (mappings,
    e.g. ``others_play``, ``others_condition``, ``own_condition``), whatever their columns; a mapping is
    shown as one row per key."""
    if not regimes:
        return ""
    if isinstance(regimes, dict):
        regimes = [{"regime": k, "condition": v} for k, v in regimes.items()]
    regimes = [r if isinstance(r, dict) else {"regime": r} for r in regimes]
    headers = list(dict.fromkeys(k for r in regimes for k in r))
    rows = tuple(tuple(_cell(r.get(h, "")) for h in headers) for r in regimes)
    return table_html(Table(tuple(h.replace("_", " ") for h in headers), rows, "Regimes"), None)


def _map_axes(game, analysis) -> tuple[str, str] | None:
    names = [p.name for p in game.parameters]
    if len(names) < 2:
        return None
    used = {s.name for s in analysis.condition.free_symbols} if analysis.condition is not None else set()
    order = sorted(names, key=lambda n: (n != analysis.most_sensitive, n not in used, names.index(n)))
    return order[0], order[1]


def _claim_html(i: int, game, analysis, item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """One claim's block and its data for the page."""
    verdict = "holds" if analysis.holds else "does not hold"
    text = item.get("condition") or ""
    parts = [f'<div class="body"><h3><code>{escape(analysis.claim.id)}</code></h3>',
             f"<p>{escape(item.get('says') or '')}</p>",
             f'<p class="note">{escape(item.get("claim") or "")}</p>']
    program = None
    if analysis.condition is not None:
        program = condition_program(analysis.condition)
        parts.append(f'<p>Now: <span class="verdict {"yes" if analysis.holds else "no"}">{verdict}</span></p>')
        if len(text) > LONG_CONDITION:
            parts.append(f'<details class="cond"><summary>Holds exactly when … ({item.get("pieces", "?")} pieces; '
                         f'open to read)</summary><pre>{escape(text)}</pre></details>')
            if item.get("piece_here"):
                parts.append(f'<p>At the built values it holds through the piece <code>{escape(item["piece_here"])}'
                             "</code></p>")
        else:
            parts.append(f"<p>Holds exactly when <code>{escape(text)}</code></p>")
    else:
        parts.append(f'<p>At the values the page was built with: <span class="verdict {"yes" if analysis.holds else "no"}">'
                     f'{verdict}</span> (no parameter condition: {escape(item.get("note") or "not derived")}; '
                     "the sliders do not change this verdict)</p>")
    if item.get("summary"):
        parts.append(f'<p class="note">{escape(item["summary"])}</p>')
    views = [v for v in item.get("views", []) if v.get("condition")]
    if views:
        rows = tuple((v["player"], ", ".join(v["free"]), v["condition"] if len(v["condition"]) <= LONG_CONDITION
                      else v["condition"][:LONG_CONDITION] + " …") for v in views)
        parts.append(table_html(Table(("player", "parameters free (others at the built values)", "condition"), rows,
                                      "Each player's parameters alone"), None))
    parts.append(regime_table(item.get("regimes") or []))
    parts.append("</div>")
    axes = _map_axes(game, analysis) if program is not None else None
    if axes:
        def select(axis: str, chosen: str) -> str:
            options = "".join(f'<option value="{escape(p.name)}"{" selected" if p.name == chosen else ""}>'
                              f"{escape(p.name)}</option>" for p in game.parameters)
            return f'<label>{axis} <select id="kg-map{axis}{i}">{options}</select></label>'

        parts.append(f'<div class="map">{select("x", axes[0])} {select("y", axes[1])}'
                     f'<svg id="kg-map{i}" xmlns="http://www.w3.org/2000/svg" width="240" height="240" '
                     'viewBox="0 0 240 240" role="img" aria-label="region map"></svg>'
                     '<p class="note"><span class="sw" style="background:#8fd19e"></span> holds '
                     '<span class="sw" style="background:#f3b3ab"></span> does not; the dot is the sliders\' '
                     'point, other parameters at their slider values (map drawn in floating point; the verdict '
                     'beside it is exact)</p></div>')
    block = (f'<div class="claim" id="kg-claim{i}" data-claim="{escape(analysis.claim.id)}" '
             f'data-verdict="{"holds" if analysis.holds else "fails"}" data-tie="0">{"".join(parts)}</div>')
    return block, {"id": analysis.claim.id, "condition": program}


def equilibria_sections(result) -> list[Section]:
    """The equilibria part of the solve report (trees: the subgame-perfect ones first)."""
    if isinstance(result.game, ExtensiveFormGame):
        return [s for s in (spe_section(result), nash_section(result)) if s]
    return [equilibrium_section(result)]


def report_html(game, result, analyses, *, source_file: str | None = None) -> str:
    """The page for ``game`` solved (``result``, at ``game.values``) and analysed (``analyses``)."""
    from kimgame.report.analysis_sections import analysis_document

    params_html, params_data = _parameters(game)
    document = analysis_document(game, analyses)
    claims_html, claims_data = [], []
    for i, (analysis, item) in enumerate(zip(analyses, document["claims"])):
        block, data = _claim_html(i, game, analysis, item)
        claims_html.append(block)
        claims_data.append(data)
    tree = tree_data(game) if isinstance(game, ExtensiveFormGame) else None
    data = {"players": list(game.players), "params": params_data, "claims": claims_data,
            "tree": tree, "matrix": matrix_data(game)}
    built = ", ".join(f"{p.name} = {fmt(game.values[p.name])}" for p in game.parameters) or "no parameters"
    if isinstance(game, ExtensiveFormGame) and tree is None:
        status = (f'<p class="note">This tree has {game.num_nodes} nodes: the page keeps the equilibria computed when '
                  "it was built; the sliders re-evaluate the claims only.</p>")
    elif tree is not None:
        status = ('<p class="status" id="kg-path-status"></p><p class="legend note"><span>thick green: the path '
                  'of play</span><span>bold green: a subgame-perfect move</span><span>dashed: tied moves</span></p>')
        if not tree["live"]:
            status += ('<p class="note">This tree has imperfect information: the highlighted moves are those of the '
                       "equilibria computed when the page was built; the sliders re-evaluate the claims only.</p>")
    elif data["matrix"] is not None:
        status = '<p class="status" id="kg-matrix-status"></p>'
    else:
        status = ""
    source = f'<p class="source">Source: {escape(game.source)}</p>' if game.source else ""
    partial = result.partial or any(a.partial for a in analyses)
    cut = ('<p class="status">Partial: a time limit stopped the solve or a claim\'s derivation; what is shown is '
           "what was found in time (see the notes).</p>") if partial else ""
    made = f"kimgame {escape(__version__)} report of <code>{escape(source_file)}</code>" if source_file else \
        f"kimgame {escape(__version__)} report"
    body = f"""<header>
<h1>{escape(game.title or "Game")}</h1>
{source}<p class="note">{made}. Everything on this page is computed exactly; it loads nothing from the network.</p>
{cut}</header>
<div class="layout"><aside class="panel">
<h2>Parameters</h2>
<p class="note">Move a slider: the claims and the subgame-perfect path are re-evaluated exactly in the page.</p>
<button id="kg-reset" type="button">Reset to the file's values</button>
{params_html}
</aside><main>
<h2>The game</h2>
{status}
<div class="game">{game_html(game, result)}</div>
<h2>Equilibria</h2>
<p class="note">At the values the page was built with ({escape(built)}); the drawing above follows the sliders.</p>
{sections_html(equilibria_sections(result), level=3)}
<h2>Claims</h2>
{"".join(claims_html) or '<p class="note">The file has no claims.</p>'}
</main></div>"""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{escape(game.title or "kimgame report")}</title>
<style>{_asset("report.css")}</style>
</head><body>
{body}
<script type="application/json" id="kg-data">{_script_json(data)}</script>
<script>{_asset("report.js")}</script>
</body></html>
"""


def solve_and_analyze(game, timeout: float | None = None) -> tuple[Any, tuple[Any, ...], bool]:
    """What the page shows: the solve result at the game's values, the analyses of its claims, and
    whether the time limit (``timeout`` seconds for both together) cut either short."""
    from kimgame.analysis.analyze import analyze

    clock = Clock.after(timeout)  # one budget for both steps
    result = solve(game, timeout=clock, conditions=False)
    analyses = analyze(game, timeout=clock)
    return result, analyses, bool(result.partial or any(a.partial for a in analyses))


def build_report(game, *, source_file: str | None = None, timeout: float | None = None) -> str:
    """Solve and analyse ``game`` at its values, then draw the page (see :func:`report_html`)."""
    result, analyses, _ = solve_and_analyze(game, timeout)
    return report_html(game, result, analyses, source_file=source_file)
