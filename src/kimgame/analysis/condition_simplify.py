"""Simplification of a parameter condition within the box of declared ranges (see
:mod:`kimgame.analysis.conditions` for the rules): atoms normalised (:mod:`kimgame.analysis.atom_normal_form`),
atoms true or false on the whole box replaced, duplicates merged, atoms implied by a sibling dropped. Every
step is proved (:mod:`kimgame.analysis.box_prover`) before it is taken: a condition is only rewritten,
never weakened or strengthened, on the box.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kimgame.analysis.atom_normal_form import atom_parts, normal_form
from kimgame.analysis.box_prover import always, box_dict, expand, never, prove

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = ["simplify_condition"]


def simplify_condition(cond: sympy.Boolean, box: Mapping[sympy.Symbol, tuple[Any, Any]]) -> sympy.Boolean:
    """Rewrite ``cond`` into an equivalent, readable condition on the box of declared ranges.

    ``box`` maps symbols to ``(low, high)`` (sympy Rationals or None). Atoms are normalised, atoms
    true/false on the whole box are replaced by ``True``/``False``, duplicates merged, atoms implied
    by a sibling dropped. Only proved equivalences are used; what cannot be reduced stays.
    """
    import sympy
    from sympy.logic.boolalg import to_nnf

    key = tuple(sorted(((s, lo, hi) for s, (lo, hi) in box.items()), key=lambda t: t[0].name))
    if cond in (sympy.true, sympy.false):
        return cond
    return _Simplifier(key).run(to_nnf(cond, simplify=False))


class _Simplifier:
    """Equivalence-preserving rewriting on the box (every rule is proved before it is applied)."""

    def __init__(self, box_key: tuple) -> None:
        self.box_key = box_key
        self.box = box_dict(box_key)

    # ---- structure
    def run(self, cond):
        import sympy
        from sympy.core.relational import Relational

        if cond in (sympy.true, sympy.false):
            return cond
        if isinstance(cond, Relational):
            return self.atom(cond)
        if isinstance(cond, sympy.And):
            return self.conjunction([self.run(a) for a in cond.args])
        if isinstance(cond, sympy.Or):
            return self.disjunction([self.run(a) for a in cond.args])
        return cond  # Not of a symbol etc.: left as it is

    def conjunction(self, parts):
        import sympy
        from sympy.core.relational import Relational

        flat = _flatten(parts, sympy.And)
        if any(p is sympy.false for p in flat):
            return sympy.false
        flat = _unique([p for p in flat if p is not sympy.true])
        substituted = self.substitute_linear(flat)
        if substituted is not None:
            return substituted
        flat = self.by_symbol(flat, conjunctive=True)
        if flat is sympy.false:
            return sympy.false
        atoms = [p for p in flat if isinstance(p, Relational)]
        for i, a in enumerate(atoms):
            if any(self.contradict(a, b) for b in atoms[i + 1:]):
                return sympy.false
        kept = self.prune(self.strict_from_unequal(atoms), conjunctive=True)
        rest = []
        for p in flat:
            if isinstance(p, Relational):
                continue
            if isinstance(p, sympy.Or):
                if any(self.implies_all(kept, d) for d in p.args):
                    continue  # a disjunct is already implied by atoms of this conjunction
                alive = [d for d in p.args
                         if not (isinstance(d, Relational) and any(self.contradict(a, d) for a in kept))]
                if not alive:
                    return sympy.false
                if len(alive) < len(p.args):
                    return self.conjunction([*kept, *[q for q in flat if not isinstance(q, Relational) and q is not p],
                                             self.disjunction(alive)])
            rest.append(p)
        return sympy.And(*kept, *rest)

    def disjunction(self, parts):
        import sympy
        from sympy.core.relational import Relational

        flat = _flatten(parts, sympy.Or)
        if any(p is sympy.true for p in flat):
            return sympy.true
        flat = _unique([p for p in flat if p is not sympy.false])
        flat = self.by_symbol(flat, conjunctive=False)
        if flat is sympy.true:
            return sympy.true
        atoms = [p for p in flat if isinstance(p, Relational)]
        kept = self.prune(atoms, conjunctive=False)
        rest = [p for p in flat if not isinstance(p, Relational)]
        terms = kept + rest
        # absorption: a disjunct that implies another disjunct adds nothing
        out = list(terms)
        for d in terms:
            d_atoms = _conjuncts(d)
            if d_atoms is None:
                continue
            if any(e is not d and e in out and self.implies_all(d_atoms, e) for e in terms):
                out.remove(d)
        return sympy.Or(*out)

    def substitute_linear(self, flat):
        """Linear equalities of a conjunction are solved (exactly) and the solved parameters are
        substituted into its other parts; inconsistent equalities make it False. None: nothing to do."""
        import sympy

        eqs = [p for p in flat if isinstance(p, sympy.Equality) and _is_linear(p.lhs - p.rhs)]
        if not eqs:
            return None
        syms = sorted(set().union(*(e.free_symbols for e in eqs)), key=lambda t: t.name)
        solutions = sympy.linsolve([e.lhs - e.rhs for e in eqs], syms)
        if solutions is sympy.S.EmptySet or not solutions:
            return sympy.false
        (solution,) = tuple(solutions)
        subs = {t: v for t, v in zip(syms, solution) if v != t}
        others = [q for q in flat if not any(q is e for e in eqs)]
        if not subs or not any(set(subs) & q.free_symbols for q in others):
            return None
        parts = [self.atom(sympy.Eq(t, v)) for t, v in subs.items()]
        for t, v in subs.items():  # the substituted parameter's range, now a condition on the others
            lo, hi = self.box.get(t, (None, None))
            if not v.is_number:
                parts += [self.atom(sympy.Ge(v, lo))] if lo is not None else []
                parts += [self.atom(sympy.Le(v, hi))] if hi is not None else []
        parts += [self.run(q.xreplace(subs)) for q in others]
        return self.conjunction(parts)

    def strict_from_unequal(self, atoms):
        """``f >= 0`` together with ``f != 0`` is ``f > 0``."""
        import sympy

        out = list(atoms)
        for a in atoms:
            if not isinstance(a, sympy.Unequality) or a not in out:
                continue
            fa, _ = atom_parts(a)
            for b in out:
                if isinstance(b, (sympy.GreaterThan, sympy.LessThan)):
                    fb, _ = atom_parts(b)
                    if expand(fa - fb) == 0 or expand(fa + fb) == 0:
                        strict = sympy.Gt(b.lhs, b.rhs) if isinstance(b, sympy.GreaterThan) else sympy.Lt(b.lhs, b.rhs)
                        out[out.index(b)] = strict
                        out.remove(a)
                        break
        return out

    def by_symbol(self, flat, *, conjunctive: bool):
        """Atoms in one and the same single parameter are solved together exactly (one interval set)."""
        import sympy
        from sympy.core.relational import Relational

        from kimgame.analysis.thresholds import solve_spans, spans_condition, spans_intersection, spans_union

        groups: dict = {}
        for p in flat:
            if isinstance(p, Relational) and len(p.free_symbols) == 1:
                groups.setdefault(next(iter(p.free_symbols)), []).append(p)
        out = [p for p in flat if not (isinstance(p, Relational) and len(p.free_symbols) == 1)]
        for x, atoms in groups.items():
            lo, hi = self.box.get(x, (None, None))
            domain = sympy.Interval(sympy.S.NegativeInfinity if lo is None else lo,
                                    sympy.S.Infinity if hi is None else hi)
            found = [solve_spans(a, x, domain) for a in atoms]
            spans = [sp for sp in found if sp is not None]
            if len(atoms) == 1 or len(spans) < len(found):
                out.extend(atoms)
                continue
            joined = spans_intersection(*spans) if conjunctive else spans_union(*spans)
            cond = spans_condition(joined, x, domain)
            if cond in (sympy.true, sympy.false):
                if (cond is sympy.false) == conjunctive:
                    return cond
                continue
            out.extend(_flatten([cond], sympy.And if conjunctive else sympy.Or))
        return out

    def prune(self, atoms, *, conjunctive: bool):
        """Drop atoms implied by another kept atom (conjunction) or implying one (disjunction)."""
        kept = list(atoms)
        changed = True
        while changed:
            changed = False
            for a in list(kept):
                others = [b for b in kept if b is not a]
                if conjunctive and any(self.implies(b, a) for b in others):
                    kept.remove(a)
                    changed = True
                    break
                if not conjunctive and any(self.implies(a, b) for b in others):
                    kept.remove(a)
                    changed = True
                    break
        return kept

    # ---- atoms
    def atom(self, rel):
        import sympy

        f, op = atom_parts(rel)
        normal = normal_form(f, op, self.box_key)
        if normal in (sympy.true, sympy.false):
            return normal
        if isinstance(normal, (sympy.And, sympy.Or)):
            return self.run(normal)
        f, op = atom_parts(normal)
        if always(f, op, self.box_key):
            return sympy.true
        if never(f, op, self.box_key):
            return sympy.false
        return self.at_range_end(normal)

    def at_range_end(self, rel):
        """``x <= low`` is ``Eq(x, low)`` when ``low`` is the lower end of x's range (and ``x >= high``)."""
        import sympy

        if isinstance(rel, (sympy.LessThan, sympy.GreaterThan)) and rel.lhs.is_Symbol and rel.rhs.is_number:
            lo, hi = self.box.get(rel.lhs, (None, None))
            end = lo if isinstance(rel, sympy.LessThan) else hi
            if end is not None and rel.rhs == end:
                return sympy.Eq(rel.lhs, end)
        return rel

    def implies(self, a, b) -> bool:
        """Whether atom ``a`` implies atom ``b`` on the box (proved; False when unknown)."""
        from sympy.core.relational import Relational

        if not (isinstance(a, Relational) and isinstance(b, Relational)):
            return a == b
        fa, oa = atom_parts(a)
        fb, ob = atom_parts(b)
        if (fa, oa) == (fb, ob):
            return True
        if oa == "==":  # f = 0 implies g >= 0 and g = 0 when g = +-f; x = c implies b when b(c) holds
            if ob in (">=", "==") and (expand(fa - fb) == 0 or expand(fa + fb) == 0):
                return True
            if a.lhs.is_Symbol and a.rhs.is_number and a.lhs in b.free_symbols:
                import sympy

                return self.run(b.xreplace({a.lhs: a.rhs})) is sympy.true
            return False
        if oa not in (">", ">=") or ob not in (">", ">="):
            return False
        strict = ob == ">" and oa == ">="  # fb - fa >= 0 suffices unless a is weak and b strict
        return prove(expand(fb - fa), self.box_key, strict)

    def implies_all(self, atoms, target) -> bool:
        """Whether the conjunction of ``atoms`` implies every conjunct of ``target`` (proved)."""
        import sympy

        wanted = _conjuncts(target)
        if wanted is None:
            return False
        subs = {a.lhs: a.rhs for a in atoms
                if isinstance(a, sympy.Equality) and a.lhs.is_Symbol and a.lhs not in a.rhs.free_symbols}
        for w in wanted:
            if subs and set(subs) & w.free_symbols and self.run(w.xreplace(subs)) is sympy.true:
                continue
            if not any(self.implies(a, w) for a in atoms):
                return False
        return True

    def contradict(self, a, b) -> bool:
        """Whether atoms ``a`` and ``b`` cannot hold together anywhere on the box (proved)."""
        fa, oa = atom_parts(a)
        fb, ob = atom_parts(b)
        if oa == "==" and ob == "==":
            return False
        if "==" in (oa, ob):
            f_eq, (g, og) = (fa, (fb, ob)) if oa == "==" else (fb, (fa, oa))
            if og == "!=":
                return expand(g - f_eq) == 0 or expand(g + f_eq) == 0
            return og == ">" and (expand(g - f_eq) == 0 or expand(g + f_eq) == 0)
        if oa not in (">", ">=") or ob not in (">", ">="):
            return False
        # fa op 0 and fb op 0 contradict when fa + fb <= 0 (< 0 if both are weak) on the whole box
        return prove(expand(-(fa + fb)), self.box_key, oa == ">=" and ob == ">=")


def _is_linear(f) -> bool:
    import sympy

    syms = sorted(f.free_symbols, key=lambda t: t.name)
    if not syms:
        return False
    try:
        return sympy.Poly(f, *syms).total_degree() <= 1
    except sympy.PolynomialError:
        return False


def _conjuncts(cond):
    """The relational atoms of an atom or an And of atoms; None for anything else."""
    import sympy
    from sympy.core.relational import Relational

    if isinstance(cond, Relational):
        return [cond]
    if isinstance(cond, sympy.And) and all(isinstance(a, Relational) for a in cond.args):
        return list(cond.args)
    return None


def _flatten(parts, kind):
    out = []
    for p in parts:
        if isinstance(p, kind):
            out.extend(p.args)
        else:
            out.append(p)
    return out


def _unique(items):
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
