"""Deadlines: how every solver step honours ``--timeout`` and Ctrl-C, in one place.

A step that may run long takes ``deadline`` (a :func:`time.monotonic` value, or None for no limit),
makes a :class:`Clock` of it and calls :meth:`Clock.tick` (every few units of work) or
:meth:`Clock.check` in its loops; inside, a passed deadline is the internal signal :class:`Expired`.
At the step's public entry point :func:`stopping` turns that signal, and Ctrl-C, into
:class:`SearchTimeout`, whose ``partial`` holds what the step had found so far. Callers catch
``SearchTimeout``, report the partial result and mark it partial (exit code 3 on the command line).

Used by the vertex enumeration (:mod:`kimgame.solvers.enummixed`), backward induction over subgames,
the dominance analysis (:mod:`kimgame.solvers.dominance`) and the exact LPs it solves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["CHECK_EVERY", "Clock", "Expired", "SearchTimeout", "announce", "deadline_after", "show_progress",
           "stopping", "why_stopped"]

# Check the clock after this many units of work (must be a power of two).
CHECK_EVERY = 16


class SearchTimeout(Exception):
    """The deadline passed (or Ctrl-C was pressed) before a search finished.

    ``partial`` holds what was found so far (for the vertex enumeration: the extreme equilibria found,
    sorted like the full result and a subset of it); ``interrupted`` is True for Ctrl-C; ``found`` names
    what ``partial`` holds.
    """

    def __init__(self, partial: object, *, interrupted: bool = False, found: str = "extreme equilibria") -> None:
        why = "interrupted" if interrupted else "deadline passed"
        count = len(partial) if hasattr(partial, "__len__") else "some"  # type: ignore[arg-type]
        super().__init__(f"{why} after {count} {found} were found")
        self.partial = partial
        self.interrupted = interrupted
        self.found = found


class Expired(Exception):
    """Internal signal: the deadline passed (turned into :class:`SearchTimeout` by :func:`stopping`)."""


class Clock:
    """Periodic deadline check for inner loops."""

    __slots__ = ("count", "deadline")

    def __init__(self, deadline: float | None) -> None:
        self.deadline = deadline
        self.count = 0

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed (never, without one)."""
        return self.deadline is not None and time.monotonic() > self.deadline

    def check(self) -> None:
        """Raise :class:`Expired` if the deadline has passed."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Expired

    def tick(self) -> None:
        """Count one unit of work; check the deadline every ``CHECK_EVERY`` units."""
        self.count += 1
        if self.deadline is not None and not self.count & (CHECK_EVERY - 1):
            self.check()


_progress: list = []  # the stream progress lines go to (none unless the command line asks)


def show_progress(stream) -> None:
    """Send :func:`announce` lines to ``stream`` (the command line passes stderr; None: silence)."""
    _progress[:] = [] if stream is None else [stream]


def announce(message: str) -> None:
    """One progress line (``kimgame: <message> ...``) for a step estimated to take more than about a
    second, on the stream set by :func:`show_progress`."""
    for stream in _progress:
        stream.write(f"kimgame: {message} ...\n")
        stream.flush()


def deadline_after(timeout: float | None) -> float | None:
    """The :func:`time.monotonic` deadline ``timeout`` seconds from now (None for no timeout)."""
    return None if timeout is None else time.monotonic() + timeout


def why_stopped(stop: SearchTimeout | None, timeout: float | None) -> str:
    """Why a step stopped, for a note: ``"interrupted"`` (Ctrl-C) or ``"time limit of 2 s reached"``."""
    if stop is not None and stop.interrupted:
        return "interrupted"
    return "time limit reached" if timeout is None else f"time limit of {timeout:g} s reached"


@contextmanager
def stopping(partial: Callable[[], object], found: str = "extreme equilibria") -> Iterator[None]:
    """Turn :class:`Expired` and :class:`KeyboardInterrupt` raised in the block into :class:`SearchTimeout`
    whose ``partial`` is ``partial()``, what the block has found so far (``found`` names it)."""
    try:
        yield
    except Expired:
        raise SearchTimeout(partial(), found=found) from None
    except KeyboardInterrupt:  # Ctrl-C: hand back what was found, like a timeout
        raise SearchTimeout(partial(), interrupted=True, found=found) from None
