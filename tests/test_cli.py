"""The command line as users run it: formats, overrides, exit codes, the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

from clirun import run_cli
from conftest import GAMES, ROOT

SINGAPORE_MATRIX = GAMES / "singapore_matrix.yaml"


def test_text_output_shows_matrix_equilibria_dominance_and_claims():
    run = run_cli("solve", SINGAPORE_MATRIX)
    assert run.code == 0 and run.err == ""
    for fragment in ("Payoffs", "US \\ DPRK", "481/4, 10", "Equilibria", "private", "dismantle",
                     "Dominance", "Iterated elimination", "silence-dominates", "holds", "(≈120.25)"):
        assert fragment in run.out, fragment


def test_set_overrides_are_exact_and_shown():
    run = run_cli("solve", SINGAPORE_MATRIX, "--set", "p_insult=0.4", "--set", "W=2/5")
    assert run.code == 0
    assert "2/5 (≈0.4)  (set)" in run.out
    data = json.loads(run_cli("solve", SINGAPORE_MATRIX, "--set", "p_insult=0.4", "-f", "json").out)
    assert data["game"]["parameters"]["p_insult"] == "2/5"


def test_json_document_follows_the_contract():
    run = run_cli("solve", GAMES / "battle_of_sexes.yaml", "--format", "json")
    assert run.code == 0
    doc = json.loads(run.out)
    assert doc["kimgame"] == "0.1.0"
    assert doc["game"] == {"title": "Battle of the sexes", "form": "normal", "players": ["Alex", "Blair"],
                           "parameters": {}}
    assert len(doc["equilibria"]) == 3
    for eq in doc["equilibria"]:
        assert set(eq["strategies"]) == {"Alex", "Blair"}
        assert set(eq["strategies"]["Alex"]) == {"opera", "football"}  # every pure strategy listed
        assert sum(Fraction(p) for p in eq["strategies"]["Alex"].values()) == 1
        assert set(eq["payoffs"]) == {"Alex", "Blair"}
        assert "subgame_perfect" not in eq  # normal form
        for p in eq["payoffs"].values():
            Fraction(p)
    mixed = [eq for eq in doc["equilibria"] if eq["strategies"]["Alex"]["opera"] == "3/5"]
    assert mixed and mixed[0]["strategies"]["Blair"] == {"opera": "2/5", "football": "3/5"}
    assert mixed[0]["payoffs"] == {"Alex": "6/5", "Blair": "6/5"}


def test_json_claims_have_condition_that_sympy_parses():
    import sympy

    doc = json.loads(run_cli("solve", SINGAPORE_MATRIX, "-f", "json").out)
    ids = {c["id"]: c for c in doc["claims"]}
    assert ids["silence-dominates"]["holds"] is True
    sympy.sympify(ids["silence-dominates"]["condition"])


def test_markdown_report():
    run = run_cli("solve", GAMES / "prisoners_dilemma.yaml", "--format", "markdown")
    assert run.code == 0
    assert run.out.startswith("# Prisoner's dilemma")
    assert "| Row \\ Column | cooperate | defect |" in run.out
    assert "## Equilibria" in run.out and "## Dominance" in run.out


def test_output_is_deterministic():
    first = run_cli("solve", SINGAPORE_MATRIX, "-f", "json").out
    assert first == run_cli("solve", SINGAPORE_MATRIX, "-f", "json").out


def random_bimatrix_file(tmp_path, n: int, seed: int = 3):
    """A random n x n game with payoffs 0..9 written as a payoff file."""
    import numpy as np

    rng = np.random.default_rng(seed)
    A, B = rng.integers(0, 10, (n, n)), rng.integers(0, 10, (n, n))
    rows = [f"s{i}" for i in range(n)]
    cols = [f"t{j}" for j in range(n)]
    lines = ["kimgame: 1", "players: [R, C]", f"strategies: {{R: [{', '.join(rows)}], C: [{', '.join(cols)}]}}",
             "payoffs:"]
    for i, r in enumerate(rows):
        lines.append(f"  {r}: {{" + ", ".join(f"{c}: [{A[i, j]}, {B[i, j]}]" for j, c in enumerate(cols)) + "}")
    path = tmp_path / f"random{n}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_timeout_exit_code_3_and_valid_json(tmp_path):
    path = random_bimatrix_file(tmp_path, 11)
    run = run_cli("solve", path, "--timeout", "0", "-f", "json")
    assert run.code == 3
    doc = json.loads(run.out)
    assert doc["solver"]["partial"] is True and doc["solver"]["complete"] is False


def test_python_dash_m_and_console_script_work():
    proc = subprocess.run([sys.executable, "-m", "kimgame", "solve", str(GAMES / "matching_pennies.yaml"), "-f", "json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["equilibria"][0]["payoffs"] == {"Matcher": "0", "Mismatcher": "0"}
    bad = subprocess.run([sys.executable, "-m", "kimgame", "solve", "nope.yaml"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no such file" in bad.stderr


def test_every_example_game_validates():
    for path in sorted(GAMES.glob("*.yaml")):
        run = run_cli("validate", path)
        assert run.code == 0, (path, run.err)


def test_size_limits_from_the_option_and_the_environment(monkeypatch):
    run = run_cli("solve", SINGAPORE_MATRIX, "--limit", "profiles=3")
    assert run.code == 2 and "more than the limit of 3" in run.err
    monkeypatch.setenv("KIMGAME_LIMITS", "profiles=3")
    run = run_cli("solve", SINGAPORE_MATRIX)
    assert run.code == 2 and "more than the limit of 3" in run.err


def test_usage_errors_exit_2_with_typers_message_and_no_traceback():
    for args, fragment in ((("--format", "html"), "'html' is not one of"), (("--timeout", "soon"), "--timeout"),
                           (("--bogus",), "No such option: --bogus"), ((), None)):
        run = run_cli("solve", *((SINGAPORE_MATRIX, *args) if fragment else ()))
        assert run.code == 2 and "Traceback" not in run.err, args
        assert (fragment or "Missing argument 'FILE'") in run.err, (args, run.err)
