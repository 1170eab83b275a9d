"""Find quantities on characters: number + unit with bounds and ranges, and whole-mention patterns.

Matching works on the normalized text (same length as the source), so every offset is a source
offset. `QuantityMatcher.find(text)` is pure: it returns the kept candidates and the dropped ones
with the reason, which `zh-extract explain` prints. The spaCy component in `components.py` maps
the kept ones to token spans.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import accumulate, pairwise

import regex

from .numerals import Numeral, NumeralError, parse_numeral
from .patterns import alternation, char_class, compile_slots, groupdict, numeral
from .rules import Pattern, RuleSet
from .traps import TrapMatcher, TrapSpan

MAGNITUDE_RULE = "number.magnitude"
BARE_RULE = "number.bare"
APPROX_RULE = "numeral.approx_suffix"


@dataclass(frozen=True)
class UnitDef:
    id: str
    dimension: str
    canonical: str
    factor: Fraction


@dataclass(frozen=True)
class Candidate:
    """A quantity found in the text, before it becomes a record."""

    start: int
    end: int
    number: Fraction
    number_max: Fraction | None
    value: Fraction
    value_max: Fraction | None
    unit: str | None
    dimension: str
    comparator: str
    change: bool
    direction: str | None
    rule: str
    rules: tuple[str, ...]
    unit_span: tuple[int, int] | None = None  # where unit_text stands, to read it from the source
    latent: bool = False
    priority: int = 0  # patterns (ranks) win ties against number + unit


@dataclass(frozen=True)
class Dropped:
    candidate: Candidate
    reason: str


@dataclass
class Found:
    kept: list[Candidate] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    traps: list[TrapSpan] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rule ids that timed out on this text


class QuantityMatcher:
    """Everything compiled from one rule set; build it with `matcher_for(rules)`."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        tables = rules.numerals
        self.units: dict[str, UnitDef] = {}
        self.before_units: dict[str, UnitDef] = {}
        for unit in rules.units:
            target = self.before_units if unit.before else self.units
            for alias in unit.aliases:
                target[alias] = UnitDef(unit.id, unit.dimension, unit.canonical, unit.factor)
        self.counters = {w for c in rules.counters for w in c.words}
        for counter in rules.counters:
            for word in counter.words:
                self.units[word] = UnitDef(counter.id, counter.dimension, word, Fraction(1))
        self.bounds_before = {w: b for b in rules.bounds if b.position == "before" for w in b.words}
        self.bounds_after = {w: b for b in rules.bounds if b.position == "after" for w in b.words}
        self.change_words = {w: c for c in rules.changes for w in c.words}
        self.prefixes = {p.text: p.factor for p in rules.prefixes}
        self.approx = set(tables.approx_suffix)

        num = numeral(tables)
        mags = char_class(self.prefixes) if self.prefixes else "(?!)"
        approx = char_class(self.approx) if self.approx else "(?!)"
        unit = alternation(self.units)
        def one(i: int) -> str:  # a number, 多/余, multipliers and an optional unit
            return (
                f"(?P<n{i}>{num})(?P<a{i}>{approx})?"
                # one space may stand before the unit, as in text taken from PDFs (12.5 亿元)
                f"(?:[ \u00a0]?(?P<m{i}>{mags}*?)(?P<b{i}>{approx})?(?P<u{i}>{unit})"
                f"(?:[/每](?P<per{i}>{unit}))?"
                f"|(?P<m{i}>{mags}*)(?P<b{i}>{approx})?)"
            )

        post = f"(?P<post>{alternation(self.bounds_after)})?"
        written = f"(?P<bu>{alternation(self.before_units)})(?P<n1>{num})"
        sep = "(?P<sep>[-~至到])"
        # a bound word before a number (超过, 不到) is looked up after the number is found: as an
        # optional start of the pattern it was tried at every one of its characters (~28% of this scan)
        self.range_re = regex.compile(f"(?:{written}|{one(1)}(?:{sep}{one(2)})?){post}", regex.V1)
        self.single_re = regex.compile(f"(?:{written}|{one(1)}){post}", regex.V1)
        self.pre_reach = max(map(len, self.bounds_before), default=0)
        self.post_re = regex.compile(post, regex.V1)
        self.pre_re = regex.compile(f"(?P<pre>{alternation(self.bounds_before)})$", regex.V1)
        links = alternation(rules.link_words) + "?" if rules.link_words else ""
        self.change_re = regex.compile(f"(?P<w>{alternation(self.change_words)}){links}[ \u00a0]?$", regex.V1)
        self.patterns: list[tuple[Pattern, regex.Pattern]] = [
            (p, compile_slots(p.pattern, tables)) for p in rules.patterns
        ]
        self.traps = TrapMatcher(rules)
        self._numerals: dict[str, Numeral] = {}

    def _numeral(self, text: str) -> Numeral:
        """parse_numeral, remembered: the same few thousand numerals recur across a corpus."""
        found = self._numerals.get(text)
        if found is None:
            if len(self._numerals) > 100_000:
                self._numerals.clear()
            found = self._numerals[text] = parse_numeral(text, self.rules.numerals)
        return found

    # ------------------------------------------------------------------ find

    def find(self, text: str, *, latent: bool = False, timeout: float | None = None) -> Found:
        """All quantities in normalized `text`; overlaps and traps are settled here."""
        found = Found()
        found.traps = self.traps.find(text, timeout=timeout, skipped=found.skipped)
        candidates = list(self._patterns(text, timeout, found.skipped))
        candidates += list(self._numbers(text, timeout))
        traps = SpanIndex(found.traps)
        for cand in candidates:
            trap = traps.first_overlap(cand.start, cand.end)
            if trap is not None:
                found.dropped.append(Dropped(cand, f"inside {trap.trap} ({trap.rule})"))
            elif cand.latent and not latent:
                found.dropped.append(Dropped(cand, "bare number without unit (latent)"))
            else:
                found.kept.append(cand)
        kept, lost = _resolve_overlaps(found.kept)
        found.kept = self._carry_changes(text, kept)
        found.dropped.extend(Dropped(c, "overlaps a longer or ranked match") for c in lost)
        return found

    def _carry_changes(self, text: str, kept: list[Candidate]) -> list[Candidate]:
        """分别增长4.8%和6.9%: a change word reaches every figure of a list joined by 和/、."""
        out: list[Candidate] = []
        for cand in kept:
            prev = out[-1] if out else None
            if (
                prev is not None and prev.change and not cand.change and cand.priority == 0
                and text[prev.end : cand.start] in self.rules.carry_over
            ):
                change_id = next((r for r in prev.rules if r.startswith("change")), None)
                cand = replace(
                    cand, change=True, direction=prev.direction,
                    rules=cand.rules + ((change_id,) if change_id else ()),
                )
            out.append(cand)
        return out

    def _patterns(self, text: str, timeout: float | None, skipped: list[str]):
        for pat, compiled in self.patterns:
            try:
                matches = list(compiled.finditer(text, timeout=timeout))
            except TimeoutError:  # one bad pattern must not cost the document
                skipped.append(pat.id)
                continue
            for m in matches:
                cand = self._from_pattern(pat, m)
                if cand is not None:
                    yield self._with_bounds(text, cand)

    def _from_pattern(self, pat: Pattern, m: regex.Match) -> Candidate | None:
        groups = groupdict(m)
        try:
            n = self._numeral(groups["n"]).low if groups.get("n") else None
            if pat.normalizer == "number":
                value = n
            elif pat.normalizer == "fixed":
                value = Fraction(str(pat.value))
            elif pat.normalizer == "power_of_two":
                value = Fraction(2) ** int(n or 1)
            else:  # fraction -> percent
                den = self._numeral(groups["den"]).low
                value = 100 * n / den
        except (NumeralError, ZeroDivisionError, TypeError, KeyError):
            return None
        if value is None:
            return None
        return Candidate(
            start=m.start(), end=m.end(), number=value, number_max=None, value=value,
            value_max=None, unit=pat.unit, dimension=pat.dimension,
            comparator=pat.comparator, change=pat.change, direction=pat.direction, rule=pat.id,
            rules=(pat.id,), priority=1,
        )

    def _with_bounds(self, text: str, cand: Candidate) -> Candidate:
        """Bound words around a pattern match: 三分之二以上, 超过四分之一."""
        if cand.comparator != "=":
            return cand
        start, end, comparator, rules = cand.start, cand.end, cand.comparator, list(cand.rules)
        post = self.post_re.match(text, end)
        if post and post.group("post"):
            bound = self.bounds_after[post.group("post")]
            end, comparator = post.end(), bound.comparator
            rules.append(bound.id)
        pre = self._bound_before(text, start, max(0, start - 4))  # within 4 characters of a pattern
        if pre:
            bound = self.bounds_before[pre]
            start -= len(pre)
            comparator = comparator if comparator != "=" else bound.comparator
            rules.append(bound.id)
        return replace(cand, start=start, end=end, comparator=comparator, rules=tuple(rules))

    def _numbers(self, text: str, timeout: float | None):
        pos = 0
        while True:
            m = self.range_re.search(text, pos, timeout=timeout)
            if m is None:
                return
            pre = self._bound_before(text, m.start(), pos)
            cand = self._from_number(text, m, pre)
            if cand is None and m.group("sep"):
                single = self.single_re.match(text, m.start(), timeout=timeout)
                cand = self._from_number(text, single, pre) if single else None
            if cand is not None:
                yield cand
                pos = cand.end
            else:
                pos = m.start() + 1

    def _bound_before(self, text: str, start: int, floor: int) -> str | None:
        """The longest bound word (超过, 不到) that ends where a number starts, not before `floor`."""
        if not self.pre_reach or start <= floor:
            return None
        pre = self.pre_re.search(text[max(floor, start - self.pre_reach) : start])
        return pre.group("pre") if pre else None

    def _from_number(self, text: str, m: regex.Match, pre: str | None = None) -> Candidate | None:
        g = groupdict(m)
        g["pre"] = pre
        start = m.start() - len(pre or "")
        if not (g["u1"] or g["bu"] or g.get("u2")) and _is_chinese(g["n1"]):
            return None  # 进一步, 一体化: a Chinese numeral needs a unit (it would get none below)
        tables = self.rules.numerals
        if not _is_counting_numeral(g["n1"], tables) and not _bare_places_ok(g, tables, self.counters):
            return None
        n1, u1, unit_start = g["n1"], g.get("u1"), m.start("m1")
        if u1 and _is_chinese(n1) and len(n1) > 1 and n1[-1] + u1 in self.units:
            n1, u1, unit_start = n1[:-1], n1[-1] + u1, unit_start - 1  # 三十万千瓦: 千 is 千瓦's
        if _is_chinese(n1):  # 十五亿元: the multiplier is part of the unit as written
            unit_start -= len(n1) - len(n1.rstrip("".join(tables.magnitudes)))
        try:
            first = self._numeral(n1 + (g.get("a1") or ""))
        except NumeralError:
            return None
        end = m.end()
        if g.get("bu"):
            unit = self.before_units[g["bu"]]
            unit_span, mags, approx = m.span("bu"), Fraction(1), None
        else:
            unit = self.units.get(u1) if u1 else None
            mags = _product(g.get("m1") or "", self.prefixes)
            approx = g.get("b1")
            unit_span = (unit_start, m.end("u1") if u1 else m.end("m1"))

        low, high = _times(first.low, mags), _times(first.high, mags)
        comparator = first.comparator or (">" if approx else None)
        if g.get("sep"):
            second = self._second(g, unit)
            if second is None:
                return None
            high_num, unit2, mags2 = second
            if unit is None and mags == 1 and mags2 != 1:  # 30-50亿元: the first shares 亿
                low, mags = first.low * mags2, mags2
            if unit2 is not None or unit is None:
                unit_span = (m.start("m2"), m.end("u2") if g.get("u2") else m.end("m2"))
            unit = unit2 or unit
            high, comparator = high_num, "range"
            if high <= low:
                return None
        is_arabic = not _is_chinese(n1)
        if unit is None:
            if not (is_arabic and mags != 1):
                return self._bare(m, low) if is_arabic and not g.get("sep") else None
            unit_def = UnitDef(MAGNITUDE_RULE, "number", None, Fraction(1))
        else:
            unit_def = unit
        rules = [unit_def.id]
        per_word = g.get("per2") or g.get("per1") if unit is not None else None
        if per_word:  # 1.2万元/平方米, 5000元/吨: a rate of two units
            per = self.units[per_word]
            unit_def = UnitDef(
                unit_def.id, f"{unit_def.dimension}/{per.dimension}",
                f"{unit_def.canonical}/{per.canonical}", unit_def.factor / per.factor,
            )
            rules.append(per.id)
            per_group = "per2" if g.get("per2") else "per1"
            unit_span = (unit_span[0], m.end(per_group))
        post = g.get("post")
        if post:
            comparator = comparator if comparator == "range" else self.bounds_after[post].comparator
            rules.append(self.bounds_after[post].id)
        if g.get("pre"):
            bound = self.bounds_before[g["pre"]]
            comparator = comparator or bound.comparator
            rules.append(bound.id)
        if g.get("a1") or g.get("b1") or first.comparator == ">":
            rules.append(APPROX_RULE)  # 5800余家, 6.4万余张: numerals.yaml approx_suffix
        if first.comparator == "range" and comparator not in (None, "range"):
            comparator = "range" if post is None and not g.get("pre") else comparator
        change, direction, change_id = self._change(text, start, unit_def.dimension)
        if change_id:
            rules.append(change_id)
        factor = unit_def.factor
        return Candidate(
            start=start, end=end, number=low, number_max=high,
            value=_times(low, factor), value_max=_times(high, factor),
            unit=unit_def.canonical, dimension=unit_def.dimension,
            comparator=comparator or "=", change=change, direction=direction,
            rule=unit_def.id, rules=tuple(rules),
            unit_span=unit_span if unit_span[1] > unit_span[0] else None,
        )

    def _second(self, g: dict, unit1: UnitDef | None) -> tuple[Fraction, UnitDef | None, Fraction] | None:
        """The far end of a range: 6-8家, 4至6小时, 5万元至8万元 (units must agree)."""
        try:
            second = self._numeral(g["n2"] + (g.get("a2") or ""))
        except NumeralError:
            return None
        unit2 = self.units.get(g["u2"]) if g.get("u2") else None
        if unit2 is None and unit1 is not None:
            return None  # 5%到2025年: not a range
        if unit1 is not None and unit2 is not None and unit1.id != unit2.id:
            return None
        if unit2 is None and not (g.get("m2") or "").strip():
            return None  # 1-8月, 2021-2025: bare numbers joined by a dash
        mags2 = _product(g.get("m2") or "", self.prefixes)
        return (second.high or second.low) * mags2, unit2, mags2

    def _bare(self, m: regex.Match, value: Fraction) -> Candidate:
        end = m.start("n1") + len(m.group("n1"))
        return Candidate(
            start=m.start("n1"), end=end, number=value, number_max=None, value=value,
            value_max=None, unit=None, dimension="number", comparator="=",
            change=False, direction=None, rule=BARE_RULE, rules=(BARE_RULE,), latent=True,
        )

    def _change(self, text: str, start: int, dimension: str) -> tuple[bool, str | None, str | None]:
        window = text[max(0, start - 12) : start]
        m = self.change_re.search(window)
        if m is None:
            return False, None, None
        entry = self.change_words[m.group("w")]
        if entry.dimensions and dimension not in entry.dimensions:
            return False, None, None  # 加快0.3个百分点 is a change, 加快15家酒店建设 is not
        return True, entry.direction, entry.id


def _is_chinese(numeral: str) -> bool:
    return not (numeral[0].isdigit() or numeral[0] == "-")


def _is_counting_numeral(text: str, tables) -> bool:
    """Arabic digits, or Chinese with a digit (十 counts): not 万人空巷, 千人计划, 零部件, 亿万."""
    if text[0].isdigit() or text[0] == "-":
        return True
    if text[0] in tables.digits and tables.digits[text[0]] == 0:
        return text[1:2] == tables.decimal_point  # 零点五, but not 零部件
    if text[0] in tables.vague_prefix:
        return True
    counting = set(tables.digits) | set(tables.tens) | {tables.vague_digit, "十", "拾"}
    return any(c in counting for c in text)


def _bare_places_ok(g: dict, tables, counters: set[str]) -> bool:
    """百/千/万 with no digit count only when the text says so: 逾千家, 千余人, 百亿元 (not 千家万户)."""
    if g.get("pre") or g.get("a1") or g.get("b1"):
        return True
    places = {**tables.places, **tables.magnitudes}
    values = [places[c] for c in g["n1"] if c in places]
    rising = len(values) >= 2 and all(a < b for a, b in pairwise(values))  # 百亿, not 亿万
    unit = g.get("u1")
    # a count stays out: 千万家庭 is a figure of speech, 千万元 is an amount
    return rising and bool(unit) and unit not in counters and len(values) == len(g["n1"])


_ONE = Fraction(1)


def _times(value: Fraction | None, factor: Fraction) -> Fraction | None:
    """value * factor, skipping Fraction's slow product for the common factor 1."""
    if value is None or factor is _ONE or factor == 1:
        return value
    return value * factor


def _product(mags: str, prefixes: dict[str, Fraction]) -> Fraction:
    if not mags:
        return _ONE
    value = _ONE
    for ch in mags:
        value *= prefixes[ch]
    return value


class SpanIndex:
    """Spans sorted by start with a running maximum of ends: overlap queries in O(log n)."""

    def __init__(self, spans) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.max_end = list(accumulate((s.end for s in self.spans), max))

    def first_overlap(self, start: int, end: int):
        i = bisect.bisect_left(self.starts, end) - 1  # spans starting before `end`
        if i < 0 or self.max_end[i] <= start:
            return None
        while i >= 0 and self.max_end[i] > start:
            if self.spans[i].end > start:
                return self.spans[i]
            i -= 1
        return None


def _resolve_overlaps(cands: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """Ranked patterns first, then longer spans, then earlier ones; losers are returned too."""
    order = sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start))
    starts: list[int] = []  # kept spans never overlap, so their starts and ends sort alike
    ends: list[int] = []
    kept: list[Candidate] = []
    lost: list[Candidate] = []
    for cand in order:
        i = bisect.bisect_left(starts, cand.end)
        if i > 0 and ends[i - 1] > cand.start:
            lost.append(cand)
            continue
        starts.insert(i, cand.start)
        ends.insert(i, cand.end)
        kept.append(cand)
    kept.sort(key=lambda c: c.start)
    return kept, lost


_MATCHERS: dict[str, QuantityMatcher] = {}


def matcher_for(rules: RuleSet) -> QuantityMatcher:
    """One compiled matcher per rule set (keyed by its content fingerprint)."""
    if rules.fingerprint not in _MATCHERS:
        _MATCHERS[rules.fingerprint] = QuantityMatcher(rules)
    return _MATCHERS[rules.fingerprint]


