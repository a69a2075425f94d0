"""``benchmarks/run.py --quick`` runs every case and writes its table (a smoke test: nothing is timed here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

CASES = (
    "reduced normal form: centipede, perfect information",
    "reduced normal form: centipede with a chance move, imperfect information",
    "backward induction, generated tree with chance",
    "CLI solve, start to finish (warm condition cache)",
    "CLI solve, start to finish (cold condition cache)",
    "all extreme equilibria, random n×n, payoffs 0..9",
    "whole kimgame.solve (equilibria + dominance), random n×n, payoffs 0..9",
    "dominance step alone (random, payoffs 0..9)",
    "dominance step alone (half the strategies dominated by mixtures)",
    "Kuhn poker end to end (CLI)",
    "sequence-form Lemke, n-card Kuhn poker with a rake",
)


@pytest.mark.slow
def test_quick_run_writes_a_table_with_every_case(tmp_path):
    out = tmp_path / "results.md"
    out.write_text("# notes kept\n\n<!-- benchmarks/run.py writes from here -->\nold\n"
                   "<!-- to here; the rest of the file is kept -->\n\n## by hand\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--output", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# notes kept") and text.rstrip().endswith("## by hand") and "\nold\n" not in text
    assert "| case | size | kimgame | baseline |" in text and "Machine:" in text and "Load average" in text
    for case in CASES:
        assert f"| {case} |" in text, case
        assert f"| {case} |" in run.stdout, case
