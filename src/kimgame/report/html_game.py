"""The game drawn in HTML: the tree as inline SVG (subgame-perfect moves highlighted) or the payoff table.

Used by the report page (:mod:`kimgame.report.html_page`, where a script re-draws the highlight when a
slider moves) and by the notebook displays (:mod:`kimgame.report.notebook`, static). Element ids
(``kg-e<child>`` for the edge into a node, ``kg-n<node>``, ``kg-pay<leaf>``, ``kg-c<i>-<j>``) are what
``report.js`` updates. Every label from the file is escaped.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape
from typing import Any

from kimgame.expr.numbers import fmt, fmt_both
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame
from kimgame.report.html_expr import formula_program
from kimgame.report.tree_view import spe_highlight

MAX_TREE_NODES = 400  # larger trees are summarised, not drawn
MAX_MATRIX_CELLS = 400
MAX_LIVE_NODES = 20_000  # larger trees are not sent to the page's backward induction
DX, DY, LEAF_TEXT = 160, 30, 300


def tree_data(game) -> dict[str, Any] | None:
    """The tree for the page's backward induction: per node (preorder) its kind, player, children and
    the programs of its payoffs or chance probabilities. ``live`` is False for trees with imperfect
    information (the page then keeps the path computed when it was built). None for trees over
    ``MAX_LIVE_NODES`` nodes."""
    if game.num_nodes > MAX_LIVE_NODES:
        return None
    nodes = []
    for node in game.nodes:
        if isinstance(node, Decision):
            nodes.append({"k": "d", "player": node.player, "children": list(node.children)})
        elif isinstance(node, Chance):
            nodes.append({"k": "c", "children": list(node.children),
                          "probs": [formula_program(f.expr) for f in node.probs]})
        else:
            nodes.append({"k": "t", "payoffs": [formula_program(f.expr) for f in node.payoffs]})
    return {"nodes": nodes, "live": bool(game.is_perfect_information)}


def _layout(game) -> tuple[list[float], list[int], int]:
    """y of every node (leaves one row each, a parent at the middle of its children), depth, rows."""
    n = game.num_nodes
    depth = [0] * n
    for v, node in enumerate(game.nodes):
        for c in node.children:
            depth[c] = depth[v] + 1
    y = [0.0] * n
    row = 0
    for v in range(n):  # preorder: leaves in drawing order
        if not game.nodes[v].children:
            y[v] = row
            row += 1
    for v in range(n - 1, -1, -1):
        kids = game.nodes[v].children
        if kids:
            y[v] = (y[kids[0]] + y[kids[-1]]) / 2
    return y, depth, row


def tree_svg(game, result=None) -> str:
    """The tree as an SVG element: who moves (the information set in a tooltip), moves on the edges, chance
    probabilities, payoffs at the leaves (formula in a tooltip); moves of the listed subgame-perfect
    equilibria bold, the first one's path thick. A note instead for trees over ``MAX_TREE_NODES``."""
    if game.num_nodes > MAX_TREE_NODES:
        return (f'<p class="note">The tree has {game.num_nodes} nodes; it is not drawn (at most '
                f'{MAX_TREE_NODES}). The subgame-perfect path is listed below.</p>')
    on_path, chosen = spe_highlight(game, result, every=True)  # before any slider moves
    y, depth, rows = _layout(game)
    width = 70 + max(depth) * DX + LEAF_TEXT
    height = rows * DY + 20

    def px(v: int) -> float:
        return 70 + depth[v] * DX

    def py(v: int) -> float:
        return 16 + y[v] * DY

    parts = [(f'<svg class="tree" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
              f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="game tree">')]
    values = game.terminal_values
    chances = game.chance_values
    for v, node in enumerate(game.nodes):
        for k, c in enumerate(node.children):
            move = node.actions[k] if isinstance(node, Decision) else node.outcomes[k]
            if isinstance(node, Decision):
                label, infoset = escape(move), node.infoset
            else:
                f = node.probs[k]
                prob = (fmt(chances[v][k]) if f.constant is not None else
                        f'{escape(f.text)} = <tspan id="kg-p{c}">{fmt(chances[v][k])}</tspan>')
                label, infoset = f"{escape(node.outcomes[k])} ({prob})", ""
            cls = "edge" + (" spe" if c in chosen else "") + (" path" if c in on_path and v in on_path else "")
            x1, y1, x2, y2 = px(v), py(v), px(c), py(c)
            parts.append(
                f'<g class="{cls}" id="kg-e{c}" data-node="{v}" data-action="{escape(move)}" '
                f'data-infoset="{escape(infoset)}"><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
                f'<text class="act" x="{x2 - 10:.1f}" y="{y2 - 5:.1f}" text-anchor="end">{label}</text></g>')
    for h in game.infosets.values():  # an information set of several nodes: its nodes joined, dashed
        for a, b in zip(h.nodes, h.nodes[1:]):
            parts.append(f'<line class="infoset" x1="{px(a):.1f}" y1="{py(a):.1f}" x2="{px(b):.1f}" '
                         f'y2="{py(b):.1f}"><title>{escape(h.label)}</title></line>')
    for v, node in enumerate(game.nodes):
        cls = "node" + (" path" if v in on_path else "")
        if isinstance(node, Decision):
            who = escape(game.players[node.player])
            parts.append(f'<g class="{cls}" id="kg-n{v}"><title>{who} · {escape(node.infoset)}</title>'
                         f'<circle cx="{px(v):.1f}" cy="{py(v):.1f}" r="6"/>'
                         f'<text class="who" x="{px(v):.1f}" y="{py(v) + 19:.1f}" text-anchor="middle">{who}</text></g>')
        elif isinstance(node, Chance):
            parts.append(f'<g class="{cls} chance" id="kg-n{v}"><circle cx="{px(v):.1f}" cy="{py(v):.1f}" r="6"/>'
                         f'<text class="who" x="{px(v):.1f}" y="{py(v) + 19:.1f}" text-anchor="middle">chance</text></g>')
        else:
            pays = ", ".join(f"{escape(p)} {fmt_both(x)}" for p, x in zip(game.players, values[v]))
            formulas = "; ".join(f"{p}: {f.text}" for p, f in zip(game.players, node.payoffs))
            outcome = f"{escape(node.outcome)}: " if node.outcome else ""
            parts.append(f'<g class="{cls} leaf" id="kg-n{v}"><title>{escape(formulas)}</title>'
                         f'<circle cx="{px(v):.1f}" cy="{py(v):.1f}" r="3"/>'
                         f'<text x="{px(v) + 8:.1f}" y="{py(v) + 4:.1f}">{outcome}'
                         f'<tspan id="kg-pay{v}">{pays}</tspan></text></g>')
    parts.append("</svg>")
    return "".join(parts)


def matrix_data(game) -> dict[str, Any] | None:
    """A two-player matrix for the page (payoff programs per cell), or None for other games."""
    if isinstance(game, ExtensiveFormGame) or len(game.players) != 2 or game.num_profiles > MAX_MATRIX_CELLS:
        return None
    rows, cols = game.shape
    return {"shape": [rows, cols],
            "payoffs": [[[formula_program(f.expr) for f in game.payoffs[i * cols + j]] for j in range(cols)]
                        for i in range(rows)]}


def matrix_html(game, pure: set[tuple[int, ...]] | None = None) -> str:
    """The payoff table of a two-player game (row player's payoff first; cells of pure equilibria
    highlighted), or a note for larger or many-player games."""
    if isinstance(game, ExtensiveFormGame) or len(game.players) != 2:
        return f'<p class="note">{len(game.players)}-player matrices are not drawn; see the equilibria below.</p>'
    if game.num_profiles > MAX_MATRIX_CELLS:
        return (f'<p class="note">The matrix has {game.num_profiles} cells; it is not drawn (at most '
                f'{MAX_MATRIX_CELLS}).</p>')
    rows, cols = game.shape
    head = "".join(f"<th>{escape(s)}</th>" for s in game.strategies[1])
    out = [f'<table class="kg matrix"><tr><th>{escape(game.players[0])} \\ {escape(game.players[1])}</th>{head}</tr>']
    numeric = game.numeric_lists
    for i in range(rows):
        cells = []
        for j in range(cols):
            flat = i * cols + j
            formulas = "; ".join(f.text for f in game.payoffs[flat])
            nash = " nash" if pure and (i, j) in pure else ""
            cells.append(f'<td id="kg-c{i}-{j}" class="cell{nash}" title="{escape(formulas)}"><span class="pay">'
                         f"{fmt_both(numeric[0][flat])}, {fmt_both(numeric[1][flat])}</span></td>")
        out.append(f"<tr><th>{escape(game.strategies[0][i])}</th>{''.join(cells)}</tr>")
    out.append("</table>")
    return "".join(out)


def pure_cells(game, result) -> set[tuple[int, ...]]:
    """Index profiles of the result's pure equilibria (labels -> indices)."""
    out = set()
    for profile in getattr(result, "pure_equilibria", ()) or ():
        out.add(tuple(game.strategies[i].index(s) for i, s in enumerate(profile)))
    return out


def game_html(game, result=None) -> str:
    """The game drawn: the tree (SVG) or the payoff table."""
    if isinstance(game, ExtensiveFormGame):
        return tree_svg(game, result)
    return matrix_html(game, pure_cells(game, result) if result is not None else None)


def fraction_pair(q: Fraction) -> list[str]:
    """``q`` as [numerator, denominator] strings (how the page reads exact numbers)."""
    return [str(q.numerator), str(q.denominator)]
