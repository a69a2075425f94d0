"""The immutable game objects and their checks: what a loaded game is, independent of any file format.

``game.py`` (the ``Game`` base and the header fields both game types share), ``normal_form.py``
(:class:`~kimgame.model.normal_form.NormalFormGame`), ``tree.py`` and its store (``nodes.py``,
``tree_arrays.py``, ``tree_assembly.py``, ``tree_checks.py``, ``probabilities.py``), the symbolic
reduced normal form of a tree (``reduced_form.py``), ``parameters.py`` (declared parameters, their
values and ranges), ``claims.py`` (the strategic claims a file makes), ``labeled.py`` (mappings keyed by
player and strategy labels) and ``presentation.py`` (notebook displays). Payoffs are
:mod:`kimgame.expr` formulas in the parameters.
"""
