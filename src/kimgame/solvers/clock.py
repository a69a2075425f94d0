"""The one budget of a run: :class:`Clock` carries its time limit and the memory limit through every
solver and analysis step, and honours ``--timeout``, ``--limit memory`` and Ctrl-C in one place.

A timeout in seconds exists only at the public boundary (``kimgame.solve``, ``kimgame.nash.*``,
``kimgame.analyze``, ``write_report``, the command line), which turns it into a clock once:
``Clock.after(timeout)``. Every step below takes ``clock: Clock | None`` (None: no time limit, the memory
limit in force), passes it on, or a part of it (:meth:`Clock.within`, :meth:`Clock.split`), and calls
:meth:`Clock.tick` (every few units of work) or :meth:`Clock.check` in its loops; inside, a passed
deadline is the internal signal :class:`Expired`. At the step's public entry point :func:`stopping` turns
that signal, and Ctrl-C, into :class:`SearchTimeout`, whose ``partial`` holds what the step had found so
far. Callers catch ``SearchTimeout``, report the partial result and mark it partial (exit code 3 on the
command line); :func:`why_stopped` words the note from the clock ("time limit of 2 s reached").

The same clock is the memory budget: every so often (at most every ``MEMORY_EVERY`` seconds, and at its
first check) it reads the process's resident memory (:func:`resident_bytes`) and, above the ``memory``
limit in force (:class:`kimgame.limits.Limits`), stops the step with :class:`MemoryExceeded`, a kind of
:class:`Expired`; :class:`SearchTimeout` then carries ``memory`` (the limit) and :func:`why_stopped` says
"memory limit of 2 GiB reached".

The time plan of ``--method auto`` is a split of the clock (:meth:`Clock.split`): shares of the planned
seconds (the timeout, or the ``budget`` limit without one), each a clock that never ends after the
user's deadline.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kimgame.limits import current_limits, format_bytes

__all__ = ["CHECK_EVERY", "Clock", "Expired", "MemoryExceeded", "SearchTimeout", "announce", "memory_note",
           "resident_bytes", "show_progress", "stopping", "why_stopped"]

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
    """One run's budget: the time limit (``deadline``, a :func:`time.monotonic` value, or None for none) and
    the memory limit (``memory``, bytes; default: the ``memory`` limit in force when the clock is made),
    with the periodic check inner loops call. ``seconds`` is the time limit as the user gave it (quoted
    in notes: "time limit of 2 s reached"), None when there is none or the clock was made from a deadline.

    A step's loop ticks the clock; at its public entry :func:`stopping` hands back what it found:

    >>> from kimgame.solvers.clock import Clock, SearchTimeout, stopping, why_stopped
    >>> Clock.after(2).seconds, Clock.after(2).expired, Clock.after(None).remaining
    (2, False, None)
    >>> clock = Clock(deadline=0.0, seconds=2)  # a deadline already passed
    >>> found = []
    >>> try:
    ...     with stopping(lambda: list(found), found="squares"):
    ...         for k in range(1000):
    ...             clock.tick()  # checks time and memory every 16 ticks
    ...             found.append(k * k)
    ... except SearchTimeout as stop:
    ...     print(len(stop.partial), stop.found, "-", why_stopped(stop, clock))
    15 squares - time limit of 2 s reached
    """

    __slots__ = ("count", "deadline", "memory", "next_memory", "seconds")

    def __init__(self, deadline: float | None = None, *, memory: int | None = None,
                 seconds: float | None = None) -> None:
        self.deadline = deadline
        self.seconds = seconds
        self.memory = current_limits().memory if memory is None else memory
        self.next_memory = 0.0  # the first check reads the memory
        self.count = 0

    @classmethod
    def after(cls, timeout: float | Clock | None) -> Clock:
        """The clock of a run given ``timeout`` seconds from now (None: no time limit): the one place a
        timeout becomes a clock. A clock already running is returned as it is, so that several calls
        (a solve, then an analysis) share one budget.

        >>> Clock.after(None).expired
        False
        >>> shared = Clock.after(60)
        >>> Clock.after(shared) is shared
        True
        """
        if isinstance(timeout, Clock):
            return timeout
        return cls(None if timeout is None else time.monotonic() + timeout, seconds=timeout)

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed (never, without one)."""
        return self.deadline is not None and time.monotonic() > self.deadline

    @property
    def remaining(self) -> float | None:
        """Seconds left before the deadline (at least 0; None without one)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def within(self, seconds: float) -> Clock:
        """A part of this clock for one step: ``seconds`` from now, never past this clock's deadline (its
        ``seconds`` the time it was given, quoted in notes)."""
        left = self.remaining
        given = seconds if left is None else min(seconds, left)
        return Clock(time.monotonic() + given, memory=self.memory, seconds=given)

    def at_least(self, seconds: float) -> Clock:
        """This clock, with at least ``seconds`` left from now (a step that must give an answer)."""
        left = self.remaining
        return self if left is None or left >= seconds else Clock(time.monotonic() + seconds, memory=self.memory,
                                                                  seconds=self.seconds)

    def split(self, *shares: float) -> tuple[Clock, ...]:
        """The time plan of a run: for each share (a fraction, in order) a clock that ends that share of the
        planned seconds from now — the time left before the deadline (on a shared clock, less than the
        ``seconds`` it was given), else the ``budget`` limit in force — and never after this clock's deadline.
        Each quotes the seconds the user gave (else the planned ones)."""
        now = time.monotonic()
        planned = self.remaining
        if planned is None:
            planned = float(current_limits().budget)
        quoted = self.seconds if self.seconds is not None else planned
        ends = [now + share * planned for share in shares]
        return tuple(Clock(end if self.deadline is None else min(end, self.deadline), memory=self.memory,
                           seconds=quoted) for end in ends)

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


def why_stopped(stop: SearchTimeout | Expired | None, clock: Clock | None) -> str:
    """Why a step stopped, for a note: ``"interrupted"`` (Ctrl-C), ``"memory limit of 2 GiB reached (raise
    it with --limit memory=4GiB)"`` or ``"time limit of 2 s reached"`` (the seconds ``clock`` was given)."""
    if isinstance(stop, SearchTimeout) and stop.interrupted:
        return "interrupted"
    memory = stop.limit if isinstance(stop, MemoryExceeded) else getattr(stop, "memory", None)
    if memory is not None:
        return memory_note(memory)
    seconds = None if clock is None else clock.seconds
    return "time limit reached" if seconds is None else f"time limit of {seconds:g} s reached"


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
