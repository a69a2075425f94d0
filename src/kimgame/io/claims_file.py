"""The ``claims:`` list of a payoff file, shared by normal-form and tree files.

Each file kind says which claim kinds it reads (``dominates`` for matrices; ``dominates``, ``plays``
and ``outcome`` for trees) by passing one parser per kind; the list, ids, ``says`` and unknown keys
are handled here once. ``problems`` is anything with ``add(message, where)`` (a
:class:`~kimgame.io.problems.Problems`, or the tree reader).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from kimgame.errors import Location, suggest
from kimgame.io.yaml_source import YNode
from kimgame.model.claims import Claim, Dominates


class Reporter(Protocol):
    """Where claim problems go: anything with ``add(message, where)``, such as
    :class:`~kimgame.io.problems.Problems`."""

    def add(self, message: str, where: Location | None) -> None:
        """Record the problem ``message`` at ``where`` (None: no place in the file)."""



def parse_claim_list(node: YNode | None, problems: Reporter,
                     parsers: Mapping[str, Callable[[YNode, str], Any]]) -> tuple[Claim, ...]:
    """The claims of ``node`` (a YAML list); ``parsers`` maps each claim kind to a function
    ``(spec node, claim id) -> spec or None`` that reports its own problems."""
    if node is None or node.value is None:
        return ()
    if not node.is_list:
        problems.add(f"claims: expected a list of claims, found {node.describe()}", node.where)
        return ()
    kinds = tuple(parsers)
    allowed = ("id", "says", *kinds)
    claims = []
    seen: set[str] = set()
    for i, item in enumerate(node.value):
        if not item.is_map:
            problems.add(f"claims: each claim is a mapping with 'id' and one of {', '.join(kinds)}, found "
                         f"{item.describe()}", item.where)
            continue
        spec: dict[str, YNode] = item.value
        cid = str(spec["id"].value) if "id" in spec else f"claim-{i + 1}"
        if cid in seen:
            problems.add(f"claims: the id '{cid}' is used twice", item.where)
        seen.add(cid)
        says = str(spec["says"].value) if "says" in spec else ""
        for key, value in spec.items():
            if key not in allowed:
                problems.add(f"claim {cid}: unknown key '{key}'{suggest(key, allowed)}", value.where)
        given = [k for k in kinds if k in spec]
        if len(given) != 1:
            example = "e.g. 'dominates: {player: P, strategy: S, over: T}'"
            problems.add(f"claim {cid}: say what it claims with exactly one of {', '.join(kinds)}"
                         + (f" (found {', '.join(given)})" if given else f", {example}"), item.where)
            continue
        parsed = parsers[given[0]](spec[given[0]], cid)
        if parsed is not None:
            claims.append(Claim(cid, says, parsed, item.where))
    return tuple(claims)


def claim_fields(node: YNode, cid: str, kind: str, allowed: tuple[str, ...], required: tuple[str, ...],
                 problems: Reporter) -> dict[str, YNode] | None:
    """The keys of a claim's spec mapping, or None (with problems reported) if any is unknown or missing."""
    if not node.is_map:
        problems.add(f"claim {cid}: '{kind}' needs a mapping with {', '.join(required)}, found {node.describe()}",
                     node.where)
        return None
    spec = dict(node.value)
    bad = False
    for key, value in spec.items():
        if key not in allowed:
            problems.add(f"claim {cid}: unknown key '{key}'{suggest(key, allowed)}; use {', '.join(allowed)}",
                         value.where)
            bad = True
    missing = [k for k in required if k not in spec]
    if missing:
        problems.add(f"claim {cid}: '{kind}' is missing {', '.join(missing)}", node.where)
        bad = True
    return None if bad else spec


def dominates_claim(node: YNode, cid: str, players: tuple[str, ...], strategies, problems: Reporter
                    ) -> Dominates | None:
    """A ``dominates: {player, strategy, over, strict?, after_elimination?}`` claim; labels are checked
    against ``strategies`` when they are known (empty: not checked)."""
    spec = claim_fields(node, cid, "dominates", ("player", "strategy", "over", "strict", "after_elimination"),
                        ("player", "strategy", "over"), problems)
    if spec is None:
        return None
    player = str(spec["player"].value)
    if player not in players:
        problems.add(f"claim {cid}: '{player}' is not a player{suggest(player, players)}", spec["player"].where)
        return None
    labels = strategies[players.index(player)] if strategies else ()
    for key in ("strategy", "over"):
        label = str(spec[key].value)
        if labels and label not in labels:
            problems.add(f"claim {cid}: '{label}' is not a strategy of {player}{suggest(label, labels)} "
                         f"(strategies: {', '.join(labels)})", spec[key].where)
            return None
    flags = {}
    for key, default in (("strict", True), ("after_elimination", False)):
        v = spec.get(key)
        if v is not None and not isinstance(v.value, bool):
            problems.add(f"claim {cid}: '{key}' must be true or false", v.where)
        flags[key] = default if v is None or not isinstance(v.value, bool) else v.value
    return Dominates(player, str(spec["strategy"].value), str(spec["over"].value), **flags)
