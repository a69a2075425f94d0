"""Plots say what they show: subgame-perfect paths named so, one panel per claim (overlaps cannot blend),
exact counts of grid points in legends, distinct colours."""

from __future__ import annotations

import pytest

import kimgame
from conftest import GAMES
from kimgame.analysis.sweep import sweep

pytest.importorskip("matplotlib")


def test_tree_plot_names_subgame_perfect_paths_and_gives_exact_counts(tmp_path):
    from kimgame.analysis.plot import plot_regions

    game = kimgame.load(GAMES / "singapore.yaml", L=10)
    result = sweep(game, {"p_insult": (0, 1, 11), "H": (0, 400, 11)})
    svg = plot_regions(result, tmp_path / "two.svg", game).read_text(encoding="utf-8")
    assert "Subgame-perfect paths" in svg and "pure equilibria" not in svg.lower().replace("pure nash", "")
    for cid, arr in result.claims.items():  # one panel per claim, its exact count of grid points
        assert f"Where {cid} holds" in svg
        hits = int(arr.sum())
        assert (f"{cid} holds at {hits} of 121 grid points" in svg or (hits == 121 and "at all 121" in svg)
                or (hits == 0 and "none of the 121" in svg))
    one = plot_regions(sweep(game, {"H": (0, 400, 21)}), tmp_path / "one.svg", game).read_text(encoding="utf-8")
    assert "subgame-perfect paths" in one and "pure equilibria" not in one


def test_share_is_exact_not_rounded():
    import numpy as np

    from kimgame.analysis.plot import _share

    almost = np.ones((201, 201), dtype=bool)
    almost[0, 0] = False
    assert _share(almost) == "at 40400 of 40401 grid points"  # not "100%"


def test_many_outcomes_get_distinct_colours():
    from kimgame.analysis.plot import _colors

    cs = _colors(14)
    assert len(set(cs)) == 14
