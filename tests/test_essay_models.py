"""The essay's models: what each file's documentation says comes out at the defaults, and flips when
the parameters say public pressure pays."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

import kimgame
from conftest import GAMES
from reference import tree_nash_failure, tree_payoffs


def spe_root_choice(result, infoset="US stance"):
    choices = set()
    for eq in result.equilibria:
        if eq.subgame_perfect:
            moves = eq.behavior["US"][infoset]
            choices |= {a for a, p in moves.items() if p == 1}
    return choices


def claims(result):
    return {c.id: c.holds for c in result.claims}


@pytest.mark.slow
def test_singapore_tree_defaults_silence_then_dismantlement():
    result = kimgame.solve(kimgame.load(GAMES / "singapore.yaml"))
    assert spe_root_choice(result) == {"silence"}
    assert claims(result) == {"silence-at-root": True, "deal-likely": True}
    (spe,) = result.tree.spe
    assert spe.payoffs == {"US": F(120), "DPRK": F(10)}
    # under pressure an insulted Kim stalls and cracks down: the US would get 3/5*(-15) + 2/5*100 = 31
    pressed = [eq for eq in result.equilibria if not eq.subgame_perfect and eq.behavior["US"]["US stance"]["pressure"] == 1]
    assert pressed and all(eq.payoffs[0] == 31 for eq in pressed)


def test_singapore_tree_flips_to_pressure_when_pressure_pays():
    # no insult risk, China's cooperation worth nothing, naming and shaming costly enough to make Kim ease
    g = kimgame.load(GAMES / "singapore.yaml", p_insult=0, K=0, L=10)
    result = kimgame.solve(g)
    assert spe_root_choice(result) == {"pressure"}
    assert claims(result)["silence-at-root"] is False


def test_singapore_tree_equilibria_are_nash_checked_on_the_tree():
    g = kimgame.load(GAMES / "singapore.yaml")
    result = kimgame.solve(g)
    assert result.equilibria
    for eq in result.equilibria:
        assert tree_nash_failure(g, eq.behavior) is None
        assert tree_payoffs(g, eq.behavior) == eq.payoffs


@pytest.mark.parametrize(("q", "expected"), [(F(1, 2), {"silence"}), (F(0), {"pressure"})])
def test_types_model_depends_on_the_belief(q, expected):
    g = kimgame.load(GAMES / "singapore_types.yaml", q=q, K=0, L=10)
    if q:
        g = g.with_values(K=20, L=3)
    assert spe_root_choice(kimgame.solve(g, conditions=False)) == expected


def test_types_model_threshold_in_q():
    # K = 0, L = 10: a pragmatist eases under pressure (US gets W + H = 120 instead of W = 100 under
    # silence) while a hardliner spites (-S = -15 instead of 100): pressure pays iff
    # q*(-15) + (1 - q)*120 > 100, i.e. q < 4/27.
    base = {"K": 0, "L": 10}
    def solved(q):
        return kimgame.solve(kimgame.load(GAMES / "singapore_types.yaml", q=q, **base), conditions=False)

    assert spe_root_choice(solved(F(3, 27))) == {"pressure"}
    assert spe_root_choice(solved(F(5, 27))) == {"silence"}
    tie = solved(F(4, 27))
    assert spe_root_choice(tie) == {"pressure", "silence"}  # indifferent: both are subgame-perfect


def test_china_model_cooperation_follows_the_narrative():
    result = kimgame.solve(kimgame.load(GAMES / "singapore_china.yaml"))
    assert claims(result) == {"china-cooperates-after-silence": True, "silence-at-root": True}
    # if China does not fear instability and Kim takes no insult, China cooperates after pressure too,
    # Kim dismantles either way and the US is indifferent (W + K both ways): both stances are SPE
    calm = kimgame.solve(kimgame.load(GAMES / "singapore_china.yaml", T=0, p_insult=0))
    assert spe_root_choice(calm) == {"silence", "pressure"}


def test_matrix_model_silence_dominates_at_defaults_not_when_pressure_works():
    base = kimgame.solve(kimgame.load(GAMES / "singapore_matrix.yaml"))
    assert claims(base) == {"silence-dominates": True, "private-dominates": True}
    assert base.pure_equilibria == (("private", "dismantle"),)
    flipped = kimgame.solve(kimgame.load(GAMES / "singapore_matrix.yaml", K=0, e=F(1, 2)))
    assert claims(flipped)["silence-dominates"] is False


def test_singapore_tree_readme_condition_at_random_us_parameters():
    # README: with Kim's payoffs at the essay's values and L = 10, silence is chosen in every SPE
    # exactly when K > (1 - p)*H - p*(W + S). Checked at seeded random points and on the boundary.
    import random

    rng = random.Random(7)
    points = []
    for _ in range(25):
        p = F(rng.randint(0, 20), 20)
        W, H, S, K = (F(rng.randint(0, 300)) for _ in range(4))
        points.append((p, W, H, S, K))
    points.append((F(1, 10), F(100), F(30), F(15), F(27) - F(23, 2)))  # K on the boundary: a tie
    base = kimgame.load(GAMES / "singapore.yaml", L=10)
    for p, W, H, S, K in points:
        g = base.with_values(p_insult=p, W=W, H=H, S=S, K=K)
        holds = {c.id: c.holds for c in kimgame.solve(g, method="spe").claims}["silence-at-root"]
        assert holds == (K > (1 - p) * H - p * (W + S)), (p, W, H, S, K)
