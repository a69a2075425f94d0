"""kimgame analyze and kimgame sweep from the command line."""

from __future__ import annotations

import csv
import io
import json

import sympy

from clirun import run_cli
from conftest import GAMES

MATRIX = GAMES / "singapore_matrix.yaml"


def test_analyze_text_states_condition_thresholds_and_monte_carlo():
    run = run_cli("analyze", MATRIX, "--claim", "silence-dominates", "--samples", "500", "--seed", "3")
    assert run.code == 0, run.err
    assert "K > H*e" in run.out
    assert "Monte Carlo" in run.out and "seed 3" in run.out
    assert "private-dominates" not in run.out  # only the claim asked for


def test_analyze_json_condition_parses_back_and_agrees_with_holds():
    run = run_cli("analyze", MATRIX, "-f", "json", "--set", "K=0", "--set", "e=1/2")
    doc = json.loads(run.out)
    by_id = {c["id"]: c for c in doc["claims"]}
    cond = sympy.sympify(by_id["silence-dominates"]["condition"], locals={"K": sympy.Symbol("K", real=True),
                                                                         "H": sympy.Symbol("H", real=True),
                                                                         "e": sympy.Symbol("e", real=True)})
    values = {sympy.Symbol("K", real=True): 0, sympy.Symbol("H", real=True): 10, sympy.Symbol("e", real=True): sympy.Rational(1, 2)}
    assert bool(cond.subs(values)) is by_id["silence-dominates"]["holds"] is False


def test_analyze_latex_and_unknown_claim():
    assert "\\" in run_cli("analyze", MATRIX, "--latex").out
    bad = run_cli("analyze", MATRIX, "--claim", "nope")
    assert bad.code == 2 and "nope" in bad.err


def test_sweep_csv_matches_claim_condition_pointwise():
    run = run_cli("sweep", MATRIX, "--vary", "K=0:4:5", "--vary", "e=0:1:3")
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert len(rows) == 15
    for row in rows:
        from fractions import Fraction

        K, e = Fraction(row["K_exact"]), Fraction(row["e_exact"])
        assert float(row["K"]) == K and float(row["e"]) == e
        assert (row["silence-dominates"] == "true") == (K > 10 * e)  # H = 10


def test_sweep_json_and_plot(tmp_path):
    out = tmp_path / "sweep.json"
    png = tmp_path / "regions.png"
    run = run_cli("sweep", MATRIX, "--vary", "p_insult=0:1:11", "--format", "json", "-o", out, "--plot", png)
    assert run.code == 0, run.err
    data = json.loads(out.read_text())
    assert data["parameters"] == ["p_insult"]
    assert png.stat().st_size > 1000 and png.read_bytes()[:4] == b"\x89PNG"


def test_sweep_bad_vary_spec():
    run = run_cli("sweep", MATRIX, "--vary", "K=0:4")
    assert run.code == 2 and "Traceback" not in run.err
