"""The grid of a sweep: ``--vary NAME=LO:HI:N`` specs read exactly, checked against the declared ranges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from kimgame.errors import KimgameError
from kimgame.expr.numbers import fmt
from kimgame.expr.parse import parse_formula
from kimgame.model.parameters import to_fraction

__all__ = ["MAX_POINTS", "check_vary", "grid_values", "parse_vary"]

MAX_POINTS = 25_000_000  # refuse grids larger than this in memory (a few bytes per point per claim)


def parse_vary(spec: str) -> tuple[str, tuple[Fraction, Fraction, int]]:
    """Read a ``--vary`` spec ``NAME=LO:HI:N`` (LO, HI exact: ``0``, ``2/3``, ``0.25``; N >= 2 points).

    Raises :class:`KimgameError` with a message saying what is wrong.
    """
    example = "for example --vary p_insult=0:1:101"
    name, sep, rest = spec.partition("=")
    name = name.strip()
    if not sep or not name:
        raise KimgameError(f"--vary expects NAME=LO:HI:N ({example}), got '{spec}'")
    parts = rest.split(":")
    if len(parts) != 3:
        raise KimgameError(f"--vary {spec}: expected LO:HI:N after '{name}=' ({example})")
    bounds = []
    for what, raw in (("LO", parts[0]), ("HI", parts[1])):
        try:
            bounds.append(parse_formula(raw, ()).evaluate({}))
        except KimgameError:
            raise KimgameError(f"--vary {spec}: {what} '{raw.strip()}' is not a number; write 0, 2/3 or 0.25") from None
    try:
        n = int(parts[2].strip())
    except ValueError:
        raise KimgameError(f"--vary {spec}: N '{parts[2].strip()}' is not a whole number of points") from None
    if n < 2:
        raise KimgameError(f"--vary {spec}: N must be at least 2 (the grid includes both ends)")
    lo, hi = bounds
    if not lo < hi:
        raise KimgameError(f"--vary {spec}: LO must be below HI")
    return name, (lo, hi, n)


def grid_values(lo: Fraction, hi: Fraction, n: int) -> tuple[Fraction, ...]:
    """``n`` evenly spaced exact values from ``lo`` to ``hi`` inclusive."""
    if n == 1:
        return (lo,)
    step = (hi - lo) / (n - 1)
    return tuple(lo + step * k for k in range(n))


def check_vary(game, vary: Mapping[str, Sequence[Any]], max_points: int = MAX_POINTS
                ) -> list[tuple[str, tuple[Fraction, ...]]]:
    """The grid ``vary: name -> (lo, hi, n)`` as ``[(name, exact values)]``, checked: known parameters,
    inside their declared ranges, at most ``max_points`` points (:class:`KimgameError` otherwise)."""
    if not vary:
        raise KimgameError("a sweep needs at least one parameter to vary (NAME=LO:HI:N)")
    params = {p.name: p for p in game.parameters}
    out = []
    total = 1
    for name, spec in vary.items():
        if name not in params:
            known = ", ".join(params) or "the game has none"
            raise KimgameError(f"--vary {name}: no parameter named '{name}' (parameters: {known})")
        try:
            lo, hi, n = spec
        except (TypeError, ValueError):
            raise KimgameError(f"--vary {name}: expected (LO, HI, N)") from None
        lo, hi = to_fraction(lo, f"--vary {name} LO"), to_fraction(hi, f"--vary {name} HI")
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise KimgameError(f"--vary {name}: N must be a whole number of at least 2")
        if not lo < hi:
            raise KimgameError(f"--vary {name}: LO must be below HI")
        p = params[name]
        if (p.low is not None and lo < p.low) or (p.high is not None and hi > p.high):
            raise KimgameError(
                f"--vary {name}: [{fmt(lo)}, {fmt(hi)}] leaves the declared range {p.range_text()} of {name}; "
                "sweep inside it or widen 'range' in the file"
            )
        total *= n
        out.append((name, grid_values(lo, hi, n)))
    if total > max_points:
        more = " (stream larger grids to a file: kimgame sweep --dask -o FILE)" if max_points == MAX_POINTS else ""
        raise KimgameError(f"the grid has {total} points; the limit is {max_points}{more}")
    return out
