"""Gambit extensive-form files (.efg): every node kind, outcomes at non-terminal nodes, shared information
sets, exact numbers, labels, errors with places; and writing trees back."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from kimgame.errors import KimgameError
from kimgame.io.export import to_efg
from kimgame.io.gambit_efg import parse_efg
from kimgame.model.tree import Chance, Decision, Terminal

DATA = Path(__file__).parent / "data"
F = Fraction


def terminals(game) -> dict[tuple[str, ...], tuple[tuple[Fraction, ...], str | None]]:
    """Payoffs and outcome label of each terminal, by the moves leading to it."""
    return {game.history(v): (game.terminal_values[v], node.outcome)
            for v, node in enumerate(game.nodes) if isinstance(node, Terminal)}


def test_two_stage_entry_every_node_kind():
    game = kimgame.load(DATA / "two_stage_entry.efg")
    assert game.title == 'Two-stage "entry" game'  # escaped quotes kept as written
    assert game.players == ("Firm", "Rival")
    root = game.nodes[0]
    assert isinstance(root, Chance) and root.name == "nature"
    assert root.outcomes == ("high", "low")
    assert game.chance_values[0] == (F(2, 3), F(1, 3))
    # the Firm does not observe demand, the Rival does not either: two information sets of two nodes
    assert list(game.infosets) == ["Firm's choice", "Rival's response"]
    assert [len(h.nodes) for h in game.infosets.values()] == [2, 2]
    assert game.infosets["Firm's choice"].actions == ("enter", "stay out")
    firm_nodes = [game.nodes[v] for v in game.infosets["Firm's choice"].nodes]
    assert [n.name for n in firm_nodes] == ["firm, high demand", "firm, low demand"]
    luck = next(n for n in game.nodes if isinstance(n, Chance) and n.name == "luck")
    assert luck.outcomes == ("good", "bad")
    assert [p.constant for p in luck.probs] == [F(1, 4), F(3, 4)]  # .25 and 0.75, exact
    # outcome 1 ("entry fee" -1/2, 0) sits at the Firm's nodes and outcome 5 ("insurance" 1/4, 0) at the luck
    # node: their payoffs are added to every terminal below
    assert terminals(game) == {
        ("high", "enter", "fight"): ((F(-5, 2), F(-3, 2)), "war"),
        ("high", "enter", "accommodate"): ((F(5, 2), F(1)), "share"),
        ("high", "stay out"): ((F(-1, 2), F(4)), "out"),
        ("low", "enter", "fight", "good"): ((F(3, 4), F(-1)), "lucky war"),
        ("low", "enter", "fight", "bad"): ((F(-9, 4), F(-3, 2)), "war"),  # outcome 2 referred to by number
        ("low", "enter", "accommodate"): ((F(1, 2), F(1, 2)), "low share"),
        ("low", "stay out"): ((F(-1, 2), F(4)), "out"),
    }


def test_two_stage_entry_solves_and_every_reported_profile_is_an_equilibrium():
    from reference import tree_nash_failure

    game = kimgame.load(DATA / "two_stage_entry.efg")
    result = kimgame.solve(game)
    assert result.equilibria
    for eq in result.equilibria:
        assert tree_nash_failure(game, eq.behavior) is None


def test_signaling_game_shared_infosets_across_types():
    game = kimgame.load(DATA / "signaling.efg")
    assert game.infosets["after beer"].nodes == tuple(
        v for v, n in enumerate(game.nodes) if isinstance(n, Decision) and n.infoset == "after beer")
    assert len(game.infosets["after beer"].nodes) == 2
    assert game.strategies == (("beer/beer", "beer/quiche", "quiche/beer", "quiche/quiche"),
                               ("duel/duel", "duel/concede", "concede/duel", "concede/concede"))
    assert game.outcomes[0] == "strong, beer, duel"


def test_empty_and_repeated_labels_get_numbers():
    game = kimgame.load(DATA / "unnamed_labels.efg")
    assert game.title == "unnamed_labels"
    assert game.players == ("A", "Player 2")
    assert list(game.infosets) == ["A infoset 1", "x [Player 2 infoset 1]", "x [Player 2 infoset 2]"]
    assert game.infosets["A infoset 1"].actions == ("1", "2")
    assert game.infosets["x [Player 2 infoset 2]"].actions == ("l (1)", "l (2)")
    last = game.nodes[-1]
    assert isinstance(last, Terminal) and game.terminal_values[-1] == (0, 0)  # outcome 0: the null outcome
    assert last.outcome is None


def test_labels_are_kept_exactly():
    text = ('EFG 2 R "t" { "Ann \\"the first\\"" "B" }\n'
            'p "  spaced  " 1 1 "set \\"one\\"" { "a\\\\b" "ü →" } 0\n'
            't "" 1 "out \\"come\\"" { 1 2 }\n'
            't "" 2 "" { 3, 4 }\n')
    game = parse_efg(text, "labels.efg")
    assert game.players == ('Ann "the first"', "B")
    node = game.nodes[0]
    assert node.name == "  spaced  "
    assert node.infoset == 'set "one"'
    assert node.actions == ("a\\b", "ü →")
    assert game.nodes[1].outcome == 'out "come"'


def test_writer_round_trip_of_hand_written_files():
    for name in ("two_stage_entry.efg", "signaling.efg", "unnamed_labels.efg"):
        game = kimgame.load(DATA / name)
        again = parse_efg(to_efg(game), "again.efg")
        assert again.players == game.players
        assert list(again.infosets) == list(game.infosets)
        assert [h.actions for h in again.infosets.values()] == [h.actions for h in game.infosets.values()]
        assert terminals(again) == terminals(game)
        assert again.chance_values == game.chance_values
        assert [n.name for n in again.nodes] == [n.name for n in game.nodes]


def test_deep_tree_reads_without_recursion(tmp_path):
    depth = 3000
    lines = ['EFG 2 R "a long centipede" { "A" "B" }', '""']
    for k in range(depth):
        lines.append(f'p "" {k % 2 + 1} {k // 2 + 1} "move {k + 1}" {{ "take" "pass" }} 0')
        lines.append(f't "" {k + 1} "" {{ {k + 2}, {k} }}')
    lines.append(f't "" {depth + 1} "end" {{ {depth}, {depth} }}')
    path = tmp_path / "centipede.efg"
    path.write_text("\n".join(lines), encoding="utf-8")
    game = kimgame.load(path)
    assert game.num_nodes == 2 * depth + 1
    assert game.history(game.num_nodes - 1) == ("pass",) * depth


@pytest.mark.parametrize("text, line, col, message", [
    ('EFG 2 R "t" { "A" }\np "" 2 1 "h" { "a" } 0', 2, 6, "there is no player 2"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 "h" { "a" "b" } 0\nt "" 1 "o" { 1 }\nt "" 0\nt "" 0', 5, 1,
     "this node comes after the tree is complete"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 "h" { "a" "b" } 0\nt "" 1 "o" { 1 }\n', 4, 1,
     "has 2 actions but only 1 of its children are listed"),
    ('EFG 2 R "t" { "A" }\nt "" 1 "o" { 1 2 }', 2, 12, "list 2 number(s); give one per player (1)"),
    ('EFG 2 R "t" { "A" }\nt "" 3', 2, 6, "outcome 3 is used here for the first time without its payoffs"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 "h" { "a" "b" } 0\nt "" 1 "o" { 1 }\nt "" 1 "o" { 2 }', 4, 6,
     "outcome 1 was described differently at line 3"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 0', 2, 8, "appears here for the first time without its actions"),
    ('EFG 2 R "t" { "A" }\nc "" 1 "" { "a" 1/2 "b" 1/3 } 0\nt "" 0\nt "" 0', 2, 1, "do not sum to 1"),
    ('EFG 2 R "t" { "A" }\nc "" 1 "" { "a" 3/2 "b" -1/2 } 0\nt "" 0\nt "" 0', 2, 1, "probabilities lie in [0, 1]"),
    ('EFG 2 R "t" { "A" }\nx "" 0', 2, 1, "expected a node: 'c' (chance), 'p' (player) or 't' (terminal)"),
    ('EFG 2 R "t" { "A" }\nt "" 0 "n" { 1 }', 2, 6, "outcome 0 is the null outcome"),
    (('EFG 2 R "t" { "A" "B" }\np "" 1 1 "h" { "a" "b" } 0\np "" 2 1 "g" { "c" "d" } 0\nt "" 0\nt "" 0\n'
      'p "" 2 1 "g" { "c" "e" } 0\nt "" 0\nt "" 0'), 6, 8, "information set of player 2 1 was described differently"),
    ('EFG 2 R "t" { "A" }\n', 2, 1, "the file has no nodes"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 "h" { "a" 1/2 } 0\nt "" 0', 2, 20, "expected a quoted action label"),
    ('EFG 2 R "t" { "A" }\nc "" 1 "" { "a" "b" } 0\nt "" 0\nt "" 0', 2, 17, "expected the probability of \"a\""),
    ('EFG 2 R "t" { "A" }\nc "" 1 "" { } 0', 2, 11, "a node needs at least one action"),
])
def test_errors_say_where_and_what(tmp_path, text, line, col, message):
    path = tmp_path / "bad.efg"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KimgameError) as info:
        kimgame.load(path)
    err = info.value
    assert err.where is not None and err.where.file == str(path), str(err)
    assert (err.where.line, err.where.col) == (line, col), str(err)
    assert message in err.message, str(err)


def test_every_truncation_of_a_file_is_a_clean_error(tmp_path):
    """A file cut anywhere gives a KimgameError with a place, never a traceback."""
    text = (DATA / "two_stage_entry.efg").read_text(encoding="utf-8")
    cuts = sorted({k for k in range(0, len(text), 7)} | {text.index("c "), len(text) - 3})
    for k in cuts:
        try:
            parse_efg(text[:k], "cut.efg")
        except KimgameError as err:
            assert err.where is not None and err.where.line is not None
        # a cut that leaves a complete tree is fine


def test_set_is_refused_with_advice():
    with pytest.raises(KimgameError, match="convert it to YAML"):
        kimgame.load(DATA / "signaling.efg", {"p": "1/2"})
