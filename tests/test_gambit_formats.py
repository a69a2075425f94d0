"""Every feature of Gambit's file formats, one small hand-written file each (tests/data/gambit/), games
without perfect recall (solved in their reduced normal form), N-player trees and normal forms, and the
conformance run over Gambit's sample games (skipped when ../shared/corpus/gambit is absent)."""

from __future__ import annotations

import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from clirun import run_cli
from kimgame.errors import KimgameError
from kimgame.io.gambit_efg import parse_efg
from kimgame.io.gambit_nfg import parse_nfg
from kimgame.solvers.verify import is_nash

DATA = Path(__file__).parent / "data" / "gambit"
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "gambit"
if not CORPUS.is_dir():  # a worktree next to the checkout: /work/wt/<name> with /work/shared
    CORPUS = ROOT.parent.parent / "shared" / "corpus" / "gambit"
F = Fraction


def table(game) -> dict[tuple[str, ...], tuple[Fraction, ...]]:
    out = {}
    for flat, profile in enumerate(game.profiles()):
        labels = tuple(game.strategies[i][k] for i, k in enumerate(profile))
        out[labels] = tuple(a.reshape(-1)[flat] for a in game.numeric)
    return out


def terminal_payoffs(game) -> list[tuple[Fraction, ...]]:
    return [v for v in game.terminal_values if v is not None]


# ---- .nfg --------------------------------------------------------------------------------------------


def test_payoff_version_with_strategy_names():
    game = kimgame.load(DATA / "payoff_named_strategies.nfg")
    assert game.strategies == (("hawk", "dove"), ("hawk", "dove"))
    t = table(game)  # first player's strategy varies fastest in the flat list
    assert t[("hawk", "hawk")] == (-1, -1)
    assert t[("dove", "hawk")] == (0, 4)
    assert t[("hawk", "dove")] == (4, 0)
    assert t[("dove", "dove")] == (2, 2)
    result = kimgame.solve(game)
    assert result.complete and len(result.equilibria) == 3
    assert ((F(2, 3), F(1, 3)), (F(2, 3), F(1, 3))) in [e.strategies for e in result.equilibria]


def test_payoff_version_with_counts_and_a_multiline_comment_with_quotes():
    game = kimgame.load(DATA / "payoff_counts_comment.nfg")
    assert game.strategies == (("1", "2"), ("1", "2", "3"))
    t = table(game)
    assert t[("1", "1")] == (1, 0) and t[("2", "1")] == (0, 1) and t[("2", "3")] == (3, 3)


def test_outcome_version_with_the_null_outcome_and_an_unnamed_outcome():
    game = kimgame.load(DATA / "outcome_version.nfg")
    t = table(game)
    assert t[("up", "left")] == (2, 1)
    assert t[("down", "left")] == (0, 0) and t[("up", "right")] == (0, 0)
    assert t[("down", "right")] == (1, 2)


def test_every_number_form_is_read_exactly():
    game = kimgame.load(DATA / "number_forms.nfg")
    t = table(game)
    assert t[("1", "1")] == (3, -2)
    assert t[("2", "1")] == (F(1, 2), F(5, 4))
    assert t[("1", "2")] == (F(3, 4), F(-1, 3))
    assert t[("2", "2")] == (F(1, 10), 25)


def test_outcome_version_with_strategy_counts_is_read_too():
    game = parse_nfg('NFG 1 R "t" { "A" "B" } { 1 2 } { { "" 1 2 } { "x" 3, 4 } } 1 2', "counts.nfg")
    assert table(game) == {("1", "1"): (1, 2), ("1", "2"): (3, 4)}


@pytest.mark.parametrize("text, line, message", [
    ('NFG 1 R "t" { "A" "B" }\n{ { "a" } { "b" } }\n""\n1', 4, "the file ends after 1 payoffs"),
    ('NFG 1 R "t" { "A" "B" }\n{ { "a" } { "b" } }\n""\n{ { "" 1 2 } }\n2', 5, "there is no outcome 2"),
    ('NFG 1 R "t" { "A" "B" }\n{ { "a" } { "b" } }\n""\n1 2 3', 4, "unexpected '3'"),
    ('NFG 1 R "t" { "A" "B" }\n{ 1 1 }\n1 1/0', 3, "denominator 0"),
])
def test_nfg_errors_keep_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "bad.nfg"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KimgameError) as info:
        kimgame.load(path)
    assert info.value.where.file == str(path) and info.value.where.line == line, str(info.value)
    assert message in info.value.message
    run = run_cli("solve", str(path))
    assert run.code == 2 and f"bad.nfg:{line}:" in run.err and "Traceback" not in run.err


# ---- .efg --------------------------------------------------------------------------------------------


def test_escaped_quotes_in_every_label():
    game = kimgame.load(DATA / "escaped_quotes.efg")
    assert game.title == 'A "quoted" title'
    assert game.players[0] == 'The "first" player'
    (h,) = game.infosets.values()
    assert h.label == 'the "only" set' and h.actions == ('say "yes"', "say no")
    assert game.outcomes == ('"good" end', "bad end")
    assert game.nodes[0].name == 'root "node"'


def test_outcomes_at_non_terminal_nodes_add_up_along_the_path():
    game = kimgame.load(DATA / "nonterminal_outcomes.efg")
    # fee (-1, 1) at the chance node, bonus (3/2, 0) at A's node, then the terminal's own outcome (or none)
    assert terminal_payoffs(game) == [(F(3, 2), 2), (F(1, 2), 1), (1, 3)]
    (eq,) = kimgame.solve(game).equilibria
    assert eq.payoffs == (F(5, 4), F(5, 2))  # A stays: 1/2 * (3/2, 2) + 1/2 * (1, 3)


def test_unnamed_players_actions_infosets_and_outcomes_get_their_numbers():
    game = kimgame.load(DATA / "unnamed_everything.efg")
    assert game.players == ("Player 1", "Player 2")
    assert set(game.infosets) == {"Player 1 infoset 1", "Player 2 infoset 1"}
    assert all(h.actions == ("1", "2") for h in game.infosets.values())
    (eq,) = kimgame.solve(game).equilibria  # matching pennies
    assert eq.payoffs == (0, 0)


# ---- imperfect recall ------------------------------------------------------------------------------


def test_a_forgetful_player_is_solved_in_the_reduced_normal_form():
    game = kimgame.load(DATA / "forgetful.efg")
    result = kimgame.solve(game)
    assert result.game.form == "normal" and result.perfect_recall is False
    assert result.game.strategies[0] == ("L/a", "L/b", "R/a", "R/b")
    assert "does not have perfect recall" in result.notes[0]
    assert "subgame perfection are not offered" in result.notes[0]
    assert result.complete and result.equilibria
    for eq in result.equilibria:
        assert eq.behavior is None and eq.subgame_perfect is None
        assert is_nash(result.game.numeric, eq.strategies)


def test_absent_minded_driver_repeats_the_plan_at_every_visit():
    game = kimgame.load(DATA / "absent_minded.efg")
    result = kimgame.solve(game)
    assert result.game.strategies == (("exit", "continue"),)
    t = table(result.game)
    assert t[("exit",)] == (0,) and t[("continue",)] == (1,)  # continue twice: the end, payoff 1
    assert [e.strategies for e in result.equilibria] == [((F(0), F(1)),)]
    assert "one player" in " ".join(result.notes)


def test_no_recall_cli_says_what_is_not_offered_and_refuses_spe():
    run = run_cli("solve", str(DATA / "forgetful.efg"))
    assert run.code == 0, run.err
    assert "does not have perfect recall" in run.out and "Behaviour strategies and subgame" in run.out
    run = run_cli("solve", str(DATA / "forgetful.efg"), "--method", "spe")
    assert run.code == 2 and "perfect recall" in run.err
    run = run_cli("show", str(DATA / "forgetful.efg"))
    assert run.code == 0 and "no move is marked" in run.out


def test_yaml_and_perfect_recall_trees_are_still_checked():
    # a repeated information set on one path in a Gambit file is read (absent-mindedness) ...
    text = 'EFG 2 R "t" { "A" }\np "" 1 1 "h" { "a" "b" } 0\np "" 1 1 "h" { "a" "b" } 0\nt "" 1 "" { 1 }\n' \
           't "" 2 "" { 2 }\nt "" 3 "" { 0 }'
    game = parse_efg(text, "am.efg")
    result = kimgame.solve(game)
    assert [e.payoffs for e in result.equilibria] == [(1,)]  # a, then a again: 1 (b at the first visit: 0)


# ---- N players -------------------------------------------------------------------------------------


def test_three_player_tree_without_pure_equilibrium_gets_its_mixed_ones():
    game = kimgame.load(DATA / "three_player_mixed.efg")
    result = kimgame.solve(game)
    assert result.equilibria, result.notes
    assert not any(e.is_pure for e in result.equilibria)
    from kimgame.solvers.behavior import flat_behavior
    from kimgame.solvers.subgames import nash_failure

    for eq in result.equilibria:
        assert nash_failure(game, flat_behavior(game, eq.behavior)) is None


def test_n_player_normal_form_past_the_budget_gives_an_approximate_equilibrium_with_exact_epsilon():
    import numpy as np

    from kimgame.expr.tree import Formula, Num
    from kimgame.model.normal_form import NormalFormGame
    from kimgame.solvers.n_player import max_regret

    rng = np.random.default_rng(5)
    shape = (3, 3, 2)  # 7 * 7 * 3 = 147 support profiles: beyond what auto gives the polynomial method
    players = ("P0", "P1", "P2")
    strategies = (("a", "b", "c"), ("a", "b", "c"), ("a", "b"))
    cells = [tuple(Formula(Num(F(int(x))), str(int(x))) for x in rng.integers(0, 9, size=3)) for _ in range(18)]
    game = NormalFormGame(players, strategies, tuple(cells))
    result = kimgame.solve(game, timeout=5)
    assert not result.complete
    assert any("mixed equilibria are not all found" in n for n in result.notes)
    approx = result.approximate
    if approx is not None:
        profile = tuple(tuple(approx.strategies[p][s] for s in strategies[i]) for i, p in enumerate(players))
        assert max_regret(game.numeric, profile) == approx.epsilon
        assert all(sum(m) == 1 for m in profile)
    assert shape == game.shape
    for eq in result.equilibria:
        assert is_nash(game.numeric, eq.strategies)


def test_irrational_equilibria_are_marked_in_json():
    # a 2 x 2 x 2 game whose mixed equilibria involve sqrt(43): auto runs the polynomial method within budget
    run = run_cli("solve", str(ROOT / "games" / "three_player_coordination.yaml"), "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    irrational = [e for e in doc["equilibria"] if e.get("rational") is False]
    assert irrational and "sqrt(43)" in json.dumps(irrational)
    for eq in irrational:
        assert all(0 <= p <= 1 for mix in eq["approx"].values() for p in mix.values())
    assert doc["solver"]["complete"] is True


# ---- the conformance run over Gambit's samples -------------------------------------------------------

SMALL = ["2x2.nfg", "e04.efg", "2smp.efg", "g1.efg", "AM-driver-one-infoset.efg"]


def _conformance():
    spec = importlib.util.spec_from_file_location("conformance", ROOT / "benchmarks" / "conformance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CORPUS.is_dir(), reason="Gambit's sample games (../shared/corpus/gambit) are not here; "
                    "the tests on tests/data/gambit cover the same features")
def test_every_corpus_file_parses():
    bad = []
    for path in sorted(CORPUS.rglob("*.[ne]fg")):
        try:
            kimgame.load(path)
        except KimgameError as err:
            bad.append(str(err))
    assert not bad, "\n".join(bad)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="Gambit's sample games (../shared/corpus/gambit) are not here")
def test_conformance_on_small_corpus_games():
    module = _conformance()
    lines: list[str] = []
    report = module.run(CORPUS, timeout=10, only=SMALL, echo=lines.append)
    rows = report["rows"]
    assert len(rows) == len(SMALL), lines
    for row in rows:
        assert row["status"] in ("ok", "ok-partial"), "\n".join(lines)
        assert row["verified"]


def test_a_subgame_too_large_for_mixed_equilibria_still_gets_its_pure_ones():
    """Past the size of a truncated game's mixed analysis, its pure equilibria are found on integer arrays
    (what gives Gambit's 4-player cs.efg its pure subgame-perfect equilibria): same SPE as the small path."""
    from kimgame.model.nodes import decision, terminal
    from kimgame.model.tree_assembly import build_tree

    def coordination(name):  # B and C move without seeing each other; pure equilibria: both a, both b
        return decision("B", {
            "a": decision("C", {"a": terminal(0, 2, 2), "b": terminal(0, 0, 0)}, infoset=f"C {name}"),
            "b": decision("C", {"a": terminal(0, 0, 0), "b": terminal(3, 1, 1)}, infoset=f"C {name}"),
        }, infoset=f"B {name}")

    game = build_tree(["A", "B", "C"], decision("A", {"left": coordination("L"), "right": terminal(1, 0, 0)},
                                                 name="A"))

    def pure_spe(result):
        return sorted(tuple(sorted((h, a) for sets in e.behavior.values() for h, acts in sets.items()
                                   for a, p in acts.items() if p == 1))
                      for e in result.equilibria if e.subgame_perfect and e.is_pure)

    small = kimgame.solve(game, method="pure")
    large = kimgame.solve(game, method="pure", limits={"subgame_profiles": 1})
    assert pure_spe(large) == pure_spe(small) and len(pure_spe(small)) == 2
    assert any("too many for its mixed equilibria" in n for n in large.notes)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="Gambit's sample games (../shared/corpus/gambit) are not here; "
                    "the test above covers the same path")
def test_chain_store_with_four_players_gets_its_pure_subgame_perfect_equilibria():
    result = kimgame.solve(kimgame.load(CORPUS / "contrib-games" / "cs.efg"), timeout=60)
    assert result.tree.spe_count == "84992" and len(result.equilibria) == 100
    assert all(e.subgame_perfect for e in result.equilibria)


def test_one_player_tree_is_solved():
    # one decision maker with a chance move: her best plans, no N-player step (a regression: a crash)
    text = ('EFG 2 R "solo" { "Ann" }\n""\nc "" 1 "" { "h" 1/2 "t" 1/2 } 0\n'
            'p "" 1 1 "" { "a" "b" } 0\nt "" 1 "" { 2 }\nt "" 2 "" { 1 }\n'
            'p "" 1 2 "" { "a" "b" } 0\nt "" 3 "" { 0 }\nt "" 4 "" { 3 }')
    result = kimgame.solve(parse_efg(text, "solo.efg"))
    assert [tuple(e.payoffs) for e in result.equilibria] == [(F(5, 2),)] and result.complete
