"""The one tree store and the two solver backends: trees assembled into the store (kimgame.model.tree_arrays)
against the specs expanded by a reference walk written for the tests, and the problems they report;
backward induction on arrays (kimgame.solvers.array_tree) against the stage-by-stage search — values,
counts with ties, every option and the equilibria listed in the same order — and what solve_tree reports."""

from __future__ import annotations

import random
from contextlib import contextmanager
from fractions import Fraction as F

import pytest

import kimgame
from kimgame.analysis.solve_tree import solve_tree
from kimgame.errors import KimgameError, Location, ValidationErrors
from kimgame.expr.parse import parse_formula
from kimgame.limits import limits_in_force
from kimgame.model.nodes import (
    ChanceSpec,
    DecisionSpec,
    TerminalSpec,
    UseSpec,
    chance,
    decision,
    path_label,
    terminal,
    use,
)
from kimgame.model.parameters import Parameter
from kimgame.model.tree import plan_counts
from kimgame.model.tree_arrays import TreeStore
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
def thresholds(solve: int = SLOW):
    """Set the size from which trees are solved on arrays (the limits array_nodes and
    array_nodes_per_level; with ``solve == 0`` whatever the tree's shape)."""
    with limits_in_force({"array_nodes": max(solve, 1), **({"array_nodes_per_level": 1} if solve == 0 else {})}):
        yield


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
# assembling


def expand(players, spec, subtrees=None):
    """The reference: the specs expanded by a plain walk, one dict per node in preorder."""
    out = []
    stack = [(spec, -1, ())]
    while stack:
        spec, parent, history = stack.pop()
        while isinstance(spec, UseSpec):
            spec = subtrees[spec.subtree]
        v = len(out)
        node = {"parent": parent, "history": history, "name": spec.name, "children": []}
        out.append(node)
        if parent >= 0:
            out[parent]["children"].append(v)
        if isinstance(spec, TerminalSpec):
            node.update(kind="terminal", payoffs=spec.payoffs, outcome=spec.outcome, where=spec.where)
            continue
        if isinstance(spec, DecisionSpec):
            moves = [(str(a), sub) for a, sub in spec.moves]
            label = spec.infoset if spec.infoset is not None else spec.name if spec.name is not None else \
                path_label(history)
            node.update(kind="decision", player=players.index(spec.player), infoset=str(label))
        else:
            assert isinstance(spec, ChanceSpec)
            moves = [(str(o), sub) for o, _, sub in spec.outcomes]
            node.update(kind="chance", probs=[p for _, p, _ in spec.outcomes], where=spec.where)
        node["moves"] = tuple(m for m, _ in moves)
        for m, sub in reversed(moves):
            stack.append((sub, v, history + (m,)))
    return out


def same_game(game, players, spec, subtrees=None):
    """``game`` is the tree of the specs (compared with :func:`expand`), and its columns agree with its nodes."""
    ref = expand(players, spec, subtrees)
    names = [p.name for p in game.parameters]

    def value(x):
        return parse_formula(x, names, None).evaluate(game.values) if not hasattr(x, "evaluate") else \
            x.evaluate(game.values)

    assert isinstance(game.nodes, TreeStore) and game.num_nodes == len(ref)
    nodes = tuple(game.nodes)
    members = {}
    for v, (node, want) in enumerate(zip(nodes, ref)):
        assert node.kind == want["kind"] and node.children == tuple(want["children"]) and node.name == want["name"]
        assert game.parent[v] == want["parent"] and game.history(v) == want["history"]
        assert game.move_label(v) == (want["history"][-1] if v else None)
        if want["parent"] >= 0:
            slot = game.arrays.child_slot[v] - game.arrays.columns.child_ptr[want["parent"]]
            assert slot == ref[want["parent"]]["children"].index(v)
        kids = want["children"]
        end = v
        while kids:
            end = kids[-1]
            kids = ref[end]["children"]
        assert game.subtree_end[v] == end
        if node.kind == "terminal":
            assert node.outcome == want["outcome"] and node.where == want["where"]
            assert game.terminal_values[v] == tuple(value(x) for x in want["payoffs"])
        elif node.kind == "decision":
            assert (node.player, node.infoset, node.actions) == (want["player"], want["infoset"], want["moves"])
            assert game.node_label(v) == node.name or node.infoset
            members.setdefault(node.infoset, []).append(v)
        else:
            assert node.outcomes == want["moves"] and node.where == want["where"]
            assert game.chance_values[v] == tuple(value(x) for x in want["probs"])
    assert {label: h.nodes for label, h in game.infosets.items()} == {k: tuple(vs) for k, vs in members.items()}
    assert list(game.infosets) == list(members) == game.nodes.infoset_labels()
    assert game.is_perfect_information == all(len(vs) == 1 for vs in members.values())
    assert game.outcomes == tuple(dict.fromkeys(n["outcome"] for n in ref if n["kind"] == "terminal"
                                                and n["outcome"] is not None))
    assert game.plan_counts == plan_counts(game, 0, frozenset({-1}))  # the general count (no real cut)
    c = game.arrays.columns
    assert list(c.kind) == [("terminal", "decision", "chance").index(n.kind) for n in nodes]
    assert list(c.parent) == list(game.parent) and list(c.end) == list(game.subtree_end)
    assert [list(game.arrays.children_of(v)) for v in range(len(nodes))] == [list(n.children) for n in nodes]


@pytest.mark.parametrize("seed", range(40))
def test_trees_assembled_into_the_store_are_the_specs(seed):
    rng = random.Random(seed)
    players = ["A", "B", "C"][:rng.randint(1, 3)]
    spec = random_spec(rng, players, rng.randint(1, 120), names=seed % 3 == 0, outcomes=seed % 2 == 0)
    game = build_tree(players, spec, title="t")
    same_game(game, players, spec)
    assert game.title == "t"


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
    game = build_tree(["A", "B"], spec, subtrees={"r": reply})
    same_game(game, ["A", "B"], spec, {"r": reply})
    assert "pass ×3" in game.infosets and len(game.infosets["guess"].nodes) == 2
    assert not game.is_perfect_information


def test_parameters_values_and_locations():
    params = [Parameter("W", F(10), F(0), F(100)), Parameter("p", F(1, 2), F(0), F(1))]
    here = Location("game.yaml", 3, 5)
    rng = random.Random(5)
    leaves = [TerminalSpec(("W - 1", rng.randint(0, 3)), None, None, here) for _ in range(6)]
    spec = decision("A", {"a": chance({"u": ("p", leaves[0]), "d": ("1 - p", leaves[1])}),
                          "b": decision("B", {"x": leaves[2], "y": terminal("W/2", "2*W")}),
                          "c": chance({"u": ("p/2", leaves[3]), "d": ("1 - p/2", leaves[4])})})
    game = build_tree(["A", "B"], spec, parameters=params)
    same_game(game, ["A", "B"], spec)
    assert game.is_symbolic
    moved = game.with_values(W=F(40), p=F(1, 5))
    same_game(moved, ["A", "B"], spec)
    refused = outcome(lambda: game.with_values(p=F(3)))
    assert refused[0] == "error" and "range" in refused[1]
    with thresholds(0):
        same_search(array_search(moved), stage_search(moved))


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


REPORTED = {  # the start of each problem reported (as the node-by-node assembler of earlier versions did)
    "unknown player": "'C' is not a player (players: A, B)",
    "repeated action": "a decision node has the same action label twice (a, a)",
    "no moves": "a decision node needs at least one move under 'moves'",
    "sum": "the chance probabilities (u, d) do not sum to 1 for all parameter values: 1/2 + 1/3 ≠ 1",
    "outside [0, 1]": "the probability of 'u' is 3/2 at these parameter values; probabilities lie in [0, 1]",
    "payoff count": "a terminal needs 2 payoffs [A, B], found 1",
    "float after equal fraction": "payoff of A: expected a number or an expression, found float",
    "unhashable payoff": "payoff of A: expected a number or an expression, found list",
    "bool after equal int": "payoff of A: expected a number or an expression, found 'true'",
    "name used twice": "the information-set label 'n' (from its name) is also the label of the decision node at",
    "name is a path": "the information-set label 'a' (from its path of moves) is also the label of",
    "infoset is the root's path": "the information-set label 'root' (from its path of moves) is also the label of",
    "move called root": "the information-set label 'root' (from its path of moves) is also the label of",
    "labels with separators": "the information-set label 'a > b' (from its path of moves) is also the label of",
    "separators, no clash": None,
    "unknown sub-tree": "no sub-tree named 'nope' (sub-trees: none are defined); define it under 'subtrees:'",
    "cycle": "the sub-tree 's' is used inside itself (s > s); a game tree must be finite",
    "too many nodes": "the tree has 7 nodes once sub-trees are expanded, more than the limit of 5",
    "infoset, other actions": "information set 'I': this node has moves [x, z] but the one at another place has [x, y]",
    "perfect recall": "perfect recall: player B forgets at information set 'J' that they chose 'l' at 'root'",
    "division by zero": "in 'W/Z': division by zero at these parameter values",
    "bad expression": "payoff of A: cannot read 'W +' as an expression (invalid syntax)",
}


@pytest.mark.parametrize("case", list(bad_specs()), ids=[c[0] for c in bad_specs()])
def test_the_problems_are_reported(case):
    name, make, kw = case
    players, spec = make()
    got = outcome(lambda: build_tree(players, spec, **kw))
    if REPORTED[name] is None:
        same_game(got, players, spec)
        return
    first = got[1] if got[0] == "error" else got[1][0][0]
    assert first.startswith(REPORTED[name]), first


def test_a_large_yaml_tree_loads_as_written(write_yaml):
    rng = random.Random(3)

    def node(depth: int) -> tuple[str, object]:
        if depth == 0:
            pays = (rng.randint(0, 3), rng.randint(0, 3))
            return f"{{payoffs: [{pays[0]}, {pays[1]}]}}", terminal(*pays)
        if depth % 3 == 1:
            (u, su), (d, sd) = node(depth - 1), node(depth - 1)
            return (f"{{chance: {{u: {{prob: p, then: {u}}}, d: {{prob: 1 - p, then: {d}}}}}}}",
                    chance({"u": ("p", su), "d": ("1 - p", sd)}))
        who = "A" if depth % 2 else "B"
        (lt, ls), (rt, rs) = node(depth - 1), node(depth - 1)
        return f"{{player: {who}, moves: {{l: {lt}, r: {rt}}}}}", decision(who, {"l": ls, "r": rs})

    text, spec = node(11)
    path = write_yaml("kimgame: 1\nplayers: [A, B]\nparameters:\n  p: {value: 1/3, range: [0, 1]}\n"
                      f"tree: {text}\n")
    game = kimgame.load(path)
    assert game.num_nodes == 4095
    built = build_tree(["A", "B"], spec, parameters=game.parameters)
    same_game(built, ["A", "B"], spec)
    assert tuple(n.kind for n in game.nodes) == tuple(n.kind for n in built.nodes)
    assert game.terminal_values == built.terminal_values and game.chance_values == built.chance_values
    assert dict(game.infosets) == dict(built.infosets)
    assert game.nodes[5].where is not None and game.nodes[5].where.line == 5


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
    return build_tree(players, random_spec(rng, players, size, **kw))


@pytest.mark.parametrize("seed", range(60))
def test_array_search_agrees_with_the_stage_search(seed):
    game = pi_tree(seed, size=random.Random(seed).randint(1, 200), tie=1 + seed % 3, halves=seed % 4 == 1)
    with thresholds(0):
        fast = array_search(game, combination_limit=10_000)
    if game.num_nodes == 1:
        assert fast is None
        return
    same_search(fast, stage_search(game))


def test_combination_limit_cuts_the_same_equilibria():
    cut = 0
    for seed in range(12):
        game = pi_tree(100 + seed, size=300, tie=1, chance_rate=0.4, max_moves=2)
        with thresholds(0):
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
    deep = build_tree(["A", "B"], node)
    assert tree_backend(deep) == "array stages"  # 5001 levels of 2 nodes: one by one is faster
    found = backward_induction(deep)
    assert not isinstance(found, ArraySPESearch) and found.total == 1
    with thresholds(0):
        same_search(array_search(deep), found)
    rng = random.Random(2)
    prime = 2**31 - 1
    spec = random_spec(rng, ["A", "B"], 400, chance_rate=0.0)

    def deepen(spec, k):
        for _ in range(k):
            spec = chance({"u": (F(1, prime), spec), "d": (F(prime - 1, prime), spec)})
        return spec

    with thresholds(0):
        wide = build_tree(["A", "B"], decision("A", {"a": deepen(spec, 3), "b": spec}))
        assert array_search(wide) is None
        assert backward_induction(wide).total >= 1


def test_stages_of_a_large_perfect_information_tree():
    game = pi_tree(7, size=400)
    with thresholds(0):
        fast = stages(game)
        roots = subgame_roots(game)
    with thresholds(SLOW):
        slow = stages(game)
        assert subgame_roots(game) == roots == slow.roots
    assert fast.roots == slow.roots and fast.trivial == slow.trivial
    assert dict(fast.cuts) == dict(slow.cuts) and fast.enclosing == slow.enclosing


@pytest.mark.parametrize("seed", range(6))
def test_solve_tree_reports_the_same(seed):
    rng = random.Random(seed)
    spec = random_spec(rng, ["A", "B"], 900, outcomes=True, names=True)
    with thresholds(0):
        game = build_tree(["A", "B"], spec)
        fast = solve_tree(game, method="spe")
    with thresholds(SLOW):
        slow_game = build_tree(["A", "B"], spec)
        slow = solve_tree(slow_game, method="spe")
    assert fast.equilibria == slow.equilibria
    assert fast.tree == slow.tree and fast.notes == slow.notes and fast.complete == slow.complete


def test_the_array_check_finds_a_profitable_deviation():
    game = pi_tree(11, size=300, tie=5)
    with thresholds(0):
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
            with thresholds(0):
                assert pure_profile_check(game, changed)[0] is False
            assert subgame_perfection_failure(game, changed) is not None
            break
    else:
        pytest.fail("no decision with a worse action")
