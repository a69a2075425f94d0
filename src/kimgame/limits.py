"""Size limits: how large a file or a game kimgame agrees to read or build.

A game too large to hold in memory, or to solve in reasonable time, is refused *before* the work
starts, with its size, the limit and how to raise it. The limits are one frozen :class:`Limits`; the
defaults are :data:`DEFAULT_LIMITS`, and code reads the limits in force with :func:`current_limits`. Another
set of limits is put in force for a block of code::

    with limits_in_force(Limits(nodes=5_000_000)):
        game = kimgame.load("big.yaml")          # same as kimgame.load("big.yaml", limits=...)

``kimgame.load(..., limits=...)`` and ``kimgame.solve(..., limits=...)`` do this for one call; a mapping
such as ``{"nodes": 5_000_000}`` changes only the limits it names. On the command line every command
that reads a file takes ``--limit NAME=N`` (repeatable), and the ``KIMGAME_LIMITS`` environment variable
holds the same items separated by spaces (``KIMGAME_LIMITS="nodes=5000000 profiles=4000000"``); options
given on the command line win.

The limits in force are held in a :class:`contextvars.ContextVar`, so they follow the code that runs
under them (threads and asyncio tasks each see their own).

>>> from kimgame.limits import current_limits, limits_in_force, parse_limits
>>> raised = parse_limits(["spe_listed=1_000", "memory=4GiB"])  # what --limit NAME=N reads
>>> raised.spe_listed, raised.memory
(1000, 4294967296)
>>> with limits_in_force({"spe_listed": 5}):
...     current_limits().spe_listed
5
>>> current_limits().spe_listed
100
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace

from kimgame.errors import KimgameError, suggest

__all__ = [
    "DEFAULT_LIMITS",
    "LIMIT_NAMES",
    "Limits",
    "current_limits",
    "format_bytes",
    "limits_in_force",
    "parse_limits",
    "raise_hint",
    "too_large",
    "too_much_memory",
]

ENV_VAR = "KIMGAME_LIMITS"

_DESCRIPTIONS = {
    "file_bytes": "size of a game file in bytes",
    "yaml_values": "values of a YAML document once its aliases (*name) are expanded",
    "nodes": "nodes of a game tree once its sub-trees are expanded",
    "profiles": "pure strategy profiles of a normal-form game",
    "reduced_profiles": "pure strategy profiles of a tree's reduced normal form (built only up to this size)",
    "pure_profiles": "reduced-normal-form profiles up to which a tree's pure Nash equilibria and dominance are found",
    "nash_profiles": "reduced-normal-form profiles up to which a tree's extreme Nash equilibria can be enumerated",
    "auto_nash_profiles": "reduced-normal-form profiles up to which method 'auto' enumerates a tree's mixed equilibria",
    "auto_pure_profiles": "reduced-normal-form profiles up to which method 'auto' analyses a tree one of whose "
                          "subgames needed the sequence form",
    "subgame_profiles": "pure profiles of one subgame's truncated reduced normal form (imperfect information)",
    "spe_combinations": "combinations of subgame values tried at one stage of backward induction",
    "spe_listed": "subgame-perfect equilibria listed (all are counted)",
    "behavior_entries": "information sets times listed subgame-perfect equilibria (at least one is listed)",
    "nash_listed": "Nash equilibria of a tree that are not subgame-perfect listed (all are counted)",
    "condition_pieces": "pieces of parameter space per tree node for the claim conditions solve shows",
    "path_steps": "steps of a path of play reported",
    "support_profiles": "support profiles the polynomial method enumerates",
    "polynomial_players": "players of a game the polynomial method solves",
    "pivots": "pivots of one Lemke-Howson path",
    "memory": "bytes of memory (resident set) a solve may use; also 512MiB, 4GiB",
    "budget": "seconds the default solve (--method auto, no --timeout) plans its steps for",
    "array_nodes": "nodes from which a perfect-information tree's stages and subgame-perfect equilibria are "
                   "computed on arrays (same results)",
    "array_nodes_per_level": "nodes per level, on average, a tree needs to be solved on arrays (deeper trees "
                             "go stage by stage)",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """The size limits in one object (each a positive whole number); the defaults are kimgame's.

    ``file_bytes``: a game file's size; ``yaml_values``: a YAML document's values after expanding
    aliases; ``nodes``: a tree's nodes after expanding ``use:`` sub-trees (also ``.efg`` files);
    ``profiles``: pure profiles of a normal-form game (YAML or ``.nfg``); ``reduced_profiles``: pure
    profiles up to which a tree's reduced normal form is built (beyond it, dominance and the Nash
    equilibria that are not subgame-perfect are not computed); ``memory``: the process's resident memory
    in bytes beyond which a solver step stops like a timeout (checked by
    :class:`kimgame.solvers.clock.Clock`; structures whose size is known are estimated against it
    before they are built); ``budget``: the seconds that ``--method auto`` without ``--timeout`` plans
    its steps for (see docs/exactness.md, "The budget"); ``array_nodes`` and ``array_nodes_per_level``
    choose how a large perfect-information tree is solved, not what is found (the one policy:
    :func:`kimgame.solvers.subgames.tree_backend`). The others bound how much a solver computes or lists:
    a result cut by one of them is marked ``complete=False`` and its note names the limit.
    """

    file_bytes: int = 20_000_000
    yaml_values: int = 2_000_000
    nodes: int = 2_000_000
    profiles: int = 2_000_000
    reduced_profiles: int = 2_000_000
    pure_profiles: int = 100_000
    nash_profiles: int = 5_000
    auto_nash_profiles: int = 100
    auto_pure_profiles: int = 2_000
    subgame_profiles: int = 250_000
    spe_combinations: int = 10_000
    spe_listed: int = 100
    behavior_entries: int = 100_000
    nash_listed: int = 50
    condition_pieces: int = 500
    path_steps: int = 10_000
    support_profiles: int = 343
    polynomial_players: int = 4
    pivots: int = 100_000
    memory: int = 2 * 1024**3
    budget: int = 10
    array_nodes: int = 2_000
    array_nodes_per_level: int = 16

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise KimgameError(f"the limit {f.name} must be a positive whole number, not {value!r}; "
                                   f"the limits are {', '.join(LIMIT_NAMES)}")

    def updated(self, changes: Mapping[str, int]) -> Limits:
        """A copy with the limits named in ``changes`` replaced (:class:`KimgameError` for unknown names)."""
        for name in changes:
            _check_name(name)
        return replace(self, **{_canonical(name): value for name, value in changes.items()})


LIMIT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Limits))
DEFAULT_LIMITS = Limits()

_current: ContextVar[Limits] = ContextVar("kimgame_limits", default=DEFAULT_LIMITS)


def current_limits() -> Limits:
    """The limits in force (:data:`DEFAULT_LIMITS` unless :func:`limits_in_force` says otherwise)."""
    return _current.get()


def as_limits(limits: Limits | Mapping[str, int] | None) -> Limits:
    """``limits`` as a :class:`Limits`: None is the limits in force; a mapping changes only the names it
    gives (the others stay as in force)."""
    if limits is None:
        return current_limits()
    if isinstance(limits, Limits):
        return limits
    if isinstance(limits, Mapping):
        return current_limits().updated(limits)
    raise TypeError(f"limits must be a Limits object or a mapping NAME -> N, not {type(limits).__name__}")


@contextmanager
def limits_in_force(limits: Limits | Mapping[str, int] | None) -> Iterator[Limits]:
    """Put ``limits`` in force for the ``with`` block (see :func:`as_limits`); yields them."""
    chosen = as_limits(limits)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


_NUMBER = re.compile(r"[0-9]{1,3}(,[0-9]{3})+|[0-9]+(_[0-9]+)*")
_BYTES = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([kmgt])(?:i?b)?", re.IGNORECASE)  # memory=4GiB, 512M, 1.5G
_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


# Memory of one payoff of one profile of a game read from a payoff file (YAML nodes, formula, exact value,
# arrays), measured at 300 x 300 (676 bytes) and rounded up; used to refuse a game before building it.
BYTES_PER_PAYOFF = 700


def too_much_memory(subject: str, profiles: int, players: int) -> str | None:
    """The refusal message when ``profiles`` pure profiles of ``players`` payoffs each (about
    ``BYTES_PER_PAYOFF`` bytes per payoff) would not fit the ``memory`` limit in force, else None."""
    need, limit = profiles * players * BYTES_PER_PAYOFF, current_limits().memory
    if need <= limit:
        return None
    return (f"{subject} has {profiles:,} pure profiles: building it needs about {format_bytes(need)}, more than "
            f"the memory limit of {format_bytes(limit)} (raise it with --limit memory="
            f"{format_bytes(max(2 * limit, 2 * need)).replace(' ', '')})")


def format_bytes(size: int) -> str:
    """``size`` in the largest binary unit that keeps it at least 1: ``"2 GiB"``, ``"1.5 MiB"``, ``"900 B"``."""
    for unit, factor in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} B"


def _limit_value(name: str, text: str) -> int | None:
    """The whole number ``text`` stands for (memory also takes K, M, G, T: powers of 1024), or None."""
    if _NUMBER.fullmatch(text):
        return int(text.replace(",", "").replace("_", ""))
    unit = _BYTES.fullmatch(text) if name == "memory" else None
    return None if unit is None else int(float(unit.group(1)) * _UNITS[unit.group(2).lower()])


def parse_limits(items: Iterable[str], base: Limits | None = None, *, what: str = "--limit") -> Limits:
    """``base`` (default: the limits in force) with each ``NAME=N`` of ``items`` applied in order.

    ``N`` is a whole number, written ``5000000``, ``5_000_000`` or ``5,000,000``. A :class:`KimgameError`
    names the item, and lists the limits, when a name is unknown or a value is not a positive number.
    """
    limits = current_limits() if base is None else base
    changes: dict[str, int] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name:
            raise KimgameError(f"{what} expects NAME=N, e.g. nodes=5000000 (got '{item}'); {_names_text()}")
        _check_name(name, what)
        value = _limit_value(_canonical(name), text)
        if value is None or value <= 0:
            example = "memory=4GiB" if _canonical(name) == "memory" else f"{name}=5000000"
            raise KimgameError(f"{what} {name}={text}: a limit is a positive whole number, e.g. {example} "
                               f"(the limits are {', '.join(LIMIT_NAMES)})")
        changes[_canonical(name)] = value
    return limits.updated(changes)


def limits_from_environment(value: str | None, base: Limits | None = None) -> Limits:
    """``base`` with the items of ``KIMGAME_LIMITS`` (``NAME=N`` separated by spaces) applied."""
    return parse_limits((value or "").split(), base, what=ENV_VAR)


def too_large(subject: str, size: int | str, unit: str, name: str, *, limit: int | None = None) -> str:
    """The refusal message: ``"<subject> has 3,000,000 <unit>, more than the limit of 2,000,000 (raise it
    with --limit nodes=N)"``. ``size`` may be text ("more than 20,000,000"); ``limit`` defaults to the
    limit ``name`` in force."""
    value = getattr(current_limits(), name) if limit is None else limit
    shown = f"{size:,}" if isinstance(size, int) else size
    return f"{subject} has {shown} {unit}, more than the limit of {value:,} (raise it with --limit {name}=N)"


def raise_hint(name: str) -> str:
    """How to raise the limit ``name``: ``"--limit spe_listed=N"`` (``limits={"spe_listed": N}`` in Python)."""
    _check_name(name)
    return f"--limit {_canonical(name)}=N"


def _canonical(name: str) -> str:
    return name.strip().replace("-", "_")


def _names_text() -> str:
    return "the limits are " + "; ".join(f"{n} ({_DESCRIPTIONS[n]}, default {getattr(DEFAULT_LIMITS, n):,})"
                                         for n in LIMIT_NAMES)


def _check_name(name: str, what: str = "limits") -> None:
    if _canonical(name) in LIMIT_NAMES:
        return
    raise KimgameError(f"{what}: unknown limit '{name}'{suggest(_canonical(name), LIMIT_NAMES)}; {_names_text()}")
