"""``SolveResult.to_pandas()``: the equilibria as a pandas table, one row per equilibrium.

Columns, in order: ``equilibrium`` (1, 2, ...); ``subgame_perfect`` for trees; for every player and pure
strategy ``"<player>: <strategy>"`` its probability as a float (the reduced normal form's plans for trees
small enough to have one); for trees every information set's action ``"<player>: <infoset>: <action>"``;
``"payoff <player>"`` as floats. Each float column has an exact twin ``"<column> exact"`` holding the
rational string (``"2/7"``) that ``fractions.Fraction`` reads. The table is built from the JSON document
of the result (DESIGN.md's contract), so it says exactly what ``kimgame solve --format json`` says.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kimgame.report.document import result_document


def result_rows(result) -> tuple[list[str], list[list[Any]]]:
    """Column names and rows (floats, exact strings, booleans) of :func:`result_frame`."""
    doc = result_document(result)
    columns: list[str] = ["equilibrium"]
    rows: list[dict[str, Any]] = []
    for k, eq in enumerate(doc["equilibria"], 1):
        row: dict[str, Any] = {"equilibrium": k}
        if "subgame_perfect" in eq:
            row["subgame_perfect"] = eq["subgame_perfect"]
        for player, mix in eq.get("strategies", {}).items():
            for label, p in mix.items():
                row[f"{player}: {label}"] = p
        for player, sets in eq.get("behavior", {}).items():
            for infoset, acts in sets.items():
                for action, p in acts.items():
                    row[f"{player}: {infoset}: {action}"] = p
        for player, v in eq["payoffs"].items():
            row[f"payoff {player}"] = v
        for key in row:
            if key not in columns:
                columns.append(key)
        rows.append(row)
    out_columns: list[str] = []
    for c in columns:
        exact = c not in ("equilibrium", "subgame_perfect")
        out_columns += [c, f"{c} exact"] if exact else [c]
    table = []
    for row in rows:
        line: list[Any] = []
        for c in columns:
            value = row.get(c)
            if c in ("equilibrium", "subgame_perfect"):
                line.append(value)
            else:
                line += [None if value is None else float(Fraction(value)), value]
        table.append(line)
    return out_columns, table


def result_frame(result):
    """A ``pandas.DataFrame`` of the result's equilibria (see the module doc): float columns for
    computing, exact string columns for reporting."""
    from kimgame.analysis.sweep import _pandas  # the one "needs pandas" message, as SweepResult.to_pandas

    pd = _pandas()
    columns, rows = result_rows(result)
    frame = pd.DataFrame(rows, columns=columns)
    for c in columns:
        if c.endswith(" exact"):
            frame[c] = frame[c].astype("string")
        elif c == "subgame_perfect":
            frame[c] = frame[c].astype("boolean")
        elif c != "equilibrium":
            frame[c] = frame[c].astype("float64")
    return frame
