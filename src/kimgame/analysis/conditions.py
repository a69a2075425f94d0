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

The payoffs are taken from :func:`symbolic_game`, the one place that dispatches on the game's type;
extensive-form games (trees) plug in there.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kimgame.analysis.condition_simplify import simplify_condition
from kimgame.errors import KimgameError, SolverLimit
from kimgame.model.claims import Claim, Dominates, Outcome, Plays
from kimgame.model.normal_form import NormalFormGame
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree import ExtensiveFormGame
from kimgame.solvers.clock import Clock, why_stopped

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

    This is the single dispatch on the game's type: normal-form games are read directly; a tree
    (extensive form) gives its reduced normal form, whose payoffs stay formulas in the parameters
    (:func:`kimgame.model.reduced_form.reduced_normal_form`), so dominance between plans, pure-equilibrium
    conditions and parametric mixed equilibria work on trees too. Claims about what is played in the
    tree's subgame-perfect equilibria do not come through here: see :func:`claim_condition`.

    ``keep``: the parameters to keep symbolic (default: all); the others are replaced by their exact
    values in ``game.values``.
    """
    if isinstance(game, ExtensiveFormGame):
        return _keep_only(game, _symbolic_normal_form(reduced_normal_form(game)), keep)
    if not isinstance(game, NormalFormGame):
        raise TypeError(f"not a game: {type(game).__name__}")
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
                    max_pieces: int | None = None, clock: Clock | None = None) -> sympy.Boolean:
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
    :data:`~kimgame.analysis.tree_conditions.MAX_PIECES`) or runs past ``clock``'s deadline
    (a :class:`kimgame.solvers.clock.Clock`).
    """
    spec = claim.spec if isinstance(claim, Claim) else claim
    if isinstance(spec, (Plays, Outcome)):
        if not isinstance(game, ExtensiveFormGame):
            raise UnsupportedCondition(f"'{spec.describe()}' is a claim about a game tree; this game is a matrix")
        from kimgame.analysis.tree_conditions import MAX_PIECES, tree_claim_condition

        try:
            return tree_claim_condition(game, spec, max_pieces=max_pieces or MAX_PIECES, clock=clock)
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


def fill_conditions(game, claim_results: Sequence, *, clock: Clock | None = None,
                    max_pieces: int | None = None) -> tuple:
    """``ClaimResult``s of ``kimgame solve`` with ``condition`` set to the claim's exact parameter
    condition (``condition_text``), matched to the game's claims by id.

    Claims whose condition cannot be derived (after iterated elimination, claims about all Nash
    equilibria of a tree, trees whose derivation needs more than ``max_pieces`` pieces of parameter
    space at a node or runs past ``clock``'s deadline) keep ``condition=None``. Games without parameters get
    ``"True"``/``"False"`` without loading sympy, and conditions already derived for the same file
    content come from :mod:`~kimgame.analysis.condition_cache` (a condition given up at the deadline is
    not cached: another run may have more time).
    """
    from kimgame.analysis.condition_cache import load_conditions, store_conditions

    by_id = {c.id: c for c in game.claims}
    out = []
    symbolic = game.is_symbolic
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
                text = condition_text(claim_condition(game, claim, max_pieces=max_pieces, clock=clock))
            except (UnsupportedCondition, NotImplementedError):
                text = None
            except SolverLimit:
                text = None
                if clock is not None and clock.expired:
                    out.append(result)
                    continue
            fresh[result.id] = text
        out.append(replace(result, condition=text) if text is not None else result)
    if fresh:
        store_conditions(game, {**(cached or {}), **fresh})
    return tuple(out)


def claim_conditions(game, judged: tuple, clock: Clock, notes: list[str], *,
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
                (filled,) = fill_conditions(game, (result,), clock=clock, max_pieces=max_pieces)
                if filled.condition is not None or not clock.expired:
                    out.append(filled)
                    continue
            why = why_stopped(None, clock)
        except KeyboardInterrupt:
            why = "interrupted"
        notes.append(f"{why} before the parameter conditions of {len(judged) - k} claim(s) were derived: "
                     "those claims are judged at these values only")
        return (*out, *judged[k:]), True
    return tuple(out), False
