"""Strategic claims about a game, judged by the solvers (and, symbolically, by :mod:`kimgame.analysis`)."""

from __future__ import annotations

from dataclasses import dataclass

from kimgame.errors import Location


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
        kind = "strictly" if self.strict else "weakly"
        tail = " (after iterated elimination of the others' strictly dominated strategies)" if self.after_elimination else ""
        return f"{self.player}: {self.strategy} {kind} dominates {self.over}{tail}"


ClaimSpec = Dominates


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim from a payoff file (or made in code): an id, the sentence it stands for, what it asserts."""

    id: str
    says: str
    spec: ClaimSpec
    where: Location | None = None
