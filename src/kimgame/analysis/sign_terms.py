"""Sign constraints on exact polynomials: the language of :mod:`kimgame.analysis.sign_regions`.

* A *constraint* is a canonical polynomial ``q`` (a :class:`~kimgame.expr.polynomial.Poly` with leading
  coefficient 1) with a *sign mask*, the set of signs of ``q`` allowed: a subset of {negative, zero,
  positive} (``q > 0``, ``q >= 0``, ``q = 0``, ``q != 0``, ...). Writing ``q`` and ``-q`` alike keeps
  identical conditions identical.
* A :class:`Term` is a conjunction of constraints, one per polynomial; a region is a list of terms
  (a disjunction).
"""

from __future__ import annotations

from collections.abc import Mapping

from kimgame.expr.polynomial import Poly

NEG, ZERO, POS = 1, 2, 4


class Term:
    """A conjunction of sign constraints ``{canonical polynomial: mask}`` (no full masks, none empty)."""

    __slots__ = ("_key", "_polys", "cons")

    def __init__(self, cons: Mapping[Poly, int]) -> None:
        self.cons = dict(cons)
        self._key: frozenset | None = None
        self._polys: frozenset | None = None

    @property
    def polys(self) -> frozenset:
        """The polynomials constrained."""
        if self._polys is None:
            self._polys = frozenset(self.cons)
        return self._polys

    @property
    def key(self) -> frozenset:
        """The constraints as a frozenset of (polynomial, mask) pairs: what hash and equality use."""
        if self._key is None:
            self._key = frozenset(self.cons.items())
        return self._key

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and self.key == other.key

    def __len__(self) -> int:
        return len(self.cons)

    def implies(self, other: Term) -> bool:
        """Syntactic implication: every constraint of ``other`` is at least as strong here."""
        if not other.polys <= self.polys:
            return False
        mine = self.cons
        return all(mine[p] & ~m == 0 for p, m in other.cons.items())


TRUE = Term({})


def constant_mask(q: Poly) -> int:
    """The sign of the constant polynomial ``q`` as a mask."""
    v = q.constant_value
    return POS if v > 0 else NEG if v < 0 else ZERO


def flip_mask(mask: int) -> int:
    """The mask of ``-q`` given that of ``q``."""
    return (mask & ZERO) | (POS if mask & NEG else 0) | (NEG if mask & POS else 0)
