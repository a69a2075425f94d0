"""kimgame's benchmark suite: each case against its baseline in the same run, interleaved.

    python benchmarks/run.py            # full suite, writes benchmarks/results.md
    python benchmarks/run.py --quick    # a smoke run (small sizes, one repetition); used by the tests

Reports medians over repetitions and the ratio baseline/kimgame (> 1: kimgame is faster). Nothing
here is asserted: benchmarks measure, tests check behaviour.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


@dataclass
class Row:
    case: str
    size: str
    ours: float | None
    baseline: float | None
    baseline_name: str
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> str:
        if self.ours is None or self.baseline is None or self.ours == 0:
            return "—"
        return f"{self.baseline / self.ours:.1f}×"


def _fmt_time(t: float | None) -> str:
    if t is None:
        return "—"
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def interleaved(ours: Callable[[], object], baseline: Callable[[], object] | None, reps: int):
    """Run ours and baseline alternately ``reps`` times; return (median ours, median baseline, last outputs)."""
    t_ours, t_base, out_ours, out_base = [], [], None, None
    for _ in range(reps):
        t, out_ours = timed(ours)
        t_ours.append(t)
        if baseline is not None:
            t, out_base = timed(baseline)
            t_base.append(t)
    return (statistics.median(t_ours), statistics.median(t_base) if t_base else None, out_ours, out_base)


# ---------------------------------------------------------------- cases


def _run_command(cmd: list[str]) -> None:
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)


def case_cli(reps: int) -> list[Row]:
    """Wall time of `kimgame solve` (text) vs `python -c "import nashpy"`."""
    rows = []
    for game in ("games/singapore.yaml", "games/singapore_matrix.yaml"):
        if not (ROOT / game).exists():
            continue
        cmd = [sys.executable, "-m", "kimgame", "solve", game]
        base = [sys.executable, "-c", "import nashpy"]
        ours, baseline, _, _ = interleaved(partial(_run_command, cmd), partial(_run_command, base), reps)
        rows.append(Row("CLI solve, start to finish", game, ours, baseline, "python -c 'import nashpy'",
                        note="target ≤ 0.6× the baseline's time"))
    return rows


def _nashpy_vertex(A, B, out):  # child process
    import warnings

    import nashpy

    warnings.simplefilter("ignore")
    start = time.perf_counter()
    count = len(list(nashpy.Game(A, B).vertex_enumeration()))
    out.put((time.perf_counter() - start, count))  # timed inside the child: no fork overhead


def nashpy_vertex_capped(A, B, cap: float) -> tuple[float | None, int | None]:
    """nashpy's vertex enumeration in a child process, stopped at ``cap`` seconds."""
    import nashpy  # noqa: F401 - imported before the fork so the child's time is the algorithm's alone

    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_nashpy_vertex, args=(A, B, q))
    p.start()
    p.join(cap)
    if p.is_alive():
        p.terminate()
        p.join()
        return None, None
    return q.get()


def case_enumeration(sizes: list[int], seeds: int, cap: float) -> list[Row]:
    """All extreme equilibria of random n×n games (payoffs 0..9) vs nashpy's vertex enumeration."""
    import numpy as np

    from kimgame.solvers.enummixed import extreme_equilibria

    rows = []
    for n in sizes:
        ours_t, base_t, counts, base_counts, capped = [], [], [], [], 0
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            A, B = rng.integers(0, 10, (n, n)), rng.integers(0, 10, (n, n))
            t, eqs = timed(lambda: extreme_equilibria(A, B))  # noqa: B023
            ours_t.append(t)
            counts.append(len(eqs))
            if cap > 0:
                bt, bc = nashpy_vertex_capped(A.astype(float), B.astype(float), cap)
                if bt is None:
                    capped += 1
                else:
                    base_t.append(bt)
                    base_counts.append(bc)
        note = f"equilibria per game: {counts}"
        if base_counts:
            note += f"; nashpy found {base_counts}"
        if capped:
            note += f"; nashpy stopped at the {cap:g} s cap on {capped} game(s)"
        rows.append(Row("all extreme equilibria, random n×n, payoffs 0..9", f"n={n}", statistics.median(ours_t),
                        statistics.median(base_t) if base_t else None, "nashpy vertex_enumeration", note))
    return rows


def random_tree_spec(depth: int, seed: int):
    """A complete binary perfect-information tree: players A and B alternate, every third level is a
    chance move (1/3, 2/3); payoffs are random integers 0..9."""
    import random

    from kimgame.model.tree import chance, decision, terminal

    rng = random.Random(seed)

    def build(level: int):
        if level == depth:
            return terminal(rng.randint(0, 9), rng.randint(0, 9))
        if level % 3 == 2:
            return chance({"lo": ("1/3", build(level + 1)), "hi": ("2/3", build(level + 1))})
        return decision("A" if level % 3 == 0 else "B", {"l": build(level + 1), "r": build(level + 1)})

    return build(0)


def _tree_child(depth: int, out) -> None:  # runs in a fresh process: its peak memory is its own
    import resource

    from kimgame.model.tree import build_tree
    from kimgame.solvers.backward_induction import backward_induction

    spec = random_tree_spec(depth, seed=depth)
    t0, c0 = time.perf_counter(), time.process_time()
    game = build_tree(["A", "B"], spec)
    t1, c1 = time.perf_counter(), time.process_time()
    found = backward_induction(game)
    next(iter(found.profiles(1)))
    t2, c2 = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux reports KiB)
    total = found.total  # the exact number of equilibria, counted on first use
    t3, c3 = time.perf_counter(), time.process_time()
    out.put((game.num_nodes, t1 - t0, t2 - t1, c1 - c0, c2 - c1, peak, t3 - t2, c3 - c2, total.bit_length()))


def case_backward_induction(depths: list[int]) -> list[Row]:
    """Backward induction on generated perfect-information trees with chance: time (wall and CPU: the machine
    may be shared), memory, scaling. Timed: building the tree from specs, solving it and listing the first
    equilibrium; counting every equilibrium exactly (``.total``, computed on first use) is timed apart."""
    import math

    ctx = mp.get_context("spawn")
    rows, points = [], []
    for depth in depths:
        q = ctx.Queue()
        p = ctx.Process(target=_tree_child, args=(depth, q))
        p.start()
        nodes, build, solve, build_cpu, solve_cpu, peak, count, count_cpu, bits = q.get()
        p.join()
        points.append((nodes, build + solve, build_cpu + solve_cpu))
        rows.append(Row("backward induction, generated tree with chance", f"{nodes:,} nodes", build + solve, None,
                        "—", f"build {_fmt_time(build)}, solve {_fmt_time(solve)} (CPU {_fmt_time(build_cpu)} + "
                        f"{_fmt_time(solve_cpu)}), peak memory {peak:.0f} MiB; counting all equilibria "
                        f"(a {bits}-bit number) {_fmt_time(count)} more (CPU {_fmt_time(count_cpu)})"))
    if len(points) >= 2:
        (n0, t0, c0), (n1, t1, c1) = points[0], points[-1]
        exponent = math.log(t1 / t0) / math.log(n1 / n0)
        cpu_exponent = math.log(c1 / c0) / math.log(n1 / n0)
        rows[-1].note += f"; scaling exponent {exponent:.2f} wall, {cpu_exponent:.2f} CPU (1 = linear)"
    return rows


def machine() -> str:
    import numpy

    return (f"{platform.platform()}; {os.cpu_count()} cores; Python {platform.python_version()}; "
            f"numpy {numpy.__version__}")


def render(rows: list[Row]) -> str:
    out = ["| case | size | kimgame | baseline | baseline is | speed-up | note |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r.case} | {r.size} | {_fmt_time(r.ours)} | {_fmt_time(r.baseline)} | {r.baseline_name} | "
                   f"{r.ratio} | {r.note} |")
    return "\n".join(out)


CASES = {
    "trees": lambda quick: case_backward_induction([9] if quick else [13, 16, 19]),
    "cli": lambda quick: case_cli(1 if quick else 5),
    "enumeration": lambda quick: case_enumeration([4] if quick else [4, 6, 8, 10, 12], 1 if quick else 5,
                                                  5 if quick else 60),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition (smoke test)")
    parser.add_argument("--only", action="append", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.md"),
                        help="markdown file for the table ('-' for none)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for name, case in CASES.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(case(args.quick))
    table = render(rows)
    print(table)
    if args.output != "-":
        Path(args.output).write_text(f"# kimgame benchmarks\n\nMachine: {machine()}\n"
                                     f"Mode: {'quick' if args.quick else 'full'}; medians over repetitions; "
                                     f"speed-up = baseline time / kimgame time.\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
