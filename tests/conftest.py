"""Shared fixtures: paths to the example games and a helper to write payoff files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GAMES = ROOT / "games"


@pytest.fixture
def write_yaml(tmp_path):
    """Write a dedented YAML text to a file and return its path."""

    def _write(text: str, name: str = "game.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture(autouse=True)
def _private_condition_cache(tmp_path_factory, monkeypatch):
    """Each test session uses its own condition cache, never the user's."""
    monkeypatch.setenv("KIMGAME_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kimgame-cache"))
