"""Equilibrium algorithms on numbers, exact or floats then certified exactly; they know nothing of claims.

One method per module: ``enummixed.py`` (vertex enumeration), ``lemke_howson.py``, ``pure.py``,
``polynomial.py`` (N-player support enumeration), ``sequence_lcp.py`` and ``sequence_lp.py`` (the
sequence form of trees), ``dominance.py``, ``backward_induction.py``, ``array_tree.py`` and ``spe.py``
(subgame-perfect equilibria), ``reduced_normal_form.py`` and ``behavior.py``; the exact linear algebra and
LP they share (``exact_linalg.py``, ``exact_lp.py``, ``lp_certify.py``), the budget (``clock.py``), the
result types (``results.py``, ``scope.py``) and the exact verifier every reported profile passes
(``verify.py``).
"""
