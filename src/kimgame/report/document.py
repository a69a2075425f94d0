"""The JSON result document (DESIGN.md's contract), built from a :class:`SolveResult` as plain data."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from typing import Any

from kimgame._version import __version__
from kimgame.expr.numbers import fmt
from kimgame.solvers.results import Method, PathStep, SolveResult, TreeSolution


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
    doc["solver"] = solver_data(result.method, result.notes)
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
    if result.tree is not None:
        doc.update(tree_data(result.tree))
    for a in result.algebraic_equilibria:  # irrational equilibria join the list, marked "rational": false
        doc["equilibria"].append({"rational": False, **dataclasses.asdict(a)})
    if result.approximate is not None:
        doc["approximate_equilibrium"] = {
            "approximate": result.approximate.epsilon != 0, "epsilon": fmt(result.approximate.epsilon),
            "strategies": {p: {s: fmt(x) for s, x in mix.items()} for p, mix in result.approximate.strategies.items()}}
    if not result.perfect_recall:
        doc["perfect_recall"] = False
    return doc


def solver_data(method: Method, notes=()) -> dict[str, Any]:
    """The ``solver`` part: the algorithm (``method``), ``scope``, ``complete``, ``partial``, ``listed``,
    ``total`` (null when not known), ``cuts`` (each list cut by a limit: ``list``, ``listed``, ``total``,
    ``more``), ``more`` (the option that lists more) and the notes."""
    return {"method": method.algorithm, "name": method.name, "scope": method.scope, "complete": method.complete,
            "partial": method.partial, "listed": method.listed, "total": method.total,
            "cuts": [{"list": c.what, "listed": c.listed, "total": c.total, "more": c.more} for c in method.cuts],
            "more": method.more, "notes": list(notes)}


def _step(step: PathStep) -> dict[str, Any]:
    if step.truncated:
        return {"truncated": True}
    out: dict[str, Any] = {"node": step.node, "reach": step.reach}
    if step.moves is not None:
        out["player"] = step.player
        if step.infoset is not None:
            out["infoset"] = step.infoset
        out["moves"] = dict(step.moves)
    if step.payoffs is not None:
        out["payoffs"] = dict(step.payoffs)
    if step.outcome is not None:
        out["outcome"] = step.outcome
    return out


def tree_data(sol: TreeSolution) -> dict[str, Any]:
    """The keys a tree adds to the document: ``tree``, ``reduced_normal_form``, ``spe_count``, ``spe``,
    ``outcomes``, ``not_subgame_perfect``, ``nash_step`` and, for constant-sum trees, ``value``."""
    rnf = sol.reduced_normal_form
    rnf_doc: dict[str, Any] = {"plans": dict(rnf.plans), "profiles": rnf.profiles,
                               "full_normal_form_profiles": rnf.full_normal_form_profiles}
    if rnf.strategies is not None:
        rnf_doc["strategies"] = {p: list(labels) for p, labels in rnf.strategies.items()}
    tree = dataclasses.asdict(sol.tree)
    out: dict[str, Any] = {
        "tree": tree,
        "reduced_normal_form": rnf_doc,
        "spe_count": sol.spe_count,
        "spe": [{"equilibrium": item.equilibrium, "payoffs": dict(item.payoffs),
                 "path": [_step(st) for st in item.path], "outcomes": dict(item.outcomes)} for item in sol.spe],
        "outcomes": {label: {"spe": list(probs)} for label, probs in sol.outcomes.items()},
        "not_subgame_perfect": [{"equilibrium": x.equilibrium, "reason": x.reason} for x in sol.not_subgame_perfect],
        "nash_step": sol.nash_step,
    }
    if sol.value is not None:
        out["value"] = sol.value
    return out


def to_json(data: Any) -> str:
    """Deterministic JSON text (Fractions as exact strings)."""

    def default(o: Any) -> Any:
        if isinstance(o, Fraction):
            return fmt(o)
        raise TypeError(f"cannot serialise {type(o).__name__}")

    return json.dumps(data, indent=2, ensure_ascii=False, default=default)
