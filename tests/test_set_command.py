"""kimgame set: edits keep every other byte, are validated first and written atomically."""

from __future__ import annotations

import os
import shutil
import stat
from fractions import Fraction

import pytest

import kimgame
from clirun import run_cli
from conftest import GAMES


@pytest.fixture
def matrix_copy(tmp_path):
    path = tmp_path / "singapore_matrix.yaml"
    shutil.copy(GAMES / "singapore_matrix.yaml", path)
    return path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


def test_set_changes_only_the_value_and_keeps_comments(matrix_copy):
    before = matrix_copy.read_text()
    run = run_cli("set", matrix_copy, "p_insult=0.4", "W=120")
    assert run.code == 0, run.err
    after = matrix_copy.read_text()
    diff = changed_lines(before, after)
    assert len(diff) == 2
    assert all(old.replace("value: 100,", "value: 120,").replace("value: 3/5,", "value: 0.4,") == new for old, new in diff)
    assert "# The essay" in after and "# private: silence in public" in after
    g = kimgame.load(matrix_copy)
    assert g.values["p_insult"] == Fraction(2, 5) and g.values["W"] == 120


def test_set_range_and_doc(matrix_copy):
    assert run_cli("set", matrix_copy, "--range", "K=0:500", "--doc", "K=China: cooperation value").code == 0
    g = kimgame.load(matrix_copy)
    (k,) = [p for p in g.parameters if p.name == "K"]
    assert (k.low, k.high, k.doc) == (0, 500, "China: cooperation value")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(["p_insult=2"], "outside its declared range"), (["p_insult=abc"], "is not a number"),
     (["nope=1"], "no parameter named 'nope'"), (["--range", "K=5:1"], "is empty"), ([], "nothing to set")],
)
def test_refused_edit_leaves_file_byte_for_byte(matrix_copy, args, fragment):
    before = matrix_copy.read_bytes()
    run = run_cli("set", matrix_copy, *args)
    assert run.code == 2 and fragment in run.err and "Traceback" not in run.err
    assert matrix_copy.read_bytes() == before
    assert [p.name for p in matrix_copy.parent.iterdir()] == [matrix_copy.name]  # no temporary file left


def test_dry_run_shows_diff_and_writes_nothing(matrix_copy):
    before = matrix_copy.read_bytes()
    run = run_cli("set", matrix_copy, "W=120", "--dry-run")
    assert run.code == 0 and "-  W:" in run.out and "+  W:" in run.out
    assert matrix_copy.read_bytes() == before


def test_mode_is_kept(matrix_copy):
    os.chmod(matrix_copy, 0o640)
    assert run_cli("set", matrix_copy, "W=90").code == 0
    assert stat.S_IMODE(matrix_copy.stat().st_mode) == 0o640


def test_short_form_and_block_style(write_yaml):
    path = write_yaml("""
        kimgame: 1
        players: [A, B]
        parameters:
          x: 1/2   # short form
          y:
            value: 3
            doc: block style
        strategies: {A: [u, d], B: [l, r]}
        payoffs:
          u: {l: [x, y], r: [0, 0]}
          d: {l: [0, 0], r: [y, x]}
    """)
    assert run_cli("set", path, "x=1/3", "y=4").code == 0
    assert run_cli("set", path, "--range", "y=0:10").code == 0
    text = path.read_text()
    assert "x: 1/3   # short form" in text and "    value: 4\n" in text and "    range: [0, 10]" in text
    g = kimgame.load(path)
    assert g.values == {"x": Fraction(1, 3), "y": 4}
    (y,) = [p for p in g.parameters if p.name == "y"]
    assert (y.low, y.high) == (0, 10)


def test_set_from_the_api(matrix_copy):
    from kimgame.io.editing import set_parameters

    edit = set_parameters(matrix_copy, {"K": "25"}, dry_run=True)
    assert "value: 25" in edit.after and not edit.written
    assert kimgame.load(matrix_copy).values["K"] == 20


@pytest.mark.parametrize("doc", ["cost of shaming, my reading", 'a "quoted" {odd}: text # not a comment, [x]',
                                 "- starts like a list", "'single' quotes", "ünïcode — dash", "  padded  "])
def test_set_doc_takes_any_text(tmp_path, doc):
    path = tmp_path / "singapore.yaml"
    shutil.copy(GAMES / "singapore.yaml", path)
    run = run_cli("set", path, "--doc", f"L={doc}")
    assert run.code == 0, run.err
    game = kimgame.load(path)
    assert next(p.doc for p in game.parameters if p.name == "L") == doc
