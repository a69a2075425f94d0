"""How robust are the essay's claims? Exact conditions, margins and a Monte Carlo share.

Runs the symbolic analysis of every claim of games/singapore_matrix.yaml: the exact parameter
condition under which it holds, how far each parameter can move before it flips, and the share of
the whole box of declared parameter ranges where it holds (seeded Monte Carlo, Wilson 95% interval).

    python examples/monte_carlo_robustness.py [SAMPLES] [SEED]
"""

from __future__ import annotations

import sys
from pathlib import Path

import kimgame

GAME = Path(__file__).resolve().parent.parent / "games" / "singapore_matrix.yaml"


def main(samples: int = 100_000, seed: int = 2018) -> None:
    game = kimgame.load(GAME)
    print(game.title)
    for a in kimgame.analyze(game, samples=samples, seed=seed):
        print()
        print(f"{a.claim.id}: {a.claim.says}")
        print(f"  holds exactly when:  {a.condition_text}")
        print(f"  at the file's values: {'holds' if a.holds else 'does not hold'}")
        for m in a.margins:
            if m.down is not None or m.up is not None:
                print(f"  {m.parameter:>10} = {m.value}: {m.text}")
        print(f"  most sensitive to:   {a.most_sensitive}")
        mc = a.montecarlo
        print(f"  Monte Carlo:         {mc.hits}/{mc.samples} = {float(mc.share):.3f} "
              f"(95% CI {mc.ci_low:.3f}-{mc.ci_high:.3f}, seed {mc.seed})")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
