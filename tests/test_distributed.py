"""Sweeps and Monte Carlo of exact solves in chunks, locally and on a small Dask LocalCluster: the same
numbers bit for bit, a killed worker's chunks recomputed, no complete-looking file after Ctrl-C, pandas."""

from __future__ import annotations

import io
import os
import signal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from tests.clirun import run_cli
from tests.reference import spe_path_label

import kimgame
from kimgame.analysis.conditions import claim_condition, evaluate_condition
from kimgame.analysis.solve_samples import draw_points, path_label, sample_solves
from kimgame.analysis.sweep import sweep
from kimgame.analysis.sweep_stream import sweep_to_csv
from kimgame.errors import KimgameError

GAMES = Path(__file__).resolve().parent.parent / "games"
TREE = GAMES / "singapore.yaml"
MATRIX = GAMES / "singapore_matrix.yaml"
TYPES = GAMES / "singapore_types.yaml"
TREE_GRID = {"p_insult": ("0", "1", 41), "H": ("0", "400", 23)}
MATRIX_GRID = {"K": ("0", "40", 9), "H": ("0", "30", 7), "e": ("0", "1", 5)}


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


def assert_same_sweep(a, b):
    assert a.outcome_names == b.outcome_names and a.parameters == b.parameters
    for mine, theirs in ((a.claims, b.claims), (a.equilibria, b.equilibria)):
        assert list(mine) == list(theirs)
        for key in mine:
            assert mine[key].dtype == theirs[key].dtype and np.array_equal(mine[key], theirs[key])
    assert np.array_equal(a.outcome_codes, b.outcome_codes)
    assert a.to_csv() == b.to_csv()


@pytest.mark.parametrize(("path", "grid", "overrides"), [(TREE, TREE_GRID, {"L": 10}), (MATRIX, MATRIX_GRID, {})])
def test_sweep_on_dask_is_bit_identical_to_the_embedded_sweep(client, path, grid, overrides):
    game = kimgame.load(path, overrides)
    local = sweep(game, grid)
    assert len(local.outcome_names) > 1  # the grid crosses a boundary
    assert_same_sweep(kimgame.sweep(game, grid, client=client, chunk_size=37), local)  # chunks cut rows anywhere


def test_streamed_csv_is_the_same_text_locally_and_on_dask(client, tmp_path):
    game = kimgame.load(TREE, {"L": 10})
    local = sweep(game, TREE_GRID)
    out = tmp_path / "grid.csv"
    streamed = sweep_to_csv(game, TREE_GRID, out, client=client, chunk_size=100, plot=True)
    assert out.read_text(encoding="utf-8") == local.to_csv()
    buf = io.StringIO()
    sweep_to_csv(game, TREE_GRID, buf, chunk_size=57)  # in this process, other chunks
    assert buf.getvalue() == local.to_csv()
    assert streamed.points == local.outcome_codes.size
    assert streamed.claim_counts == {cid: int(a.sum()) for cid, a in local.claims.items()}
    assert streamed.outcome_counts == {name: int((local.outcome_codes == k).sum())
                                       for k, name in enumerate(local.outcome_names)}
    assert_same_sweep(streamed.plot, local)  # under PLOT_POINTS per axis: the sub-grid is the grid
    assert [p.name for p in tmp_path.iterdir()] == ["grid.csv"]


def test_interrupted_stream_leaves_no_file_that_looks_complete(tmp_path, monkeypatch):
    import kimgame.analysis.sweep_stream as sweep_module

    game = kimgame.load(TREE, {"L": 10})
    out = tmp_path / "grid.csv"
    out.write_text("an earlier complete table\n", encoding="utf-8")
    real = sweep_module._stream_chunk
    calls = []

    def interrupted(plan, bounds, text):
        calls.append(bounds)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(plan, bounds, text)

    monkeypatch.setattr(sweep_module, "_stream_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sweep_to_csv(game, TREE_GRID, out, chunk_size=50)
    assert len(calls) == 3
    assert out.read_text(encoding="utf-8") == "an earlier complete table\n"  # untouched, no half table
    assert [p.name for p in tmp_path.iterdir()] == ["grid.csv"]  # the temporary file is gone


def test_to_pandas_is_tidy_numeric_and_matches_the_csv():
    pd = pytest.importorskip("pandas")
    game = kimgame.load(MATRIX)
    result = sweep(game, {"K": ("0", "1", 4), "H": ("0", "20", 3)})
    frame = result.to_pandas()
    assert list(frame.columns) == ["K", "K_exact", "H", "H_exact", "silence-dominates", "private-dominates",
                                   "outcome"]
    assert frame["K"].dtype == np.float64 and frame["silence-dominates"].dtype == bool
    assert list(frame["outcome"].cat.categories) == list(result.outcome_names)
    assert frame["K_exact"].tolist()[3:6] == ["1/3"] * 3 and Fraction(frame["K_exact"][3]) == Fraction(1, 3)
    assert frame["silence-dominates"].tolist() == result.claims["silence-dominates"].reshape(-1).tolist()
    read = pd.read_csv(io.StringIO(result.to_csv()))
    assert read["K"].dtype == np.float64 and read["silence-dominates"].dtype == bool
    assert read["K"].tolist() == frame["K"].tolist()  # the CSV's numbers read back to the same floats
    assert read["outcome"].tolist() == frame["outcome"].astype(str).tolist()


def test_missing_pandas_and_dask_give_one_clear_message(monkeypatch):
    import sys

    from kimgame.analysis.distributed import client_for

    result = sweep(kimgame.load(MATRIX), {"K": ("0", "1", 3)})
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(KimgameError, match=r"pip install 'kimgame\[pandas\]'"):
        result.to_pandas()
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(KimgameError, match=r"pip install 'kimgame\[dask\]'"), client_for(None):
        pass


def test_exact_solves_give_the_same_numbers_locally_and_on_dask(client):
    game = kimgame.load(TYPES)
    local = sample_solves(game, 30, seed=7, chunk_size=7)
    remote = sample_solves(game, 30, seed=7, client=client, chunk_size=11)
    assert local.to_dict() == remote.to_dict()
    assert local.done == local.solved == 30 and not local.partial and not local.issues
    assert sum(k for _, k in local.paths) >= 30  # each solved point has at least one SPE path
    assert len(local.paths) > 1 and 0 < local.claims[1].hits < 30  # the points are spread over the box
    assert draw_points(game, 30, 8) != draw_points(game, 30, 7)  # the seed matters


def test_exact_solve_shares_agree_with_the_exact_conditions():
    game = kimgame.load(MATRIX)
    result = sample_solves(game, 24, seed=3)
    points = draw_points(game, 24, 3)
    assert all(all(v.denominator <= 10**6 for v in p.values()) for p in points)
    for share in result.claims:
        cond = claim_condition(game, next(c for c in game.claims if c.id == share.id))
        expected = sum(evaluate_condition(cond, {**game.values, **p}) for p in points)
        assert share.hits == expected and share.solved == 24
        assert share.ci_low <= float(share.share) <= share.ci_high


def test_spe_path_labels_match_an_independent_labelling():
    game = kimgame.load(TREE)
    for point in draw_points(game, 5, 1):
        at = game.with_values(point)
        for eq in kimgame.solve(at, method="spe", conditions=False).equilibria:
            assert path_label(at, eq.behavior) == spe_path_label(at, eq.behavior)


def test_points_over_budget_or_failing_are_listed_not_counted():
    over = sample_solves(kimgame.load(TYPES), 4, seed=1, method="auto", point_timeout=1e-9)
    assert over.solved == 0 and over.done == 4 and [i.kind for i in over.issues] == ["limit"] * 4
    assert over.limited and all(c.solved == 0 for c in over.claims)
    failed = sample_solves(kimgame.load(GAMES / "three_player_coordination.yaml"), 3, seed=1, method="lemke-howson")
    assert [i.kind for i in failed.issues] == ["failed"] * 3 and "two-player" in failed.issues[0].reason
    assert failed.issues[1].values == draw_points(kimgame.load(GAMES / "three_player_coordination.yaml"), 3, 1)[1]


def test_timeout_stops_the_run_and_says_so():
    result = sample_solves(kimgame.load(TYPES), 10**6, seed=0, timeout=0.3)
    assert result.partial and result.done < 10**6 and result.solved == result.done
    assert any("not reached" in line for line in result.lines())


def test_cli_sweep_and_analyze_on_a_scheduler_address(client, tmp_path):
    address = client.scheduler.address
    out = tmp_path / "s.csv"
    run = run_cli("sweep", TREE, "--set", "L=10", "--vary", "p_insult=0:1:41", "--vary", "H=0:400:23",
                  "--dask", address, "--chunk-size", "200", "-o", out)
    assert run.code == 0, run.err
    assert out.read_text(encoding="utf-8") == sweep(kimgame.load(TREE, {"L": 10}), TREE_GRID).to_csv()
    assert f"wrote {out} (943 rows)" in run.err
    here = run_cli("analyze", TYPES, "--samples", "12", "--solve", "--seed", "4")
    there = run_cli("analyze", TYPES, "--samples", "12", "--solve", "--seed", "4", "--dask", address)
    assert here.code == there.code == 0 and here.out == there.out
    assert "silence-unknown-type: holds at" in here.out and "Subgame-perfect paths of play met" in here.out
    bad = run_cli("analyze", TYPES, "--samples", "30", "--dask", address)
    assert bad.code == 2 and "add --solve" in bad.err
    nowhere = run_cli("sweep", TREE, "--vary", "H=0:1:3", "--dask", "games/singapore.yaml")
    assert nowhere.code == 2 and "not a scheduler address" in nowhere.err


def test_dask_without_an_address_means_a_local_cluster():
    from kimgame.cli.dask_option import DASK_LOCAL, dask_without_address

    assert dask_without_address(["sweep", "f", "--dask"]) == ["sweep", "f", "--dask", DASK_LOCAL]
    assert dask_without_address(["sweep", "f", "--dask", "--vary", "x"]) == ["sweep", "f", "--dask", DASK_LOCAL,
                                                                            "--vary", "x"]
    assert dask_without_address(["sweep", "f", "--dask", "tcp://h:8786"]) == ["sweep", "f", "--dask", "tcp://h:8786"]


@pytest.mark.slow
def test_a_killed_worker_has_its_chunks_recomputed():
    distributed = pytest.importorskip("distributed")
    from kimgame.analysis.distributed import map_chunks
    from kimgame.analysis.solve_samples import _draws, _Job, _solve_chunk
    from kimgame.limits import current_limits

    game = kimgame.load(TYPES)
    draws = _draws(game, 120, 5)
    chunks = [(s, draws[s:s + 6]) for s in range(0, 120, 6)]
    job = _Job(game, "spe", None, None, current_limits())
    expected = [_solve_chunk(job, c) for c in chunks]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        pids = c.run(os.getpid)
        results = map_chunks(_solve_chunk, job, chunks, c)
        got = [next(results)]
        holders = [w for key, ws in c.who_has().items() if key.startswith("_same") for w in ws]
        victim = holders[0] if holders else next(iter(pids))  # the worker holding the game, if it is known
        os.kill(pids[victim], signal.SIGKILL)  # a worker dies with chunks queued on it
        got.extend(results)
        assert set(c.run(os.getpid).values()) != set(pids.values())  # the nanny started a new worker
    assert got == expected


@pytest.mark.slow
def test_cli_dask_without_address_starts_and_closes_a_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "s.csv"
    run = run_cli("sweep", TREE, "--set", "L=10", "--vary", "p_insult=0:1:41", "--vary", "H=0:400:23", "-o", out,
                  "--dask")
    assert run.code == 0, run.err
    assert out.read_text(encoding="utf-8") == sweep(kimgame.load(TREE, {"L": 10}), TREE_GRID).to_csv()
