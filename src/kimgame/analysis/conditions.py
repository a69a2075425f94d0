"""The exact region of parameter space where a claim holds, as a sympy Boolean.

``claim_condition(game, claim)`` builds, from the payoff formulas (``Formula.to_sympy``, never from
text), the condition on the parameters under which the claim holds, and simplifies it *within the
declared parameter ranges* (the box of ``Parameter.low``/``high``):

* every atom is normalised to a readable form (``K > H*e``, ``p_insult > 1/6``): denominators and
  factors of known sign on the box are cleared, positive terms are written on the left and
  negative ones on the right, coefficients made primitive;
* atoms that hold everywhere on the box are dropped, atoms that fail everywhere decide the
  conjunction (or disjunction) they are in; duplicates merge;
* an atom implied on the box by another atom of the same conjunction is dropped (``K > 0`` goes
  when ``K > H*e`` is present and ``H*e >= 0`` on the box), and dually in disjunctions.

Every step is an equivalence on the box, proved (exactly) before it is taken: where nothing can be
shown the part is kept, so a condition is never weakened or strengthened, only rewritten. Outside
the declared ranges the simplified condition may differ from the raw one; kimgame never evaluates
a game there (``with_values`` refuses such values). ``claim_condition(..., simplify=False)`` gives
the raw condition, exact everywhere.

The payoffs are taken from :func:`symbolic_game`, the one place that dispatches on ``game.form``;
extensive-form games (trees) plug in there.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kimgame.errors import KimgameError
from kimgame.model.claims import Claim, Dominates, Outcome, Plays
from kimgame.solvers.deadline import Clock, why_stopped

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import sympy

__all__ = [
    "SymbolicGame",
    "UnsupportedCondition",
    "claim_condition",
    "claim_conditions",
    "claim_phrase",
    "condition_latex",
    "condition_pieces",
    "condition_text",
    "evaluate_condition",
    "fill_conditions",
    "is_long",
    "parameter_box",
    "parameter_symbols",
    "pure_equilibrium_conditions",
    "simplify_condition",
    "symbolic_game",
]

MAX_PROVER_SYMBOLS = 14  # the vertex test of the box prover is exponential in the number of symbols


class UnsupportedCondition(KimgameError):
    """The symbolic condition of this kind of claim cannot be derived (yet)."""


# --------------------------------------------------------------------------------------------------
# The symbolic payoffs of a game: the one place that dispatches on the game's form


@dataclass(frozen=True, eq=False)
class SymbolicGame:
    """A game's payoffs as sympy expressions: one object array per player, shape = strategies.

    ``symbols`` maps every declared parameter to its (real) sympy symbol, the same symbols
    ``Formula.to_sympy`` creates; ``box`` maps each symbol to its declared ``(low, high)`` as sympy
    Rationals (None for an open end).
    """

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: tuple[np.ndarray, ...]
    symbols: Mapping[str, sympy.Symbol]
    box: Mapping[sympy.Symbol, tuple[sympy.Rational | None, sympy.Rational | None]]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.strategies)


def symbolic_game(game, keep: Iterable[str] | None = None) -> SymbolicGame:
    """The game's payoffs as sympy expressions in its parameters.

    This is the single dispatch on ``game.form``: normal-form games are read directly; a tree
    (extensive form) gives its reduced normal form, whose payoffs stay formulas in the parameters
    (:func:`kimgame.model.tree.reduced_normal_form`), so dominance between plans, pure-equilibrium
    conditions and parametric mixed equilibria work on trees too. Claims about what is played in the
    tree's subgame-perfect equilibria do not come through here: see :func:`claim_condition`.

    ``keep``: the parameters to keep symbolic (default: all); the others are replaced by their exact
    values in ``game.values``.
    """
    form = getattr(game, "form", "normal")
    if form == "extensive":
        from kimgame.model.tree import reduced_normal_form

        return _keep_only(game, _symbolic_normal_form(reduced_normal_form(game)), keep)
    if form != "normal":
        raise TypeError(f"unknown game form {form!r}")
    return _keep_only(game, _symbolic_normal_form(game), keep)


def _symbolic_normal_form(game) -> SymbolicGame:
    import numpy as np

    arrays = []
    for i in range(len(game.players)):
        a = np.empty(game.num_profiles, dtype=object)
        a[:] = [vec[i].to_sympy() for vec in game.payoffs]
        arrays.append(a.reshape(game.shape))
    return SymbolicGame(
        tuple(game.players), tuple(tuple(s) for s in game.strategies), tuple(arrays),
        parameter_symbols(game), parameter_box(game),
    )


def _keep_only(game, sg: SymbolicGame, keep: Iterable[str] | None) -> SymbolicGame:
    """``sg`` with every parameter not in ``keep`` replaced by its value."""
    import numpy as np
    import sympy

    if keep is None:
        return sg
    keep = set(keep)
    unknown = keep - set(sg.symbols)
    if unknown:
        known = ", ".join(sg.symbols) or "the game has none"
        raise KimgameError(f"no parameter named {', '.join(sorted(unknown))} (parameters: {known})")
    subs = {sym: sympy.Rational(game.values[name].numerator, game.values[name].denominator)
            for name, sym in sg.symbols.items() if name not in keep}
    arrays = []
    for a in sg.payoffs:
        b = np.empty(a.shape, dtype=object)
        for idx, v in np.ndenumerate(a):
            b[idx] = v.xreplace(subs)
        arrays.append(b)
    symbols = {n: s for n, s in sg.symbols.items() if n in keep}
    box = {s: b for s, b in sg.box.items() if s.name in keep}
    return SymbolicGame(sg.players, sg.strategies, tuple(arrays), symbols, box)


def parameter_symbols(game) -> dict[str, sympy.Symbol]:
    """Every declared parameter's sympy symbol (real, as ``Formula.to_sympy`` makes them), by name."""
    import sympy

    return {p.name: sympy.Symbol(p.name, real=True) for p in game.parameters}


def parameter_box(game) -> dict[sympy.Symbol, tuple[Any, Any]]:
    """The declared range of every parameter: symbol -> (low, high) as sympy Rationals, None if open."""
    import sympy

    def q(v: Fraction | None):
        return None if v is None else sympy.Rational(v.numerator, v.denominator)

    return {sympy.Symbol(p.name, real=True): (q(p.low), q(p.high)) for p in game.parameters}


# --------------------------------------------------------------------------------------------------
# Conditions of claims and of pure equilibria


def claim_condition(game, claim: Claim | Dominates | Plays | Outcome, *, simplify: bool = True,
                    max_pieces: int | None = None, deadline: float | None = None) -> sympy.Boolean:
    """The exact condition on the parameters under which ``claim`` holds in ``game``.

    ``claim`` is a :class:`~kimgame.model.claims.Claim` (from the file or built in code) or its spec.
    For ``Dominates`` (strategy ``s`` over ``t`` of player ``i``), with ``d(z) = u_i(s, z) - u_i(t, z)``
    over the opponents' pure profiles ``z``: strict dominance is ``And(d(z) > 0 for all z)``; weak
    dominance is ``And(d(z) >= 0 for all z) & Or(d(z) > 0 for some z)``. With ``simplify`` the result
    is rewritten within the declared ranges (see the module doc); without it, it is the raw formula.
    For a tree, ``Dominates`` compares plans of its reduced normal form, and ``Plays``/``Outcome``
    claims about its subgame-perfect equilibria come from symbolic backward induction
    (:func:`kimgame.analysis.tree_conditions.tree_claim_condition`, always simplified on the box).
    Raises :class:`UnsupportedCondition` for claims judged after iterated elimination, for claims
    about all Nash equilibria of a tree, and for trees whose imperfect information the symbolic
    backward induction does not handle; :class:`~kimgame.errors.SolverLimit` when a tree's derivation
    would hold more than ``max_pieces`` pieces of parameter space at one node (default
    :data:`~kimgame.analysis.tree_conditions.MAX_PIECES`) or runs past ``deadline`` (a
    ``time.monotonic()`` value).
    """
    spec = claim.spec if isinstance(claim, Claim) else claim
    if isinstance(spec, (Plays, Outcome)):
        if getattr(game, "form", "normal") != "extensive":
            raise UnsupportedCondition(f"'{spec.describe()}' is a claim about a game tree; this game is a matrix")
        from kimgame.analysis.tree_conditions import MAX_PIECES, tree_claim_condition

        try:
            return tree_claim_condition(game, spec, max_pieces=max_pieces or MAX_PIECES, deadline=deadline)
        except NotImplementedError as err:
            raise UnsupportedCondition(str(err)) from None
    sg = symbolic_game(game)
    raw = _raw_claim_condition(sg, spec)
    return simplify_condition(raw, sg.box) if simplify else raw


def _raw_claim_condition(sg: SymbolicGame, spec) -> sympy.Boolean:
    import numpy as np
    import sympy

    if not isinstance(spec, Dominates):  # pragma: no cover - every spec kind is handled
        raise UnsupportedCondition(f"no symbolic condition for claims of kind {type(spec).__name__}")
    if spec.after_elimination:
        raise UnsupportedCondition(
            f"the parameter condition of '{spec.describe()}' is not derived: which strategies survive "
            "iterated elimination itself depends on the parameters; the claim is judged at the given values only"
        )
    try:
        i = sg.players.index(spec.player)
    except ValueError:
        raise KimgameError(f"no player '{spec.player}' (players: {', '.join(sg.players)})") from None
    labels = sg.strategies[i]
    for label in (spec.strategy, spec.over):
        if label not in labels:
            raise KimgameError(f"no strategy '{label}' for {spec.player} (strategies: {', '.join(labels)})")
    s, t = labels.index(spec.strategy), labels.index(spec.over)
    us = np.take(sg.payoffs[i], s, axis=i).ravel()
    ut = np.take(sg.payoffs[i], t, axis=i).ravel()
    diffs = [a - b for a, b in zip(us, ut)]
    if spec.strict:
        return sympy.And(*(sympy.Gt(d, 0) for d in diffs))
    return sympy.And(sympy.And(*(sympy.Ge(d, 0) for d in diffs)), sympy.Or(*(sympy.Gt(d, 0) for d in diffs)))


def pure_equilibrium_conditions(game, *, simplify: bool = True) -> dict[tuple[str, ...], sympy.Boolean]:
    """For every pure profile (strategy labels in player order), the condition for it to be a Nash
    equilibrium: each player's payoff there is at least that of each of their unilateral deviations.

    Profiles whose condition is ``False`` on the declared ranges are kept (with ``false``), so the
    dict lists every profile in the row-major order of the game.
    """
    import sympy

    sg = symbolic_game(game)
    out: dict[tuple[str, ...], sympy.Boolean] = {}
    for profile in itertools.product(*(range(k) for k in sg.shape)):
        atoms = []
        for i, u in enumerate(sg.payoffs):
            here = u[profile]
            for k in range(sg.shape[i]):
                if k != profile[i]:
                    other = profile[:i] + (k,) + profile[i + 1:]
                    atoms.append(sympy.Ge(here - u[other], 0))
        cond = sympy.And(*atoms)
        labels = tuple(sg.strategies[i][k] for i, k in enumerate(profile))
        out[labels] = simplify_condition(cond, sg.box) if simplify else cond
    return out


def claim_phrase(claim: Claim | Dominates | Plays | Outcome) -> str:
    """The claim in a few words: ``"silence strictly dominates pressure for US"``, or for a tree claim
    its description (``"US chooses silence at 'US stance' in every subgame-perfect equilibrium"``)."""
    spec = claim.spec if isinstance(claim, Claim) else claim
    if not isinstance(spec, Dominates):
        return spec.describe()
    kind = "strictly" if spec.strict else "weakly"
    tail = " after iterated elimination" if spec.after_elimination else ""
    return f"{spec.strategy} {kind} dominates {spec.over} for {spec.player}{tail}"


# --------------------------------------------------------------------------------------------------
# Text, LaTeX, evaluation


def condition_text(cond: sympy.Boolean) -> str:
    """The condition as text that sympy parses back (``sympify`` with ``locals=symbols``) to it
    (``(K > H*e) & (p_insult > 1/6)``, ``True``, ``False``); exact rationals, no floats."""
    import sympy

    if cond is sympy.true or cond is True:
        return "True"
    if cond is sympy.false or cond is False:
        return "False"
    return sympy.sstr(cond, order=None)


LONG_CONDITION = 400  # characters: longer conditions are summarised in text reports


def is_long(text: str | None) -> bool:
    """Whether a condition's text is too long to print in a report line (see ``LONG_CONDITION``)."""
    return text is not None and len(text) > LONG_CONDITION


def condition_pieces(cond: sympy.Boolean) -> int:
    """The number of alternatives of a condition: the arguments of a top-level ``Or``, 1 for any other
    condition, 0 for ``True``/``False``."""
    import sympy

    if cond in (sympy.true, sympy.false, True, False):
        return 0
    return len(cond.args) if isinstance(cond, sympy.Or) else 1


def condition_latex(cond: sympy.Boolean) -> str:
    """The condition in LaTeX (``K > H e \\wedge ...``)."""
    import sympy

    return sympy.latex(cond)


def evaluate_condition(cond: sympy.Boolean, values: Mapping[str, Fraction]) -> bool:
    """The exact truth of ``cond`` at parameter ``values`` (names -> exact numbers)."""
    import sympy

    subs = {sym: sympy.Rational(Fraction(values[sym.name]).numerator, Fraction(values[sym.name]).denominator)
            for sym in cond.free_symbols if sym.name in values}
    missing = sorted(s.name for s in cond.free_symbols if s.name not in values)
    if missing:
        raise KimgameError(f"no value for parameter(s) {', '.join(missing)}")
    result = cond.xreplace(subs) if subs else cond
    if result not in (sympy.true, sympy.false):
        result = sympy.simplify(result)  # e.g. Eq(0, 0) with unevaluated parts
    if result not in (sympy.true, sympy.false):
        raise KimgameError(f"cannot decide '{condition_text(cond)}' at these values")
    return bool(result)


def fill_conditions(game, claim_results: Sequence, *, deadline: float | None = None,
                    max_pieces: int | None = None) -> tuple:
    """``ClaimResult``s of ``kimgame solve`` with ``condition`` set to the claim's exact parameter
    condition (``condition_text``), matched to the game's claims by id.

    Claims whose condition cannot be derived (after iterated elimination, claims about all Nash
    equilibria of a tree, trees whose derivation needs more than ``max_pieces`` pieces of parameter
    space at a node or runs past ``deadline``) keep ``condition=None``. Games without parameters get
    ``"True"``/``"False"`` without loading sympy, and conditions already derived for the same file
    content come from :mod:`~kimgame.analysis.condition_cache` (a condition given up at the deadline is
    not cached: another run may have more time).
    """
    from kimgame.analysis.condition_cache import load_conditions, store_conditions
    from kimgame.errors import SolverLimit

    by_id = {c.id: c for c in game.claims}
    out = []
    symbolic = getattr(game, "is_symbolic", True)
    cached = load_conditions(game) if symbolic else None
    fresh: dict[str, str | None] = {}
    for result in claim_results:
        claim = by_id.get(result.id)
        if claim is None or getattr(claim.spec, "after_elimination", False):
            out.append(result)
            continue
        text: str | None
        if not symbolic:
            text = "True" if result.holds else "False"
        elif cached is not None and result.id in cached:
            text = cached[result.id]
        else:
            try:
                text = condition_text(claim_condition(game, claim, max_pieces=max_pieces, deadline=deadline))
            except (UnsupportedCondition, NotImplementedError):
                text = None
            except SolverLimit:
                text = None
                if Clock(deadline).expired:
                    out.append(result)
                    continue
            fresh[result.id] = text
        out.append(replace(result, condition=text) if text is not None else result)
    if fresh:
        store_conditions(game, {**(cached or {}), **fresh})
    return tuple(out)


def claim_conditions(game, judged: tuple, clock: Clock, timeout: float | None, notes: list[str], *,
                     max_pieces: int | None = None) -> tuple[tuple, bool]:
    """``judged`` with each claim's exact parameter condition filled in
    (:func:`fill_conditions`; for trees within ``max_pieces`` pieces of
    parameter space per node), one claim at a time while ``clock``'s deadline has not passed; the claims
    left over keep no condition and a note says so. Returns the claims and whether the deadline (or
    Ctrl-C) cut the step short."""
    if clock.deadline is None:
        return fill_conditions(game, judged, max_pieces=max_pieces), False
    out: list = []
    for k, result in enumerate(judged):
        try:
            if not clock.expired:
                (filled,) = fill_conditions(game, (result,), deadline=clock.deadline, max_pieces=max_pieces)
                if filled.condition is not None or not clock.expired:
                    out.append(filled)
                    continue
            why = why_stopped(None, timeout)
        except KeyboardInterrupt:
            why = "interrupted"
        notes.append(f"{why} before the parameter conditions of {len(judged) - k} claim(s) were derived: "
                     "those claims are judged at these values only")
        return (*out, *judged[k:]), True
    return tuple(out), False


# --------------------------------------------------------------------------------------------------
# Simplification within the box


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
        self.box = _box_dict(box_key)

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
            fa, _ = _atom_parts(a)
            for b in out:
                if isinstance(b, (sympy.GreaterThan, sympy.LessThan)):
                    fb, _ = _atom_parts(b)
                    if _expand(fa - fb) == 0 or _expand(fa + fb) == 0:
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

        f, op = _atom_parts(rel)
        normal = _normal_form(f, op, self.box_key)
        if normal in (sympy.true, sympy.false):
            return normal
        if isinstance(normal, (sympy.And, sympy.Or)):
            return self.run(normal)
        f, op = _atom_parts(normal)
        if _always(f, op, self.box_key):
            return sympy.true
        if _never(f, op, self.box_key):
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
        fa, oa = _atom_parts(a)
        fb, ob = _atom_parts(b)
        if (fa, oa) == (fb, ob):
            return True
        if oa == "==":  # f = 0 implies g >= 0 and g = 0 when g = +-f; x = c implies b when b(c) holds
            if ob in (">=", "==") and (_expand(fa - fb) == 0 or _expand(fa + fb) == 0):
                return True
            if a.lhs.is_Symbol and a.rhs.is_number and a.lhs in b.free_symbols:
                import sympy

                return self.run(b.xreplace({a.lhs: a.rhs})) is sympy.true
            return False
        if oa not in (">", ">=") or ob not in (">", ">="):
            return False
        strict = ob == ">" and oa == ">="  # fb - fa >= 0 suffices unless a is weak and b strict
        return _prove(_expand(fb - fa), self.box_key, strict)

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
        fa, oa = _atom_parts(a)
        fb, ob = _atom_parts(b)
        if oa == "==" and ob == "==":
            return False
        if "==" in (oa, ob):
            f_eq, (g, og) = (fa, (fb, ob)) if oa == "==" else (fb, (fa, oa))
            if og == "!=":
                return _expand(g - f_eq) == 0 or _expand(g + f_eq) == 0
            return og == ">" and (_expand(g - f_eq) == 0 or _expand(g + f_eq) == 0)
        if oa not in (">", ">=") or ob not in (">", ">="):
            return False
        # fa op 0 and fb op 0 contradict when fa + fb <= 0 (< 0 if both are weak) on the whole box
        return _prove(_expand(-(fa + fb)), self.box_key, oa == ">=" and ob == ">=")


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


def _atom_parts(rel) -> tuple[Any, str]:
    """``rel`` as ``(f, op)`` meaning ``f op 0`` with op in ``> >= == !=``."""
    import sympy

    if isinstance(rel, sympy.StrictGreaterThan):
        return rel.lhs - rel.rhs, ">"
    if isinstance(rel, sympy.StrictLessThan):
        return rel.rhs - rel.lhs, ">"
    if isinstance(rel, sympy.GreaterThan):
        return rel.lhs - rel.rhs, ">="
    if isinstance(rel, sympy.LessThan):
        return rel.rhs - rel.lhs, ">="
    if isinstance(rel, sympy.Equality):
        return rel.lhs - rel.rhs, "=="
    if isinstance(rel, sympy.Unequality):
        return rel.lhs - rel.rhs, "!="
    raise TypeError(f"not a relation: {rel}")  # pragma: no cover


def _expand(f):
    import sympy

    return sympy.expand(f)


def _box_dict(box_key) -> dict:
    return {s: (lo, hi) for s, lo, hi in box_key}


def _always(f, op, box_key) -> bool:
    if op == ">":
        return _prove(f, box_key, True)
    if op == ">=":
        return _prove(f, box_key, False)
    if op == "==":
        return _expand(f) == 0
    return _prove(f, box_key, True) or _prove(-f, box_key, True)


def _never(f, op, box_key) -> bool:
    if op == ">":
        return _prove(-f, box_key, False)
    if op == ">=":
        return _prove(-f, box_key, True)
    if op == "==":
        return _prove(f, box_key, True) or _prove(-f, box_key, True)
    return _expand(f) == 0


# ---- the box prover


@lru_cache(maxsize=65536)
def _prove(f, box_key, strict: bool) -> bool:
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
    box = _box_dict(box_key)
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
        return _prove(_expand(a + b * lo), box_key, strict) and _prove(_expand(a + b * hi), box_key, strict)
    if lo is not None:
        return _prove(_expand(a + b * lo), box_key, strict) and _prove(b, box_key, False)
    if hi is not None:
        return _prove(_expand(a + b * hi), box_key, strict) and _prove(-b, box_key, False)
    return _prove(b, box_key, False) and _prove(-b, box_key, False) and _prove(a, box_key, strict)


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


# ---- normal form of an atom


@lru_cache(maxsize=65536)
def _normal_form(f, op: str, box_key):
    """``f op 0`` rewritten: denominators and factors of known sign cleared, a readable relation.

    May return ``True``/``False`` or an And/Or of simpler atoms (e.g. ``p*(W - H) > 0`` with
    ``p >= 0`` on the box becomes ``(p > 0) & (W > H)``).
    """
    import sympy

    f = sympy.together(sympy.expand(f))
    num, den = sympy.fraction(f)
    num, den = sympy.expand(num), sympy.expand(den)
    if den.is_number:
        if den < 0:
            num = -num
    elif _prove(den, box_key, True):
        pass
    elif _prove(-den, box_key, True):
        num = -num
    else:  # sign of the denominator unknown on the box: keep the quotient as it is
        return _relation(f, op)
    if num.is_number:
        return sympy.true if _compare(num, op) else sympy.false
    factors = _sign_factors(num)
    if factors is None:
        _, prim = num.as_content_primitive()
        return _relation(prim, op)
    sign, parts = factors
    # drop factors of known strict sign on the box
    rest = []
    for g, k in parts:
        if k % 2 == 0 and op in ("==", "!="):
            rest.append((g, 1))
        elif _prove(g, box_key, True):
            continue
        elif _prove(-g, box_key, True):
            sign *= (-1) ** k
        else:
            rest.append((g, k))
    if not rest:
        return sympy.true if _compare(sympy.Integer(sign), op) else sympy.false
    if op == "==":
        return sympy.Or(*(_relation(g, "==") for g, _ in rest))
    if op == "!=":
        return sympy.And(*(_relation(g, "!=") for g, _ in rest))
    # op is > or >=: even powers and factors of known sign (>= 0 or <= 0 on the box) split off
    even = [g for g, k in rest if k % 2 == 0]
    nonneg, core = [], []
    for g, k in rest:
        if k % 2 == 0:
            continue
        if _prove(g, box_key, False):
            nonneg.append(g)
        elif _prove(-g, box_key, False):
            nonneg.append(-g)
            sign = -sign
        else:
            core.append(g)
    if sign < 0:
        if not core:  # minus a product of factors >= 0: > 0 never, >= 0 only where one vanishes
            return sympy.false if op == ">" else sympy.Or(*(_relation(g, "==") for g in even + nonneg))
        core[0] = -core[0]
    core_rel = _relation(sympy.Mul(*core), op) if core else sympy.true
    if op == ">":
        parts_ = [_relation(g, "!=") for g in even] + [_relation(g, ">") for g in nonneg]
        return sympy.And(*parts_, core_rel)
    # >= : the product is >= 0 iff some split-off factor vanishes or the core is >= 0
    zero = [_relation(g, "==") for g in even + nonneg]
    return sympy.Or(*zero, core_rel) if zero else core_rel


def _compare(value, op: str) -> bool:
    if op == ">":
        return bool(value > 0)
    if op == ">=":
        return bool(value >= 0)
    if op == "==":
        return bool(value == 0)
    return bool(value != 0)


def _sign_factors(num):
    """``num`` as ``(sign, [(factor, power), ...])`` with primitive factors, or None if not a polynomial."""
    import sympy

    syms = sorted(num.free_symbols, key=lambda s: s.name)
    try:
        poly = sympy.Poly(num, *syms)
    except sympy.PolynomialError:
        return None
    if not (poly.domain.is_QQ or poly.domain.is_ZZ):
        return None
    c, parts = sympy.factor_list(num, *syms)
    sign = 1 if c > 0 else -1
    return sign, [(sympy.expand(g), k) for g, k in parts]


def _relation(g, op: str):
    """``g op 0`` written readably: one variable alone on a side, positive terms left of ``>``."""
    import sympy

    g = sympy.expand(g) if g.is_Add or g.is_Mul or g.is_Pow else g
    if g.is_number:
        return sympy.true if _compare(g, op) else sympy.false
    if op in ("==", "!="):
        _, g = g.as_content_primitive()
        if g.could_extract_minus_sign():
            g = -g
    syms = list(g.free_symbols)
    if len(syms) == 1 and g.is_polynomial(syms[0]) and sympy.degree(g, syms[0]) == 1:
        x = syms[0]
        a = g.coeff(x, 1)
        if a.is_number:
            rhs = -(g - a * x) / a
            return _make(x, rhs, op if a > 0 else _flip(op))
    pos: list[sympy.Expr] = []
    neg: list[sympy.Expr] = []
    for term in sympy.Add.make_args(g):
        coeff, _ = term.as_coeff_Mul()
        (neg if coeff < 0 else pos).append(term)
    left = sympy.Add(*pos)
    right = -sympy.Add(*neg)
    if not neg:
        return _make(left, sympy.Integer(0), op)
    if not pos:
        return _make(right, sympy.Integer(0), _flip(op))
    if left.is_number:
        return _make(right, left, _flip(op))
    return _make(left, right, op)


def _flip(op: str) -> str:
    return {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}[op]


def _make(lhs, rhs, op: str):
    import sympy

    maker = {">": sympy.Gt, ">=": sympy.Ge, "<": sympy.Lt, "<=": sympy.Le, "==": sympy.Eq, "!=": sympy.Ne}[op]
    return maker(lhs, rhs)
