"""Issue 16: what a result's list holds. For each method and each kind of game, a result that cuts its list
or skips a kind of equilibrium says so (scope, ``complete: false``, counts, the option that lists more); one
that finishes says ``complete: true``, checked against an independent enumeration (tests/reference.py)."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

import kimgame
from clirun import run_cli
from conftest import GAMES
from kimgame.model.nodes import decision, terminal
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree_assembly import build_tree
from reference import brute_equilibria, is_nash, pure_nash_profiles, pure_spe_count, tree_nash_failure

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "gambit" / "contrib-games"
CORPUS = CORPUS if CORPUS.is_dir() else Path("/work/shared/corpus/gambit/contrib-games")


def mixes(result) -> set:
    return {tuple(tuple(m) for m in eq.strategies) for eq in result.equilibria}


def as_lists(arrays) -> list:
    return [[list(map(F, row)) for row in np.asarray(a, dtype=object).tolist()] for a in arrays]


def assert_same_record(result, doc: dict) -> None:
    """The JSON's solver block says what the Python result says."""
    m = result.method
    assert (doc["scope"], doc["complete"], doc["listed"], doc["total"]) == (m.scope, m.complete, m.listed, m.total)
    assert [(c["list"], c["listed"], c["total"], c["more"]) for c in doc["cuts"]] == \
        [(c.what, c.listed, c.total, c.more) for c in m.cuts]


# ---- two-player matrix games ---------------------------------------------------------------------------


def test_enummixed_finite_nash_set_is_all_nash_equilibria():
    g = kimgame.load(GAMES / "battle_of_sexes.yaml")
    result = kimgame.nash.enummixed(g)
    A, B = as_lists(g.numeric)
    assert mixes(result) == set(brute_equilibria(A, B))  # 3 isolated equilibria: the whole Nash set
    m = result.method
    assert (m.scope, m.complete, m.listed, m.total, m.cuts) == ("all Nash equilibria", True, 3, 3, ())


def test_enummixed_degenerate_game_is_all_extreme_equilibria():
    g = kimgame.game_from_arrays([[[-3, 3], [-3, 5]], [[2, 7], [4, 2]]])
    result = kimgame.solve(g)
    A, B = as_lists(g.numeric)
    assert mixes(result) == set(brute_equilibria(A, B))
    # both extreme equilibria have the column player on s1: a segment of equilibria joins them
    assert (result.method.scope, result.complete, result.method.total) == ("all extreme Nash equilibria", True, 2)


def test_enummixed_stopped_by_the_time_limit_is_not_complete():
    rng = np.random.default_rng(7)
    g = kimgame.game_from_arrays([rng.integers(0, 9, (9, 9)), rng.integers(0, 9, (9, 9))])
    result = kimgame.solve(g, method="enummixed", timeout=1e-9, conditions=False)  # auto would choose LH
    m = result.method
    assert m.partial and not m.complete and m.total is None and m.scope == "all extreme Nash equilibria"
    A, B = as_lists(g.numeric)
    assert all(is_nash(A, B, *eq.strategies) for eq in result.equilibria)


def test_pure_method_on_two_players_is_complete_for_pure_equilibria_only():
    g = kimgame.load(GAMES / "battle_of_sexes.yaml")
    result = kimgame.nash.enumpure(g)
    assert len(result.equilibria) == len(pure_nash_profiles(g.numeric)) == 2
    m = result.method
    assert (m.scope, m.complete, m.listed, m.total, m.more) == ("all pure Nash equilibria", True, 2, 2,
                                                                  "--method enummixed")


def test_lemke_howson_promises_one_equilibrium():
    g = kimgame.load(GAMES / "battle_of_sexes.yaml")
    result = kimgame.nash.lemke_howson(g)
    A, B = as_lists(g.numeric)
    assert result.equilibria and mixes(result) <= set(brute_equilibria(A, B))
    assert (result.method.scope, result.complete) == ("one equilibrium", True)


def test_nashpy_support_enumeration_is_never_complete():
    g = kimgame.game_from_arrays([[[-3, 3], [-3, 5]], [[2, 7], [4, 2]]])
    result = kimgame.solve(g, method="support", conditions=False)
    A, B = as_lists(g.numeric)
    assert mixes(result) <= set(brute_equilibria(A, B))
    assert (result.method.scope, result.complete, result.method.total) == ("all extreme Nash equilibria", False, None)


# ---- N-player matrix games -----------------------------------------------------------------------------


def three_player(u) -> kimgame.NormalFormGame:
    arrays = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    for s in np.ndindex(2, 2, 2):
        for i, v in enumerate(u(s)):
            arrays[i][s] = v
    return kimgame.game_from_arrays(arrays)


def test_three_players_default_finds_every_equilibrium_and_pure_says_its_scope():
    # each player gets 2 from H if both others play H (else 0) and 1 from T: pure HHH and TTT, and a totally
    # mixed equilibrium at sqrt(2)/2, irrational
    g = three_player(lambda s: tuple((2 if s == (0, 0, 0) else 0) if s[i] == 0 else 1 for i in range(3)))
    pure = kimgame.solve(g, method="pure", conditions=False)
    assert {tuple(int(m.index(1)) for m in eq.strategies) for eq in pure.equilibria} == \
        set(pure_nash_profiles(g.numeric))
    m = pure.method
    assert (m.scope, m.complete, m.listed, m.total, m.more) == ("all pure Nash equilibria", True, 2, 2,
                                                                  "--method polynomial")
    default = kimgame.solve(g, conditions=False)  # the polynomial method fits the default budget here
    full = kimgame.nash.polynomial(g)  # the two pure ones and the irrational one
    for r in (default, full):
        assert (r.method.scope, r.complete, r.method.listed) == ("all Nash equilibria", True, 3)
        assert len(r.algebraic_equilibria) == 1


def test_polynomial_limits_are_named_and_raisable():
    g = kimgame.game_from_arrays([np.ones((3, 3, 3), dtype=int)] * 3)  # 343 support profiles
    with pytest.raises(kimgame.KimgameError, match="--limit support_profiles=N"):
        kimgame.nash.polynomial(g, limits={"support_profiles": 342})
    four = kimgame.game_from_arrays([np.ones((2, 2, 2, 2), dtype=int)] * 4)
    with pytest.raises(kimgame.KimgameError, match="--limit polynomial_players=N"):
        kimgame.nash.polynomial(four, limits={"polynomial_players": 3})


def test_polynomial_continuum_lists_its_extreme_points():
    # constant payoffs: every profile is an equilibrium; the constraints are linear, the extreme points listed
    g = kimgame.game_from_arrays([np.zeros((2, 2, 2), dtype=int)] * 3)
    result = kimgame.nash.polynomial(g)
    assert (result.method.scope, result.complete) == ("all extreme Nash equilibria", True)
    pure = {tuple(int(m.index(1)) for m in eq.strategies) for eq in result.equilibria if eq.is_pure}
    assert pure == set(pure_nash_profiles(g.numeric)) and len(pure) == 8


def test_unsolved_search_space_is_not_complete():
    from kimgame.solvers.scope import coverage

    cov = coverage("polynomial", "matrix-n", 3, unsolved=True)  # a support whose equations were not solved
    assert (cov.scope, cov.complete, cov.total) == ("all extreme Nash equilibria", False, None)


# ---- trees with perfect information --------------------------------------------------------------------


def ties_tree():
    """A leads; each follower is indifferent between two actions that matter to A (ties give several SPE)."""
    return build_tree(["A", "B"], decision("A", {
        "L": decision("B", {"l1": terminal(1, 0), "l2": terminal(2, 0)}, name="B after L"),
        "M": decision("B", {"m1": terminal(3, 0), "m2": terminal(0, 0)}, name="B after M"),
        "R": decision("B", {"r1": terminal(2, 0), "r2": terminal(2, 0)}, name="B after R"),
    }, name="A leads"))


def test_perfect_information_tree_complete_against_brute_force():
    game = ties_tree()
    count = pure_spe_count(game)
    spe = kimgame.nash.backward_induction(game)
    m = spe.method
    assert (m.scope, m.complete, m.listed, m.total) == ("every pure subgame-perfect equilibrium", True, count, count)
    auto = kimgame.solve(game, conditions=False)  # the reduced normal form is small: its extreme equilibria too
    assert auto.method.scope in ("all extreme Nash equilibria", "all Nash equilibria") and auto.complete
    assert sum(eq.subgame_perfect and eq.is_pure for eq in auto.equilibria) == count
    A, B = as_lists(reduced_normal_form(game).numeric)
    assert set(brute_equilibria(A, B)) <= mixes(auto)
    assert all(eq.max_regret() == 0 for eq in auto.equilibria)


def test_perfect_information_spe_list_cut_says_how_many():
    game = ties_tree()
    count = pure_spe_count(game)
    assert count > 2
    result = kimgame.nash.backward_induction(game, limits={"spe_listed": 2})
    m = result.method
    assert (m.scope, m.complete, m.listed, m.total) == ("every pure subgame-perfect equilibrium", False, 2, count)
    (cut,) = m.cuts
    assert (cut.what, cut.listed, cut.total, cut.more) == ("subgame-perfect equilibria", 2, count,
                                                            "--limit spe_listed=N")
    assert any("--limit spe_listed=N" in note for note in result.notes)


def test_cut_reads_the_same_in_json_text_and_python(tmp_path):
    from kimgame.io.export import to_efg

    path = tmp_path / "ties.efg"
    path.write_text(to_efg(ties_tree()), encoding="utf-8")
    count = pure_spe_count(ties_tree())
    run = run_cli("solve", str(path), "--method", "spe", "--limit", "spe_listed=2", "--format", "json")
    assert run.code == 0, run
    doc = json.loads(run.out)["solver"]
    result = kimgame.nash.backward_induction(kimgame.load(path), limits={"spe_listed": 2})
    assert_same_record(result, doc)
    assert doc["total"] == count and doc["complete"] is False
    text = " ".join(run_cli("solve", str(path), "--method", "spe", "--limit", "spe_listed=2").out.split())
    assert (f"Scope: every pure subgame-perfect equilibrium — NOT complete: 2 of {count} subgame-perfect "
            "equilibria listed (--limit spe_listed=N lists more)") in text
    more = run_cli("solve", str(path), "--method", "spe", "--limit", f"spe_listed={count}", "--format", "json")
    assert json.loads(more.out)["solver"]["complete"] is True


def test_combinations_cut_leaves_the_total_unknown():
    result = kimgame.nash.backward_induction(ties_tree(), limits={"spe_combinations": 1})
    m = result.method
    assert not m.complete and m.total is None
    assert [(c.what, c.total, c.more) for c in m.cuts] == [("subgame-perfect equilibria", None,
                                                            "--limit spe_combinations=N")]


@pytest.mark.skipif(not (CORPUS / "ttt.efg").is_file(), reason="Gambit corpus (../shared/corpus) absent")
def test_tic_tac_toe_counts_its_subgame_perfect_equilibria():
    result = kimgame.solve(kimgame.load(CORPUS / "ttt.efg"), conditions=False)
    m = result.method
    assert (m.scope, m.complete, m.listed, m.total) == ("every pure subgame-perfect equilibrium", False, 100,
                                                        188_779_163_811_840)
    assert m.cuts[0].more == "--limit spe_listed=N"


# ---- trees with imperfect information ------------------------------------------------------------------


def pennies_tree():
    """Ann stays out (1/2) or enters matching pennies against Bob, who does not see her coin."""
    return build_tree(["Ann", "Bob"], decision("Ann", {
        "Out": terminal(F(1, 2), 0),
        "In": decision("Ann", {
            "H": decision("Bob", {"h": terminal(1, -1), "t": terminal(-1, 1)}, infoset="Bob guesses"),
            "T": decision("Bob", {"h": terminal(-1, 1), "t": terminal(1, -1)}, infoset="Bob guesses"),
        }, name="Ann hides"),
    }, name="start"))


def test_imperfect_information_tree_complete_against_brute_force():
    game = pennies_tree()
    result = kimgame.solve(game, conditions=False)
    A, B = as_lists(reduced_normal_form(game).numeric)
    extreme = set(brute_equilibria(A, B))
    spe = {tuple(tuple(m) for m in eq.strategies) for eq in result.equilibria if eq.subgame_perfect}
    assert len(spe) == 1 and mixes(result) == extreme | spe  # the SPE (Bob 1/2-1/2) is not extreme
    m = result.method
    assert (m.scope, m.complete, m.listed, m.total) == ("all extreme Nash equilibria", True, len(extreme | spe),
                                                        len(extreme | spe))
    only = kimgame.nash.backward_induction(game)
    assert (only.method.scope, only.complete, only.method.listed) == (
        "every subgame-perfect equilibrium built from extreme equilibria of the subgames", True, 1)


def test_imperfect_information_nash_list_cut():
    result = kimgame.solve(pennies_tree(), conditions=False, limits={"nash_listed": 1})
    m = result.method
    others = 2  # Out, with Bob guessing h with probability 1/4 or 3/4 (the extreme points)
    assert (m.complete, m.listed, m.total) == (False, 2, 1 + others)
    assert [(c.what, c.listed, c.total, c.more) for c in m.cuts] == [
        ("Nash equilibria that are not subgame-perfect", 1, others, "--limit nash_listed=N")]


def test_imperfect_information_pure_method_and_a_form_too_large():
    game = pennies_tree()
    pure = kimgame.nash.enumpure(game)
    assert pure_nash_profiles(reduced_normal_form(game).numeric) == [] and pure.equilibria == ()
    assert (pure.method.scope, pure.complete, pure.method.listed) == ("all pure Nash equilibria", True, 0)
    small = kimgame.solve(game, conditions=False, limits={"reduced_profiles": 2})  # the form is not built
    m = small.method
    assert (m.scope, m.complete, m.listed) == (
        "every subgame-perfect equilibrium built from extreme equilibria of the subgames", True, 1)
    assert "reduced_profiles" in m.more


def test_subgame_limit_is_named_and_raisable():
    game = pennies_tree()
    for method in ("auto", "enummixed"):  # over the limit: one equilibrium of the subgame from the sequence form
        cut = kimgame.solve(game, method=method, conditions=False, limits={"subgame_profiles": 3})
        assert any("--limit subgame_profiles=N" in note and "sequence" in note for note in cut.notes)
        spe = [eq for eq in cut.equilibria if eq.subgame_perfect]
        assert len(spe) == 1 and tree_nash_failure(game, spe[0].behavior) is None
    assert not kimgame.solve(game, conditions=False, limits={"subgame_profiles": 4}).notes


def test_every_limit_a_solve_note_names_is_a_limit():
    import re

    from kimgame.limits import LIMIT_NAMES

    result = kimgame.solve(ties_tree(), conditions=False, limits={"spe_listed": 1, "spe_combinations": 1})
    named = {n for note in result.notes for n in re.findall(r"--limit (\w+)=N", note)}
    assert named and named <= set(LIMIT_NAMES)


def test_lemke_howson_pivot_limit_is_named_and_the_result_partial():
    g = kimgame.load(GAMES / "matching_pennies.yaml")
    cut = kimgame.nash.lemke_howson(g, limits={"pivots": 1})
    assert cut.partial and not cut.complete and cut.method.total is None
    assert any("--limit pivots=N" in note for note in cut.notes)
    assert kimgame.nash.lemke_howson(g, limits={"pivots": 10}).complete


def test_every_limit_is_documented():
    from kimgame.limits import DEFAULT_LIMITS, LIMIT_NAMES

    doc = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in LIMIT_NAMES:
        assert f"| `{name}` |" in doc and f"{getattr(DEFAULT_LIMITS, name):,} |" in doc, name
