"""The ``kimgame`` command line: parse arguments, call the library, pick a renderer. No game logic here.

One module per command group (``solve``, ``show``, ``analyze``, ``sweep``, ``files``: validate, set, convert,
report), the options they share in ``options`` and ``dask_option``, the app and its entry point in ``app``.
Each command imports the library modules it runs inside its function, so that one command does not load
what another needs (the sweep's numpy, analyze's sympy, the solvers).

Exit codes (DESIGN.md contract): 0 done; 2 bad input or usage; 3 a solver limit was reached.
"""

from kimgame.cli.app import app, main

__all__ = ["app", "main"]
