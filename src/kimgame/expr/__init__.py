"""Exact numbers and safe parameter expressions."""

from kimgame.expr.numbers import fmt, fmt_both, fmt_decimal, parse_number
from kimgame.expr.parse import parse_formula
from kimgame.expr.tree import Formula, constant

__all__ = ["Formula", "constant", "fmt", "fmt_both", "fmt_decimal", "parse_formula", "parse_number"]
