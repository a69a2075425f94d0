"""Backward induction on large perfect-information trees, vectorised over the levels of the tree.

The same computation as :func:`kimgame.solvers.spe.search` on a perfect-information tree
(every decision and chance node is a stage), with the same results — values, counts, the order of the
options at each node and so of the equilibria listed — but on arrays (:class:`kimgame.model.tree_arrays.
TreeArrays`) and in exact integer arithmetic:

* Payoffs are scaled to integers by the common denominator ``P`` of all payoffs, chance probabilities to
  integers ``a = p * L`` by the common denominator ``L`` of all probabilities. A node's values are kept
  multiplied by ``P * L**h``, ``h`` the most chance moves on a path below it: a chance node's value is
  ``sum(a_k * x_k)`` (children lifted to a common power of ``L``), a decision node's is its best child's,
  lifted. Values are int64 when ``max|payoff| * P * L**h`` fits (else the general path is used); equal
  values are equal integers, so ties are found exactly.
* A node's *classes* are the distinct values its subgame-perfect solutions can take (several when some
  mover below is indifferent between outcomes that differ for others), with the number of solutions of
  each. The nodes of one depth are solved together: each combination of their children's classes
  (``itertools.product`` order, at most ``combination_limit``) is a row, the mover's best children in a
  row are the options (``np.maximum.reduceat``), a chance row is one option; options with equal values
  form a class, in order of first appearance.
* The number of equilibria of each class is counted when first asked for (``total``, ``counts``): the
  product of the children's counts over each row, summed over a class's options — in float64 while
  below 2**53 (exact there), in Python integers above. With many ties these are numbers of thousands of
  digits, and counting can cost more than solving.
* Equilibria are listed in the order of the general search — lexicographic in the option chosen at
  each node in preorder — and each listed one is built level by level, top-down.
* :func:`kimgame.solvers.array_numbers.pure_profile_check` checks a pure profile exactly on the arrays (values under the profile,
  every mover's best reply), so :func:`kimgame.analysis.solve_tree.solve_tree` verifies what it reports
  without a ``Fraction`` per node.

Trees deeper than they are wide (a long centipede) have many small levels; :func:`kimgame.solvers.subgames.
tree_backend` sends them to the general path. The work is split along its ideas:
:mod:`kimgame.solvers.array_numbers` (the integers, levels and heights; :func:`pure_profile_check`),
:mod:`kimgame.solvers.array_levels` (solving and counting level by level) and
:mod:`kimgame.solvers.array_results` (:class:`ArraySPESearch`: listing the equilibria).
"""

from __future__ import annotations

from kimgame.limits import current_limits
from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_arrays import CHANCE, DECISION
from kimgame.solvers.array_levels import LevelSolver
from kimgame.solvers.array_numbers import prepare
from kimgame.solvers.array_results import ArraySPESearch
from kimgame.solvers.backward_induction import SPESearch
from kimgame.solvers.clock import Clock, stopping

__all__ = ["array_search"]


def array_search(game: ExtensiveFormGame, *, combination_limit: int | None = None,
                 clock: Clock | None = None) -> SPESearch | None:
    """All pure subgame-perfect equilibria of a perfect-information tree, solved on arrays (see the module
    notes: backward induction, H. W. Kuhn (1953), "Extensive games and the problem of information",
    vectorised by level); the same results as :func:`kimgame.solvers.spe.search`. None when the tree is
    left to the general path: its root is a terminal or its numbers do not fit int64 once scaled to
    integers. (Which trees come here is chosen by :func:`kimgame.solvers.subgames.tree_backend`.)
    ``combination_limit`` defaults to the ``spe_combinations`` limit in force; ``clock`` is checked before
    each level (:class:`~kimgame.solvers.clock.SearchTimeout`, with nothing found, when it has run out:
    the levels are solved bottom-up, so no equilibrium is known before the root)."""
    if combination_limit is None:
        combination_limit = current_limits().spe_combinations
    clock = clock or Clock()
    prepared = prepare(game)
    if prepared is None:
        return None
    a, levels, nonterminal, height, pay, scale, weight, base = prepared
    solver = LevelSolver(a, pay, weight, base, height, combination_limit)
    with stopping(list, found="subgame-perfect equilibria"):
        for level in reversed(levels):
            clock.check()
            if level.size:
                solver.solve(level[a.kind[level] == DECISION], chance=False)
                solver.solve(level[a.kind[level] == CHANCE], chance=True)
    sol = solver.solution(scale, levels, nonterminal)
    notes = [f"at '{game.node_label(v)}' the subgames below have {total} combinations of equilibrium values; "
             f"only the first {combination_limit} were combined, so some subgame-perfect equilibria are missing "
             "(raise the limit with --limit spe_combinations=N)"
             for v, total in sorted(solver.cut, reverse=True)]
    return ArraySPESearch(game, sol, notes, bool(solver.cut), prepared)
