"""Errors that kimgame reports to users: one message, with the place in the file it concerns.

Every problem caused by input (a payoff file, a ``--set`` value, a claim) is a :class:`KimgameError`.
The CLI prints ``file:line:col: message`` and exits with code 2; the library raises it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file: 1-based line and column (column may be unknown)."""

    file: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def shifted(self, columns: int) -> Location:
        """The same place moved ``columns`` characters to the right (for a position inside a scalar)."""
        if self.col is None:
            return self
        return Location(self.file, self.line, self.col + columns)


class KimgameError(Exception):
    """Bad input: a message saying what is wrong and what to do, and where (if known)."""

    def __init__(self, message: str, where: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ValidationErrors(KimgameError):
    """Several problems found in one file (``kimgame validate`` lists them all)."""

    def __init__(self, errors: list[KimgameError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message, first.where)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class SolverLimit(Exception):
    """A solver limit (time, pivots, size) was reached; ``partial`` holds what was found so far."""

    def __init__(self, message: str, partial: object = None) -> None:
        super().__init__(message)
        self.partial = partial


def suggest(word: str, choices: Iterable[str]) -> str:
    """The hint ``" (did you mean 'x'?)"`` when ``word`` is close to one of ``choices`` (by
    :func:`difflib.get_close_matches`), else ``""``; appended to "unknown name" messages.

    >>> suggest("silense", ["silence", "press"])
    " (did you mean 'silence'?)"
    """
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
