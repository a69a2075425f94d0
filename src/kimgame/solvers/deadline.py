"""Deadlines and the memory limit: how every solver step honours ``--timeout``, ``--limit memory`` and
Ctrl-C, in one place.

A step that may run long takes ``deadline`` (a :func:`time.monotonic` value, or None for no limit),
makes a :class:`Clock` of it and calls :meth:`Clock.tick` (every few units of work) or
:meth:`Clock.check` in its loops; inside, a passed deadline is the internal signal :class:`Expired`.
At the step's public entry point :func:`stopping` turns that signal, and Ctrl-C, into
:class:`SearchTimeout`, whose ``partial`` holds what the step had found so far. Callers catch
``SearchTimeout``, report the partial result and mark it partial (exit code 3 on the command line).

The same :class:`Clock` is the memory budget: every so often (at most every ``MEMORY_EVERY`` seconds,
and at its first check) it reads the process's resident memory (:func:`resident_bytes`) and, above the
``memory`` limit in force (:class:`kimgame.limits.Limits`), stops the step with :class:`MemoryExceeded`,
a kind of :class:`Expired`; :class:`SearchTimeout` then carries ``memory`` (the limit) and
:func:`why_stopped` says "memory limit of 2 GiB reached".

Used by the vertex enumeration (:mod:`kimgame.solvers.enummixed`), backward induction over subgames,
the dominance analysis (:mod:`kimgame.solvers.dominance`) and the exact LPs it solves.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kimgame.limits import current_limits, format_bytes

__all__ = ["CHECK_EVERY", "Clock", "Expired", "MemoryExceeded", "SearchTimeout", "announce", "deadline_after",
           "memory_note", "resident_bytes", "show_progress", "stopping", "why_stopped"]

# Check the clock after this many units of work (must be a power of two).
CHECK_EVERY = 16
# Read the resident memory at most this often (seconds); a read of /proc/self/statm takes ~10 microseconds.
MEMORY_EVERY = 0.05


def resident_bytes() -> int:
    """The process's resident memory in bytes: /proc/self/statm where it exists (Linux), else the peak
    resident size from :func:`resource.getrusage` (macOS, BSD), else 0 (no check)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


def memory_note(limit: int) -> str:
    """``"memory limit of 2 GiB reached (raise it with --limit memory=4GiB)"``."""
    return (f"memory limit of {format_bytes(limit)} reached (raise it with --limit memory="
            f"{format_bytes(2 * limit).replace(' ', '')})")


class SearchTimeout(Exception):
    """The deadline passed (or Ctrl-C was pressed) before a search finished.

    ``partial`` holds what was found so far (for the vertex enumeration: the extreme equilibria found,
    sorted like the full result and a subset of it); ``interrupted`` is True for Ctrl-C; ``found`` names
    what ``partial`` holds; ``memory`` is the memory limit (bytes) when that stopped the search, else None.
    """

    def __init__(self, partial: object, *, interrupted: bool = False, found: str = "extreme equilibria",
                 memory: int | None = None) -> None:
        why = "interrupted" if interrupted else "deadline passed" if memory is None else memory_note(memory)
        count = len(partial) if hasattr(partial, "__len__") else "some"  # type: ignore[arg-type]
        super().__init__(f"{why} after {count} {found} were found")
        self.partial = partial
        self.interrupted = interrupted
        self.found = found
        self.memory = memory


class Expired(Exception):
    """Internal signal: the deadline passed (turned into :class:`SearchTimeout` by :func:`stopping`)."""


class MemoryExceeded(Expired):
    """Internal signal: the resident memory passed the limit ``limit`` (bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(memory_note(limit))
        self.limit = limit


class Clock:
    """Periodic deadline and memory check for inner loops: one budget (time and memory) per step.

    ``memory`` (bytes) defaults to the ``memory`` limit in force when the clock is made."""

    __slots__ = ("count", "deadline", "memory", "next_memory")

    def __init__(self, deadline: float | None, memory: int | None = None) -> None:
        self.deadline = deadline
        self.memory = current_limits().memory if memory is None else memory
        self.next_memory = 0.0  # the first check reads the memory
        self.count = 0

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed (never, without one)."""
        return self.deadline is not None and time.monotonic() > self.deadline

    def check(self) -> None:
        """Raise :class:`Expired` if the deadline has passed, :class:`MemoryExceeded` if the resident memory
        is over the limit (read at most every ``MEMORY_EVERY`` seconds)."""
        now = time.monotonic()
        if self.deadline is not None and now > self.deadline:
            raise Expired
        if now >= self.next_memory:
            self.next_memory = now + MEMORY_EVERY
            if resident_bytes() > self.memory:
                raise MemoryExceeded(self.memory)

    def tick(self) -> None:
        """Count one unit of work; check the deadline and memory every ``CHECK_EVERY`` units."""
        self.count += 1
        if not self.count & (CHECK_EVERY - 1):
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


def why_stopped(stop: SearchTimeout | Expired | None, timeout: float | None) -> str:
    """Why a step stopped, for a note: ``"interrupted"`` (Ctrl-C), ``"memory limit of 2 GiB reached (raise
    it with --limit memory=4GiB)"`` or ``"time limit of 2 s reached"``."""
    if isinstance(stop, SearchTimeout) and stop.interrupted:
        return "interrupted"
    memory = stop.limit if isinstance(stop, MemoryExceeded) else getattr(stop, "memory", None)
    if memory is not None:
        return memory_note(memory)
    return "time limit reached" if timeout is None else f"time limit of {timeout:g} s reached"


@contextmanager
def stopping(partial: Callable[[], object], found: str = "extreme equilibria") -> Iterator[None]:
    """Turn :class:`Expired` and :class:`KeyboardInterrupt` raised in the block into :class:`SearchTimeout`
    whose ``partial`` is ``partial()``, what the block has found so far (``found`` names it)."""
    try:
        yield
    except MemoryExceeded as over:
        raise SearchTimeout(partial(), found=found, memory=over.limit) from None
    except Expired:
        raise SearchTimeout(partial(), found=found) from None
    except KeyboardInterrupt:  # Ctrl-C: hand back what was found, like a timeout
        raise SearchTimeout(partial(), interrupted=True, found=found) from None
