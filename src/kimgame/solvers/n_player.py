"""Games with three or more players: mixed equilibria within a budget, and an approximate one past it.

``kimgame.solve`` (method ``auto``) on an N-player normal form lists every pure equilibrium, then runs the
polynomial method (:mod:`kimgame.solvers.polynomial`: support enumeration, indifference equations
solved exactly; R. D. McKelvey and A. McLennan 1996, section 6) within :data:`POLYNOMIAL_BUDGET` seconds
(or the time left). Equilibria with three or more players can be irrational; they are reported exactly
as algebraic numbers with decimals beside. Every finite game has an equilibrium (Nash 1951), so the
method never says there is none: when the search is over its budget (or too large to start) and found
nothing exact, it gives an *approximate* equilibrium, labelled so, with its ε — the largest gain any
player has from a deviation, computed exactly for the rational profile shown.

The approximate profile is found in floats by tracing the logit quantal-response correspondence
(R. D. McKelvey and T. R. Palfrey 1995, "Quantal response equilibria for normal form games", *Games and
Economic Behavior* 10): damped fixed-point iteration of ``σ_i = softmax(λ u_i(σ_-i))`` for increasing
``λ`` (its limit points as ``λ → ∞`` are Nash equilibria), then rounded to rationals and measured
exactly (:func:`max_regret`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from kimgame.expr.numbers import fmt
from kimgame.limits import current_limits
from kimgame.solvers.clock import Clock

POLYNOMIAL_BUDGET = 10.0  # seconds the polynomial method may take by default
AUTO_SUPPORT_PROFILES = 100  # support profiles up to which ``auto`` runs it (2 x 2 x 2 x 2: 81, 4-7 s; 3 x 3 x 3
# has 343 and one system alone can take half a minute: the budget is checked between support profiles only)
APPROX_PROFILE_LIMIT = 2_000_000  # pure profiles up to which an approximate equilibrium is computed
DENOMINATOR = 10_000  # rounding of the approximate profile
SUPPORT_UNKNOWNS = 3  # unknowns up to which the float profile's support system is solved exactly

Profile = tuple[tuple[Fraction, ...], ...]


def _pure_values(arrays: Sequence[Any], sigma: Sequence[Any], i: int):
    """Player ``i``'s expected payoff of each of their pure strategies against the others' mixes ``sigma``
    (works for float arrays and for object arrays of Fractions)."""
    import numpy as np

    out = arrays[i]
    for j in range(len(sigma) - 1, -1, -1):
        if j == i:
            continue
        out = np.tensordot(out, np.asarray(sigma[j], dtype=out.dtype), axes=([j], [0]))
    return out


def max_regret(payoffs: Sequence[Any], profile: Profile) -> Fraction:
    """The exact ε of ``profile``: the largest gain any player gets by switching to a pure strategy."""
    import numpy as np

    arrays = [np.asarray(u, dtype=object) for u in payoffs]
    worst = Fraction(0)
    for i, mix in enumerate(profile):
        values = [Fraction(x) for x in _pure_values(arrays, profile, i)]
        current = sum((p * v for p, v in zip(mix, values)), Fraction(0))
        worst = max(worst, max(values) - current)
    return worst


def _logit_trace(payoffs: Sequence[Any], clock: Clock | None) -> list[Any]:
    import numpy as np

    arrays = [np.asarray(u, dtype=float) for u in payoffs]
    lo = min(float(a.min()) for a in arrays)
    hi = max(float(a.max()) for a in arrays)
    scale = (hi - lo) or 1.0
    arrays = [(a - lo) / scale for a in arrays]
    shape = arrays[0].shape
    sigma = [np.full(k, 1.0 / k) for k in shape]
    for lam in np.geomspace(0.5, 2e4, 80):
        if clock is not None and clock.expired:
            break
        for _ in range(300):
            new = []
            for i in range(len(shape)):
                v = lam * _pure_values(arrays, sigma, i)
                e = np.exp(v - v.max())
                new.append(e / e.sum())
            change = max(float(np.abs(a - b).max()) for a, b in zip(new, sigma))
            sigma = [0.5 * a + 0.5 * b for a, b in zip(new, sigma)]
            if change < 1e-12:
                break
    return sigma


def _liap(payoffs: Sequence[Any], starts: list[list[Any]], clock: Clock | None) -> list[Any]:
    """Local minima of the Lyapunov function ``sum_i sum_s max(0, u_i(s) - u_i(σ))^2`` plus a penalty on the
    probabilities' sums (R. D. McKelvey 1991; Gambit's liap), from each start; the best one."""
    import numpy as np
    from scipy.optimize import minimize

    arrays = [np.asarray(u, dtype=float) for u in payoffs]
    lo = min(float(a.min()) for a in arrays)
    hi = max(float(a.max()) for a in arrays)
    arrays = [(a - lo) / ((hi - lo) or 1.0) for a in arrays]
    shape = arrays[0].shape
    cuts = np.cumsum((0, *shape))

    def split(x):
        return [x[cuts[i]:cuts[i + 1]] for i in range(len(shape))]

    def value(x):
        sigma = split(x)
        total = 0.0
        for i, m in enumerate(sigma):
            v = _pure_values(arrays, sigma, i)
            gain = np.maximum(v - float(m @ v), 0.0)
            total += float(gain @ gain) + (float(m.sum()) - 1.0) ** 2
        return total

    best, best_value = starts[0], float("inf")
    for start in starts:
        if clock is not None and clock.expired:
            break
        x0 = np.concatenate(start)
        found = minimize(value, x0, method="L-BFGS-B", bounds=[(0.0, 1.0)] * len(x0),
                         options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-12})
        if found.fun < best_value:
            sigma = [np.maximum(m, 0.0) for m in split(found.x)]
            best, best_value = [m / m.sum() if m.sum() > 0 else np.full(len(m), 1.0 / len(m)) for m in sigma], found.fun
        if best_value < 1e-20:
            break
    return best


def _rounded(mix: Any) -> tuple[Fraction, ...]:
    probs = [Fraction(float(x)).limit_denominator(DENOMINATOR) if x > 0.5 / DENOMINATOR else Fraction(0) for x in mix]
    k = max(range(len(probs)), key=lambda j: probs[j])
    probs[k] += 1 - sum(probs)  # exact: the probabilities sum to one
    return tuple(probs)


def approximate_equilibrium(payoffs: Sequence[Any], clock: Clock | None = None
                            ) -> tuple[Profile, Fraction, list[Any]]:
    """A rational profile near a Nash equilibrium, its exact ε (:func:`max_regret`) and the float profile it
    was rounded from: the logit quantal-response path traced in floats (McKelvey & Palfrey 1995, see the
    module notes), then rounded. ``clock`` ends the float search early (the best point so far is
    rounded)."""
    import numpy as np

    traced = _logit_trace(payoffs, clock)
    rng = np.random.default_rng(0)
    shape = np.asarray(payoffs[0]).shape
    starts = [traced, [np.full(k, 1.0 / k) for k in shape]]
    starts += [[rng.dirichlet(np.ones(k)) for k in shape] for _ in range(8)]
    sigma = _liap(payoffs, starts, clock)
    candidates = [tuple(_rounded(m) for m in sigma), tuple(_rounded(m) for m in traced)]
    # the profile with each player's near-best replies only (a purer rounding) is often exact
    cleaned = [np.where(m > 1e-3, m, 0.0) for m in sigma]
    candidates.append(tuple(_rounded(m / m.sum()) for m in cleaned))
    scored = [(max_regret(payoffs, c), c) for c in candidates]
    eps, best = min(scored, key=lambda t: t[0])
    return best, eps, sigma


def too_large_for_auto(shape: tuple[int, ...]) -> str | None:
    """Why ``auto`` does not run the polynomial method on a game of ``shape`` (None when it does): more
    players than the ``polynomial_players`` limit in force, or more support profiles than
    ``AUTO_SUPPORT_PROFILES`` or the ``support_profiles`` limit; the text says how to ask for it anyway."""
    from kimgame.solvers.polynomial import support_count

    limits = current_limits()
    players_max, supports_max = limits.polynomial_players, limits.support_profiles
    supports = support_count(shape)
    auto_max = min(supports_max, AUTO_SUPPORT_PROFILES)
    if len(shape) <= players_max and supports <= auto_max:
        return None
    within = supports <= supports_max and len(shape) <= players_max
    return (f"the game has {len(shape)} players and {supports:,} support profiles, more than the polynomial "
            f"method does by default ({players_max} players, {auto_max} support profiles"
            + (f"; --method polynomial goes up to {supports_max})" if within else
               "; --limit polynomial_players=N and --limit support_profiles=N raise the limits)"))


def mixture_text(game, profile: Profile) -> str:
    """``profile`` of ``game`` in words: each player's strategies played with positive probability."""
    return "; ".join(f"{p}: " + ", ".join(f"{s} = {fmt(x)}" for s, x in zip(game.strategies[i], profile[i]) if x)
                     for i, p in enumerate(game.players))


def mixed_equilibria_notes(nf, clock: Clock | None, notes: list[str]) -> tuple[list[Profile], bool]:
    """For the reduced normal form ``nf`` of an N-player tree: the rational mixed equilibria the polynomial
    method finds within its budget (``POLYNOMIAL_BUDGET`` seconds of ``clock``, :func:`kimgame.solvers.polynomial.polynomial_equilibria`, verified
    exactly), and whether it finished. Notes are added for the irrational equilibria and, when the search
    did not finish, for an approximate equilibrium with its exact ε (a verified one if ε is 0)."""
    from kimgame.solvers.polynomial import polynomial_equilibria
    from kimgame.solvers.polynomial_method import algebraic_notes

    clock = clock or Clock()
    budget = clock.within(POLYNOMIAL_BUDGET)
    shape = nf.shape
    payoffs = nf.numeric
    found = None
    if too_large_for_auto(shape) is None and budget.seconds:
        found = polynomial_equilibria(payoffs, clock=budget)
        notes.extend(algebraic_notes(nf, found.algebraic))
        if found.complete:
            return list(found.rational), True
    rational = list(found.rational) if found is not None else []
    why = ("the polynomial method did not finish within its budget" if found is not None else
           "the reduced normal form is too large for the polynomial method by default")
    notes.append(f"mixed equilibria of the reduced normal form are not all found: {why}")
    if nf.num_profiles <= APPROX_PROFILE_LIMIT and not rational and not (found and found.algebraic):
        profile, eps, _ = approximate_equilibrium(payoffs, clock.at_least(1.0))
        mixes = mixture_text(nf, profile)
        if eps == 0:
            rational.append(profile)
        else:
            notes.append(f"an APPROXIMATE equilibrium of the reduced normal form (not exact; no player gains more "
                         f"than ε = {fmt(eps)} ≈ {float(eps):.3g} by deviating, computed exactly): {mixes}")
    return rational, False
