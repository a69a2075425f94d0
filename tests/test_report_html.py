"""The report page's pieces without a browser: programs of conditions, the page's self-containment and
escaping, slider grids, notebook displays and ``SolveResult.to_pandas``."""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from kimgame.report.html_expr import condition_program, formula_program
from kimgame.report.html_page import report_html, slider_grid

ROOT = Path(__file__).resolve().parent.parent


def run(e, v):
    """The page's interpreter (report.js) written again in Python, for the tests."""
    op = e[0]
    if op == "n":
        return Fraction(int(e[1]), int(e[2]))
    if op == "v":
        return v[e[1]]
    args = [run(a, v) for a in e[1:]]
    if op == "+":
        return sum(args, Fraction(0))
    if op == "*":
        out = Fraction(1)
        for a in args:
            out *= a
        return out
    if op == "-":
        return -args[0]
    if op == "/":
        return args[0] / args[1]
    if op == "^":
        return args[0] ** int(args[1])
    if op in ("min", "max"):
        return min(args) if op == "min" else max(args)
    return abs(args[0])


def judge(cond, v):
    signs = [(run(expr, v) > 0) - (run(expr, v) < 0) for _, expr in cond["atoms"]]
    holds = {">": lambda s: s > 0, ">=": lambda s: s >= 0, "<": lambda s: s < 0, "<=": lambda s: s <= 0,
             "==": lambda s: s == 0, "!=": lambda s: s != 0}

    def ev(t):
        if isinstance(t, bool):
            return t
        if isinstance(t, int):
            return holds[cond["atoms"][t][0]](signs[t])
        if t[0] == "not":
            return not ev(t[1])
        parts = [ev(x) for x in t[1:]]
        return all(parts) if t[0] == "and" else any(parts)

    return ev(cond["tree"])


@pytest.fixture(scope="module")
def matrix_analysis():
    game = kimgame.load(ROOT / "games" / "singapore_matrix.yaml")
    return game, kimgame.solve(game, conditions=False), kimgame.analyze(game)


def test_condition_programs_agree_with_sympy(matrix_analysis):
    from kimgame.analysis.conditions import evaluate_condition

    game, _, analyses = matrix_analysis
    rng = random.Random(7)
    checked = 0
    for a in analyses:
        if a.condition is None:
            continue
        program = json.loads(json.dumps(condition_program(a.condition)))  # what the page receives
        for _ in range(40):
            v = {}
            for p in game.parameters:
                lo, hi, steps, _ = slider_grid(p.low, p.high, game.values[p.name])
                v[p.name] = lo + rng.randint(0, steps) * (hi - lo) / steps
            assert judge(program, v) == evaluate_condition(a.condition, v)
            checked += 1
    assert checked >= 40


def test_formula_programs_are_exact():
    from kimgame.expr.parse import parse_formula

    f = parse_formula("min(W, 3/7) * (H - 2)**2 / abs(-H) - max(1, W)", ("W", "H"))
    v = {"W": Fraction(1, 3), "H": Fraction(5, 2)}
    assert run(formula_program(f.expr), v) == f.evaluate(v)


def test_slider_grid_is_exact_and_holds_the_value():
    assert slider_grid(Fraction(0), Fraction(1000), Fraction(100)) == (0, 1000, 1000, 100)
    assert slider_grid(Fraction(0), Fraction(1), Fraction(3, 5)) == (0, 1, 1000, 600)
    lo, hi, steps, start = slider_grid(Fraction(0), Fraction(1, 3), Fraction(1, 9))
    assert steps == 1000 and lo + start * (hi - lo) / steps != Fraction(1, 9)  # between positions: said in page
    lo, hi, steps, start = slider_grid(None, None, Fraction(-5))
    assert lo <= -5 <= hi and lo + start * (hi - lo) / steps == -5


def test_page_is_self_contained_and_escapes_labels(write_yaml):
    path = write_yaml("""
        kimgame: 1
        title: "</script><script>alert(1)</script>"
        source: "<img src=x onerror=alert(2)>"
        players: ["<b>A</b>", B]
        parameters:
          x: {value: 1, range: [0, 2], doc: "</textarea>&amp;"}
        strategies: {"<b>A</b>": [up, "</td>"], B: [l, r]}
        payoffs:
          up: {l: [x, 1], r: [0, 0]}
          "</td>": {l: [0, 0], r: [1, x]}
        claims:
          - id: up-dominates
            says: "<script>bad()</script>"
            dominates: {player: "<b>A</b>", strategy: up, over: "</td>"}
        """)
    game = kimgame.load(path)
    page = report_html(game, kimgame.solve(game, conditions=False), kimgame.analyze(game), source_file="x.yaml")
    assert page.count("<script") == 2  # the data and the page's own script, nothing from the file
    assert "<img" not in page and "<b>A</b>" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL).group(1)
    parsed = json.loads(data)
    assert parsed["claims"][0]["id"] == "up-dominates" and parsed["matrix"]["shape"] == [2, 2]


def test_notebook_displays(matrix_analysis):
    game, result, analyses = matrix_analysis
    assert "<table" in game._repr_html_()
    html = result._repr_html_()
    assert "Equilibria" in html and game.title in html
    assert analyses[0].claim.id in analyses[0]._repr_html_()
    tree = kimgame.load(ROOT / "games" / "entry_deterrence.yaml")
    svg = tree._repr_html_()
    assert "<svg" in svg and 'class="edge spe path"' in svg


def test_to_pandas_one_row_per_equilibrium():
    pd = pytest.importorskip("pandas")
    game = kimgame.load(ROOT / "games" / "battle_of_sexes.yaml")
    result = kimgame.solve(game)
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(result.equilibria)
    first = game.players[0]
    mixed = frame[frame[f"payoff {first} exact"].str.contains("/")]
    assert len(mixed) == 1
    row = mixed.iloc[0]
    for p in game.players:
        for s in game.strategies[game.players.index(p)]:
            assert row[f"{p}: {s}"] == pytest.approx(float(Fraction(row[f"{p}: {s} exact"])))
    assert frame[f"payoff {first}"].dtype == "float64"


def test_regime_tables_show_whatever_columns_the_analysis_gives():
    from kimgame.report.html_page import regime_table

    rows = [{"others_play": {"DPRK": "dismantle"}, "others_condition": "R > M", "own_condition": "K > 0"},
            {"others_play": {"DPRK": "stall"}, "others_condition": "M > R", "own_condition": "<b>x</b>"}]
    html = regime_table(rows)
    assert "others play" in html and "DPRK: dismantle" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert html.count("<tr>") == 3 and regime_table([]) == ""
    assert "R &gt; M" in regime_table({"DPRK dismantles": "R > M"})
