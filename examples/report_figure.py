"""Reproduce docs/figures/report.png: the top of `kimgame report games/singapore.yaml` in a browser
(parameters with their sliders, the tree with the subgame-perfect path) after moving three sliders to
p_insult = 0, K = 0 and L = 10, where the US presses and Kim dismantles and eases (see the README).

    python examples/report_figure.py [OUT.png]      (needs chromium and playwright: .ci/install-browser)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import kimgame

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main(out: str = str(ROOT / "docs" / "figures" / "report.png")) -> Path:
    from playwright.sync_api import sync_playwright

    game = kimgame.load(ROOT / "games" / "singapore.yaml")
    page_file = kimgame.write_report(game, Path(tempfile.mkdtemp()) / "singapore.html")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(page_file.as_uri())
        names = [q.name for q in game.parameters]
        for name, position in (("p_insult", 0), ("K", 0), ("L", 10)):  # steps of 1/1000, 1 and 1
            page.fill(f"#kg-s-{names.index(name)}", str(position))
        page.wait_for_function("document.body.dataset.maps === '1'")
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0); "
                      "document.querySelector('aside.panel').scrollTop = 0")
        page.screenshot(path=out)
        browser.close()
    return Path(out)


if __name__ == "__main__":
    print("wrote", main(*sys.argv[1:]))
