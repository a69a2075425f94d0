"""Tuples whose entries also have labels: the label-indexed values of kimgame's results and games."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import Self


class Labeled(tuple):
    """A tuple whose entries also have labels: ``x["US"]`` or ``x[0]``; ``keys()``, ``values()``, ``items()``.

    >>> from fractions import Fraction
    >>> pay = Labeled((Fraction(100), Fraction(3)), ("US", "DPRK"))
    >>> pay["DPRK"], pay[0], dict(pay)
    (Fraction(3, 1), Fraction(100, 1), {'US': Fraction(100, 1), 'DPRK': Fraction(3, 1)})
    """

    labels: tuple[str, ...]

    def __new__(cls, values: Sequence = (), labels: Sequence[str] = ()) -> Self:
        """The tuple of ``values`` labelled by ``labels`` (none: positions only); :class:`ValueError` when their
        numbers differ."""
        self = super().__new__(cls, values)
        if labels and len(labels) != len(self):
            raise ValueError(f"{len(labels)} labels for {len(self)} values")
        self.labels = tuple(labels)
        return self

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self.labels.index(key))
            except ValueError:
                known = ", ".join(repr(x) for x in self.labels) or "none (positions only)"
                raise KeyError(f"no label {key!r}; the labels are {known}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        """The labels, in order."""
        return self.labels

    def values(self) -> tuple:
        """The values, in order (as ``tuple(self)``)."""
        return tuple(self)

    def items(self) -> tuple[tuple[str, Any], ...]:
        """``(label, value)`` pairs, in order."""
        return tuple(zip(self.labels, self))

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` when there is no such label."""
        return tuple.__getitem__(self, self.labels.index(key)) if key in self.labels else default

    def __repr__(self) -> str:
        if not self.labels:
            return f"{type(self).__name__}({tuple(self)!r})"
        return f"{type(self).__name__}({dict(zip(self.labels, self))!r})"

    def __getnewargs__(self) -> tuple:  # pickling: the values go to __new__, the labels come with __dict__
        return (tuple(self),)
