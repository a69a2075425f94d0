"""Who is indifferent at exact parameter values, on the paths of subgame-perfect play."""

from __future__ import annotations

from fractions import Fraction

from kimgame.model.tree import Chance, Decision, ExtensiveFormGame

__all__ = ["indifference_at"]


def indifference_at(game, values, spe=None) -> str:
    """Who is indifferent at exact parameter ``values`` (a mapping with every parameter), on the paths of
    subgame-perfect play: ``"DPRK indifferent between dismantle and stall at 'DPRK deal (silence)'"``;
    empty when no mover on those paths is. Exact backward induction (Kuhn 1953) on the tree at those
    values; with imperfect information, where the pure subgame-perfect equilibria the tree solver lists
    choose differently (``"subgame-perfect equilibria differ: DPRK dismantle or stall at '...'"``): ``spe(game)``
    gives their behaviours (mappings player -> information set -> action -> probability)."""
    if not isinstance(game, ExtensiveFormGame):
        return ""
    if not game.is_perfect_information:
        return _differing_choices(spe(game.with_values(dict(values)))) if spe is not None else ""
    g = game.with_values(dict(values))
    nodes = g.nodes
    pay = g.terminal_values
    probs = g.chance_values
    value: dict[int, tuple[Fraction, ...]] = {}
    best: dict[int, list[int]] = {}
    for v in range(len(nodes) - 1, -1, -1):
        node = nodes[v]
        if isinstance(node, Decision):
            i = node.player
            top = max(value[c][i] for c in node.children)
            best[v] = [a for a, c in enumerate(node.children) if value[c][i] == top]
            value[v] = value[node.children[best[v][0]]]
        elif isinstance(node, Chance):
            row = probs[v]
            assert row is not None  # every chance node has its probabilities
            value[v] = tuple(sum((p * value[c][j] for p, c in zip(row, node.children)), Fraction(0))
                             for j in range(len(g.players)))
        else:
            payoffs = pay[v]
            assert payoffs is not None  # every terminal has its payoffs
            value[v] = payoffs
    found: list[str] = []
    stack = [0]
    while stack:
        v = stack.pop()
        node = nodes[v]
        if isinstance(node, Decision):
            if len(best[v]) > 1:
                acts = " and ".join(node.actions[a].replace("_", " ") for a in best[v])
                text = f"{g.players[node.player]} indifferent between {acts} at '{node.infoset}'"
                if text not in found:
                    found.append(text)
            stack.extend(node.children[a] for a in best[v])
        elif isinstance(node, Chance):
            stack.extend(c for p, c in zip(probs[v] or (), node.children) if p)
    return "; ".join(found)


def _differing_choices(behaviors) -> str:
    """Where subgame-perfect equilibria (their behaviours) choose differently."""
    eqs = list(behaviors)
    found: list[str] = []
    for player, sets in (eqs[0].items() if eqs else ()):
        for label in sets:
            chosen = []
            for e in eqs:
                probs = e[player][label]
                for action, p in probs.items():
                    if p and action not in chosen:
                        chosen.append(action)
            if len(chosen) > 1:
                acts = " or ".join(a.replace("_", " ") for a in chosen)
                found.append(f"{player} {acts} at '{label}'")
    return f"subgame-perfect equilibria differ: {'; '.join(found)}" if found else ""
