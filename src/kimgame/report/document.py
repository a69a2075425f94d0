"""The JSON result document (DESIGN.md's contract), built from a :class:`SolveResult` as plain data."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from kimgame._version import __version__
from kimgame.expr.numbers import fmt
from kimgame.solvers.results import SolveResult


def game_header(game) -> dict[str, Any]:
    """The ``game`` part of the document: title, form, players, parameter values as exact strings."""
    return {
        "title": game.title,
        "form": game.form,
        "players": list(game.players),
        "parameters": {name: fmt(v) for name, v in game.values.items()},
    }


def equilibrium_data(game, eq) -> dict[str, Any]:
    """One equilibrium: every pure strategy's probability per player, payoffs, and behaviour for trees."""
    item: dict[str, Any] = {}
    if eq.strategies:  # trees too large for a reduced normal form have behaviour only
        item["strategies"] = {
            player: {label: fmt(p) for label, p in zip(game.strategies[i], eq.strategies[i])}
            for i, player in enumerate(game.players)
        }
    if eq.behavior is not None:
        item["behavior"] = {
            player: {infoset: {a: fmt(p) for a, p in acts.items()} for infoset, acts in sets.items()}
            for player, sets in eq.behavior.items()
        }
    item["payoffs"] = {player: fmt(v) for player, v in zip(game.players, eq.payoffs)}
    if eq.subgame_perfect is not None:
        item["subgame_perfect"] = eq.subgame_perfect
    return item


def _mix(by) -> dict[str, str]:
    return {label: fmt(p) for label, p in by.items()}


def result_document(result: SolveResult) -> dict[str, Any]:
    """The full JSON-ready document for ``kimgame solve --format json``."""
    game = result.game
    doc: dict[str, Any] = {"kimgame": __version__, "game": game_header(game)}
    doc["equilibria"] = [equilibrium_data(game, eq) for eq in result.equilibria]
    doc["claims"] = [
        {"id": c.id, "says": c.says, "claim": c.description, "holds": c.holds,
         "condition": c.condition if c.condition is not None else ("True" if c.holds else "False"),
         "condition_scope": "parametric" if c.condition is not None else "at these parameter values"}
        for c in result.claims
    ]
    doc["solver"] = {"method": result.method, "complete": result.complete, "partial": result.partial,
                     "notes": list(result.notes)}
    doc["pure_equilibria"] = [dict(zip(game.players, p)) for p in result.pure_equilibria]
    doc["dominance"] = [
        {"player": d.player, "dominated": d.dominated, "by": _mix(d.by), "kind": d.kind} for d in result.dominance
    ]
    if result.elimination is not None:
        doc["iterated_elimination"] = {
            "steps": [{"round": s.round, "player": s.player, "eliminated": s.eliminated, "by": _mix(s.by)}
                      for s in result.elimination.steps],
            "surviving": {p: list(s) for p, s in zip(game.players, result.elimination.surviving)},
            "complete": result.elimination.complete,
        }
    for key, value in result.extra.items():
        doc[key] = value
    return doc


def to_json(data: Any) -> str:
    """Deterministic JSON text (Fractions as exact strings)."""

    def default(o: Any) -> Any:
        if isinstance(o, Fraction):
            return fmt(o)
        raise TypeError(f"cannot serialise {type(o).__name__}")

    return json.dumps(data, indent=2, ensure_ascii=False, default=default)
