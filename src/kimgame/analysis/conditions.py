"""The exact region of parameter space where a claim holds, as a sympy Boolean.

``claim_condition(game, claim)`` derives, from the payoff formulas (exact rational functions of the
parameters, never text), the condition on the parameters under which the claim holds, simplified *within
the declared parameter ranges* (the box of ``Parameter.low``/``high``). Matrix claims (dominance, pure
equilibria: :mod:`kimgame.analysis.payoff_regions`) and tree claims (symbolic backward induction:
:mod:`kimgame.analysis.tree_conditions`) go through one region prover and simplifier:

* every comparison is a sign constraint on a polynomial (denominators positive on the box cleared), and
  a condition is a union of conjunctions of them (:mod:`kimgame.analysis.sign_regions`);
* constraints that hold everywhere on the box are dropped, conjunctions proved empty on it go (exact
  ranges and exact linear programs: :class:`~kimgame.analysis.sign_box.Box`), and a constraint implied
  by the rest of its conjunction is dropped (``K > 0`` goes when ``K > H*e`` is present and ``H*e >= 0``
  on the box);
* relations are written with integer coefficients, positive terms on the left (``K > H*e``), one
  parameter against a threshold (``p_insult > 1/6``).

Every step is an equivalence on the box, proved exactly before it is taken, so a condition is never
weakened or strengthened, only rewritten. Outside the declared ranges the condition may say anything;
kimgame never evaluates a game there (``with_values`` refuses such values).
``claim_condition(..., simplify=False)`` gives the region as derived, before simplification.

For trees, ``Dominates`` claims compare plans of the reduced normal form; :func:`symbolic_game` (sympy
payoffs, for :mod:`kimgame.analysis.parametric_equilibria`) dispatches the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kimgame.analysis.payoff_regions import PayoffRegions
from kimgame.analysis.sign_regions import region_to_sympy, simplify_region
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
        """The number of strategies of each player (the payoff arrays' shape)."""
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
    dominance is ``And(d(z) >= 0 for all z) & Or(d(z) > 0 for some z)``, as a region of sign conditions
    (:meth:`kimgame.analysis.payoff_regions.PayoffRegions.dominance`). With ``simplify`` it is simplified
    within the declared ranges (see the module doc); without it, it is the region as derived. Raises
    :class:`UnsupportedCondition` for payoffs without an exact rational form on the box (a division by
    an expression that changes sign there).
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
    if not isinstance(spec, Dominates):  # pragma: no cover - every spec kind is handled
        raise UnsupportedCondition(f"no symbolic condition for claims of kind {type(spec).__name__}")
    if spec.after_elimination:
        raise UnsupportedCondition(
            f"the parameter condition of '{spec.describe()}' is not derived: which strategies survive "
            "iterated elimination itself depends on the parameters; the claim is judged at the given values only"
        )
    nf, regions = _payoff_regions(game)
    i = _player(nf, spec.player)
    labels = nf.strategies[i]
    for label in (spec.strategy, spec.over):
        if label not in labels:
            raise KimgameError(f"no strategy '{label}' for {spec.player} (strategies: {', '.join(labels)})")
    try:
        terms = regions.dominance(i, labels.index(spec.strategy), labels.index(spec.over), spec.strict)
    except NotImplementedError as err:  # a formula without an exact rational form
        raise UnsupportedCondition(str(err)) from None
    return _written(terms, regions, simplify)


def _player(game: NormalFormGame, player: str) -> int:
    try:
        return list(game.players).index(player)
    except ValueError:
        raise KimgameError(f"no player '{player}' (players: {', '.join(game.players)})") from None


_last_regions: list[tuple[object, NormalFormGame, PayoffRegions]] = []  # the last game's (a one-entry cache)


def _payoff_regions(game) -> tuple[NormalFormGame, PayoffRegions]:
    """The normal form of ``game`` (a tree's reduced normal form) and its :class:`PayoffRegions`, kept for
    the last game asked about, so that the claims of one file share one reduced form, box and ratios."""
    if not (_last_regions and _last_regions[0][0] is game):
        nf = reduced_normal_form(game) if isinstance(game, ExtensiveFormGame) else game
        if not isinstance(nf, NormalFormGame):
            raise TypeError(f"not a game: {type(game).__name__}")
        _last_regions[:] = [(game, nf, PayoffRegions(nf))]
    return _last_regions[0][1], _last_regions[0][2]


def _written(terms: list, regions: PayoffRegions, simplify: bool) -> sympy.Boolean:
    """A region as a sympy Boolean, simplified on the box with ``simplify``."""
    return region_to_sympy(simplify_region(terms, regions.box) if simplify else terms, regions.box)


def pure_equilibrium_conditions(game, *, simplify: bool = True) -> dict[tuple[str, ...], sympy.Boolean]:
    """For every pure profile (strategy labels in player order), the condition for it to be a Nash
    equilibrium: each player's payoff there is at least that of each of their unilateral deviations
    (a region of sign conditions, simplified on the box of declared ranges with ``simplify``).

    Profiles whose condition is ``False`` on the declared ranges are kept (with ``false``), so the
    dict lists every profile in the row-major order of the game.
    """
    nf, regions = _payoff_regions(game)
    out: dict[tuple[str, ...], sympy.Boolean] = {}
    for profile in nf.profiles():
        labels = tuple(nf.strategies[i][k] for i, k in enumerate(profile))
        out[labels] = _written(regions.pure_equilibrium(tuple(profile)), regions, simplify)
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
