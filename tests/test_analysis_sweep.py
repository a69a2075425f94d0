"""Sweeps (vectorised, against point-by-point solving), --vary specs, writers and plots."""

from __future__ import annotations

import csv
import io
import json
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

import kimgame
from kimgame.analysis.sweep import sweep
from kimgame.analysis.sweep_grid import grid_values, parse_vary
from kimgame.errors import KimgameError
from kimgame.solvers.dominance import dominates
from kimgame.solvers.pure import pure_equilibria

ROOT = Path(__file__).resolve().parent.parent
SINGAPORE = ROOT / "games" / "singapore_matrix.yaml"


def solved_point_by_point(game, result):
    """Claims and outcome labels at every grid point by the exact numeric solvers."""
    claims = {c.id: np.zeros(result.shape, dtype=bool) for c in game.claims}
    outcomes = np.empty(result.shape, dtype=object)
    for idx in np.ndindex(*result.shape):
        values = {name: result.axes_exact[k][idx[k]] for k, name in enumerate(result.parameters)}
        g = game.with_values(values)
        for c in game.claims:
            i = g.player_index(c.spec.player)
            s, t = g.strategy_index(i, c.spec.strategy), g.strategy_index(i, c.spec.over)
            claims[c.id][idx] = dominates(g.numeric[i], i, s, t, strict=c.spec.strict)
        labels = ["/".join(g.strategies[i][k] for i, k in enumerate(p)) for p in pure_equilibria(g.numeric)]
        outcomes[idx] = "; ".join(labels) if labels else "none"
    return claims, outcomes


@pytest.mark.parametrize("vary", [
    {"K": ("1", "199", 7), "H": ("0", "1000", 7)},  # the claims' boundary K = H/20 crosses the grid
    {"R": ("0", "200", 7), "M": ("5", "185", 7)},  # the outcome changes where R = M
    {"p_insult": ("0", "1", 7), "c": ("1/2", "41/2", 7)},
])
def test_sweep_equals_point_by_point_solving(vary):
    game = kimgame.load(SINGAPORE)
    result = sweep(game, vary)
    claims, outcomes = solved_point_by_point(game, result)
    for cid, arr in result.claims.items():
        assert np.array_equal(arr, claims[cid]), cid
    assert np.array_equal(result.outcomes, outcomes)
    assert len(set(outcomes.reshape(-1))) > 1 or "p_insult" in vary  # the grids see more than one outcome


def test_parse_vary_is_exact():
    assert parse_vary("p_insult=0:1:201") == ("p_insult", (F(0), F(1), 201))
    name, (lo, hi, n) = parse_vary("p=0:2/3:5")
    assert name == "p" and grid_values(lo, hi, n) == (F(0), F(1, 6), F(1, 3), F(1, 2), F(2, 3))
    assert parse_vary(" W = 0.5 : 1e3 : 3 ") == ("W", (F(1, 2), F(1000), 3))


@pytest.mark.parametrize(("spec", "fragment"), [
    ("p", "NAME=LO:HI:N"), ("=0:1:3", "NAME=LO:HI:N"), ("p=0:1", "LO:HI:N"), ("p=a:1:3", "'a' is not a number"),
    ("p=0:1:x", "not a whole number"), ("p=0:1:1", "at least 2"), ("p=1:0:3", "LO must be below HI"),
])
def test_bad_vary_specs(spec, fragment):
    with pytest.raises(KimgameError, match=fragment.replace("(", r"\(")):
        parse_vary(spec)


def test_sweep_refuses_unknown_parameters_and_values_outside_the_range():
    game = kimgame.load(SINGAPORE)
    with pytest.raises(KimgameError, match="no parameter named 'Q'"):
        sweep(game, {"Q": (0, 1, 3)})
    with pytest.raises(KimgameError, match="declared range"):
        sweep(game, {"p_insult": (0, 2, 3)})
    with pytest.raises(KimgameError, match="at least one parameter"):
        sweep(game, {})


def test_writers_are_exact_and_deterministic(tmp_path):
    game = kimgame.load(SINGAPORE)
    result = sweep(game, {"K": ("0", "1", 4), "H": ("0", "20", 3)})
    text = result.to_csv(tmp_path / "s.csv")
    assert text == sweep(game, {"K": ("0", "1", 4), "H": ("0", "20", 3)}).to_csv()
    assert (tmp_path / "s.csv").read_text(encoding="utf-8") == text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["K", "K_exact", "H", "H_exact", "silence-dominates", "private-dominates", "outcome"]
    assert len(rows) == 1 + 12
    # numbers as numbers (the float's shortest text), exact values beside them
    assert rows[1][:4] == ["0.0", "0", "0.0", "0"] and rows[3][:4] == ["0.0", "0", "20.0", "20"]
    assert rows[6][:4] == ["0.3333333333333333", "1/3", "20.0", "20"]
    # K = 1/3, H = 20, e = 1/20: K > H*e is 1/3 > 1: false; K = 1, H = 0: true (exact values, last fastest)
    assert rows[6][4] == "false" and rows[10][:5] == ["1.0", "1", "0.0", "0", "true"]
    doc = json.loads(result.to_json())
    assert doc["axes"]["K"] == ["0", "1/3", "2/3", "1"]
    assert np.array(doc["claims"]["silence-dominates"]).shape == (4, 3)
    assert [[doc["outcome_names"][k] for k in row] for row in doc["outcomes"]] == result.outcomes.tolist()


def test_a_million_points_are_a_handful_of_array_operations(monkeypatch):
    """The grid is evaluated by compiled conditions called once each on the whole mesh (about 0.5 s for a
    million points on the development machine), never point by point."""
    from kimgame.analysis import montecarlo

    game = kimgame.load(SINGAPORE)
    sweep(game, {"K": (0, 200, 3), "H": (0, 1000, 3)})  # derive and cache the conditions once
    sizes: list[int] = []
    compile_condition = montecarlo.compile_condition

    def counting(condition, names):
        fn = compile_condition(condition, names)

        def call(*mesh):
            sizes.append(min(np.size(m) for m in mesh))
            return fn(*mesh)

        return call

    monkeypatch.setattr(montecarlo, "compile_condition", counting)
    result = sweep(game, {"K": (0, 200, 1000), "H": (0, 1000, 1000)})
    assert result.claims["silence-dominates"].shape == (1000, 1000)
    assert 1 <= len(sizes) <= 2 * len(game.claims) + 10  # one call per condition ...
    assert set(sizes) == {1_000_000}  # ... each on the whole grid
    # spot-check: K > H/20 at a few points
    for i, j in ((0, 0), (999, 999), (250, 600), (100, 999)):
        k, h = result.axes_exact[0][i], result.axes_exact[1][j]
        assert result.claims["silence-dominates"][i, j] == (k > h / 20)


def test_plot_without_matplotlib_says_how_to_get_it(monkeypatch, tmp_path):
    from kimgame.analysis.plot import plot_regions

    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends", "matplotlib.backends.backend_agg",
                 "matplotlib.patches"):
        monkeypatch.setitem(sys.modules, name, None)
    game = kimgame.load(SINGAPORE)
    with pytest.raises(KimgameError, match=r"pip install 'kimgame\[plot\]'"):
        plot_regions(sweep(game, {"K": (0, 200, 5)}), tmp_path / "x.png", game)


def test_plots_are_written(tmp_path):
    pytest.importorskip("matplotlib")
    from kimgame.analysis.plot import plot_regions

    game = kimgame.load(SINGAPORE)
    two = plot_regions(sweep(game, {"K": (0, 200, 41), "H": (0, 1000, 41)}), tmp_path / "two.png", game)
    one = plot_regions(sweep(game, {"K": (0, 2, 81)}), tmp_path / "one.svg", game)
    assert two.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = one.read_text(encoding="utf-8")
    assert "<svg" in svg and "silence-dominates holds" in svg
    with pytest.raises(KimgameError, match="one or two"):
        plot_regions(sweep(game, {"K": (0, 2, 3), "H": (0, 2, 3), "W": (0, 2, 3)}), tmp_path / "three.png", game)
