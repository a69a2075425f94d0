"""Size limits: refused up front with the size and the limit, and configurable (API, --limit, KIMGAME_LIMITS)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import kimgame
from clirun import run_cli
from kimgame.errors import KimgameError
from kimgame.limits import (
    DEFAULT_LIMITS,
    LIMIT_NAMES,
    Limits,
    current_limits,
    limits_in_force,
    parse_limits,
)

ROOT = Path(__file__).resolve().parent.parent
GAMES = ROOT / "games"
DATA = Path(__file__).resolve().parent / "data"

MATRIX = """
kimgame: 1
players: [A, B]
strategies: {A: [up, down], B: [left, right]}
payoffs:
  up:   {left: [1, 1], right: [0, 0]}
  down: {left: [0, 0], right: [1, 1]}
"""

TREE = """
kimgame: 1
players: [A, B]
tree: {use: top}
subtrees:
  top: {player: A, moves: {a: {use: reply}, b: {use: reply}}}
  reply: {player: B, moves: {x: {payoffs: [1, 0]}, y: {payoffs: [0, 1]}}}
"""  # 7 nodes once the sub-trees are expanded


def write(tmp_path: Path, text: str, name: str = "game.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
# the Limits object and its parsing


def test_the_defaults():
    assert current_limits() == DEFAULT_LIMITS == Limits()
    assert DEFAULT_LIMITS.nodes == 2_000_000
    assert DEFAULT_LIMITS.reduced_profiles == 2_000_000
    assert DEFAULT_LIMITS.profiles == 2_000_000 and DEFAULT_LIMITS.yaml_values == 2_000_000
    assert DEFAULT_LIMITS.file_bytes == 20_000_000


def test_parse_limits_numbers_and_names():
    limits = parse_limits(["nodes=5000000", "profiles=3_000_000", "file-bytes=1,000,000"], DEFAULT_LIMITS)
    assert (limits.nodes, limits.profiles, limits.file_bytes) == (5_000_000, 3_000_000, 1_000_000)
    assert limits.yaml_values == DEFAULT_LIMITS.yaml_values  # the others are kept
    assert parse_limits(["nodes=1", "nodes=2"]).nodes == 2  # the last one wins


@pytest.mark.parametrize(("item", "fragment"), [
    ("nodez=5", "unknown limit 'nodez' (did you mean 'nodes'?)"),
    ("nodes=0", "a limit is a positive whole number"),
    ("nodes=-3", "a limit is a positive whole number"),
    ("nodes=1.5", "a limit is a positive whole number"),
    ("nodes=lots", "a limit is a positive whole number"),
    ("nodes", "expects NAME=N"),
])
def test_bad_limit_items_name_every_limit(item, fragment):
    with pytest.raises(KimgameError) as info:
        parse_limits([item])
    assert fragment in str(info.value)
    assert all(name in str(info.value) for name in LIMIT_NAMES)


def test_limits_object_checks_its_values():
    with pytest.raises(KimgameError, match="positive whole number"):
        Limits(nodes=0)
    with pytest.raises(KimgameError, match="unknown limit"):
        DEFAULT_LIMITS.updated({"vertices": 3})


def test_limits_in_force_is_undone_after_the_block():
    with limits_in_force({"nodes": 7}) as inner:
        assert current_limits() is inner and inner.nodes == 7
        assert inner.profiles == DEFAULT_LIMITS.profiles
    assert current_limits() == DEFAULT_LIMITS


# --------------------------------------------------------------------------------------------------
# each limit triggers with a small value, names the size, and raising it lets the same file load


def test_profiles_limit_api(tmp_path):
    path = write(tmp_path, MATRIX)
    with pytest.raises(KimgameError) as info:
        kimgame.load(path, limits={"profiles": 3})
    assert ("the game has 4 pure profiles (2 × 2), more than the limit of 3 (raise it with --limit profiles=N)"
            in str(info.value))
    assert kimgame.load(path, limits=Limits(profiles=4)).shape == (2, 2)
    assert kimgame.load(path).shape == (2, 2)  # the call's limits did not stay in force


def test_profiles_limit_cli(tmp_path):
    path = write(tmp_path, MATRIX)
    run = run_cli("validate", path, "--limit", "profiles=3")
    assert run.code == 2 and run.out == "" and "Traceback" not in run.err
    assert "has 4 pure profiles (2 × 2), more than the limit of 3 (raise it with --limit profiles=N)" in run.err
    assert run_cli("validate", path, "--limit", "profiles=4").code == 0
    assert current_limits() == DEFAULT_LIMITS  # the command's limits are undone when it ends


def test_file_bytes_limit(tmp_path):
    path = write(tmp_path, MATRIX)
    size = path.stat().st_size
    run = run_cli("solve", path, "--limit", "file_bytes=100")
    assert run.code == 2
    assert f"the file has {size:,} bytes, more than the limit of 100 (raise it with --limit file_bytes=N)" in run.err
    assert run_cli("solve", path, "--limit", f"file_bytes={size}").code == 0


def test_yaml_values_limit(tmp_path):
    path = write(tmp_path, MATRIX)
    run = run_cli("validate", path, "--limit", "yaml_values=10")
    assert run.code == 2
    assert "the document expands to 39 values, more than the limit of 10" in run.err
    assert "--limit yaml_values=N" in run.err
    assert run_cli("validate", path, "--limit", "yaml_values=39").code == 0


def test_nodes_limit_yaml_tree(tmp_path):
    path = write(tmp_path, TREE)
    run = run_cli("validate", path, "--limit", "nodes=5")
    assert run.code == 2
    assert ("the tree has 7 nodes once sub-trees are expanded, more than the limit of 5 (raise it with --limit "
            "nodes=N)") in run.err
    assert run_cli("validate", path, "--limit", "nodes=7").code == 0
    with pytest.raises(KimgameError, match="has 7 nodes"):
        kimgame.load(path, limits={"nodes": 6})


def test_nodes_limit_efg_and_profiles_limit_nfg():
    run = run_cli("validate", DATA / "two_stage_entry.efg", "--limit", "nodes=12")
    assert run.code == 2 and "the tree has 13 nodes, more than the limit of 12" in run.err
    assert run_cli("validate", DATA / "two_stage_entry.efg", "--limit", "nodes=13").code == 0
    run = run_cli("validate", DATA / "three_players.nfg", "--limit", "profiles=7")
    assert run.code == 2 and "the game has 8 pure profiles (2 × 2 × 2), more than the limit of 7" in run.err
    assert run_cli("validate", DATA / "three_players.nfg", "--limit", "profiles=8").code == 0


def test_reduced_profiles_limit_in_solve():
    path = GAMES / "centipede.yaml"  # its reduced normal form has 4 × 4 = 16 pure profiles
    run = run_cli("solve", path, "--limit", "reduced_profiles=15", "-f", "json")
    assert run.code == 0
    doc = json.loads(run.out)
    assert any("more than 15 pure profiles, the limit" in n and "--limit reduced_profiles=N" in n
               for n in doc["solver"]["notes"])
    assert doc["reduced_normal_form"]["profiles"] is None and "iterated_elimination" not in doc
    doc = json.loads(run_cli("solve", path, "--limit", "reduced_profiles=16", "-f", "json").out)
    assert doc["reduced_normal_form"]["profiles"] == 16 and "iterated_elimination" in doc
    # the same from Python
    game = kimgame.load(path)
    assert kimgame.solve(game, limits={"reduced_profiles": 15}).elimination is None
    assert kimgame.solve(game).elimination is not None


def test_reduced_normal_form_refusal_names_the_limit():
    from kimgame.model.tree import plan_space

    game = kimgame.load(GAMES / "centipede.yaml")
    with limits_in_force({"reduced_profiles": 10}), pytest.raises(KimgameError) as info:
        plan_space(game)
    assert "more than 10 pure profiles, the limit (raise it with --limit reduced_profiles=N)" in str(info.value)
    assert plan_space(game).shape == (4, 4)


# --------------------------------------------------------------------------------------------------
# the environment variable, and --limit on every command that reads a file


def test_environment_variable_and_option_wins(tmp_path, monkeypatch):
    path = write(tmp_path, MATRIX)
    monkeypatch.setenv("KIMGAME_LIMITS", "profiles=3 nodes=9")
    run = run_cli("validate", path)
    assert run.code == 2 and "more than the limit of 3" in run.err
    assert run_cli("validate", path, "--limit", "profiles=4").code == 0
    monkeypatch.setenv("KIMGAME_LIMITS", "profile=3")
    run = run_cli("validate", path)
    assert run.code == 2 and "KIMGAME_LIMITS: unknown limit 'profile' (did you mean 'profiles'?)" in run.err


@pytest.mark.parametrize("args", [
    ("solve", "{path}"),
    ("show", "{path}"),
    ("analyze", "{path}"),
    ("sweep", "{path}", "--vary", "x=0:1:3"),
    ("validate", "{path}"),
    ("set", "{path}", "x=1/3"),
    ("convert", "{path}", "{out}"),
])
def test_every_command_that_reads_a_file_takes_limit(tmp_path, args):
    path = write(tmp_path, MATRIX.replace("players: [A, B]", "players: [A, B]\nparameters:\n  x: {value: 1/2, "
                                          "range: [0, 1]}").replace("[1, 1], right", "[x, 1], right"))
    before = path.read_text(encoding="utf-8")
    out = tmp_path / "out.nfg"
    argv = [a.format(path=path, out=out) for a in args]
    run = run_cli(*argv, "--limit", "nodez=5")
    assert run.code == 2 and "unknown limit 'nodez'" in run.err and "Traceback" not in run.err
    run = run_cli(*argv, "--limit", "profiles=3")
    assert run.code == 2 and "more than the limit of 3" in run.err, run
    assert path.read_text(encoding="utf-8") == before and not out.exists()
    run = run_cli(*argv, "--limit", "profiles=4")
    assert run.code == 0 or (args[0] == "analyze" and "has no claims" in run.err), run


def test_the_polynomial_limits_in_force_decide_auto():
    """``auto`` on an N-player game reads the polynomial limits in force (not import-time copies): with
    ``support_profiles`` below the game's 27 support profiles it lists the pure equilibria only and says
    which limit to raise."""
    game = kimgame.load(GAMES / "three_player_coordination.yaml")
    full = kimgame.solve(game, conditions=False)
    assert full.method.name == "polynomial" and full.complete
    cut = kimgame.solve(game, conditions=False, limits={"support_profiles": 10})
    assert not cut.complete
    assert {tuple(p) for p in cut.pure_equilibria} == {tuple(p) for p in full.pure_equilibria}
    note = next(n for n in cut.notes if "support profiles" in n)
    assert "27 support profiles" in note and "10 support profiles" in note and "--limit support_profiles=N" in note
