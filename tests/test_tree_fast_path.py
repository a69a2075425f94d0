"""The fast paths for large trees agree exactly with the node-by-node paths: trees assembled into arrays
(kimgame.model.tree_arrays) against trees of node objects, backward induction on arrays
(kimgame.solvers.array_tree) against the stage-by-stage search — values, counts with ties, every option
and the equilibria listed in the same order — and what solve_tree reports."""

from __future__ import annotations

import random
from contextlib import contextmanager
from fractions import Fraction as F

import numpy as np
import pytest

import kimgame
import kimgame.model.tree as tree_module
from kimgame.analysis.solve_tree import solve_tree
from kimgame.errors import KimgameError, Location, ValidationErrors
from kimgame.limits import limits_in_force
from kimgame.model.nodes import TerminalSpec, chance, decision, terminal, use
from kimgame.model.parameters import Parameter
from kimgame.model.tree_arrays import TreeStore, arrays_from_nodes, structure_from_arity
from kimgame.model.tree_assembly import build_tree
from kimgame.solvers.array_numbers import pure_profile_check
from kimgame.solvers.array_results import ArraySPESearch
from kimgame.solvers.array_tree import array_search
from kimgame.solvers.backward_induction import stage_search
from kimgame.solvers.spe import backward_induction
from kimgame.solvers.subgames import (
    node_values,
    stages,
    subgame_perfection_failure,
    subgame_roots,
    tree_backend,
)

SLOW = 10**9


@contextmanager
def thresholds(build: int, solve: int = SLOW):
    """Set the sizes from which trees are assembled into arrays and solved on arrays (the limits
    array_nodes and array_nodes_per_level; with ``solve == 0`` whatever the tree's shape)."""
    saved = tree_module.ARRAY_MIN_NODES
    tree_module.ARRAY_MIN_NODES = build
    try:
        with limits_in_force({"array_nodes": max(solve, 1), **({"array_nodes_per_level": 1} if solve == 0 else {})}):
            yield
    finally:
        tree_module.ARRAY_MIN_NODES = saved


def both(players, spec, **kw):
    """The tree built into arrays and built node by node."""
    with thresholds(0):
        fast = build_tree(players, spec, **kw)
    with thresholds(SLOW):
        slow = build_tree(players, spec, **kw)
    assert isinstance(fast.nodes, TreeStore) and isinstance(slow.nodes, tuple)
    return fast, slow


def outcome(thunk):
    """The game built, or the problems reported (type and messages with places)."""
    try:
        return thunk()
    except ValidationErrors as err:
        return ("errors", [(e.message, e.where) for e in err.errors])
    except KimgameError as err:
        return ("error", err.message, err.where)


def probabilities(rng: random.Random, k: int) -> list:
    den = rng.choice([2, 3, 4, 5, 6])
    cuts = sorted(rng.randint(0, den) for _ in range(k - 1))  # zero probabilities happen
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, den])]
    return [F(p, den) if rng.random() < 0.7 else f"{p}/{den}" for p in parts]


def random_spec(rng: random.Random, players, size: int, *, tie: int = 2, chance_rate: float = 0.25,
                max_moves: int = 3, names: bool = False, outcomes: bool = False, halves: bool = False):
    """A random perfect-information tree with chance: payoffs 0..tie (ties everywhere; with ``halves``
    also -tie/2 .. tie/2 in steps of 1/2), moves from a few labels (so paths repeat labels), some nodes
    named, some terminals with outcome labels."""
    budget = [size]
    words = ["l", "r", "pass", "take"]

    def payoff():
        return F(rng.randint(-tie, tie), 2) if halves and rng.random() < 0.5 else rng.randint(0, tie)

    def node(depth: int):
        if budget[0] <= 0 or depth > 12 or (depth > 2 and rng.random() < 0.3):
            label = rng.choice(["deal", "war", None]) if outcomes else None
            return terminal(*[payoff() for _ in players], outcome=label)
        budget[0] -= 1
        k = rng.randint(2 if depth < 3 else 1, max(2, max_moves))
        if rng.random() < chance_rate:
            probs = probabilities(rng, k)
            return chance({f"c{j}": (probs[j], node(depth + 1)) for j in range(k)})
        labels = rng.sample(words, k) if rng.random() < 0.5 else ["pass"] + rng.sample(words[2:], k - 1)[:k - 1]
        labels = list(dict.fromkeys(labels)) or ["pass"]
        name = f"n{budget[0]}" if names and rng.random() < 0.1 else None
        return decision(rng.choice(players), {a: node(depth + 1) for a in labels}, name=name)

    return node(0)


# --------------------------------------------------------------------------------------------------
# structure


def test_structure_from_arity_matches_a_stack_walk():
    rng = random.Random(1)
    for _ in range(300):
        arity, open_slots, size = [], 1, rng.randint(1, 90)
        while open_slots:
            k = rng.choice([0, 0, 0, 1, 2, 3, 7]) if len(arity) < size else 0
            arity.append(k)
            open_slots += k - 1
        parent, slots = [-1] * len(arity), []
        for v, k in enumerate(arity):
            if v:
                slots[-1][1] -= 1
                parent[v] = slots[-1][0]
                if not slots[-1][1]:
                    slots.pop()
            if k:
                slots.append([v, k])
        kids = [[c for c in range(len(arity)) if parent[c] == v] for v in range(len(arity))]
        end = list(range(len(arity)))
        for v in range(len(arity) - 1, -1, -1):
            if kids[v]:
                end[v] = end[kids[v][-1]]
        got_parent, got_end, ptr, children = structure_from_arity(np.array(arity, dtype=np.int64))
        assert got_parent.tolist() == parent and got_end.tolist() == end
        assert children.tolist() == [c for ks in kids for c in ks] and ptr[-1] == len(arity) - 1


# --------------------------------------------------------------------------------------------------
# assembling


def same_game(fast, slow):
    assert tuple(fast.nodes) == slow.nodes
    assert dict(fast.infosets) == dict(slow.infosets)
    assert fast.parent == slow.parent and fast.subtree_end == slow.subtree_end
    assert fast.child_index == slow.child_index
    assert fast.terminal_values == slow.terminal_values and fast.chance_values == slow.chance_values
    assert fast.outcomes == slow.outcomes and fast.is_symbolic == slow.is_symbolic
    assert fast.is_perfect_information == slow.is_perfect_information
    assert dict(fast.own_history) == dict(slow.own_history)
    assert fast.plan_counts == slow.plan_counts
    for v in range(slow.num_nodes):
        assert fast.node_label(v) == slow.node_label(v) and fast.history(v) == slow.history(v)
        assert fast.move_label(v) == slow.move_label(v)
    arrays = arrays_from_nodes(slow.players, slow.nodes)
    for name in ("kind", "parent", "end", "child_ptr", "children", "player", "infoset", "arity"):
        assert getattr(fast.arrays, name).tolist() == getattr(arrays, name).tolist(), name


@pytest.mark.parametrize("seed", range(40))
def test_trees_assembled_into_arrays_are_the_same_games(seed):
    rng = random.Random(seed)
    players = ["A", "B", "C"][:rng.randint(1, 3)]
    spec = random_spec(rng, players, rng.randint(1, 120), names=seed % 3 == 0, outcomes=seed % 2 == 0)
    fast, slow = both(players, spec, title="t")
    same_game(fast, slow)
    assert fast.title == "t"


def test_shared_information_sets_references_and_runs():
    guess = {"h": terminal(1, -1), "t": terminal(-1, 1)}
    spec = decision("A", {
        "pass": decision("B", {"pass": decision("A", {"pass": decision("B", {"pass": terminal(0, 0),
                                                                             "take": terminal(3, 1)}),
                                                      "take": terminal(2, 2)}),
                               "take": terminal(1, 3)}),
        "in": chance({"x": (F(1, 3), decision("B", guess, infoset="guess")),
                      "y": (F(2, 3), decision("B", guess, infoset="guess"))}),
        "sub": decision("A", {"a": use("r"), "b": use("r")}, name="subs"),
    })
    reply = decision("B", {"yes": terminal(1, 1, outcome="deal"), "no": terminal(0, 0)})
    fast, slow = both(["A", "B"], spec, subtrees={"r": reply})
    same_game(fast, slow)
    assert "pass ×3" in fast.infosets and fast.infosets["guess"].nodes == slow.infosets["guess"].nodes
    assert not fast.is_perfect_information


def test_parameters_values_and_locations():
    params = [Parameter("W", F(10), F(0), F(100)), Parameter("p", F(1, 2), F(0), F(1))]
    here = Location("game.yaml", 3, 5)
    rng = random.Random(5)
    leaves = [TerminalSpec(("W - 1", rng.randint(0, 3)), None, None, here) for _ in range(6)]
    spec = decision("A", {"a": chance({"u": ("p", leaves[0]), "d": ("1 - p", leaves[1])}),
                          "b": decision("B", {"x": leaves[2], "y": terminal("W/2", "2*W")}),
                          "c": chance({"u": ("p/2", leaves[3]), "d": ("1 - p/2", leaves[4])})})
    fast, slow = both(["A", "B"], spec, parameters=params)
    same_game(fast, slow)
    assert fast.is_symbolic
    moved_fast, moved_slow = fast.with_values(W=F(40), p=F(1, 5)), slow.with_values(W=F(40), p=F(1, 5))
    same_game(moved_fast, moved_slow)
    assert outcome(lambda: fast.with_values(p=F(3))) == outcome(lambda: slow.with_values(p=F(3)))
    with thresholds(0, 0):
        same_search(array_search(moved_fast), stage_search(moved_slow))


def bad_specs():
    ok = decision("B", {"x": terminal(1, 1), "y": terminal(0, 0)})
    yield "unknown player", lambda: (["A", "B"], decision("C", {"a": terminal(0, 0)})), {}
    yield "repeated action", lambda: (["A", "B"], decision("A", [("a", terminal(0, 0)), ("a", terminal(1, 1))])), {}
    yield "no moves", lambda: (["A", "B"], decision("A", {"a": decision("B", {}), "b": ok})), {}
    yield "sum", lambda: (["A", "B"], chance({"u": ("1/2", ok), "d": ("1/3", terminal(0, 0))})), {}
    yield "outside [0, 1]", lambda: (["A", "B"], chance({"u": ("3/2", ok), "d": ("-1/2", terminal(0, 0))})), {}
    yield "payoff count", lambda: (["A", "B"], decision("A", {"a": terminal(1), "b": ok})), {}
    yield "float after equal fraction", lambda: (["A", "B"], decision("A", {"a": terminal(F(1, 2), 1),
                                                                            "b": terminal(0.5, 1)})), {}
    yield "unhashable payoff", lambda: (["A", "B"], decision("A", {"a": terminal([1], 1), "b": terminal(1, 1)})), {}
    yield "bool after equal int", lambda: (["A", "B"], decision("A", {"a": terminal(1, 1), "b": terminal(True, 1)})), {}
    yield "name used twice", lambda: (["A", "B"], decision("A", {"a": decision("B", {"x": terminal(0, 0)}, name="n"),
                                                                 "b": decision("B", {"x": terminal(0, 0)}, name="n")})), {}
    yield "name is a path", lambda: (["A", "B"], decision("A", {"a": decision("B", {"x": terminal(0, 0)}),
                                                                "b": decision("B", {"x": terminal(0, 0)}, name="a")})), {}
    yield "infoset is the root's path", lambda: (["A", "B"], decision("A", {"a": decision("B", {"x": terminal(0, 0)},
                                                                                          infoset="root")})), {}
    yield "move called root", lambda: (["A", "B"], decision("A", {"root": decision("B", {"x": terminal(0, 0)})})), {}
    yield "labels with separators", lambda: (["A", "B"], decision("A", {
        "a > b": decision("B", {"x": terminal(0, 0)}),
        "a": decision("B", {"b": decision("A", {"z": terminal(1, 1)}), "c": terminal(2, 2)})})), {}
    yield "separators, no clash", lambda: (["A", "B"], decision("A", {"a > b": ok, "c ×3": ok})), {}
    yield "unknown sub-tree", lambda: (["A", "B"], decision("A", {"a": use("nope"), "b": ok})), {}
    yield "cycle", lambda: (["A", "B"], decision("A", {"a": use("s"), "b": ok})), {
        "subtrees": {"s": decision("B", {"x": use("s"), "y": terminal(0, 0)})}}
    yield "too many nodes", lambda: (["A", "B"], decision("A", {"a": ok, "b": ok})), {"max_nodes": 5}
    yield "infoset, other actions", lambda: (["A", "B"], chance({
        "u": (F(1, 2), decision("B", {"x": terminal(0, 0), "y": terminal(1, 1)}, infoset="I")),
        "d": (F(1, 2), decision("B", {"x": terminal(0, 0), "z": terminal(1, 1)}, infoset="I"))})), {}
    yield "perfect recall", lambda: (["A", "B"], decision("B", {
        "l": decision("A", {"x": decision("B", {"p": terminal(0, 0)}, infoset="J"), "y": terminal(1, 1)}),
        "r": decision("B", {"p": terminal(2, 2)}, infoset="J")})), {}
    yield "division by zero", lambda: (["A", "B"], decision("A", {"a": terminal("W/Z", 1), "b": ok})), {
        "parameters": [Parameter("W", F(1)), Parameter("Z", F(0))]}
    yield "bad expression", lambda: (["A", "B"], decision("A", {"a": terminal("W +", 1), "b": ok})), {
        "parameters": [Parameter("W", F(1))]}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(bad_specs()), ids=[c[0] for c in bad_specs()])
def test_the_same_problems_are_reported(case):
    _, make, kw = case
    players, spec = make()
    with thresholds(0):
        fast = outcome(lambda: build_tree(players, spec, **kw))
    with thresholds(SLOW):
        slow = outcome(lambda: build_tree(players, spec, **kw))
    if isinstance(slow, tuple):
        assert fast == slow
    else:
        same_game(fast, slow)


@pytest.mark.slow
def test_a_large_yaml_tree_loads_the_same(write_yaml):
    rng = random.Random(3)

    def node(depth: int) -> str:
        if depth == 0:
            return f"{{payoffs: [{rng.randint(0, 3)}, {rng.randint(0, 3)}]}}"
        if depth % 3 == 1:
            return f"{{chance: {{u: {{prob: p, then: {node(depth - 1)}}}, d: {{prob: 1 - p, then: {node(depth - 1)}}}}}}}"
        who = "A" if depth % 2 else "B"
        return f"{{player: {who}, moves: {{l: {node(depth - 1)}, r: {node(depth - 1)}}}}}"

    text = ("kimgame: 1\nplayers: [A, B]\nparameters:\n  p: {value: 1/3, range: [0, 1]}\n"
            f"tree: {node(11)}\n")
    path = write_yaml(text)
    with thresholds(0):
        fast = kimgame.load(path)
    with thresholds(SLOW):
        slow = kimgame.load(path)
    assert isinstance(fast.nodes, TreeStore) and fast.num_nodes == 4095
    same_game(fast, slow)
    assert fast.nodes[5].where == slow.nodes[5].where is not None


# --------------------------------------------------------------------------------------------------
# backward induction


def same_search(fast, slow, limit: int = 60):
    assert isinstance(fast, ArraySPESearch)
    assert fast.total == slow.total
    assert fast.root_values() == slow.root_values()
    assert fast.counts == slow.counts
    assert fast.cut_short == slow.cut_short and fast.notes == slow.notes
    assert set(fast.options) == set(slow.options)
    for v in slow.options:
        assert fast.options[v] == slow.options[v], v
    got, want = fast.profiles(limit), slow.profiles(limit)
    assert got == want
    for a, b in zip(got, want):
        assert fast.behavior(a) == slow.behavior(b)


def pi_tree(seed: int, size: int = 150, **kw):
    rng = random.Random(seed)
    players = ["A", "B", "C"][:rng.randint(1, 3)]
    with thresholds(0):
        return build_tree(players, random_spec(rng, players, size, **kw))


@pytest.mark.parametrize("seed", range(60))
def test_array_search_agrees_with_the_stage_search(seed):
    game = pi_tree(seed, size=random.Random(seed).randint(1, 200), tie=1 + seed % 3, halves=seed % 4 == 1)
    with thresholds(0, 0):
        fast = array_search(game, combination_limit=10_000)
    if game.num_nodes == 1:
        assert fast is None
        return
    same_search(fast, stage_search(game))


def test_combination_limit_cuts_the_same_equilibria():
    cut = 0
    for seed in range(12):
        game = pi_tree(100 + seed, size=300, tie=1, chance_rate=0.4, max_moves=2)
        with thresholds(0, 0):
            fast = array_search(game, combination_limit=3)
        if fast is None:
            continue
        slow = stage_search(game, combination_limit=3)
        same_search(fast, slow)
        cut += slow.cut_short
    assert cut >= 3


def complete_tree_spec(depth: int, seed: int):
    """The benchmark's trees (benchmarks/run.py): complete binary, A and B alternate, every third level a
    chance move (1/3, 2/3), payoffs 0..9."""
    rng = random.Random(seed)

    def build(level: int):
        if level == depth:
            return terminal(rng.randint(0, 9), rng.randint(0, 9))
        if level % 3 == 2:
            return chance({"lo": ("1/3", build(level + 1)), "hi": ("2/3", build(level + 1))})
        return decision("A" if level % 3 == 0 else "B", {"l": build(level + 1), "r": build(level + 1)})

    return build(0)


def test_a_complete_tree_with_many_ties_and_chance():
    with thresholds(0):
        game = build_tree(["A", "B"], complete_tree_spec(10, seed=10))
    fast = backward_induction(game)
    assert isinstance(fast, ArraySPESearch)
    same_search(fast, stage_search(game), limit=200)
    assert fast.total > 10**15


def test_deep_or_overflowing_trees_go_to_the_general_path():
    node = terminal(5001, 5000)
    for m in range(5000, 0, -1):
        node = decision("A" if m % 2 else "B", {"take": terminal(m + 1, m - 1) if m % 2 else terminal(m - 1, m + 1),
                                               "pass": node})
    with thresholds(0):
        deep = build_tree(["A", "B"], node)
    assert tree_backend(deep) == "array stages"  # 5001 levels of 2 nodes: one by one is faster
    found = backward_induction(deep)
    assert not isinstance(found, ArraySPESearch) and found.total == 1
    with thresholds(0, 0):
        same_search(array_search(deep), found)
    rng = random.Random(2)
    prime = 2**31 - 1
    spec = random_spec(rng, ["A", "B"], 400, chance_rate=0.0)

    def deepen(spec, k):
        for _ in range(k):
            spec = chance({"u": (F(1, prime), spec), "d": (F(prime - 1, prime), spec)})
        return spec

    with thresholds(0, 0):
        wide = build_tree(["A", "B"], decision("A", {"a": deepen(spec, 3), "b": spec}))
        assert array_search(wide) is None
        assert backward_induction(wide).total >= 1


def test_stages_of_a_large_perfect_information_tree():
    game = pi_tree(7, size=400)
    with thresholds(0, 0):
        fast = stages(game)
        roots = subgame_roots(game)
    with thresholds(0, SLOW):
        slow = stages(game)
        assert subgame_roots(game) == roots == slow.roots
    assert fast.roots == slow.roots and fast.trivial == slow.trivial
    assert dict(fast.cuts) == dict(slow.cuts) and fast.enclosing == slow.enclosing


@pytest.mark.parametrize("seed", range(6))
def test_solve_tree_reports_the_same(seed):
    rng = random.Random(seed)
    spec = random_spec(rng, ["A", "B"], 900, outcomes=True, names=True)
    with thresholds(0, 0):
        game = build_tree(["A", "B"], spec)
        fast = solve_tree(game, method="spe")
    with thresholds(SLOW):
        slow_game = build_tree(["A", "B"], spec)
        slow = solve_tree(slow_game, method="spe")
    assert fast.equilibria == slow.equilibria
    assert fast.tree == slow.tree and fast.notes == slow.notes and fast.complete == slow.complete


def test_the_array_check_finds_a_profitable_deviation():
    game = pi_tree(11, size=300, tie=5)
    with thresholds(0, 0):
        found = array_search(game)
        behavior = found.behavior(found.profiles(1)[0])
        ok, value = pure_profile_check(game, behavior)
    assert ok and value == node_values(game, behavior)[0]
    for v in range(game.num_nodes):  # move one mover to a worse action
        node = game.nodes[v]
        if node.kind != "decision":
            continue
        values = node_values(game, behavior)
        mine = [values[c][node.player] for c in node.children]
        worse = [k for k, x in enumerate(mine) if x < max(mine)]
        if worse:
            changed = dict(behavior)
            changed[node.infoset] = tuple(F(int(j == worse[0])) for j in range(len(mine)))
            with thresholds(0, 0):
                assert pure_profile_check(game, changed)[0] is False
            assert subgame_perfection_failure(game, changed) is not None
            break
    else:
        pytest.fail("no decision with a worse action")
