"""One function per equilibrium algorithm, as pygambit's ``nash.*_solve``; each returns a
:class:`~kimgame.solvers.results.SolveResult` whose ``method`` records the algorithm, its scope, whether
the list is complete, its counts, options and time.

``kimgame.solve(game)`` stays the default pipeline (it picks the method); these functions run the one
named. Each is ``kimgame.solve(game, method=...)`` with claim conditions off by default (the claims are
still judged at the game's values): pass ``conditions=True`` for them.

>>> import kimgame
>>> g = kimgame.load("games/battle_of_sexes.yaml")
>>> result = kimgame.nash.enummixed(g)
>>> len(result.equilibria), result.method.scope, result.method.complete
(3, 'all Nash equilibria', True)
>>> kimgame.nash.enumpure(g).method.scope
'all pure Nash equilibria'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from kimgame.limits import Limits
    from kimgame.solvers.results import SolveResult

__all__ = ["backward_induction", "enummixed", "enumpure", "lemke_howson", "polynomial", "sequence_lcp", "sequence_lp"]


def _run(game, method: str, timeout: float | None, limits: Limits | Mapping[str, int] | None,
         conditions: bool) -> SolveResult:
    from kimgame.analysis.solve import solve

    return solve(game, method=method, timeout=timeout, limits=limits, conditions=conditions)


def enummixed(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
              conditions: bool = False) -> SolveResult:
    """Every extreme Nash equilibrium of a two-player game, exactly, degenerate games included.

    Vertex enumeration of the two best-response polytopes with exact re-derivation: D. Avis, G. D.
    Rosenberg, R. Savani and B. von Stengel (2010), "Enumeration of Nash equilibria for two-player
    games", *Economic Theory* 42, 9-37. The scope is "all Nash equilibria" when these are the whole Nash
    set (no strategy in two extreme equilibria), else "all extreme Nash equilibria". For a tree: its
    subgame-perfect equilibria and every extreme equilibrium of its reduced normal form.

    >>> import kimgame
    >>> pd = kimgame.load("games/prisoners_dilemma.yaml")
    >>> (eq,) = kimgame.nash.enummixed(pd).equilibria
    >>> dict(eq.strategies["Row"]), eq.max_regret()
    ({'cooperate': Fraction(0, 1), 'defect': Fraction(1, 1)}, Fraction(0, 1))
    """
    return _run(game, "enummixed", timeout, limits, conditions)


def enumpure(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
             conditions: bool = False) -> SolveResult:
    """Every pure Nash equilibrium (any number of players), by checking each profile's best responses.

    For a tree: the pure subgame-perfect equilibria and the pure equilibria of its reduced normal form
    (H. W. Kuhn (1953), "Extensive games and the problem of information").

    >>> import kimgame
    >>> g = kimgame.load("games/three_player_coordination.yaml")
    >>> result = kimgame.nash.enumpure(g)
    >>> result.method.scope, result.method.listed, result.complete
    ('all pure Nash equilibria', 2, True)
    """
    return _run(game, "pure", timeout, limits, conditions)


def lemke_howson(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
                 conditions: bool = False) -> SolveResult:
    """One equilibrium of a two-player game (scope "one equilibrium"): exact Lemke-Howson with
    lexicographic pivoting, run from every starting label (each distinct equilibrium reached is listed).

    C. E. Lemke and J. T. Howson (1964), "Equilibrium points of bimatrix games", *SIAM Journal on
    Applied Mathematics* 12, 413-423; lexicographic degeneracy resolution as in B. von Stengel (2002),
    "Computing equilibria for two-person games", *Handbook of Game Theory* vol. 3, ch. 45.

    >>> import kimgame
    >>> result = kimgame.nash.lemke_howson(kimgame.load("games/matching_pennies.yaml"))
    >>> result.method.scope, result.complete, result.equilibria[0].max_regret()
    ('one equilibrium', True, Fraction(0, 1))
    """
    return _run(game, "lemke-howson", timeout, limits, conditions)


def polynomial(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
               conditions: bool = False) -> SolveResult:
    """Every isolated equilibrium of a small N-player normal-form game: support enumeration with the
    indifference equations solved exactly (R. D. McKelvey and A. McLennan (1996), "Computation of
    equilibria in finite games", *Handbook of Computational Economics* vol. 1, ch. 2). Equilibria with
    irrational probabilities are in ``result.algebraic_equilibria``.

    >>> import kimgame
    >>> result = kimgame.nash.polynomial(kimgame.load("games/three_player_coordination.yaml"))
    >>> result.method.scope, result.complete
    ('all Nash equilibria', True)
    """
    return _run(game, "polynomial", timeout, limits, conditions)


def backward_induction(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
                       conditions: bool = False) -> SolveResult:
    """The subgame-perfect equilibria of a tree by backward induction over its proper subgames (R. Selten
    (1965), "Spieltheoretische Behandlung eines Oligopolmodells mit Nachfrageträgheit"): every pure one
    of a perfect-information tree (ties give several); with imperfect information, those built from the
    extreme equilibria of the subgames. Nash equilibria that are not subgame-perfect are not computed.

    >>> import kimgame
    >>> result = kimgame.nash.backward_induction(kimgame.load("games/entry_deterrence.yaml"))
    >>> result.method.scope, result.complete, [eq.subgame_perfect for eq in result.equilibria]
    ('every pure subgame-perfect equilibrium', True, [True])
    """
    return _run(game, "spe", timeout, limits, conditions)


def sequence_lcp(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
                 conditions: bool = False) -> SolveResult:
    """One Nash equilibrium of a two-player tree from its sequence form, by Lemke's algorithm
    (D. Koller, N. Megiddo and B. von Stengel (1996), "Efficient computation of equilibria for extensive
    two-person games", *Games and Economic Behavior* 14, 247-259): ``kimgame.solve(game,
    method="sequence-lcp")``. A :class:`~kimgame.errors.KimgameError` names the methods available when
    this build has no such method.
    """
    return _run(game, "sequence-lcp", timeout, limits, conditions)


def sequence_lp(game, *, timeout: float | None = None, limits: Limits | Mapping[str, int] | None = None,
                conditions: bool = False) -> SolveResult:
    """One Nash equilibrium of a two-player zero-sum tree from its sequence form, by linear programming
    (D. Koller, N. Megiddo and B. von Stengel (1994), "Fast algorithms for finding randomized strategies
    in game trees", *STOC '94*, 750-759): ``kimgame.solve(game, method="sequence-lp")``. A
    :class:`~kimgame.errors.KimgameError` names the methods available when this build has no such method.
    """
    return _run(game, "sequence-lp", timeout, limits, conditions)
