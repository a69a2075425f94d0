"""A cache of claim conditions keyed by the payoff file's content.

A claim's exact parameter condition depends only on the file (payoffs, ranges, claims), not on the
values it is solved at, and deriving it needs sympy (about a second to import). ``kimgame solve``
therefore keeps the condition texts of each file version in a small JSON file, so that re-solving a
file — with other ``--set`` values too — needs no symbolic work. The cache lives in
``$KIMGAME_CACHE_DIR``, else ``$XDG_CACHE_HOME/kimgame``, else ``~/.cache/kimgame``; set
``KIMGAME_CACHE_DIR=off`` to disable it. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from kimgame._version import __version__

ENTRY_VERSION = "2"  # bump when a condition's text can change for the same file


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    configured = os.environ.get("KIMGAME_CACHE_DIR")
    if configured:
        return None if configured.lower() in ("off", "0", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kimgame"


def _entry(game) -> Path | None:
    folder = cache_dir()
    path = getattr(game, "path", None)
    if folder is None or not path:
        return None
    try:
        content = Path(path).read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256(f"{__version__}\0{ENTRY_VERSION}\0".encode() + content).hexdigest()
    return folder / f"conditions-{digest}.json"


def load_conditions(game) -> dict[str, str | None] | None:
    """The cached condition texts of the game's file by claim id, or None on a miss."""
    entry = _entry(game)
    if entry is None:
        return None
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def store_conditions(game, conditions: dict[str, str | None]) -> None:
    """Remember the condition texts of the game's file (silently does nothing if it cannot)."""
    entry = _entry(game)
    if entry is None:
        return
    try:
        from kimgame.io.editing import atomic_write

        entry.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(entry, json.dumps(conditions, sort_keys=True))
    except OSError:
        pass
