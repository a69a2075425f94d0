"""Dask benchmark: a chunked sweep and a Monte Carlo of exact solves, in this process and on a LocalCluster.

In one run: (1) the sweep of ``games/singapore.yaml`` (L = 10) over a square grid of p_insult x H
(default 10^8 points), evaluated in chunks of 10^6 points and counted (no file: the cost of the
evaluation, not of the disk), first in this process, then on a LocalCluster of ``--workers`` worker
processes (one thread each); (2) ``--solves`` exact solves of ``games/singapore_types.yaml`` at seeded
points (``analyze --samples N --solve``), in this process and on the same cluster, checking that both
give the same numbers. It also times single chunks in this process (evaluation only, and with the CSV
text formatted), the per-chunk costs from which ``docs/cluster.md`` estimates larger clusters.

    python benchmarks/dask_bench.py                                  # full: 10^8 points, 10^4 solves
    python benchmarks/dask_bench.py --points 1e7 --solves 2000       # reduced, on a busy machine
    python benchmarks/dask_bench.py --output -                       # print only

The results go to their own section of ``benchmarks/results.md`` (between the two ``dask_bench``
comments; the rest of the file is kept). Benchmarks measure; they assert nothing but equal answers.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

START = "<!-- benchmarks/dask_bench.py writes from here -->"
END = "<!-- to here (dask_bench.py); the rest of the file is kept -->"
CHUNK = 1_000_000


def _seconds(t: float) -> str:
    return f"{t:.2f} s" if t >= 1 else f"{t * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=float, default=1e8, help="grid points of the sweep (a square grid)")
    ap.add_argument("--solves", type=float, default=1e4, help="exact solves of singapore_types.yaml")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (1 thread each)")
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "results.md"), help="results file, or - ")
    args = ap.parse_args()

    import distributed
    from run import load_average, machine

    import kimgame
    from kimgame.analysis.solve_samples import sample_solves
    from kimgame.analysis.sweep import sweep_plan
    from kimgame.analysis.sweep_stream import _stream_chunk, sweep_to_csv

    load_start = load_average()
    began = time.perf_counter()
    side = math.isqrt(int(args.points))
    vary = {"p_insult": (0, 1, side), "H": (0, 400, side)}
    tree = kimgame.load(ROOT / "games" / "singapore.yaml", {"L": 10})
    types = kimgame.load(ROOT / "games" / "singapore_types.yaml")
    solves = int(args.solves)
    rows: list[tuple[str, str, str, str, str]] = []

    # per-chunk costs in this process
    t = time.process_time()
    plan = sweep_plan(tree, vary, max_points=10**12)
    derive = time.process_time() - t
    size = min(CHUNK, plan.points)
    evaluate = statistics.median(_timed(lambda: _stream_chunk(plan, (0, size), False)) for _ in range(3))
    formatted = statistics.median(_timed(lambda: _stream_chunk(plan, (0, size), True)) for _ in range(3))
    one_solve = _timed(lambda: sample_solves(types, 200, seed=99, progress=False)) / 200

    t, cpu = time.perf_counter(), time.process_time()
    local = sweep_to_csv(tree, vary, None, chunk_size=CHUNK, progress=False)
    sweep_local, sweep_local_cpu = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    mc_local = sample_solves(types, solves, seed=0, progress=False)
    solves_local, solves_local_cpu = time.perf_counter() - t, time.process_time() - cpu

    t = time.perf_counter()
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(args.workers)
        startup = time.perf_counter() - t
        t = time.perf_counter()  # first use: each worker imports kimgame, numpy and sympy and compiles
        sweep_to_csv(tree, {"p_insult": (0, 1, 100), "H": (0, 400, 100)}, None, client=client, chunk_size=2500,
                     progress=False)
        sample_solves(types, 4 * args.workers, seed=1, client=client, chunk_size=1, progress=False)
        warmup = time.perf_counter() - t
        t, cpu = time.perf_counter(), _cluster_cpu(client)
        remote = sweep_to_csv(tree, vary, None, client=client, chunk_size=CHUNK, progress=False)
        sweep_remote, sweep_remote_cpu = time.perf_counter() - t, _cluster_cpu(client) - cpu
        t, cpu = time.perf_counter(), _cluster_cpu(client)
        mc_remote = sample_solves(types, solves, seed=0, client=client, progress=False)
        solves_remote, solves_remote_cpu = time.perf_counter() - t, _cluster_cpu(client) - cpu

    same_sweep = (local.claim_counts, local.outcome_counts) == (remote.claim_counts, remote.outcome_counts)
    same_mc = mc_local.to_dict() == mc_remote.to_dict()
    chunks = math.ceil(plan.points / CHUNK)
    rows.append((f"sweep, {plan.points:,} points ({side} × {side}), {chunks} chunks of {CHUNK:,}",
                 f"{_seconds(sweep_local)} (CPU {_seconds(sweep_local_cpu)})",
                 f"{_seconds(sweep_remote)} (workers' CPU {_seconds(sweep_remote_cpu)})",
                 f"{sweep_local / sweep_remote:.2f}×",
                 (f"{plan.points / sweep_local / 1e6:.1f} M points/s here, {plan.points / sweep_remote / 1e6:.1f} M "
                 f"on the cluster; same counts: {'yes' if same_sweep else 'NO'}")))
    rows.append((f"exact solves of singapore_types.yaml, {solves:,} points (method {mc_local.method})",
                 f"{_seconds(solves_local)} (CPU {_seconds(solves_local_cpu)})",
                 f"{_seconds(solves_remote)} (workers' CPU {_seconds(solves_remote_cpu)})",
                 f"{solves_local / solves_remote:.2f}×",
                 (f"{solves / solves_local:.0f} solves/s here, {solves / solves_remote:.0f} on the cluster; "
                 f"same numbers: {'yes' if same_mc else 'NO'}")))
    lines = [
        START,
        f"Machine: {machine()}",
        "",
        (f"Load average (1, 5, 15 min) at the start: {load_start}; at the end: {load_average()}. Run time "
        f"{time.perf_counter() - began:.0f} s. LocalCluster: {args.workers} worker processes × 1 thread, started "
        f"in {_seconds(startup)}; first use (imports and compilation on each worker, not in the times below) "
         f"{_seconds(warmup)}."),
        "",
        "| case | this process (wall) | LocalCluster (wall) | wall speed-up | note |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(r)} |" for r in rows),
        "",
        (f"Per-chunk costs in this process, CPU time (medians of 3): deriving the sweep's conditions once "
        f"{_seconds(derive)}; evaluating a chunk of {size:,} points {_seconds(evaluate)} "
        f"({evaluate / size * 1e9:.0f} ns a point); with its CSV text formatted {_seconds(formatted)} "
        f"({formatted / size * 1e9:.0f} ns a point, {_csv_bytes(plan, size):,} bytes); one exact solve of "
        f"singapore_types.yaml {one_solve * 1000:.1f} ms."),
        END,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output != "-":
        _write_section(Path(args.output), text)


def _cluster_cpu(client) -> float:
    """The CPU seconds used so far by all the cluster's worker processes."""
    return sum(client.run(time.process_time).values())


def _timed(fn) -> float:
    """The CPU time of ``fn()`` in this process (less disturbed by other work on the machine than wall time)."""
    t = time.process_time()
    fn()
    return time.process_time() - t


def _csv_bytes(plan, size: int) -> int:
    from kimgame.analysis.sweep_stream import _stream_chunk

    return len(_stream_chunk(plan, (0, min(size, 100_000)), True).text.encode()) * size // min(size, 100_000)


def _write_section(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old:
        new = old[:old.index(START)] + text.rstrip("\n") + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n## Dask: chunked sweeps and exact solves (`benchmarks/dask_bench.py`)\n\n" + text
    path.write_text(new, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))
    main()
