"""Correctness harness: seeded random games, degenerate by construction, checked against independent
references.

Two players (``kimgame.solvers.enummixed.extreme_equilibria``, what ``kimgame.solve`` reports):

1. every reported profile is an exact equilibrium (checked here, independently of kimgame's verifier);
2. the set equals an exact brute-force support enumeration written below (every support ``I`` of the row
   player with every set ``L`` of as many columns made tight, solved exactly; the same for the column
   player; the Nash pairs of the candidates) — on every size up to 4 x 4;
3. the set equals the vertex-pairing reference of ``tests/reference.py`` (imported);
4. nashpy's support enumeration, each result re-derived and verified exactly, gives a subset;
5. optionally, Gambit's ``enummixed_solve(rational=True)`` gives the identical set (skipped, with the reason
   shown, when pygambit is not installed).

N players (``kimgame.solve(game, method="polynomial")``): textbook 2 x 2 x 2 games whose equilibria are
derived below, irrational equilibria, degenerate games, limits; optionally compared with Gambit's enumpoly.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import kimgame
from kimgame.errors import KimgameError
from kimgame.solvers.enummixed import extreme_equilibria
from reference import brute_equilibria, fr, solve_exact

F = Fraction
ROOT = Path(__file__).resolve().parent.parent
Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


# ---------------------------------------------------------------------------------------------------
# references written for this harness


def nash(A, B, x, y) -> bool:
    """Exact best-response check of the mixed profile (x, y)."""
    m, n = len(A), len(A[0])
    if any(v < 0 for v in (*x, *y)) or sum(x) != 1 or sum(y) != 1:
        return False
    Ay = [sum(A[i][j] * y[j] for j in range(n)) for i in range(m)]
    xB = [sum(x[i] * B[i][j] for i in range(m)) for j in range(n)]
    return all(Ay[i] == max(Ay) for i in range(m) if x[i]) and all(xB[j] == max(xB) for j in range(n) if y[j])


def strategy_candidates(M: list[list[Fraction]]) -> set[tuple[Fraction, ...]]:
    """Mixed strategies x over the rows of M that are vertices of the opponent's best-response region.

    For every support I of x and every set L of |I| columns (the opponent's strategies made tight),
    solve sum_{i in I} x_i M[i][j] = v (j in L), sum x_i = 1; keep unique solutions with x >= 0 under which
    the columns in L are best responses. These are exactly the normalised vertices of
    {x >= 0 : x^T M <= 1} (for M shifted positive), so the Nash pairs of the row and column candidates are
    exactly the extreme equilibria (Avis, Rosenberg, Savani and von Stengel 2010, section 3).
    """
    m, n = len(M), len(M[0])
    out = set()
    for size in range(1, min(m, n) + 1):
        for support in itertools.combinations(range(m), size):
            for tight in itertools.combinations(range(n), size):
                rows = [[M[i][j] for i in support] + [F(-1)] for j in tight] + [[F(1)] * size + [F(0)]]
                sol = solve_exact(rows, [F(0)] * size + [F(1)])
                if sol is None or any(v < 0 for v in sol[:-1]):
                    continue
                x = [F(0)] * m
                for i, v in zip(support, sol[:-1]):
                    x[i] = v
                values = [sum(x[i] * M[i][j] for i in range(m)) for j in range(n)]
                if max(values) == sol[-1]:
                    out.add(tuple(x))
    return out


def support_enumeration(A, B) -> list[Profile]:
    """Every extreme equilibrium, by brute force: the Nash pairs of the candidates of both players."""
    m, n = len(A), len(A[0])
    AT = [[A[i][j] for i in range(m)] for j in range(n)]
    xs, ys = strategy_candidates(B), strategy_candidates(AT)
    out = set()
    for x in xs:
        xB = [sum(x[i] * B[i][j] for i in range(m)) for j in range(n)]
        best_cols = {j for j in range(n) if xB[j] == max(xB)}
        for y in ys:
            if not {j for j in range(n) if y[j]} <= best_cols:
                continue
            Ay = [sum(A[i][j] * y[j] for j in range(n)) for i in range(m)]
            if all(Ay[i] == max(Ay) for i in range(m) if x[i]):
                out.add((x, y))
    return sorted(out)


def nashpy_exact(A, B) -> list[Profile]:
    """nashpy's support enumeration (floats), each result re-derived and verified exactly."""
    import warnings

    import nashpy

    from kimgame.solvers.nashpy_adapter import exact_profile

    a = np.array([[float(v) for v in r] for r in A])
    b = np.array([[float(v) for v in r] for r in B])
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x, y in nashpy.Game(a, b).support_enumeration():
            eq = exact_profile(np.array(A, dtype=object), np.array(B, dtype=object), list(x), list(y))
            if eq is not None:
                found.append(eq)
    return found


# ---------------------------------------------------------------------------------------------------
# seeded games


def random_integer(rng, m, n, low=-3, high=3):
    return fr(rng.integers(low, high + 1, (m, n))), fr(rng.integers(low, high + 1, (m, n)))


def random_rational(rng, m, n):
    def draw():
        return [[F(int(rng.integers(-6, 7)), int(rng.integers(1, 5))) for _ in range(n)] for _ in range(m)]
    return draw(), draw()


def degenerate(rng, kind: str, m, n):
    A, B = random_integer(rng, m, n, -2, 2)
    if kind == "duplicate row" and m > 1:
        A[1], B[1] = list(A[0]), list(B[0])
    elif kind == "duplicate column" and n > 1:
        for r in range(m):
            A[r][1], B[r][1] = A[r][0], B[r][0]
    elif kind == "zero column":
        for r in range(m):
            A[r][n - 1] = B[r][n - 1] = F(0)
    elif kind == "constant":
        c = F(int(rng.integers(-3, 4)))
        A = [[c] * n for _ in range(m)]
        B = [[c + 1] * n for _ in range(m)]
    elif kind == "constant for one player":
        B = [[F(2)] * n for _ in range(m)]
    elif kind == "tied best responses":  # many equal payoffs: a 0/1 game
        A, B = random_integer(rng, m, n, 0, 1)
    return A, B


KINDS = ("duplicate row", "duplicate column", "zero column", "constant", "constant for one player",
         "tied best responses")
SIZES = [(m, n) for m in range(1, 5) for n in range(1, 5)]


def suite():
    rng = np.random.default_rng(20240531)
    games = []
    for k in range(48):
        m, n = SIZES[k % len(SIZES)]
        games.append((f"integer {m}x{n} #{k}", *random_integer(rng, m, n)))
    for k in range(32):
        m, n = SIZES[(5 * k + 3) % len(SIZES)]
        games.append((f"rational {m}x{n} #{k}", *random_rational(rng, m, n)))
    for k in range(60):
        kind = KINDS[k % len(KINDS)]
        m, n = SIZES[(7 * k + 1) % len(SIZES)]
        games.append((f"{kind} {m}x{n} #{k}", *degenerate(rng, kind, m, n)))
    return games


SUITE = suite()


@pytest.mark.parametrize("name, A, B", SUITE, ids=[g[0] for g in SUITE])
def test_enummixed_against_references(name, A, B):
    found = extreme_equilibria(A, B)
    for x, y in found:
        assert nash(A, B, x, y), f"{name}: {x}, {y} is not an equilibrium"
    assert len(set(found)) == len(found)
    assert sorted(found) == support_enumeration(A, B), name
    assert sorted(found) == brute_equilibria(A, B), name
    assert set(nashpy_exact(A, B)) <= set(found), name


def test_suite_is_degenerate_where_it_says():
    """The constructions do what their names say (a test that cannot fail is a defect)."""
    by_kind = {kind: [g for g in SUITE if g[0].rsplit(" ", 2)[0] == kind] for kind in KINDS}
    assert all(len(games) >= 5 for games in by_kind.values())
    # a constant game: every pure profile is an extreme equilibrium
    for _, A, B in by_kind["constant"]:
        assert len(extreme_equilibria(A, B)) == len(A) * len(A[0])
    # at least one game where nashpy misses an extreme equilibrium: the suite is degenerate enough
    assert any(set(nashpy_exact(A, B)) != set(extreme_equilibria(A, B)) for _, A, B in SUITE)


@pytest.mark.parametrize("seed", range(6))
def test_payoff_shifts_and_scaling_keep_the_equilibria(seed):
    rng = np.random.default_rng(seed)
    A, B = random_integer(rng, 4, 3)
    base = extreme_equilibria(A, B)
    shift = F(int(rng.integers(-9, 10)), 7)
    scale = F(int(rng.integers(1, 9)), 3)
    A2 = [[v * scale + shift for v in row] for row in A]
    B2 = [[v + 5 for v in row] for row in B]
    assert extreme_equilibria(A2, B2) == base
    # adding a constant to a column of A (a change the row player cannot influence) keeps them too
    A3 = [[v + (3 if j == 0 else 0) for j, v in enumerate(row)] for row in A]
    assert extreme_equilibria(A3, B) == base


def test_kimgame_solve_reports_exactly_the_reference_set():
    rng = np.random.default_rng(7)
    for _ in range(5):
        A, B = degenerate(rng, "duplicate row", 4, 4)
        game = kimgame.game_from_arrays([A, B])
        result = kimgame.solve(game)
        assert result.complete
        assert sorted(e.strategies for e in result.equilibria) == support_enumeration(A, B)


# ---------------------------------------------------------------------------------------------------
# Gambit (optional)


def gambit_extreme_equilibria(gbt, A, B) -> list[Profile]:
    import io

    from kimgame.io.export import to_nfg

    game = kimgame.game_from_arrays([A, B])
    g = gbt.read_nfg(io.BytesIO(to_nfg(game).encode("utf-8")))  # through kimgame's .nfg writer
    result = gbt.nash.enummixed_solve(g, rational=True)
    out = []
    for eq in result.equilibria:
        out.append(tuple(tuple(F(str(eq[p][s])) for s in g.get_strategies(p)) for p in g.players))
    return sorted(set(out))


def test_against_gambit_enummixed():
    gbt = pytest.importorskip("pygambit", reason="pygambit is not installed: the comparison with Gambit's "
                                                  "enummixed is skipped (pip install --pre pygambit)")
    rng = np.random.default_rng(99)
    checked = 0
    for name, A, B in SUITE[::3]:
        assert extreme_equilibria(A, B) == gambit_extreme_equilibria(gbt, A, B), name
        checked += 1
    for n in (5, 6):  # larger generic and degenerate games
        for kind in ("integer", "tied best responses"):
            A, B = random_integer(rng, n, n) if kind == "integer" else degenerate(rng, kind, n, n)
            assert extreme_equilibria(A, B) == gambit_extreme_equilibria(gbt, A, B), (kind, n)
            checked += 1
    assert checked >= 50


# ---------------------------------------------------------------------------------------------------
# N players: the polynomial method


def three_player_game(payoff, labels=("H", "T")):
    """A 2 x 2 x 2 game from ``payoff(profile) -> (u1, u2, u3)``."""
    arrays = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    for profile in itertools.product(range(2), repeat=3):
        for i, v in enumerate(payoff(profile)):
            arrays[i][profile] = F(v)
    return kimgame.game_from_arrays(arrays, strategies=[list(labels)] * 3)


def mixes(result) -> list[tuple[tuple[Fraction, ...], ...]]:
    return sorted(e.strategies for e in result.equilibria)


def test_jordans_three_player_matching_pennies():
    """Jordan (1993), "Three problems in learning mixed-strategy Nash equilibria", Games and Economic
    Behavior 5:368-386: player 1 wants to match player 2, player 2 to match player 3, player 3 to mismatch
    player 1 (payoff 1 if so, else 0).

    Derivation. Let p, q, r be the probabilities of H. Player 1's H earns q and T earns 1 - q, so player 1
    mixes only if q = 1/2; likewise player 2 mixes only if r = 1/2 and player 3 (H earns 1 - p, T earns p)
    only if p = 1/2. If some player is pure, say player 1 plays H, player 3 strictly prefers T, then player
    2 strictly prefers T, then player 1 strictly prefers T — a contradiction (the same cycle from any pure
    player). So the unique equilibrium is p = q = r = 1/2.
    """
    game = three_player_game(lambda s: (int(s[0] == s[1]), int(s[1] == s[2]), int(s[2] != s[0])))
    result = kimgame.solve(game, method="polynomial")
    half = (F(1, 2), F(1, 2))
    assert mixes(result) == [(half, half, half)]
    assert result.complete and not result.algebraic_equilibria
    assert result.equilibria[0].payoffs == (F(1, 2), F(1, 2), F(1, 2))


def test_two_totally_mixed_equilibria():
    """A 2 x 2 x 2 game in the spirit of McKelvey and McLennan (1997), "The maximal number of regular totally
    mixed Nash equilibria", JET 72:411-425: T pays 0; H pays 2 if both others play H, -3/2 if one does, 1 if
    none does.

    Derivation. Player i's gain from H over T against the others' probabilities q, r of H is the multilinear
    D(q, r) = (1-q)(1-r) - 3/2 q(1-r) - 3/2 (1-q)r + 2qr = 1 - 5/2 (q + r) + 6qr.
    Totally mixed: D(q, r) = D(p, r) = D(p, q) = 0. Subtracting the first two, (q - p)(6r - 5/2) = 0, and
    r = 5/12 gives D(q, 5/12) = -1/24 != 0, so p = q = r = x with 6x^2 - 5x + 1 = 0: x = 1/2 or x = 1/3.
    Pure: HHH (each gets 2 > 0) and the three with one H (the H player gets 1 > 0, the others would get
    -3/2 < 0); TTT fails (H earns 1) and two H's fail (the T player would earn 2).
    One player pure, two mixing: with player 1 on T the others need D(0, r) = 1 - 5/2 r = 0, r = q = 2/5,
    and then D(2/5, 2/5) = -1/25 < 0, so T is a best reply: three equilibria (T, 2/5, 2/5) up to order;
    with player 1 on H, q = r = 3/7 and D(3/7, 3/7) = -2/49 < 0 contradicts H. A single player mixing needs
    D = 0 at pure q, r: D takes the values 1, -3/2, -3/2, 2, never 0. Nine equilibria in all.
    """
    gain = {2: F(2), 1: F(-3, 2), 0: F(1)}

    def payoff(s):
        return tuple(gain[sum(1 for j in range(3) if j != i and s[j] == 0)] if s[i] == 0 else 0 for i in range(3))

    result = kimgame.solve(three_player_game(payoff), method="polynomial")

    def m(p):
        return (F(p), 1 - F(p))

    H, T = m(1), m(0)
    expected = {(H, H, H), (H, T, T), (T, H, T), (T, T, H), (m(F(1, 2)),) * 3, (m(F(1, 3)),) * 3,
                (T, m(F(2, 5)), m(F(2, 5))), (m(F(2, 5)), T, m(F(2, 5))), (m(F(2, 5)), m(F(2, 5)), T)}
    assert set(mixes(result)) == expected and len(result.equilibria) == 9
    assert result.complete


def test_irrational_equilibrium_is_reported_exactly_beside_floats():
    """Each of three players gets 2 from H if both others play H (else 0) and 1 from T. Totally mixed:
    2qr = 2pr = 2pq = 1, so p = q = r = sqrt(2)/2 — irrational. The pure equilibria HHH and TTT are
    rational; no other equilibrium exists (with player 3 on H the others mix at 1/2, and then 3 earns 1/2 < 1
    from H)."""
    import sympy

    game = three_player_game(lambda s: tuple((2 if s == (0, 0, 0) else 0) if s[i] == 0 else 1 for i in range(3)))
    result = kimgame.solve(game, method="polynomial")
    H, T = (F(1), F(0)), (F(0), F(1))
    assert mixes(result) == [(T, T, T), (H, H, H)]
    assert result.complete
    (alg,) = result.algebraic_equilibria
    root = sympy.sqrt(2) / 2
    for player in ("P1", "P2", "P3"):
        assert sympy.simplify(sympy.sympify(alg.strategies[player]["H"]) - root) == 0
        assert abs(alg.approx[player]["H"] - 0.7071067811865476) < 1e-12
        assert sympy.sympify(alg.payoffs[player]) == 1
    assert any("sqrt(2)/2 (≈0.707107)" in note for note in result.notes)
    # the exact profile satisfies the indifference equations exactly
    p = sympy.sympify(alg.strategies["P1"]["H"])
    assert sympy.simplify(2 * p * p - 1) == 0


def test_polynomial_method_matches_enummixed_on_two_player_games():
    rng = np.random.default_rng(3)
    for _ in range(4):
        A, B = random_integer(rng, 3, 3, -5, 5)
        game = kimgame.game_from_arrays([A, B])
        poly = kimgame.solve(game, method="polynomial")
        if poly.complete:  # generic: every equilibrium is isolated, so all are extreme
            assert mixes(poly) == sorted(extreme_equilibria(A, B))


def test_degenerate_games_list_the_extreme_points_of_linear_continua():
    constant = three_player_game(lambda s: (1, 1, 1))
    result = kimgame.solve(constant, method="polynomial")
    H, T = (F(1), F(0)), (F(0), F(1))
    assert set(mixes(result)) == set(itertools.product((H, T), repeat=3))  # the vertices of the whole cube
    assert any("a continuum of equilibria" in note for note in result.notes)
    # a coordination game where one player is indifferent: checked exactly
    game = kimgame.load(ROOT / "games" / "three_player_coordination.yaml")
    result = kimgame.solve(game, method="polynomial")
    from kimgame.solvers.verify import is_nash

    assert all(is_nash(game.numeric, e.strategies) for e in result.equilibria)
    assert result.algebraic_equilibria  # sqrt(43): irrational


def test_polynomial_limits_and_errors():
    big = kimgame.game_from_arrays([np.ones((4, 4, 4), dtype=int)] * 3)
    with pytest.raises(KimgameError, match="support profiles"):
        kimgame.solve(big, method="polynomial")
    five = kimgame.game_from_arrays([np.ones((2,) * 5, dtype=int)] * 5)
    with pytest.raises(KimgameError, match="the limits are 4 players"):
        kimgame.solve(five, method="polynomial")
    tree = kimgame.load(ROOT / "games" / "entry_deterrence.yaml")
    with pytest.raises(KimgameError, match="unknown method 'polynomial' for a game tree"):
        kimgame.solve(tree, method="polynomial")
    rng = np.random.default_rng(5)
    game = kimgame.game_from_arrays([rng.integers(0, 9, (3, 3, 3)) for _ in range(3)])
    result = kimgame.solve(game, method="polynomial", timeout=0.01)
    assert result.partial and not result.complete
    assert any("time limit" in note for note in result.notes)


def test_cli_polynomial_json():
    import json

    from clirun import run_cli

    run = run_cli("solve", str(ROOT / "games" / "three_player_coordination.yaml"), "--method", "polynomial", "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    irrational = [eq for eq in doc["equilibria"] if eq.get("rational") is False]  # the contract's marker
    assert irrational and "sqrt(43)" in json.dumps(irrational)
    for eq in doc["equilibria"]:
        if eq.get("rational") is False:
            assert all(0 <= p <= 1 for mix in eq["approx"].values() for p in mix.values())
            continue
        assert all(Fraction(p) >= 0 for mix in eq["strategies"].values() for p in mix.values())


def test_against_gambit_enumpoly():
    gbt = pytest.importorskip("pygambit", reason="pygambit is not installed: the comparison with Gambit's "
                                                  "enumpoly is skipped (pip install --pre pygambit)")
    rng = np.random.default_rng(11)
    compared = 0
    for _ in range(6):
        arrays = [rng.integers(-4, 5, (2, 2, 2)) for _ in range(3)]
        game = kimgame.game_from_arrays(arrays)
        result = kimgame.solve(game, method="polynomial")
        ours = {tuple(round(float(p), 6) for mix in e.strategies for p in mix) for e in result.equilibria}
        for alg in result.algebraic_equilibria:
            ours.add(tuple(round(v, 6) for player in alg.approx.values() for v in player.values()))
        g = gbt.StrategicGame.from_arrays(*[a.astype(object) for a in arrays])
        theirs = {tuple(round(float(eq[p][s]), 6) + 0.0 for p in g.players for s in g.get_strategies(p))
                  for eq in gbt.nash.enumpoly_solve(g).equilibria}
        ours = {tuple(v + 0.0 for v in t) for t in ours}
        # Gambit's enumpoly skips supports whose equations are singular; kimgame lists the extreme points of
        # such continua (verified exactly), so Gambit's set is a subset, and equal on generic games
        assert theirs <= ours
        if result.complete and not any("continuum" in note for note in result.notes):
            assert ours == theirs
            compared += 1
    assert compared >= 1
