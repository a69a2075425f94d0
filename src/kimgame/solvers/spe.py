"""The one subgame-perfect search interface: :func:`search` solves a tree stage by stage
(:func:`kimgame.solvers.backward_induction.stage_search`) or, for large perfect-information trees, level by
level on arrays (:func:`kimgame.solvers.array_tree.array_search`), with the same results. The backend is
chosen here and nowhere else."""

from __future__ import annotations

from typing import Any

from kimgame.limits import current_limits
from kimgame.model.tree import ExtensiveFormGame
from kimgame.solvers.backward_induction import SPESearch, stage_search
from kimgame.solvers.clock import Clock
from kimgame.solvers.subgames import Stages, tree_backend


def search(game: ExtensiveFormGame, st: Stages | None = None, *, pure_only: bool = False,
           clock: Clock | None = None, combination_limit: int | None = None,
           method: str = "enummixed", enumerate_up_to: int | None = None) -> SPESearch:
    """Solve every stage of ``game`` bottom-up (see :mod:`kimgame.solvers.backward_induction`); returns the
    :class:`~kimgame.solvers.backward_induction.SPESearch` that counts and lists its subgame-perfect
    equilibria (R. Selten (1965), "Spieltheoretische Behandlung eines Oligopolmodells mit
    Nachfrageträgheit", *Zeitschrift für die gesamte Staatswissenschaft* 121, 301-324 and 667-689).
    ``clock`` (:class:`kimgame.solvers.clock.Clock`) bounds the equilibrium enumeration of imperfect-information stages
    (:class:`kimgame.solvers.enummixed.SearchTimeout` when it passes). ``method`` says how a stage with two
    acting players is solved: ``enummixed`` (every extreme equilibrium of its reduced normal form),
    ``sequence-lcp`` / ``sequence-lp`` (one equilibrium from the sequence form), ``auto`` (the sequence
    form when the stage's reduced normal form has more than ``enumerate_up_to`` pure profiles, estimated
    before it is built; default: the ``subgame_profiles`` limit in force); see
    :meth:`kimgame.solvers.truncated_game.LocalGame.solve`. ``combination_limit``: combinations of subgame values
    tried at one stage (default: the ``spe_combinations`` limit in force, ``--limit spe_combinations=N``).

    Large perfect-information trees are solved on arrays, with the same results
    (:func:`kimgame.solvers.array_tree.array_search`; chosen by :func:`kimgame.solvers.subgames.tree_backend`
    from the ``array_nodes`` and ``array_nodes_per_level`` limits in force)."""
    if combination_limit is None:
        combination_limit = current_limits().spe_combinations
    if tree_backend(game) == "arrays":
        from kimgame.solvers.array_tree import array_search  # numpy: only for large trees

        found = array_search(game, combination_limit=combination_limit, clock=clock)
        if found is not None:
            return found
    return stage_search(game, st, pure_only=pure_only, clock=clock, combination_limit=combination_limit,
                        method=method, enumerate_up_to=enumerate_up_to)


def backward_induction(game: ExtensiveFormGame, **options: Any) -> SPESearch:
    """Backward induction on a tree (all pure subgame-perfect equilibria of a perfect-information tree,
    chance included; see :func:`search` for trees with imperfect information); returns the
    :class:`~kimgame.solvers.backward_induction.SPESearch`. H. W. Kuhn (1953), "Extensive games and the
    problem of information", *Contributions to the Theory of Games* II, 193-216; R. Selten (1965)."""
    return search(game, **options)
