"""Solving a game and analysing its claims: the layer between the solvers and the reports.

``solve.py`` (``kimgame.solve``) and ``solve_tree.py`` run the solvers, judge the file's claims
(``claims.py``) and derive each claim's exact parameter condition (``conditions.py``,
``tree_conditions.py``, simplified on the box of declared ranges and proved there by ``box_prover.py``).
Around them: ``analyze.py`` (conditions, thresholds and margins), ``thresholds.py``, ``robustness.py``,
``montecarlo.py``, the grid sweeps (``sweep*.py``), ``regimes.py`` and the sign regions (``sign_*.py``),
``parametric_equilibria.py`` and ``plot.py``. Results here are data; rendering them is ``kimgame.report``'s
job (see docs/architecture.md).
"""
