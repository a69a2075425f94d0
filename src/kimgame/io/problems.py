"""Collecting every problem in a file before reporting (``kimgame validate`` explains them all)."""

from __future__ import annotations

from kimgame.errors import KimgameError, Location, ValidationErrors


class Problems:
    """A list of :class:`KimgameError` found so far; :meth:`raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.errors: list[KimgameError] = []

    def add(self, message: str, where: Location | None) -> None:
        """Record a problem at ``where``."""
        self.errors.append(KimgameError(message, where))

    def catch(self, err: KimgameError) -> None:
        """Record a raised error (a :class:`ValidationErrors` adds each of its problems)."""
        self.errors.extend(err.errors if isinstance(err, ValidationErrors) else [err])

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        """Raise one :class:`KimgameError` (or :class:`ValidationErrors` for several) if any were found."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)
