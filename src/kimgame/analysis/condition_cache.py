"""Caches of symbolic results, keyed by everything they depend on.

A claim's exact parameter condition depends on the game's structure, payoff and probability formulas,
the declared parameter ranges, the claim itself and kimgame's version — not on the values it is solved
at, nor on a file's bytes (comments, layout) or a claim's id. :func:`game_key` digests exactly that
content, so a claim changed under the same id (in a file or through the Python API) is never answered
from the cache, and a file that only gained a comment still is.

Two stores share this key:

* the condition texts by claim (``kimgame solve``: re-solving — with other ``--set`` values too — needs
  no symbolic work, and no sympy import);
* whole rendered analyses (``kimgame analyze``), keyed by the game's content *with* its values, titles
  and docs (all printed) and the command's options.

The caches live in ``$KIMGAME_CACHE_DIR``, else ``$XDG_CACHE_HOME/kimgame``, else ``~/.cache/kimgame``;
set ``KIMGAME_CACHE_DIR=off`` to disable them. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from kimgame._version import __version__
from kimgame.io.editing import atomic_write
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame

ENTRY_VERSION = "4"  # 4: one region prover for matrix and tree claims (thresholds x > 1/2); bump when what is stored can change for the same content


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    configured = os.environ.get("KIMGAME_CACHE_DIR")
    if configured:
        return None if configured.lower() in ("off", "0", "none") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kimgame"


def _formula(f) -> str:
    return "" if f is None else f.text


def _claim_text(claim) -> str:
    spec = claim.spec
    fields = []
    for name in getattr(spec, "__slots__", ()):
        v = getattr(spec, name)
        fields.append(f"{name}={_formula(v) if hasattr(v, 'expr') else v!r}")
    return f"{type(spec).__name__}({', '.join(fields)})"


def game_content(game, *, values: bool = False) -> Iterable[str]:
    """The lines that determine a game's symbolic results: players, structure, formulas, parameter
    ranges, claims (by their content; ids too, since results are reported by id); with ``values`` also
    the parameter values, docs, title and source (what a report prints)."""
    yield f"form {game.form}"
    yield "players " + "\0".join(game.players)
    for p in game.parameters:
        yield f"param {p.name} {p.low} {p.high}" + (f" {p.value} {p.doc}" if values else "")
    if values:
        yield "values " + " ".join(f"{k}={v}" for k, v in sorted(game.values.items()))
        yield f"title {game.title}\0{game.source}"
    for c in game.claims:
        yield f"claim {c.id}\0{_claim_text(c)}" + (f"\0{c.says}" if values else "")
    if not isinstance(game, ExtensiveFormGame):
        yield "strategies " + "\0".join("\1".join(s) for s in game.strategies)
        for vector in game.payoffs:
            yield "payoff " + "\0".join(_formula(f) for f in vector)
        return
    sep = "\1"
    for node in game.nodes:
        if isinstance(node, Decision):
            yield f"D {node.player} {node.infoset}\0{sep.join(node.actions)} {node.children}"
        elif isinstance(node, Chance):
            probs = sep.join(_formula(f) for f in node.probs)
            yield f"C {sep.join(node.outcomes)}\0{probs} {node.children}"
        else:
            yield f"T {node.outcome}\0{sep.join(_formula(f) for f in node.payoffs)}"


def game_key(game, *extra: str, values: bool = False) -> str:
    """A digest of :func:`game_content`, ``extra`` strings and kimgame's version."""
    h = hashlib.sha256(f"{__version__}\0{ENTRY_VERSION}\0".encode())
    for line in game_content(game, values=values):
        h.update(line.encode("utf-8", "surrogatepass") + b"\n")
    for e in extra:
        h.update(b"\2" + e.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _read(name: str):
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(name: str, data) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / name, json.dumps(data, sort_keys=True))
    except OSError:
        pass


def load_conditions(game) -> dict[str, str | None] | None:
    """The cached condition texts of the game's claims by claim id, or None on a miss."""
    data = _read(f"conditions-{game_key(game)}.json")
    return data if isinstance(data, dict) else None


def store_conditions(game, conditions: dict[str, str | None]) -> None:
    """Remember the condition texts of the game's claims (silently does nothing if it cannot)."""
    _write(f"conditions-{game_key(game)}.json", conditions)


def load_report(game, options: Iterable[str]) -> dict | None:
    """A cached analysis report (``{"text": ..., "code": ...}``) for the game with its values and the
    command's ``options``, or None."""
    data = _read(f"report-{game_key(game, *options, values=True)}.json")
    return data if isinstance(data, dict) and isinstance(data.get("text"), str) else None


def store_report(game, options: Iterable[str], report: dict) -> None:
    """Remember an analysis report (see :func:`load_report`)."""
    _write(f"report-{game_key(game, *options, values=True)}.json", report)
