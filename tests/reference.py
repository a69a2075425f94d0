"""Independent reference implementations the tests compare kimgame against (kept apart from the code
under test)."""

from __future__ import annotations

from kimgame.model.tree import Chance, Decision


def spe_path_label(game, behavior) -> str:
    """The path label of an SPE, built independently of the module under test."""
    nodes = game.nodes

    def label(v: int) -> str:
        node = nodes[v]
        if isinstance(node, Decision):
            probs = behavior[game.players[node.player]][node.infoset]
            (a,) = [act for act, p in probs.items() if p == 1]
            rest = label(node.children[node.actions.index(a)])
            return a + (f" > {rest}" if rest else "")
        if isinstance(node, Chance):
            parts = []
            for o, c in zip(node.outcomes, node.children):
                rest = label(c)
                parts.append(f"{o}: {rest}" if rest else o)
            return "[" + " | ".join(parts) + "]"
        return ""

    return label(0)
