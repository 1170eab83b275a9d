"""Normalization of numeral strings, apart from record gold (dateparser's intermediate table)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from extractor import load_rules
from extractor.numerals import NumeralError, parse_numeral

TABLES = load_rules().numerals

TABLE = [(ex.text, ex.number, ex.number_max, ex.comparator) for ex in TABLES.examples] + [
    ("一百二十万", 1200000, None, None),
    ("三千零五十", 3050, None, None),
    ("零点五", 0.5, None, None),
    ("九十九", 99, None, None),
    ("一万", 10000, None, None),
    ("十万", 100000, None, None),
    ("百", 100, None, None),
    ("三亿五千万", 350000000, None, None),
    ("1.05万", 10500, None, None),
    ("0.3", 0.3, None, None),
    ("五六十", 50, 60, "range"),
    ("几", 2, 9, "range"),
]


@pytest.mark.parametrize("text, number, number_max, comparator", TABLE)
def test_numeral(text, number, number_max, comparator):
    got = parse_numeral(text, TABLES)
    assert float(got.low) == pytest.approx(number)
    if number_max is not None:
        assert float(got.high) == pytest.approx(number_max)
    if comparator is not None:
        assert got.comparator == comparator


def test_decimal_arithmetic_is_exact():
    assert parse_numeral("16.4亿", TABLES).low == Fraction(1640000000)
    assert parse_numeral("0.1万", TABLES).low == Fraction(1000)
    assert parse_numeral("1924.5万", TABLES).low == Fraction(19245000)


@pytest.mark.parametrize("text", ["三点", "多", "abc", "零点"])
def test_not_numerals(text):
    with pytest.raises(NumeralError):
        parse_numeral(text, TABLES)
