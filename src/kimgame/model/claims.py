"""Strategic claims about a game, judged by the solvers (and, symbolically, by :mod:`kimgame.analysis`)."""

from __future__ import annotations

from dataclasses import dataclass

from kimgame.errors import Location
from kimgame.expr.tree import Formula


@dataclass(frozen=True, slots=True)
class Dominates:
    """``player``'s ``strategy`` dominates ``over`` (strictly, or weakly when ``strict`` is False).

    With ``after_elimination`` the comparison is made in the game that remains after iterated
    elimination of the other players' strictly dominated strategies.
    """

    player: str
    strategy: str
    over: str
    strict: bool = True
    after_elimination: bool = False

    def describe(self) -> str:
        """The claim in words: ``"US: silence strictly dominates pressure"`` (and the elimination, if any)."""
        kind = "strictly" if self.strict else "weakly"
        tail = " (after iterated elimination of the others' strictly dominated strategies)" if self.after_elimination else ""
        return f"{self.player}: {self.strategy} {kind} dominates {self.over}{tail}"


_WHICH = {"spe": "subgame-perfect equilibrium", "nash": "Nash equilibrium"}


@dataclass(frozen=True, slots=True)
class Plays:
    """In a tree: ``player`` chooses ``action`` (with probability 1) at information set ``infoset`` in every
    (``quantifier="every"``) or some (``"some"``) subgame-perfect (``equilibrium="spe"``) or Nash
    (``"nash"``) equilibrium found."""

    player: str
    infoset: str
    action: str
    quantifier: str = "every"
    equilibrium: str = "spe"

    def describe(self) -> str:
        """The claim in words: ``"US chooses silence at 'US-1' in every subgame-perfect equilibrium"``."""
        return (f"{self.player} chooses {self.action} at '{self.infoset}' in {self.quantifier} "
                f"{_WHICH[self.equilibrium]}")


@dataclass(frozen=True, slots=True)
class Outcome:
    """In a tree: the probability of reaching a terminal labelled with one of ``outcomes`` satisfies the
    given bounds (each a formula in the parameters) in every / some subgame-perfect or Nash equilibrium
    found."""

    outcomes: tuple[str, ...]
    at_least: Formula | None = None
    more_than: Formula | None = None
    at_most: Formula | None = None
    less_than: Formula | None = None
    quantifier: str = "every"
    equilibrium: str = "spe"

    def bounds(self) -> tuple[tuple[str, Formula], ...]:
        """The bounds given, as (operator, formula): ``>=``, ``>``, ``<=``, ``<``."""
        pairs = ((">=", self.at_least), (">", self.more_than), ("<=", self.at_most), ("<", self.less_than))
        return tuple((op, f) for op, f in pairs if f is not None)

    def describe(self) -> str:
        """The claim in words: ``"P(deal or truce) >= 1/2 in every subgame-perfect equilibrium"``."""
        cond = " and ".join(f"{op} {f.text}" for op, f in self.bounds())
        return f"P({' or '.join(self.outcomes)}) {cond} in {self.quantifier} {_WHICH[self.equilibrium]}"


ClaimSpec = Dominates | Plays | Outcome


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim from a payoff file (or made in code): an id, the sentence it stands for, what it asserts."""

    id: str
    says: str
    spec: ClaimSpec
    where: Location | None = None
