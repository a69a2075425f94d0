"""pytest at the project root: the docstring examples (``--doctest-modules``, see pyproject.toml) open
``games/...`` relative to the project root, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _doctests_at_the_project_root(request, monkeypatch):
    if isinstance(request.node, pytest.DoctestItem):
        monkeypatch.chdir(ROOT)
