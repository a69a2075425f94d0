"""kimgame's benchmark suite: each case against its baseline in the same run, interleaved.

    python benchmarks/run.py            # full suite (about 10 minutes), writes benchmarks/results.md
    python benchmarks/run.py --quick    # a smoke run in seconds (tiny sizes, one repetition); used by the tests
    python benchmarks/run.py --only cli --output -   # one case, table on standard output only

Reports medians over repetitions and the ratio baseline/kimgame (> 1: kimgame is faster). Nothing
here is asserted: benchmarks measure, tests check behaviour.
"""

from __future__ import annotations

import argparse
import compileall
import math
import multiprocessing as mp
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
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


def _cli_env(cache_dir: str) -> dict[str, str]:
    """The environment of a timed command: this checkout's sources first, the given condition cache."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    env["KIMGAME_CACHE_DIR"] = cache_dir
    return env


def _run_command(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Run ``cmd``; return the CPU time (user + system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _cpu_into(cpu: list[float], cmd: list[str], cache: str | None, tmp: str) -> None:
    """Run ``cmd`` with condition cache ``cache`` (None: a fresh empty one); append its CPU time to ``cpu``."""
    cpu.append(_run_command(cmd, _cli_env(cache if cache is not None else tempfile.mkdtemp(dir=tmp))))


def case_cli(reps: int, games: tuple[str, ...] = ("games/singapore.yaml", "games/singapore_matrix.yaml")) -> list[Row]:
    """Wall time of `kimgame solve FILE` (text) vs `python -c "import nashpy"`, interleaved.

    Warm: the condition cache (claims' parameter conditions, keyed by the file's content) already holds
    the file, as when a file is solved again; cold: an empty cache for every run (the first solve of a
    file version). The sources are compiled to bytecode first, as an installed package is (this matters
    where PYTHONDONTWRITEBYTECODE is set: every run would otherwise recompile kimgame, ~0.2 s)."""
    compileall.compile_dir(str(ROOT / "src" / "kimgame"), quiet=1)
    rows = []
    base = [sys.executable, "-c", "import nashpy"]
    with tempfile.TemporaryDirectory(prefix="kimgame-bench-") as tmp:
        for game in games:
            if not (ROOT / game).exists():
                continue
            cmd = [sys.executable, "-m", "kimgame", "solve", game]
            warm = str(Path(tmp) / "warm")
            _run_command(cmd, _cli_env(warm))  # fills the cache
            for mode in ("warm", "cold"):
                cpu_ours: list[float] = []
                cpu_base: list[float] = []
                cache = warm if mode == "warm" else None  # None: a new empty cache folder for every run
                t_ours, t_base, _, _ = interleaved(partial(_cpu_into, cpu_ours, cmd, cache, tmp),
                                                   partial(_cpu_into, cpu_base, base, warm, tmp), reps)
                c_ours, c_base = statistics.median(cpu_ours), statistics.median(cpu_base)
                verdict = "met" if t_ours <= 0.6 * t_base else "missed"
                rows.append(Row(f"CLI solve, start to finish ({mode} condition cache)", game, t_ours, t_base,
                                "python -c 'import nashpy'",
                                note=f"kimgame/baseline {t_ours / t_base:.2f} wall, {c_ours / c_base:.2f} CPU "
                                     f"(CPU {_fmt_time(c_ours)} vs {_fmt_time(c_base)}); target ≤ 0.60: "
                                     f"{verdict}"))
    return rows


def _nashpy_vertex(A, B, out):  # child process
    import warnings

    import nashpy

    warnings.simplefilter("ignore")
    start = time.perf_counter()
    found = list(nashpy.Game(A, B).vertex_enumeration())
    elapsed = time.perf_counter() - start  # timed inside the child: no fork overhead
    out.put((elapsed, [(x.tolist(), y.tolist()) for x, y in found]))


def nashpy_vertex_capped(A, B, cap: float) -> tuple[float | None, list | None]:
    """nashpy's vertex enumeration in a child process, stopped at ``cap`` seconds: (time, equilibria as
    float lists), or (None, None) at the cap."""
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


def _same_equilibria(exact: list, floats: list, tol: float = 1e-6) -> bool:
    """Whether nashpy's float equilibria are our exact ones (same number, each within ``tol``)."""
    if len(exact) != len(floats):
        return False
    return all(any(all(abs(float(p) - q) <= tol for mine, theirs in zip(eq, fl) for p, q in zip(mine, theirs))
                   for eq in exact) for fl in floats)


def case_enumeration(sizes: list[int], seeds: Callable[[int], int], cap: float) -> list[Row]:
    """All extreme equilibria of random n×n games (payoffs 0..9, seeds 0, 1, ...) vs nashpy's vertex
    enumeration, each game solved once by each; medians over the games of a size."""
    import numpy as np

    from kimgame.solvers.enummixed import extreme_equilibria

    rows = []
    for n in sizes:
        ours_t, base_t, counts, base_counts, capped, agree = [], [], [], [], 0, []
        for seed in range(seeds(n)):
            rng = np.random.default_rng(seed)
            A, B = rng.integers(0, 10, (n, n)), rng.integers(0, 10, (n, n))
            t, eqs = timed(lambda: extreme_equilibria(A, B))  # noqa: B023
            ours_t.append(t)
            counts.append(len(eqs))
            if cap > 0:
                bt, found = nashpy_vertex_capped(A.astype(float), B.astype(float), cap)
                if bt is None or found is None:
                    capped += 1
                else:
                    base_t.append(bt)
                    base_counts.append(len(found))
                    agree.append(_same_equilibria(eqs, found))
        note = f"{len(ours_t)} game(s); equilibria per game: {counts}"
        if base_counts:
            note += (f"; nashpy found {base_counts}; same equilibria as nashpy on {sum(agree)} of the "
                     f"{len(agree)} games it finished")
        if capped:
            note += f"; nashpy stopped at the {cap:g} s cap on {capped} game(s)"
            if base_t:
                note += " (its median is over the others)"
        rows.append(Row("all extreme equilibria, random n×n, payoffs 0..9", f"n={n}", statistics.median(ours_t),
                        statistics.median(base_t) if base_t else None, "nashpy vertex_enumeration", note))
    return rows


def random_tree_spec(depth: int, seed: int):
    """A complete binary perfect-information tree: players A and B alternate, every third level is a
    chance move (1/3, 2/3); payoffs are random integers 0..9."""
    import random

    from kimgame.model.nodes import chance, decision, terminal

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

    from kimgame.model.tree_assembly import build_tree
    from kimgame.solvers.spe import backward_induction

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


def _sweep_child(side: int, out) -> None:  # a fresh process: the first sweep pays imports and compilation
    from fractions import Fraction

    import kimgame
    from kimgame.analysis.sweep import sweep

    game = kimgame.load(ROOT / "games" / "singapore.yaml").with_values(L=10)
    grid = {"p_insult": (0, 1, side), "H": (0, 400, side)}
    first, _ = timed(lambda: sweep(game, grid))
    again, result = timed(lambda: sweep(game, grid))
    share = float(result.claims["silence-at-root"].mean())
    points = [(Fraction(i, 50), Fraction(8 * i)) for i in range(50)]

    def per_point() -> None:
        for p, h in points:
            kimgame.solve(game.with_values(p_insult=p, H=h), method="spe", conditions=False)

    solver, _ = timed(per_point)
    out.put((first, again, solver / len(points), share))


def case_sweep(side: int) -> list[Row]:
    """The singapore tree's claims and SPE paths on a side x side grid of (p_insult, H), L = 10: the exact
    conditions on the two varied parameters, compiled to numpy, against solving the tree numerically at each
    point (measured on 50 points and extrapolated)."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_sweep_child, args=(side, q))
    p.start()
    first, again, per_point, share = q.get()
    p.join()
    n = side * side
    return [Row("sweep of the singapore tree's claims and SPE paths", f"{side}×{side} = {n:,} points", again,
                per_point * n, "solving the tree at each point (50 points, extrapolated)",
                f"{n / again:,.0f} points/s ({1 / per_point:,.0f} by solving); first sweep in a fresh process "
                f"{_fmt_time(first)} (imports, deriving and compiling the conditions); silence holds on "
                f"{share:.1%} of the grid")]


def centipede_spec(k: int, types: int = 1):
    """A centipede of 2k moves: A and B alternate, each choosing stop or go, ``k`` binary information sets
    each. With ``types`` = 2, chance first picks A's type (1/3, 2/3), seen by A and not by B: A then has 2k
    information sets, B's k span both types (imperfect information). A plan stops at its first 'stop', so a
    player has k + 1 reduced plans per type, against 2^(information sets) plans in the unreduced form."""
    from kimgame.model.nodes import chance, decision, terminal

    def node(move: int, t: int):
        if move == 2 * k:
            return terminal(2 * k + 2 + t, 2 * k + 1)
        if move % 2 == 0:
            return decision("A", {"stop": terminal(move + 2 + t, move), "go": node(move + 1, t)},
                            infoset=f"A{t} {move // 2 + 1}")
        return decision("B", {"stop": terminal(move, move + 3 - t), "go": node(move + 1, t)},
                        infoset=f"B {move // 2 + 1}")

    if types == 1:
        return node(0, 0)
    return chance({"lo": ("1/3", node(0, 0)), "hi": ("2/3", node(0, 1))})


def case_reduced_normal_form(ks: list[int], bayes_ks: list[int], reps: int) -> list[Row]:
    """Building the reduced normal form (plans, then exact payoff formulas) of centipedes with k binary
    information sets per player: time and size; the scaling exponent is fitted against the reduced size."""
    from kimgame.model.reduced_form import reduced_normal_form
    from kimgame.model.tree import full_normal_form_size, plan_space
    from kimgame.model.tree_assembly import build_tree

    rows = []
    for family, types, sizes in (("centipede, perfect information", 1, ks),
                                 ("centipede with a chance move, imperfect information", 2, bayes_ks)):
        points = []
        first = len(rows)
        for k in sizes:
            game = build_tree(["A", "B"], centipede_spec(k, types))
            plans_t, total_t = [], []
            for _ in range(reps):
                t_plans, space = timed(lambda: plan_space(game))  # noqa: B023
                t_form, nf = timed(lambda: reduced_normal_form(game))  # noqa: B023
                plans_t.append(t_plans)
                total_t.append(t_plans + t_form)
            _, log10 = full_normal_form_size(game)
            size = nf.num_profiles
            shape = " × ".join(str(n) for n in space.shape)
            infosets = [sum(1 for h in game.infosets.values() if h.player == i) for i in range(2)]
            ours = statistics.median(total_t)
            points.append((size, ours))
            rows.append(Row(f"reduced normal form: {family}", f"k={k}", ours, None, "—",
                            f"{game.num_nodes} nodes, information sets A {infosets[0]}, B {infosets[1]}; reduced "
                            f"{shape} = {size:,} profiles, unreduced 2^{sum(infosets)} ≈ 10^{log10:.1f}; "
                            f"plans {_fmt_time(statistics.median(plans_t))}"))
        fit = [(math.log(n), math.log(t)) for n, t in points if n >= 100 and t > 0]
        if len(fit) >= 2:
            mx = statistics.fmean(x for x, _ in fit)
            my = statistics.fmean(y for _, y in fit)
            slope = sum((x - mx) * (y - my) for x, y in fit) / sum((x - mx) ** 2 for x, _ in fit)
            rows[-1].note += (f"; time ∝ (reduced size)^{slope:.2f} (least squares over the sizes with ≥ 100 "
                              "profiles; 1 = linear in the reduced size)")
        elif rows[first:]:
            rows[-1].note += "; too few sizes for a scaling exponent"
    return rows


def _random_game(n: int, seed: int):
    """Random n×n bimatrix game with integer payoffs 0..9 (numpy's generator, ``seed``)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.integers(0, 10, (n, n)), rng.integers(0, 10, (n, n))


def _gambit_enummixed(A, B, rational: bool) -> Callable[[], object]:
    """Gambit's enummixed on (A, B) as a timed call (the game is built outside it)."""
    import pygambit as gbt

    game = gbt.StrategicGame.from_arrays(A.astype(int), B.astype(int))
    return lambda: gbt.nash.enummixed_solve(game, rational=rational)


def case_whole_solve(plan: list[tuple[int, int, tuple[str, ...]]], nashpy_cap: float) -> list[Row]:
    """The whole ``kimgame.solve`` of random n×n games (payoffs 0..9): every extreme equilibrium, each
    verified exactly, pure and mixed dominance and iterated elimination. Baselines, interleaved game by game:
    Gambit's ``enummixed_solve`` in floats and exact (``rational=True``) when pygambit is installed (equilibria
    alone), and nashpy's vertex enumeration (equilibria alone, in a child process, capped). ``plan``: (n,
    number of games, baselines among "gambit" and "nashpy") per size."""
    import kimgame
    from kimgame.model.normal_form import game_from_arrays

    kimgame.solve(game_from_arrays(_random_game(2, 0)), conditions=False)  # imports, outside the timings
    try:
        import pygambit  # noqa: F401
        have_gambit = True
    except ImportError:
        have_gambit = False
    rows = []
    for n, games, baselines in plan:
        gambit = have_gambit and "gambit" in baselines
        ours: list[float] = []
        base: dict[str, list[float]] = {"float": [], "exact": [], "nashpy": []}
        for seed in range(games):
            A, B = _random_game(n, seed)
            game = game_from_arrays([A, B])
            t, _ = timed(lambda: kimgame.solve(game, conditions=False))  # noqa: B023
            ours.append(t)
            if gambit:
                base["float"].append(timed(_gambit_enummixed(A, B, False))[0])
                base["exact"].append(timed(_gambit_enummixed(A, B, True))[0])
            if "nashpy" in baselines:
                bt, _ = nashpy_vertex_capped(A.astype(float), B.astype(float), nashpy_cap)
                if bt is not None:
                    base["nashpy"].append(bt)
        mine = statistics.median(ours)
        times = ", ".join(_fmt_time(t) for t in ours)
        for key, name, target in (("float", "Gambit enummixed_solve (float)", 1.0),
                                  ("exact", "Gambit enummixed_solve(rational=True)", 20.0),
                                  ("nashpy", "nashpy vertex_enumeration", 20.0)):
            if not base[key]:
                continue
            theirs = statistics.median(base[key])
            per_game = sum(b >= target * o for b, o in zip(base[key], ours))
            verdict = "met" if theirs >= target * mine else "missed"
            rows.append(Row("whole kimgame.solve (equilibria + dominance), random n×n, payoffs 0..9", f"n={n}", mine,
                            theirs, name, f"{games} game(s); kimgame per game: {times}; baseline per game: "
                            f"{', '.join(_fmt_time(b) for b in base[key])}; target ≥ {target:g}× on the medians: "
                            f"{verdict} ({per_game} of {len(base[key])} games individually)"))
        if not any(base.values()):
            rows.append(Row("whole kimgame.solve (equilibria + dominance), random n×n, payoffs 0..9", f"n={n}",
                            mine, None, "— (pygambit not installed)", f"{games} game(s); per game: {times}"))
    return rows


def _dominance_game(n: int, seed: int):
    """A random n×n game (payoffs 0..99) whose last half of rows (columns) are averages of two earlier ones
    minus one: strictly dominated by mixtures, rarely by a pure strategy, and never best responses."""
    import numpy as np

    rng = np.random.default_rng(seed)
    A, B = rng.integers(0, 100, (n, n)), rng.integers(0, 100, (n, n))
    for r in range(n // 2, n):
        i, j = rng.choice(n // 2, 2, replace=False)
        A[r] = (A[i] + A[j]) // 2 - 1
        B[:, r] = (B[:, i] + B[:, j]) // 2 - 1
    return A, B


def case_dominance(n: int, games: int) -> list[Row]:
    """The dominance step alone (pure and mixed dominance, iterated elimination) of n×n games, against the
    same step with every LP solved by the exact simplex alone (no float front): random games (payoffs 0..9)
    and games built so that many strategies are dominated by mixtures only."""
    from kimgame.model.normal_form import game_from_arrays
    from kimgame.solvers import lp_certify
    from kimgame.solvers.dominance import dominance_analysis

    def exact_only(game):
        saved = lp_certify.EXACT_ONLY_SIZE
        lp_certify.EXACT_ONLY_SIZE = 10**12
        try:
            return dominance_analysis(game.players, game.strategies, game.numeric)
        finally:
            lp_certify.EXACT_ONLY_SIZE = saved

    warm = game_from_arrays(list(_dominance_game(16, 99)))  # imports scipy too
    dominance_analysis(warm.players, warm.strategies, warm.numeric)  # imports, outside the timings
    rows = []
    for label, make in (("random, payoffs 0..9", _random_game), ("half the strategies dominated by mixtures",
                                                                   _dominance_game)):
        ours, base, found = [], [], []
        for seed in range(games):
            game = game_from_arrays(list(make(n, seed)))
            t, out = timed(lambda: dominance_analysis(game.players, game.strategies, game.numeric))  # noqa: B023
            bt, ref = timed(lambda: exact_only(game))  # noqa: B023
            assert out.elimination.surviving == ref.elimination.surviving
            ours.append(t)
            base.append(bt)
            found.append(len(out.dominance))
        rows.append(Row(f"dominance step alone ({label})", f"{n}×{n}", statistics.median(ours),
                        statistics.median(base), "same, exact simplex only (no float front)",
                        f"{games} game(s); dominance relations found {found}, the same survivors either way; "
                        "before this front (Fraction simplex for every LP): 8.9 s at 16×16 (issue 11)"))
    return rows


def case_kuhn_cli(timeout: int) -> list[Row]:
    """``kimgame solve games/kuhn_poker.yaml --timeout T`` as a subprocess, start to finish (one run)."""
    compileall.compile_dir(str(ROOT / "src" / "kimgame"), quiet=1)
    cmd = [sys.executable, "-m", "kimgame", "solve", "games/kuhn_poker.yaml", "--timeout", str(timeout)]
    with tempfile.TemporaryDirectory(prefix="kimgame-bench-") as tmp:
        env = _cli_env(tmp)
        start = time.perf_counter()
        run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
    verdict = "met" if wall <= 0.5 and run.returncode == 0 else "missed"
    return [Row("Kuhn poker end to end (CLI)", "games/kuhn_poker.yaml", wall, None, "—",
                f"`kimgame solve games/kuhn_poker.yaml --timeout {timeout}`, exit code {run.returncode}; "
                f"target ≤ 0.5 s: {verdict}")]


def kuhn_cards(n: int, rake=None):
    """Kuhn poker with an ``n``-card deck (Kuhn's is 3): each player antes 1 and gets one card, P1 checks or
    bets 1, P2 calls or folds a bet, after a check P2 may bet and P1 calls or folds; a showdown's winner pays
    ``rake`` (default 1/10, so the game is not zero-sum). 4n + 1 sequences per player, no proper subgame."""
    from fractions import Fraction

    from kimgame.model.nodes import chance, decision, terminal
    from kimgame.model.tree_assembly import build_tree

    rake = Fraction(1, 10) if rake is None else rake

    def show(a: int, b: int, stake: int):
        return terminal(stake - rake, -stake) if a > b else terminal(-stake, stake - rake)

    def deal(a: int, b: int):
        return decision("P1", {
            "check": decision("P2", {"check": show(a, b, 1), "bet": decision(
                "P1", {"fold": terminal(-1, 1), "call": show(a, b, 2)}, infoset=f"P1 {a}, P2 bet")},
                infoset=f"P2 {b}, P1 checked"),
            "bet": decision("P2", {"fold": terminal(1, -1), "call": show(a, b, 2)}, infoset=f"P2 {b}, P1 bet"),
        }, infoset=f"P1 {a}")
    p = Fraction(1, n * (n - 1))
    return build_tree(["P1", "P2"], chance([(f"{a}-{b}", p, deal(a, b)) for a in range(n) for b in range(n) if a != b]),
                      title=f"Kuhn poker with {n} cards")


def case_sequence_lcp(cards: list[int], exact_up_to: int, gambit_up_to: int, reps: int) -> list[Row]:
    """One equilibrium of n-card Kuhn poker (with a rake) by ``sequence_lcp``: the float Lemke path whose
    basis is certified exactly. Baselines in the same run: exact integer pivoting alone (what ``sequence_lcp``
    fell back to before whenever rounding the float plans did not certify them, up to ``exact_up_to`` cards)
    and pygambit's ``lcp_solve`` in floats on the same tree (written as .efg; it has no ``stop_after`` for
    trees) when pygambit is installed, up to ``gambit_up_to`` cards."""
    from kimgame.io.export import to_efg
    from kimgame.solvers.clock import Clock
    from kimgame.solvers.sequence_form import sequence_form
    from kimgame.solvers.sequence_lcp import _exact_path, _System, sequence_lcp

    try:
        import pygambit as gbt
    except ImportError:
        gbt = None
    rows = []
    with tempfile.TemporaryDirectory(prefix="kimgame-bench-") as tmp:
        for n in cards:
            game = kuhn_cards(n)
            form = sequence_form(game)
            m1, m2, _, _ = form.sizes
            size = f"{n} cards, {m1} + {m2} sequences"
            if n == cards[0]:
                sequence_lcp(form)  # imports (numpy) outside the timings
            mine, _, out, _ = interleaved(lambda: sequence_lcp(form), None, reps)  # noqa: B023
            how = str(out[2])
            if n <= exact_up_to:
                exact, _ = timed(lambda: _exact_path(_System(form), Clock()))  # noqa: B023
                rows.append(Row("sequence-form Lemke, n-card Kuhn poker with a rake", size, mine, exact,
                                "exact integer pivoting alone", how))
            if gbt is not None and n <= gambit_up_to:
                path = Path(tmp) / f"kuhn{n}.efg"
                path.write_text(to_efg(game), encoding="utf-8")
                tree = gbt.read_efg(str(path))
                theirs, _ = timed(lambda: gbt.nash.lcp_solve(tree, rational=False))  # noqa: B023
                rows.append(Row("sequence-form Lemke, n-card Kuhn poker with a rake", size, mine, theirs,
                                "pygambit lcp_solve (float, tree)", how))
            if n > exact_up_to and (gbt is None or n > gambit_up_to):
                rows.append(Row("sequence-form Lemke, n-card Kuhn poker with a rake", size, mine, None,
                                "— (none run at this size)", how))
    return rows


def machine() -> str:
    """Platform, cores, Python and the versions of the packages that matter here."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for name in ("numpy", "nashpy", "scipy", "sympy", "typer", "pydantic"):
        try:
            versions.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name} not installed")
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip() + "; "
                break
    except OSError:
        pass
    return (f"{platform.platform()}; {cpu}{os.cpu_count()} cores; Python {platform.python_version()}; "
            + ", ".join(versions))


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine slows every timing)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def render(rows: list[Row]) -> str:
    out = ["| case | size | kimgame | baseline | baseline is | speed-up | note |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r.case} | {r.size} | {_fmt_time(r.ours)} | {_fmt_time(r.baseline)} | {r.baseline_name} | "
                   f"{r.ratio} | {r.note} |")
    return "\n".join(out)


CASES = {
    "reduced": lambda quick: case_reduced_normal_form([4, 8] if quick else [8, 16, 32, 64, 128],
                                                      [2, 4] if quick else [4, 8, 12, 16, 24], 1 if quick else 3),
    "trees": lambda quick: case_backward_induction([9] if quick else [13, 16, 19]),
    "cli": lambda quick: case_cli(1, ("games/singapore.yaml",)) if quick else case_cli(7),
    "sweep": lambda quick: case_sweep(50 if quick else 1000),
    # nashpy needs ~10 s per game at n = 8 and ~40 s at n = 10 (60 s cap): fewer games there keep the run short
    "enumeration": lambda quick: case_enumeration([4] if quick else [4, 6, 8, 10, 12],
                                                  lambda n: 1 if quick else (5 if n <= 8 else 3), 5 if quick else 60),
    # Gambit's exact enummixed takes 3-11 s per 10×10 game and nashpy ~10 s per 8×8 one: 3 games each
    "solve": lambda quick: case_whole_solve([(4, 1, ("gambit", "nashpy"))] if quick
                                            else [(8, 3, ("nashpy",)), (10, 3, ("gambit",))], 5 if quick else 60),
    "dominance": lambda quick: case_dominance(6 if quick else 16, 1 if quick else 3),
    "kuhn": lambda quick: case_kuhn_cli(2 if quick else 60),
    # the exact path alone needs 4-8 s at 20 cards (~220 s at 30), pygambit's lcp_solve 7 s at 15 and 90 s at 20
    "sequence": lambda quick: case_sequence_lcp([10] if quick else [10, 15, 20, 25], 10 if quick else 20,
                                                10 if quick else 15, 1 if quick else 3),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition (smoke test)")
    parser.add_argument("--only", action="append", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--output", default=None,
                        help="markdown file for the table ('-' for none; default: benchmarks/results.md for a "
                             "full run, none for --quick)")
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = "-" if args.quick else str(ROOT / "benchmarks" / "results.md")
    rows: list[Row] = []
    started, load_before = time.perf_counter(), load_average()
    for name, case in CASES.items():
        if args.only and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(case(args.quick))
    table = render(rows)
    print(table)
    if args.output != "-":
        block = (f"{GENERATED_BEGIN}\nMachine: {machine()}\n\n"
                 f"Load average (1, 5, 15 min) at the start: {load_before}; at the end: {load_average()}. "
                 f"Mode: {'quick' if args.quick else 'full'}; run time {time.perf_counter() - started:.0f} s; "
                 f"medians over repetitions; speed-up = baseline time / kimgame time.\n\n{table}\n{GENERATED_END}")
        write_results(Path(args.output), block)
    return 0


GENERATED_BEGIN = "<!-- benchmarks/run.py writes from here -->"
GENERATED_END = "<!-- to here; the rest of the file is kept -->"


def write_results(path: Path, block: str) -> None:
    """Put ``block`` between the markers of ``path`` (the text around them is kept), or write a new file."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if GENERATED_BEGIN in text and GENERATED_END in text:
        head, _, rest = text.partition(GENERATED_BEGIN)
        _, _, tail = rest.partition(GENERATED_END)
        path.write_text(head + block + tail, encoding="utf-8")
    else:
        path.write_text(f"# kimgame benchmarks\n\n{block}\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
