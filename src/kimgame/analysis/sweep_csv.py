"""A sweep's CSV text: one row per grid point, each parameter as its float's shortest round-trip text
and its exact value (``NAME_exact``), each claim as ``true``/``false``, the outcome label."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from kimgame.expr.numbers import fmt

EXACT_SUFFIX = "_exact"  # the CSV column with a parameter's exact value: "K_exact"


def csv_cell(text: str) -> str:
    """A CSV field, quoted only when it needs to be (as the csv module does)."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


TRUE_FALSE = np.array(["false", "true"], dtype=object)


def axis_cells(axes: Sequence[np.ndarray], axes_exact: Sequence[Sequence[Fraction]]) -> list[np.ndarray]:
    """Per axis, the CSV cells of each value: the float's shortest round-trip text and the exact value."""
    return [np.array([f"{float(x)!r},{csv_cell(fmt(q))}" for x, q in zip(axis, exact)], dtype=object)
            for axis, exact in zip(axes, axes_exact)]


def csv_header(parameters: Sequence[str], claims: Mapping[str, Any]) -> str:
    """The header line: each parameter and its ``NAME_exact`` column, the claims, ``outcome``."""
    return csv_line([c for p in parameters for c in (p, p + EXACT_SUFFIX)] + [*claims, "outcome"])


def csv_line(cells) -> str:
    """One CSV line (the csv module's quoting)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()
