"""Reproduce the README's region map: where silence on abuses dominates public pressure in the matrix
model of the essay, as China's cooperation (K) and the effectiveness of public pressure (e) vary.

    python examples/readme_figure.py [OUT.png]      (needs: pip install 'kimgame[plot]')
"""

from __future__ import annotations

import sys
from pathlib import Path

import kimgame

ROOT = Path(__file__).resolve().parent.parent


def main(out: str = str(ROOT / "docs" / "figures" / "singapore_matrix_regions.png")) -> Path:
    game = kimgame.load(ROOT / "games" / "singapore_matrix.yaml")
    grid = kimgame.sweep(game, {"K": (0, 40, 201), "e": (0, "1/2", 201)})
    share = grid.claims["silence-dominates"].mean()
    print(f"silence dominates pressure on {share:.1%} of the grid; exactly when "
          f"{kimgame.analyze(game, 'silence-dominates')[0].condition_text}")
    return kimgame.plot_regions(grid, out, game)


if __name__ == "__main__":
    print("wrote", main(*sys.argv[1:]))
