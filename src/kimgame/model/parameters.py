"""Named parameters of a game: an exact default value, an allowed range and a one-line doc.

Values are exact: ``0.4`` is 2/5, never a float.

>>> from fractions import Fraction
>>> from kimgame.model.parameters import Parameter, parse_assignment
>>> parse_assignment("p_insult=0.4")  # what --set reads
('p_insult', Fraction(2, 5))
>>> p = Parameter("p_insult", Fraction(1, 3), low=Fraction(0), high=Fraction(1), doc="chance of an insult")
>>> p.range_text(), p.check(Fraction(2, 5))
('[0, 1]', Fraction(2, 5))
>>> p.check(Fraction(3, 2))  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
kimgame.errors.KimgameError: p_insult = 3/2 is outside its declared range [0, 1]; choose a value inside it...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import fmt
from kimgame.expr.parse import parse_formula
from kimgame.model.labeled import Labeled


@dataclass(frozen=True, slots=True)
class Parameter:
    """A declared parameter. ``value``: its value in the game (the file's, or as set with ``--set`` /
    ``kimgame.load(..., NAME=VALUE)``); ``default``: the file's value (None: the same as ``value``);
    ``low``/``high`` bound its allowed values (None: unbounded)."""

    name: str
    value: Fraction
    low: Fraction | None = None
    high: Fraction | None = None
    doc: str = ""
    where: Location | None = None
    default: Fraction | None = None

    @property
    def is_set(self) -> bool:
        """True when ``value`` differs from the file's value."""
        return self.default is not None and self.value != self.default


    def check(self, value: Fraction, where: Location | None = None, origin: str = "") -> Fraction:
        """Return ``value`` if it lies in the declared range, else raise a :class:`KimgameError`."""
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise KimgameError(
                f"{origin}{self.name} = {fmt(value)} is outside its declared range {self.range_text()}; "
                "choose a value inside it or widen 'range'",
                where or self.where,
            )
        return value

    def range_text(self) -> str:
        """The range as ``[low, high]`` with ``-inf``/``inf`` for open ends."""
        lo = "-inf" if self.low is None else fmt(self.low)
        hi = "inf" if self.high is None else fmt(self.high)
        return f"[{lo}, {hi}]"


class Parameters(Labeled):
    """A game's parameters, by name or position: ``game.parameters["p"].value``."""


def bind_values(parameters: Iterable[Parameter], values: Mapping[str, Fraction]) -> Parameters:
    """``parameters`` with each ``value`` set to ``values[name]`` (the file's value kept as ``default``)."""
    out = []
    for p in parameters:
        default = p.value if p.default is None else p.default
        out.append(replace(p, value=values.get(p.name, p.value), default=default))
    return Parameters(out, [p.name for p in out])


def parse_assignment(text: str) -> tuple[str, Fraction]:
    """Read ``NAME=VALUE`` (as given to ``--set``): VALUE exact, ``0.4`` or ``2/5`` or ``-3``."""

    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise KimgameError(f"--set expects NAME=VALUE (for example --set W=120), got '{text}'")
    try:
        formula = parse_formula(raw, ())
        value = formula.evaluate({})
    except KimgameError:
        raise KimgameError(
            f"--set {name}={raw}: '{raw.strip()}' is not a number; write a value like 120, 0.4 or 2/5"
        ) from None
    return name, value


def resolve_values(
    parameters: Iterable[Parameter], overrides: Mapping[str, object] | None = None, origin: str = "--set "
) -> Mapping[str, Fraction]:
    """The values of all parameters: defaults, replaced by ``overrides`` (each checked against its range)."""
    params = {p.name: p for p in parameters}
    values = {name: p.value for name, p in params.items()}
    for name, raw in (overrides or {}).items():
        if name not in params:
            known = ", ".join(params) or "none"
            raise KimgameError(f"{origin}{name}: no parameter named '{name}' (parameters: {known})")
        value = to_fraction(raw, f"{origin}{name}")
        values[name] = params[name].check(value, origin=origin)
    return MappingProxyType(values)


def to_fraction(raw: object, what: str) -> Fraction:
    """An exact value from an int, Fraction, decimal string or ratio string; floats go through their repr."""
    if isinstance(raw, bool):
        raise KimgameError(f"{what}: expected a number, got {raw}")
    if isinstance(raw, (int, Fraction)):
        return Fraction(raw)
    if isinstance(raw, float):
        return Fraction(repr(raw))
    if isinstance(raw, str):
        return parse_assignment(f"{what}={raw}")[1]
    raise KimgameError(f"{what}: expected a number, got {type(raw).__name__}")
