"""analyze(): the one entry point, its report sections, its JSON document, and the examples."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

import kimgame
from kimgame.analysis.analyze import ClaimAnalysis, analyze
from kimgame.analysis.conditions import parameter_symbols
from kimgame.errors import KimgameError
from kimgame.model.claims import Claim, Dominates
from kimgame.report.analysis_sections import analysis_document, analysis_sections
from kimgame.report.document import to_json
from kimgame.report.render import render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
SINGAPORE = ROOT / "games" / "singapore_matrix.yaml"


def test_analyze_all_claims_of_the_essay():
    game = kimgame.load(SINGAPORE)
    silence, private = analyze(game)
    assert isinstance(silence, ClaimAnalysis)
    assert silence.condition_text == "K > H*e" and silence.holds is True
    assert private.condition_text == "(K > 0) & (H*e_private + K > H*e)"
    assert silence.most_sensitive == "K" and silence.montecarlo is None
    assert "H < 400 and K > 1/2" in silence.summary and "K > H*e" in silence.summary
    assert silence.latex == sympy.latex(silence.condition)


def test_analyze_one_claim_by_id_by_object_and_at_other_values():
    game = kimgame.load(SINGAPORE)
    (a,) = analyze(game, "private-dominates")
    assert a.claim.id == "private-dominates"
    built = Claim("mine", "pressure beats silence", Dominates("US", "pressure", "silence"))
    (b,) = analyze(game, built)
    assert b.holds is False and b.claim is built
    # pressure minus silence: dismantle -K - W*p + H*e, stall H*e - K, spite -K: never > 0 when K = 0
    # ... and K > 0 makes the spite one fail: the claim cannot hold anywhere in the ranges
    assert b.condition is sympy.false and b.most_sensitive is None
    # K = 10, H = 400, e = 1/20: K > H*e fails; it would hold with K > 20 or H < 200 or e < 1/40
    (c,) = analyze(game.with_values(K=10, H=400), "silence-dominates")
    assert c.holds is False and "would be if H < 200, e < 1/40 or K > 20" in c.summary
    assert {m.parameter: m.up for m in c.margins if m.parameter == "K"} == {"K": 10}
    # K = 0, H = 1000, e = 1: no single parameter can repair it within the ranges
    (d,) = analyze(game.with_values(K=0, H=1000, e=1), "silence-dominates")
    assert d.holds is False and "no change of a single parameter" in d.summary
    with pytest.raises(KimgameError, match="no claim with id 'nope'"):
        analyze(game, "nope")


def test_analysis_with_monte_carlo_is_reproducible():
    game = kimgame.load(SINGAPORE)
    first = analyze(game, "silence-dominates", samples=5000, seed=3)[0].montecarlo
    again = analyze(game, "silence-dominates", samples=5000, seed=3)[0].montecarlo
    assert first == again and first.samples == 5000 and first.ci_low < float(first.share) < first.ci_high


def test_reports_text_markdown_and_json():
    game = kimgame.load(SINGAPORE)
    analyses = analyze(game, samples=2000, seed=1)
    sections = analysis_sections(analyses)
    assert [s.heading.split(":")[0] for s in sections] == ["Claim silence-dominates", "Claim private-dominates"]
    text = render_text(game.title, "", sections)
    md = render_markdown(game.title, "", sections)
    for out in (text, md):
        assert "K > H*e" in out and "Most sensitive to: K" in out and "Monte Carlo" in out
    doc = json.loads(to_json(analysis_document(game, analyses)))
    symbols = parameter_symbols(game)
    assert doc["game"]["form"] == "normal"
    for item, a in zip(doc["claims"], analyses):
        assert item["id"] == a.claim.id and item["holds"] is a.holds
        assert sympy.sympify(item["condition"], locals=symbols) == a.condition
        assert Fraction(item["montecarlo"]["share"]) == Fraction(a.montecarlo.hits, 2000)
        assert item["montecarlo"]["hits"] == a.montecarlo.hits and item["montecarlo"]["seed"] == 1
    k = next(m for m in doc["claims"][0]["margins"] if m["parameter"] == "K")
    assert (k["down"], k["flips_below"], k["relative_down"], k["up"]) == ("39/2", "1/2", "39/400", None)
    th = next(t for t in doc["claims"][0]["thresholds"] if t["parameter"] == "H")
    assert th["holds_on"] == "Interval.Ropen(0, 400)" and th["text"] == "H < 400"


def test_claims_without_a_condition_are_reported_at_the_values():
    game = kimgame.load(SINGAPORE)
    late = Claim("late", "", Dominates("US", "silence", "pressure", after_elimination=True))
    (a,) = analyze(game, late)
    assert a.condition is None and a.holds is True and "iterated elimination" in a.note
    doc = analysis_document(game, (a,))
    assert doc["claims"][0]["condition"] == "True"
    assert doc["claims"][0]["condition_scope"] == "at these parameter values"
    assert "No parameter condition" in render_text("t", "", analysis_sections((a,)))


@pytest.mark.parametrize(("script", "args", "expected"), [
    ("monte_carlo_robustness.py", ["3000", "5"], "holds exactly when:  K > H*e"),
    ("own_game.py", [], "holds exactly when V > C"),
    ("readme_figure.py", ["{tmp}/figure.png"], "silence dominates pressure on 93.5% of the grid; exactly when K > H*e"),
])
@pytest.mark.slow
def test_examples_run(script, args, expected, tmp_path):
    args = [a.format(tmp=tmp_path) for a in args]
    out = subprocess.run([sys.executable, str(ROOT / "examples" / script), *args], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout
