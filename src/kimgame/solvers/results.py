"""Result objects of the solvers: small frozen dataclasses, addressed by label, that say how they were computed.

* :class:`Equilibrium` — ``eq.strategies["US"]["silence"]``, ``eq.payoffs["US"]``,
  ``eq.behavior["DPRK"]["DPRK deal (silence)"]["dismantle"]``, ``eq.subgame_perfect``, ``eq.max_regret()``.
* :class:`Method` — the algorithm, whether the result is exact and complete, its scope and counts
  (:mod:`kimgame.solvers.scope`), its options and time.
* :class:`SolveResult` — everything ``kimgame solve`` reports; trees add a :class:`TreeSolution`.

The label-indexed values (:class:`Labeled`: payoffs by player, a mixed strategy by strategy, a profile by
player) are tuples as well, as a pandas ``Series`` is both: ``eq.payoffs["US"]`` and ``eq.payoffs[0]`` are
the same number, iterating gives the values in order, ``.keys()`` / ``.items()`` the labels, and
``eq.payoffs == (100, 3)`` compares the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from kimgame.model.labeled import Labeled
from kimgame.model.normal_form import NormalFormGame
from kimgame.model.presentation import present
from kimgame.solvers.scope import Coverage, Cut

Mix = tuple[Fraction, ...]


class MixedStrategy(Labeled):
    """One player's probability of each pure strategy, by strategy label (a tuple of ``Fraction``)."""


class StrategyProfile(Labeled):
    """Each player's :class:`MixedStrategy`, by player label."""


class PlayerValues(Labeled):
    """One number per player (expected payoffs), by player label."""


def strategy_profile(players: Sequence[str], labels: Sequence[Sequence[str]] | None,
                     mixes: Sequence[Sequence[Fraction]]) -> StrategyProfile:
    """``mixes`` (one probability vector per player) labelled by ``players`` and strategy ``labels``."""
    if not mixes:
        return StrategyProfile()
    return StrategyProfile([MixedStrategy(m, labels[i] if labels else ()) for i, m in enumerate(mixes)], players)


@dataclass(frozen=True, slots=True)
class Equilibrium:
    """A Nash equilibrium, addressed by label.

    ``strategies[player][strategy]``: the probability of each pure strategy (for trees, of each plan of
    the reduced normal form; empty when the tree is too large for one). ``payoffs[player]``: expected
    payoffs. Trees: ``behavior[player][information set][action]`` and ``subgame_perfect``; both are None
    for normal-form games. ``game``: the game solved (for :meth:`max_regret`). Plain tuples given to the
    constructor are labelled from ``game`` (players, and strategies of a normal-form game).
    """

    strategies: StrategyProfile
    payoffs: PlayerValues
    behavior: Mapping[str, Mapping[str, Mapping[str, Fraction]]] | None = None
    subgame_perfect: bool | None = None
    game: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        players = tuple(self.game.players) if self.game is not None else ()
        if not isinstance(self.strategies, StrategyProfile):
            labels = self.game.strategies if isinstance(self.game, NormalFormGame) else None
            object.__setattr__(self, "strategies", strategy_profile(players, labels, self.strategies))
        if not isinstance(self.payoffs, PlayerValues):
            object.__setattr__(self, "payoffs", PlayerValues(self.payoffs, players))

    @property
    def is_pure(self) -> bool:
        """True when every player puts probability 1 on one strategy (one action per information set)."""
        if self.strategies:
            return all(max(m) == 1 for m in self.strategies)
        return all(max(acts.values()) == 1 for sets in (self.behavior or {}).values() for acts in sets.values())

    def max_regret(self) -> Fraction:
        """The most any player gains by deviating, exactly; 0 for a Nash equilibrium.

        Normal form: the best pure strategy's payoff against the others' mixtures minus the payoff. Trees:
        the best reply on the player's own sequences (perfect recall) against the others' behaviour.

        >>> import kimgame
        >>> eq = kimgame.solve(kimgame.load("games/singapore_matrix.yaml")).equilibria[0]
        >>> eq.max_regret()
        Fraction(0, 1)
        """
        game = self.game
        if game is None:
            raise ValueError("this equilibrium does not know its game; solve the game with kimgame.solve")
        if isinstance(game, NormalFormGame):
            from kimgame.solvers.verify import regrets

            return max(regrets(game.numeric, tuple(tuple(m) for m in self.strategies)))
        from kimgame.solvers.subgames import node_values, sequence_best

        behavior = {label: tuple(Fraction(acts[a]) for a in game.infosets[label].actions)
                    for sets in (self.behavior or {}).values() for label, acts in sets.items()}
        values = node_values(game, behavior)
        region = list(range(game.num_nodes))
        return max(sequence_best(game, region, set(), 0, i, behavior, values.__getitem__)[0] - values[0][i]
                   for i in range(len(game.players)))


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """A claim judged at the game's parameter values; ``condition`` is the parameter region where it holds
    (a sympy-parsable string) when a symbolic analysis was made."""

    id: str
    says: str
    description: str
    holds: bool
    detail: str = ""
    condition: str | None = None


@dataclass(frozen=True, slots=True)
class Method:
    """How a result was computed (``result.method``).

    ``name``: the method run (``"enummixed"``, ``"lemke-howson"``, ``"pure"``, ``"polynomial"``, ``"spe"``,
    ...); ``algorithm``: what ran, in words (the JSON's ``solver.method``); ``coverage``: the scope,
    completeness and counts of the list of equilibria (:class:`~kimgame.solvers.scope.Coverage`; its fields
    ``scope``, ``complete``, ``listed``, ``total``, ``cuts``, ``more`` are read here too, e.g.
    ``result.method.complete``); ``partial``: a time limit (or Ctrl-C, or a pivot limit) stopped a step;
    ``exact``: every reported number is exact (always True: floats only search); ``options``: the options
    given (``timeout``, the limits changed); ``time``: seconds spent.
    """

    name: str
    algorithm: str
    coverage: Coverage
    partial: bool = False
    exact: bool = True
    options: Mapping[str, object] = field(default_factory=dict)
    time: float = 0.0

    @classmethod
    def of(cls, name: str, algorithm: str, cov: Coverage, *, partial: bool = False) -> Method:
        """A record from a :class:`~kimgame.solvers.scope.Coverage` (not complete when ``partial``)."""
        return cls(name, algorithm, replace(cov, complete=cov.complete and not partial), partial)

    def __str__(self) -> str:
        return self.algorithm

    @property
    def scope(self) -> str:
        """The scope of the list, e.g. ``"all Nash equilibria"`` or ``"all pure Nash equilibria"``."""
        return self.coverage.scope

    @property
    def complete(self) -> bool:
        """Whether the list holds every member of the set named by :attr:`scope` (nothing cut or stopped)."""
        return self.coverage.complete

    @property
    def listed(self) -> int:
        """The number of equilibria in the list."""
        return self.coverage.listed

    @property
    def total(self) -> int | None:
        """The number the list would hold with no limit, where it is known (None otherwise)."""
        return self.coverage.total

    @property
    def cuts(self) -> tuple[Cut, ...]:
        """The lists cut short by a limit, each with its counts and the option that lists more."""
        return self.coverage.cuts

    @property
    def more(self) -> str | None:
        """The option that lists more (e.g. ``--limit spe_listed=N``), or None."""
        return self.coverage.more


@dataclass(frozen=True, slots=True)
class TreeSize:
    """The size of a tree: nodes by kind, information sets per player, proper subgames."""

    nodes: int
    decision_nodes: int
    chance_nodes: int
    terminals: int
    information_sets: Mapping[str, int]
    perfect_information: bool
    proper_subgames: int


@dataclass(frozen=True, slots=True)
class ReducedSize:
    """The reduced normal form's size: plans per player (text beyond the limit), pure profiles (None
    beyond the limit), the unreduced normal form's profiles (text), and the plan labels when few."""

    plans: Mapping[str, int | str]
    profiles: int | None
    full_normal_form_profiles: str
    strategies: Mapping[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a path of play: a node reached with probability ``reach``; at a decision or chance
    node who moves and the moves taken (with probability), at a terminal its payoffs and outcome.
    ``truncated`` marks the end of a path cut at the ``path_steps`` limit."""

    node: str = ""
    reach: Fraction = Fraction(1)
    player: str | None = None
    infoset: str | None = None
    moves: Mapping[str, Fraction] | None = None
    payoffs: Mapping[str, Fraction] | None = None
    outcome: str | None = None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class SubgamePerfectPlay:
    """A subgame-perfect equilibrium's play: its number in ``equilibria`` (from 1), payoffs, path of play
    and the probability of each outcome label."""

    equilibrium: int
    payoffs: Mapping[str, Fraction]
    path: tuple[PathStep, ...]
    outcomes: Mapping[str, Fraction]


@dataclass(frozen=True, slots=True)
class NotSubgamePerfect:
    """A Nash equilibrium (number ``equilibrium`` in ``equilibria``, from 1) that is not subgame-perfect,
    and the deviation that shows it."""

    equilibrium: int
    reason: str


@dataclass(frozen=True, slots=True)
class TreeSolution:
    """What ``solve`` reports about a tree besides its equilibria (JSON keys of the same names; ``value``
    only for constant-sum trees)."""

    tree: TreeSize
    reduced_normal_form: ReducedSize
    spe_total: int
    spe: tuple[SubgamePerfectPlay, ...]
    outcomes: Mapping[str, tuple[Fraction, ...]]
    not_subgame_perfect: tuple[NotSubgamePerfect, ...]
    nash_step: str = "not run"  # the reduced normal form's Nash step: "done", "partial" or "not run"
    value: Fraction | None = None  # a two-player constant-sum tree's value for the first player

    @property
    def spe_count(self) -> str:
        """The number of subgame-perfect equilibria as text (``"about 10^40"`` beyond 100 bits)."""
        import math

        n = self.spe_total
        return str(n) if n.bit_length() <= 100 else f"about 10^{int(n.bit_length() * math.log10(2))}"


@dataclass(frozen=True, slots=True)
class AlgebraicEquilibrium:
    """An equilibrium with irrational probabilities (polynomial method): exact sympy text and floats."""

    strategies: Mapping[str, Mapping[str, str]]
    approx: Mapping[str, Mapping[str, float]]
    payoffs: Mapping[str, str]
    payoffs_approx: Mapping[str, float]


@dataclass(frozen=True)
class ApproximateEquilibrium:
    """An approximate equilibrium of an N-player game past the exact methods' budget
    (:mod:`kimgame.solvers.n_player`): a rational profile ``strategies[player][strategy]`` and ``epsilon``,
    the largest gain any player gets by deviating from it, computed exactly (0: an exact equilibrium)."""

    strategies: Mapping[str, Mapping[str, Fraction]]
    epsilon: Fraction


@dataclass(frozen=True)
class SolveResult:
    """Everything ``kimgame solve`` reports for one game at one set of parameter values.

    ``equilibria``: the list named by ``method.scope`` (see :class:`Method`; ``method.complete`` says
    whether it holds all of them); ``pure_equilibria``: every pure equilibrium's labels; ``dominance``,
    ``elimination``, ``claims``; ``notes``: what a reader should know (what was cut or not done).
    Trees: ``tree`` (:class:`TreeSolution`); the polynomial method: ``algebraic_equilibria``; N-player
    games past the budget: ``approximate`` (:class:`ApproximateEquilibrium`); trees without perfect recall
    (solved in their reduced normal form, ``game`` being that form): ``perfect_recall`` False.

    >>> import kimgame
    >>> result = kimgame.solve(kimgame.load("games/singapore_matrix.yaml"))
    >>> result.complete, result.method.scope, result.method.listed
    (True, 'all Nash equilibria', 1)
    """

    game: Any
    values: Mapping[str, Fraction]
    method: Method
    equilibria: tuple[Equilibrium, ...]
    pure_equilibria: tuple[tuple[str, ...], ...] = ()
    dominance: tuple[Any, ...] = ()
    elimination: Any = None
    claims: tuple[ClaimResult, ...] = ()
    notes: tuple[str, ...] = field(default=())
    tree: TreeSolution | None = None
    algebraic_equilibria: tuple[AlgebraicEquilibrium, ...] = ()
    approximate: ApproximateEquilibrium | None = None
    perfect_recall: bool = True

    @property
    def complete(self) -> bool:
        """``method.complete``: the list holds every member of ``method.scope`` and nothing was cut."""
        return self.method.complete

    @property
    def partial(self) -> bool:
        """``method.partial``: a time limit (or Ctrl-C, or a pivot limit) stopped a step."""
        return self.method.partial

    def _repr_html_(self) -> str:
        """The result in a notebook: the game drawn, equilibria and claims (:mod:`kimgame.report.notebook`)."""
        return present("html", self)

    def to_pandas(self):
        """A ``pandas.DataFrame`` with one row per equilibrium: every probability and payoff as a float
        column and as an exact string column (``"… exact"``), plus ``subgame_perfect`` for trees (see
        :func:`kimgame.report.frames.result_frame`; needs pandas)."""
        return present("pandas", self)
