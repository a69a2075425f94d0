"""Regions in words: sign constraints written as ``(lhs, op, rhs)`` with integer coefficients
(``("K + W*p_insult", ">", "H")``), regions as pieces of them, and pieces read back at exact values."""

from __future__ import annotations

from fractions import Fraction

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_regions import integer_sides
from kimgame.analysis.sign_terms import NEG, POS, ZERO, Term
from kimgame.expr.polynomial import Poly

__all__ = ["constraint_parts", "evaluate_pieces", "pieces_text", "region_pieces", "region_text"]

OPS = {POS: ">", POS | ZERO: ">=", NEG: "<", NEG | ZERO: "<=", ZERO: "==", NEG | POS: "!="}


def _side(items: list[tuple[tuple[int, ...], int]], names: tuple[str, ...]) -> str:
    parts = []
    for m, c in sorted(items, key=lambda item: (-sum(item[0]), [-e for e in item[0]])):
        factors = [names[j] if e == 1 else f"{names[j]}**{e}" for j, e in enumerate(m) if e]
        if not factors:
            parts.append(str(c))
        else:
            parts.append("*".join(([str(c)] if c != 1 else []) + factors))
    return " + ".join(parts) if parts else "0"


def constraint_parts(q: Poly, mask: int, names: tuple[str, ...]) -> tuple[str, str, str]:
    """The constraint "``q`` has a sign in ``mask``" as ``(lhs, op, rhs)``: integer coefficients,
    positive terms on each side, the parameters on the left (``("K + W*p_insult", ">", "H")``)."""
    pos, neg, mask = integer_sides(q, mask)
    op = OPS[mask]
    if not any(any(m) for m, _ in pos):  # only a constant on the left: put the parameters first
        pos, neg = neg, pos
        op = {">": "<", ">=": "<=", "<": ">", "<=": ">="}.get(op, op)
    return _side(pos, names), op, _side(neg, names)


def region_pieces(terms: list[Term], box: Box) -> tuple[tuple[tuple[str, str, str], ...], ...]:
    """A region (list of terms) as pieces of ``(lhs, op, rhs)``, sorted; ``((),)`` for the whole box."""
    out = []
    for t in terms:
        parts = tuple(sorted((constraint_parts(q, m, box.names) for q, m in t.cons.items()),
                             key=lambda p: (len(p[0]) + len(p[2]), p)))
        out.append(parts)
    if any(not p for p in out):
        return ((),)
    return tuple(sorted(set(out), key=lambda p: (len(p), p)))


def pieces_text(pieces) -> str:
    """Pieces in words: ``"R > M and G > c, or R < M"``; ``"always"`` / ``"never"``."""
    if not pieces:
        return "never"
    if any(not p for p in pieces):
        return "always"
    ops = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠"}
    words = [" and ".join(f"{lhs} {ops.get(op, op)} {rhs}" for lhs, op, rhs in p) for p in pieces]
    return words[0] if len(words) == 1 else "; or ".join(words)


def region_text(terms: list[Term], box: Box) -> str:
    """A region (list of terms) in words (:func:`pieces_text`)."""
    return pieces_text(region_pieces(terms, box))


def evaluate_pieces(pieces, values) -> bool:
    """Whether pieces hold at exact ``values`` (a mapping of names to Fractions)."""
    return any(all(_holds(lhs, op, rhs, values) for lhs, op, rhs in p) for p in pieces)


def _value(side: str, values) -> Fraction:
    total = Fraction(0)
    for part in side.split(" + "):
        factor = Fraction(1)
        for f in part.replace("**", "^").split("*"):
            base, _, power = f.strip().partition("^")
            x = Fraction(base) if base[0].isdigit() else values[base]
            factor *= x ** int(power or 1)
        total += factor
    return total


def _holds(lhs: str, op: str, rhs: str, values) -> bool:
    a, b = _value(lhs, values), _value(rhs, values)
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b, "==": a == b, "!=": a != b}[op]
