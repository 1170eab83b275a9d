"""What a quantity measures (its indicator) and whose it is (its subject), from its clause.

Indicator: the phrase before the number in its clause, with cues, periods, places and the verbs
of rules/cues.yaml `indicator_strip` cut from its front and link/change words from its end
(力争全年新增高新技术企业1000家以上 -> 高新技术企业). A count with nothing before it takes the
noun after it (培育109家专精特新小巨人企业). A rate with no indicator of its own takes the one of
the figure before it in its sentence (旅客吞吐量1924.5万人次,增长10.9%).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .patterns import alternation
from .rules import RuleSet

RIGHT_STOP = regex.compile(r"[的和及与、,，;；。:：(（]|等")
MAX_INDICATOR = 16


@dataclass(frozen=True)
class Phrase:
    start: int
    end: int
    text: str


class IndicatorFinder:
    def __init__(self, rules: RuleSet) -> None:
        cue_words = [w for c in rules.cues for w in c.words]
        lead = list(rules.indicator_strip) + cue_words
        tail = [w for c in rules.changes for w in c.words] + list(rules.link_words) + ["同比", "比上年"]
        self.lead_re = regex.compile(f"(?:{alternation(lead)}|[\\s,，、]|[(（][^)）]*[)）])+")
        self.tail_re = regex.compile(f"(?:{alternation(tail)}|[\\s])+$")
        self.places = SubjectFinder(rules)

    def find(self, text: str, clause: tuple[int, int], start: int, end: int, is_count: bool,
             blocked: list[tuple[int, int]]) -> Phrase | None:
        """The indicator of the quantity at [start, end) in `clause`; `blocked` spans (periods,
        other quantities) never belong to an indicator."""
        c0, c1 = clause
        left_start = max([c0] + [b1 for b0, b1 in blocked if b1 <= start])
        left = self._trim(text, left_start, start)
        right = self._right(text, end, c1) if is_count else None
        return right if right is not None else left

    def _trim(self, text: str, start: int, end: int) -> Phrase | None:
        while True:
            s0 = start
            m = self.lead_re.match(text, start, end)
            if m:
                start = m.end()
            place = self.places.match_at(text, start, end)
            if place:
                start = place[1]
            if start == s0:
                break
        m = self.tail_re.search(text, start, end)
        if m and m.start() >= start:
            end = m.start()
        while end > start and text[end - 1] in "的,，、 ":
            end -= 1
        if end - start > MAX_INDICATOR:
            start = end - MAX_INDICATOR
            while start < end and text[start] in "、，,的 ":
                start += 1
        if end <= start:
            return None
        return Phrase(start, end, text[start:end])

    def _right(self, text: str, start: int, end: int) -> Phrase | None:
        m = RIGHT_STOP.search(text, start, end)
        stop = m.start() if m else end
        stop = min(stop, start + MAX_INDICATOR)
        if stop <= start or not regex.match(r"\p{Han}", text[start]):
            return None
        return Phrase(start, stop, text[start:stop])


class SubjectFinder:
    """Places and the bodies named after them (郑州机场), from rules/subjects.yaml."""

    def __init__(self, rules: RuleSet) -> None:
        places = alternation(rules.subject_places) if rules.subject_places else "(?!)"
        suffixes = alternation(rules.subject_suffixes) if rules.subject_suffixes else "(?!)"
        self.re = regex.compile(f"(?P<place>{places})(?P<suffix>{suffixes})?")
        self.generic = {"全国", "全省", "全市", "中国", "我国"}

    def match_at(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        m = self.re.match(text, start, end)
        return (m.start(), m.end()) if m else None

    def all(self, text: str, start: int = 0, end: int | None = None) -> list[Phrase]:
        end = len(text) if end is None else end
        return [Phrase(m.start(), m.end(), m.group()) for m in self.re.finditer(text, start, end)]

    def main_subject(self, text: str) -> str | None:
        """The place a document names most often (its first paragraphs count double)."""
        counts: dict[str, int] = {}
        for p in self.all(text):
            name = self.re.match(p.text).group("place")
            if name not in self.generic:
                counts[name] = counts.get(name, 0) + (2 if p.start < 300 else 1)
        return max(counts, key=counts.get) if counts else None

    def subject_for(self, text: str, sentence: tuple[int, int], start: int) -> str | None:
        """The last specific place or body named before `start` in its sentence."""
        found = [p for p in self.all(text, sentence[0], start) if p.text not in self.generic]
        return found[-1].text if found else None
