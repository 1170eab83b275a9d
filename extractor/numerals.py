"""Numeral strings to exact numbers (fractions), with intervals for vague numerals.

Pure functions over the tables in `rules/numerals.yaml`: no regex, no state.
    parse_numeral("16.4亿") -> Numeral(low=1640000000)
    parse_numeral("十几万") -> Numeral(low=110000, high=190000, comparator="range")
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .rules import NumeralTables


@dataclass(frozen=True)
class Numeral:
    low: Fraction
    high: Fraction | None = None
    comparator: str | None = None  # ">" for 多/余, "range" for vague intervals


class NumeralError(ValueError):
    """The string is not a numeral these tables can read."""


def _arabic(text: str) -> Fraction:
    text = text.replace(",", "")
    whole, point, decimals = text.partition(".")
    digits = whole[1:] if whole[:1] == "-" else whole
    if _ascii_digits(digits) and (not point or _ascii_digits(decimals)):  # 49.5, -2.1: no regex parse
        return Fraction(int(whole + decimals), 10 ** len(decimals))
    return Fraction(text)


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _split_magnitude(text: str, tables: NumeralTables) -> tuple[str, Fraction]:
    """Strip trailing multiplier characters: '1.2万亿' -> ('1.2', 1e12)."""
    factor = Fraction(1)
    end = len(text)
    mags, places = tables.magnitudes, tables.places
    while end > 0 and (text[end - 1] in mags or text[end - 1] in places):
        factor *= places[text[end - 1]] if text[end - 1] in places else mags[text[end - 1]]
        end -= 1
    return text[:end], factor


def parse_chinese(text: str, tables: NumeralTables) -> Fraction:
    """A standard Chinese numeral: 一亿零五百万, 十二万三千, 三点五, 二〇二四."""
    digits, places, mags = tables.digits, tables.places, tables.magnitudes
    if not text:
        raise NumeralError("empty numeral")
    if tables.decimal_point in text:
        whole, _, frac = text.partition(tables.decimal_point)
        frac, factor = _split_magnitude(frac, tables)
        if not frac or any(c not in digits for c in frac):
            raise NumeralError(f"bad decimals in {text!r}")
        value = parse_chinese(whole, tables) if whole else Fraction(0)
        value += Fraction("0." + "".join(str(digits[c]) for c in frac))
        return value * factor
    if all(c in digits for c in text) and len(text) > 1:  # 二〇二四: digit by digit
        return Fraction(int("".join(str(digits[c]) for c in text)))
    total = section = number = 0
    seen_digit = False
    for ch in text:
        if ch in digits:
            number, seen_digit = digits[ch], True
        elif ch in tables.tens:
            section += tables.tens[ch]
            number = 0
        elif ch in places:
            section += (number if seen_digit else 1) * places[ch]
            number, seen_digit = 0, False
        elif ch in mags:
            if mags[ch] >= max(mags.values()):
                total = (total + section + number or 1) * mags[ch]
                section = 0
            else:
                section = (section + number) * mags[ch]
                if section == 0:
                    section = mags[ch]
            number, seen_digit = 0, False
        else:
            raise NumeralError(f"not a numeral character: {ch!r} in {text!r}")
    return Fraction(total + section + number)


def _vague(core: str, tables: NumeralTables) -> tuple[Fraction, Fraction] | None:
    """Interval for 数十, 上百, 十几, 两三, 三四十; None when the core is not vague."""
    digits, places = tables.digits, tables.places
    if core[:1] in tables.vague_prefix and len(core) > 1:  # 数十, 几百, 上万 -> [X, 10X]
        rest, factor = _split_magnitude(core[1:], tables)
        if rest == "":
            return factor, factor * 10
    if tables.vague_digit in core:  # 十几 -> 十一..十九; 几 alone -> 2..9
        if core == tables.vague_digit:
            return Fraction(2), Fraction(9)
        low = parse_chinese(core.replace(tables.vague_digit, "一"), tables)
        high = parse_chinese(core.replace(tables.vague_digit, "九"), tables)
        return low, high
    head, factor = _split_magnitude(core, tables)
    if len(head) == 2 and all(c in digits and digits[c] for c in head):  # 两三, 三四(十)
        a, b = digits[head[0]], digits[head[1]]
        if a < b:
            return Fraction(a) * factor, Fraction(b) * factor
    if len(core) >= 3 and core[0] in digits and core[1] in digits and core[2] in places:
        a, b = digits[core[0]], digits[core[1]]
        if 0 < a < b:  # 三四十万 -> 30万..40万
            _, factor = _split_magnitude(core[2:], tables)
            return Fraction(a) * factor, Fraction(b) * factor
    return None


def parse_numeral(text: str, tables: NumeralTables) -> Numeral:
    """Any numeral: Arabic, Chinese, mixed (1.2万亿), vague (十几万), approximate (6.4万余)."""
    comparator = None
    body = text
    for ch in tables.approx_suffix:  # 1270多万, 6.4万余, 三十余
        if ch in body:
            body = body.replace(ch, "", 1)
            comparator = ">"
            break
    if not body:
        raise NumeralError(f"no digits in {text!r}")
    if body[0].isdigit() or (body[0] == "-" and body[1:2].isdigit()):
        head, factor = _split_magnitude(body, tables)
        try:
            value = _arabic(head)
            return Numeral(value * factor if factor != 1 else value, None, comparator)
        except ValueError as exc:
            raise NumeralError(f"bad number {text!r}") from exc
    core, factor = body, Fraction(1)
    # Keep magnitudes that belong to the numeral (十二万三千); strip only a pure tail.
    tail_core, tail_factor = _split_magnitude(body, tables)
    vague = _vague(body, tables)
    if vague is None and tail_core and tail_core != body and _is_vague_shape(tail_core, tables):
        core, factor = tail_core, tail_factor
        vague = _vague(core, tables)
    if vague is not None:
        return Numeral(vague[0] * factor, vague[1] * factor, "range")
    return Numeral(parse_chinese(core, tables) * factor, None, comparator)


def _is_vague_shape(core: str, tables: NumeralTables) -> bool:
    return (
        tables.vague_digit in core
        or core[:1] in tables.vague_prefix
        or (len(core) >= 2 and core[0] in tables.digits and core[1] in tables.digits)
    )
