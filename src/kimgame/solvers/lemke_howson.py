"""Exact Lemke-Howson algorithm for bimatrix games.

Complementary pivoting on the two best-response polytopes

    P = {x >= 0 : B^T x <= 1}      Q = {y >= 0 : A y <= 1}

(payoffs scaled to integers and shifted to be positive): C. E. Lemke and J. T. Howson (1964),
"Equilibrium points of bimatrix games", *SIAM J. Appl. Math.* 12, 413-423, as described in
B. von Stengel (2002), "Computing equilibria for two-person games",
*Handbook of Game Theory*, vol. 3, ch. 45, sections 3.3-3.5, and in
D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel (2010),
"Enumeration of Nash equilibria for two-player games", *Economic Theory*
42:9-37.  Pivoting is exact and fraction-free (the tableau machinery is shared
with :mod:`kimgame.solvers.enummixed`) and uses the lexicographic minimum-ratio
test, so the path is unique and the algorithm terminates on degenerate games
too.  Labels follow :mod:`kimgame.solvers.enummixed`: ``0 .. m-1`` are the row
player's pure strategies and ``m .. m+n-1`` the column player's.
"""

from __future__ import annotations

from kimgame.solvers.clock import Clock, stopping
from kimgame.solvers.enummixed import PayoffMatrix, Profile, _prepare_game, _Tableau

__all__ = ["PivotLimit", "lemke_howson"]


class PivotLimit(Exception):
    """The Lemke-Howson path needed more than ``max_pivots`` pivots."""

    def __init__(self, max_pivots: int) -> None:
        super().__init__(f"Lemke-Howson exceeded {max_pivots} pivots")
        self.max_pivots = max_pivots


def lemke_howson(
    A: PayoffMatrix,
    B: PayoffMatrix,
    *,
    dropped_label: int = 0,
    max_pivots: int = 100_000,
    clock: Clock | None = None,
) -> Profile:
    """Return one Nash equilibrium of ``(A, B)`` by exact Lemke-Howson pivoting.

    Parameters
    ----------
    A, B:
        ``m x n`` payoff matrices (``int`` / ``Fraction`` entries), as for
        :func:`kimgame.solvers.enummixed.extreme_equilibria`.
    dropped_label:
        The label ``k`` in ``0 .. m+n-1`` that is dropped at the artificial
        equilibrium ``(0, 0)``: ``k < m`` is the row player's strategy ``k``,
        ``k >= m`` the column player's strategy ``k - m``.
    max_pivots:
        Upper bound on the number of pivots (in both tableaux together).
    clock:
        Optional :class:`~kimgame.solvers.clock.Clock` (time and memory), checked before every pivot: one path is a step that may take
        minutes on large games, so ``--timeout`` must be able to stop it.

    Returns
    -------
    ``(x, y)``
        An equilibrium as tuples of ``Fraction`` probabilities.  It is a
        completely labelled pair of vertices of ``P`` and ``Q``, hence an
        extreme equilibrium in the sense of
        :func:`~kimgame.solvers.enummixed.extreme_equilibria`.

    Raises
    ------
    PivotLimit
        If more than ``max_pivots`` pivots would be needed.
    SearchTimeout
        If the clock's deadline passed, the memory limit was reached or Ctrl-C was pressed before the path ended
        (its ``partial`` is empty: a path has no equilibrium before its end).
    ValueError
        If ``dropped_label`` is out of range or the matrices are malformed.

    Notes
    -----
    Starting from the artificial equilibrium ``(0, 0)``, label ``k`` is
    dropped by letting the variable with label ``k`` enter the basis of the
    tableau in which it is nonbasic; the leaving variable's label is then
    duplicate and its complement enters in the other tableau, until the
    leaving variable has label ``k`` (von Stengel 2002, algorithm 3.5).  The
    leaving variable is chosen by the lexicographic minimum-ratio test, which
    corresponds to perturbing the right-hand side to ``1 + (eps, eps^2, ...)``
    and makes every pivot well defined in degenerate games (von Stengel 2002,
    section 3.5; Avis et al. 2010, section 4).
    """
    m, n, p_poly, q_poly = _prepare_game(A, B)
    if isinstance(dropped_label, bool) or not isinstance(dropped_label, int):
        raise TypeError("dropped_label must be an int")
    if not 0 <= dropped_label < m + n:
        raise ValueError(f"dropped_label must be in 0..{m + n - 1}, got {dropped_label}")
    tableaux: list[_Tableau] = [p_poly.initial_tableau(), q_poly.initial_tableau()]
    # Initially label k is nonbasic in P if k < m (x_k = 0), else in Q (y_{k-m} = 0).
    side = 0 if dropped_label < m else 1
    entering = dropped_label
    pivots = 0
    clock = clock or Clock()
    with stopping(list, found="equilibria"):
        while True:
            if pivots >= max_pivots:
                raise PivotLimit(max_pivots)
            pivots += 1
            clock.check()
            tab = tableaux[side]
            c = tab.nonbasic.index(entering) + 1
            r = tab.lexmin_ratio_row(c)
            leaving = tab.basis[r]
            tableaux[side] = tab.pivot(r, c)
            if leaving == dropped_label:
                break
            # ``leaving`` is now a duplicate label: it enters in the other tableau.
            entering = leaving
            side = 1 - side
    return tableaux[0].point(), tableaux[1].point()
