"""How objects of the lower layers are presented by the report layer (Jupyter displays, pandas tables).

Games, solve results and claim analyses offer ``_repr_html_`` (and results ``to_pandas``), but drawing
them is the report layer's work, and layers import only downwards. So the report layer *provides* its
presenters here (:mod:`kimgame.report.notebook`, loaded by ``import kimgame``) and the objects *ask* for
them by name: the dependency points down, and there is one presenter per kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PRESENTERS: dict[str, Callable[[Any], Any]] = {}


def provide(kind: str, presenter: Callable[[Any], Any]) -> None:
    """Register the presenter of ``kind`` (``"html"``, ``"pandas"``), replacing any earlier one."""
    _PRESENTERS[kind] = presenter


def present(kind: str, obj: Any) -> Any:
    """``obj`` presented as ``kind`` by the registered presenter."""
    try:
        presenter = _PRESENTERS[kind]
    except KeyError:
        raise RuntimeError(f"no '{kind}' presenter is registered: import kimgame first") from None
    return presenter(obj)
