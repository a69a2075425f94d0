"""Showing trees and their solutions: the JSON contract, report sections, the rich tree, DOT."""

from __future__ import annotations

import json
from fractions import Fraction as F

import kimgame
from clirun import run_cli
from conftest import GAMES
from kimgame.analysis.solve_tree import solve_tree
from kimgame.model.nodes import chance, decision, terminal
from kimgame.model.parameters import Parameter
from kimgame.model.tree_assembly import build_tree
from kimgame.report.document import result_document, to_json
from kimgame.report.render import render_markdown, render_text
from kimgame.report.tree_view import rich_tree, to_dot, tree_sections


def entry():
    game = kimgame.load(GAMES / "entry_deterrence.yaml")
    return game, solve_tree(game)


def test_json_document_of_a_tree_has_behavior_and_subgame_perfect():
    _, result = entry()
    doc = json.loads(to_json(result_document(result)))
    assert doc["game"]["form"] == "extensive"
    assert len(doc["equilibria"]) == 3
    for item in doc["equilibria"]:
        assert isinstance(item["subgame_perfect"], bool)
        assert set(item["behavior"]) == {"Entrant", "Incumbent"}
        assert set(item["behavior"]["Entrant"]["entry"]) == {"Out", "In"}
        assert set(item["strategies"]["Incumbent"]) == {"Fight", "Accommodate"}
        for sets in item["behavior"].values():
            for probs in sets.values():
                assert sum(F(p) for p in probs.values()) == 1
    flags = [(e["behavior"]["Entrant"]["entry"]["Out"], e["behavior"]["Incumbent"]["response"]["Fight"],
              e["subgame_perfect"]) for e in doc["equilibria"]]
    assert ("0", "0", True) in flags and ("1", "1", False) in flags
    assert doc["spe"][0]["outcomes"]["shared market"] == "1"
    assert doc["reduced_normal_form"]["profiles"] == 4
    assert all(c["holds"] for c in doc["claims"])


def test_json_through_the_command_line():
    run = run_cli("solve", GAMES / "centipede.yaml", "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    spe = [e for e in doc["equilibria"] if e["subgame_perfect"]]
    assert len(spe) == 1 and spe[0]["behavior"]["Red"]["move 1"]["take"] == "1"
    assert spe[0]["payoffs"] == {"Red": "2/5", "Blue": "1/10"}
    assert any(not e["subgame_perfect"] for e in doc["equilibria"])


def test_sections_say_which_equilibria_are_not_subgame_perfect():
    game, result = entry()
    text = render_text(game.title, game.source, tree_sections(result), width=250)
    assert "Subgame-perfect equilibria" in text
    assert "Entrant: In → Incumbent: Accommodate" in text
    assert "not subgame-perfect" in text and "Incumbent would gain by choosing Accommodate" in text
    assert "Reduced normal form: Entrant 2 × Incumbent 2 plans = 4 profiles" in text
    markdown = render_markdown(game.title, game.source, tree_sections(result))
    assert "## Nash equilibria that are not subgame-perfect" in markdown and "| Out |" in markdown


def parametric_tree():
    p = Parameter("p", F(3, 5), F(0), F(1))
    return build_tree(["US", "DPRK"], decision("US", {
        "pressure": chance({"insulted": ("p", terminal(0, 1, outcome="no deal")),
                            "calm": ("1 - p", decision("DPRK", {"deal": terminal(5, 2, outcome="deal"),
                                                                "stall": terminal(0, 1, outcome="no deal")},
                                                       name="Kim calm"))}),
        "silence": decision("DPRK", {"deal": terminal(4, 3, outcome="deal"), "stall": terminal(0, 0)},
                            name="Kim"),
    }), parameters=[p], title="toy")


def test_rich_tree_shows_probabilities_payoffs_and_the_spe_path():
    from rich.console import Console

    game = parametric_tree()
    result = solve_tree(game)
    console = Console(width=120, record=True, color_system="truecolor", force_terminal=True)
    console.print(rich_tree(game, result))
    text = console.export_text(clear=False)
    assert "insulted (p = 3/5)" in text and "calm (1 - p = 2/5)" in text
    assert "(US 5, DPRK 2) — deal" in text
    styled = console.export_html(inline_styles=True)
    assert "silence → DPRK · Kim" in text
    assert "font-weight: bold" in styled  # the equilibrium path is highlighted


def test_dot_output_is_deterministic_with_infosets_dashed_and_path_bold():
    game = kimgame.load(GAMES / "entry_deterrence.yaml")
    result = solve_tree(game)
    dot = to_dot(game, result)
    assert dot == to_dot(game, solve_tree(game))
    assert dot.startswith('digraph "Entry deterrence (chain-store stage game)" {') and dot.rstrip().endswith("}")
    assert 'n0 -> n2 [label="In", penwidth=2.5, style=bold];' in dot
    assert 'n0 -> n1 [label="Out"];' in dot
    pennies = build_tree(["A", "B"], decision("A", {
        "H": decision("B", {"h": terminal(1, -1), "t": terminal(-1, 1)}, infoset="guess"),
        "T": decision("B", {"h": terminal(-1, 1), "t": terminal(1, -1)}, infoset="guess")}))
    dot = to_dot(pennies)
    assert 'n1 -> n4 [style=dashed, dir=none, constraint=false, label="guess"];' in dot


def test_large_dominance_tables_are_cut_in_text():
    game = kimgame.load(GAMES / "ultimatum.yaml")
    result = solve_tree(game, method="pure")
    text = render_text(game.title, "", tree_sections(result))
    assert "more dominated strategies (all are in --format json)" in text
    assert "2 subgame-perfect equilibria listed" in text
