"""Solving game trees: backward induction (ties, chance), subgames with simultaneous moves, Nash
equilibria of the reduced normal form marked subgame-perfect or not, claims, large and deep trees."""

from __future__ import annotations

import itertools
import random
import sys
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kimgame
from conftest import GAMES
from kimgame.analysis.solve_tree import solve_tree
from kimgame.model.nodes import chance, decision, terminal
from kimgame.model.tree import Decision, Terminal
from kimgame.model.tree_assembly import build_tree
from kimgame.solvers.behavior import flat_behavior
from kimgame.solvers.spe import backward_induction
from kimgame.solvers.subgames import subgame_roots
from reference import tree_nash_failure, tree_payoffs


def spe_of(result):
    return [eq for eq in result.equilibria if eq.subgame_perfect]


def choice(eq, player, infoset):
    """The action taken with probability one (None if mixed)."""
    probs = eq.behavior[player][infoset]
    ones = [a for a, p in probs.items() if p == 1]
    return ones[0] if ones else None


# --------------------------------------------------------------------------------------------------
# backward induction on hand-solved trees


def test_follower_indifference_gives_two_spe_with_different_leader_choices():
    game = build_tree(["Leader", "Follower"], decision("Leader", {
        "L": decision("Follower", {"a": terminal(1, 0), "b": terminal(3, 0)}, name="after L"),
        "R": terminal(2, 1),
    }, name="lead"))
    result = solve_tree(game, method="spe")
    spe = spe_of(result)
    pairs = sorted((choice(eq, "Leader", "lead"), choice(eq, "Follower", "after L")) for eq in spe)
    assert pairs == [("L", "b"), ("R", "a")]
    assert sorted(eq.payoffs for eq in spe) == [(2, 1), (3, 0)]
    assert result.tree.spe_count == "2"


def test_backward_induction_with_chance_by_hand():
    # Nature: 1/3 the buyer is rich, 2/3 poor; the seller sets the price before knowing (one node).
    rich = decision("Buyer", {"buy": terminal(6, 4), "walk": terminal(0, 0)}, name="rich buyer")
    poor = decision("Buyer", {"buy": terminal(6, -1), "walk": terminal(0, 0)}, name="poor buyer")
    cheap = chance({"rich": (F(1, 3), decision("Buyer", {"buy": terminal(3, 7), "walk": terminal(0, 0)},
                                                       name="rich, cheap")),
                    "poor": (F(2, 3), decision("Buyer", {"buy": terminal(3, 2), "walk": terminal(0, 0)},
                                                       name="poor, cheap"))})
    game = build_tree(["Seller", "Buyer"], decision("Seller", {
        "high": chance({"rich": (F(1, 3), rich), "poor": (F(2, 3), poor)}),
        "low": cheap,
    }, name="price"))
    result = solve_tree(game)
    (eq,) = spe_of(result)
    # high: only the rich buy -> 1/3 * 6 = 2; low: both buy -> 3. Low wins.
    assert choice(eq, "Seller", "price") == "low"
    assert choice(eq, "Buyer", "poor buyer") == "walk" and choice(eq, "Buyer", "rich buyer") == "buy"
    assert eq.payoffs == (3, F(1, 3) * 7 + F(2, 3) * 2)
    item = result.tree.spe[0]
    steps = [s for s in item.path if s.moves is not None]
    assert [s.node for s in steps] == ["price", "low", "rich, cheap", "poor, cheap"]
    assert steps[2].reach == F(1, 3)


# --------------------------------------------------------------------------------------------------
# every SPE is a Nash equilibrium; entry deterrence; brute force on random trees


def test_entry_deterrence_out_fight_is_nash_but_not_subgame_perfect():
    game = kimgame.load(GAMES / "entry_deterrence.yaml")
    result = solve_tree(game)
    out_fight = [eq for eq in result.equilibria
                 if choice(eq, "Entrant", "entry") == "Out" and choice(eq, "Incumbent", "response") == "Fight"]
    assert len(out_fight) == 1
    (eq,) = out_fight
    assert eq.subgame_perfect is False
    assert tree_nash_failure(game, eq.behavior) is None
    reasons = {item.equilibrium: item.reason for item in result.tree.not_subgame_perfect}
    assert "Incumbent would gain by choosing Accommodate" in reasons[result.equilibria.index(eq) + 1]
    (spe,) = spe_of(result)
    assert choice(spe, "Entrant", "entry") == "In" and choice(spe, "Incumbent", "response") == "Accommodate"
    assert all(c.holds for c in result.claims), result.claims
    assert ("Out", "Fight") in result.pure_equilibria


@pytest.mark.parametrize("name", ["entry_deterrence", "centipede"])
def test_every_reported_equilibrium_is_nash_checked_on_the_tree(name):
    game = kimgame.load(GAMES / f"{name}.yaml")
    result = solve_tree(game)
    assert result.equilibria and spe_of(result)
    for eq in result.equilibria:
        assert tree_nash_failure(game, eq.behavior) is None
        assert tree_payoffs(game, eq.behavior) == eq.payoffs


def test_the_reference_tree_verifier_finds_a_profitable_deviation():
    game = kimgame.load(GAMES / "entry_deterrence.yaml")
    (spe,) = spe_of(solve_tree(game))
    threat = {player: dict(sets) for player, sets in spe.behavior.items()}
    threat["Incumbent"]["response"] = {"Fight": F(1), "Accommodate": F(0)}  # In, then Fight: not Nash
    assert tree_nash_failure(game, threat) == "Entrant gains 1 by playing {'entry': 'Out'}"
    threat["Entrant"]["entry"] = {"In": F(1, 2), "Out": F(1, 3)}
    assert "not a probability distribution" in tree_nash_failure(game, threat)


def random_tree(seed: int, players=("A", "B"), max_decisions=5):
    """A small perfect-information tree with chance nodes and many ties (payoffs 0..2)."""
    rng = random.Random(seed)
    count = [0]

    def node(depth):
        if depth >= 3 or count[0] >= max_decisions or rng.random() < 0.3:
            return terminal(*(rng.randint(0, 2) for _ in players))
        count[0] += 1
        k = rng.choice((2, 2, 3))
        kids = [node(depth + 1) for _ in range(k)]
        if rng.random() < 0.25:
            probs = [F(1, 2), F(1, 2)] if k == 2 else [F(1, 2), F(1, 3), F(1, 6)]
            return chance({f"o{j}": (probs[j], kid) for j, kid in enumerate(kids)})
        return decision(rng.choice(players), {f"a{j}": kid for j, kid in enumerate(kids)})

    return build_tree(list(players), decision(players[0], {"x": node(1), "y": node(1)}))


def brute_force_pure_spe(game):
    """Every pure behaviour profile that is a Nash equilibrium in every subgame, checked against every
    pure deviation of every player in every subgame (independent of kimgame's solvers)."""
    decisions = [v for v, n in enumerate(game.nodes) if isinstance(n, Decision)]

    def value(v, prof):
        node = game.nodes[v]
        if isinstance(node, Terminal):
            return game.terminal_values[v]
        if isinstance(node, Decision):
            return value(node.children[prof[v]], prof)
        total = [F(0)] * len(game.players)
        for p, c in zip(game.chance_values[v], node.children):
            total = [t + p * x for t, x in zip(total, value(c, prof))]
        return tuple(total)

    def below(v):
        return [u for u in decisions if v <= u <= game.subtree_end[v]]

    out = []
    for combo in itertools.product(*(range(len(game.nodes[v].children)) for v in decisions)):
        prof = dict(zip(decisions, combo))
        ok = True
        for v in decisions:  # every decision node starts a subgame in a perfect-information tree
            for i in range(len(game.players)):
                mine = [u for u in below(v) if game.nodes[u].player == i]
                here = value(v, prof)[i]
                for alt in itertools.product(*(range(len(game.nodes[u].children)) for u in mine)):
                    if value(v, {**prof, **dict(zip(mine, alt))})[i] > here:
                        ok = False
                        break
                if not ok:
                    break
            if not ok:
                break
        if ok:
            out.append(tuple(game.nodes[v].actions[prof[v]] for v in decisions))
    return sorted(out)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_backward_induction_finds_exactly_the_pure_spe_of_random_trees(seed):
    game = random_tree(seed)
    search = backward_induction(game)
    expected = brute_force_pure_spe(game)
    assert search.total == len(expected)
    found = []
    decisions = [v for v, n in enumerate(game.nodes) if isinstance(n, Decision)]
    for profile in search.profiles(1000):
        behavior = search.behavior(profile)
        found.append(tuple(game.nodes[v].actions[behavior[game.nodes[v].infoset].index(1)] for v in decisions))
    assert sorted(found) == expected


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_reported_spe_are_nash_checked_on_the_tree(seed):
    game = random_tree(seed, max_decisions=4)
    result = solve_tree(game, method="pure")
    spe = spe_of(result)
    assert spe
    for eq in result.equilibria:
        assert tree_nash_failure(game, eq.behavior) is None


# --------------------------------------------------------------------------------------------------
# imperfect information: proper subgames


def pennies_tree(out_payoff):
    return build_tree(["Ann", "Bob"], decision("Ann", {
        "Out": terminal(out_payoff, 0, outcome="out"),
        "In": decision("Ann", {
            "H": decision("Bob", {"h": terminal(1, -1, outcome="match"), "t": terminal(-1, 1)}, infoset="Bob guesses"),
            "T": decision("Bob", {"h": terminal(-1, 1), "t": terminal(1, -1, outcome="match")}, infoset="Bob guesses"),
        }, name="Ann hides"),
    }, name="start"))


def test_subgame_with_simultaneous_moves_gives_the_mixed_spe():
    game = pennies_tree(F(-1, 2))
    assert subgame_roots(game) == (0, game.infosets["Ann hides"].nodes[0])
    result = solve_tree(game)
    (eq,) = spe_of(result)
    half = {"H": F(1, 2), "T": F(1, 2)}
    assert eq.behavior["Ann"]["Ann hides"] == half
    assert eq.behavior["Bob"]["Bob guesses"] == {"h": F(1, 2), "t": F(1, 2)}
    assert choice(eq, "Ann", "start") == "In" and eq.payoffs == (0, 0)
    assert result.tree.spe[0].outcomes["match"] == F(1, 2)


def test_staying_out_of_the_pennies_subgame_and_non_perfect_nash():
    game = pennies_tree(F(1, 2))
    result = solve_tree(game)
    (eq,) = spe_of(result)
    assert choice(eq, "Ann", "start") == "Out" and eq.payoffs == (F(1, 2), 0)
    assert eq.behavior["Bob"]["Bob guesses"] == {"h": F(1, 2), "t": F(1, 2)}
    others = [e for e in result.equilibria if not e.subgame_perfect]
    assert others and all(choice(e, "Ann", "start") == "Out" for e in others)
    assert all(tree_nash_failure(game, e.behavior) is None for e in result.equilibria)


def test_three_players_with_a_simultaneous_subgame():
    # A chooses whether B and C play a coordination game (pure equilibria: both a, both b).
    coord = decision("B", {
        "a": decision("C", {"a": terminal(0, 2, 2), "b": terminal(0, 0, 0)}, infoset="C picks"),
        "b": decision("C", {"a": terminal(0, 0, 0), "b": terminal(3, 1, 1)}, infoset="C picks"),
    }, name="B picks")
    game = build_tree(["A", "B", "C"], decision("A", {"delegate": coord, "keep": terminal(1, 0, 0)}, name="A"))
    result = solve_tree(game)
    spe = spe_of(result)
    # the subgame has two acting players: its mixed equilibrium (1/3, 2/3) is found too, and A delegates
    summary = sorted((choice(e, "A", "A"), choice(e, "B", "B picks") or "mixed", choice(e, "C", "C picks") or "mixed")
                     for e in spe)
    assert summary == [("delegate", "b", "b"), ("delegate", "mixed", "mixed"), ("keep", "a", "a")]
    mixed = next(e for e in spe if choice(e, "B", "B picks") is None)
    assert mixed.behavior["C"]["C picks"] == {"a": F(1, 3), "b": F(2, 3)} and mixed.payoffs == (F(4, 3), F(2, 3), F(2, 3))
    assert result.tree.spe_count == "3"
    # the whole game has three players: its Nash equilibria (pure, and mixed ones by the polynomial method);
    # those that are not subgame-perfect all keep (B and C miscoordinate, or mix, off the path)
    miscoordinated = [e for e in result.equilibria if not e.subgame_perfect]
    assert sum(e.is_pure for e in miscoordinated) == 2 and all(choice(e, "A", "A") == "keep" for e in miscoordinated)


def test_claims_on_trees():
    game = kimgame.load(GAMES / "ultimatum.yaml")
    result = solve_tree(game, method="pure")
    holds = {c.id: c.holds for c in result.claims}
    assert holds == {"positive-offers-accepted": True, "proposer-keeps-almost-all": True, "agreement": True}
    from kimgame.model.claims import Claim, Outcome, Plays

    strict = game.replace(claims=(
        Claim("all-offer-0", "", Plays("Proposer", "proposal", "offer 0")),
        Claim("some-offer-1", "", Plays("Proposer", "proposal", "offer 1", "some")),
        Claim("sure-deal", "", Outcome(("agreement",), more_than=kimgame.expr.constant(F(99, 100)))),
        Claim("no-sure-deal", "", Outcome(("agreement", "disagreement"), less_than=kimgame.expr.constant(1), quantifier="some",
                                          equilibrium="nash")),
    ))
    holds = {c.id: c.holds for c in solve_tree(strict, method="pure").claims}
    assert holds == {"all-offer-0": False, "some-offer-1": True, "sure-deal": True, "no-sure-deal": False}


@pytest.mark.slow
def test_ultimatum_mixed_spe_keep_agreement_at_least_three_quarters():
    game = kimgame.load(GAMES / "ultimatum.yaml")
    result = solve_tree(game, method="enummixed")  # "auto" lists only pure equilibria of this 5 x 32 form
    spe = spe_of(result)
    assert len(spe) == 4  # two pure (backward induction) and two mixed (responder indifferent at 0)
    agreement = sorted(item.outcomes["agreement"] for item in result.tree.spe)
    assert agreement[0] == F(3, 4)
    assert {c.id: c.holds for c in result.claims}["agreement"]


# --------------------------------------------------------------------------------------------------
# size and depth


def centipede(moves):
    node = terminal(moves + 1, moves)
    for m in range(moves, 0, -1):
        player = "A" if m % 2 else "B"
        take = terminal(m + 1, m - 1) if player == "A" else terminal(m - 1, m + 1)
        node = decision(player, {"take": take, "pass": node})
    return node


@pytest.fixture
def searches(monkeypatch):
    """The subgame-perfect searches that solve_tree runs (their result objects)."""
    from kimgame.analysis import solve_tree as solve_tree_module

    found: list = []
    search = solve_tree_module.search

    def recording(*args, **kwargs):
        found.append(search(*args, **kwargs))
        return found[-1]

    monkeypatch.setattr(solve_tree_module, "search", recording)
    return found


def test_deep_centipede_solves_without_recursion(searches):
    limit = sys.getrecursionlimit()
    game = build_tree(["A", "B"], centipede(5000))
    result = solve_tree(game)
    assert sys.getrecursionlimit() == limit
    # linear work: one search (stage by stage: the tree is too deep for the array levels), one stage per
    # decision node, each with its one solution (no ties)
    (search,) = searches
    assert len(search.options) == 5000 and all(len(opts) == 1 for opts in search.options.values())
    (eq,) = spe_of(result)
    assert choice(eq, "A", "root") == "take" and eq.payoffs == (2, 0)
    assert choice(eq, "B", "pass ×4999") == "take"
    assert result.tree.spe[0].outcomes == {}


def test_large_random_tree_with_many_ties(searches):
    rng = random.Random(7)
    pool = [terminal(rng.randint(0, 3), rng.randint(0, 3)) for _ in range(12_000)]
    while len(pool) > 1:
        kids = [pool.pop(rng.randrange(len(pool))) for _ in range(min(len(pool), 2))]
        if rng.random() < 0.1:
            pool.append(chance({"u": (F(1, 2), kids[0]), "d": (F(1, 2), kids[1])}) if len(kids) == 2 else kids[0])
        else:
            pool.append(decision(rng.choice("AB"), {f"m{j}": k for j, k in enumerate(kids)}))
    game = build_tree(["A", "B"], pool[0])
    result = solve_tree(game)
    assert game.num_nodes > 20_000
    assert [type(s).__name__ for s in searches] == ["ArraySPESearch"]  # solved on arrays, level by level
    spe = spe_of(result)
    count = result.tree.spe_count
    assert spe and (count.startswith("about 10^") or int(count) > len(spe))
    from kimgame.solvers.subgames import subgame_perfection_failure

    assert subgame_perfection_failure(game, flat_behavior(game, spe[-1].behavior)) is None
