"""Gambit strategic-form files (.nfg): reading both versions exactly, writing, errors with places."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from kimgame.errors import KimgameError
from kimgame.io.export import to_nfg
from kimgame.io.gambit_nfg import parse_nfg

DATA = Path(__file__).parent / "data"
F = Fraction


def payoff_table(game) -> dict[tuple[str, ...], tuple[Fraction, ...]]:
    """Payoffs by profile of strategy labels (independent of the storage order)."""
    out = {}
    for flat, profile in enumerate(game.profiles()):
        labels = tuple(game.strategies[i][k] for i, k in enumerate(profile))
        out[labels] = tuple(a.reshape(-1)[flat] for a in game.numeric)
    return out


def equilibria(game):
    return sorted((e.strategies, e.payoffs) for e in kimgame.solve(game).equilibria)


def test_payoff_version_first_player_fastest():
    # Gambit's documentation example (Selten 1975, figure 2): payoffs 1 1 | 0 2 | 0 2 | 1 1 | 0 3 | 2 0
    game = kimgame.load(DATA / "selten_payoff.nfg")
    assert game.players == ("Player 1", "Player 2")
    assert game.strategies == (("1", "2", "3"), ("1", "2"))
    assert game.title == "Selten (IJGT, 75), Figure 2, normal form"
    table = payoff_table(game)
    assert table[("1", "1")] == (1, 1)
    assert table[("2", "1")] == (0, 2)
    assert table[("3", "1")] == (0, 2)
    assert table[("1", "2")] == (1, 1)
    assert table[("2", "2")] == (0, 3)
    assert table[("3", "2")] == (2, 0)


def test_outcome_version_is_the_same_game():
    a = kimgame.load(DATA / "selten_payoff.nfg")
    b = kimgame.load(DATA / "selten_outcome.nfg")
    assert payoff_table(a) == payoff_table(b)
    assert equilibria(a) == equilibria(b)


def test_outcome_version_labels_numbers_and_null_outcome():
    game = kimgame.load(DATA / "labels_outcome.nfg")
    assert game.title == 'Outcome "version", with a comment'
    assert game.players == ("Row", "Column")
    assert game.strategies == (("Up", "Down"), ("Left", "Right", 'Cen"ter'))
    table = payoff_table(game)
    # outcome numbers 1 0 2 2 3 0 in Gambit's order: (Up,Left) (Down,Left) (Up,Right) (Down,Right) ...
    assert table[("Up", "Left")] == (1, 1)
    assert table[("Down", "Left")] == (0, 0)  # outcome 0: the null outcome
    assert table[("Up", "Right")] == (F(5, 2), F(-1, 2))  # 2.5 read exactly
    assert table[("Down", "Right")] == (F(5, 2), F(-1, 2))
    assert table[("Up", 'Cen"ter')] == (F(3, 4), F(1, 3))  # .75 and 1/3
    assert table[("Down", 'Cen"ter')] == (0, 0)
    assert all(type(v) is Fraction for vec in table.values() for v in vec)


def test_three_players_order():
    game = kimgame.load(DATA / "three_players.nfg")
    assert game.shape == (2, 2, 2)
    table = payoff_table(game)
    for (a, b, c), (ua, ub, uc) in table.items():
        ia, ib, ic = int(a) - 1, int(b) - 1, int(c) - 1
        assert ua == 1 + ia + 2 * ib + 4 * ic  # the position in the file's list
        assert ub == ib and uc == -ic


def test_decimals_are_exact():
    game = parse_nfg('NFG 1 R "d" { "a" "b" } { 1 1 } 0.1 -.30', "d.nfg")
    assert payoff_table(game)[("1", "1")] == (F(1, 10), F(-3, 10))


def test_empty_and_repeated_labels_are_made_distinct():
    text = 'NFG 1 R "" { "" "" } { { "x" "x" "" } { "" } } { { "" 1 2 } } 1 1 1'
    game = parse_nfg(text, "labels.nfg")
    assert game.players == ("Player 1", "Player 2")
    assert game.strategies == (("x (1)", "x (2)", "3"), ("1",))
    assert game.title == "labels"


def test_set_is_refused(tmp_path):
    with pytest.raises(KimgameError, match="a Gambit file has no parameters"):
        kimgame.load(DATA / "selten_payoff.nfg", W=3)


@pytest.mark.parametrize("text, line, col, message", [
    ('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3', 2, 6, "the file ends after 3 payoffs"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 }\n1 2 3', 2, 5, "unexpected '3' after the last payoff"),
    ('NFG 2 R "t" { "a" } { 1 }', 1, 5, "unsupported NFG version '2'"),
    ('EFX 1 R', 1, 1, "starts with 'NFG 1 R' (strategic form) or 'EFG 2 R'"),
    ('NFG 1 R "t" { "a" "b" }\n{ 2 }', 2, 1, "1 number(s) of strategies for 2 players"),
    ('NFG 1 R "t" { "a" } { 0 }', 1, 23, "must be at least 1"),
    ('NFG 1 R "t" { "a" } { 1 }\n1/0', 2, 1, "denominator 0"),
    ('NFG 1 R "t" { "a" } { 1 }\nx', 2, 1, "expected a payoff"),
    ('NFG 1 R "t { "a" } { 1 }', 1, 16, "no closing quote"),
    ('NFG 1 R "t" { "a" } { 1 } @', 1, 27, "unexpected character '@'"),
    ('NFG 1 R "t" { "a" "b" }\n{ { "x" } { "y" } }\n{ { "" 1 } }\n1', 3, 5, "outcome 1 lists 1 payoff(s)"),
    ('NFG 1 R "t" { "a" "b" }\n{ { "x" } { "y" } }\n{ { "" 1 x } }\n1', 3, 10,
     "expected a payoff (a number) or '}' in the payoffs of outcome 1"),
    ('NFG 1 R "t" { "a" "b" }\n{ { "x" } { "y" } }\n{ { "" 1 2 } }\n2', 4, 1, "there is no outcome 2"),
    ('NFG 1 R "t" { "a" "b" }\n{ { "x" } { "y" } }\n{ { "" 1 2 } }\n', 4, 1, "ends after 0 outcome numbers"),
    ('NFG 1 R "t" { "a" "b" }\n{ { "x" } { } }', 2, 11, "Column"[:0] + "b has no strategies"),
    ('NFG 1 R "t" { }', 1, 13, "the game has no players"),
])
def test_errors_say_where_and_what(tmp_path, text, line, col, message):
    path = tmp_path / "bad.nfg"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KimgameError) as info:
        kimgame.load(path)
    err = info.value
    assert err.where is not None and err.where.file == str(path)
    assert (err.where.line, err.where.col) == (line, col), str(err)
    assert message in err.message


def test_cli_error_is_one_line_without_traceback(tmp_path):
    from clirun import run_cli

    path = tmp_path / "bad.nfg"
    path.write_text('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3', encoding="utf-8")
    run = run_cli("solve", str(path))
    assert run.code == 2
    assert run.err.startswith(f"{path}:2:6: the file ends after 3 payoffs")
    assert "Traceback" not in run.err


def test_writer_round_trip_keeps_labels_payoffs_and_equilibria():
    for name in ("labels_outcome.nfg", "three_players.nfg", "selten_payoff.nfg"):
        game = kimgame.load(DATA / name)
        again = parse_nfg(to_nfg(game), "again.nfg")
        assert again.players == game.players and again.strategies == game.strategies
        assert again.title == game.title
        assert payoff_table(again) == payoff_table(game)
        assert equilibria(again) == equilibria(game)


def test_writer_escapes_labels():
    game = kimgame.game_from_arrays([[[1]], [[2]]], players=['say "hi"', "back\\slash\\"],
                                    strategies=[["a\\"], ['"q"']], title="t")
    again = parse_nfg(to_nfg(game), "x.nfg")
    assert again.players == game.players and again.strategies == game.strategies


def test_large_file_reads_each_distinct_number_once(monkeypatch):
    """40,000 outcomes: each distinct number text is read once and then looked up (what keeps a large
    file's reading linear and fast: under a second here), and the payoffs are right."""
    import numpy as np

    from kimgame.io import gambit_syntax

    read: list[str] = []
    parse_number = gambit_syntax.parse_number
    monkeypatch.setattr(gambit_syntax, "parse_number", lambda text: read.append(text) or parse_number(text))
    rng = np.random.default_rng(1)
    game = kimgame.game_from_arrays([rng.integers(-50, 50, (200, 200)), rng.integers(0, 7, (200, 200)) * 0.25])
    text = to_nfg(game)
    assert len(text) > 800_000  # 40,000 outcomes
    again = parse_nfg(text, "big.nfg")
    assert again.shape == (200, 200)
    assert all((a == b).all() for a, b in zip(again.numeric, game.numeric))
    assert read and len(read) == len(set(read)) <= 7  # the quarters 1/4 ... 3/2, once each (integers: int())
