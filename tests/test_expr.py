"""Safe expression parsing: exact numbers, the whitelist, refusals with positions."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from kimgame.errors import KimgameError, Location
from kimgame.expr import fmt, fmt_both, parse_formula, parse_number

PARAMS = ("W", "p_insult", "C", "x")
VALUES = {"W": Fraction(100), "p_insult": Fraction(3, 5), "C": Fraction(7), "x": Fraction(1, 3)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.1", Fraction(1, 10)), ("2/7", Fraction(2, 7)), ("-3", Fraction(-3)), ("1e3", Fraction(1000)),
     ("1.5e-2", Fraction(3, 200)), (" 4 / -6 ", Fraction(-2, 3)), (".5", Fraction(1, 2))],
)
def test_numbers_are_exact(text, expected):
    assert parse_number(text) == expected
    assert parse_formula(text, ()).evaluate({}) == expected


def test_expression_value_is_exact():
    f = parse_formula("W*(1 - p_insult) - C + 0.1", PARAMS)
    assert f.evaluate(VALUES) == Fraction(100) * Fraction(2, 5) - 7 + Fraction(1, 10)
    assert f.parameters == {"W", "p_insult", "C"}


def test_decimal_inside_expression_is_exact():
    # 0.1 + 0.2 is exactly 3/10 here, unlike in floats
    assert parse_formula("0.1 + 0.2", ()).evaluate({}) == Fraction(3, 10)


def test_functions_and_powers():
    assert parse_formula("max(x, 1/2) + min(W, 3) + abs(-2) + x**2", PARAMS).evaluate(VALUES) == Fraction(1, 2) + 3 + 2 + Fraction(1, 9)


def test_to_sympy_matches_evaluation():
    f = parse_formula("W*(1 - p_insult)/x - C**2", PARAMS)
    sym = f.to_sympy()
    subs = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator) for k, v in VALUES.items()}
    assert sympy.Rational(sym.subs(subs)) == sympy.Rational(*f.evaluate(VALUES).as_integer_ratio())


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("__import__('os').system('echo hacked')", "not allowed"),
        ("W.__class__", "attribute access"),
        ("(lambda: 1)()", "not allowed"),
        ("[a for a in W]", "comprehension"),
        ("W[0]", "indexing"),
        ("open('x')", "calling 'open' is not allowed"),
        ("W if C else x", "if-expression"),
        ("W > C", "comparison"),
        ("'text'", "not a number"),
        ("y + 1", "'y' is not a declared parameter"),
        ("W +", "cannot read"),
        ("max(W)", "two or more"),
        ("1j", "is not a number"),
    ],
)
def test_refused_expressions(text, fragment):
    with pytest.raises(KimgameError) as info:
        parse_formula(text, PARAMS, Location("f.yaml", 3, 10))
    assert fragment in info.value.message
    assert info.value.where.file == "f.yaml" and info.value.where.line == 3


def test_error_column_points_inside_the_expression():
    with pytest.raises(KimgameError) as info:
        parse_formula("W + zeta", PARAMS, Location("f.yaml", 2, 5))
    assert info.value.where.col == 5 + 4


@pytest.mark.parametrize("text", ["10**10**10", "9**9**9", "2**(2**40)"])
def test_huge_powers_are_refused_quickly(text):
    with pytest.raises(KimgameError, match="too large"):
        parse_formula(text, ()).evaluate({})


def test_fractional_power_refused_and_division_by_zero_reported():
    with pytest.raises(KimgameError, match="whole number"):
        parse_formula("2**(1/2)", ()).evaluate({})
    f = parse_formula("W / (C - 7)", PARAMS, Location("g.yaml", 4, 2))
    with pytest.raises(KimgameError, match="division by zero") as info:
        f.evaluate(VALUES)
    assert str(info.value.where) == "g.yaml:4:2"


def test_deep_nesting_is_refused_not_crashing():
    with pytest.raises(KimgameError, match="nested"):
        parse_formula("(" * 3000 + "1" + ")" * 3000, ())


def test_formatting():
    assert fmt(Fraction(-2, 7)) == "-2/7"
    assert fmt(Fraction(4, 2)) == "2"
    assert fmt_both(Fraction(2, 7)) == "2/7 (≈0.2857)"
    assert fmt_both(Fraction(-1, 2)) == "-1/2 (≈-0.5)"
    assert Fraction(fmt(Fraction(-22, 7))) == Fraction(-22, 7)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [(["x", "1 - x"], True), (["W*x", "W*(1 - x)", "1 - W"], True), (["x**2", "(1 - x)**2", "2*x*(1 - x)"], True),
     (["x/2", "x/2", "1 - x"], True), (["x", "1 - x", "x**2"], False), (["x", "x"], False),
     (["1/x", "1 - 1/x"], True), (["x/(1 + x)", "1/(1 + x)"], True), (["1/x", "1 - x"], False),
     (["x/(x - x)", "1"], None), (["max(x, 0)", "1 - x"], None)],
)
def test_polynomial_normal_form_decides_identities_exactly(terms, expected):
    from kimgame.expr.polynomial import equal_as_functions
    from kimgame.expr.tree import Num

    exprs = [parse_formula(t, PARAMS).expr for t in terms]
    assert equal_as_functions(exprs, Num(Fraction(1))) is expected


def test_walks_over_a_formula_agree():
    from kimgame.expr.polynomial import rational_function
    from kimgame.expr.tree import evaluate, parameters_of, substitute, to_sympy

    f = parse_formula("-(W - C)**2 / (1 + x) + max(x, p_insult) * abs(-C)", PARAMS)
    assert parameters_of(f.expr) == {"W", "C", "x", "p_insult"}
    value = f.evaluate(VALUES)
    assert value == -Fraction(93) ** 2 / Fraction(4, 3) + Fraction(3, 5) * 7
    assert to_sympy(f.expr).subs({sympy.Symbol(k, real=True): sympy.Rational(str(v)) for k, v in VALUES.items()}) \
        == sympy.Rational(value.numerator, value.denominator)
    partial = substitute(f.expr, {"W": VALUES["W"], "C": VALUES["C"]})
    assert parameters_of(partial) == {"x", "p_insult"} and evaluate(partial, VALUES) == value
    g = parse_formula("-(W - C)**2 / (1 + x)", PARAMS)
    index = {"C": 0, "W": 1, "x": 2}
    r = rational_function(g.expr, index)
    point = (VALUES["C"], VALUES["W"], VALUES["x"])

    def at(p):
        return sum((c * Fraction(point[0]) ** m[0] * point[1] ** m[1] * point[2] ** m[2] for m, c in p.terms.items()),
                   Fraction(0))

    assert at(r.num) / at(r.den) == g.evaluate(VALUES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x*W - x*W + C", {"x": 0, "W": 0, "C": 1}), ("(x + W)**3 / 2", {"x": 3, "W": 3}),
     ("x / W", None), ("max(x, W)", None), ("x**65", None), ("(x + W + C + p_insult)**64", None)],
)
def test_polynomial_degrees_are_exact(text, expected):
    from kimgame.expr.polynomial import polynomial_degrees

    assert polynomial_degrees(parse_formula(text, PARAMS).expr) == expected
