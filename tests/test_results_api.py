"""Issue 13 items 1-2: results addressed by label, a typed method record, kimgame.nash, visible overrides."""

from __future__ import annotations

import pickle
from fractions import Fraction as F

import pytest

import kimgame
from conftest import GAMES
from kimgame.solvers.results import Equilibrium


def test_normal_form_equilibrium_by_label_and_by_position():
    g = kimgame.load(GAMES / "singapore_matrix.yaml")
    (eq,) = kimgame.solve(g, conditions=False).equilibria
    assert eq.strategies["US"]["private"] == eq.strategies[0][2] == 1
    assert dict(eq.strategies["DPRK"]) == {"dismantle": 1, "stall": 0, "spite": 0}
    assert eq.payoffs["US"] == eq.payoffs[0] and dict(eq.payoffs) == {"US": eq.payoffs[0], "DPRK": eq.payoffs[1]}
    assert eq.subgame_perfect is None and eq.behavior is None
    assert eq.max_regret() == 0
    with pytest.raises(KeyError, match="'UK'.*'US', 'DPRK'"):
        eq.strategies["UK"]
    again = pickle.loads(pickle.dumps(eq.strategies))
    assert again["US"]["private"] == 1 and again == eq.strategies


def test_max_regret_of_a_profile_that_is_not_an_equilibrium():
    g = kimgame.load(GAMES / "prisoners_dilemma.yaml")
    # both cooperate: each gains 3 - 2 = 1 by defecting (payoffs 2 and 3 in the file)
    u = g.numeric[0]
    both_cooperate = Equilibrium(((F(1), F(0)), (F(1), F(0))), (u[0, 0], g.numeric[1][0, 0]), game=g)
    assert both_cooperate.max_regret() == u[1, 0] - u[0, 0] > 0


def test_tree_equilibrium_by_label():
    g = kimgame.load(GAMES / "singapore.yaml")
    result = kimgame.nash.backward_induction(g)
    (spe,) = [eq for eq in result.equilibria if eq.subgame_perfect]
    assert spe.behavior["DPRK"]["DPRK deal (silence)"]["dismantle"] == 1
    assert spe.behavior["US"]["US stance"]["silence"] == 1
    assert spe.payoffs["US"] == result.tree.spe[0].payoffs["US"]
    assert spe.max_regret() == 0
    auto = kimgame.solve(g, conditions=False)
    for eq in auto.equilibria:
        assert eq.max_regret() == 0
        if eq.strategies:  # plans of the reduced normal form, by label
            assert set(eq.strategies["US"].keys()) == set(auto.tree.reduced_normal_form.strategies["US"])


def test_method_record_is_typed_and_says_how_the_result_was_computed():
    g = kimgame.load(GAMES / "battle_of_sexes.yaml")
    result = kimgame.solve(g, timeout=30, limits={"spe_listed": 7}, conditions=False)
    m = result.method
    assert (m.name, m.exact, m.complete, m.scope, m.listed) == ("enummixed", True, True, "all Nash equilibria", 3)
    assert m.options == {"method": "auto", "timeout": 30, "conditions": False, "limits": {"spe_listed": 7}}
    assert m.time > 0 and str(m) == m.algorithm
    assert not hasattr(result, "extra")


@pytest.mark.parametrize(("function", "name"), [
    ("enummixed", "enummixed"), ("enumpure", "pure"), ("lemke_howson", "lemke-howson"), ("polynomial", "polynomial"),
])
def test_nash_functions_record_their_method(function, name):
    g = kimgame.load(GAMES / "matching_pennies.yaml")
    result = getattr(kimgame.nash, function)(g)
    assert result.method.name == name
    assert all(eq.max_regret() == 0 for eq in result.equilibria)


def test_nash_backward_induction_and_sequence_methods_on_a_tree():
    assert kimgame.nash.backward_induction(kimgame.load(GAMES / "entry_deterrence.yaml")).method.name == "spe"
    kuhn = kimgame.load(GAMES / "kuhn_poker.yaml")
    for function, name in ((kimgame.nash.sequence_lcp, "sequence-lcp"), (kimgame.nash.sequence_lp, "sequence-lp")):
        result = function(kuhn)
        assert result.method.name == name and result.method.scope == "one equilibrium" and result.complete
        assert result.equilibria[0].max_regret() == 0 and result.tree.value == F(-1, 18)


def test_parameter_overrides_are_visible_on_the_game():
    g = kimgame.load(GAMES / "singapore.yaml", p_insult="1/10")
    p = g.parameters["p_insult"]
    assert p.value == F(1, 10) == g.values["p_insult"] and p.default == F(3, 5) and p.is_set
    assert g.parameters[0].name == next(iter(g.values))
    h = g.with_values(W=5)
    assert h.parameters["W"].value == 5 and h.parameters["W"].default == 100
    assert h.parameters["p_insult"].value == F(1, 10)  # the earlier override is kept
    assert not kimgame.load(GAMES / "singapore.yaml").parameters["W"].is_set
