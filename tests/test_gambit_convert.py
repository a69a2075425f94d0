"""``kimgame convert`` and the writers: round trips keep the game (same equilibria, same labels)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from clirun import run_cli
from kimgame.io.export import game_document, to_efg, to_json, to_nfg, to_yaml
from kimgame.io.gambit_efg import parse_efg
from kimgame.io.gambit_nfg import parse_nfg
from kimgame.io.payoff_file import parse_game
from kimgame.io.yaml_source import parse_yaml
from kimgame.model.nodes import decision, terminal
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree_assembly import build_tree

ROOT = Path(__file__).resolve().parent.parent
GAMES = sorted(p for p in (ROOT / "games").glob("*.yaml") if p.stem != "kuhn_poker")  # Kuhn: test_gambit_kuhn
DATA = Path(__file__).parent / "data"


def from_yaml(text: str, name: str = "converted.yaml"):
    return parse_game(parse_yaml(text, name), name)


def solved(game, **options):
    """What a user compares: every equilibrium (mixed strategies, payoffs, behaviour, SPE flag) and claims."""
    # parameter conditions compared for matrices; for trees they take seconds each, and the payoff
    # formulas are compared by the equilibria at the values (and by test_yaml_to_yaml_keeps_everything)
    result = kimgame.solve(game, **{"conditions": game.form == "normal", **options})
    eqs = [(e.strategies, e.payoffs, None if e.behavior is None else {p: dict(s) for p, s in e.behavior.items()},
            e.subgame_perfect) for e in result.equilibria]
    return eqs, [(c.id, c.holds, c.condition) for c in result.claims]


def labels(game):
    if game.form == "extensive":
        return game.players, [(h.label, h.player, h.actions) for h in game.infosets.values()], game.outcomes
    return game.players, game.strategies


@pytest.mark.parametrize("path", GAMES, ids=lambda p: p.stem)
def test_yaml_to_yaml_keeps_everything(path):
    game = kimgame.load(path)
    again = from_yaml(to_yaml(game))
    assert labels(again) == labels(game)
    assert [(p.name, p.value, p.low, p.high, p.doc) for p in again.parameters] == \
        [(p.name, p.value, p.low, p.high, p.doc) for p in game.parameters]
    assert again.title == game.title and again.source == game.source
    assert solved(again) == solved(game)  # equilibria and claims (with their parameter conditions)


@pytest.mark.parametrize("path", [p for p in GAMES if kimgame.load(p).form == "extensive"], ids=lambda p: p.stem)
def test_tree_to_efg_to_yaml_keeps_the_game(path):
    game = kimgame.load(path)
    efg = parse_efg(to_efg(game), "game.efg")
    back = from_yaml(to_yaml(efg))
    for other in (efg, back):
        assert labels(other) == labels(game)
        assert other.strategies == game.strategies
        assert solved(other)[0] == solved(game)[0]  # claims are not part of a Gambit file


@pytest.mark.parametrize("path", GAMES, ids=lambda p: p.stem)
def test_to_nfg_to_yaml_keeps_the_normal_form(path):
    game = kimgame.load(path)
    nf = reduced_normal_form(game) if game.form == "extensive" else game
    read = parse_nfg(to_nfg(game), "game.nfg")
    back = from_yaml(to_yaml(read))
    for other in (read, back):
        assert other.players == nf.players and other.strategies == nf.strategies
        assert [a.tolist() for a in other.numeric] == [a.tolist() for a in nf.numeric]
    if nf.num_profiles <= 100:  # reduced normal forms of the larger trees are slow to enumerate (degenerate)
        assert solved(back)[0] == solved(nf)[0]


def test_hand_written_gambit_files_to_yaml_and_back():
    for name in ("two_stage_entry.efg", "signaling.efg", "unnamed_labels.efg", "labels_outcome.nfg",
                 "three_players.nfg"):
        game = kimgame.load(DATA / name)
        back = from_yaml(to_yaml(game))
        assert labels(back) == labels(game)
        assert solved(back)[0] == solved(game)[0]


def test_parametric_game_is_exported_at_its_values():
    game = kimgame.load(ROOT / "games" / "singapore.yaml", W=120, p_insult="1/2")
    tree = parse_efg(to_efg(game), "s.efg")
    assert not tree.parameters
    assert tree.terminal_values == game.terminal_values
    assert tree.chance_values == game.chance_values
    assert Fraction(1, 2) in tree.chance_values[1]
    # the YAML keeps parameters and formulas, with the new values as defaults
    yaml_text = to_yaml(game)
    again = from_yaml(yaml_text)
    assert again.values["W"] == 120 and again.values["p_insult"] == Fraction(1, 2)
    assert again.is_symbolic and again.terminal_values == game.terminal_values


def test_deep_tree_is_cut_into_subtrees_and_reads_back():
    node = terminal(1000, 1000)
    for k in range(600, 0, -1):  # a 600-move centipede: too deep for one nested YAML document
        node = decision("A" if k % 2 else "B", {"take": terminal(k + 1, k - 1), "pass": node})
    game = build_tree(["A", "B"], node, title="deep")
    text = to_yaml(game)
    assert "subtrees:" in text and "use:" in text
    again = from_yaml(text)
    assert again.num_nodes == game.num_nodes
    assert list(again.infosets) == list(game.infosets)  # default path labels ("pass ×k") are kept
    assert again.terminal_values == game.terminal_values


def test_json_document():
    game = kimgame.load(ROOT / "games" / "battle_of_sexes.yaml")
    doc = json.loads(to_json(game))
    assert doc == json.loads(json.dumps(game_document(game)))
    assert doc["form"] == "normal" and doc["players"] == ["Alex", "Blair"]
    assert doc["strategies"] == {"Alex": ["opera", "football"], "Blair": ["opera", "football"]}
    assert doc["payoffs"][0] == {"profile": {"Alex": "opera", "Blair": "opera"}, "payoffs": {"Alex": "3", "Blair": "2"}}
    tree = kimgame.load(DATA / "two_stage_entry.efg")
    doc = game_document(tree)
    assert doc["form"] == "extensive" and doc["nodes"][0]["kind"] == "chance"
    assert doc["nodes"][0]["moves"][0] == {"label": "high", "probability": "2/3", "child": 1}
    assert {h["label"] for h in doc["infosets"]} == {"Firm's choice", "Rival's response"}
    symbolic = game_document(kimgame.load(ROOT / "games" / "singapore_matrix.yaml"))
    assert all("formulas" in entry for entry in symbolic["payoffs"])
    assert all(Fraction(v) is not None for entry in symbolic["payoffs"] for v in entry["payoffs"].values())


# ---- the command ---------------------------------------------------------------------------------


def test_cli_convert_round_trip(tmp_path):
    efg = tmp_path / "ultimatum.efg"
    run = run_cli("convert", str(ROOT / "games" / "ultimatum.yaml"), str(efg))
    assert run.code == 0, run.err
    assert run.err.strip() == f"wrote the extensive-form game to {efg}"
    yaml_out = tmp_path / "ultimatum.yaml"
    assert run_cli("convert", str(efg), str(yaml_out)).code == 0
    game, back = kimgame.load(ROOT / "games" / "ultimatum.yaml"), kimgame.load(yaml_out)
    assert labels(back) == labels(game)
    assert solved(back)[0] == solved(game)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ultimatum.efg", "ultimatum.yaml"]  # no temporary files


def test_cli_convert_tree_to_nfg_with_set(tmp_path):
    out = tmp_path / "singapore.nfg"
    run = run_cli("convert", str(ROOT / "games" / "singapore.yaml"), str(out), "--set", "W=150")
    assert run.code == 0, run.err
    assert "reduced normal form" in run.err and "W = 150" in run.err
    read = kimgame.load(out)
    nf = reduced_normal_form(kimgame.load(ROOT / "games" / "singapore.yaml", W=150))
    assert read.strategies == nf.strategies
    assert [a.tolist() for a in read.numeric] == [a.tolist() for a in nf.numeric]


def test_cli_convert_writes_json(tmp_path):
    out = tmp_path / "g.json"
    assert run_cli("convert", str(DATA / "signaling.efg"), str(out)).code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "A signalling game (beer-quiche form)"


@pytest.mark.parametrize("source, target, message", [
    ("games/battle_of_sexes.yaml", "out.efg", "a normal-form game has no unique tree"),
    ("games/battle_of_sexes.yaml", "out.txt", "the output file's extension picks the format"),
    ("games/battle_of_sexes.yaml", "missing/out.nfg", "does not exist"),
    ("tests/data/signaling.efg", "out.nfg --set x=1", "a Gambit file has no parameters"),
    ("games/nope.yaml", "out.nfg", "no such file"),
])
def test_cli_convert_errors(tmp_path, source, target, message):
    target, *rest = target.split(" ", 1)
    extra = rest[0].split() if rest else []
    out = tmp_path / target
    run = run_cli("convert", str(ROOT / source), str(out), *extra)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err
    assert not out.exists()


def test_cli_convert_refuses_to_overwrite_its_input(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text((ROOT / "games" / "battle_of_sexes.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    run = run_cli("convert", str(path), str(path))
    assert run.code == 2 and "OUT is the input file" in run.err
    assert path.read_text(encoding="utf-8") == before


def test_cli_convert_does_not_touch_the_target_on_error(tmp_path):
    out = tmp_path / "kept.efg"
    out.write_text("old contents", encoding="utf-8")
    run = run_cli("convert", str(ROOT / "games" / "battle_of_sexes.yaml"), str(out))
    assert run.code == 2
    assert out.read_text(encoding="utf-8") == "old contents"


def test_pygambit_reads_what_kimgame_writes():
    """Optional: Gambit's own reader accepts kimgame's .nfg/.efg output and sees the same payoffs."""
    gbt = pytest.importorskip("pygambit", reason="pygambit is not installed: Gambit's reader is not consulted")
    game = kimgame.load(DATA / "two_stage_entry.efg")
    g = gbt.read_efg(__import__("io").BytesIO(to_efg(game).encode("utf-8")))
    assert list(g.players) == list(game.players)
    nf = kimgame.load(DATA / "labels_outcome.nfg")
    g = gbt.read_nfg(__import__("io").BytesIO(to_nfg(nf).encode("utf-8")))
    arrays = g.to_arrays()
    assert [[Fraction(str(v)) for v in a.reshape(-1)] for a in arrays] == \
        [[v for v in a.reshape(-1)] for a in nf.numeric]
