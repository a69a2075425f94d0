"""Reading and writing game files: the layer between the game objects and the solvers.

``loader.load`` reads a YAML payoff file (``payoff_file.py``, ``tree_file.py``, ``claims_file.py``,
keeping each value's file:line:col through ``yaml_source.py``) or a Gambit ``.nfg``/``.efg`` file
(``gambit.py``, ``gambit_nfg.py``, ``gambit_efg.py``, ``gambit_syntax.py``) into a :mod:`kimgame.model`
game; bad input is refused with every problem found and its file:line:col (``problems.py``).
``export.py`` writes games back out (kimgame YAML, Gambit, JSON) and ``editing.py`` changes parameters
in place, keeping every other byte of the file.
"""
