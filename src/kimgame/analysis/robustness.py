"""How far each parameter can move from its value before the claim flips, and the most fragile one.

Built on :mod:`kimgame.analysis.thresholds`: for a parameter at value ``v``, the claim's truth at
``v`` stays the same on the connected piece of the (exact) threshold set that contains ``v``; the
margins are the distances from ``v`` to that piece's ends, absolute and relative to the width of the
declared range. An end that is the end of the range itself means "never within range" (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from kimgame.analysis.thresholds import Threshold, number_text

__all__ = ["Margin", "margins", "most_sensitive"]


@dataclass(frozen=True)
class Margin:
    """The room a parameter has before the claim's truth at the game's values flips.

    ``down``/``up``: how far the parameter can fall/rise from ``value`` before the claim flips
    (exact sympy numbers), None when it does not flip within the declared range. ``flips_below``/
    ``flips_above`` are the boundary values (``value - down``, ``value + up``); ``boundary_included``
    pairs say whether the claim still has its current truth *at* that boundary (then it flips just
    beyond it). ``relative_down``/``relative_up`` divide by the width of the declared range (None
    for an unbounded range). ``exact`` is False when the threshold set could not be solved.
    """

    parameter: str
    value: Fraction
    holds: bool
    down: sympy.Expr | None
    up: sympy.Expr | None
    flips_below: sympy.Expr | None
    flips_above: sympy.Expr | None
    boundary_included: tuple[bool, bool]
    relative_down: sympy.Expr | None
    relative_up: sympy.Expr | None
    exact: bool = True

    @property
    def smallest_relative(self) -> sympy.Expr | None:
        """The smaller of the relative margins (None when neither is finite)."""
        rel = [r for r in (self.relative_down, self.relative_up) if r is not None]
        return min(rel, key=lambda r: (float(r), sympy.sstr(r))) if rel else None

    @property
    def text(self) -> str:
        """``"down 19.5 (to 1/2), up never within range"`` style, exact values."""
        if not self.exact:
            return "not solved exactly"

        def side(word, dist, at, rel, included):
            if dist is None:
                return f"{word}: never within range"
            where = f"at {number_text(at)}" if not included else f"just past {number_text(at)}"
            r = f", {_pct(rel)} of range" if rel is not None else ""
            return f"{word} {number_text(dist)} (flips {where}{r})"

        return "; ".join((
            side("down", self.down, self.flips_below, self.relative_down, self.boundary_included[0]),
            side("up", self.up, self.flips_above, self.relative_up, self.boundary_included[1]),
        ))


def _pct(rel) -> str:
    return f"{float(rel) * 100:.3g}%"


def margins(items: tuple[Threshold, ...], holds: bool) -> tuple[Margin, ...]:
    """The margin of every parameter, given its threshold set and the claim's truth at the values."""
    return tuple(_margin(t, holds) for t in items)


def _margin(t: Threshold, holds: bool) -> Margin:
    v = sympy.Rational(t.value.numerator, t.value.denominator)
    if t.holds_on is None:
        return Margin(t.parameter, t.value, holds, None, None, None, None, (False, False), None, None, exact=False)
    same = t.holds_on if holds else sympy.Complement(t.domain, t.holds_on)
    piece = _piece_containing(same, v)
    if piece is None:  # pragma: no cover - v lies in the domain, so in one of the two sets
        raise AssertionError(f"{t.parameter} = {v} is neither where the claim holds nor where it fails")
    dom = t.domain
    width = dom.end - dom.start if dom.start.is_finite and dom.end.is_finite else None
    if isinstance(piece, sympy.Interval):
        start, end, lopen, ropen = piece.start, piece.end, piece.left_open, piece.right_open
    else:  # an isolated point
        start = end = v
        lopen = ropen = False
    reaches_low = start == dom.start and (lopen == dom.left_open)
    reaches_high = end == dom.end and (ropen == dom.right_open)
    down = None if reaches_low else v - start
    up = None if reaches_high else end - v

    def rel(d):
        return None if d is None or width is None or width == 0 else d / width

    return Margin(
        t.parameter, t.value, holds, down, up,
        None if down is None else start, None if up is None else end,
        (not lopen, not ropen), rel(down), rel(up),
    )


def _piece_containing(s: sympy.Set, v):
    pieces = s.args if isinstance(s, sympy.Union) else (s,)
    for piece in pieces:
        if isinstance(piece, sympy.FiniteSet):
            if v in piece.args:
                return sympy.FiniteSet(v)
        elif isinstance(piece, sympy.Interval) and piece.contains(v) is sympy.true:
            return piece
    return None


def most_sensitive(items: tuple[Margin, ...]) -> str | None:
    """The parameter with the smallest relative margin (ties: first declared); None if none flips."""
    best = None
    for m in items:
        r = m.smallest_relative
        if r is not None and (best is None or r < best[0]):
            best = (r, m.parameter)
    return None if best is None else best[1]
