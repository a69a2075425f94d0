"""``kimgame.solve(game, method="polynomial")``: the polynomial-system equilibria of
:func:`kimgame.solvers.polynomial.polynomial_equilibria` as a solve result, with the irrational ones as
exact algebraic numbers beside their decimals (:func:`algebraic_notes`, :func:`algebraic_results`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from kimgame.errors import KimgameError
from kimgame.expr.numbers import fmt_both
from kimgame.model.tree import ExtensiveFormGame
from kimgame.solvers.clock import Clock, why_stopped
from kimgame.solvers.polynomial import AlgebraicEquilibrium, polynomial_equilibria
from kimgame.solvers.results import AlgebraicEquilibrium as AlgebraicResult
from kimgame.solvers.results import Equilibrium, Method, PlayerValues, SolveResult, strategy_profile
from kimgame.solvers.scope import coverage, game_kind

__all__ = ["algebraic_notes", "algebraic_results", "solve_polynomial"]


def _show(x, sympy) -> str:

    if x.is_Rational:
        return fmt_both(Fraction(int(x.p), int(x.q)))
    return f"{sympy.sstr(x)} (≈{float(sympy.N(x, 20)):.6g})"


def algebraic_notes(game, found: Sequence[AlgebraicEquilibrium], shown: int = 20) -> list[str]:
    """One note per irrational equilibrium (at most ``shown``): exact algebraic numbers with decimals beside."""
    import sympy

    players, strategies = game.players, game.strategies
    notes = []
    for eq in found[:shown]:
        mixes = "; ".join(
            f"{p}: " + ", ".join(f"{s} = {_show(x, sympy)}" for s, x in zip(strategies[i], eq.strategies[i]) if x != 0)
            for i, p in enumerate(players))
        notes.append(f"an equilibrium with irrational probabilities (exact algebraic numbers, checked in exact "
                     f"algebraic arithmetic; not in the table, whose probabilities are rational): {mixes}")
    if len(found) > shown:
        notes.append(f"{len(found) - shown} more equilibria with irrational probabilities are in the JSON "
                     "output (equilibria marked \"rational\": false)")
    return notes


def algebraic_results(game, found: Sequence[AlgebraicEquilibrium]) -> tuple[AlgebraicResult, ...]:
    """Irrational equilibria as result objects (``result.algebraic_equilibria``): exact probabilities and
    payoffs as sympy strings (``sqrt(...)``, ``CRootOf(...)``), decimals beside; the JSON lists them among
    the equilibria marked ``"rational": false``."""
    import sympy

    players, strategies = game.players, game.strategies
    return tuple(
        AlgebraicResult(
            {p: {s: sympy.sstr(x) for s, x in zip(strategies[i], eq.strategies[i])} for i, p in enumerate(players)},
            {p: {s: float(x) for s, x in zip(strategies[i], eq.approx_strategies[i])} for i, p in enumerate(players)},
            {p: sympy.sstr(v) for p, v in zip(players, eq.payoffs)},
            dict(zip(players, eq.approx_payoffs)))
        for eq in found)


def solve_polynomial(game, base: SolveResult, *, clock: Clock | None = None) -> SolveResult:
    """``kimgame.solve(game, method="polynomial")``: every isolated equilibrium of a small N-player
    normal-form game (see the module notes), with dominance and claims from ``base`` (the game solved by
    the ``pure`` method under the same ``clock``, a :class:`kimgame.solvers.clock.Clock`, whose seconds are
    quoted in the notes).

    Rational equilibria are the result's ``equilibria`` (each verified exactly). Irrational ones are in
    ``algebraic_equilibria`` (exact sympy text and floats) and described in ``notes``; ``method.listed``
    counts both. ``method.complete`` is True when every support profile was solved, with the scope "all
    Nash equilibria" when no support profile holds a continuum, else "all extreme Nash equilibria" (the
    extreme points of every continuum under linear constraints). The time limit is checked between
    support profiles.
    """
    import dataclasses

    from kimgame.solvers.verify import profile_payoffs

    if isinstance(game, ExtensiveFormGame):
        raise KimgameError("the polynomial method solves normal-form games; for a tree use --method enummixed, spe "
                           "or pure (or convert the tree to its reduced normal form with kimgame convert)")
    payoffs = game.numeric
    found = polynomial_equilibria(payoffs, clock=clock)
    notes = [note for note in base.notes if "not enumerated" not in note]
    players, strategies = game.players, game.strategies
    notes.extend(algebraic_notes(game, found.algebraic))

    def supports_text(support) -> str:
        return "; ".join(f"{p}: {{{', '.join(strategies[i][k] for k in support[i])}}}" for i, p in enumerate(players))

    for support in found.polytopes[:10]:
        notes.append(f"supports {supports_text(support)}: a continuum of equilibria (a polytope: the constraints are "
                     "linear); its extreme points are listed")
    for support in found.continua[:10]:
        notes.append(f"supports {supports_text(support)}: the indifference equations have infinitely many solutions "
                     "and the constraints are not linear; equilibria there are not enumerated")
    for support in found.unsolved[:10]:
        notes.append(f"supports {supports_text(support)}: the equations could not be put in shape form; equilibria "
                     "there are not enumerated")
    hidden = sum(max(0, len(x) - 10) for x in (found.polytopes, found.continua, found.unsolved))
    if hidden:
        notes.append(f"{hidden} more support profiles with infinitely many solutions")
    if found.timed_out:
        notes.append(f"{why_stopped(None, clock)} after {found.supports_checked} of {found.supports_total} "
                     "support profiles: the equilibria listed are those found so far")
    equilibria = tuple(Equilibrium(strategy_profile(players, strategies, p),
                                   PlayerValues(profile_payoffs(payoffs, p), players), game=game)
                       for p in found.rational)
    algebraic = algebraic_results(game, found.algebraic)
    algorithm = ("polynomial: support enumeration, indifference equations solved exactly (sympy Groebner bases); "
                 f"{found.supports_checked} of {found.supports_total} support profiles")
    continua = bool(found.continua or found.unsolved)
    cov = coverage("polynomial", game_kind(game), len(equilibria) + len(algebraic), stopped=found.timed_out,
                   unsolved=continua, finite=not (found.polytopes or continua or found.timed_out))
    record = Method.of("polynomial", algorithm, cov, partial=found.timed_out or base.partial)
    return dataclasses.replace(base, method=record, equilibria=equilibria, notes=tuple(notes),
                               algebraic_equilibria=algebraic)
