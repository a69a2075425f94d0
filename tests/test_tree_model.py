"""Game trees: the YAML format, its error messages, perfect recall, chance checks, the reduced normal form."""

from __future__ import annotations

import re
from fractions import Fraction as F

import pytest

import kimgame
from clirun import run_cli
from conftest import GAMES
from kimgame.errors import KimgameError, ValidationErrors
from kimgame.model.nodes import chance, decision, terminal, use
from kimgame.model.parameters import Parameter
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree import full_normal_form_size, plan_space
from kimgame.model.tree_assembly import build_tree

GOOD = """
kimgame: 1
title: t
players: [A, B]
parameters:
  p: {value: 1/2, range: [0, 1], doc: a probability}
tree:
  player: A
  name: first
  moves:
    L:
      chance:
        hi: {prob: p, then: {player: B, infoset: I, moves: {x: {payoffs: [1, 2]}, y: {payoffs: [0, 0]}}}}
        lo: {prob: 1 - p, then: {player: B, infoset: I, moves: {x: {payoffs: [2, 1]}, y: {payoffs: [0, 3]}}}}
    R: {payoffs: [1, 1], outcome: quiet}
"""

# (name, text, expected fragment, expected line)
CASES = [
    ("unknown node key", GOOD.replace("  moves:\n    L:", "  moevs:\n    L:"),
     "unknown key 'moevs' (did you mean 'moves'?) in a decision node", 10),
    ("unknown player", GOOD.replace("then: {player: B, infoset: I, moves: {x: {payoffs: [2, 1]}",
                                    "then: {player: C, infoset: I, moves: {x: {payoffs: [2, 1]}"),
     "'C' is not a player", 13),
    ("payoff list length", GOOD.replace("R: {payoffs: [1, 1]", "R: {payoffs: [1, 1, 1]"),
     "expected a list of 2 payoffs", 14),
    ("payoffs by player, one missing", GOOD.replace("R: {payoffs: [1, 1]", "R: {payoffs: {A: 1}"),
     "no payoff for B", 14),
    ("chance outcome missing prob", GOOD.replace("hi: {prob: p, then:", "hi: {then:"), "missing prob", 12),
    ("chance outcome unknown key", GOOD.replace("hi: {prob: p, then:", "hi: {prob: p, them:"),
     "unknown key 'them' (did you mean 'then'?)", 12),
    ("probabilities do not sum to one", GOOD.replace("lo: {prob: 1 - p,", "lo: {prob: 1 - p/2,"),
     "do not sum to 1 for all parameter values", 11),
    ("sum is one only at the current value", GOOD.replace("lo: {prob: 1 - p,", "lo: {prob: 1/2,"),
     "do not sum to 1 for all parameter values", 11),
    ("probability leaves [0, 1] over the ranges", GOOD.replace("hi: {prob: p,", "hi: {prob: 2*p - 1/2,")
     .replace("lo: {prob: 1 - p,", "lo: {prob: 3/2 - 2*p,"), "leaves [0, 1] within the declared parameter ranges", 12),
    ("undeclared parameter", GOOD.replace("hi: {prob: p,", "hi: {prob: q,"), "'q' is not a declared parameter", 12),
    ("infoset with other actions", GOOD.replace("moves: {x: {payoffs: [2, 1]}, y:", "moves: {x: {payoffs: [2, 1]}, z:"),
     "need the same action labels in the same order", 13),
    ("infoset with another player", GOOD.replace("R: {payoffs: [1, 1], outcome: quiet}",
                                                 "R: {player: A, infoset: I, moves: {x: {payoffs: [0, 0]}, "
                                                 "y: {payoffs: [0, 0]}}}"),
     "this node belongs to A but the one at line 12 to B", 14),
    ("unknown sub-tree", GOOD.replace("R: {payoffs: [1, 1], outcome: quiet}", "R: {use: rest}"),
     "no sub-tree named 'rest'", 14),
    ("node of no kind", GOOD.replace("R: {payoffs: [1, 1], outcome: quiet}", "R: {payofs: [1, 1]}"),
     "unknown key 'payofs' (did you mean 'payoffs'?)", 14),
    ("empty moves", GOOD.replace("R: {payoffs: [1, 1], outcome: quiet}", "R: {player: B, moves: {}}"),
     "'moves' must be a mapping", 14),
]


@pytest.mark.parametrize(("name", "text", "fragment", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_tree_gives_one_message_with_its_line(write_yaml, name, text, fragment, line):
    path = write_yaml(text)
    run = run_cli("validate", path)
    assert run.code == 2, run
    assert "Traceback" not in run.err and run.out == ""
    assert fragment in run.err, run.err
    assert re.search(rf"{re.escape(str(path))}:{line}:\d+: .*{re.escape(fragment)}", run.err), run.err


def test_good_tree_validates(write_yaml):
    run = run_cli("validate", write_yaml(GOOD))
    assert run.code == 0, run
    assert "extensive-form game" in run.out and "9 nodes" in run.out


def test_every_problem_is_listed_at_once(write_yaml):
    text = (GOOD.replace("R: {payoffs: [1, 1]", "R: {payoffs: [1, 1, 1]")
            .replace("then: {player: B, infoset: I, moves: {x: {payoffs: [2, 1]}",
                     "then: {player: C, infoset: I, moves: {x: {payoffs: [2, 1]}"))
    with pytest.raises(ValidationErrors) as info:
        kimgame.load(write_yaml(text))
    messages = [e.message for e in info.value.errors]
    assert any("'C' is not a player" in m for m in messages)
    assert any("expected a list of 2 payoffs" in m for m in messages)


PERFECT_RECALL = """
kimgame: 1
players: [A, B]
tree:
  player: A
  name: first
  moves:
    L:
      player: B
      moves:
        l: {player: A, infoset: second, moves: {x: {payoffs: [1, 1]}, y: {payoffs: [0, 0]}}}
        r: {payoffs: [2, 2]}
    R:
      player: B
      moves:
        l: {player: A, infoset: second, moves: {x: {payoffs: [1, 1]}, y: {payoffs: [0, 0]}}}
        r: {payoffs: [2, 2]}
"""


def test_perfect_recall_violation_is_explained(write_yaml):
    path = write_yaml(PERFECT_RECALL)
    with pytest.raises(KimgameError) as info:
        kimgame.load(path)
    err = info.value
    assert "player A forgets at information set 'second' that they chose 'L' at 'first'" in err.message
    assert err.where.line == 15


def test_forgetting_a_move_count_and_absent_mindedness_are_caught():
    forgets_count = decision("A", {"a": decision("A", {"x": terminal(1, 0), "y": terminal(0, 0)}, infoset="I"),
                                   "b": decision("B", {"c": decision("A", {"x": terminal(0, 0), "y": terminal(1, 0)},
                                                                     infoset="I")})})
    with pytest.raises(KimgameError, match="perfect recall: player A forgets at information set 'I'"):
        build_tree(["A", "B"], forgets_count)
    inner = decision("A", {"x": terminal(1), "y": terminal(0)}, infoset="I")
    absent = decision("A", {"x": inner, "y": terminal(2)}, infoset="I")
    with pytest.raises(KimgameError, match="perfect recall"):
        build_tree(["A"], absent)


def test_reference_cycle_and_default_label_reuse(write_yaml):
    cycle = """
    kimgame: 1
    players: [A, B]
    tree: {player: A, moves: {go: {use: loop}}}
    subtrees:
      loop: {player: B, moves: {again: {use: loop2}}}
      loop2: {player: A, moves: {back: {use: loop}, stop: {payoffs: [0, 0]}}}
    """
    run = run_cli("validate", write_yaml(cycle))
    assert run.code == 2
    assert "the sub-tree 'loop' is used inside itself (loop > loop2 > loop)" in run.err
    reuse = """
    kimgame: 1
    players: [A, B]
    tree: {player: A, moves: {L: {use: reply}, R: {use: reply}}}
    subtrees:
      reply: {player: B, name: answer, moves: {a: {payoffs: [1, 1]}, b: {payoffs: [0, 0]}}}
    """
    run = run_cli("validate", write_yaml(reuse, "reuse.yaml"))
    assert run.code == 2
    assert "appears 2 times in the tree" in run.err and ":5:" in run.err


def test_subtrees_and_aliases_expand_with_path_labels(write_yaml):
    text = """
    kimgame: 1
    players: [A, B]
    tree:
      player: A
      moves:
        L: &reply {player: B, moves: {a: {payoffs: [1, 0]}, b: {payoffs: [0, 1]}}}
        R: *reply
        M: {use: reply}
    subtrees:
      reply: {player: B, moves: {a: {payoffs: [2, 0]}, b: {payoffs: [0, 2]}}}
    """
    game = kimgame.load(write_yaml(text))
    assert list(game.infosets) == ["root", "L", "R", "M"]
    assert game.num_nodes == 10
    assert game.terminal_values[game.infosets["M"].nodes[0] + 1] == (2, 0)


def test_expansion_limit_is_checked_before_expanding(write_yaml):
    lines = ["kimgame: 1", "players: [A]", "tree: {use: s0}", "subtrees:"]
    for k in range(30):
        lines.append(f"  s{k}: {{player: A, moves: {{a: {{use: s{k + 1}}}, b: {{use: s{k + 1}}}}}}}")
    lines.append("  s30: {payoffs: [1]}")
    run = run_cli("validate", write_yaml("\n".join(lines) + "\n"))
    assert run.code == 2
    assert "more than the limit of 2,000,000 (raise it with --limit nodes=N)" in run.err


def test_size_limit_in_code():
    with pytest.raises(KimgameError, match="the tree has 3 nodes .*more than the limit of 2 "):
        build_tree(["A"], decision("A", {"a": terminal(1), "b": terminal(2)}), max_nodes=2)


def test_default_labels_paths_names_and_runs():
    game = build_tree(["A", "B"], decision("A", {"pass": decision("B", {"pass": decision("A", {
        "pass": decision("B", {"pass": terminal(0, 0), "take": terminal(1, 1)}),
        "take": terminal(2, 2)}, name="third"), "take": terminal(3, 3)}), "take": terminal(4, 4)}))
    assert list(game.infosets) == ["root", "pass", "third", "pass ×3"]
    assert game.history(game.infosets["pass ×3"].nodes[0]) == ("pass", "pass", "pass")


def test_probabilities_symbolic_sum_and_values():
    p = Parameter("p", F(1, 3), F(0), F(1))
    ok = chance({"a": ("p/2", terminal(1)), "b": ("p/2", terminal(2)), "c": ("1 - p", terminal(3))})
    game = build_tree(["A"], ok, parameters=[p])
    assert game.chance_values[0] == (F(1, 6), F(1, 6), F(2, 3))
    with pytest.raises(KimgameError, match="do not sum to 1"):
        build_tree(["A"], chance({"a": ("p", terminal(1)), "b": ("1/2", terminal(2))}), parameters=[p],
                   values={"p": F(1, 2)})
    q = Parameter("q", F(1, 2))  # no range: only the current value is checked
    game = build_tree(["A"], chance({"a": ("q", terminal(1)), "b": ("1 - q", terminal(2))}), parameters=[q])
    with pytest.raises(KimgameError, match="probabilities lie in"):
        game.with_values(q=2)
    assert game.with_values(q=F(1, 4)).chance_values[0] == (F(1, 4), F(3, 4))


def own_exclusion_tree():
    """A's second information set is excluded by A's own first move (Out)."""
    return build_tree(["A", "B"], decision("A", {
        "Out": terminal(1, 1),
        "In": decision("B", {"l": decision("A", {"x": terminal(3, 0), "y": terminal(0, 1)}, infoset="A again"),
                             "r": decision("A", {"x": terminal(0, 2), "y": terminal(2, 0)}, infoset="A again")}),
    }, name="start"))


def test_reduced_normal_form_is_smaller_when_own_moves_exclude_information_sets():
    game = own_exclusion_tree()
    nf = reduced_normal_form(game)
    assert nf.strategies == (("Out", "In/x", "In/y"), ("l", "r"))
    full, _ = full_normal_form_size(game)
    assert nf.num_profiles == 6 < full == 8
    assert game.plan_counts == (3, 2) and game.reduced_profiles == 6
    assert [f.evaluate({}) for f in nf.payoff_formulas(("Out", "r"))] == [1, 1]
    assert [f.evaluate({}) for f in nf.payoff_formulas(("In/y", "r"))] == [2, 0]


def test_reduced_normal_form_with_chance_is_parametric():
    p = Parameter("p", F(1, 3), F(0), F(1))
    game = build_tree(["A", "B"], decision("A", {
        "go": chance({"good": ("p", decision("B", {"yes": terminal("10", 1), "no": terminal(0, 0)}, infoset="B")),
                      "bad": ("1 - p", decision("B", {"yes": terminal(-5, 1), "no": terminal(0, 2)}, infoset="B"))}),
        "stop": terminal(1, 1)}), parameters=[p])
    nf = reduced_normal_form(game)
    cell = nf.payoff_formulas(("go", "yes"))[0]
    assert cell.parameters == {"p"}
    for value in (F(0), F(1, 3), F(3, 4), F(1)):
        assert cell.evaluate({"p": value}) == 10 * value - 5 * (1 - value)
    assert kimgame.expr.parse_formula(cell.text, ["p"]).evaluate({"p": F(1, 3)}) == 0
    # the same reduced form at other values: exact payoffs follow the parameter
    assert nf.with_values(p=F(1, 2)).numeric[0][0, 0] == F(5, 2)


def test_plan_labels_within_a_subgame():
    game = own_exclusion_tree()
    root_b = game.infosets["In"].nodes[0]
    space = plan_space(game, root_b)
    assert space.labels == (("x", "y"), ("l", "r"))


def test_textbook_trees_load_with_sources_and_claims():
    for name in ("entry_deterrence", "centipede", "ultimatum"):
        game = kimgame.load(GAMES / f"{name}.yaml")
        assert game.form == "extensive" and game.source and game.claims
    centipede = kimgame.load(GAMES / "centipede.yaml")
    assert centipede.terminal_values[1] == (F(2, 5), F(1, 10))  # 0.40 and 0.10, exactly


def test_subtree_use_in_code():
    reply = decision("B", {"a": terminal(1, 0), "b": terminal(0, 1)})
    game = build_tree(["A", "B"], decision("A", {"L": use("r"), "R": use("r")}), subtrees={"r": reply})
    assert list(game.infosets) == ["root", "L", "R"]
