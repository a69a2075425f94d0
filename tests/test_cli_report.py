"""The command line of issue 13: ``report``, ``--version``, shell completion, and long tables cut with
``--full``."""

from __future__ import annotations

import re

import kimgame
from clirun import run_cli
from conftest import GAMES


def test_version():
    run = run_cli("--version")
    assert run.code == 0 and run.out == f"kimgame {kimgame.__version__}\n"


def test_show_completion_prints_a_script():
    run = run_cli("--show-completion", "bash")
    assert run.code == 0, run.err
    assert "complete" in run.out and "_KIMGAME_COMPLETE" in run.out.upper()


def test_report_writes_one_self_contained_page(tmp_path):
    out = tmp_path / "page.html"
    run = run_cli("report", str(GAMES / "singapore_matrix.yaml"), "--set", "K=30", "-o", str(out))
    assert run.code == 0 and run.err == f"wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "silence-dominates" in page
    assert re.search(r'id="kg-v-\d+">30<', page)  # the --set value is the page's starting point
    assert "<link" not in page and " src=" not in page


def test_report_bad_input_is_exit_2(tmp_path):
    run = run_cli("report", str(GAMES / "missing.yaml"), "-o", str(tmp_path / "x.html"))
    assert run.code == 2 and "missing.yaml" in run.err and not (tmp_path / "x.html").exists()


def _wide_game(write_yaml, n: int):
    strategies = ", ".join(f"c{j}" for j in range(n))
    row = ", ".join(f"c{j}: [{j}, {n - j}]" for j in range(n))
    return write_yaml(f"""
        kimgame: 1
        title: wide
        players: [R, C]
        strategies: {{R: [a, b], C: [{strategies}]}}
        payoffs:
          a: {{{row}}}
          b: {{{row}}}
        """)


def test_long_tables_are_cut_with_a_note_and_full_prints_them(write_yaml):
    path = _wide_game(write_yaml, 30)
    cut = run_cli("solve", str(path))
    assert cut.code == 0
    assert "… table cut: 19 of 31 columns not shown (--full prints everything" in cut.out
    assert "c29" not in cut.out.split("Equilibria")[0]
    full = run_cli("solve", str(path), "--full")
    assert full.code == 0 and "table cut" not in full.out
    assert full.out.split("Equilibria")[0].count("┳") > cut.out.split("Equilibria")[0].count("┳") + 15
    shown = run_cli("show", str(path))
    assert "table cut" in shown.out and "table cut" not in run_cli("show", str(path), "--full").out
