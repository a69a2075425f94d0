"""The sequence form (Koller, Megiddo & von Stengel 1996): exact Lemke on its LCP, the zero-sum LP, and
their use in solving trees. Every equilibrium is checked by the brute-force verifier of tests/reference.py."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kimgame
from kimgame.errors import KimgameError
from kimgame.model.nodes import chance, decision, terminal
from kimgame.model.reduced_form import reduced_normal_form
from kimgame.model.tree_assembly import build_tree
from kimgame.solvers.behavior import flat_behavior
from kimgame.solvers.sequence_form import best_response_value, sequence_form
from kimgame.solvers.sequence_lcp import sequence_lcp
from kimgame.solvers.sequence_lp import sequence_lp
from reference import tree_nash_failure

F = Fraction
ROOT = Path(__file__).resolve().parent.parent
KUHN = ROOT / "games" / "kuhn_poker.yaml"
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT.parent.parent / "shared" / "corpus" / "gambit" / "contrib-games"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/gambit/contrib-games")


def is_equilibrium(game, flat) -> bool:
    """Whether the behaviour ``flat`` ({information set: action probabilities}) is a Nash equilibrium of the
    tree, by the tests' independent verifier (:func:`reference.tree_nash_failure`)."""
    nested: dict = {p: {} for p in game.players}
    for label, h in game.infosets.items():
        nested[game.players[h.player]][label] = dict(zip(h.actions, flat[label]))
    return tree_nash_failure(game, nested) is None


def behavior_of(form, x, y):
    """Behaviour at every information set (uniform where a plan does not reach it)."""
    out = form.behavior(0, x)
    out.update(form.behavior(1, y))
    game = form.game
    return {h: (p if p is not None else tuple(F(1, len(game.infosets[h].actions)) for _ in game.infosets[h].actions))
            for h, p in out.items()}


def small_poker(p2_fold_win=1):
    """Zero-sum: a fair card, P1 (who sees it) bets or checks, P2 (who does not) calls or folds a bet."""
    def after(card, sign):
        return decision("P1", {
            "check": terminal(sign, -sign),
            "bet": decision("P2", {"call": terminal(2 * sign, -2 * sign), "fold": terminal(p2_fold_win, -p2_fold_win)},
                            infoset="P2 facing a bet"),
        }, infoset=f"P1 {card}")
    return build_tree(["P1", "P2"], chance({"high": ("1/2", after("high", 1)), "low": ("1/2", after("low", -1))}),
                      title="small poker")


def entry_with_signal():
    """Not zero-sum, with chance and imperfect information inside a proper subgame: P1 may stay out; if in,
    nature picks P2's type, P2 (who knows it) signals, P1 (who sees only the signal) fights or yields."""
    def typed(kind, strong):
        def answer(signal, cost):
            return decision("P1", {"fight": terminal(2 if not strong else -1, (1 if strong else -1) - cost),
                                   "yield": terminal(0, 2 - cost)}, infoset=f"P1 sees {signal}")
        return decision("P2", {"loud": answer("loud", 0 if strong else 1), "quiet": answer("quiet", 0)},
                        infoset=f"P2 {kind}")
    inside = chance({"strong": ("1/3", typed("strong", True)), "weak": ("2/3", typed("weak", False))})
    return build_tree(["P1", "P2"], decision("P1", {"out": terminal(1, 3), "in": inside}, infoset="P1 enters"),
                      title="entry with a signal")


def rnf_value(game) -> Fraction:
    """The value of a zero-sum tree from its reduced normal form, by the exact simplex method."""
    from kimgame.solvers.exact_lp import maximize

    A, _ = reduced_normal_form(game).numeric
    m, n = A.shape
    shift = 1 - min(A[i, j] for i in range(m) for j in range(n))
    result = maximize([0] * m + [1], [[-(A[i, j] + shift) for i in range(m)] + [1] for j in range(n)], [0] * n,
                      [[1] * m + [0]], [1])
    return result.value - shift


@pytest.fixture(scope="module")
def kuhn():
    return kimgame.load(KUHN)


def test_kuhn_sequence_form_sizes_and_lemke(kuhn):
    form = sequence_form(kuhn)
    assert form.sizes == (13, 13, 6, 6)  # 1 + 2 per information set; 6 information sets each
    assert form.constant_sum == 0
    x, y, run = sequence_lcp(form)
    assert run.exact_pivots > 0 and run.float_pivots == 0 and "fewer than" in run.reason  # small: exact at once
    assert form.value(x, y) == (F(-1, 18), F(1, 18))
    assert best_response_value(form, 0, y) == F(-1, 18) and best_response_value(form, 1, x) == F(1, 18)
    assert is_equilibrium(kuhn, behavior_of(form, x, y))


def test_kuhn_sequence_lp_value(kuhn):
    form = sequence_form(kuhn)
    x, y, value, how = sequence_lp(form)
    assert value == F(-1, 18)
    assert "certified exactly" in how
    assert is_equilibrium(kuhn, behavior_of(form, x, y))


def test_kuhn_solve_default_uses_sequence_form(kuhn):
    result = kimgame.solve(kuhn)
    assert "sequence-lcp" in result.method.algorithm
    # one Lemke path gives one equilibrium; the reduced normal form (1728 profiles) gives every pure one (none)
    assert result.method.scope == "all pure Nash equilibria" and result.complete and not result.pure_equilibria
    assert result.tree.value == F(-1, 18)
    eq = result.equilibria[0]
    assert eq.payoffs == (F(-1, 18), F(1, 18)) and eq.subgame_perfect
    assert is_equilibrium(kuhn, flat_behavior(kuhn, eq.behavior))
    notes = " ".join(result.notes)
    assert "--method enummixed --timeout 600" in notes and "value for P1 is -1/18" in notes


@pytest.mark.parametrize("method", ["sequence-lcp", "sequence-lp"])
def test_kuhn_explicit_methods(kuhn, method):
    result = kimgame.solve(kuhn, method=method)
    assert method in result.method.algorithm and result.method.scope == "one equilibrium" and result.complete
    eq = result.equilibria[0]
    assert eq.payoffs[0] == F(-1, 18)
    assert is_equilibrium(kuhn, flat_behavior(kuhn, eq.behavior))


@pytest.mark.parametrize("fold_win", [1, 0, 3])
def test_sequence_lp_value_equals_reduced_normal_form_lp(fold_win):
    game = small_poker(fold_win)
    form = sequence_form(game)
    x, y, value, _ = sequence_lp(form)
    assert value == rnf_value(game)
    assert is_equilibrium(game, behavior_of(form, x, y))
    x2, y2, _ = sequence_lcp(form)  # Lemke finds optimal strategies too: same value
    assert form.value(x2, y2)[0] == value


def test_small_poker_value_is_known():
    # P1 always bets high, bets low with probability 1/3; P2 calls with probability 2/3: value 1/3
    assert sequence_lp(sequence_form(small_poker(1)))[2] == F(1, 3)


def test_non_zero_sum_tree_with_chance_and_imperfect_information():
    game = entry_with_signal()
    result = kimgame.solve(game, method="sequence-lcp")
    assert "sequence-lcp" in result.method.algorithm and result.equilibria
    for eq in result.equilibria:  # P1 may be indifferent between staying out and entering
        assert eq.subgame_perfect
        assert is_equilibrium(game, flat_behavior(game, eq.behavior))
    # the signalling subgame on its own, too
    form = sequence_form(game, root=2)
    x, y, _ = sequence_lcp(form)
    assert form.players == (0, 1) and form.constant_sum is None
    value = form.value(x, y)
    assert best_response_value(form, 0, y) == value[0] and best_response_value(form, 1, x) == value[1]


def test_signaling_file_with_sequence_lcp():
    game = kimgame.load(DATA / "signaling.efg")
    form = sequence_form(game)
    x, y, _ = sequence_lcp(form)
    assert is_equilibrium(game, behavior_of(form, x, y))


def test_auto_switches_to_the_sequence_form_over_budget():
    game = entry_with_signal()
    small = kimgame.solve(game)
    assert "sequence" not in small.method.algorithm  # its subgame's reduced normal form (4 x 4) is within the budget
    big = kimgame.solve(game, limits={"auto_nash_profiles": 3})
    assert "sequence-lcp" in big.method.algorithm
    # one equilibrium of the subgame, then the pure equilibria of the whole reduced normal form
    assert big.method.scope == "all pure Nash equilibria"
    assert any("over the budget of 3 pure profiles" in n for n in big.notes)
    for eq in big.equilibria:
        assert is_equilibrium(game, flat_behavior(game, eq.behavior))
    # the equilibrium Lemke found is one of those the enumeration finds
    assert big.equilibria[0].payoffs in {eq.payoffs for eq in small.equilibria}


def test_sequence_lp_refuses_a_non_zero_sum_tree():
    with pytest.raises(KimgameError, match="zero-sum"):
        kimgame.solve(entry_with_signal(), method="sequence-lp")


def test_sequence_methods_need_two_players():
    game = build_tree(["A", "B", "C"], decision("A", {"l": terminal(1, 0, 0), "r": terminal(0, 1, 0)}))
    with pytest.raises(KimgameError, match="two-player"):
        kimgame.solve(game, method="sequence-lcp")


def test_a_stop_before_anything_is_found_claims_nothing(kuhn):
    from clirun import run_cli

    result = kimgame.solve(kuhn, timeout=0)
    assert result.partial and not result.equilibria and result.tree.nash_step == "not run"
    run = run_cli("solve", KUHN, "--timeout", "0")
    assert run.code == 3
    assert "Every Nash equilibrium found" not in run.out
    assert "no subgame-perfect equilibrium is listed" in run.out


@pytest.mark.parametrize("name", ["artist2", "bayes2a", "caro2", "montyhal", "4cards", "tim"])
def test_corpus_trees_get_a_verified_equilibrium(name):
    path = CORPUS / f"{name}.efg"
    if not path.exists():
        pytest.skip("Gambit's sample games are not present (../shared/corpus/gambit)")
    game = kimgame.load(path)
    result = kimgame.solve(game, conditions=False)
    assert result.equilibria and not result.partial
    eq = result.equilibria[0]
    assert is_equilibrium(game, flat_behavior(game, eq.behavior))


def test_pygambit_agrees_on_kuhn_poker_value(kuhn, tmp_path):
    pygambit = pytest.importorskip("pygambit", reason="pygambit is not installed (pip install --pre pygambit)")
    from kimgame.io.export import to_efg

    path = tmp_path / "kuhn.efg"
    path.write_text(to_efg(kuhn))
    theirs = pygambit.nash.lp_solve(pygambit.read_efg(str(path)), rational=True).equilibrium
    ours = kimgame.solve(kimgame.load(path), method="sequence-lp", conditions=False)
    assert F(str(theirs.payoffs["P1"])) == ours.equilibria[0].payoffs[0] == F(-1, 18)


def test_floating_point_path_is_certified_exactly(kuhn, monkeypatch):
    from kimgame.solvers import sequence_lcp as module

    monkeypatch.setattr(module, "EXACT_ONLY_SIZE", 0)  # Kuhn poker is small: force the float path
    for game in (kuhn, small_poker(1), entry_with_signal()):
        form = sequence_form(game)
        x, y, run = sequence_lcp(form)
        assert run.exact_pivots == 0 and not run.reason  # the float path's basis was certified exactly
        assert is_equilibrium(game, behavior_of(form, x, y))


def kuhn_cards(n: int):
    """Kuhn poker with an n-card deck and a 1/10 rake: the benchmark's generator (benchmarks/run.py), loaded
    from its file so the two cannot drift apart."""
    import importlib.util
    import sys

    module = sys.modules.get("kimgame_benchmarks")
    if module is None:
        spec = importlib.util.spec_from_file_location("kimgame_benchmarks", ROOT / "benchmarks" / "run.py")
        assert spec is not None and spec.loader is not None
        module = sys.modules["kimgame_benchmarks"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module.kuhn_cards(n)


def test_float_path_of_a_larger_poker_is_an_equilibrium_by_the_reference_verifier():
    game = kuhn_cards(10)  # 41 + 41 sequences: over EXACT_ONLY_SIZE, so the float path runs
    form = sequence_form(game)
    x, y, run = sequence_lcp(form)
    assert run.float_pivots > 0 and run.exact_pivots == 0 and not run.reason
    assert "certified exactly" in str(run)
    assert is_equilibrium(game, behavior_of(form, x, y))


def huge_and_tiny(big):
    """P1's third action pays -big: in floats the payoff differences of 1 elsewhere are lost."""
    def answer(a, b, c, d):
        return decision("P2", {"l": terminal(a, b), "r": terminal(c, d)}, infoset="P2")
    return build_tree(["P1", "P2"], decision(
        "P1", {"c": answer(-big, 0, -big, 0), "b": answer(1, 2, 3, 0), "a": answer(2, 1, 0, 3)}, infoset="P1"))


def test_an_uncertified_float_path_is_finished_by_exact_pivoting(monkeypatch):
    from kimgame.solvers import sequence_lcp as module

    monkeypatch.setattr(module, "EXACT_ONLY_SIZE", 0)
    game = huge_and_tiny(10**20)
    form = sequence_form(game)
    x, y, run = sequence_lcp(form)
    assert run.reason == "float path not certified (a negative basic variable): exact pivoting"
    assert run.exact_pivots > 0
    assert y == (1, F(3, 4), F(1, 4))
    assert is_equilibrium(game, behavior_of(form, x, y))
    _, y2, run = sequence_lcp(sequence_form(huge_and_tiny(10)))  # the same game with small numbers
    assert not run.reason and y2 == y


def test_a_float_path_stopped_early_is_resumed_exactly(kuhn, monkeypatch):
    from kimgame.solvers import sequence_lcp as module

    monkeypatch.setattr(module, "EXACT_ONLY_SIZE", 0)
    monkeypatch.setattr(module, "PIVOT_FACTOR", 0)  # the float path stops after z0 has entered
    form = sequence_form(kuhn)
    x, y, run = sequence_lcp(form)
    assert run.float_pivots == 1
    assert run.reason == "float path ran past the pivot limit: exact pivoting from the float basis"
    assert is_equilibrium(kuhn, behavior_of(form, x, y))


def test_a_resumed_path_that_fails_starts_over(kuhn, monkeypatch):
    """A float basis can pass the lexicographic check yet lie off Lemke's path from the start; when the
    exact path resumed from it fails, the exact path is run again from the start, and the reason says so."""
    from kimgame.solvers import sequence_lcp as module

    monkeypatch.setattr(module, "EXACT_ONLY_SIZE", 0)
    monkeypatch.setattr(module, "PIVOT_FACTOR", 0)
    exact_path = module._exact_path

    def off_the_path(system, clock, resume=None):
        if resume is not None:
            raise module.LemkeFailure("cycled")
        return exact_path(system, clock)

    monkeypatch.setattr(module, "_exact_path", off_the_path)
    form = sequence_form(kuhn)
    x, y, run = sequence_lcp(form)
    assert run.reason == ("float path ran past the pivot limit: exact pivoting from the start "
                          "(the path from the float basis cycled)")
    assert is_equilibrium(kuhn, behavior_of(form, x, y))


def test_a_lemke_path_stops_at_the_deadline(kuhn):
    import time

    from kimgame.solvers.clock import Clock, SearchTimeout

    with pytest.raises(SearchTimeout) as stop:
        sequence_lcp(sequence_form(kuhn), clock=Clock(time.monotonic() - 1))
    assert not stop.value.interrupted and len(stop.value.partial) == 0
