"""Open any supported game file by its extension: kimgame YAML, Gambit ``.nfg`` or ``.efg``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from kimgame.errors import KimgameError, Location
from kimgame.limits import Limits, limits_in_force


def load(path: str | Path, overrides: Mapping[str, object] | None = None, *,
         limits: Limits | Mapping[str, int] | None = None, **values: object):
    """Read a game file; ``overrides``/``values`` set parameter values (``load(p, W=120)``).

    Returns an immutable game object (normal or extensive form). Raises :class:`KimgameError` with
    the file, line and column of the first problem (or :class:`ValidationErrors` listing all).
    ``limits`` (a :class:`kimgame.limits.Limits`, or a mapping such as ``{"nodes": 5_000_000}`` that
    changes only the limits it names) bounds the file's size and the game's; by default the limits in
    force (:func:`kimgame.limits.current_limits`). A file or game beyond them is refused before it is read
    or built, with its size and the limit. (A parameter named ``limits`` is set through ``overrides``.)
    """
    merged = {**(overrides or {}), **values}
    with limits_in_force(limits):
        return _load(path, merged)


def _load(path: str | Path, merged: Mapping[str, object]):
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml", ""):
        from kimgame.io.payoff_file import load_game

        return load_game(path, merged)
    if suffix in (".nfg", ".efg"):
        from kimgame.io import gambit

        return gambit.load(path, merged)
    raise KimgameError(f"unknown file type '{suffix}'; use .yaml (kimgame), .nfg or .efg (Gambit)", Location(str(path)))
