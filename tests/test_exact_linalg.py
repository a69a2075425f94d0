"""Exact sparse solves (kimgame.solvers.exact_linalg.solve_sparse), checked against the dense Fraction solve."""

from __future__ import annotations

import random
from fractions import Fraction

from kimgame.solvers.exact_linalg import solve_sparse, solve_unique


def test_small_systems():
    assert solve_sparse([{0: 2, 1: 1}, {0: 1, 1: 3}], [3, 5]) == [Fraction(4, 5), Fraction(7, 5)]
    assert solve_sparse([{0: 1, 1: 1}, {0: 2, 1: 2}], [1, 2]) is None  # singular
    assert solve_sparse([{1: 1}, {}], [1, 0]) is None  # an empty row


def test_random_sparse_systems_agree_with_the_dense_solve():
    rng = random.Random(7)
    for n in (1, 3, 8, 20):
        for _ in range(10):
            rows = [{j: rng.randint(-5, 5) for j in rng.sample(range(n), rng.randint(1, min(n, 3)))} for _ in range(n)]
            rhs = [Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(n)]
            dense = [[Fraction(row.get(j, 0)) for j in range(n)] for row in rows]
            expected = solve_unique(dense, rhs)
            got = solve_sparse(rows, rhs)
            assert got == expected
            if got is not None:
                assert all(sum(a * got[j] for j, a in row.items()) == b for row, b in zip(rows, rhs))
