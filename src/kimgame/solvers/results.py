"""Result objects of the solvers: small frozen dataclasses that say how they were computed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kimgame.model.presentation import present

Mix = tuple[Fraction, ...]


@dataclass(frozen=True, slots=True)
class Equilibrium:
    """A Nash equilibrium: each player's probability on each pure strategy, and expected payoffs.

    For trees, ``behavior`` gives each information set's action probabilities and
    ``subgame_perfect`` says whether the profile is subgame-perfect (None for normal-form games).
    """

    strategies: tuple[Mix, ...]
    payoffs: tuple[Fraction, ...]
    behavior: Mapping[str, Mapping[str, Mapping[str, Fraction]]] | None = None
    subgame_perfect: bool | None = None

    @property
    def is_pure(self) -> bool:
        """True when every player puts probability 1 on one strategy."""
        return all(max(m) == 1 for m in self.strategies)


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


@dataclass(frozen=True)
class SolveResult:
    """Everything ``kimgame solve`` reports for one game at one set of parameter values.

    ``equilibria``: for two players every extreme equilibrium (with ``complete`` True when the method
    guarantees all were found); for more players the pure equilibria (mixed ones are listed only by
    methods that find them). ``method`` names the algorithm; ``partial`` is True when a limit (time,
    pivots) stopped the search early.
    """

    game: Any
    values: Mapping[str, Fraction]
    method: str
    equilibria: tuple[Equilibrium, ...]
    complete: bool
    pure_equilibria: tuple[tuple[str, ...], ...] = ()
    dominance: tuple[Any, ...] = ()
    elimination: Any = None
    claims: tuple[ClaimResult, ...] = ()
    partial: bool = False
    notes: tuple[str, ...] = field(default=())
    extra: Mapping[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """The result in a notebook: the game drawn, equilibria and claims (:mod:`kimgame.report.notebook`)."""
        return present("html", self)

    def to_pandas(self):
        """A ``pandas.DataFrame`` with one row per equilibrium: every probability and payoff as a float
        column and as an exact string column (``"… exact"``), plus ``subgame_perfect`` for trees (see
        :func:`kimgame.report.frames.result_frame`; needs pandas)."""
        return present("pandas", self)
