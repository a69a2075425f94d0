"""--timeout bounds every step of kimgame solve, the dominance analysis included (one budget object, the Clock of
kimgame.solvers.clock): a passed deadline gives a partial result marked so, exit code 3, valid JSON."""

from __future__ import annotations

import itertools
import json
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import kimgame
from clirun import run_cli
from kimgame.analysis.solve import solve_normal_form
from kimgame.solvers import clock as clock_module
from kimgame.solvers.clock import Clock, Expired, SearchTimeout
from kimgame.solvers.dominance import (
    Elimination,
    dominance_analysis,
    iterated_elimination,
    mixed_dominance,
    pure_dominance,
)
from kimgame.solvers.exact_lp import maximize

GAMES = Path(__file__).resolve().parent.parent / "games"
PAST = -1.0  # time.monotonic() is never negative: a deadline that has always passed


def matrix_yaml(A: np.ndarray, B: np.ndarray, claims: str = "") -> str:
    rows = [f"s{i}" for i in range(A.shape[0])]
    cols = [f"t{j}" for j in range(A.shape[1])]
    lines = ["kimgame: 1", "players: [R, C]", f"strategies: {{R: [{', '.join(rows)}], C: [{', '.join(cols)}]}}",
             "payoffs:"]
    for i, r in enumerate(rows):
        lines.append(f"  {r}: {{" + ", ".join(f"{c}: [{A[i, j]}, {B[i, j]}]" for j, c in enumerate(cols)) + "}")
    return "\n".join(lines) + "\n" + textwrap.dedent(claims)


def chain_game(n: int = 6):
    """Row i+1 strictly dominates row i, column j+1 strictly dominates column j: IESDS needs many steps."""
    A = np.array([[i for _ in range(n)] for i in range(n)], dtype=object)
    B = np.array([[j for j in range(n)] for _ in range(n)], dtype=object)
    players = ("R", "C")
    strategies = (tuple(f"s{i}" for i in range(n)), tuple(f"t{j}" for j in range(n)))
    return players, strategies, (A, B)


def fake_clock(monkeypatch, checks: int) -> None:
    """time.monotonic advancing one 'second' per call: a deadline of ``checks`` stops after that many checks."""
    ticks = itertools.count()
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: float(next(ticks)))


# --------------------------------------------------------------------------------------------------
# the clock itself: a timeout becomes one clock; its parts never outlast it


def test_a_clock_and_its_parts(monkeypatch):
    from kimgame.limits import limits_in_force
    from kimgame.solvers.clock import why_stopped

    now = [100.0]
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: now[0])
    run = Clock.after(10)
    assert (run.deadline, run.seconds, run.remaining, run.expired) == (110.0, 10, 10.0, False)
    assert Clock.after(None).deadline is None and Clock.after(None).remaining is None
    enumeration, paths, whole = run.split(0.7, 0.85, 1.0)  # --method auto's plan: shares of the timeout
    assert [c.deadline for c in (enumeration, paths, whole)] == [107.0, 108.5, 110.0] and whole.seconds == 10
    with limits_in_force({"budget": 20, "memory": 12345}):  # no timeout: the plan is the budget limit
        unlimited = Clock()
        (planned,) = unlimited.split(0.5)
    assert (planned.deadline, planned.seconds, planned.memory) == (110.0, 20, 12345)
    now[0] = 108.0
    assert run.within(5).deadline == 110.0 and run.within(5).seconds == 2.0  # never past the run's deadline
    assert run.split(1.0)[0].deadline == 110.0  # a plan made late still ends with the run
    assert run.at_least(1.0) is run and run.at_least(5.0).deadline == 113.0  # a step that must answer
    now[0] = 111.0
    assert run.expired and run.remaining == 0.0
    with pytest.raises(Expired):
        run.check()
    assert why_stopped(None, run) == "time limit of 10 s reached"
    assert why_stopped(None, Clock(105.0)) == "time limit reached"  # made from a deadline: no seconds to quote


# --------------------------------------------------------------------------------------------------
# the dominance functions honour the deadline and hand back what they found


def test_dominance_functions_with_a_passed_deadline_raise_with_empty_partial():
    players, strategies, payoffs = chain_game()
    for function in (pure_dominance, mixed_dominance):
        with pytest.raises(SearchTimeout) as info:
            function(players, strategies, payoffs, clock=Clock(PAST))
        assert info.value.partial == () and not info.value.interrupted
    with pytest.raises(SearchTimeout) as info:
        iterated_elimination(players, strategies, payoffs, clock=Clock(PAST))
    partial = info.value.partial
    assert isinstance(partial, Elimination) and partial.complete is False
    assert partial.steps == () and partial.surviving == strategies


def test_partial_results_are_a_prefix_of_the_full_ones(monkeypatch):
    players, strategies, payoffs = chain_game()
    full_pure = pure_dominance(players, strategies, payoffs)
    full_elim = iterated_elimination(players, strategies, payoffs)
    assert full_elim.complete and full_elim.surviving == (("s5",), ("t5",))
    fake_clock(monkeypatch, 0)
    with pytest.raises(SearchTimeout) as info:
        pure_dominance(players, strategies, payoffs, clock=Clock(4.0))
    assert 0 < len(info.value.partial) < len(full_pure)
    assert info.value.partial == full_pure[:len(info.value.partial)]
    ticks = itertools.count()  # how many clock checks the whole elimination makes: stop it halfway
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: float(next(ticks)))
    iterated_elimination(players, strategies, payoffs, clock=Clock(1e9))
    checks = next(ticks)
    fake_clock(monkeypatch, 0)
    with pytest.raises(SearchTimeout) as info:
        iterated_elimination(players, strategies, payoffs, clock=Clock(checks / 2))
    partial = info.value.partial
    assert not partial.complete and 0 < len(partial.steps) < len(full_elim.steps)
    assert partial.steps == full_elim.steps[:len(partial.steps)]
    gone = {(s.player, s.eliminated) for s in partial.steps}
    for name, labels, left in zip(players, strategies, partial.surviving):
        assert left == tuple(x for x in labels if (name, x) not in gone)  # not eliminated yet


def test_exact_lp_checks_the_clock_at_each_pivot():
    with pytest.raises(Expired):
        maximize([1, 1], [[1, 0], [0, 1]], [1, 1], clock=Clock(PAST))
    assert maximize([1, 1], [[1, 0], [0, 1]], [1, 1], clock=Clock(None)).value == 2


def test_dominance_analysis_never_raises_and_says_where_it_stopped():
    players, strategies, payoffs = chain_game()
    done = dominance_analysis(players, strategies, payoffs)
    assert done.complete and done.elimination.complete and done.stopped is None
    cut = dominance_analysis(players, strategies, payoffs, clock=Clock(PAST))
    assert not cut.complete and cut.stopped is not None and cut.dominance == ()
    assert not cut.elimination.complete and cut.elimination.steps == ()


def test_ctrl_c_in_the_dominance_analysis_gives_a_partial_result(monkeypatch):
    from kimgame.solvers import dominance

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(dominance, "_mixed_dominator", interrupted)
    rng = np.random.default_rng(0)
    A, B = rng.integers(0, 9, (4, 4)), rng.integers(0, 9, (4, 4))
    players, strategies = ("R", "C"), (("a", "b", "c", "d"), ("w", "x", "y", "z"))
    cut = dominance_analysis(players, strategies, (A.astype(object), B.astype(object)))
    assert cut.stopped is not None and cut.stopped.interrupted
    assert cut.dominance == pure_dominance(players, strategies, (A, B))  # the pure relations were found


# --------------------------------------------------------------------------------------------------
# kimgame solve: the dominance step is bounded too


def test_solve_with_a_passed_deadline_is_partial_even_without_enumeration(tmp_path):
    A = np.array([[3, 1], [2, 0]])  # s0 strictly dominates s1, t0 dominates t1
    path = tmp_path / "g.yaml"
    path.write_text(matrix_yaml(A, A.T))
    game = kimgame.load(path)
    done = solve_normal_form(game, method="pure")
    assert not done.partial and done.elimination.complete and done.dominance
    cut = solve_normal_form(game, method="pure", clock=Clock(PAST, seconds=0))
    assert cut.partial and not cut.complete and not cut.elimination.complete
    assert cut.pure_equilibria == done.pure_equilibria  # found before the deadline was looked at
    assert any("during the dominance analysis" in note for note in cut.notes)


def test_cli_timeout_bounds_the_dominance_step(tmp_path):
    A = np.array([[3, 1], [2, 0]])  # s0 strictly dominates s1, t0 dominates t1
    path = tmp_path / "g.yaml"
    path.write_text(matrix_yaml(A, A.T))
    run = run_cli("solve", path, "--method", "pure", "--timeout", "0", "-f", "json")
    assert run.code == 3 and "Traceback" not in run.err
    doc = json.loads(run.out)
    assert doc["solver"]["partial"] is True and doc["solver"]["complete"] is False
    assert doc["iterated_elimination"]["complete"] is False
    assert any("time limit of 0 s reached during the dominance analysis" in n for n in doc["solver"]["notes"])
    text = run_cli("solve", path, "--method", "pure", "--timeout", "0")
    assert text.code == 3 and "No dominated strategy was found before the analysis was stopped" in text.out
    run = run_cli("solve", path, "--method", "pure", "-f", "json")
    assert run.code == 0 and json.loads(run.out)["iterated_elimination"]["complete"] is True


def test_timeout_stops_a_long_mixed_dominance_analysis(tmp_path):
    # 120 x 120, half the rows (columns) averages of two others minus one: dominated by mixtures only and
    # best responses to nothing, so every one needs an LP of 120 rows (and IESDS more rounds of them):
    # seconds of work, of which 0.3 s is honoured
    rng = np.random.default_rng(5)
    n = 120
    A, B = rng.integers(0, 100, (n, n)), rng.integers(0, 100, (n, n))
    for r in range(n // 2, n):
        i, j = rng.choice(n // 2, 2, replace=False)
        A[r] = (A[i] + A[j]) // 2 - 1
        B[:, r] = (B[:, i] + B[:, j]) // 2 - 1
    path = tmp_path / "big.yaml"
    path.write_text(matrix_yaml(A, B))
    game = kimgame.load(path)
    start = time.monotonic()
    result = kimgame.solve(game, method="pure", timeout=0.3)
    assert time.monotonic() - start < 15
    assert result.partial and not result.elimination.complete


def test_claim_after_elimination_is_not_judged_on_an_unfinished_elimination(tmp_path):
    A = np.array([[3, 1], [2, 0]])  # s0 strictly dominates s1, t0 dominates t1
    claims = """
    claims:
      - id: after
        dominates: {player: R, strategy: s0, over: s1, after_elimination: true}
    """
    path = tmp_path / "g.yaml"
    path.write_text(matrix_yaml(A, A.T, claims))
    game = kimgame.load(path)
    (claim,) = solve_normal_form(game, method="pure", clock=Clock(PAST, seconds=0)).claims
    assert claim.holds is False and "not judged" in claim.detail
    (claim,) = solve_normal_form(game, method="pure").claims
    assert "not judged" not in claim.detail


def test_tree_with_a_passed_deadline_is_partial():
    game = kimgame.load(GAMES / "entry_deterrence.yaml")
    result = kimgame.solve(game, timeout=0)
    assert result.partial and not result.complete
    run = run_cli("solve", GAMES / "entry_deterrence.yaml", "--timeout", "0", "-f", "json")
    assert run.code == 3 and json.loads(run.out)["solver"]["partial"] is True


def test_a_timeout_in_the_subgames_marks_the_tree_result_partial():
    game = kimgame.load(GAMES / "kuhn_poker.yaml")  # imperfect information: extreme equilibria of subgames
    result = kimgame.solve(game, method="spe", timeout=0)
    assert result.partial and not result.complete
    assert any("while solving the subgames" in note for note in result.notes)


def test_one_clock_shared_by_a_solve_and_an_analysis():
    """A running Clock passed as ``timeout`` is the budget of both calls: spent by the first, the second is
    cut short too; the solve records the seconds the clock was given."""
    game = kimgame.load(GAMES / "singapore.yaml")
    fresh = Clock.after(600)
    assert Clock.after(fresh) is fresh
    result = kimgame.solve(game, timeout=fresh, conditions=False)
    assert not result.partial and result.method.options["timeout"] == 600
    spent = Clock(PAST, seconds=5)
    cut = kimgame.solve(game, timeout=spent, conditions=False)
    assert cut.partial and cut.method.options["timeout"] == 5
    analyses = kimgame.analyze(game, timeout=spent)
    assert analyses and all(a.partial for a in analyses)


def test_the_array_search_of_a_large_tree_looks_at_the_clock():
    """Perfect-information trees over the ``array_nodes`` limit are solved level by level on arrays; a
    passed deadline stops that search too (nothing is known before the root), and solve says so."""
    from kimgame.model.nodes import decision, terminal
    from kimgame.model.tree_assembly import build_tree
    from kimgame.solvers.array_tree import array_search
    from kimgame.solvers.subgames import tree_backend

    def spec(depth: int, k: int):
        if depth == 0:
            return terminal(k % 5, (3 * k) % 7)
        return decision("AB"[depth % 2], {"l": spec(depth - 1, 2 * k), "r": spec(depth - 1, 2 * k + 1)})

    game = build_tree(["A", "B"], spec(12, 0))  # 8,191 nodes
    assert tree_backend(game) == "arrays"
    assert array_search(game, clock=Clock.after(600)) is not None
    with pytest.raises(SearchTimeout):
        array_search(game, clock=Clock(PAST, seconds=0))
    result = kimgame.solve(game, timeout=0, conditions=False)
    assert result.partial and not result.equilibria
    assert "time limit of 0 s reached while solving the subgames" in result.notes[0]


def test_a_shared_clock_plans_on_the_time_it_has_left():
    """``split`` plans its shares on the time left (a clock already half spent by another call plans half
    as far), and quotes the seconds the user gave."""
    shared = Clock(time.monotonic() + 10, seconds=100)  # 10 of its 100 s left
    (half,) = shared.split(0.5)
    assert half.deadline is not None and half.deadline <= time.monotonic() + 5.01
    assert half.seconds == 100
