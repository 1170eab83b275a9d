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

HAN = regex.compile(r"\p{Han}")
RIGHT_SKIP = regex.compile(r"[)）]|[(（][^)）]{0,20}[)）]|的")
RIGHT_STOP = regex.compile(
    r"[的和及与、,，;；。:：(（“”\"0-9]|等|在|持续|得到|实现|通过|已|将|被|进行|正式|相继|覆盖|形成"
)
MAX_INDICATOR = 12
SUBJECT_REACH = 200  # characters before a figure where its subject may be named
TOPIC = regex.compile(r"\s*关于(?P<topic>[^，,。；;]{2,15}?)(?:的)?(?:建设|发展|工作|方面|问题)?[，,]")
THRESHOLD_BOUNDS = {"bound.at_least.after", "bound.at_most.after"}


@dataclass(frozen=True)
class Phrase:
    start: int
    end: int
    text: str


class IndicatorFinder:
    def __init__(self, rules: RuleSet) -> None:
        # one-character cues (居, 共) start too many words (居民, 共享) to be cut from a phrase
        cue_words = [w for c in rules.cues for w in c.words if len(w) > 1 or w in "将要拟已"]
        lead = list(rules.indicator_strip) + cue_words
        tail = ([w for c in rules.changes for w in c.words] + list(rules.link_words)
                + list(rules.indicator_tail) + cue_words)
        self.split_re = (regex.compile(alternation(rules.indicator_split))
                         if rules.indicator_split else None)
        self.lead_re = regex.compile(f"(?:{alternation(lead)}|[\\s,，、]|[(（][^)）]*[)）])")
        self.tail_re = regex.compile(f"(?:{alternation(tail)}|[\\s(（)）])+$")
        self.rank_verbs = regex.compile(alternation(rules.rank_verbs)) if rules.rank_verbs else None
        self.places = SubjectFinder(rules)

    def find(self, text: str, clause: tuple[int, int], q, blocked: list[tuple[int, int]],
             previous: Phrase | None, earlier: Phrase | None = None) -> Phrase | None:
        """The indicator of quantity `q` in `clause`; `blocked` spans (periods, other quantities)
        never belong to one; `previous` is the indicator of the figure before it in its sentence,
        `earlier` the one of the last figure in an earlier clause."""
        c0, c1 = clause
        colon = max(text.rfind("：", c0, q.start), text.rfind(":", c0, q.start))  # 目标是：地区生产总值…
        left_start = max([c0, colon + 1] + [b1 for _, b1 in blocked if b1 <= q.start])
        right_end = min([c1] + [b0 for b0, _ in blocked if b0 >= q.end])
        right = self._right(text, q.end, right_end)
        if q.dimension == "rank":
            return self._rank(text, c0, left_start, q, right, previous, earlier)
        left = self._trim(text, left_start, q.start)
        if right is not None and not q.change and (
            q.dimension == "count"
            or THRESHOLD_BOUNDS.intersection(q.rules)  # 10万平方米以上综合体
            or text[q.end : q.end + 1] == "的"  # 覆盖40%的城镇社区
            or left is None  # 实施500千伏主网架
        ):
            return right
        return left or previous

    def _rank(self, text, c0, left_start, q, right, previous, earlier) -> Phrase | None:
        """居全国第五: what is ranked stands before the ranking verb (or after it: 跻身…40强)."""
        verbs = list(self.rank_verbs.finditer(text, c0, q.start)) if self.rank_verbs else []
        if verbs:
            verb = verbs[-1]
            if not text[c0 : verb.start()].strip():  # 增速为12%,居…首位: ranks the earlier figure
                return earlier or self._trim(text, max(verb.end(), left_start), q.start)
            return (self._trim(text, left_start, verb.start()) or self._trim(text, verb.end(), q.start)
                    or previous)
        if right is not None and text[q.end : q.end + 1] not in "的":
            return right
        return self._trim(text, left_start, q.start) or previous

    def _trim(self, text: str, start: int, end: int) -> Phrase | None:
        """Cut cues, periods, places and strip words from the front, link and cue words from the
        end, and what comes before a split verb (规模以上工业企业实现营业收入 -> 营业收入); a phrase
        cut to one character is kept whole (完成率)."""
        original = (start, end)
        m = self.tail_re.search(text, start, end)
        if m and m.start() >= start:
            end = m.start()
        if self.split_re is not None:
            splits = [s for s in self.split_re.finditer(text, start, end) if s.end() < end]
            if splits:
                start = splits[-1].end()
        while start < end:
            m = self.lead_re.match(text, start, end)
            place = self.places.match_at(text, start, end)
            step = max(m.end() if m else start, place[1] if place else start)
            if step == start or step >= end:
                break
            start = step
        while end > start and text[end - 1] in "的,，、 ":
            end -= 1
        if end - start > MAX_INDICATOR:  # the head noun of a Chinese phrase is at its end
            start = end - MAX_INDICATOR
            while start < end and text[start] in "、，,的 ":
                start += 1
        if end - start == 1 and original[1] - original[0] <= 4:
            start, end = original  # 完成率, not 率
        if end <= start or not HAN.search(text, start, end):
            return None
        return Phrase(start, end, text[start:end])

    def _right(self, text: str, start: int, end: int) -> Phrase | None:
        """The noun phrase after a count: 109家专精特新小巨人企业, 14周岁以下(含)参保居民."""
        skip = RIGHT_SKIP.match(text, start, end)  # (含) 参保居民
        if skip:
            start = skip.end()
        m = RIGHT_STOP.search(text, start, end)
        stop = m.start() if m else end
        if stop <= start or not HAN.match(text, start):
            return None
        if stop - start > MAX_INDICATOR:
            start = stop - MAX_INDICATOR
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

    def topic(self, text: str, sentence: tuple[int, int], start: int) -> str | None:
        """The X of a sentence that opens with 关于X, (its topic owns its figures)."""
        m = TOPIC.match(text, sentence[0], start)
        return m.group("topic") if m else None

    def subject_for(self, text: str, sentence: tuple[int, int], start: int) -> str | None:
        """The topic of a 关于X, sentence, else the last specific place or body named before
        `start` in its sentence."""
        topic = TOPIC.match(text, sentence[0], start)
        if topic:
            return topic.group("topic")
        window = max(sentence[0], start - SUBJECT_REACH)
        found = [p for p in self.all(text, window, start) if p.text not in self.generic]
        return found[-1].text if found else None
