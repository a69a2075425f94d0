"""Showing game trees and their solutions: report sections, a rich terminal tree, Graphviz DOT.

* :func:`tree_sections` — the ``kimgame solve`` report of a tree as :class:`~kimgame.report.sections.Section`
  objects (drawn by the text and markdown renderers): the tree's size, the subgame-perfect equilibria with
  their paths of play and outcome probabilities, the other Nash equilibria marked *not subgame-perfect*
  (with the deviation that shows it), dominance on the reduced normal form, claims.
* :func:`rich_tree` — the tree itself, with players, actions, chance probabilities (formula and exact
  value), payoffs, and the path of the first subgame-perfect equilibrium in bold green.
* :func:`to_dot` — the same as Graphviz DOT text (information sets as dashed links; equilibrium path in
  bold); deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from kimgame.expr.numbers import fmt, fmt_both
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame
from kimgame.report.sections import Section, Table, claims_section, dominance_section, parameter_section
from kimgame.solvers.behavior import flat_behavior
from kimgame.solvers.results import PathStep, SolveResult
from kimgame.solvers.scope import coverage_text
from kimgame.solvers.subgames import reach_probabilities

MAX_ROWS = 40  # information sets shown per behaviour table
MAX_LISTED = 10  # non-subgame-perfect equilibria and dominance rows shown in text (JSON has all)
MAX_SHOWN_NODES = 400  # nodes drawn by rich_tree


def _mix_text(moves: Mapping[str, Fraction]) -> str:
    support = [(a, p) for a, p in moves.items() if p]
    if len(support) == 1 and support[0][1] == 1:
        return support[0][0]
    return " + ".join(f"{fmt_both(p)} {a}" for a, p in support)


def path_text(steps: Sequence[PathStep]) -> str:
    """A path of play (``result.tree.spe[k].path``) in one line: ``Entrant: In → Incumbent: Accommodate``;
    steps reached with probability below one show it in brackets."""
    parts = []
    for step in steps:
        if step.truncated:
            parts.append("…")
            break
        if step.moves is None:
            continue
        prefix = "" if step.reach == 1 else f"[{fmt(step.reach)}] "
        if step.player == "chance":
            moves = ", ".join(f"{o} {fmt(p)}" for o, p in step.moves.items())
            parts.append(f"{prefix}chance: {moves}")
        else:
            parts.append(f"{prefix}{step.player}: {_mix_text(step.moves)}")
    return " → ".join(parts) if parts else "(no moves)"


def _behavior_table(game: ExtensiveFormGame, equilibria, numbers: list[int]) -> Table:
    headers = ("player", "information set", *(f"#{k}" for k in numbers))
    rows = []
    for label, h in list(game.infosets.items())[:MAX_ROWS]:
        player = game.players[h.player]
        cells = [_mix_text(eq.behavior[player][label]) for eq in equilibria]
        rows.append((player, label, *cells))
    title = "Behaviour at every information set"
    if len(game.infosets) > MAX_ROWS:
        title += f" (first {MAX_ROWS} of {len(game.infosets)})"
    return Table(headers, tuple(rows), title)


def tree_summary_section(result: SolveResult) -> Section:
    """Players, nodes, information sets, chance nodes, subgames and the size of the reduced normal form."""
    game = result.game
    assert result.tree is not None
    tree = result.tree.tree
    rnf = result.tree.reduced_normal_form
    lines: list[str | Table] = [
        f"Players: {', '.join(game.players)}",
        (f"Nodes: {tree.nodes} ({tree.decision_nodes} decision, {tree.chance_nodes} chance, "
         f"{tree.terminals} terminal)"),
        "Information sets: " + ", ".join(f"{p} {n}" for p, n in tree.information_sets.items())
        + (" — perfect information" if tree.perfect_information else " — imperfect information"),
        f"Proper subgames: {tree.proper_subgames}",
    ]
    if rnf.plans:
        profiles = rnf.profiles
        size = " × ".join(f"{p} {n}" for p, n in rnf.plans.items())
        lines.append(f"Reduced normal form: {size} plans" + (f" = {profiles} profiles" if profiles else "")
                     + f" (unreduced normal form: {rnf.full_normal_form_profiles} profiles)")
    return Section("Game tree", tuple(lines))


def spe_section(result: SolveResult) -> Section:
    """The subgame-perfect equilibria: path of play, payoffs, outcome probabilities, behaviour."""
    game = result.game
    assert result.tree is not None
    spe = result.tree.spe
    blocks: list[str | Table] = []
    total = result.tree.spe_count
    blocks.append(f"{len(spe)} subgame-perfect equilibri{'um' if len(spe) == 1 else 'a'} listed"
                  + (f" ({total} from backward induction over the subgames)" if total != str(len(spe)) else "")
                  + f" — method: {result.method}")
    blocks.append(coverage_text(result.method.coverage))
    if spe:
        outcome_labels = list(game.outcomes)
        headers = ("#", "path of play", *(f"payoff {p}" for p in game.players),
                   *(f"P({o})" for o in outcome_labels))
        rows = []
        for item in spe:
            rows.append((str(item.equilibrium), path_text(item.path),
                         *(fmt_both(item.payoffs[p]) for p in game.players),
                         *(fmt_both(item.outcomes.get(o, Fraction(0))) for o in outcome_labels)))
        blocks.append(Table(headers, tuple(rows)))
        numbers = [item.equilibrium for item in spe][:8]
        eqs = [result.equilibria[k - 1] for k in numbers]
        blocks.append(_behavior_table(game, eqs, numbers))
        for o in outcome_labels:
            probs = [item.outcomes.get(o, Fraction(0)) for item in spe]
            lo, hi = min(probs), max(probs)
            span = fmt_both(lo) if lo == hi else f"between {fmt_both(lo)} and {fmt_both(hi)}"
            blocks.append(f"'{o}' happens with probability {span} in the subgame-perfect equilibria listed.")
    return Section("Subgame-perfect equilibria", tuple(blocks))


def nash_section(result: SolveResult) -> Section | None:
    """The Nash equilibria of the reduced normal form that are not subgame-perfect, with the reason."""
    game = result.game
    assert result.tree is not None
    items = result.tree.not_subgame_perfect
    if not items:
        if result.tree.nash_step == "done":
            return Section("Other Nash equilibria", ("Every Nash equilibrium found is subgame-perfect.",))
        return None
    rows = []
    for item in items[:MAX_LISTED]:
        eq = result.equilibria[item.equilibrium - 1]
        plans = []
        for i, p in enumerate(game.players):
            if eq.strategies:
                labels = game.strategies[i]
                support = [(lab, q) for lab, q in zip(labels, eq.strategies[i]) if q]
                plans.append(" + ".join(lab if q == 1 else f"{fmt_both(q)} {lab}" for lab, q in support))
            else:
                plans.append("")
        rows.append((str(item.equilibrium), *plans, *(fmt_both(v) for v in eq.payoffs),
                     "no: " + item.reason))
    headers = ("#", *game.players, *(f"payoff {p}" for p in game.players), "subgame-perfect")
    blocks: list[str | Table] = [
        (f"{len(items)} Nash equilibri{'um' if len(items) == 1 else 'a'} of the reduced normal form "
        f"{'is' if len(items) == 1 else 'are'} not subgame-perfect (strategies are plans: actions at the "
        "player's information sets in tree order, joined by '/')"),
        Table(headers, tuple(rows)),
    ]
    if len(items) > MAX_LISTED:
        blocks.append(f"… and {len(items) - MAX_LISTED} more (all are in --format json)")
    return Section("Nash equilibria that are not subgame-perfect", tuple(blocks))


def tree_sections(result: SolveResult) -> list[Section]:
    """All sections of the ``kimgame solve`` report for a game tree."""
    dominance = (dominance_section(result, limit=MAX_LISTED).blocks
                 if result.elimination is not None or result.dominance
                 else ("Not computed: the reduced normal form was not built (see the notes).",))
    notes = Section("Notes", tuple(result.notes)) if result.notes else None
    return [s for s in (parameter_section(result.game), tree_summary_section(result), spe_section(result),
                        nash_section(result), Section("Dominance (reduced normal form)", dominance),
                        claims_section(result), notes) if s]


# --------------------------------------------------------------------------------------------------
# drawing the tree


def spe_highlight(game: ExtensiveFormGame, result: SolveResult | None, every: bool = False
                  ) -> tuple[set[int], set[int]]:
    """What a drawing highlights: the nodes reached (with positive probability) in the first subgame-perfect
    equilibrium of ``result``, and the edges (by child node) it takes — with ``every``, the edges that some
    listed subgame-perfect equilibrium takes."""
    spe = [eq.behavior for eq in (result.equilibria if result is not None else ())
           if eq.subgame_perfect and eq.behavior is not None]
    if not spe:
        return set(), set()
    behaviors = [flat_behavior(game, b) for b in (spe if every else spe[:1])]
    edges: set[int] = set()
    for behavior in behaviors:
        for node in game.nodes:
            probs = behavior[node.infoset] if isinstance(node, Decision) else None
            if probs is not None:  # None: no behaviour given where play never goes
                edges.update(c for k, c in enumerate(node.children) if probs[k])
    reach = reach_probabilities(game, behaviors[0])
    return {v for v, r in enumerate(reach) if r}, edges


def _move(game: ExtensiveFormGame, v: int, k: int) -> tuple[str, str | None]:
    """The ``k``-th move at node ``v``: its label, and its probability as text at a chance node (else None)."""
    node = game.nodes[v]
    if isinstance(node, Decision):
        return node.actions[k], None
    values = game.chance_values[v]
    assert isinstance(node, Chance) and values is not None  # terminals have no moves
    f, value = node.probs[k], values[k]
    return node.outcomes[k], fmt(value) if f.constant is not None else f"{f.text} = {fmt(value)}"


def _node_text(game: ExtensiveFormGame, v: int) -> str:
    node = game.nodes[v]
    if isinstance(node, Decision):
        h = game.infosets[node.infoset]
        shared = f" (information set of {len(h.nodes)} nodes)" if len(h.nodes) > 1 else ""
        return f"{game.players[node.player]} · {node.infoset}{shared}"
    if isinstance(node, Chance):
        return "chance" + (f" · {node.name}" if node.name else "")
    values = game.terminal_values[v]
    assert values is not None
    pays = ", ".join(f"{p} {fmt(x)}" if f.constant is not None else f"{p} {f.text} = {fmt(x)}"
                     for p, f, x in zip(game.players, node.payoffs, values))
    return f"({pays})" + (f" — {node.outcome}" if node.outcome else "")


def rich_tree(game: ExtensiveFormGame, result: SolveResult | None = None, max_nodes: int = MAX_SHOWN_NODES):
    """A :class:`rich.tree.Tree` of the game: who moves, the moves, chance probabilities (formula = exact
    value), payoffs; the first subgame-perfect equilibrium's moves marked ★ (its path in bold green, its
    choices off the path in green). At most ``max_nodes`` nodes are drawn."""
    from rich.text import Text
    from rich.tree import Tree

    on_path, taken = spe_highlight(game, result)
    root = Tree(Text(_node_text(game, 0), style="bold green" if 0 in on_path else ""))
    shown = 1
    stack = [(0, root)]
    hidden = 0
    while stack:
        v, branch = stack.pop()
        node = game.nodes[v]
        kids = []
        for k, c in enumerate(node.children):
            move, prob = _move(game, v, k)
            if prob is not None:
                move += f" ({prob})"
            style = "bold green" if c in on_path else ("green" if c in taken else "")
            mark = "★ " if c in taken else ""  # visible without colour too
            kids.append((c, Text(f"{mark}{move} → {_node_text(game, c)}", style=style)))
        subs = []
        for c, text in kids:
            if shown >= max_nodes:
                hidden += game.subtree_end[c] - c + 1
                continue
            shown += 1
            subs.append((c, branch.add(text)))
        stack.extend(reversed(subs))
    if hidden:
        root.add(Text(f"… {hidden} more nodes not shown", style="dim"))
    return root


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(game: ExtensiveFormGame, result: SolveResult | None = None) -> str:
    """The tree as Graphviz DOT: decision nodes (ellipses, player and information set), chance nodes
    (diamonds), terminals (boxes with payoffs); information sets with several nodes joined by dashed
    lines; the first subgame-perfect equilibrium's path in bold. Same input, same text."""
    on_path, taken = spe_highlight(game, result)
    out = [f'digraph "{_dot_escape(game.title or "game")}" {{',
           '  node [fontname="Helvetica"]; edge [fontname="Helvetica"];']
    for v, node in enumerate(game.nodes):
        bold = ", penwidth=2.5, style=bold" if v in on_path else ""
        if isinstance(node, Decision):
            label = f"{game.players[node.player]}\n{node.infoset}"
            out.append(f'  n{v} [label="{_dot_escape(label)}", shape=ellipse{bold}];')
        elif isinstance(node, Chance):
            out.append(f'  n{v} [label="chance", shape=diamond{bold}];')
        else:
            values = game.terminal_values[v]
            assert values is not None
            label = ", ".join(fmt(x) for x in values)
            if node.outcome:
                label += f"\n{node.outcome}"
            out.append(f'  n{v} [label="{_dot_escape(label)}", shape=box{bold}];')
    for v, node in enumerate(game.nodes):
        for k, c in enumerate(node.children):
            label, prob = _move(game, v, k)
            if prob is not None:
                label += f"\n{prob}"
            style = ", penwidth=2.5, style=bold" if c in on_path else (", penwidth=1.8" if c in taken else "")
            out.append(f'  n{v} -> n{c} [label="{_dot_escape(label)}"{style}];')
    for label, h in game.infosets.items():
        for a, b in zip(h.nodes, h.nodes[1:]):
            out.append(f'  n{a} -> n{b} [style=dashed, dir=none, constraint=false, label="{_dot_escape(label)}"];')
        if len(h.nodes) > 1:
            same = "; ".join(f"n{x}" for x in h.nodes)
            out.append(f"  {{ rank=same; {same}; }}")
    out.append("}")
    return "\n".join(out) + "\n"
