"""Jupyter displays (``_repr_html_``) of games, solve results and claim analyses, from the report page's
pieces (:mod:`kimgame.report.html_game`, :mod:`kimgame.report.html_sections`).

:func:`install` provides them to :mod:`kimgame.model.presentation`; ``import kimgame`` calls it. Heavy
modules load only when something is displayed.
"""

from __future__ import annotations

from html import escape
from typing import Any

from kimgame.model.normal_form import NormalFormGame
from kimgame.model.presentation import provide

STYLE = """<style>
.kg-nb table.kg{border-collapse:collapse;margin:.3em 0}
.kg-nb table.kg th,.kg-nb table.kg td{border:1px solid #ccd;padding:2px 7px;text-align:left}
.kg-nb svg.tree text{font-size:12px}
.kg-nb svg.tree .edge line{stroke:#a7b0bd;stroke-width:1.4}
.kg-nb svg.tree .edge.spe line{stroke:#2c7a3f;stroke-width:2.4}
.kg-nb svg.tree .edge.path line{stroke:#0b6b21;stroke-width:4}
.kg-nb svg.tree .edge.spe text.act{fill:#0b6b21;font-weight:700}
.kg-nb svg.tree line.infoset{stroke:#7a55b5;stroke-width:1.4;stroke-dasharray:2 3}
.kg-nb svg.tree .node circle{fill:#fff;stroke:#55606e;stroke-width:1.4}
.kg-nb svg.tree .node.path circle{stroke:#0b6b21;stroke-width:2.6}
.kg-nb svg.tree .node.leaf.path text{font-weight:700;fill:#0b6b21}
.kg-nb td.nash{background:#d8f0dc;font-weight:700}
.kg-nb .yes{color:#176b2c;font-weight:700}.kg-nb .no{color:#a1261b;font-weight:700}
</style>"""


def _frame(title: str, body: str) -> str:
    return f'<div class="kg-nb">{STYLE}<h3>{escape(title)}</h3>{body}</div>'


def _parameters(game) -> str:
    from kimgame.report.html_sections import sections_html
    from kimgame.report.sections import parameter_section

    section = parameter_section(game)
    return sections_html([section], level=4) if section else ""


def game_display(game) -> str:
    """A game: its parameters, and the tree as SVG with the subgame-perfect path marked (solved by
    backward induction at the game's values) or the payoff table."""
    from kimgame.report.html_game import MAX_TREE_NODES, game_html

    result = None
    if not isinstance(game, NormalFormGame) and game.num_nodes <= MAX_TREE_NODES:
        from kimgame.analysis.solve_tree import solve_tree

        result = solve_tree(game, method="spe", conditions=False)
    return _frame(game.title or "Game", _parameters(game) + game_html(game, result))


def result_display(result) -> str:
    """A solve result: the game drawn with the result's equilibria, the equilibria, and the claims."""
    from kimgame.report.html_game import game_html
    from kimgame.report.html_page import equilibria_sections
    from kimgame.report.html_sections import sections_html
    from kimgame.report.sections import claims_section

    game = result.game
    claims = claims_section(result)
    sections = equilibria_sections(result) + ([claims] if claims else [])
    return _frame(game.title or "Solve result", _parameters(game) + game_html(game, result)
                  + sections_html(sections, level=4))


def analysis_display(analysis) -> str:
    """A claim's analysis: verdict at the values, exact condition (folded when long), summary."""
    from kimgame.analysis.conditions import LONG_CONDITION

    verdict = ('<span class="yes">holds</span>' if analysis.holds else '<span class="no">does not hold</span>')
    text = analysis.condition_text
    if text is None:
        cond = f"<p>No parameter condition: {escape(analysis.note or 'not derived')}</p>"
    elif len(text) > LONG_CONDITION:
        cond = (f"<details><summary>Holds exactly when … ({analysis.pieces} pieces)</summary>"
                f"<pre style='white-space:pre-wrap'>{escape(text)}</pre></details>")
    else:
        cond = f"<p>Holds exactly when <code>{escape(text)}</code></p>"
    body = (f"<p>{escape(analysis.claim.says or analysis.claim.spec.describe())}</p>"
            f"<p>At these values: {verdict}</p>{cond}<p>{escape(analysis.summary)}</p>")
    return _frame(f"Claim {analysis.claim.id}", body)


def html_display(obj: Any) -> str:
    """The HTML display of a game, solve result or claim analysis (by the object's kind)."""
    kind = type(obj).__name__
    display = {"NormalFormGame": game_display, "ExtensiveFormGame": game_display, "SolveResult": result_display,
               "ClaimAnalysis": analysis_display}.get(kind)
    if display is not None:
        return display(obj)
    raise TypeError(f"kimgame has no HTML display for {kind}")


def pandas_frame(result: Any):
    """``SolveResult.to_pandas()``: see :func:`kimgame.report.frames.result_frame`."""
    from kimgame.report.frames import result_frame

    return result_frame(result)


def install() -> None:
    """Provide the displays and ``to_pandas`` to :mod:`kimgame.model.presentation`."""
    provide("html", html_display)
    provide("pandas", pandas_frame)
