"""The README says exactly what the tool prints: every line of a pasted '$ kimgame ...' block appears in
that command's real output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```\n\$ kimgame ([^\n]+)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.slow
@pytest.mark.parametrize("command,body", BLOCKS, ids=[b[0] for b in BLOCKS])
def test_pasted_output_is_real(command, body, monkeypatch):
    monkeypatch.chdir(ROOT)
    run = run_cli(*command.split())
    assert run.code == 0, run.err
    printed = {line.rstrip() for line in run.out.splitlines()}
    for line in body.splitlines():
        if line.strip() not in ("", "..."):
            assert line.rstrip() in printed, line


def test_readme_cites_the_essay_by_title_not_by_path():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text and "Why Trump is right not to focus on North Korean human rights" in text
    for game in (ROOT / "games").glob("singapore*.yaml"):
        assert "../shared" not in game.read_text(encoding="utf-8"), game.name
