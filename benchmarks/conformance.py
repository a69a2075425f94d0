"""Conformance run over Gambit's sample games: parse, solve with the defaults, verify, compare with Gambit.

    python benchmarks/conformance.py [FOLDER] [--timeout SECONDS] [--only NAME ...]

FOLDER defaults to ``../shared/corpus/gambit`` next to the repository (Gambit's GPL sample games: read
there, never copied into the project). Each ``.nfg``/``.efg`` file below it is solved with
``kimgame.solve(game, timeout=T)`` in a worker subprocess, which is killed and replaced when a game has
not answered 30 s after T (reported KILLED). For each game:

* it is parsed (``kimgame.load``);
* solved with the defaults within the budget;
* every equilibrium listed is verified exactly (normal forms: no profitable pure deviation; trees: no
  player gains by deviating, on the tree, from the behaviour profile);
* compared with pygambit when it is installed: the same set of distinct extreme equilibria for two-player
  normal forms (Gambit's enummixed may list one twice), and for constant-sum trees the same value as
  Gambit's sequence-form LP.

One line per game, then a summary. Exit code 1 if a game fails to parse, is wrongly verified, disagrees
with Gambit or crashes; timeouts are reported, not failures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT.parent / "shared" / "corpus" / "gambit"


def _gambit_normal_form(path: Path, players: int) -> set | None:
    """Gambit's distinct extreme equilibria of a two-player .nfg (exact), or None without pygambit."""
    try:
        import pygambit as gbt
    except ImportError:
        return None
    g = gbt.read_nfg(str(path))
    found = set()
    for eq in gbt.nash.enummixed_solve(g, rational=True).equilibria:
        found.add(tuple(tuple(Fraction(str(eq[p][s])) for s in g.get_strategies(p)) for p in g.players))
    return found


def _gambit_value(path: Path) -> Fraction | None:
    """The first player's value of a constant-sum tree by Gambit's sequence-form LP, or None."""
    try:
        import pygambit as gbt
    except ImportError:
        return None
    g = gbt.read_efg(str(path))
    if not g.is_const_sum:
        return None
    eq = gbt.nash.lp_solve(g, rational=True).equilibrium
    payoffs = eq.payoffs() if callable(eq.payoffs) else eq.payoffs
    first = payoffs[next(iter(g.players))]  # indexed by the player's label
    return Fraction(str(first))


def check_one(path: Path, timeout: float) -> dict:
    """Parse, solve, verify and compare one file (run inside the subprocess); a JSON-ready dict."""
    import kimgame
    from kimgame.errors import KimgameError

    out: dict = {"file": path.name}
    t0 = time.monotonic()
    try:
        game = kimgame.load(path)
    except KimgameError as err:
        out.update(status="PARSE-ERROR", detail=str(err))
        return out
    out["players"] = len(game.players)
    out["form"] = game.form
    result = kimgame.solve(game, timeout=timeout, conditions=False)
    out["seconds"] = round(time.monotonic() - t0, 2)
    out["equilibria"] = len(result.equilibria)
    out["complete"] = result.complete
    out["partial"] = result.partial
    out["approximate"] = result.approximate is not None or any("APPROXIMATE" in n for n in result.notes)
    out["irrational"] = len(result.algebraic_equilibria)
    solved = result.game  # a tree without perfect recall is solved in its reduced normal form
    out["recall"] = result.perfect_recall
    bad = _verify(solved, result)
    out["verified"] = bad is None
    if bad is not None:
        out.update(status="NOT-AN-EQUILIBRIUM", detail=bad)
        return out
    out["gambit"] = _compare(path, game, result)
    if out["gambit"].startswith("DIFFERS"):
        out["status"] = "DIFFERS"
    elif not result.equilibria and not out["irrational"]:
        out["status"] = ("approximate-only" if out["approximate"] else "NONE-FOUND") + (
            " (time limit)" if result.partial else "")
    else:
        out["status"] = "ok" if not result.partial else "ok-partial"
    return out


def _verify(game, result) -> str | None:
    if game.form == "normal":
        from kimgame.solvers.verify import is_nash

        for eq in result.equilibria:
            if not is_nash(game.numeric, eq.strategies):
                return f"{eq.strategies} is not a Nash equilibrium"
        return None
    from kimgame.solvers.behavior import flat_behavior
    from kimgame.solvers.subgames import nash_failure

    for k, eq in enumerate(result.equilibria):
        if eq.behavior is None:
            continue
        failure = nash_failure(game, flat_behavior(game, eq.behavior))
        if failure is not None:
            return f"equilibrium {k + 1}: {failure}"
    return None


def _compare(path: Path, game, result) -> str:
    try:
        import pygambit  # noqa: F401
    except ImportError:
        return "pygambit not installed"
    if game.form == "normal":
        if len(game.players) != 2:
            return "not compared (N players)"
        theirs = _gambit_normal_form(path, 2)
        ours = {tuple(eq.strategies) for eq in result.equilibria}
        if not result.complete:
            missing = ours - theirs
            return f"DIFFERS: {len(missing)} not in Gambit's list" if missing else "subset of Gambit's (incomplete run)"
        if ours == theirs:
            return f"same {len(ours)} extreme equilibria"
        return f"DIFFERS: kimgame {len(ours)}, Gambit {len(theirs)} (only kimgame {len(ours - theirs)}, only Gambit " \
               f"{len(theirs - ours)})"
    if not result.perfect_recall:
        return "not compared (no perfect recall)"
    import pygambit as gbt

    try:
        gbt.read_efg(str(path))
    except ValueError as err:  # Gambit 17 refuses some of its own older samples (repeated node labels)
        return f"not compared (pygambit refuses the file: {str(err).splitlines()[0]})"
    if not result.equilibria:
        return "not compared (none listed)"
    said = []
    regrets = _gambit_regrets(path, game, result)
    if regrets is None:
        said.append("regret not checked (labels Gambit cannot address)")
    elif any(r != 0 for r in regrets):
        return f"DIFFERS: Gambit's max regret of the equilibria: {sorted(set(regrets))}"
    else:
        said.append(f"all {len(regrets)} have max regret 0 in Gambit")
    if len(game.players) == 2:
        value = _gambit_value(path)
        if value is not None:
            mine = result.equilibria[0].payoffs[0]
            if mine != value:
                return f"DIFFERS: value {mine}, Gambit {value}"
            said.append(f"same value {value}")
    return "; ".join(said)


def _gambit_regrets(path: Path, game, result) -> list[Fraction] | None:
    """Gambit's exact max regret of each of kimgame's tree equilibria (its behaviour strategies set at each
    information set, addressed by the path of action labels to its first node), or None when the labels
    do not address the information sets unambiguously."""
    import pygambit as gbt

    g = gbt.read_efg(str(path))
    if list(g.players) != list(game.players):
        return None
    selectors = []
    try:
        for i, player in enumerate(game.players):
            ours = game.player_infosets(i)
            theirs = g.get_infosets(player)
            if len(ours) != len(theirs):
                return None
            for label, history in zip(ours, theirs):
                selector = gbt.H.path(*[t.action for t in history])
                actions = list(g.get_actions(selector))
                if actions != list(game.infosets[label].actions):
                    return None
                selectors.append((player, label, selector, actions))
        out = []
        for eq in result.equilibria:
            profile = g.mixed_behavior_profile(rational=True)
            for player, label, selector, actions in selectors:
                probs = eq.behavior[player][label]
                profile[selector] = {a: gbt.Rational(str(probs[a])) for a in actions}
            out.append(Fraction(str(profile.max_regret())))
        return out
    except (ValueError, KeyError, TypeError, RuntimeError, gbt.MismatchError):  # ambiguous or empty labels
        return None


class _Worker:
    """A subprocess that checks the files it is sent one by one (one JSON line each); killed and replaced
    when a game overruns its budget, so a hung solver cannot stop the run."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", "--timeout", str(timeout)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def check(self, path: Path, grace: float) -> dict | None:
        import select

        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout + grace)
        line = self.proc.stdout.readline() if ready else ""
        return json.loads(line) if line else None

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def run(folder: Path, timeout: float, only: list[str] | None = None, echo=print, grace: float = 30.0) -> dict:
    """Check every game file below ``folder`` (or those named in ``only``); returns the summary counts and
    one row per game. A game that has not answered ``grace`` seconds after its budget is reported KILLED."""
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".nfg", ".efg"))
    if only:
        files = [p for p in files if p.name in only or p.stem in only]
    counts: dict[str, int] = {}
    rows = []
    worker = _Worker(timeout)
    try:
        for path in files:
            t0 = time.monotonic()
            row = worker.check(path, grace)
            if row is None:
                alive = worker.proc.poll() is None
                worker.close()
                worker = _Worker(timeout)
                row = ({"file": path.name, "status": "KILLED", "seconds": round(time.monotonic() - t0, 1),
                        "detail": f"did not return within {timeout + grace:g} s"} if alive else
                       {"file": path.name, "status": "CRASH", "detail": "the worker died"})
            rows.append(row)
            counts[row["status"]] = counts.get(row["status"], 0) + 1
            echo(_line(path.parent.name, row))
    finally:
        worker.close()
    summary = {"games": len(files), **dict(sorted(counts.items()))}
    echo("summary: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    return {"summary": summary, "rows": rows}


def _worker(timeout: float) -> None:
    for line in sys.stdin:
        path = Path(line.strip())
        try:
            row = check_one(path, timeout)
        except Exception as err:  # noqa: BLE001 - the run reports a crash of kimgame as a row, not as its own
            row = {"file": path.name, "status": "CRASH", "detail": f"{type(err).__name__}: {err}"}
        print(json.dumps(row, default=str), flush=True)


def _line(folder: str, row: dict) -> str:
    name = f"{folder}/{row['file']}"
    if "equilibria" not in row:
        return f"{name:60s} {row['status']:18s} {row.get('detail', '')}"
    kind = f"{row['form'][:3]} {row['players']}p" + ("" if row.get("recall", True) else " no-recall")
    extra = []
    if row.get("irrational"):
        extra.append(f"{row['irrational']} irrational")
    if row.get("approximate"):
        extra.append("approximate one")
    found = f"{row['equilibria']} eq" + (f" ({', '.join(extra)})" if extra else "")
    done = "complete" if row.get("complete") else ("partial" if row.get("partial") else "incomplete")
    return (f"{name:60s} {row['status']:18s} {kind:16s} {found:28s} {done:10s} {row['seconds']:7.2f} s  "
            f"{row.get('gambit', '')} {row.get('detail', '')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER))
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per game (default 10)")
    parser.add_argument("--only", nargs="*", help="file names or stems to check")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(check_one(Path(args.one), args.timeout), default=str))
        return 0
    if args.worker:
        _worker(args.timeout)
        return 0
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"no folder {folder}", file=sys.stderr)
        return 2
    report = run(folder, args.timeout, args.only)
    bad = {"PARSE-ERROR", "NOT-AN-EQUILIBRIUM", "DIFFERS", "CRASH"}
    return 1 if any(row["status"] in bad for row in report["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
