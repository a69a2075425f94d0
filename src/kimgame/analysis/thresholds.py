"""One parameter at a time: the exact set of values where a claim holds, the others at their values.

For each declared parameter ``x`` the condition is evaluated exactly at the values of all other
parameters, leaving a condition in ``x`` alone; sympy's univariate inequality solver turns it into a
set (an ``Interval``, a ``Union`` of them, points), intersected with ``x``'s declared range. The sets
are exact (rationals, or algebraic numbers for nonlinear payoffs) and read out in plain words:
"silence dominates pressure for US while K > 1/2 and H < 400".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy

from kimgame.analysis.indifference import indifference_at
from kimgame.expr.numbers import fmt

__all__ = [
    "Threshold", "holds_set", "parameter_domain", "set_words", "solve_spans", "spans_condition", "spans_to_set",
    "threshold_summary", "thresholds",
]


@dataclass(frozen=True)
class Threshold:
    """Where the claim holds as one parameter varies over its range, the others at their values.

    ``holds_on`` is the exact set (a sympy ``Set`` inside ``domain``) or None when sympy could not
    solve the univariate condition; ``depends`` says whether the condition involves the parameter
    at all; ``text`` is the set in words (``"K > 1/2"``, ``"every value in [0, 1]"``).
    """

    parameter: str
    value: Fraction
    low: Fraction | None
    high: Fraction | None
    domain: sympy.Set
    holds_on: sympy.Set | None
    depends: bool
    text: str

    @property
    def whole_range(self) -> bool:
        """True when the claim holds (or fails) the same way on the whole range of this parameter."""
        return self.holds_on is not None and (self.holds_on == self.domain or self.holds_on.is_empty)


def _rational(q: Fraction) -> sympy.Rational:
    return sympy.Rational(q.numerator, q.denominator)


def parameter_domain(param) -> sympy.Set:
    """The declared range of a parameter as a sympy ``Interval`` (infinite ends where open)."""
    lo = sympy.S.NegativeInfinity if param.low is None else _rational(param.low)
    hi = sympy.S.Infinity if param.high is None else _rational(param.high)
    return sympy.Interval(lo, hi)


def holds_set(condition: sympy.Boolean, symbol: sympy.Symbol, domain: sympy.Set) -> sympy.Set | None:
    """The exact set of values of ``symbol`` in ``domain`` where the univariate ``condition`` holds.

    Rational-function relations are solved by exact sign analysis between real roots (fast); other
    conditions by sympy's ``as_set``. None when neither can solve it.
    """
    if condition is sympy.true:
        return domain
    if condition is sympy.false:
        return sympy.S.EmptySet
    extra = condition.free_symbols - {symbol}
    if extra:
        raise ValueError(f"condition still depends on {', '.join(sorted(s.name for s in extra))}")
    spans = solve_spans(condition, symbol, domain)
    if spans is not None:
        return spans_to_set(spans)
    try:
        solved = condition.as_set()
    except (NotImplementedError, TypeError, ValueError):
        try:
            solved = condition.rewrite(sympy.Piecewise).as_set()
        except (NotImplementedError, TypeError, ValueError):
            return None
    return sympy.Intersection(solved, domain)


# ---- sets of a real variable as sorted lists of disjoint spans (start, end, start_closed, end_closed)

Span = tuple  # (a, b, a_closed, b_closed) with a <= b; a point is (a, a, True, True)


@lru_cache(maxsize=65536)
def _approx(v) -> float:
    return float(v) if v.is_Rational or v.is_infinite else float(v.evalf(40))


def _lt(a, b) -> bool:
    """``a < b`` for exact real numbers (rational, algebraic, infinite): floats decide when they are
    far apart, sympy decides exactly otherwise."""
    if a is b:
        return False
    if a.is_Rational and b.is_Rational:
        return bool(a < b)
    fa, fb = _approx(a), _approx(b)
    if abs(fa - fb) > 1e-12 * max(1.0, abs(fa), abs(fb)):
        return fa < fb
    return bool(a < b)


def _eq(a, b) -> bool:
    return a == b or not (_lt(a, b) or _lt(b, a))


def _domain_span(domain: sympy.Set) -> list[Span]:
    return [(domain.start, domain.end, not domain.left_open and domain.start.is_finite,
             not domain.right_open and domain.end.is_finite)]


def spans_union(*groups: list[Span]) -> list[Span]:
    """The union of span lists, merged into sorted disjoint spans."""
    items = sorted((sp for g in groups for sp in g), key=lambda sp: (_approx(sp[0]), not sp[2]))
    out: list[list] = []
    for a, b, ac, bc in items:
        if out:
            _, pb, _, pbc = out[-1]
            if _lt(a, pb) or (_eq(a, pb) and (pbc or ac)):
                if _lt(pb, b):
                    out[-1][1], out[-1][3] = b, bc
                elif _eq(b, pb):
                    out[-1][3] = pbc or bc
                continue
        out.append([a, b, ac, bc])
    return [tuple(sp) for sp in out]


def _inner(x, x_closed: bool, y, y_closed: bool, start: bool) -> tuple:
    """Of two span ends, the inner one (the later ``start``, else the earlier end) and whether it is closed
    (when the two are equal: closed if both are)."""
    lo, hi = (y, x) if start else (x, y)
    if _lt(lo, hi):
        return x, x_closed
    if _lt(hi, lo):
        return y, y_closed
    return x, x_closed and y_closed


def spans_intersection(first: list[Span], *rest: list[Span]) -> list[Span]:
    """The intersection of span lists."""
    current = first
    for other in rest:
        out = []
        for a, b, ac, bc in current:
            for c, d, cc, dc in other:
                s, sc = _inner(a, ac, c, cc, start=True)
                e, ec = _inner(b, bc, d, dc, start=False)
                if _lt(s, e) or (_eq(s, e) and sc and ec):
                    out.append((s, e, sc, ec))
        current = spans_union(out)
    return current


def spans_to_set(spans: list[Span]) -> sympy.Set:
    """The spans as a sympy ``Set`` (``Interval``, ``FiniteSet``, ``Union``)."""
    pieces = [sympy.FiniteSet(a) if a == b else sympy.Interval(a, b, not ac, not bc) for a, b, ac, bc in spans]
    if not pieces:
        return sympy.S.EmptySet
    return pieces[0] if len(pieces) == 1 else sympy.Union(*pieces)


def solve_spans(cond, x, domain: sympy.Set) -> list[Span] | None:
    """Where an And/Or of rational-function relations in ``x`` holds within ``domain``, as spans, by
    exact sign analysis between the real roots of numerators and denominators; None if ``cond`` is
    not of that form."""
    from sympy.core.relational import Relational

    if cond is sympy.true:
        return _domain_span(domain)
    if cond is sympy.false:
        return []
    if isinstance(cond, (sympy.And, sympy.Or)):
        found = [solve_spans(a, x, domain) for a in cond.args]
        parts = [p for p in found if p is not None]
        if len(parts) < len(found):
            return None
        return spans_intersection(*parts) if isinstance(cond, sympy.And) else spans_union(*parts)
    if not isinstance(cond, Relational):
        return None
    test = {sympy.StrictGreaterThan: lambda v: v > 0, sympy.GreaterThan: lambda v: v >= 0,
            sympy.StrictLessThan: lambda v: v < 0, sympy.LessThan: lambda v: v <= 0,
            sympy.Equality: lambda v: v == 0, sympy.Unequality: lambda v: v != 0}.get(type(cond))
    if test is None:  # pragma: no cover - every relation type is listed
        return None
    f = sympy.together(cond.lhs - cond.rhs)
    num, den = sympy.fraction(f)
    try:
        p_num, p_den = sympy.Poly(num, x), sympy.Poly(den, x)
    except sympy.PolynomialError:
        return None
    if not all(d.is_QQ or d.is_ZZ for d in (p_num.domain, p_den.domain)):
        return None
    num_roots = set(p_num.real_roots()) if not p_num.is_zero else set()
    den_roots = set(p_den.real_roots())
    lo, hi = domain.start, domain.end
    points = sorted({r for r in num_roots | den_roots if not _lt(r, lo) and not _lt(hi, r)}
                    | {v for v in (lo, hi) if v.is_finite}, key=lambda r: (_approx(r), sympy.sstr(r)))
    spans: list[Span] = []
    for v in points:
        if v in den_roots:
            continue
        value = sympy.Integer(0) if v in num_roots else p_num.eval(v) / p_den.eval(v)  # safe: Poly.eval at a number
        if test(value):
            spans.append((v, v, True, True))
    cuts = [lo, *points, hi]
    for a, b in itertools.pairwise(cuts):
        if a == b:
            continue
        sample = _between(a, b)
        if test(p_num.eval(sample) / p_den.eval(sample)):  # safe: Poly.eval
            spans.append((a, b, False, False))
    return spans_intersection(spans_union(spans), _domain_span(domain))


def _between(a, b) -> sympy.Rational:
    """A rational number strictly between ``a < b`` (either may be infinite or algebraic)."""
    if a is sympy.S.NegativeInfinity and b is sympy.S.Infinity:
        return sympy.Integer(0)
    if a is sympy.S.NegativeInfinity:
        return sympy.floor(b) - 1
    if b is sympy.S.Infinity:
        return sympy.ceiling(a) + 1
    if a.is_Rational and b.is_Rational:
        return (a + b) / 2
    digits = 30
    while True:
        lo, hi = sympy.Rational(str(a.evalf(digits))), sympy.Rational(str(b.evalf(digits)))
        mid = (lo + hi) / 2
        if (mid > a) is sympy.true and (mid < b) is sympy.true:
            return mid
        digits *= 2  # pragma: no cover - roots closer than 10**-30


def spans_condition(spans: list[Span], x: sympy.Symbol, domain: sympy.Set) -> sympy.Boolean:
    """Spans (within ``domain``) as a condition on ``x``, leaving out the ends of ``domain``."""
    whole = _domain_span(domain)
    if spans == whole:
        return sympy.true
    if not spans:
        return sympy.false
    (dlo, dhi, dlc, dhc), = whole
    out = []
    for a, b, ac, bc in spans:
        if a == b:
            out.append(sympy.Eq(x, a))
            continue
        parts = []
        if not (a == dlo and ac == dlc):
            parts.append(sympy.Ge(x, a) if ac else sympy.Gt(x, a))
        if not (b == dhi and bc == dhc):
            parts.append(sympy.Le(x, b) if bc else sympy.Lt(x, b))
        out.append(sympy.And(*parts))
    return sympy.Or(*out)


def thresholds(game, condition: sympy.Boolean | None, values: Mapping[str, Fraction] | None = None, *,
               univariate: Callable[[str], sympy.Boolean] | None = None) -> tuple[Threshold, ...]:
    """For every declared parameter, the set of its values (in its range) where ``condition`` holds
    with every other parameter at ``values`` (default: the game's values).

    ``univariate(name)``, when given, returns that one-parameter condition directly (for a tree it is
    derived on the game with the other parameters fixed, which is much cheaper than substituting into a
    condition of hundreds of pieces); ``condition`` may then be None (not derived), and a parameter
    counts as involved (``depends``) when moving it alone within its range changes the claim."""
    values = dict(game.values if values is None else values)
    symbols = {p.name: sympy.Symbol(p.name, real=True) for p in game.parameters}
    out = []
    for p in game.parameters:
        x = symbols[p.name]
        if univariate is not None:
            one = univariate(p.name)
        elif condition is None:
            raise ValueError("thresholds needs the condition when no univariate derivation is given")
        elif condition in (sympy.true, sympy.false):
            one = condition
        else:
            one = condition.xreplace({symbols[q.name]: _rational(values[q.name])
                                      for q in game.parameters if q.name != p.name})
        domain = parameter_domain(p)
        s = holds_set(one, x, domain)
        depends = x in getattr(one if univariate is not None else condition, "free_symbols", set())
        if univariate is not None and s is not None and (s == domain or s.is_empty):
            depends = False  # its own condition mentions it, but the claim holds (or fails) on its whole range
        text = "could not be solved exactly" if s is None else set_words(p.name, s, domain)
        out.append(Threshold(p.name, values[p.name], p.low, p.high, domain, s, depends, text))
    return tuple(out)


def number_text(v) -> str:
    """An exact sympy number as text: a rational as kimgame writes numbers (``fmt``), else sympy's form."""
    if v.is_Rational:
        return fmt(Fraction(int(v.p), int(v.q)))
    return sympy.sstr(v)


def _range_text(domain: sympy.Set) -> str:
    lo = "-inf" if domain.start is sympy.S.NegativeInfinity else number_text(domain.start)
    hi = "inf" if domain.end is sympy.S.Infinity else number_text(domain.end)
    return f"[{lo}, {hi}]"


def set_words(name: str, s: sympy.Set, domain: sympy.Set) -> str:
    """``s`` (a subset of ``domain``) as a condition in words: ``"K > 1/2"``, ``"1/3 <= x <= 2/3"``,
    ``"x < 1/3 or x > 2/3"``, ``"x ≠ 1/2"``; ``"every value in [0, 1]"`` / ``"no value in [0, 1]"``."""
    if s == domain:
        return f"every value in {_range_text(domain)}"
    if s.is_empty:
        return f"no value in {_range_text(domain)}"
    missing = sympy.Complement(domain, s)
    if isinstance(missing, sympy.FiniteSet) and missing.is_subset(domain):  # all but a few points
        return " and ".join(f"{name} ≠ {number_text(v)}" for v in sorted(missing.args, key=lambda v: float(v)))
    pieces = s.args if isinstance(s, sympy.Union) else (s,)
    words: list[str] = []
    for piece in pieces:
        if isinstance(piece, sympy.FiniteSet):
            words.extend(f"{name} = {number_text(v)}" for v in sorted(piece.args, key=lambda v: float(v)))
            continue
        if not isinstance(piece, sympy.Interval):
            words.append(f"{name} in {sympy.sstr(piece)}")
            continue
        if piece.start == piece.end:
            words.append(f"{name} = {number_text(piece.start)}")
            continue
        left = not (piece.start == domain.start and piece.left_open == domain.left_open)
        right = not (piece.end == domain.end and piece.right_open == domain.right_open)
        lop = "<" if piece.left_open else "≤"
        rop = "<" if piece.right_open else "≤"
        if left and right:
            words.append(f"{number_text(piece.start)} {lop} {name} {rop} {number_text(piece.end)}")
        elif left:
            words.append(f"{name} {'>' if piece.left_open else '≥'} {number_text(piece.start)}")
        elif right:
            words.append(f"{name} {rop} {number_text(piece.end)}")
        else:  # pragma: no cover - the piece is the whole domain, handled above
            words.append(f"every value in {_range_text(domain)}")
    return " or ".join(words)


def threshold_summary(phrase: str, holds: bool, items: tuple[Threshold, ...]) -> str:
    """One sentence: where the claim holds one parameter at a time.

    ``"silence strictly dominates pressure for US while K > 1/2 and H < 400 (each with the other
    parameters at their values)"``.
    """
    moving = [t for t in items if t.holds_on is not None and not t.whole_range]
    unknown = [t.parameter for t in items if t.holds_on is None]
    if holds:
        if moving:
            parts = [f"({t.text})" if " or " in t.text else t.text for t in moving]
            text = f"{phrase} while {_and(parts)} (each with the other parameters at their values)"
        else:
            text = f"{phrase}, and no single parameter can change that within its range"
    else:
        reachable = [t for t in moving if t.holds_on is not None and not t.holds_on.is_empty]
        if reachable:
            parts = [f"({t.text})" if " or " in t.text else t.text for t in reachable]
            text = (f"at these values it is not the case that {phrase}; changing one parameter (the others "
                    f"at their values) it would be if {_or(parts)}")
        else:
            text = (f"at these values it is not the case that {phrase}, and no change of a single parameter "
                    "within its range makes it so")
    if unknown:
        text += f"; not solved exactly for {', '.join(unknown)}"
    return text


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


@dataclass(frozen=True)
class KnifeEdgeValue:
    """A single value of one parameter (the others at their values) where the claim's truth differs
    from both sides: it changes there only because some player is indifferent (``who``, empty when it
    could not be said). ``holds`` is the claim's truth at that value."""

    parameter: str
    value: sympy.Expr
    holds: bool
    who: str

    @property
    def text(self) -> str:
        where = f": {self.who}" if self.who else ""
        return f"knife-edge at {self.parameter} = {number_text(self.value)}{where}"


def split_knife_edges(game, items: tuple[Threshold, ...], spe=None
                      ) -> tuple[tuple[Threshold, ...], tuple[KnifeEdgeValue, ...]]:
    """The thresholds with isolated values set apart: where a parameter's set (the others at their
    values) has an isolated point, in it or missing from it, the claim changes there only at a tie.
    The returned thresholds count only moves that change the claim on an interval; the points are
    returned as :class:`KnifeEdgeValue` with who is indifferent there
    (:func:`kimgame.analysis.indifference.indifference_at`, with ``spe`` for trees with imperfect information)."""
    kept, edges = [], []
    for t in items:
        if t.holds_on is None:
            kept.append(t)
            continue
        inside = _points(t.holds_on)
        outside = _points(sympy.Complement(t.domain, t.holds_on))
        if not inside and not outside:
            kept.append(t)
            continue
        s = t.holds_on
        if inside:
            s = sympy.Complement(s, sympy.FiniteSet(*inside))
        if outside:
            s = sympy.Union(s, sympy.FiniteSet(*outside))
        for v, holds in sorted([(v, True) for v in inside] + [(v, False) for v in outside], key=lambda x: float(x[0])):
            values = dict(game.values)
            values[t.parameter] = Fraction(int(v.p), int(v.q)) if v.is_Rational else values[t.parameter]
            who = indifference_at(game, values, spe) if v.is_Rational else ""
            edges.append(KnifeEdgeValue(t.parameter, v, holds, who))
        depends = t.depends and not (s == t.domain or s.is_empty)
        kept.append(Threshold(t.parameter, t.value, t.low, t.high, t.domain, s, depends,
                              set_words(t.parameter, s, t.domain)))
    return tuple(kept), tuple(edges)


def _points(s: sympy.Set) -> list:
    """The isolated points of a set (its FiniteSet parts)."""
    pieces = s.args if isinstance(s, sympy.Union) else (s,)
    out = []
    for piece in pieces:
        if isinstance(piece, sympy.FiniteSet):
            out.extend(piece.args)
        elif isinstance(piece, sympy.Interval) and piece.start == piece.end:
            out.append(piece.start)
    return out
