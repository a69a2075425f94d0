"""The header every game shares: players, parameters and their values, title, source, claims, path.

:class:`Game` is the base of :class:`kimgame.model.normal_form.NormalFormGame` and
:class:`kimgame.model.tree.ExtensiveFormGame`; code that needs to know which kind of game it holds asks
``isinstance``. ``form`` (``"normal"`` or ``"extensive"``) stays a read-only class attribute: the JSON
documents print it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

from kimgame.model.claims import Claim
from kimgame.model.parameters import Parameter, bind_values, resolve_values
from kimgame.model.presentation import present

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import Self  # typing.Self from Python 3.11


@dataclass(frozen=True, eq=False)
class Game:
    """What every game has: ``players`` (labels, in order), then keyword-only ``parameters`` with the
    ``values`` the game is evaluated at, a ``title``, its ``source``, the ``claims`` to judge and the
    ``path`` of the file it was read from. Games are immutable: :meth:`with_values` returns a new one."""

    players: tuple[str, ...]
    _: KW_ONLY
    parameters: tuple[Parameter, ...] = ()
    values: Mapping[str, Fraction] = field(default_factory=lambda: MappingProxyType({}))
    title: str = ""
    source: str = ""
    claims: tuple[Claim, ...] = ()
    path: str | None = None

    form: ClassVar[str]  # "normal" or "extensive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", bind_values(self.parameters, self.values))

    def _repr_html_(self) -> str:
        """The game in a notebook (:mod:`kimgame.report.notebook`): payoff table or tree as SVG."""
        return present("html", self)

    def with_values(self, overrides: Mapping[str, object] | None = None, **kw: object) -> Self:
        """The same game at other parameter values (each checked against its declared range)."""
        merged = {**dict(self.values), **(overrides or {}), **kw}
        return self.replace(values=resolve_values(self.parameters, merged))

    def replace(self, **changes: object) -> Self:
        """A copy with some fields changed (title, claims, values, ...)."""
        return replace(self, **changes)  # type: ignore[arg-type]
