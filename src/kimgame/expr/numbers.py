"""Exact numbers: reading decimals and fractions exactly, and writing them back.

Payoffs and probabilities in kimgame are ``fractions.Fraction``; a decimal such as ``0.1`` is read as
exactly 1/10, never through a binary float.
"""

from __future__ import annotations

import re
from fractions import Fraction

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_RATIO = re.compile(r"[+-]?\d+\s*/\s*[+-]?\d+")
MAX_EXPONENT = 400  # refuse 1e100000: the exact integer would be huge


def parse_number(text: str) -> Fraction | None:
    """Return the exact value of a decimal (``-0.25``, ``1e3``) or ratio (``2/7``), or None if ``text`` is neither."""
    s = text.strip().replace("_", "")
    if _DECIMAL.fullmatch(s):
        m = re.search(r"[eE]([+-]?\d+)$", s)
        if m and abs(int(m.group(1))) > MAX_EXPONENT:
            return None
        return Fraction(s)
    if _RATIO.fullmatch(s):
        num, den = (int(p) for p in s.split("/"))
        if den == 0:
            return None
        return Fraction(num, den)
    return None


def fmt(q: Fraction | int) -> str:
    """The exact rational string for ``q`` that ``Fraction`` parses back: ``"2/7"``, ``"-1"``."""
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def fmt_decimal(q: Fraction | int, digits: int = 4) -> str:
    """``q`` rounded to ``digits`` decimals for display beside the exact value (``0.2857``)."""
    q = Fraction(q)
    scaled = round(q * 10**digits)
    sign = "-" if scaled < 0 else ""
    scaled = abs(scaled)
    whole, frac = divmod(scaled, 10**digits)
    text = f"{sign}{whole}.{frac:0{digits}d}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_both(q: Fraction | int, digits: int = 4) -> str:
    """Exact value with a decimal beside it when it is not an integer: ``2/7 (≈0.2857)``."""
    q = Fraction(q)
    if q.denominator == 1:
        return fmt(q)
    return f"{fmt(q)} (≈{fmt_decimal(q, digits)})"
