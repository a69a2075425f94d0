"""Cells of the symbolic backward induction: pieces of the parameter box, and the limits on their number.

A *cell* is a :class:`~kimgame.analysis.sign_terms.Term` (a conjunction of sign conditions on
polynomials in the parameters) with the set of *outs* the subgame's subgame-perfect equilibria can give
there (:data:`Out`: the payoffs of the players who move above, and the claim's data). :class:`CellAlgebra`
intersects regions, splits a cell where a comparison is undecided (:class:`Undecided`), groups cells by
their set of outs, and counts them against ``max_pieces`` and the clock's deadline
(:class:`~kimgame.errors.SolverLimit`). Cells are dropped only when proved empty on the box
(:class:`~kimgame.analysis.sign_box.Box`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_regions import drop_subsumed, simplify_region
from kimgame.analysis.sign_terms import TRUE, Term
from kimgame.errors import SolverLimit
from kimgame.expr.polynomial import Poly, Ratio
from kimgame.model.tree import ExtensiveFormGame
from kimgame.solvers.clock import Clock

Values = tuple[Ratio | None, ...]
Out = tuple[Values, Any]  # (payoffs of the players who move above, claim data: a Ratio, a label... by mode)
Cells = dict[frozenset, list[Term]]  # set of SPE outs -> the terms (disjoint) where it is that set


class Undecided(Exception):
    """A comparison the current cell does not decide: split the cell on ``q`` having a sign in ``mask``."""

    def __init__(self, q: Poly, mask: int) -> None:
        self.q = q
        self.mask = mask


def payoff(values: Values, i: int) -> Ratio:
    """Player ``i``'s payoff in ``values``; only players who move above a node are kept (``_project``)."""
    x = values[i]
    assert x is not None, "a payoff is asked for a player who does not move above the node"
    return x


class CellAlgebra:
    """Regions and cells on the box of one game's declared ranges, with the limits of the symbolic
    backward induction: at most ``max_pieces`` cells at a node, and the ``clock``'s deadline."""

    def __init__(self, game: ExtensiveFormGame, max_pieces: int, clock: Clock | None = None) -> None:
        self.game = game
        self.clock = clock or Clock()
        self.box = Box(game.parameters)
        self.max_pieces = max_pieces
        self.largest = 0

    def atom(self, f: Poly, mask: int) -> list[Term]:
        """The region where ``f`` has a sign in ``mask``: ``[TRUE]``, ``[]`` or one one-constraint term."""
        c = self.box.sign_constraint(f, mask)
        if c is True:
            return [TRUE]
        if c is False:
            return []
        return [Term({c[0]: c[1]})]

    def dnf_and(self, a: list[Term], b: list[Term], v: int = 0) -> list[Term]:
        """The intersection of two regions (lists of terms), empty terms dropped."""
        box = self.box
        out = []
        for s in a:
            for t in b:
                u = box.meet(s, t)
                if u is not None:
                    out.append(u)
        self.count_pieces(len(out), v)
        return drop_subsumed(out)

    def test(self, t: Term, f: Poly, mask: int) -> bool:
        """Whether ``f`` has a sign in ``mask`` everywhere in cell ``t`` (True), nowhere (False), or raise
        :class:`Undecided` to have the cell split."""
        c = self.box.sign_constraint(f, mask)
        if c is True or c is False:
            return c
        q, m = c
        cur = t.cons.get(q, self.box.possible(q))
        if cur & ~m == 0:
            return True
        if cur & m == 0:
            return False
        raise Undecided(q, m)

    def resolve(self, t: Term, evaluate: Callable[[Term], Any]) -> list[tuple[Term, Any]]:
        """Split ``t`` until ``evaluate`` can decide every comparison it makes; the (disjoint) parts with
        their results, empty parts dropped."""
        box = self.box
        out = []
        stack = [t]
        while stack:
            s = stack.pop()
            try:
                out.append((s, evaluate(s)))
            except Undecided as need:
                for part in (need.mask, box.possible(need.q) & ~need.mask):
                    r = box.restrict(s, need.q, part)
                    if r is not None and box.feasible(r):
                        stack.append(r)
        return out

    def check_time(self, v: int) -> None:
        """Raise :class:`~kimgame.errors.SolverLimit` when the clock's deadline has passed (at node ``v``)."""
        if self.clock.expired:
            raise SolverLimit(f"the time limit was reached during the symbolic backward induction (at "
                              f"'{self.game.node_label(v)}'); the claim can still be judged at given "
                              "parameter values (kimgame solve, sweep)")

    def count_pieces(self, n: int, v: int) -> None:
        """Record ``n`` cells at node ``v``: :class:`~kimgame.errors.SolverLimit` above ``max_pieces`` or past
        the deadline."""
        self.check_time(v)
        self.largest = max(self.largest, n)
        if n > self.max_pieces:
            raise SolverLimit(
                f"the symbolic backward induction holds more than {self.max_pieces} pieces of parameter space "
                f"at '{self.game.node_label(v)}'; the claim can still be judged at given parameter values "
                "(kimgame solve, sweep)")

    def _product(self, lists: Sequence[Sequence[tuple[Any, Term]]], v: int) -> list[tuple[tuple, Term]]:
        """Every choice of one (item, term) per list whose terms intersect: (items, intersection)."""
        box = self.box
        partial: list[tuple[tuple, Term]] = [((), TRUE)]
        for items in lists:
            nxt = []
            for chosen, t in partial:
                self.check_time(v)
                for item, s in items:
                    u = box.meet(t, s)
                    if u is not None:
                        nxt.append((chosen + (item,), u))
            self.count_pieces(len(nxt), v)
            partial = nxt
        return partial

    def _merge(self, produced: Iterable[tuple[Term, frozenset]], v: int) -> Cells:
        """Group cells by their set of outs; each group's terms simplified (constraints implied by the
        others dropped, so that the products above stay small)."""
        cells: Cells = {}
        n = 0
        for t, outs in produced:
            if not outs:  # no SPE here: the cell is empty (every point has an SPE)
                continue
            cells.setdefault(outs, []).append(t)
            n += 1
        self.count_pieces(n, v)
        return {outs: simplify_region(terms, self.box) for outs, terms in cells.items()}
