"""Paths of play in words: the path labels of the symbolic backward induction
(``"pressure > [insulted: stall > status_quo | not_insulted: dismantle]"``) parsed, written for a reader,
and compared to say who is indifferent where several continuations are subgame-perfect."""

from __future__ import annotations

from typing import Any

__all__ = ["parse_path", "path_words", "play_words", "tie_words"]


def play_words(actions: tuple[str, ...], paths: tuple[str, ...]) -> str:
    """The continuation after each action in words: ``"pressure → insulted: stall, crack down; not
    insulted: dismantle, ease ┃ silence → dismantle, status quo"``."""
    return " ┃ ".join(f"{a.replace('_', ' ')} → {path_words(p) if p else '(end)'}" for a, p in zip(actions, paths))


def parse_path(label: str) -> list[Any]:
    """A path label (``"pressure > [insulted: stall > status_quo | not_insulted: dismantle]"``) as a
    list of steps: an action name, or a list of ``(outcome, steps)`` for a chance node."""
    pos = 0

    def seq() -> list[Any]:
        nonlocal pos
        steps: list[Any] = []
        while pos < len(label):
            if label[pos] == "[":
                pos += 1
                branches = []
                while True:
                    end = pos
                    while end < len(label) and label[end] not in ":|]":
                        end += 1
                    name = label[pos:end].strip()
                    pos = end
                    rest: list[Any] = []
                    if label[pos] == ":":
                        pos += 1
                        rest = seq()
                    branches.append((name, rest))
                    if label[pos] == "|":
                        pos += 1
                        continue
                    pos += 1  # "]"
                    break
                steps.append(branches)
            else:
                end = pos
                while end < len(label) and label[end] not in ">|]":
                    end += 1
                word = label[pos:end].strip()
                if word:
                    steps.append(word)
                pos = end
            while pos < len(label) and label[pos] == " ":
                pos += 1
            if pos < len(label) and label[pos] == ">":
                pos += 1
                while pos < len(label) and label[pos] == " ":
                    pos += 1
                continue
            if pos >= len(label) or label[pos] in "|]":
                return steps
        return steps

    return seq()


def _words(steps: list[Any]) -> str:
    out = []
    for s in steps:
        if isinstance(s, str):
            out.append(s.replace("_", " "))
        else:
            out.append("; ".join(f"{o.replace('_', ' ')}: {_words(rest)}" if rest else o.replace("_", " ")
                                 for o, rest in s))
    return ", ".join(out) if out else "(end)"


def path_words(label: str) -> str:
    """A path label in words: ``"insulted: stall, crack down; not insulted: dismantle, status quo"``."""
    return _words(parse_path(label))


def _divergence(game, v: int, a: list[Any], b: list[Any]) -> tuple[int, str, str] | None:
    """The first node below ``v`` (inclusive) where two parsed paths differ: (node, action a, action b)."""
    nodes = game.nodes
    for x, y in zip(a, b):
        node = nodes[v]
        if isinstance(x, str) and isinstance(y, str):
            if x != y:
                return v, x, y
            v = node.children[node.actions.index(x)]
            continue
        if isinstance(x, list) and isinstance(y, list):
            for (o, rx), (_, ry) in zip(x, y):
                found = _divergence(game, node.children[node.outcomes.index(o)], rx, ry)
                if found is not None:
                    return found
            return None
        return None
    return None


def tie_words(game, v: int, paths: list[str]) -> str:
    """Who is indifferent where the subgame at ``v`` has several subgame-perfect continuations."""
    parsed = [parse_path(p) for p in sorted(paths)]
    seen = []
    for other in parsed[1:]:
        d = _divergence(game, v, parsed[0], other)
        if d is None:
            continue
        node = game.nodes[d[0]]
        text = (f"{game.players[node.player]} indifferent between {d[1].replace('_', ' ')} and "
                f"{d[2].replace('_', ' ')} at '{node.infoset}'")
        if text not in seen:
            seen.append(text)
    return "; ".join(seen) if seen else "several subgame-perfect continuations"
