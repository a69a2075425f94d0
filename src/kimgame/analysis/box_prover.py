"""Proofs on the box of declared parameter ranges: that a sympy expression is positive (or non-negative)
at every point of the box, for :mod:`kimgame.analysis.condition_simplify`.

A polynomial is decided exactly by splitting on a variable of degree 1 (an affine function of it takes its
extremes at the ends of its range), recursively; a univariate one by solving the inequality; anything else
by sympy's assumptions with each variable shifted to its range's end, or by interval bounds. ``False``
means "not shown", never "false". The box travels as a hashable key (``((symbol, low, high), ...)``) so
that proofs are cached.
"""

from __future__ import annotations

from functools import lru_cache

MAX_PROVER_SYMBOLS = 14  # the vertex test of the box prover is exponential in the number of symbols

__all__ = ["MAX_PROVER_SYMBOLS", "always", "box_dict", "expand", "never", "prove"]


def expand(f):
    """``f`` expanded by sympy (the form every proof starts from)."""
    import sympy

    return sympy.expand(f)


def box_dict(box_key) -> dict:
    """The box key ``((symbol, low, high), ...)`` as ``{symbol: (low, high)}``."""
    return {s: (lo, hi) for s, lo, hi in box_key}


def always(f, op, box_key) -> bool:
    """Proved: ``f op 0`` (op in ``> >= == !=``) at every point of the box; False = not shown."""
    if op == ">":
        return prove(f, box_key, True)
    if op == ">=":
        return prove(f, box_key, False)
    if op == "==":
        return expand(f) == 0
    return prove(f, box_key, True) or prove(-f, box_key, True)


def never(f, op, box_key) -> bool:
    """Proved: ``f op 0`` fails at every point of the box; False = not shown."""
    if op == ">":
        return prove(-f, box_key, False)
    if op == ">=":
        return prove(-f, box_key, True)
    if op == "==":
        return prove(f, box_key, True) or prove(-f, box_key, True)
    return expand(f) == 0


@lru_cache(maxsize=65536)
def prove(f, box_key, strict: bool) -> bool:
    """Proved: ``f > 0`` (``strict``) or ``f >= 0`` at every point of the box; False = not shown.

    Polynomials are decided exactly by splitting on a variable of degree 1 (an affine function of
    it takes its extremes at the ends of its range), recursively; univariate ones by solving the
    inequality; anything else by sympy's assumptions with each variable shifted to its range's end.
    """
    import sympy

    f = sympy.expand(f)
    if f.is_number:
        if not f.is_real or not f.is_finite:
            return False
        return bool(f > 0) if strict else bool(f >= 0)
    syms = sorted(f.free_symbols, key=lambda s: s.name)
    box = box_dict(box_key)
    if len(syms) > MAX_PROVER_SYMBOLS:
        return _prove_by_assumptions(f, box, strict)
    try:
        poly = sympy.Poly(f, *syms)
    except sympy.PolynomialError:
        return _prove_by_assumptions(f, box, strict)
    if not poly.domain.is_QQ and not poly.domain.is_ZZ:
        return _prove_by_assumptions(f, box, strict)
    degrees = poly.degree_list()
    linear = [s for s, d in zip(syms, degrees) if d == 1]
    if not linear:
        if len(syms) == 1:
            return _prove_univariate(f, syms[0], box.get(syms[0], (None, None)), strict)
        return _prove_by_intervals(poly, syms, box, strict)
    # prefer a variable with a finite range
    linear.sort(key=lambda s: (sum(b is None for b in box.get(s, (None, None))), s.name))
    x = linear[0]
    lo, hi = box.get(x, (None, None))
    b = f.coeff(x, 1)
    a = sympy.expand(f - b * x)
    if lo is not None and hi is not None:
        return prove(expand(a + b * lo), box_key, strict) and prove(expand(a + b * hi), box_key, strict)
    if lo is not None:
        return prove(expand(a + b * lo), box_key, strict) and prove(b, box_key, False)
    if hi is not None:
        return prove(expand(a + b * hi), box_key, strict) and prove(-b, box_key, False)
    return prove(b, box_key, False) and prove(-b, box_key, False) and prove(a, box_key, strict)


def _prove_univariate(f, x, bounds, strict: bool) -> bool:
    import sympy

    from kimgame.analysis.thresholds import solve_spans

    lo, hi = bounds
    domain = sympy.Interval(sympy.S.NegativeInfinity if lo is None else lo,
                            sympy.S.Infinity if hi is None else hi)
    bad = solve_spans(sympy.Le(f, 0) if strict else sympy.Lt(f, 0), x, domain)
    return bad is not None and not bad


def _prove_by_intervals(poly, syms, box, strict: bool, depth: int = 0) -> bool:
    """Interval arithmetic on the monomials over the box (exact rationals), bisecting the widest
    range a few times when the bound is not good enough. Sound; not complete."""
    from fractions import Fraction

    bounds = []
    for x in syms:
        lo, hi = box.get(x, (None, None))
        if lo is None or hi is None:
            return False
        bounds.append((Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q))))
    terms = [(tuple(m), Fraction(int(c.p), int(c.q))) for m, c in poly.terms()]

    def power(lo, hi, e):
        if e == 0:
            return (Fraction(1), Fraction(1))
        a, b = lo**e, hi**e
        if e % 2 == 0 and lo < 0 < hi:
            return (Fraction(0), max(a, b))
        return (min(a, b), max(a, b))

    def lower(bx) -> Fraction:
        total = Fraction(0)
        for m, c in terms:
            lo, hi = Fraction(1), Fraction(1)
            for (a, b), e in zip(bx, m):
                p, q = power(a, b, e)
                cands = (lo * p, lo * q, hi * p, hi * q)
                lo, hi = min(cands), max(cands)
            total += c * lo if c > 0 else c * hi
        return total

    def check(bx, level) -> bool:
        low = lower(bx)
        if low > 0 or (low == 0 and not strict):
            return True
        if level >= 2:
            return False
        k = max(range(len(bx)), key=lambda i: bx[i][1] - bx[i][0])
        a, b = bx[k]
        mid = (a + b) / 2
        left = list(bx)
        right = list(bx)
        left[k], right[k] = (a, mid), (mid, b)
        return check(left, level + 1) and check(right, level + 1)

    return check(bounds, depth)


def _prove_by_assumptions(f, box, strict: bool) -> bool:
    import sympy

    if sympy.count_ops(f) > 40:  # sympy's assumption system is slow on large expressions
        return False

    subs = {}
    for x in f.free_symbols:
        lo, hi = box.get(x, (None, None))
        if lo is not None:
            subs[x] = lo + sympy.Dummy(nonnegative=True)
        elif hi is not None:
            subs[x] = hi - sympy.Dummy(nonnegative=True)
    g = f.xreplace(subs)
    answer = g.is_positive if strict else g.is_nonnegative
    return answer is True
