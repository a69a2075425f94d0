"""The value and optimal behaviour strategies of a two-player zero-sum tree: the sequence-form LP.

Koller, Megiddo & von Stengel (1996), "Efficient computation of equilibria for extensive two-person
games", *GEB* 14; von Stengel (1996), "Efficient computation of behavior strategies", *GEB* 14. With
realization plans ``x`` (``E x = e``, ``x >= 0``) of the first player and ``A`` the first player's
sequence-form payoffs, the first player's optimal plan solves

    maximize  q[0]   subject to   F'q - A'x <= 0,   E x = e,   x >= 0   (q free),

whose optimum is the value and whose dual solution on the rows ``F'q - A'x <= 0`` is the second
player's optimal plan ``y``. Find fast, certify exactly: the LP is solved in floating point by HiGHS
(:func:`scipy.optimize.linprog`), the two plans' behaviour probabilities are turned into nearby
rationals, and the pair is accepted only when each plan is exactly a best response to the other
(:func:`kimgame.solvers.sequence_form.best_response_value`) — then its payoff is exactly the value.
When that certificate fails the exact Lemke path (:func:`kimgame.solvers.sequence_lcp.sequence_lcp`)
gives the optimal plans instead; a constant-sum tree's equilibria are its optimal strategy pairs.
"""

from __future__ import annotations

from fractions import Fraction

from kimgame.solvers.clock import Clock
from kimgame.solvers.sequence_form import DENOMINATORS, SequenceForm, is_equilibrium, plan_from_floats
from kimgame.solvers.sequence_lcp import sequence_lcp

__all__ = ["sequence_lp"]


def sequence_lp(form: SequenceForm, *, clock: Clock | None = None
                ) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...], Fraction, str]:
    """The optimal realization plans ``(x, y)`` of a constant-sum sequence form, the value for
    ``form.players[0]`` and how it was certified (``"HiGHS, certified exactly"`` or ``"exact Lemke"``).

    ValueError if the payoffs are not constant-sum. The sequence-form LP of Koller, Megiddo & von Stengel
    (1996), solved by HiGHS (Q. Huangfu and J. A. J. Hall (2018), "Parallelizing the dual revised simplex
    method", *Mathematical Programming Computation* 10, 119-142) and certified exactly; see the module
    notes."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    if form.constant_sum is None:
        raise ValueError("the sequence-form LP needs a zero-sum (constant-sum) game")
    m1, m2, _, k2 = form.sizes
    p1 = form.players[0]
    E, F = form.constraint_rows(0), form.constraint_rows(1)
    nv = m1 + k2 + 1  # x, then q
    # F'q - A'x <= 0: one row per sequence of player 2
    r_, c_, v_ = [], [], []
    for g, row in enumerate(F):
        for s, coef in row.items():
            r_.append(s)
            c_.append(m1 + g)
            v_.append(float(coef))
    for (s1, s2), pay in form.payoffs.items():
        r_.append(s2)
        c_.append(s1)
        v_.append(-float(pay[p1]))
    A_ub = coo_matrix((v_, (r_, c_)), shape=(m2, nv)).tocsr()
    r_, c_, v_ = [], [], []
    for h, row in enumerate(E):
        for s, coef in row.items():
            r_.append(h)
            c_.append(s)
            v_.append(float(coef))
    A_eq = coo_matrix((v_, (r_, c_)), shape=(len(E), nv)).tocsr()
    b_eq = np.zeros(len(E))
    b_eq[0] = 1.0
    cost = np.zeros(nv)
    cost[m1] = -1.0
    bounds = [(0, None)] * m1 + [(None, None)] * (k2 + 1)
    res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(m2), A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status == 0:
        xf = res.x[:m1].tolist()
        yf = (-np.asarray(res.ineqlin.marginals)).tolist()
        for denominator in DENOMINATORS:
            x = plan_from_floats(form, 0, xf, denominator)
            y = plan_from_floats(form, 1, yf, denominator)
            if is_equilibrium(form, x, y):
                return x, y, form.value(x, y)[p1], "HiGHS, certified exactly"

    x, y, _ = sequence_lcp(form, clock=clock)
    return x, y, form.value(x, y)[p1], "exact Lemke (the floating-point optimum could not be certified)"
