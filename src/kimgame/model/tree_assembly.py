"""Assembling a game tree from specs: :func:`build_tree` (the API) and :func:`assemble` (shared with the
payoff-file reader), which expand ``use:`` references, number the nodes in preorder and give every node
its information-set label, refusing unknown players or sub-trees, reference cycles and trees over the size
limit before anything is expanded.

Trees of at least :data:`kimgame.model.tree.ARRAY_MIN_NODES` nodes go to the array store
(:func:`kimgame.model.tree_arrays.assemble_arrays`); the others are built node by node here. The labelling
rules are in :mod:`kimgame.model.tree`'s notes; the checks of an assembled tree are
:func:`kimgame.model.tree_checks.tree_problems`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from kimgame.errors import KimgameError, Location, ValidationErrors
from kimgame.expr.tree import Formula, Num
from kimgame.limits import current_limits, too_large
from kimgame.model import tree
from kimgame.model.claims import Claim
from kimgame.model.nodes import (
    RUN_LENGTH,
    Chance,
    ChanceSpec,
    Decision,
    DecisionSpec,
    Node,
    Spec,
    Terminal,
    TerminalSpec,
    UseSpec,
    gc_paused,
    walk_specs,
)
from kimgame.model.parameters import Parameter, resolve_values
from kimgame.model.tree import ExtensiveFormGame, suggest_name
from kimgame.model.tree_checks import tree_problems, where_text

__all__ = ["assemble", "build_tree"]


def build_tree(
    players: Sequence[str],
    root: Spec,
    *,
    subtrees: Mapping[str, Spec] | None = None,
    parameters: Sequence[Parameter] = (),
    values: Mapping[str, object] | None = None,
    title: str = "",
    source: str = "",
    claims: Sequence[Claim] = (),
    path: str | None = None,
    max_nodes: int | None = None,
) -> ExtensiveFormGame:
    """Assemble and check a game tree written as specs (:func:`decision`, :func:`chance`, :func:`terminal`,
    :func:`use`). Raises :class:`KimgameError` (or :class:`ValidationErrors` listing all problems).
    ``max_nodes`` defaults to the ``nodes`` limit in force (:func:`kimgame.limits.current_limits`)."""
    resolved = resolve_values(parameters, values)
    game, errors = assemble(players, root, subtrees or {}, tuple(parameters), resolved, max_nodes=max_nodes)
    if game is not None:
        errors.extend(tree_problems(game))
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationErrors(errors)
    assert game is not None
    return game.replace(title=title, source=source, claims=tuple(claims), path=path)


def assemble(
    players: Sequence[str],
    root: Spec,
    subtrees: Mapping[str, Spec],
    parameters: tuple[Parameter, ...],
    values: Mapping[str, Fraction],
    *,
    max_nodes: int | None = None,
) -> tuple[ExtensiveFormGame | None, list[KimgameError]]:
    """Expand ``use:`` references and number the nodes; returns the game (None if it cannot be built) and
    the problems found (unknown players or sub-trees, reference cycles, size, duplicate labels). A tree of
    more than ``max_nodes`` nodes (default: the ``nodes`` limit in force) is refused before it is expanded."""
    players = tuple(players)
    if max_nodes is None:
        max_nodes = current_limits().nodes
    with gc_paused():  # the walk allocates one entry per node and frees nothing: no cycles to collect
        try:
            walked = walk_specs(root, subtrees, max_nodes)
            if walked is not None and len(walked.items) >= tree.ARRAY_MIN_NODES:
                from kimgame.model.tree_arrays import assemble_arrays

                store = assemble_arrays(players, walked, parameters, values)
                if store is not None:
                    return ExtensiveFormGame(players=players, nodes=store, parameters=parameters,  # type: ignore[arg-type]
                                             values=MappingProxyType(dict(values))), []
        except (TypeError, IndexError, AttributeError):  # specs of an unexpected shape: checked node by node
            pass
        walked = None
    errors: list[KimgameError] = []
    size = _expanded_size(root, subtrees, errors, max_nodes)
    if errors:
        return None, errors
    if size > max_nodes:
        shown = size if size <= 10 * max_nodes else f"more than {10 * max_nodes:,}"
        errors.append(KimgameError(
            too_large("the tree", shown, "nodes once sub-trees are expanded", "nodes", limit=max_nodes)
            + "; sub-trees used repeatedly multiply the size", root.where))
        return None, errors
    names = [p.name for p in parameters]
    from kimgame.expr.parse import parse_formula

    constants: dict[Any, Formula] = {}

    def formula(x: Any, where: Location | None, what: str) -> Formula | None:
        if isinstance(x, Formula):
            return x
        if where is None and isinstance(x, (int, Fraction)) and not isinstance(x, bool):
            f = constants.get(x)
            if f is None:
                f = constants[x] = parse_formula(x, names, None)
            return f
        try:
            return parse_formula(x, names, where)
        except KimgameError as err:
            errors.append(KimgameError(f"{what}: {err.message}", err.where or where))
            return None

    kinds: list[Any] = []  # per node: (spec, label/None) to be turned into nodes
    children: list[list[int]] = []
    default_label: list[tuple[str, str] | None] = []  # (label, how) for decision nodes labelled by default
    # stack entries: (spec, parent id, runs of the path)
    stack: list[tuple[Spec, int, tuple[tuple[str, int], ...]]] = [(root, -1, ())]
    while stack:
        spec, parent, runs = stack.pop()
        while isinstance(spec, UseSpec):
            spec = subtrees[spec.subtree]
        v = len(kinds)
        children.append([])
        if parent >= 0:
            children[parent].append(v)
        kinds.append(spec)
        default_label.append(None)
        if isinstance(spec, DecisionSpec):
            if spec.infoset is None:
                if spec.name is not None:
                    default_label[v] = (spec.name, "name")
                else:
                    default_label[v] = (_runs_label(runs), "path")
            labels = [label for label, _ in spec.moves]
            subs = [node for _, node in spec.moves]
        elif isinstance(spec, ChanceSpec):
            labels = [label for label, _, _ in spec.outcomes]
            subs = [node for _, _, node in spec.outcomes]
        else:
            continue
        for label, sub in zip(reversed(labels), reversed(subs)):
            stack.append((sub, v, _extend_runs(runs, str(label))))

    nodes: list[Node] = []
    label_users: dict[str, list[int]] = {}
    for v, spec in enumerate(kinds):
        kids = tuple(children[v])
        if isinstance(spec, DecisionSpec):
            if spec.player not in players:
                errors.append(KimgameError(f"'{spec.player}' is not a player{suggest_name(str(spec.player), players)} "
                                           f"(players: {', '.join(players)})", spec.where))
                player = 0
            else:
                player = players.index(spec.player)
            actions = tuple(str(a) for a, _ in spec.moves)
            if not actions:
                errors.append(KimgameError("a decision node needs at least one move under 'moves'", spec.where))
            if len(set(actions)) != len(actions):
                errors.append(KimgameError(f"a decision node has the same action label twice ({', '.join(actions)})",
                                           spec.where))
            label = spec.infoset if spec.infoset is not None else default_label[v][0]
            label_users.setdefault(label, []).append(v)
            nodes.append(Decision(player, str(label), actions, kids, spec.name, spec.where))
        elif isinstance(spec, ChanceSpec):
            outcomes = tuple(str(o) for o, _, _ in spec.outcomes)
            if not outcomes:
                errors.append(KimgameError("a chance node needs at least one outcome", spec.where))
            if len(set(outcomes)) != len(outcomes):
                errors.append(KimgameError("a chance node has the same outcome label twice", spec.where))
            probs = []
            for o, p, _ in spec.outcomes:
                f = formula(p, spec.where, f"probability of '{o}'")
                probs.append(f if f is not None else Formula(Num(Fraction(0)), "0", spec.where))
            nodes.append(Chance(outcomes, tuple(probs), kids, spec.name, spec.where))
        else:
            assert isinstance(spec, TerminalSpec)
            if len(spec.payoffs) != len(players):
                errors.append(KimgameError(f"a terminal needs {len(players)} payoffs [{', '.join(players)}], "
                                           f"found {len(spec.payoffs)}", spec.where))
                pays = tuple(Formula(Num(Fraction(0)), "0", spec.where) for _ in players)
            else:
                pays = []
                for who, x in zip(players, spec.payoffs):
                    f = formula(x, spec.where, f"payoff of {who}")
                    pays.append(f if f is not None else Formula(Num(Fraction(0)), "0", spec.where))
                pays = tuple(pays)
            nodes.append(Terminal(pays, spec.outcome, spec.name, spec.where))

    # default labels may not be shared: sharing an information set is said with 'infoset:'
    for label, vs in label_users.items():
        defaulted = [v for v in vs if default_label[v] is not None]
        if len(vs) < 2 or not defaulted:
            continue
        v = defaulted[0]
        other = vs[0] if vs[0] != v else vs[1]
        origin = "its name" if default_label[v][1] == "name" else "its path of moves"
        if nodes[other].where is not None and nodes[other].where == nodes[v].where:
            errors.append(KimgameError(
                f"the decision node labelled '{label}' (by {origin}) appears {len(vs)} times in the tree (a sub-tree "
                "used more than once, or a YAML alias); the label would make the copies one information set — drop "
                f"'name:' so each copy is labelled by its path, or write 'infoset: {label}' if the player cannot "
                "tell the copies apart", nodes[v].where))
            continue
        errors.append(KimgameError(
            f"the information-set label '{label}' (from {origin}) is also the label of the decision node at "
            f"{where_text(nodes[other].where)}; nodes share an information set only when each says "
            f"'infoset: {label}' — rename one (or drop 'name:'), or write 'infoset: {label}' on every node the "
            "player cannot tell apart", nodes[v].where))

    if errors:
        return None, errors
    game = ExtensiveFormGame(players=players, nodes=tuple(nodes), parameters=parameters,
                             values=MappingProxyType(dict(values)))
    return game, errors


def _extend_runs(runs: tuple[tuple[str, int], ...], label: str) -> tuple[tuple[str, int], ...]:
    if runs and runs[-1][0] == label:
        return runs[:-1] + ((label, runs[-1][1] + 1),)
    return runs + ((label, 1),)


def _runs_label(runs: tuple[tuple[str, int], ...]) -> str:
    if not runs:
        return "root"
    parts: list[str] = []
    for label, k in runs:
        parts.extend([label] * k if k < RUN_LENGTH else [f"{label} ×{k}"])
    return " > ".join(parts)


def _expanded_size(root: Spec, subtrees: Mapping[str, Spec], errors: list[KimgameError], max_nodes: int) -> int:
    """Number of nodes after expanding references (memoised over shared specs); finds unknown and cyclic
    references. Iterative: reference chains of any length are fine."""
    size: dict[int, int] = {}
    on_path: dict[int, UseSpec | None] = {}
    stack: list[tuple[Spec, bool, UseSpec | None]] = [(root, False, None)]
    cap = 10 * max_nodes + 1
    while stack:
        spec, done, via = stack.pop()
        key = id(spec)
        if done:
            on_path.pop(key, None)
            if isinstance(spec, UseSpec):
                target = subtrees.get(spec.subtree)
                size[key] = size.get(id(target), 1) if target is not None else 1
            elif isinstance(spec, DecisionSpec):
                size[key] = min(cap, 1 + sum(size.get(id(s), 1) for _, s in spec.moves))
            elif isinstance(spec, ChanceSpec):
                size[key] = min(cap, 1 + sum(size.get(id(s), 1) for _, _, s in spec.outcomes))
            else:
                size[key] = 1
            continue
        if key in size:
            continue
        if key in on_path:
            names = [u.subtree for u in on_path.values() if u is not None] + [via.subtree if via else "?"]
            names = names[names.index(names[-1]):]
            errors.append(KimgameError(
                f"the sub-tree '{names[-1]}' is used inside itself ({' > '.join(names)}); a game tree must be finite",
                via.where if via else None))
            size[key] = 1
            continue
        on_path[key] = via
        stack.append((spec, True, via))
        if isinstance(spec, UseSpec):
            target = subtrees.get(spec.subtree)
            if target is None:
                known = ", ".join(subtrees) or "none are defined"
                errors.append(KimgameError(
                    f"no sub-tree named '{spec.subtree}'{suggest_name(spec.subtree, list(subtrees))} (sub-trees: {known}); "
                    "define it under 'subtrees:'", spec.where))
            else:
                stack.append((target, False, spec))
        elif isinstance(spec, DecisionSpec):
            for _, s in reversed(spec.moves):
                stack.append((s, False, None))
        elif isinstance(spec, ChanceSpec):
            for _, _, s in reversed(spec.outcomes):
                stack.append((s, False, None))
    return size.get(id(root), 1)
