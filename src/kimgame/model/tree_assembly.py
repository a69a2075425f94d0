"""Assembling a game tree from specs: :func:`build_tree` (the API) and :func:`assemble` (shared with the
payoff-file and Gambit ``.efg`` readers), the one way a tree is made.

:func:`assemble` runs the cheap checks first. One preorder walk over the specs writes the tree's columns
(:class:`kimgame.model.tree_arrays.Columns`): kind, parent, subtree end, children, mover, and the raw move
labels and payoffs. When it meets a ``use:`` reference to a sub-tree it has not checked yet, it first counts
that sub-tree on its specs (each shared spec once: :class:`_Sizes`), finding unknown sub-trees and reference
cycles, and refuses the tree if expanding the sub-tree would pass the size limit — so a file whose sub-trees
are circular or multiply to billions of nodes is refused in milliseconds, before anything is expanded; a
tree written out in full stops at the limit. The rest works per *distinct* label, payoff vector and probability (a generated tree
has few): label codes, formulas, sibling labels, information sets. Every problem is reported with its
place, in the order of the nodes, whatever the tree's size; the result is a
:class:`kimgame.model.tree_arrays.TreeStore`.

Default information-set labels (paths of moves, see :mod:`kimgame.model.tree`) are checked for clashes
without writing them out: with no '>' or '×' in any move label distinct paths are written differently, so
only the explicit labels need reading back as paths. When that quick test cannot vouch for the labels,
every label is written and the clashes are worded. The checks of an assembled tree (information sets,
perfect recall, chance probabilities) are :func:`kimgame.model.tree_checks.tree_problems`.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections.abc import Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from kimgame.errors import KimgameError, Location, ValidationErrors, suggest
from kimgame.expr.parse import parse_formula
from kimgame.expr.tree import Formula, Num
from kimgame.limits import current_limits, too_large
from kimgame.model.claims import Claim
from kimgame.model.nodes import (
    ChanceSpec,
    DecisionSpec,
    Spec,
    TerminalSpec,
    UseSpec,
    gc_paused,
    path_label,
)
from kimgame.model.parameters import Parameter, resolve_values
from kimgame.model.tree import ExtensiveFormGame
from kimgame.model.tree_arrays import CHANCE, DECISION, TERMINAL, Columns, TreeArrays, TreeStore, path_labels
from kimgame.model.tree_checks import tree_problems, where_text

__all__ = ["assemble", "build_tree"]

_EXACT_TYPES = frozenset({int, str, Fraction, Formula})  # raw payloads whose equality is their meaning


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
    """Expand ``use:`` references and number the nodes in preorder; returns the game (None if it cannot be
    built) and the problems found: unknown sub-trees, reference cycles and a size over ``max_nodes``
    (default: the ``nodes`` limit in force) before anything is expanded; then unknown players, nodes
    without moves, repeated move labels, formulas that do not parse, payoff counts and information-set
    labels that clash."""
    players = tuple(players)
    if max_nodes is None:
        max_nodes = current_limits().nodes
    with gc_paused():  # millions of acyclic objects are made and none freed: nothing to collect
        return _Assembly(players, subtrees, parameters, values, max_nodes).run(root)


class _Assembly:
    """One assembly: the walk (:meth:`walk`), then the work per distinct label, formula and vector."""

    def __init__(self, players: tuple[str, ...], subtrees: Mapping[str, Spec], parameters: tuple[Parameter, ...],
                 values: Mapping[str, Fraction], max_nodes: int) -> None:
        self.players = players
        self.max_nodes = max_nodes
        self.sizes = _Sizes(subtrees, max_nodes)
        self.reference_errors: list[KimgameError] = []
        self.subtrees = subtrees
        self.parameters = parameters
        self.values = values
        self.names = [p.name for p in parameters]
        self.found: list[tuple[int, int, KimgameError]] = []  # (node, order within the node, problem)
        self.marked: list[int] = []  # decision nodes with 'infoset:' or 'name:'
        self.memo: dict[Any, Formula | KimgameError] = {}

    def problem(self, v: int, order: int, message: str, where: Location | None) -> None:
        self.found.append((v, order, KimgameError(message, where)))

    def run(self, root: Spec) -> tuple[ExtensiveFormGame | None, list[KimgameError]]:
        walked = self.walk(root)
        if walked is None:  # a reference that is unknown or circular, or a tree over the size limit
            return None, self.reference_errors
        specs, kind, arity, parent, end, player, infoset, children, raw_labels, keys, payoff_raw = walked
        child_ptr = array("q", itertools.accumulate(arity, initial=0))
        labels, move = _label_codes(raw_labels)
        self.sibling_problems(specs, kind, arity, parent, move, labels, child_ptr, children)
        prob, probs = self.probabilities(specs, kind, child_ptr, children)
        payoff, payoffs = self.payoffs(specs, kind, keys, payoff_raw)
        columns = Columns(kind, arity, parent, end, player, infoset, move, prob, payoff, child_ptr, children)
        arrays = TreeArrays(columns, 0, labels, probs, payoffs)
        label_errors, explicit, num_infosets = self.information_sets(specs, arrays)
        errors = [err for _, _, err in sorted(self.found, key=lambda x: (x[0], x[1]))] + label_errors
        if errors:
            return None, errors
        arrays.num_infosets = num_infosets
        store = TreeStore(arrays, specs, explicit)
        return ExtensiveFormGame(players=self.players, nodes=store, parameters=self.parameters,
                                 values=MappingProxyType(dict(self.values))), []

    def walk(self, root: Spec) -> tuple | None:
        """One preorder walk over the specs with references expanded, writing the columns that need the
        specs at hand (a second pass over a million scattered objects costs as much as the walk). Each
        sub-tree is checked when first used, before it is expanded (:class:`_Sizes`); None when a reference is
        unknown or circular or the tree would exceed the size limit (the problems are in
        :attr:`reference_errors`)."""
        subtrees, sizes, max_nodes = self.subtrees, self.sizes, self.max_nodes
        pidx = {p: i for i, p in enumerate(self.players)}
        specs: list[Spec] = []
        kind = bytearray()
        arity = array("q")
        parent = array("q")
        player = array("q")
        infoset = array("q")  # each decision node its own information set until labels say otherwise
        decisions = 0
        end: list[int] = []
        slot_of = [0]  # the children in CSR order; slot 0 holds the root
        raw_labels: list[Any] = []
        keys: list[Any] = []  # per terminal: its payoffs, with its place if it has one
        payoff_raw: list[Any] = []  # per terminal: its payoffs
        above = [-1]  # the nodes whose subtrees are being walked
        slots = [0]  # the next free child slot of each of them
        used = 1  # nodes walked or waiting on the stack
        stack: list[Any] = [(None, root)]
        pop, push, add_spec, add_kind, add_arity, add_parent, add_player, add_label, add_end, add_slots = (
            stack.pop, stack.extend, specs.append, kind.append, arity.append, parent.append, player.append,
            raw_labels.append, end.append, slot_of.extend)
        add_key, add_raw, add_infoset, mark = keys.append, payoff_raw.append, infoset.append, self.marked.append
        while stack:
            item = pop()
            if item is None:  # pushed below a node's moves: its subtree is done
                end[above.pop()] = len(specs) - 1
                slots.pop()
                continue
            v = len(specs)
            spec = item[-1]
            t = type(spec)
            if t is UseSpec:
                size = sizes.of(spec, self.reference_errors)
                if self.reference_errors:  # reported at the end: the rest is walked only to find more
                    continue
                if used + size - 1 > max_nodes:  # refused before the sub-tree is expanded
                    self.too_large(root)
                    return None
                while t is UseSpec:
                    spec = subtrees[spec.subtree]
                    t = type(spec)
            add_spec(spec)
            add_label(item[0])
            add_parent(above[-1])
            add_end(v)
            s = slots[-1]
            slot_of[s] = v
            slots[-1] = s + 1
            if t is TerminalSpec:
                add_kind(TERMINAL)
                add_arity(0)
                add_player(-1)
                add_infoset(-1)
                pays = spec.payoffs
                add_raw(pays)
                add_key(pays if spec.where is None else (pays, spec.where))
                continue
            if t is DecisionSpec:
                moves = spec.moves
                add_kind(DECISION)
                who = spec.player
                i = pidx.get(who, -1) if type(who) is str else -1
                add_player(i)
                add_infoset(decisions)
                decisions += 1
                if spec.infoset is not None or spec.name is not None:
                    mark(v)
                if i < 0:
                    self.problem(v, 0, f"'{who}' is not a player{suggest(str(who), self.players)} "
                                       f"(players: {', '.join(self.players)})", spec.where)
                if not moves:
                    self.problem(v, 1, "a decision node needs at least one move under 'moves'", spec.where)
            elif t is ChanceSpec:
                moves = spec.outcomes
                add_kind(CHANCE)
                add_player(-1)
                add_infoset(-1)
                if not moves:
                    self.problem(v, 1, "a chance node needs at least one outcome", spec.where)
            else:
                raise TypeError(f"not a node spec: {spec!r}")
            m = len(moves)
            add_arity(m)
            above.append(v)
            slots.append(len(slot_of))
            add_slots(itertools.repeat(0, m))
            used += m
            if used > max_nodes:
                self.too_large(root)
                return None
            push((None,))
            push(moves[::-1])
        if self.reference_errors:
            return None
        children = array("q", slot_of[1:])
        return specs, kind, arity, parent, array("q", end), player, infoset, children, raw_labels, keys, payoff_raw

    def too_large(self, root: Spec) -> None:
        """Report a tree over the size limit, with its size once sub-trees are expanded."""
        size = self.sizes.of(root, self.reference_errors)
        if self.reference_errors:
            return
        shown = size if size <= 10 * self.max_nodes else f"more than {10 * self.max_nodes:,}"
        self.reference_errors.append(KimgameError(
            too_large("the tree", shown, "nodes once sub-trees are expanded", "nodes", limit=self.max_nodes)
            + "; sub-trees used repeatedly multiply the size", root.where))
        return

    def sibling_problems(self, specs: list[Spec], kind: bytearray, arity: array, parent: array, move: array,
                         labels: Sequence[str], child_ptr: array, children: array) -> None:
        """Repeated action or outcome labels at one node (one set of (parent, label) pairs says if any)."""
        n = len(specs)
        if n < 2:
            return
        k = len(labels)
        pairs = set(map(operator.add, map(operator.mul, parent[1:], itertools.repeat(k)), move[1:]))
        if len(pairs) == n - 1:
            return
        for v in range(n):
            if arity[v] < 2:
                continue
            codes = [move[c] for c in children[child_ptr[v]:child_ptr[v + 1]]]
            if len(set(codes)) == len(codes):
                continue
            if kind[v] == DECISION:
                shown = ", ".join(labels[c] for c in codes)
                self.problem(v, 2, f"a decision node has the same action label twice ({shown})", specs[v].where)
            else:
                self.problem(v, 2, "a chance node has the same outcome label twice", specs[v].where)

    def formula(self, x: Any, where: Location | None, v: int, order: int, what: str) -> Formula:
        """The formula of a payoff or probability as written (each distinct one parsed once); a problem
        is reported at node ``v`` (and a zero stands in) when it does not parse."""
        if type(x) is Formula:
            return x
        key = (x, where) if type(x) in _EXACT_TYPES else None
        f = self.memo.get(key) if key is not None else None
        if f is None:

            try:
                f = parse_formula(x, self.names, where)
            except KimgameError as err:
                f = err
            if key is not None:
                self.memo[key] = f
        if isinstance(f, KimgameError):
            self.problem(v, order, f"{what}: {f.message}", f.where or where)
            return Formula(Num(Fraction(0)), "0", where)
        return f

    def probabilities(self, specs: list[Spec], kind: bytearray, child_ptr: array,
                      children: array) -> tuple[array, list[Formula]]:
        """The ``prob`` column and the table of distinct probability formulas."""
        prob = array("q", [-1]) * len(specs)
        table: list[Formula] = []
        codes: dict[int, int] = {}
        memo = self.memo
        v = kind.find(CHANCE)
        while v >= 0:
            spec: Any = specs[v]
            where = spec.where
            slot = child_ptr[v]
            for k, (label, x, _) in enumerate(spec.outcomes):
                f = x if type(x) is Formula else memo.get((x, where)) if type(x) in _EXACT_TYPES else None
                if type(f) is not Formula:  # not parsed yet, or a problem to report here too
                    f = self.formula(x, where, v, 3 + k, f"probability of '{label}'")
                code = codes.get(id(f))
                if code is None:
                    code = codes[id(f)] = len(table)
                    table.append(f)
                prob[children[slot + k]] = code
            v = kind.find(CHANCE, v + 1)
        return prob, table

    def payoffs(self, specs: list[Spec], kind: bytearray, keys: list[Any],
                payoff_raw: list[Any]) -> tuple[array, list[tuple[Formula, ...]]]:
        """The ``payoff`` column and the table of distinct payoff vectors; one vector per distinct written
        vector and place (each terminal its own when some payoff is of a type whose equality is not its
        meaning: a float or bool equals an int, and a list cannot be compared at all)."""
        terminals = list(itertools.compress(range(len(kind)), map(operator.not_, kind)))
        types = set(map(type, itertools.chain.from_iterable(payoff_raw)))
        if types <= {Formula}:  # formulas already: the same objects are the same vector, wherever written
            keys = [tuple(map(id, pays)) for pays in payoff_raw]
        if types <= _EXACT_TYPES:
            distinct: dict[Any, int] = {}
            codes = array("q", [distinct.setdefault(key, len(distinct)) for key in keys])
            firsts: list[int] = []  # the first terminal of each code (codes are numbered in order of first appearance)
            for v, code in zip(terminals, codes):
                if code == len(firsts):
                    firsts.append(v)
                    if len(firsts) == len(distinct):
                        break
        else:
            codes = array("q", range(len(terminals)))
            firsts = terminals
        players = self.players
        table: list[tuple[Formula, ...]] = []
        bad: set[int] = set()
        for code, v in enumerate(firsts):
            spec: Any = specs[v]
            before = len(self.found)
            if len(spec.payoffs) != len(players):
                self.problem(v, 3, f"a terminal needs {len(players)} payoffs [{', '.join(players)}], "
                                   f"found {len(spec.payoffs)}", spec.where)
                table.append(tuple(Formula(Num(Fraction(0)), "0", spec.where) for _ in players))
            else:
                table.append(tuple(self.formula(x, spec.where, v, 3 + k, f"payoff of {who}")
                                   for k, (who, x) in enumerate(zip(players, spec.payoffs))))
            if len(self.found) > before:
                bad.add(code)
        if bad:  # the same problem at every terminal written the same way
            reported = {v: [e for e in self.found if e[0] == v] for v in (firsts[c] for c in bad)}
            for v, code in zip(terminals, codes):
                if code in bad and v not in reported:
                    self.found.extend((v, order, err) for _, order, err in reported[firsts[code]])
        payoff = array("q", [-1]) * len(specs)
        for v, code in zip(terminals, codes):
            payoff[v] = code
        return payoff, table

    def information_sets(self, specs: list[Spec], arrays: TreeArrays) -> tuple[list[KimgameError], dict[int, str], int]:
        """The information sets: the ``infoset`` column (rewritten in ``arrays`` when labels join nodes), the
        labels given by 'infoset:' or 'name:' by information set, and the number of sets; or the problems of
        labels that clash."""
        c = arrays.columns
        users: dict[str, list[int]] = {}  # labels given by 'infoset:' or 'name:' -> their nodes
        by_name: set[str] = set()
        for v in self.marked:
            spec: Any = specs[v]
            if spec.infoset is not None:
                users.setdefault(str(spec.infoset), []).append(v)
            else:
                users.setdefault(str(spec.name), []).append(v)
                by_name.add(str(spec.name))
        named_twice = any(len(vs) > 1 and label in by_name for label, vs in users.items())
        if named_twice or not _path_labels_distinct(users, set(self.marked), arrays):
            errors = _label_clashes(specs, arrays)
            if errors:
                return errors, {}, 0
        infoset = c.infoset
        if all(len(vs) == 1 for vs in users.values()):  # every decision node is its own information set
            return [], {infoset[vs[0]]: label for label, vs in users.items()}, c.kind.count(DECISION)
        ids: dict[Any, int] = {}
        label_of = {v: label for label, vs in users.items() for v in vs}
        for v in itertools.compress(range(len(c.kind)), map(DECISION.__eq__, c.kind)):
            label = label_of.get(v)
            infoset[v] = ids.setdefault(label if label is not None else v, len(ids))
        return [], {ids[label]: label for label in users}, len(ids)


def _label_codes(raw: list[Any]) -> tuple[list[str], array]:
    """The distinct move labels (as text, in order of first appearance) and the code of the move into each
    node (-1 for the root, whose entry in ``raw`` is None)."""
    if not set(map(type, raw[1:])) <= {str}:
        raw = [None, *map(str, raw[1:])]
    codes: dict[Any, int] = {x: k for k, x in enumerate(dict.fromkeys(raw[1:]))}
    labels = list(codes)
    codes[None] = -1
    return labels, array("q", map(codes.__getitem__, raw))


def _label_clashes(specs: list[Spec], arrays: TreeArrays) -> list[KimgameError]:
    """The clashes of information-set labels, every label written out: default labels (a node's name or
    path of moves) may not be shared; sharing an information set is said with 'infoset:'."""
    paths = path_labels(arrays)
    label_users: dict[str, list[int]] = {}
    default: dict[int, str] = {}  # how the nodes labelled by default got their label
    for v in itertools.compress(range(arrays.size), map(DECISION.__eq__, arrays.columns.kind)):
        spec: Any = specs[v]
        if spec.infoset is not None:
            label = str(spec.infoset)
        elif spec.name is not None:
            label, default[v] = str(spec.name), "its name"
        else:
            label, default[v] = str(paths[v]), "its path of moves"
        label_users.setdefault(label, []).append(v)
    errors = []
    for label, vs in label_users.items():
        defaulted = [v for v in vs if v in default]
        if len(vs) < 2 or not defaulted:
            continue
        v = defaulted[0]
        other = vs[0] if vs[0] != v else vs[1]
        here, there = specs[v].where, specs[other].where
        if there is not None and there == here:
            errors.append(KimgameError(
                f"the decision node labelled '{label}' (by {default[v]}) appears {len(vs)} times in the tree (a "
                "sub-tree used more than once, or a YAML alias); the label would make the copies one information "
                f"set — drop 'name:' so each copy is labelled by its path, or write 'infoset: {label}' if the "
                "player cannot tell the copies apart", here))
            continue
        errors.append(KimgameError(
            f"the information-set label '{label}' (from {default[v]}) is also the label of the decision node at "
            f"{where_text(there)}; nodes share an information set only when each says "
            f"'infoset: {label}' — rename one (or drop 'name:'), or write 'infoset: {label}' on every node the "
            "player cannot tell apart", here))
    return errors


def _path_labels_distinct(users: Mapping[str, list[int]], explicit: set[int], arrays: TreeArrays) -> bool:
    """True when no two decision nodes labelled by their path of moves share a label and none has a label
    given to another node with 'infoset:' or 'name:'.

    Paths are written unambiguously when no move label contains '>' or '×' (the separators of the path
    notation): distinct paths then give distinct labels, except that the root is "root" and so is a path
    of one move "root". Each explicit label is read back as a path and looked up."""
    labels = arrays.labels
    c = arrays.columns
    if len(explicit) == c.kind.count(DECISION):  # no node is labelled by its path
        return True
    if any(">" in x or "×" in x for x in labels):
        return False
    kind, move, ptr, children = c.kind, c.move, c.child_ptr, c.children

    def child(v: int, label: str) -> int | None:
        for x in children[ptr[v]:ptr[v + 1]]:
            if labels[move[x]] == label:
                return x
        return None

    def by_path(v: int) -> bool:  # a decision node labelled by its path
        return kind[v] == DECISION and v not in explicit

    root_child = child(0, "root") if kind[0] != TERMINAL else None
    if by_path(0) and root_child is not None and by_path(root_child):
        return False
    for label in users:
        if label == "root":
            if by_path(0) or (root_child is not None and by_path(root_child)):
                return False
            continue
        history = _read_path(label)
        if history is None:
            continue
        at: int | None = 0
        for m in history:
            at = child(at, m) if at is not None else None
        if at is not None and by_path(at):
            return False
    return True


def _read_path(label: str) -> list[str] | None:
    """The moves of a path label (None if ``label`` is not one a path is written as)."""
    history: list[str] = []
    for part in label.split(" > "):
        if "×" in part:
            head, _, count = part.rpartition(" ×")
            if not count.isdigit() or str(int(count)) != count:
                return None
            history.extend([head] * int(count))
        else:
            history.append(part)
    return history if path_label(history) == label else None


class _Sizes:
    """The number of nodes of specs once references are expanded, memoised over shared specs (so a sub-tree
    used a million times is counted once); it finds unknown and circular references on the way.
    Iterative: reference chains of any length are fine."""

    def __init__(self, subtrees: Mapping[str, Spec], max_nodes: int) -> None:
        self.subtrees = subtrees
        self.cap = 10 * max_nodes + 1
        self.size: dict[int, int] = {}

    def of(self, start: Spec, errors: list[KimgameError]) -> int:
        """The expanded size of ``start`` (at most ``10 * max_nodes + 1``); problems are added to ``errors``."""
        subtrees, size, cap = self.subtrees, self.size, self.cap
        on_path: dict[int, UseSpec | None] = {}
        stack: list[tuple[Spec, bool, UseSpec | None]] = [(start, False, None)]
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
                    f"the sub-tree '{names[-1]}' is used inside itself ({' > '.join(names)}); a game tree must be "
                    "finite", via.where if via else None))
                size[key] = 1
                continue
            on_path[key] = via
            stack.append((spec, True, via))
            if isinstance(spec, UseSpec):
                target = subtrees.get(spec.subtree)
                if target is None:
                    known = ", ".join(subtrees) or "none are defined"
                    errors.append(KimgameError(
                        f"no sub-tree named '{spec.subtree}'{suggest(spec.subtree, list(subtrees))} (sub-trees: "
                        f"{known}); define it under 'subtrees:'", spec.where))
                else:
                    stack.append((target, False, spec))
            elif isinstance(spec, DecisionSpec):
                for _, s in reversed(spec.moves):
                    stack.append((s, False, None))
            elif isinstance(spec, ChanceSpec):
                for _, _, s in reversed(spec.outcomes):
                    stack.append((s, False, None))
        return size.get(id(start), 1)
