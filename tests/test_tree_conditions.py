"""The exact parameter region where a claim about a game tree holds (symbolic backward induction), checked
against the numeric solver at random points and on boundaries (ties), against hand-derived conditions,
and on a tree where the US does not observe the type chance draws for Kim."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
import sympy

import kimgame
from conftest import GAMES
from kimgame.analysis.conditions import claim_condition
from kimgame.analysis.solve_tree import solve_tree
from kimgame.analysis.tree_conditions import tree_claim_condition, tree_claim_region, tree_outcome_regions
from kimgame.errors import KimgameError, SolverLimit
from kimgame.expr import constant
from kimgame.model.claims import Claim, Outcome, Plays
from kimgame.model.nodes import chance, decision, terminal
from kimgame.model.parameters import Parameter
from kimgame.model.tree_assembly import build_tree
from kimgame.solvers.spe import backward_induction
from kimgame.solvers.subgames import fill_free
from reference import decision_comparisons, spe_path_label

# --------------------------------------------------------------------------------------------------
# helpers: exact truth of a condition, the numeric judgement, points


def symbols_of(game) -> dict[str, sympy.Symbol]:
    return {p.name: sympy.Symbol(p.name, real=True) for p in game.parameters}


def compiled(cond, game):
    """Exact evaluation of ``cond``: the generated code compares Fractions (exact as long as the condition's
    numbers are integers, as kimgame writes them and the expectations below are written); much faster than
    substituting into a condition of hundreds of terms."""
    names = [p.name for p in game.parameters]
    fn = sympy.lambdify([symbols_of(game)[n] for n in names], cond, modules=[{}, "math"])
    return lambda values: bool(fn(*(F(values[n]) for n in names)))


def substituted(cond, game, values) -> bool:
    """The condition with exact Rationals substituted, as a user would evaluate it (``xreplace``: the same
    substitution as ``subs``, without its search for matching subexpressions, which takes seconds here)."""
    sym = symbols_of(game)
    return bool(cond.xreplace({sym[n]: sympy.Rational(v.numerator, v.denominator) for n, v in values.items()}))


def numeric(game, values):
    """The claims judged by the solver at ``values`` (subgame-perfect equilibria by backward induction) and
    whether every SPE was listed (only then is "every"/"some" over the list the same as over all SPE)."""
    result = solve_tree(game.with_values(values), method="spe", conditions=False)
    listed = sum(bool(eq.subgame_perfect) for eq in result.equilibria)
    count = result.tree.spe_count
    fair = count.isdigit() and int(count) <= listed
    return {c.id: c.holds for c in result.claims}, fair, result


def uniform_point(game, rng) -> dict[str, F]:
    return {p.name: p.low + (p.high - p.low) * F(rng.randint(0, 10**4), 10**4) for p in game.parameters}


def small_point(game, rng) -> dict[str, F]:
    """Small whole numbers (fractions of the range for short ranges): many payoffs tie."""
    out = {}
    for p in game.parameters:
        if p.high - p.low > 8:
            out[p.name] = p.low + rng.choice((0, 0, 1, 2, 3, 4, 5))
        else:
            out[p.name] = p.low + (p.high - p.low) * F(rng.choice((0, 1, 2, 3, 4)), 4)
    return out


def tie_point(game, rng, infoset: str | None = None, values: dict[str, F] | None = None,
              only: tuple[str, ...] = ()) -> dict[str, F]:
    """A point where a mover is indifferent between two actions (given the continuation of an SPE): a
    random point (or ``values``), then one parameter (one of ``only`` if given) solved from "payoff of a =
    payoff of b" at a random decision node (or at ``infoset``)."""
    if values is None:
        values = uniform_point(game, rng) if rng.random() < 0.5 else small_point(game, rng)
    values = dict(values)
    at = game.with_values(values)
    found = backward_induction(at)
    behavior = fill_free(at, found.behavior(found.profiles(1)[0]))
    comparisons = [c for c in decision_comparisons(at, behavior) if len(c.values) > 1 and infoset in (None, c.infoset)]
    ranges = {p.name: (p.low, p.high) for p in game.parameters}
    for _ in range(10):
        comp = rng.choice(comparisons)
        a, b = rng.sample(sorted(comp.values), 2)
        diff = sympy.expand(comp.values[a].to_sympy() - comp.values[b].to_sympy())
        free = sorted(diff.free_symbols, key=lambda s: s.name)
        rng.shuffle(free)
        for s in free:
            if only and s.name not in only:
                continue
            rest = sympy.expand(diff.xreplace({t: sympy.Rational(values[t.name].numerator, values[t.name].denominator)
                                               for t in free if t != s}))
            if sympy.degree(rest, s) != 1:
                continue
            slope, offset = rest.coeff(s, 1), rest.coeff(s, 0)
            root = -offset / slope
            value = F(int(root.p), int(root.q))
            lo, hi = ranges[s.name]
            if lo <= value <= hi:
                values[s.name] = value
                return values
    return values


def check_against_solver(game, points, conditions, min_fair=0.8):
    """The conditions agree with the solver's judgement at every point where the solver lists all SPE;
    returns the number of points compared and of points with several SPE among them."""
    truth = {cid: compiled(cond, game) for cid, cond in conditions.items()}
    compared = ties = 0
    for values in points:
        holds, fair, result = numeric(game, values)
        if not fair:
            continue
        compared += 1
        ties += int(result.tree.spe_count) > 1
        for cid, is_true in truth.items():
            assert is_true(values) == holds[cid], (cid, values, result.tree.spe_count)
    assert compared >= min_fair * len(points), (compared, len(points))
    return compared, ties


# --------------------------------------------------------------------------------------------------
# the example games


@pytest.fixture(scope="module")
def singapore_regions():
    game = kimgame.load(GAMES / "singapore.yaml")
    return game, {c.id: tree_claim_region(game, c) for c in game.claims}


@pytest.fixture(scope="module")
def singapore(singapore_regions):
    game, regions = singapore_regions
    return game, {cid: region.condition for cid, region in regions.items()}


def test_singapore_conditions_match_the_solver_at_random_points(singapore):
    game, conditions = singapore
    assert set(conditions) == {"silence-at-root", "deal-likely"}
    rng = random.Random(2018)
    points = [uniform_point(game, rng) for _ in range(220)]
    compared, _ = check_against_solver(game, points, conditions, min_fair=0.99)
    assert compared >= 200
    # the defaults: the essay's reading, silence in every SPE and a deal at least half the time
    assert all(compiled(cond, game)(game.values) for cond in conditions.values())


@pytest.mark.slow
def test_singapore_conditions_match_the_solver_on_boundaries(singapore):
    game, conditions = singapore
    rng = random.Random(612)
    points = [tie_point(game, rng) for _ in range(70)] + [small_point(game, rng) for _ in range(40)]
    _, ties = check_against_solver(game, points, conditions, min_fair=0.5)
    assert ties >= 30, ties  # the boundaries were really hit: several SPE at many points
    for values in points[:3]:  # the literal substitution agrees with the compiled evaluation
        for cid, cond in conditions.items():
            assert substituted(cond, game, values) == compiled(cond, game)(values), (cid, values)


def test_silence_needs_a_strict_edge_where_the_us_is_indifferent(singapore):
    # At the defaults Kim deals (status quo on rights) after silence and after an uninsulted pressure, and
    # stalls and cracks down when insulted: silence gives W + K, pressure p*(-S) + (1 - p)*W. Without China's
    # value (K = 0) and without the risk of insult (p = 0) the US is indifferent: some SPE presses, so
    # "every SPE is silent" fails exactly there, while it holds as soon as K > 0.
    game, conditions = singapore
    values = {**game.values, "K": F(0), "p_insult": F(0)}
    holds, fair, result = numeric(game, values)
    assert fair and int(result.tree.spe_count) >= 2
    assert holds["silence-at-root"] is False
    assert compiled(conditions["silence-at-root"], game)(values) is False
    assert substituted(conditions["silence-at-root"], game, values) is False
    values["K"] = F(1, 1000)
    assert numeric(game, values)[0]["silence-at-root"] is True
    assert substituted(conditions["silence-at-root"], game, values) is True


def test_singapore_condition_size(singapore_regions):
    _, regions = singapore_regions
    region = regions["silence-at-root"]
    assert region.terms == len(region.condition.args) > 10  # many regimes of Kim's behaviour
    assert region.atoms == sum(len(term.args) if isinstance(term, sympy.And) else 1 for term in region.condition.args)
    assert region.cells >= region.terms / 4 and region.seconds > 0


def test_conditions_are_deterministic_and_their_text_round_trips():
    from kimgame.analysis.conditions import condition_text

    game = types_game()
    claim = game.claims[1]  # "some SPE is quiet": a disjunction of many terms
    first, again = tree_claim_condition(game, claim), tree_claim_condition(types_game(), claim)
    assert first == again and str(first) == str(again)
    assert len(first.args) > 5
    back = sympy.sympify(condition_text(first), locals=symbols_of(game))
    mine, theirs = compiled(first, game), compiled(back, game)
    rng = random.Random(7)
    for _ in range(100):
        values = small_point(game, rng)
        assert mine(values) == theirs(values)


@pytest.mark.parametrize("name", ["entry_deterrence", "centipede", "ultimatum"])
def test_games_without_parameters_get_true_or_false_as_the_solver_judges(name):
    game = kimgame.load(GAMES / f"{name}.yaml")
    holds, fair, _ = numeric(game, {})
    assert fair
    judged = 0
    for claim in game.claims:
        spec = claim.spec
        if isinstance(spec, (Plays, Outcome)) and spec.equilibrium == "nash":
            with pytest.raises(NotImplementedError, match="only available numerically"):
                tree_claim_condition(game, claim)
            continue
        if not isinstance(spec, (Plays, Outcome)):
            continue
        cond = tree_claim_condition(game, claim)
        assert cond in (sympy.true, sympy.false)
        assert bool(cond) == holds[claim.id], claim.id
        judged += 1
    assert judged >= 2


# --------------------------------------------------------------------------------------------------
# hand-derived conditions


def offer_game():
    """The leader offers or keeps k; the follower accepts an offer (leader 1 - x, follower x) or rejects it
    (0, 1/2): the follower accepts iff x >= 1/2, and the leader's choice depends on it."""
    params = [Parameter("x", F(3, 4), F(0), F(1)), Parameter("k", F(1, 10), F(0), F(1))]
    follower = decision("Follower", {"accept": terminal("1 - x", "x", outcome="deal"),
                                     "reject": terminal(0, F(1, 2), outcome="no deal")}, name="respond")
    return build_tree(["Leader", "Follower"], decision("Leader", {"offer": follower, "keep": terminal("k", 0)},
                                                       name="lead"), parameters=params)


def grid_agrees(cond, expected, game, steps=20):
    """Both conditions agree on a grid of the (two-parameter, [0, 1] x [0, 1] or wider) box."""
    mine, theirs = compiled(cond, game), compiled(expected, game)
    (p1, p2) = game.parameters
    for i in range(steps + 1):
        for j in range(steps + 1):
            values = {p1.name: p1.low + (p1.high - p1.low) * F(i, steps),
                      p2.name: p2.low + (p2.high - p2.low) * F(j, steps)}
            assert mine(values) == theirs(values), values


def test_hand_derived_leader_follower_conditions():
    game = offer_game()
    x, k = sympy.Symbol("x", real=True), sympy.Symbol("k", real=True)
    every = tree_claim_condition(game, Plays("Leader", "lead", "offer"))
    some = tree_claim_condition(game, Plays("Leader", "lead", "offer", "some"))
    accepts = tree_claim_condition(game, Plays("Follower", "respond", "accept"))
    # every SPE offers: the follower strictly accepts (x > 1/2) and the offer strictly beats keeping
    expected_every = sympy.And(2 * x > 1, 1 - x > k)
    # some SPE offers: accepted (x >= 1/2) and 1 - x >= k, or nothing to keep (k = 0: 0 against a rejection)
    expected_some = sympy.Or(sympy.And(2 * x >= 1, 1 - x >= k), sympy.Eq(k, 0))
    grid_agrees(every, expected_every, game)
    grid_agrees(some, expected_some, game)
    grid_agrees(accepts, 2 * x > 1, game)
    assert sympy.simplify(every) == sympy.simplify(expected_every)
    assert every == sympy.And(sympy.Gt(x, sympy.Rational(1, 2)), sympy.Lt(k + x, 1))  # thresholds, readable
    assert sympy.simplify(accepts) == sympy.simplify(2 * x > 1)
    deal = tree_claim_condition(game, Outcome(("deal",), at_least=constant(1)))
    grid_agrees(deal, expected_every, game)  # the deal happens for sure exactly where every SPE offers


def parametric_entry():
    """Selten's entry stage with the incumbent's price-war payoff f and the entrant's share a."""
    params = [Parameter("f", F(0), F(-2), F(4)), Parameter("a", F(2), F(-2), F(4))]
    game = build_tree(["Entrant", "Incumbent"], decision("Entrant", {
        "Out": terminal(1, 5, outcome="no entry"),
        "In": decision("Incumbent", {"Fight": terminal(0, "f", outcome="price war"),
                                     "Accommodate": terminal("a", 2, outcome="shared market")}, name="response"),
    }, name="entry"), parameters=params)
    claims = (
        Claim("threat-not-credible", "", Plays("Incumbent", "response", "Accommodate")),
        Claim("entry", "", Plays("Entrant", "entry", "In")),
        Claim("entry-possible", "", Plays("Entrant", "entry", "In", "some")),
        Claim("shared", "", Outcome(("shared market",), at_least=constant(1))),
        Claim("war-possible", "", Outcome(("price war",), more_than=constant(0), quantifier="some")),
    )
    return game.replace(claims=claims)


def test_hand_derived_entry_conditions_and_random_points():
    game = parametric_entry()
    f, a = sympy.Symbol("f", real=True), sympy.Symbol("a", real=True)
    cond = {c.id: claim_condition(game, c) for c in game.claims}
    assert sympy.simplify(cond["threat-not-credible"]) == sympy.simplify(f < 2)
    # every SPE enters: accommodation for sure (f < 2) and a > 1; or fighting for sure (f > 2) and 0 > 1 (never)
    grid = {"f": [F(n, 2) for n in range(-4, 9)], "a": [F(n, 2) for n in range(-4, 9)]}
    expected = {
        "entry": sympy.And(f < 2, a > 1),
        "entry-possible": sympy.And(f <= 2, a >= 1),
        "shared": sympy.And(f < 2, a > 1),
        # a price war needs entry and a fight, but an entrant expecting a fight stays out (0 < 1): never
        "war-possible": sympy.false,
    }
    assert cond["war-possible"] == sympy.false
    for cid, exp in expected.items():
        mine, theirs = compiled(cond[cid], game), compiled(exp, game)
        for fv in grid["f"]:
            for av in grid["a"]:
                assert mine({"f": fv, "a": av}) == theirs({"f": fv, "a": av}), (cid, fv, av)
    rng = random.Random(3)
    points = [small_point(game, rng) for _ in range(60)] + [uniform_point(game, rng) for _ in range(60)]
    check_against_solver(game, points, cond, min_fair=0.95)


def parametric_centipede():
    """Four moves; the last pass pays (x, y) and Blue's last take pays t to Blue."""
    params = [Parameter("x", F(8), F(0), F(10)), Parameter("y", F(2), F(0), F(10)), Parameter("t", F(4), F(0), F(10))]
    last = decision("Blue", {"take": terminal(1, "t", outcome="at 4"), "pass": terminal("x", "y", outcome="end")},
                    name="move 4")
    third = decision("Red", {"take": terminal(4, 1, outcome="at 3"), "pass": last}, name="move 3")
    second = decision("Blue", {"take": terminal(1, 3, outcome="at 2"), "pass": third}, name="move 2")
    game = build_tree(["Red", "Blue"], decision("Red", {"take": terminal(2, 0, outcome="at 1"), "pass": second},
                                                  name="move 1"), parameters=params)
    claims = (
        Claim("take-at-once", "", Plays("Red", "move 1", "take")),
        Claim("pass-possible", "", Plays("Red", "move 1", "pass", "some")),
        Claim("ends-late", "", Outcome(("end", "at 4"), at_least=constant(F(1, 2)))),
        Claim("blue-passes", "", Plays("Blue", "move 4", "pass")),
    )
    return game.replace(claims=claims)


def test_parametric_centipede_matches_the_solver():
    game = parametric_centipede()
    cond = {c.id: claim_condition(game, c) for c in game.claims}
    y, t = sympy.Symbol("y", real=True), sympy.Symbol("t", real=True)
    assert sympy.simplify(cond["blue-passes"]) == sympy.simplify(y > t)
    rng = random.Random(11)
    points = [small_point(game, rng) for _ in range(80)] + [tie_point(game, rng) for _ in range(40)]
    points += [uniform_point(game, rng) for _ in range(40)]
    _, ties = check_against_solver(game, points, cond, min_fair=0.95)
    assert ties >= 10


# --------------------------------------------------------------------------------------------------
# imperfect information: the US does not observe Kim's type


def types_game(talk_first: bool = False):
    """Chance draws Kim's type (hawk with probability q); the US, not observing it, presses or keeps quiet
    (one information set of two nodes); Kim, knowing the type, deals or stalls. A hawk pressed publicly
    bears the insult cost F. With ``talk_first`` Kim first chooses whether to talk at all."""
    params = [Parameter("q", F(1, 2), F(0), F(1)), Parameter("W", F(6), F(0), F(10)),
              Parameter("H", F(2), F(0), F(10)), Parameter("R", F(5), F(0), F(10)),
              Parameter("M", F(3), F(0), F(10)), Parameter("F", F(4), F(0), F(10))]

    def kim(hawk: bool, press: bool):
        deal = "R - M - F" if hawk and press else "R - M"
        us_deal, us_stall = ("W + H", "H") if press else ("W", 0)
        kind = "hawk" if hawk else "dove"
        return decision("Kim", {"deal": terminal(us_deal, deal, outcome="deal"),
                                "stall": terminal(us_stall, 0, outcome="stall")},
                        name=f"Kim ({kind}, {'pressed' if press else 'quiet'})")

    def us(hawk: bool):
        return decision("US", {"press": kim(hawk, True), "quiet": kim(hawk, False)}, infoset="US stance")

    tree = chance({"hawk": ("q", us(True)), "dove": ("1 - q", us(False))}, name="type")
    if talk_first:
        tree = decision("Kim", {"talk": tree, "walk": terminal(0, "M - R", outcome="walk")}, name="Kim talks")
    game = build_tree(["US", "Kim"], tree, parameters=params)
    claims = [
        Claim("quiet", "", Plays("US", "US stance", "quiet")),
        Claim("quiet-possible", "", Plays("US", "US stance", "quiet", "some")),
        Claim("deal-likely", "", Outcome(("deal",), at_least=constant(F(1, 2)))),
        Claim("deal-possible", "", Outcome(("deal",), more_than=constant(0), quantifier="some")),
    ]
    if talk_first:
        claims.append(Claim("talks", "", Plays("Kim", "Kim talks", "talk")))
    return game.replace(claims=tuple(claims))


@pytest.mark.parametrize("talk_first", [False, True])
def test_unobserved_type_matches_the_solver(talk_first):
    game = types_game(talk_first)
    assert not game.is_perfect_information and len(game.infosets["US stance"].nodes) == 2
    cond = {c.id: claim_condition(game, c) for c in game.claims}
    rng = random.Random(5 + talk_first)
    points = [uniform_point(game, rng) for _ in range(60)] + [small_point(game, rng) for _ in range(60)]
    _, ties = check_against_solver(game, points, cond, min_fair=0.9)
    assert ties >= 10


def test_unobserved_type_hand_condition():
    # When both types deal even under pressure (R > M + F), pressing adds H in every case: quiet is never
    # the choice of every SPE (at H = 0 the US is indifferent).
    game = types_game()
    cond = tree_claim_condition(game, Plays("US", "US stance", "quiet"))
    values = {"q": F(1, 3), "W": F(6), "H": F(0), "R": F(9), "M": F(2), "F": F(3)}
    truth = compiled(cond, game)
    assert truth(values) is False  # H = 0: pressing and quiet tie, so not every SPE is quiet
    values["H"] = F(1)
    assert truth(values) is False
    # a hawk walks away when pressed (F large): quiet wins iff q * W > H
    values.update({"F": F(9), "H": F(1)})
    for q in (F(0), F(1, 10), F(1, 6), F(1, 5), F(1, 2), F(1)):
        values["q"] = q
        assert truth(values) is (q * values["W"] > values["H"]), q


def test_simultaneous_moves_in_a_subgame_are_refused_with_a_clear_message():
    game = build_tree(["Ann", "Bob"], decision("Ann", {
        "Out": terminal("a", 0, outcome="out"),
        "In": decision("Ann", {
            "H": decision("Bob", {"h": terminal(1, -1), "t": terminal(-1, 1)}, infoset="Bob guesses"),
            "T": decision("Bob", {"h": terminal(-1, 1), "t": terminal(1, -1)}, infoset="Bob guesses"),
        }, name="Ann hides"),
    }, name="start"), parameters=[Parameter("a", F(0), F(-1), F(1))])
    with pytest.raises(NotImplementedError, match="only available numerically.*several players"):
        tree_claim_condition(game, Plays("Ann", "start", "Out"))
    with pytest.raises(NotImplementedError, match="only available numerically"):
        tree_claim_condition(game, Outcome(("out",), at_least=constant(1)))


# --------------------------------------------------------------------------------------------------
# outcome regions, errors, limits


@pytest.mark.parametrize("make", [types_game, parametric_entry, offer_game])
def test_outcome_regions_hold_exactly_the_spe_paths(make):
    game = make()
    regions = tree_outcome_regions(game)
    labels = [label for _, label in regions]
    assert labels == sorted(labels) and len(set(labels)) == len(labels)
    tests = [(compiled(cond, game), label) for cond, label in regions]
    rng = random.Random(19)
    for _ in range(60):
        values = small_point(game, rng) if rng.random() < 0.5 else uniform_point(game, rng)
        _, fair, result = numeric(game, values)
        if not fair:
            continue
        at = game.with_values(values)
        expected = {spe_path_label(at, eq.behavior) for eq in result.equilibria if eq.subgame_perfect}
        assert {label for truth, label in tests if truth(values)} == expected, values


def test_bad_claims_and_the_size_limit(singapore):
    game, _ = singapore
    with pytest.raises(KimgameError, match="belongs to US"):
        tree_claim_condition(game, Plays("DPRK", "US stance", "silence"))
    with pytest.raises(KimgameError, match="no action 'shout'"):
        tree_claim_condition(game, Plays("US", "US stance", "shout"))
    with pytest.raises(KimgameError, match="no information set"):
        tree_claim_condition(game, Plays("US", "nowhere", "silence"))
    with pytest.raises(NotImplementedError, match="only available numerically"):
        tree_claim_condition(game, Plays("US", "US stance", "silence", equilibrium="nash"))
    with pytest.raises(SolverLimit, match="more than 5 pieces"):
        tree_claim_condition(game, game.claims[0], max_pieces=5)


def test_division_by_a_parameter_expression():
    # A's left payoff a/(1 + b) - 1/2 against 0 (b > -1 on its range): left iff 2a > 1 + b; B's taste
    # (b - 1)/(a - 3) changes sign with b (a - 3 < 0 on the range): B goes up iff b < 1
    params = [Parameter("a", F(1), F(0), F(2)), Parameter("b", F(1), F(0), F(2))]
    follower = decision("B", {"up": terminal("a/(1 + b) - 1/2", "(b - 1)/(a - 3)", outcome="up"),
                              "down": terminal(-1, 0, outcome="down")}, name="B")
    game = build_tree(["A", "B"], decision("A", {"l": follower, "r": terminal(0, 0, outcome="r")}, name="A"),
                      parameters=params)
    claims = (Claim("left", "", Plays("A", "A", "l")), Claim("up", "", Plays("B", "B", "up")),
              Claim("up-likely", "", Outcome(("up",), at_least=constant(1), quantifier="some")))
    game = game.replace(claims=claims)
    cond = {c.id: claim_condition(game, c) for c in claims}
    grid_agrees(cond["up"], sympy.Symbol("b", real=True) < 1, game, steps=8)
    points = [{"a": F(i, 4), "b": F(j, 4)} for i in range(9) for j in range(9)]
    check_against_solver(game, points, cond, min_fair=1)


def test_min_max_abs_payoffs_are_split_into_their_cases():
    """A payoff with max/min/abs gives one cell per case at its leaf: A goes left iff max(a, 1) - b > 1/2
    (two cases: a - b > 1/2 where a >= 1, 1/2 > b elsewhere); B's |a - b| decides below."""
    params = [Parameter("a", F(1), F(0), F(2)), Parameter("b", F(1), F(0), F(2))]
    follower = decision("B", {"up": terminal("min(a, b)", "abs(a - b)", outcome="up"),
                              "down": terminal(0, "1/2", outcome="down")}, name="B")
    game = build_tree(["A", "B"], decision("A", {"l": terminal("max(a, 1) - b", 0, outcome="l"), "r": follower},
                                           name="A"), parameters=params)
    claims = (Claim("left", "", Plays("A", "A", "l")), Claim("up", "", Plays("B", "B", "up")),
              Claim("up-path", "", Outcome(("up",), at_least=constant(1), quantifier="some")))
    game = game.replace(claims=claims)
    cond = {c.id: claim_condition(game, c) for c in claims}
    points = [{"a": F(i, 4), "b": F(j, 4)} for i in range(9) for j in range(9)]
    check_against_solver(game, points, cond, min_fair=1)


# --------------------------------------------------------------------------------------------------
# random trees


def random_parametric_tree(seed: int):
    """A small perfect-information tree with chance, payoffs linear in a, b (small coefficients, many ties)."""
    rng = random.Random(seed)
    params = [Parameter("a", F(1), F(0), F(2)), Parameter("b", F(1), F(0), F(2))]
    count = [0]

    def payoff() -> str:
        return f"{rng.randint(-1, 1)}*a + {rng.randint(-1, 1)}*b + {rng.randint(-1, 2)}"

    def node(depth: int):
        count[0] += 1
        me = count[0]
        kind = rng.random()
        if depth >= 3 or kind < 0.25:
            return terminal(payoff(), payoff(), outcome=rng.choice(["good", "bad"]))
        if kind < 0.4:
            return chance({"lo": ("a/2", node(depth + 1)), "hi": ("1 - a/2", node(depth + 1))})
        player = rng.choice(["A", "B"])
        return decision(player, {f"m{k}": node(depth + 1) for k in range(rng.choice([2, 2, 3]))},
                        name=f"n{me}")

    root = decision("A", {"l": node(1), "r": node(1)}, name="root")
    game = build_tree(["A", "B"], root, parameters=params)
    claims = (
        Claim("root-l", "", Plays("A", "root", "l")),
        Claim("root-l-some", "", Plays("A", "root", "l", "some")),
        Claim("good", "", Outcome(("good",), at_least=constant(F(1, 2)))),
        Claim("good-some", "", Outcome(("good",), more_than=constant(F(1, 2)), quantifier="some")),
    )
    return game.replace(claims=claims)


@pytest.mark.parametrize("seed", range(12))
def test_random_trees_match_the_solver(seed):
    game = random_parametric_tree(seed)
    cond = {c.id: claim_condition(game, c) for c in game.claims}
    grid = [F(n, 4) for n in range(9)]
    rng = random.Random(seed)
    points = [{"a": rng.choice(grid), "b": rng.choice(grid)} for _ in range(30)]
    points += [uniform_point(game, rng) for _ in range(10)]
    check_against_solver(game, points, cond, min_fair=0.5)
