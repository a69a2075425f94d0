"""The condition cache: a re-solve of the same file needs no symbolic work, and a changed file is
never answered from the cache."""

from __future__ import annotations

import shutil
import subprocess
import sys

import kimgame
from conftest import GAMES


def test_second_solve_uses_the_cache_without_importing_sympy(tmp_path):
    cache = tmp_path / "cache"
    game = tmp_path / "m.yaml"
    shutil.copy(GAMES / "singapore_matrix.yaml", game)
    probe = ("import sys, kimgame; r = kimgame.solve(kimgame.load(sys.argv[1])); "
             "print([c.condition for c in r.claims]); print('sympy' in sys.modules)")
    env = {"KIMGAME_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", probe, str(game)], capture_output=True, text=True, env=env,
                           check=True).stdout.splitlines()
    second = subprocess.run([sys.executable, "-c", probe, str(game)], capture_output=True, text=True, env=env,
                            check=True).stdout.splitlines()
    assert first[0] == second[0] and "K > H*e" in first[0]
    assert first[1] == "True" and second[1] == "False"


def test_a_changed_file_is_not_answered_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KIMGAME_CACHE_DIR", str(tmp_path / "cache"))
    game = tmp_path / "m.yaml"
    shutil.copy(GAMES / "singapore_matrix.yaml", game)
    before = {c.id: c.condition for c in kimgame.solve(kimgame.load(game)).claims}
    text = game.read_text().replace("stall:     [e*H,                    0]", "stall:     [2*e*H,                  0]")
    game.write_text(text)
    after = {c.id: c.condition for c in kimgame.solve(kimgame.load(game)).claims}
    assert before["silence-dominates"] == "K > H*e"
    assert after["silence-dominates"] != before["silence-dominates"] and "2" in after["silence-dominates"]


def test_cache_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("KIMGAME_CACHE_DIR", "off")
    result = kimgame.solve(kimgame.load(GAMES / "singapore_matrix.yaml"))
    assert result.claims[0].condition == "K > H*e"
