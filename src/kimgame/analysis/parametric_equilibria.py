"""All extreme equilibria of a small two-player game as functions of its parameters, piece by piece.

Limit: two players with at most 3 strategies each (:data:`MAX_STRATEGIES`); the number of pieces
grows quickly beyond that.

Method (support enumeration made parametric, complete on degenerate games). An extreme equilibrium
``(x, y)`` pairs a vertex of each player's best-response polytope (the notion of Gambit's
``enummixed`` and of lrsnash). The row strategy ``x`` is a vertex exactly when it is the unique
solution of

    x_i = 0 (i not in I),   sum_i x_i B[i, k] = u (k in K0),   sum_i x_i = 1

for some set ``I`` of rows (containing the support) and a set ``K0`` of columns of the same size
(made indifferent for the column player) with a nonzero determinant ``det``; likewise ``y`` with a
set ``J`` of columns and a set ``L0`` of rows. ``(x, y)`` is then an equilibrium exactly when

* ``x >= 0`` and ``y >= 0`` (the probabilities),
* no column earns the column player more than ``u`` against ``x``, no row more than ``v`` against
  ``y`` (no profitable deviation), and
* every column of ``J`` outside ``K0`` is also a best response to ``x`` and every row of ``I``
  outside ``L0`` a best response to ``y`` (equalities: the degenerate, unequal-support cases).

Every piece ``(I, K0, J, L0)`` is solved symbolically once (Cramer's rule: the probabilities are
rational functions of the parameters) and its region is the conjunction above, simplified within the
declared ranges; pieces with the same formulas are merged (their regions joined by Or). At every
parameter point, the pieces whose region holds give exactly the extreme equilibria there (the same
point may come from several pieces; :func:`equilibria_at` removes duplicates).

For games with one parameter the regions are solved to exact sets of that parameter
(``1/3 <= x <= 2/3``); with several they stay conjunctions of polynomial inequalities.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.logic.boolalg import to_nnf

from kimgame.analysis.conditions import condition_text, evaluate_condition, symbolic_game
from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_regions import intersection, product_region, region_to_sympy, simplify_region
from kimgame.analysis.sign_terms import NEG, POS, TRUE, ZERO, Term, flip_mask
from kimgame.analysis.thresholds import solve_spans, spans_condition, spans_intersection, spans_union
from kimgame.errors import KimgameError
from kimgame.expr.polynomial import Poly

__all__ = ["MAX_STRATEGIES", "EquilibriumPiece", "equilibria_at", "parametric_equilibria"]

MAX_STRATEGIES = 3


@dataclass(frozen=True)
class EquilibriumPiece:
    """Extreme equilibria given by one formula on a region of parameter space.

    ``x``/``y``: the row and column player's probabilities on each of their strategies (sympy
    rational functions of the parameters); ``region``: the exact condition (sympy Boolean) where
    ``(x, y)`` is an extreme equilibrium; ``region_text`` parses back with ``sympy.sympify``.
    ``supports``: the strategy labels with a probability not identically zero. ``degenerate``: the
    region lies in a lower-dimensional set (it needs an equality, e.g. a boundary point).
    """

    region: sympy.Boolean
    region_text: str
    x: tuple[sympy.Expr, ...]
    y: tuple[sympy.Expr, ...]
    supports: tuple[tuple[str, ...], tuple[str, ...]]
    degenerate: bool

    def holds_at(self, values: Mapping[str, Fraction]) -> bool:
        """Whether this piece gives an equilibrium at the parameter ``values`` (exact)."""
        return evaluate_condition(self.region, values)

    def at(self, values: Mapping[str, Fraction]) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
        """The exact profile ``(x, y)`` of this piece at ``values`` (meaningful where it holds)."""
        subs = {s: sympy.Rational(Fraction(values[s.name]).numerator, Fraction(values[s.name]).denominator)
                for s in self.free_symbols}
        return tuple(_fraction(p.xreplace(subs)) for p in self.x), tuple(_fraction(p.xreplace(subs)) for p in self.y)

    @property
    def free_symbols(self) -> set:
        """The parameters (sympy symbols) this piece depends on: those of its region and its ``x`` and ``y``."""
        out = set(getattr(self.region, "free_symbols", set()))
        for p in (*self.x, *self.y):
            out |= p.free_symbols
        return out

    @property
    def text(self) -> str:
        """``"x = (3*x - 1, 2 - 3*x), y = (...) where (1/3 <= x) & (x <= 2/3)"``."""
        xs = ", ".join(sympy.sstr(p) for p in self.x)
        ys = ", ".join(sympy.sstr(p) for p in self.y)
        return f"x = ({xs}), y = ({ys}) where {self.region_text}"


def _fraction(v) -> Fraction:
    if not v.is_Rational:  # pragma: no cover - probabilities of a rational game are rational
        raise ValueError(f"not a rational number: {v}")
    return Fraction(int(v.p), int(v.q))


class _Regions:
    """Regions as lists of sign terms (:mod:`kimgame.analysis.sign_regions`), simplified and proved on
    the box of declared ranges by the region prover that claim conditions use (games with several
    parameters)."""

    def __init__(self, game, symbols: Mapping[str, sympy.Symbol]) -> None:
        self.box = Box([p for p in game.parameters if p.name in symbols])
        self.gens = [symbols[name] for name in self.box.names]

    def atom(self, rel) -> list[Term]:
        """The region of a relation ``lhs ~ rhs`` between rational functions: the sign of the numerator
        times the denominator, factored (so ``y*(x - 2) = 0`` is ``y = 0 | x = 2``)."""
        if rel is sympy.true or rel is sympy.false:
            return [TRUE] if rel is sympy.true else []
        difference = rel.lhs - rel.rhs
        if difference.has(sympy.Min, sympy.Max, sympy.Abs):
            return self._cases(difference, type(rel))
        num, den = sympy.fraction(sympy.cancel(sympy.together(difference)))
        content, factors = sympy.factor_list(sympy.expand(num * den), *self.gens)
        mask = _MASKS[type(rel)]
        if content < 0:
            mask = flip_mask(mask)
        if content == 0:
            return [TRUE] if mask & ZERO else []
        return product_region([(self._poly(f), e) for f, e in factors], mask, self.box)

    def _cases(self, difference, relation: type) -> list[Term]:
        """The region of ``difference ~ 0`` for a ``difference`` with ``min``/``max``/``abs``: written as
        a piecewise expression (one rational function per case, the first case whose condition holds),
        the union over the cases of "this case's condition, none of the earlier ones, and its relation"."""
        folded = sympy.piecewise_fold(difference.rewrite(sympy.Piecewise))
        cases = folded.args if isinstance(folded, sympy.Piecewise) else ((folded, sympy.true),)
        out: list[Term] = []
        earlier: list[list[Term]] = []  # the region of "no earlier condition holds", as conjuncts
        for expr, condition in cases:
            here = self.boolean(condition)
            out.extend(self.conj(here, *earlier, self.atom(relation(expr, 0))))
            earlier.append(self.boolean(to_nnf(sympy.Not(condition))))
        return self.disj([out])

    def boolean(self, b) -> list[Term]:
        """The region of a Boolean combination (in negation normal form) of relations."""
        if b is sympy.true or b is sympy.false:
            return [TRUE] if b is sympy.true else []
        if isinstance(b, sympy.And):
            return self.conj(*(self.boolean(a) for a in b.args))
        if isinstance(b, sympy.Or):
            return self.disj([self.boolean(a) for a in b.args])
        return self.atom(b)

    def _poly(self, e) -> Poly:
        p = sympy.Poly(e, *self.gens)
        return Poly({m: Fraction(int(c.p), int(c.q)) for m, c in p.terms() if c != 0})

    def of(self, cond) -> list[Term]:
        """The region of a conjunction of relations."""
        return self.conj(*(self.atom(a) for a in (cond.args if isinstance(cond, sympy.And) else (cond,))))

    def conj(self, *regions) -> list[Term]:
        return simplify_region(intersection(regions, self.box), self.box)

    def disj(self, regions) -> list[Term]:
        return simplify_region([t for region in regions for t in region], self.box)

    def empty(self, region: list[Term]) -> bool:
        return not region

    def condition(self, region: list[Term]):
        return region_to_sympy(region, self.box)

    def points(self, region) -> list | None:
        return None

    def degenerate(self, region: list[Term]) -> bool:
        """Whether every term needs an equality (a lower-dimensional region)."""
        return bool(region) and all(ZERO in t.cons.values() for t in region)

    def pinned(self, region: list[Term]) -> dict:
        """The substitutions a one-term region's equalities give: ``{x: expression}`` for each equality
        linear in a parameter ``x`` with a constant coefficient."""
        if len(region) != 1:
            return {}
        out = {}
        for q, m in region[0].cons.items():
            if m != ZERO:
                continue
            for j in sorted(q.variables()):
                unit = tuple(int(k == j) for k in range(len(self.gens)))
                if all(mono == unit or not mono[j] for mono in q.terms) and self.gens[j] not in out:
                    c = q.terms[unit]
                    rest = sum((self._monomial(mono, -k / c) for mono, k in q.terms.items() if mono != unit),
                               sympy.Integer(0))
                    out[self.gens[j]] = rest
                    break
        return out

    def _monomial(self, mono, c: Fraction):
        return sympy.Rational(c.numerator, c.denominator) * sympy.Mul(*(g**e for g, e in zip(self.gens, mono)))


_MASKS = {sympy.Gt: POS, sympy.Ge: POS | ZERO, sympy.Eq: ZERO, sympy.Ne: NEG | POS, sympy.Lt: NEG,
          sympy.Le: NEG | ZERO}


class _Spans:
    """Regions as exact sets of the one parameter (spans), solved by sign analysis: fast and exact."""

    def __init__(self, x, domain) -> None:
        self.x, self.domain = x, domain

    def of(self, cond):
        spans = solve_spans(cond, self.x, self.domain)
        if spans is None:  # pragma: no cover - payoffs are rational functions of the parameter
            raise KimgameError(f"cannot solve {condition_text(cond)} for {self.x}")
        return spans

    def conj(self, *regions):
        return spans_intersection(*regions)

    def disj(self, regions):
        return spans_union(*regions)

    def empty(self, region) -> bool:
        return not region

    def condition(self, region):
        return spans_condition(region, self.x, self.domain)

    def points(self, region) -> list | None:
        return [a for a, _, _, _ in region] if region and all(a == b for a, b, _, _ in region) else None

    def degenerate(self, region) -> bool:
        return self.points(region) is not None


@dataclass(frozen=True)
class _Basis:
    """One side's vertex candidate: own set S, opponent strategies T0 made indifferent."""

    own: tuple[int, ...]
    tight: tuple[int, ...]
    probs: tuple[sympy.Expr, ...]  # full length, cancelled rational functions
    slack_num: tuple[sympy.Expr, ...]  # per opponent strategy t: numerator of (payoff_t - w) over det
    region: object  # det != 0, probabilities >= 0, no opponent strategy beats w (in the region algebra)


def _bases(M, algebra) -> list[_Basis]:
    """Vertex candidates of the player whose strategies index the rows of ``M``; ``M[s, t]`` is the
    opponent's payoff for strategy t against this player's strategy s."""
    n_own, n_opp = M.shape
    out = []
    for size in range(1, min(n_own, n_opp) + 1):
        for own in itertools.combinations(range(n_own), size):
            for tight in itertools.combinations(range(n_opp), size):
                # unknowns z_s (s in own) and w: rows t in tight: sum_s M[s,t] z_s - w = 0; sum z_s = 1
                rows = [[M[s, t] for s in own] + [-1] for t in tight] + [[1] * size + [0]]
                mat = sympy.Matrix(rows)
                det = sympy.expand(mat.det(method="berkowitz"))
                if det == 0:
                    continue
                rhs = sympy.Matrix([0] * size + [1])
                nums = [sympy.expand(v) for v in mat.adjugate(method="berkowitz") * rhs]  # solution = nums/det
                full_num = [sympy.Integer(0)] * n_own
                for k, s in enumerate(own):
                    full_num[s] = nums[k]
                w_num = nums[-1]
                slack = tuple(sympy.expand(sum(M[s, t] * full_num[s] for s in own) - w_num) for t in range(n_opp))
                # z_s = N_s/det >= 0 iff N_s*det >= 0 (det != 0); likewise the opponent's slacks <= 0
                atoms = [sympy.Ne(det, 0)]
                atoms += [sympy.Ge(sympy.expand(full_num[s] * det), 0) for s in own]
                atoms += [sympy.Le(sympy.expand(slack[t] * det), 0) for t in range(n_opp) if t not in tight]
                region = algebra.of(sympy.And(*atoms))
                if algebra.empty(region):
                    continue
                probs = tuple(sympy.cancel(v / det) for v in full_num)
                out.append(_Basis(own, tight, probs, slack, region))
    return out


def parametric_equilibria(game, parameters=None) -> tuple[EquilibriumPiece, ...]:
    """Every extreme equilibrium of a two-player game with at most 3 strategies per player, as
    pieces ``(region, x(θ), y(θ))`` (see the module doc). Raises :class:`KimgameError` beyond the limit.
    Extreme equilibria are the pairs of vertices of the best-response polytopes (O. L. Mangasarian (1964),
    "Equilibrium points of bimatrix games", *Journal of SIAM* 12, 778-780; B. von Stengel (2002),
    "Computing equilibria for two-person games", *Handbook of Game Theory* vol. 3, ch. 45), solved here
    with the parameters kept symbolic (Cramer's rule on each choice of tight constraints).

    ``parameters``: names of the parameters to keep symbolic (default: all); the others are fixed at
    their values in ``game.values``. One symbolic parameter gives exact interval regions quickly;
    every further one makes the regions (and the work) grow — a 3x3 game in two parameters takes
    seconds to tens of seconds.
    """
    sg = symbolic_game(game, parameters)
    if len(sg.players) != 2:
        raise KimgameError(f"parametric equilibria are for two-player games; this game has {len(sg.players)} players")
    m, n = sg.shape
    if m > MAX_STRATEGIES or n > MAX_STRATEGIES:
        raise KimgameError(
            f"parametric equilibria are limited to games with at most {MAX_STRATEGIES} strategies per player "
            f"(this game is {m}x{n}); solve it at given values with 'kimgame solve' or sweep it instead"
        )
    A = sympy.Matrix(sg.payoffs[0].tolist())
    B = sympy.Matrix(sg.payoffs[1].tolist())
    used = set().union(*(e.free_symbols for e in (*A, *B)))
    if len(used) == 1:
        x = next(iter(used))
        lo, hi = sg.box.get(x, (None, None))
        algebra: _Spans | _Regions = _Spans(x, sympy.Interval(sympy.S.NegativeInfinity if lo is None else lo,
                                           sympy.S.Infinity if hi is None else hi))
    else:
        algebra = _Regions(game, sg.symbols)

    xs = _bases(B, algebra)  # row player's x: the column player's payoffs B[i, j]
    ys = _bases(A.T, algebra)  # column player's y: the row player's payoffs A[i, j], transposed
    merged: dict[tuple, list] = {}
    for bx in xs:
        for by in ys:
            # I = bx.own rows, K0 = bx.tight columns; J = by.own columns, L0 = by.tight rows.
            # Columns of J outside K0 must be best responses to x, rows of I outside L0 to y.
            extra = [sympy.Eq(bx.slack_num[j], 0) for j in by.own if j not in bx.tight]
            extra += [sympy.Eq(by.slack_num[i], 0) for i in bx.own if i not in by.tight]
            if any(e is sympy.false for e in extra):
                continue
            parts = [bx.region, by.region]
            if extra:
                parts.append(algebra.of(sympy.And(*extra)))
            region = algebra.conj(*parts)
            if algebra.empty(region):
                continue
            merged.setdefault((bx.probs, by.probs), []).append(region)
    merged = {key: algebra.disj(parts) if len(parts) > 1 else parts[0] for key, parts in merged.items()}
    if isinstance(algebra, _Spans):
        merged = _points_to_constants(merged, algebra)
    else:
        merged = _fix_by_equalities(merged, algebra)
    pieces = []
    for (px, py), region in merged.items():
        if algebra.empty(region):
            continue
        cond = algebra.condition(region)
        supports = (
            tuple(sg.strategies[0][i] for i, p in enumerate(px) if p != 0),
            tuple(sg.strategies[1][j] for j, p in enumerate(py) if p != 0),
        )
        pieces.append(EquilibriumPiece(cond, condition_text(cond), px, py, supports, algebra.degenerate(region)))
    pieces.sort(key=lambda p: (p.degenerate, -len(p.supports[0]) - len(p.supports[1]),
                               [sympy.sstr(v) for v in (*p.x, *p.y)]))
    return tuple(pieces)


def _points_to_constants(merged: dict, algebra: _Spans) -> dict:
    """One-parameter games: a piece that holds only at isolated points becomes, per point, the
    constant profile there; dropped where a piece holding on an interval already gives it."""
    x = algebra.x
    full: dict = {}
    points: list[tuple[tuple, sympy.Expr]] = []
    for key, region in merged.items():
        at = algebra.points(region)
        if at is None:
            full[key] = region
        else:
            points.extend((key, v) for v in at)

    def value(key, v):
        return tuple(tuple(sympy.cancel(p.xreplace({x: v})) for p in side) for side in key)

    def contains(region, v) -> bool:
        return any((a < v or (a == v and ac)) and (v < b or (v == b and bc)) for a, b, ac, bc in region)

    out = dict(full)
    for key, v in points:
        const = value(key, v)
        if any(contains(region, v) and value(other, v) == const for other, region in full.items()):
            continue
        point = [(v, v, True, True)]
        out[const] = spans_union(out[const], point) if const in out else point
    return out


def _fix_by_equalities(merged: dict, algebra: _Regions) -> dict:
    """Where a region pins parameters (``Eq(V, 0) & ...``), the formulas are evaluated there; pieces
    that then coincide are merged."""
    out: dict = {}
    for key, region in merged.items():
        subs = algebra.pinned(region)
        if subs:
            key = tuple(tuple(sympy.cancel(p.xreplace(subs)) for p in side) for side in key)
        out.setdefault(key, []).append(region)
    return {key: algebra.disj(parts) if len(parts) > 1 else parts[0] for key, parts in out.items()}


def equilibria_at(pieces, values: Mapping[str, Fraction]) -> list[tuple[tuple[Fraction, ...], tuple[Fraction, ...]]]:
    """The extreme equilibria at parameter ``values``: the profiles of the pieces that hold there,
    without duplicates, sorted like :func:`kimgame.solvers.enummixed.extreme_equilibria`."""
    found = {p.at(values) for p in pieces if p.holds_at(values)}
    return sorted(found)
