"""Time expressions that say when a figure holds: 2024年, 1-8月, 今年上半年, 近三年, “十四五”末.

`PeriodMatcher.find(text, date)` returns spans with the period as written and its normalized
form against the article's date (`2024`, `2024-01/2024-08`, `2021/2025`); without a date, relative
periods (今年, 近三年) keep their text and get no normalized form. Pure: no state, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import regex

from .numerals import NumeralError, parse_numeral
from .patterns import compile_slots, groupdict
from .rules import RuleSet

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class DocDate:
    """An article's date, as precise as known (a year, a month or a day)."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str | dt.date | None) -> DocDate | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        m = _ISO.match(str(value).strip())
        if not m:
            raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
        year, month, day = (int(g) if g else None for g in m.groups())
        return cls(year, month, day)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)


@dataclass(frozen=True)
class PeriodSpan:
    start: int
    end: int
    text: str
    norm: str | None
    rule: str


def _month(year: int | None, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if year else None


def _span(year: int | None, m1: int, m2: int) -> str | None:
    return f"{year:04d}-{m1:02d}/{year:04d}-{m2:02d}" if year else None


class PeriodMatcher:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.relative = dict(rules.relative_years)
        self.plans = {k: tuple(v) for k, v in rules.plans.items()}
        self.compiled = [(p, compile_slots(p.pattern, rules.numerals)) for p in rules.periods]

    def find(self, text: str, date: DocDate | None = None) -> list[PeriodSpan]:
        """Non-overlapping periods, longest first, in text order."""
        found = []
        for entry, pattern in self.compiled:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    norm = self._normalize(entry.normalizer, m, date)
                    found.append(PeriodSpan(m.start(), m.end(), m.group(), norm, entry.id))
        found.sort(key=lambda p: (-(p.end - p.start), p.start))
        kept: list[PeriodSpan] = []
        for p in found:
            if all(p.end <= k.start or p.start >= k.end for k in kept):
                kept.append(p)
        return sorted(kept, key=lambda p: p.start)

    # -- normalizers: one small function of the match groups each

    def _int(self, value: str | None) -> int | None:
        if not value:
            return None
        try:
            return int(parse_numeral(value, self.rules.numerals).low)
        except (NumeralError, ValueError):
            return None

    def _year(self, groups: dict[str, str | None], date: DocDate | None) -> int | None:
        if groups.get("y"):
            return self._int(groups["y"])
        if groups.get("rel"):
            return date.year + self.relative.get(groups["rel"], 0) if date else None
        return date.year if date else None

    def _normalize(self, kind: str, m: regex.Match, date: DocDate | None) -> str | None:
        g = groupdict(m)
        year = self._year(g, date)
        if kind == "year":
            return f"{year:04d}" if year else None
        if kind == "year_range":
            y2 = self._int(g.get("y2"))
            return f"{year:04d}/{y2:04d}" if year and y2 else None
        if kind == "by_year":
            return f"{year:04d}" if year else None
        if kind == "month":
            month = self._int(g.get("m"))
            return _month(year, month) if month else None
        if kind == "month_range":
            m1, m2 = self._int(g.get("m")), self._int(g.get("m2"))
            return _span(year, m1, m2) if m1 and m2 and m1 <= m2 <= 12 else None
        if kind == "half":
            first = g.get("half") == "上半年"
            return _span(year, 1, 6) if first else _span(year, 7, 12)
        if kind == "quarter":
            q = self._int(g.get("q")) or 0
            if not 1 <= q <= 4:
                return None
            start = 1 if g.get("pre") == "前" else 3 * q - 2
            return _span(year, start, 3 * q)
        if kind == "relative_year":
            return f"{year:04d}" if year else None
        if kind == "year_end":
            return _month(year, 12)
        if kind == "recent_years":
            n = self._int(g.get("n"))
            return f"{date.year - n:04d}/{date.year - 1:04d}" if date and n else None
        if kind == "to_date":
            if not (date and date.month):
                return None
            return _span(year, 1, date.month)
        if kind in ("plan", "plan_end"):
            years = self.plans.get(g.get("plan") or "")
            if not years:
                return None
            return f"{years[1]}" if kind == "plan_end" else f"{years[0]}/{years[1]}"
        return None


_MATCHERS: dict[str, PeriodMatcher] = {}


def period_matcher_for(rules: RuleSet) -> PeriodMatcher:
    if rules.fingerprint not in _MATCHERS:
        _MATCHERS[rules.fingerprint] = PeriodMatcher(rules)
    return _MATCHERS[rules.fingerprint]
