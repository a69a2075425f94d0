"""Your own game in a few lines: write it as YAML (or build it from arrays), solve it, analyse a claim.

A hawk-dove game where the value V of the prize and the cost C of a fight are parameters.
kimgame solves it at the given values and says exactly when the claim "hawk dominates dove" holds.

    python examples/own_game.py
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import kimgame

HAWK_DOVE = textwrap.dedent("""
    kimgame: 1
    title: Hawk-dove
    players: [Row, Column]
    parameters:
      V: {value: 2, range: [0, 10], doc: value of the prize}
      C: {value: 4, range: [0, 10], doc: cost of a fight}
    strategies: {Row: [hawk, dove], Column: [hawk, dove]}
    payoffs:
      hawk: {hawk: [(V - C)/2, (V - C)/2], dove: [V, 0]}
      dove: {hawk: [0, V],                 dove: [V/2, V/2]}
    claims:
      - id: hawk-dominates
        says: fighting always pays
        dominates: {player: Row, strategy: hawk, over: dove}
""")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hawk_dove.yaml"
        path.write_text(HAWK_DOVE, encoding="utf-8")
        game = kimgame.load(path)

    result = kimgame.solve(game)
    print(f"{game.title} at V = {game.parameters['V'].value}, C = {game.parameters['C'].value}:")
    print(f"  {len(result.equilibria)} equilibria; the list holds {result.method.scope}"
          f"{'' if result.complete else ' (NOT complete)'}")
    for eq in result.equilibria:
        print(f"  equilibrium: Row hawk {eq.strategies['Row']['hawk']}, Column hawk {eq.strategies['Column']['hawk']}; "
              f"payoffs Row {eq.payoffs['Row']}, Column {eq.payoffs['Column']}")

    for a in kimgame.analyze(game):
        print(f"claim {a.claim.id}: holds exactly when {a.condition_text}; here: {a.holds}")
        print(f"  {a.summary}")

    print("all equilibria of the game with C fixed at its value, as functions of V:")
    for piece in kimgame.parametric_equilibria(game, parameters=["V"]):
        print(f"  {piece.text}")

    # the same game from arrays, numerically (no parameters): prisoner's dilemma
    pd = kimgame.game_from_arrays([[[2, 0], [3, 1]], [[2, 3], [0, 1]]],
                                  players=["Row", "Column"], strategies=[["cooperate", "defect"]] * 2)
    (eq,) = kimgame.nash.enumpure(pd).equilibria
    print("prisoner's dilemma:", {player: [s for s, p in mix.items() if p == 1] for player, mix in eq.strategies.items()})


if __name__ == "__main__":
    main()
