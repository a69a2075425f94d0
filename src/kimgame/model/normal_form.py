"""Normal-form (strategic-form) games with payoffs that may be expressions in named parameters."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from kimgame.errors import KimgameError
from kimgame.expr.tree import Formula, constant
from kimgame.model.game import Game
from kimgame.model.parameters import to_fraction

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(frozen=True, eq=False)
class NormalFormGame(Game):
    """An N-player game in strategic form, addressed by labels (header fields: :class:`Game`).

    ``payoffs`` lists, for every pure profile in row-major order (the last player's strategy varies
    fastest), one formula per player. ``values`` are the parameter values the game is evaluated at.
    Games are immutable: :meth:`with_values` returns a new game.
    """

    strategies: tuple[tuple[str, ...], ...]
    payoffs: tuple[tuple[Formula, ...], ...]

    form: ClassVar[str] = "normal"

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.players) != len(self.strategies):
            raise ValueError("one tuple of strategies per player")
        if len(self.payoffs) != self.num_profiles:
            raise ValueError(f"expected {self.num_profiles} payoff vectors, got {len(self.payoffs)}")

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of pure strategies of each player."""
        return tuple(len(s) for s in self.strategies)

    @property
    def num_profiles(self) -> int:
        """Number of pure strategy profiles."""
        n = 1
        for k in self.shape:
            n *= k
        return n

    def player_index(self, player: str) -> int:
        """Index of the player with this label (:class:`KimgameError` if unknown)."""
        try:
            return self.players.index(player)
        except ValueError:
            raise KimgameError(f"no player '{player}' (players: {', '.join(self.players)})") from None

    def strategy_index(self, player: str | int, strategy: str) -> int:
        """Index of ``strategy`` among the strategies of ``player`` (label or index)."""
        i = player if isinstance(player, int) else self.player_index(player)
        try:
            return self.strategies[i].index(strategy)
        except ValueError:
            raise KimgameError(
                f"no strategy '{strategy}' for {self.players[i]} (strategies: {', '.join(self.strategies[i])})"
            ) from None

    def profiles(self):
        """All pure profiles as index tuples, in the order of :attr:`payoffs`."""
        return itertools.product(*(range(k) for k in self.shape))

    def payoff_formulas(self, profile: Sequence[str]) -> tuple[Formula, ...]:
        """The payoff formulas at a pure profile given by strategy labels in player order."""
        flat = 0
        for i, label in enumerate(profile):
            flat = flat * self.shape[i] + self.strategy_index(i, label)
        return self.payoffs[flat]

    @cached_property
    def numeric_lists(self) -> tuple[tuple[Fraction, ...], ...]:
        """Exact payoffs at :attr:`values` without numpy: per player, one Fraction per profile in the
        order of :attr:`payoffs` (see :mod:`kimgame.solvers.pure_lists`)."""
        return tuple(tuple(vec[i].evaluate(self.values) for vec in self.payoffs) for i in range(len(self.players)))

    @cached_property
    def numeric(self) -> tuple[np.ndarray, ...]:
        """Exact payoffs at :attr:`values`: one read-only object array of Fractions per player."""
        import numpy as np

        arrays = []
        for flat in self.numeric_lists:
            flat_array = np.empty(self.num_profiles, dtype=object)
            flat_array[:] = flat
            a = flat_array.reshape(self.shape)
            a.flags.writeable = False
            arrays.append(a)
        return tuple(arrays)

    @property
    def is_symbolic(self) -> bool:
        """True when some payoff depends on a parameter."""
        return any(f.parameters for vec in self.payoffs for f in vec)


def game_from_arrays(
    payoffs: Sequence[object],
    *,
    players: Sequence[str] | None = None,
    strategies: Sequence[Sequence[str]] | None = None,
    title: str = "",
) -> NormalFormGame:
    """A numeric game from one payoff array per player (nested lists or numpy arrays, exact numbers).

    ``game_from_arrays([A, B])`` is the bimatrix game (A, B). Float entries are read through their
    shortest decimal representation (``0.1`` becomes 1/10). Labels default to ``P1, P2, ...`` and
    ``s1, s2, ...``.
    """
    import numpy as np


    arrays = [np.array(p, dtype=object) for p in payoffs]
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays) or len(shape) != len(arrays):
        raise KimgameError(f"need {len(arrays)} payoff arrays of the same {len(arrays)}-dimensional shape")
    players = tuple(players or (f"P{i + 1}" for i in range(len(arrays))))
    strategies = tuple(tuple(s) for s in (strategies or [[f"s{j + 1}" for j in range(k)] for k in shape]))
    flat = [a.reshape(-1) for a in arrays]
    vectors = tuple(
        tuple(constant(to_fraction(f[k], "payoff")) for f in flat) for k in range(flat[0].shape[0])
    )
    return NormalFormGame(players, strategies, vectors, title=title)
