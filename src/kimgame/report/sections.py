"""What a report says, independent of how it is drawn: headed tables and lines.

The text (rich) and markdown renderers draw the same :class:`Section` list, so the two formats never
disagree about content.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

from kimgame.analysis.conditions import is_long
from kimgame.expr.numbers import fmt, fmt_both
from kimgame.solvers.dominance import Dominance
from kimgame.solvers.results import SolveResult
from kimgame.solvers.scope import ALL_EXTREME, ALL_NASH, ALL_PURE, coverage_text


@dataclass(frozen=True)
class Table:
    """A table: column headers, rows of cell text, an optional title above it."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""


@dataclass(frozen=True)
class Section:
    """A headed part of a report: lines of text and tables, in order."""

    heading: str
    blocks: tuple[str | Table, ...] = field(default=())


def describe_mix(labels: tuple[str, ...], mix: tuple[Fraction, ...]) -> str:
    """``"silence"`` for a pure strategy, ``"2/7 (≈0.2857) a + 5/7 (≈0.7143) b"`` for a mixed one."""
    support = [(label, p) for label, p in zip(labels, mix) if p != 0]
    if len(support) == 1:
        return support[0][0]
    return " + ".join(f"{fmt_both(p)} {label}" for label, p in support)


def parameter_section(game) -> Section | None:
    """The parameters with their values (marking those changed from the file), ranges and docs."""
    if not game.parameters:
        return None
    rows = []
    for p in game.parameters:
        value = game.values[p.name]
        shown = fmt_both(value) + ("  (set)" if p.is_set else "")
        rows.append((p.name, shown, p.range_text(), p.doc))
    return Section("Parameters", (Table(("name", "value", "range", "meaning"), tuple(rows)),))


def matrix_tables(game) -> tuple[Table, ...]:
    """The payoff matrix (two players) or one matrix per strategy profile of players 3..N."""
    payoffs = game.numeric
    row_p, col_p = game.players[0], game.players[1] if len(game.players) > 1 else None
    tables = []
    rest = [range(k) for k in game.shape[2:]]
    for tail in itertools.product(*rest):
        title = ", ".join(f"{game.players[2 + i]} plays {game.strategies[2 + i][k]}" for i, k in enumerate(tail))
        if col_p is None:
            rows = tuple((s, fmt(payoffs[0][r])) for r, s in enumerate(game.strategies[0]))
            tables.append(Table((row_p, "payoff"), rows, title))
            continue
        headers = (f"{row_p} \\ {col_p}", *game.strategies[1])
        lines: list[tuple[str, ...]] = []
        for r, label in enumerate(game.strategies[0]):
            cells = [label]
            for c in range(game.shape[1]):
                idx = (r, c, *tail)
                cells.append(", ".join(fmt(u[idx]) for u in payoffs))
            lines.append(tuple(cells))
        tables.append(Table(headers, tuple(lines), title))
    return tuple(tables)


def equilibrium_section(result: SolveResult) -> Section:
    """The equilibria found, with how they were found and whether the list is complete."""
    game = result.game
    n = len(result.equilibria)
    kind = {ALL_NASH: "Nash equilibria", ALL_EXTREME: "extreme Nash equilibria",
            ALL_PURE: "pure Nash equilibria"}.get(result.method.scope, "Nash equilibria found")
    if not result.complete:
        kind = kind.replace("Nash equilibria", "Nash equilibria found") if "found" not in kind else kind
    lines: list[str | Table] = [f"{n} {kind} — method: {result.method}", coverage_text(result.method.coverage)]
    if n:
        headers = ("#", *game.players, *(f"payoff {p}" for p in game.players))
        rows = tuple(
            (str(k + 1), *(describe_mix(game.strategies[i], eq.strategies[i]) for i in range(len(game.players))),
             *(fmt_both(v) for v in eq.payoffs))
            for k, eq in enumerate(result.equilibria)
        )
        lines.append(Table(headers, rows))
    pure = result.pure_equilibria
    lines.append("Pure equilibria: " + ("; ".join("(" + ", ".join(p) + ")" for p in pure) if pure else "none"))
    lines.extend(result.notes)
    return Section("Equilibria", tuple(lines))


def _clip(rows: tuple, limit: int | None, what: str) -> tuple[tuple, str | None]:
    """At most ``limit`` rows, and a line saying how many more there are (all are in the JSON output)."""
    if limit is None or len(rows) <= limit:
        return rows, None
    return rows[:limit], f"… and {len(rows) - limit} more {what} (all are in --format json)"


def dominance_section(result: SolveResult, limit: int | None = None) -> Section:
    """Dominated strategies and the iterated elimination of strictly dominated strategies.

    With ``limit``, tables show at most that many rows and long lists of survivors are counted.
    """
    blocks: list[str | Table] = []
    game = result.game
    el = result.elimination
    stopped = el is not None and not el.complete  # the time limit (or Ctrl-C) cut the analysis short
    if result.dominance:
        relations = result.dominance
        if limit is not None:  # one line per dominated strategy: its first (strictest) dominator
            first: dict[tuple[str, str], Dominance] = {}
            for d in relations:
                key = (d.player, d.dominated)
                if key not in first or (d.kind == "strict" and first[key].kind != "strict"):
                    first[key] = d
            relations = tuple(first.values())
        rows = tuple(
            (d.player, d.dominated, describe_mix(tuple(d.by), tuple(d.by.values())), d.kind
             + (" (by a mixed strategy)" if len(d.by) > 1 else ""))
            for d in relations
        )
        rows, more = _clip(rows, limit, "dominated strategies")
        blocks.append(Table(("player", "dominated", "by", "kind"), rows))
        if more:
            blocks.append(more)
    elif stopped:
        blocks.append("No dominated strategy was found before the analysis was stopped (see the notes).")
    else:
        blocks.append("No strategy is dominated (strictly or weakly, by pure strategies; strictly by mixed ones).")
    if el is not None:
        if el.steps:
            rows = tuple(
                (str(s.round), s.player, s.eliminated, describe_mix(tuple(s.by), tuple(s.by.values())))
                for s in el.steps
            )
            rows, more = _clip(rows, limit, "eliminations")
            blocks.append(Table(("round", "player", "eliminated", "dominated by"), rows,
                                "Iterated elimination of strictly dominated strategies"))
            if more:
                blocks.append(more)
        elif stopped:
            blocks.append("Iterated elimination of strictly dominated strategies was stopped before it removed "
                          "anything (see the notes).")
        else:
            blocks.append("Iterated elimination of strictly dominated strategies removes nothing.")
        survivors = []
        for p, labels, alive in zip(game.players, game.strategies, el.surviving):
            if limit is not None and len(alive) > limit:
                survivors.append(f"{p}: {len(alive)} of {len(labels)} strategies")
            else:
                survivors.append(f"{p}: {', '.join(alive)}")
        blocks.append(("Not eliminated yet (the elimination was stopped; see the notes): " if stopped else "Surviving: ")
                      + "; ".join(survivors))
    return Section("Dominance", tuple(blocks))


def condition_summary(text: str) -> str:
    """A long condition's text in a few words: ``"a union of 264 pieces over W, H, ... (13 parameters)"``,
    read off the text (top-level ``|`` and the parameter names) without loading sympy."""
    import re

    depth, pieces = 0, 1
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        pieces += ch == "|" and depth == 0
    names = sorted(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)) - {"Eq", "Ne", "True", "False"})
    return f"a union of {pieces} pieces over {len(names)} parameters ({', '.join(names)})"


def claims_section(result: SolveResult) -> Section | None:
    """Each claim of the file: holds or not at these values, and its parameter condition when known
    (long ones summarised: ``kimgame analyze`` explains them, the JSON output has them in full)."""
    if not result.claims:
        return None
    rows = []
    for c in result.claims:
        if c.condition is None:
            shown = c.detail
        elif is_long(c.condition):
            shown = f"{condition_summary(c.condition)}: see kimgame analyze, or --format json"
        else:
            shown = c.condition
        rows.append((c.id, c.says or c.description, "holds" if c.holds else "does not hold", shown))
    return Section("Claims", (Table(("id", "claim", "at these values", "condition / detail"), tuple(rows)),))


def solve_sections(result: SolveResult) -> list[Section]:
    """All sections of the ``kimgame solve`` report for a normal-form game."""
    game = result.game
    return [s for s in (parameter_section(game), Section("Payoffs", matrix_tables(game)), equilibrium_section(result),
                        dominance_section(result), claims_section(result)) if s]
