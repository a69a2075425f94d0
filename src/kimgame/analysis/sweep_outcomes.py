"""A sweep's outcome labels (the pure equilibria, or SPE paths, at a grid point) and the chunks of grid
points evaluated apart: outcome names are numbered in order of first appearance in grid (C) order, the
same whether the grid is evaluated at once or chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kimgame.errors import KimgameError

PROFILE_SEPARATOR = "/"
EQUILIBRIA_SEPARATOR = "; "
NO_EQUILIBRIUM = "none"


@dataclass(frozen=True)
class SweepChunk:
    """One evaluated run of grid points ``start``..``stop - 1``: claim and outcome arrays (or only counts
    and CSV text, for a stream); ``patterns``: the distinct rows of outcome truth values in order of first
    appearance, ``codes`` each point's row (arrays mode), ``pattern_counts`` each row's number of points."""

    start: int
    stop: int
    patterns: tuple[tuple[bool, ...], ...]
    codes: np.ndarray | None = None
    pattern_counts: tuple[int, ...] = ()
    claims: Mapping[str, np.ndarray] = field(default_factory=dict)
    equilibria: Mapping[str, np.ndarray] = field(default_factory=dict)
    claim_counts: Mapping[str, int] = field(default_factory=dict)
    text: str = ""


def outcome_patterns(eqs: Mapping[str, np.ndarray], n: int) -> tuple[tuple[tuple[bool, ...], ...], np.ndarray, tuple[int, ...]]:
    """The distinct rows of outcome truth values of ``n`` points in order of first appearance, each
    point's row number and each row's count."""
    codes, _ = outcome_codes(eqs, (n,))
    labels = list(eqs)
    first = np.unique(codes, return_index=True)[1]
    patterns = tuple(tuple(bool(eqs[k][i]) for k in labels) for i in first)
    return patterns, codes, tuple(int(c) for c in np.bincount(codes, minlength=len(first)))


class OutcomeNames:
    """Outcome names numbered in order of first appearance over chunks taken in grid order."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.index: dict[tuple[bool, ...], int] = {}

    def pattern_codes(self, patterns: Sequence[tuple[bool, ...]]) -> list[int]:
        """The global outcome number of each row of truth values, numbering rows not seen before in the order given."""
        return [self.index.setdefault(p, len(self.index)) for p in patterns]

    def global_codes(self, chunk: SweepChunk) -> np.ndarray:
        """Each point of ``chunk`` as a global outcome number (an ``intp`` array; the chunk must hold its ``codes``)."""
        return np.array(self.pattern_codes(chunk.patterns), dtype=np.intp)[chunk.codes]

    def names(self) -> tuple[str, ...]:
        """The outcome names in the order of their numbers (``("none",)`` before any chunk is seen)."""
        if not self.index:
            return (NO_EQUILIBRIUM,)
        return tuple(pattern_name(self.labels, p) for p in self.index)


def pattern_name(labels: Sequence[str], pattern: Sequence[bool]) -> str:
    """The outcome name of a row of truth values: the labels that hold, joined, or ``"none"``."""
    chosen = [label for label, on in zip(labels, pattern) if on]
    return EQUILIBRIA_SEPARATOR.join(chosen) if chosen else NO_EQUILIBRIUM


def chunk_ranges(total: int, size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of ``size`` grid points covering ``total`` points."""
    if size < 1:
        raise KimgameError("the chunk size must be at least 1 point")
    return ((start, min(start + size, total)) for start in range(0, total, size))


def outcome_codes(eq_arrays: Mapping[str, np.ndarray], shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Per grid point, an index into the outcome names (pure equilibria joined by '; ', or 'none'),
    names numbered in order of first appearance in C order."""
    labels = list(eq_arrays)
    if not labels:
        return np.zeros(shape, dtype=np.intp), (NO_EQUILIBRIUM,)
    flat = [eq_arrays[k].reshape(-1) for k in labels]
    if len(labels) <= 62:  # one int64 code per point: bit j set when profile j is an equilibrium
        codes = np.zeros(flat[0].shape, dtype=np.int64)
        for j, a in enumerate(flat):
            codes |= a.astype(np.int64) << j
        _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        rows = [[bool((int(codes[k]) >> j) & 1) for j in range(len(labels))] for k in first]
    else:
        stacked = np.stack(flat, axis=-1)  # (points, profiles)
        packed = np.ascontiguousarray(np.packbits(stacked, axis=-1))
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rows = [list(stacked[k]) for k in first]
    order = np.argsort(first, kind="stable")  # renumber by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    names = []
    for k in order:
        chosen = [labels[j] for j, on in enumerate(rows[k]) if on]
        names.append(EQUILIBRIA_SEPARATOR.join(chosen) if chosen else NO_EQUILIBRIUM)
    return rank[inverse.reshape(-1)].reshape(shape), tuple(names)
