"""The budget of a solve: how ``--method auto`` chooses for two-player games, the memory limit checked by the
same Clock as the deadline, and Lemke-Howson paths that honour a deadline. No wall-clock assertions: the
budgets used are either zero, tiny, or generous enough that only the *choice* is tested."""

from __future__ import annotations

import numpy as np
import pytest

import kimgame
from clirun import run_cli
from kimgame.analysis.solve import _auto_two_player
from kimgame.errors import KimgameError
from kimgame.limits import Limits, format_bytes, parse_limits
from kimgame.solvers.budget import enumeration_seconds, vertex_bound
from kimgame.solvers.clock import Clock, MemoryExceeded, SearchTimeout, resident_bytes, why_stopped
from kimgame.solvers.lemke_howson import lemke_howson
from reference import fr, is_nash


def random_game(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    return fr(rng.integers(0, 10, (n, n))), fr(rng.integers(0, 10, (n, n)))


def game_file(tmp_path, A, B):
    m, n = len(A), len(A[0])
    rows, cols = [f"s{i}" for i in range(m)], [f"t{j}" for j in range(n)]
    lines = ["kimgame: 1", "players: [R, C]", f"strategies: {{R: [{', '.join(rows)}], C: [{', '.join(cols)}]}}",
             "payoffs:"]
    for i, r in enumerate(rows):
        lines.append(f"  {r}: {{" + ", ".join(f"{c}: [{A[i][j]}, {B[i][j]}]" for j, c in enumerate(cols)) + "}")
    path = tmp_path / "game.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_estimate_follows_the_measured_scaling():
    assert vertex_bound(2, 5) == 5  # a pentagon
    assert vertex_bound(3, 6) == 8  # the cube
    ratios = [enumeration_seconds(k + 2, k + 2) / enumeration_seconds(k, k) for k in (10, 12, 14)]
    assert all(5 < r < 9 for r in ratios)  # "sevenfold per two strategies more"
    assert enumeration_seconds(2, 40) < enumeration_seconds(10, 10)  # thin games are cheap


def test_auto_over_budget_gives_verified_lemke_howson_equilibria_and_says_why():
    A, B = random_game(20)
    notes: list[str] = []
    profiles, used, run, stopped, partial = _auto_two_player(A, B, Clock(), notes)
    assert profiles and all(is_nash(A, B, x, y) for x, y in profiles)
    assert used.startswith("lemke-howson") and run == "lemke-howson" and not stopped and not partial
    assert "auto chose exact Lemke-Howson" in notes[0] and "20 × 20" in notes[0]
    assert "--method enummixed --timeout 600" in notes[0]


def test_auto_within_budget_enumerates_every_extreme_equilibrium():
    A, B = random_game(4)
    notes: list[str] = []
    profiles, used, run, stopped, partial = _auto_two_player(A, B, Clock(), notes)
    assert used.startswith("enummixed") and run == "enummixed" and not stopped and not partial and notes == []
    assert profiles and all(is_nash(A, B, x, y) for x, y in profiles)


def test_unfinished_enumeration_still_gives_one_equilibrium(monkeypatch, tmp_path):
    A, B = random_game(20)
    monkeypatch.setattr("kimgame.analysis.solve.enumeration_seconds", lambda m, n: 0.0)  # "fits" any budget
    notes: list[str] = []
    # no share of the budget for the enumeration: it stops at its first check with nothing found
    monkeypatch.setattr("kimgame.analysis.solve.ENUMERATION_SHARE", 0.0)
    profiles, used, run, stopped, partial = _auto_two_player(A, B, Clock(), notes)
    assert used.startswith("lemke-howson")
    assert len(profiles) == 1 and is_nash(A, B, *profiles[0])
    assert run == "enummixed" and stopped and not partial  # an unfinished enumeration: not complete
    assert "did not finish" in notes[0] and "--method enummixed --timeout 600" in notes[0]
    assert "one exact Lemke-Howson path was added" in notes[1]
    # the same through kimgame.solve: one verified equilibrium, the enumeration's scope, not complete
    result = kimgame.solve(kimgame.load(game_file(tmp_path, A, B)), conditions=False, limits={"budget": 1})
    assert len(result.equilibria) == 1 and is_nash(A, B, *result.equilibria[0].strategies)
    assert result.complete is False and result.method.name == "enummixed"


def test_solve_over_budget_lists_lemke_howson_equilibria_and_says_so(tmp_path):
    A, B = random_game(20)
    game = kimgame.load(game_file(tmp_path, A, B))
    result = kimgame.solve(game, limits={"budget": 1}, conditions=False)
    assert result.equilibria and result.method.name == "lemke-howson" and result.method.scope != "all extreme Nash equilibria"
    assert all(is_nash(A, B, *eq.strategies) for eq in result.equilibria)
    assert any("auto chose exact Lemke-Howson" in note for note in result.notes)


def test_lemke_howson_path_honours_a_passed_deadline():
    A, B = random_game(6)
    with pytest.raises(SearchTimeout) as stop:
        lemke_howson(A, B, dropped_label=0, clock=Clock(0.0))
    assert stop.value.partial == [] and not stop.value.interrupted
    assert is_nash(A, B, *lemke_howson(A, B, dropped_label=0, clock=Clock.after(600)))


def test_clock_checks_memory_at_its_first_check():
    assert resident_bytes() > 1024**2
    with pytest.raises(MemoryExceeded) as over:
        Clock(None, memory=1024).check()
    assert why_stopped(over.value, None) == "memory limit of 1 KiB reached (raise it with --limit memory=2KiB)"
    Clock(None, memory=1024**4).check()  # 1 TiB: no stop


def test_memory_limit_stops_the_steps_and_claims_nothing(tmp_path):
    A, B = random_game(3)
    game = kimgame.load(game_file(tmp_path, A, B))
    result = kimgame.solve(game, limits=Limits(memory=1024**2), conditions=False)
    assert result.partial and not result.complete and result.equilibria == ()
    assert result.method.name == "enummixed" and result.method.total is None
    assert any(note.startswith("memory limit of 1 MiB reached (raise it with --limit memory=2MiB) during the "
                               "enumeration: no equilibrium was found") for note in result.notes)


def test_memory_limit_on_the_command_line_exit_code_3(tmp_path):
    A, B = random_game(3)
    run = run_cli("solve", game_file(tmp_path, A, B), "--limit", "memory=1MiB")
    assert run.code == 3 and "memory limit of 1 MiB reached" in run.out and "--limit memory=" in run.out


def test_a_game_too_big_for_memory_is_refused_before_it_is_built(tmp_path):
    A, B = random_game(3)
    with pytest.raises(KimgameError, match="needs about 12.3 KiB, more than the memory limit of 1 KiB"):
        kimgame.load(game_file(tmp_path, A, B), limits={"memory": 1024})


def test_memory_limit_parses_units():
    assert parse_limits(["memory=4GiB"]).memory == 4 * 1024**3
    assert parse_limits(["memory=512M"]).memory == 512 * 1024**2
    assert parse_limits(["memory=1.5g"]).memory == 3 * 1024**3 // 2
    assert parse_limits(["memory=1000000"]).memory == 1_000_000
    assert format_bytes(Limits().memory) == "2 GiB"
    with pytest.raises(KimgameError, match="memory=4GiB"):
        parse_limits(["memory=lots"])
    with pytest.raises(KimgameError):
        parse_limits(["nodes=4G"])  # units are for memory only
