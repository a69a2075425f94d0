"""Exact enumeration of all extreme Nash equilibria of a bimatrix game.

The method follows the vertex-enumeration approach surveyed in

* D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel (2010),
  "Enumeration of Nash equilibria for two-player games",
  *Economic Theory* 42:9-37, and
* B. von Stengel (2002), "Computing equilibria for two-person games",
  in R. J. Aumann and S. Hart (eds.), *Handbook of Game Theory with
  Economic Applications*, vol. 3, ch. 45, pp. 1723-1759.

After scaling the payoffs to integers and shifting them to be positive, the
two best-response polytopes are

    P = {x in R^m : x >= 0, B^T x <= 1}      Q = {y in R^n : A y <= 1, y >= 0}.

Labels are numbered ``0 .. m+n-1``: labels ``0 .. m-1`` belong to the row
player's pure strategies and labels ``m .. m+n-1`` to the column player's.
In ``P`` the constraint ``x_i >= 0`` carries label ``i`` and the ``j``-th row
of ``B^T x <= 1`` carries label ``m+j``; in ``Q`` the ``i``-th row of
``A y <= 1`` carries label ``i`` and ``y_j >= 0`` carries label ``m+j``.  A
vertex's label set is the set of its tight constraints.  The extreme
equilibria are the normalised pairs ``(x/sum(x), y/sum(y))`` of vertices
``x != 0`` of ``P`` and ``y != 0`` of ``Q`` whose label sets together cover
all ``m+n`` labels (Avis et al. 2010, section 3; von Stengel 2002,
theorem 3.4).  This is the same notion of "extreme equilibrium" as used by
Gambit's ``enummixed`` and by ``lrsnash``.

Vertices are enumerated by a graph search over feasible bases of the slack
form ``M z + s = 1`` with exact, fraction-free integer pivoting (Edmonds'
and Bareiss' integer-preserving Gauss-Jordan elimination: J. Edmonds (1967),
"Systems of distinct representatives and linear algebra", *J. Res. NBS* 71B,
241-245; E. H. Bareiss (1968), "Sylvester's identity and multistep
integer-preserving Gaussian elimination", *Mathematics of Computation* 22,
565-578; as used in lrs: D. Avis (2000), "lrs: A revised implementation of
the reverse search vertex enumeration algorithm", in G. Kalai and
G. M. Ziegler (eds.), *Polytopes - Combinatorics and Computation*, DMV
Seminar 29, 177-198).
By default the search moves along lexicographically feasible bases, i.e. the
vertices of the simple polytope obtained by perturbing the right-hand side to
``1 + (eps, eps^2, ...)`` (von Stengel 2002, section 3.5): every vertex of the
unperturbed polytope has at least one lexicographically feasible basis, the
graph of a polytope is connected, and each nonbasic column has exactly one
lexicographic minimum-ratio row, so the search is complete while visiting far
fewer bases of a degenerate vertex than a search that follows every
minimum-ratio tie.  The latter (every tied leaving row explored) is kept as a
cross-check, see :func:`_enumerate_vertices`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Sequence
from fractions import Fraction
from math import lcm
from typing import Any

import numpy as np

from kimgame.solvers.clock import Clock, SearchTimeout, stopping

__all__ = ["SearchTimeout", "extreme_equilibria"]

#: An equilibrium ``(x, y)`` of exact mixed strategies.
Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]

#: A payoff matrix: a sequence of rows (or a 2-d numpy array) of exact numbers.
PayoffMatrix = Sequence[Sequence[Any]] | np.ndarray

# ---------------------------------------------------------------------------
# Input handling


def _as_fraction_matrix(matrix: PayoffMatrix, name: str) -> list[list[Fraction]]:
    """Convert a payoff matrix to a rectangular list of lists of Fractions.

    Only exact numbers (instances of :class:`numbers.Rational`, e.g. ``int``,
    ``Fraction``, numpy integers) are accepted; floats raise ``TypeError``.
    """
    if isinstance(matrix, np.ndarray):
        if matrix.ndim != 2:
            raise ValueError(f"{name} must be two-dimensional, got {matrix.ndim} dims")
        raw = matrix.tolist()
    else:
        raw = [list(row) for row in matrix]
    if not raw or not raw[0]:
        raise ValueError(f"{name} must have at least one row and one column")
    width = len(raw[0])
    out: list[list[Fraction]] = []
    for row in raw:
        if len(row) != width:
            raise ValueError(f"{name} is not rectangular")
        converted = []
        for v in row:
            if not isinstance(v, numbers.Rational):
                raise TypeError(
                    f"{name} entries must be exact (int or Fraction), got {type(v).__name__}"
                )
            converted.append(Fraction(int(v.numerator), int(v.denominator)))
        out.append(converted)
    return out


def _positive_integer_matrix(matrix: list[list[Fraction]]) -> list[list[int]]:
    """Scale by the LCM of the denominators and shift so that every entry is >= 1.

    A positive affine transformation of one player's payoffs changes neither
    the equilibria nor (up to normalisation) the vertices of the
    best-response polytope, see von Stengel (2002), section 3.2.
    """
    scale = lcm(*(v.denominator for row in matrix for v in row))
    ints = [[v.numerator * (scale // v.denominator) for v in row] for row in matrix]
    low = min(min(row) for row in ints)
    return [[v - low + 1 for v in row] for row in ints]


def _transpose(matrix: list[list[int]]) -> list[list[int]]:
    """The transpose of a rectangular list-of-lists matrix."""
    return [list(col) for col in zip(*matrix)]


# ---------------------------------------------------------------------------
# Polytopes and fraction-free tableaux


class _Polytope:
    """The polytope ``{z >= 0 : M z <= 1}`` for a positive integer matrix ``M``.

    ``orig_labels[j]`` is the label of ``z_j >= 0`` and ``slack_labels[i]``
    the label of row ``i`` of ``M z <= 1``.  Variables are identified with
    their labels (the slack of row ``i`` is variable ``slack_labels[i]``).
    """

    __slots__ = ("all_mask", "matrix", "orig_index", "orig_labels", "slack_labels")

    def __init__(
        self,
        matrix: list[list[int]],
        orig_labels: Sequence[int],
        slack_labels: Sequence[int],
    ) -> None:
        if any(v <= 0 for row in matrix for v in row):
            raise ValueError("polytope matrix must be positive")
        self.matrix = matrix
        self.orig_labels = tuple(orig_labels)
        self.slack_labels = tuple(slack_labels)
        self.orig_index = {lab: j for j, lab in enumerate(self.orig_labels)}
        mask = 0
        for lab in self.orig_labels + self.slack_labels:
            mask |= 1 << lab
        self.all_mask = mask

    def initial_tableau(self) -> _Tableau:
        """The all-slack basis, i.e. the vertex ``z = 0``."""
        rows = [[1, *row] for row in self.matrix]
        basis = list(self.slack_labels)
        key = 0
        for lab in basis:
            key |= 1 << lab
        return _Tableau(self, rows, basis, list(self.orig_labels), 1, key)


class _Tableau:
    """A fraction-free (integer) dictionary for a basis of ``M z + s = 1``.

    ``rows[i][0] / det`` is the value of the basic variable ``basis[i]``;
    ``rows[i][c]`` for ``c >= 1`` is ``det`` times the coefficient of the
    nonbasic variable ``nonbasic[c-1]`` in row ``i`` of ``B^{-1} [M | I]``,
    where ``B`` is the basis matrix and ``det = |det B|`` (Edmonds 1967;
    Avis et al. 2010, section 4).  Tableaux are never modified in place.
    """

    __slots__ = ("basis", "det", "key", "nonbasic", "poly", "rows")

    def __init__(
        self,
        poly: _Polytope,
        rows: list[list[int]],
        basis: list[int],
        nonbasic: list[int],
        det: int,
        key: int,
    ) -> None:
        self.poly = poly
        self.rows = rows
        self.basis = basis
        self.nonbasic = nonbasic
        self.det = det
        self.key = key  # bitmask of the basic variables

    # -- ratio tests -------------------------------------------------------

    def min_ratio_rows(self, c: int) -> list[int]:
        """All rows attaining the minimum ratio ``rhs / a`` over ``a > 0`` in column ``c``."""
        best: list[int] = []
        bn = bd = 0
        for i, row in enumerate(self.rows):
            a = row[c]
            if a > 0:
                if not best:
                    best = [i]
                    bn, bd = row[0], a
                else:
                    lhs = row[0] * bd
                    rhs = bn * a
                    if lhs < rhs:
                        best = [i]
                        bn, bd = row[0], a
                    elif lhs == rhs:
                        best.append(i)
        if not best:
            raise ArithmeticError("unbounded column in a bounded polytope")
        return best

    def _slack_entry(self, i: int, lab: int, col_of: dict[int, int]) -> int:
        """Entry of row ``i`` in the column of slack variable ``lab``."""
        c = col_of.get(lab)
        if c is not None:
            return self.rows[i][c]
        return self.det if self.basis[i] == lab else 0

    def lexmin_ratio_row(self, c: int) -> int:
        """The unique lexicographic minimum-ratio row for entering column ``c``.

        Ties in ``rhs / a`` are broken by comparing the rows of the current
        inverse basis (the slack columns, in row order) divided by ``a``: this
        is the ratio test of the perturbed right-hand side
        ``1 + (eps, eps^2, ...)`` (von Stengel 2002, section 3.5).
        """
        cands = self.min_ratio_rows(c)
        if len(cands) == 1:
            return cands[0]
        rows = self.rows
        col_of = {lab: k + 1 for k, lab in enumerate(self.nonbasic)}
        for lab in self.poly.slack_labels:
            best = [cands[0]]
            bn = self._slack_entry(cands[0], lab, col_of)
            bd = rows[cands[0]][c]
            for i in cands[1:]:
                num = self._slack_entry(i, lab, col_of)
                den = rows[i][c]
                lhs = num * bd
                rhs = bn * den
                if lhs < rhs:
                    best = [i]
                    bn, bd = num, den
                elif lhs == rhs:
                    best.append(i)
            cands = best
            if len(cands) == 1:
                return cands[0]
        raise ArithmeticError("lexicographic ratio test did not break a tie")

    # -- pivoting ----------------------------------------------------------

    def pivot(self, r: int, c: int) -> _Tableau:
        """Exchange ``basis[r]`` with ``nonbasic[c-1]``; return the new tableau.

        Integer-preserving update: every new entry is
        ``(a * p - f * b) / det`` with pivot element ``p``, which is an exact
        integer division (Bareiss 1968; Edmonds 1967).
        """
        rows = self.rows
        det = self.det
        prow = rows[r]
        p = prow[c]
        if p <= 0:
            raise ArithmeticError("pivot element must be positive")
        new_rows: list[list[int]] = []
        for i, row in enumerate(rows):
            if i == r:
                nr = prow[:]
                nr[c] = det
            else:
                f = row[c]
                if f == 0:
                    nr = row if p == det else [a * p // det for a in row]
                else:
                    nr = [(a * p - f * b) // det for a, b in zip(row, prow)]
                    nr[c] = -f
            new_rows.append(nr)
        leaving = self.basis[r]
        entering = self.nonbasic[c - 1]
        basis = self.basis[:]
        basis[r] = entering
        nonbasic = self.nonbasic[:]
        nonbasic[c - 1] = leaving
        key = self.key ^ (1 << leaving) ^ (1 << entering)
        return _Tableau(self.poly, new_rows, basis, nonbasic, p, key)

    # -- the vertex of this basis ----------------------------------------

    def tight_mask(self) -> int:
        """Bitmask of the labels of the tight constraints at this basis' vertex."""
        mask = self.poly.all_mask ^ self.key
        for lab, row in zip(self.basis, self.rows):
            if row[0] == 0:
                mask |= 1 << lab
        return mask

    def numerators(self) -> tuple[int, ...]:
        """The vertex' original coordinates, each multiplied by ``det``."""
        idx = self.poly.orig_index
        out = [0] * len(idx)
        for lab, row in zip(self.basis, self.rows):
            j = idx.get(lab)
            if j is not None:
                out[j] = row[0]
        return tuple(out)

    def point(self) -> tuple[Fraction, ...]:
        """The vertex normalised to a probability vector (requires ``z != 0``)."""
        return _normalise(self.numerators())


def _normalise(nums: tuple[int, ...]) -> tuple[Fraction, ...]:
    """Scale a nonzero, nonnegative integer vector to a probability vector."""
    total = sum(nums)
    if total <= 0:
        raise ValueError("cannot normalise the zero vertex")
    return tuple(Fraction(v, total) for v in nums)


def _enumerate_vertices(
    poly: _Polytope, *, lexicographic: bool = True, clock: Clock | None = None
) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Yield ``(label mask, scaled coordinates)`` once for every vertex of ``poly``.

    Graph search over feasible bases starting from the all-slack basis.  With
    ``lexicographic=True`` only lexicographically feasible bases are visited
    (one leaving row per entering column); with ``lexicographic=False`` every
    row attaining the minimum ratio is explored.  Both searches are complete
    (Avis et al. 2010, section 4; von Stengel 2002, section 3.5).  The label
    mask identifies the vertex, because the tight constraints of a vertex have
    full rank.
    """
    if clock is None:
        clock = Clock(None)
    start = poly.initial_tableau()
    seen_bases = {start.key}
    seen_vertices = {start.tight_mask()}
    yield start.tight_mask(), start.numerators()
    stack = [start]
    ncols = len(poly.orig_labels)
    while stack:
        tab = stack.pop()
        for c in range(1, ncols + 1):
            if lexicographic:
                leave_rows = [tab.lexmin_ratio_row(c)]
            else:
                leave_rows = tab.min_ratio_rows(c)
            entering_bit = 1 << tab.nonbasic[c - 1]
            for r in leave_rows:
                key = tab.key ^ (1 << tab.basis[r]) ^ entering_bit
                if key in seen_bases:
                    continue
                seen_bases.add(key)
                clock.tick()
                new = tab.pivot(r, c)
                stack.append(new)
                mask = new.tight_mask()
                if mask not in seen_vertices:
                    seen_vertices.add(mask)
                    yield mask, new.numerators()


# ---------------------------------------------------------------------------
# Pairing


class _MaskStore:
    """Growable array of label masks with vectorised superset queries."""

    def __init__(self, nbits: int) -> None:
        self._dtype: Any = np.uint64 if nbits <= 64 else object
        self._masks = np.zeros(64, dtype=self._dtype)
        self._size = 0
        self.payloads: list[tuple[int, ...]] = []

    def add(self, mask: int, payload: tuple[int, ...]) -> None:
        """Store a vertex' label mask together with its coordinates."""
        if self._size == len(self._masks):
            grown = np.zeros(2 * self._size, dtype=self._dtype)
            grown[: self._size] = self._masks
            self._masks = grown
        self._masks[self._size] = mask
        self._size += 1
        self.payloads.append(payload)

    def supersets(self, need: int) -> list[tuple[int, ...]]:
        """Payloads of all stored masks containing every bit of ``need``."""
        view = self._masks[: self._size]
        if self._dtype is object:
            hits = [i for i, m in enumerate(view.tolist()) if m & need == need]
        else:
            hits = np.flatnonzero((view & np.uint64(need)) == np.uint64(need)).tolist()
        return [self.payloads[i] for i in hits]


def _prepare_game(A: PayoffMatrix, B: PayoffMatrix) -> tuple[int, int, _Polytope, _Polytope]:
    """Validate ``A, B`` and build the best-response polytopes ``P`` and ``Q``."""
    fa = _as_fraction_matrix(A, "A")
    fb = _as_fraction_matrix(B, "B")
    m, n = len(fa), len(fa[0])
    if (len(fb), len(fb[0])) != (m, n):
        raise ValueError(
            f"A and B must have the same shape, got {m}x{n} and {len(fb)}x{len(fb[0])}"
        )
    ia = _positive_integer_matrix(fa)
    ib = _positive_integer_matrix(fb)
    # P = {x >= 0 : B^T x <= 1}: x_i has label i, row j of B^T has label m+j.
    p_poly = _Polytope(_transpose(ib), range(m), range(m, m + n))
    # Q = {y >= 0 : A y <= 1}: row i of A has label i, y_j has label m+j.
    q_poly = _Polytope(ia, range(m, m + n), range(m))
    return m, n, p_poly, q_poly


def extreme_equilibria(
    A: PayoffMatrix, B: PayoffMatrix, *, clock: Clock | None = None
) -> list[Profile]:
    """Return every extreme Nash equilibrium of the bimatrix game ``(A, B)`` exactly.

    Parameters
    ----------
    A, B:
        ``m x n`` payoff matrices of the row and the column player, as
        sequences of rows or 2-d numpy (object or integer) arrays of ``int`` /
        :class:`fractions.Fraction` entries.  Any game is allowed, including
        degenerate ones.
    clock:
        Optional :class:`~kimgame.solvers.clock.Clock`.  Once its deadline has passed (or its memory limit is reached),
        :class:`SearchTimeout` is raised; its ``partial`` attribute holds the
        equilibria found so far (sorted).

    Returns
    -------
    list of ``(x, y)``
        Each extreme equilibrium exactly once, with ``x`` and ``y`` tuples of
        ``Fraction`` probabilities summing to one, sorted lexicographically
        by ``(x, y)``.  The set of all Nash equilibria is the union of the
        convex hulls of the maximal "Nash subsets" of these extreme
        equilibria (Avis et al. 2010, section 3; von Stengel 2002, section 3).

    Notes
    -----
    The extreme equilibria are the completely labelled pairs of nonzero
    vertices of ``P = {x >= 0 : B^T x <= 1}`` and ``Q = {y >= 0 : A y <= 1}``
    (payoffs shifted to be positive), normalised to probability vectors, as
    in Gambit's ``enummixed`` and ``lrsnash``.  Both vertex sets are
    enumerated exactly by a graph search over lexicographically feasible
    bases with fraction-free integer pivoting; the two searches are
    interleaved and each new vertex is matched against all vertices of the
    other polytope found so far (a union of label sets must cover all
    ``m + n`` labels; in degenerate games a vertex may have more than ``m``,
    resp. ``n``, labels).  See D. Avis, G. D. Rosenberg, R. Savani and
    B. von Stengel (2010), "Enumeration of Nash equilibria for two-player
    games", *Economic Theory* 42:9-37, and B. von Stengel (2002),
    "Computing equilibria for two-person games", *Handbook of Game Theory*,
    vol. 3, ch. 45.
    """
    clock = clock or Clock()
    found: set[Profile] = set()
    with stopping(lambda: sorted(found)):  # SearchTimeout with the equilibria found so far
        clock.check()
        m, n, p_poly, q_poly = _prepare_game(A, B)
        full = (1 << (m + n)) - 1
        p_store = _MaskStore(m + n)
        q_store = _MaskStore(m + n)
        # (vertex iterator, own store, other store, own polytope is P)
        searches = [
            (_enumerate_vertices(p_poly, clock=clock), p_store, q_store, True),
            (_enumerate_vertices(q_poly, clock=clock), q_store, p_store, False),
        ]
        while searches:
            for entry in list(searches):
                iterator, own, other, is_p = entry
                try:
                    mask, nums = next(iterator)
                except StopIteration:
                    searches.remove(entry)
                    continue
                clock.tick()
                if not any(nums):
                    continue  # the zero vertex is never part of an equilibrium
                own.add(mask, nums)
                partners = other.supersets(full & ~mask)
                if partners:
                    point = _normalise(nums)
                    for partner in partners:
                        other_point = _normalise(partner)
                        found.add((point, other_point) if is_p else (other_point, point))
    return sorted(found)
