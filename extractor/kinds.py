"""Target, forecast, actual or other: the kind of each quantity, and target statements without one.

Text is cut into sentences (。！？ and line breaks), sentences into clauses (，,；;), and the cue
words of rules/cues.yaml are found on whole tokens. A quantity's kind comes from, in order: a
cue before it in its clause; its period against the article's date; a cue before it in its
sentence (never across ；, unless a colon list began after the cue: 目标是：A；B；C); the passage
scope set by 下一步/近年来 earlier in the paragraph; the document's prevailing kind.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import regex

from .automaton import Automaton
from .patterns import alternation
from .periods import DocDate, PeriodSpan
from .rules import Cue, RuleSet
from .sentences import sentence_bounds

CLAUSE_END = regex.compile(r"[，,；;。！？!?\n]")
COLON = set("：:")


class CueHit(NamedTuple):
    start: int
    end: int
    word: str
    cue: Cue


class Clause(NamedTuple):  # a tuple: built for every clause of every text, 4x faster than a dataclass
    start: int
    end: int
    sentence: int  # index of its sentence
    paragraph: int


@dataclass(frozen=True)
class Statement:
    """A target clause that holds no quantity (争创综合性国家科学中心)."""

    start: int
    end: int
    cue: str
    rule: str
    action: str | None
    object: str | None


class Layout:
    """Sentences and clauses of one text, with offset lookups in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = sentence_bounds(text)
        self.clauses = clauses_of(text, self.sentences)
        self._sentence_starts = [s for s, _ in self.sentences]
        self._clause_starts = [c.start for c in self.clauses]
        self.closed = _closed(text, self.clauses)  # no cue passes these

    def clause_at(self, offset: int) -> Clause | None:
        i = bisect.bisect_right(self._clause_starts, offset) - 1
        if i >= 0 and self.clauses[i].start <= offset <= self.clauses[i].end:
            return self.clauses[i]
        return None

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset <= self.sentences[i][1]:
            return self.sentences[i]
        return (0, len(self.text))


class Hits:
    """Cue hits sorted by offset; `between(a, b)` gives those wholly inside [a, b)."""

    def __init__(self, hits: list[CueHit]) -> None:
        self.hits = sorted(hits, key=lambda h: h.start)
        self.starts = [h.start for h in self.hits]

    def between(self, a: int, b: int) -> list[CueHit]:
        lo = bisect.bisect_left(self.starts, a)
        hi = bisect.bisect_left(self.starts, b)
        return [h for h in self.hits[lo:hi] if h.end <= b]


def clauses_of(text: str, sentences: list[tuple[int, int]] | None = None) -> list[Clause]:
    """Clauses in text order, each with its sentence index and paragraph (line) index."""
    out = []
    cuts = [m.start() for m in CLAUSE_END.finditer(text)]  # one scan; each cut is one character
    # Clause(...) without the generated __new__'s call (one per clause of every text); every field
    # is given here, so a default added to Clause later would not be filled in
    make = tuple.__new__
    j = 0
    line, last = 0, 0
    for si, (s0, s1) in enumerate(sentence_bounds(text) if sentences is None else sentences):
        line += text.count("\n", last, s0)
        last = s0
        start = s0
        while j < len(cuts) and cuts[j] < s0:
            j += 1
        while j < len(cuts) and cuts[j] < s1:
            cut = cuts[j]
            if cut > start and not text[start:cut].isspace():
                out.append(make(Clause, (start, cut, si, line)))
            start = cut + 1
            j += 1
        if s1 > start and not text[start:s1].isspace():
            out.append(make(Clause, (start, s1, si, line)))
    return out


class KindClassifier:
    def __init__(self, rules: RuleSet) -> None:
        self.words = {w: cue for cue in rules.cues for w in cue.words}
        self.cue_words_found = Automaton()
        for word in self.words:
            self.cue_words_found.add_word(word, word)
        self.cue_words_found.make_automaton()
        openers = [alternation(rules.actions)] if rules.actions else []
        openers += [f"(?:{f})" for f in rules.framing]
        self.actions = regex.compile("|".join(openers)) if openers else None
        self.cue_words = set(self.words)
        self.context = [
            (c, regex.compile(c.before) if c.before else None, regex.compile(c.after) if c.after else None)
            for c in rules.context
        ]

    def cue_hits(self, text: str, token_starts: set[int], token_ends: set[int]) -> list[CueHit]:
        """The longest cue word at each offset, kept when it is whole tokens (不断 is no 断)."""
        longest: dict[int, str] = {}
        for last, word in self.cue_words_found.iter(text):
            start = last + 1 - len(word)
            if start in token_starts and len(word) > len(longest.get(start, "")) \
                    and not (_ascii_letter(word[-1]) and _ascii_letter(text[last + 1 : last + 2])):
                longest[start] = word  # a word ending in a letter ends before the next letter
        return [CueHit(start, start + len(word), word, self.words[word])
                for start, word in sorted(longest.items()) if start + len(word) in token_ends]

    def classify(
        self,
        text: str,
        quantities: list,
        periods: list[PeriodSpan | None],
        date: DocDate | None,
        hits: Hits,
        layout: Layout,
        passage: dict[int, tuple[str, str]] | None = None,
    ) -> list[tuple[str, str]]:
        """(kind, reason) for each quantity, in order (`passage`: `passage_scopes`, if known)."""
        passage = self.passage_scopes(layout, hits) if passage is None else passage
        decided: list[tuple[str, str] | None] = []
        for q, period in zip(quantities, periods):
            if _is_threshold(text, q):
                decided.append(("other", "threshold"))
                continue
            context = self._context(text, q)
            if context:
                decided.append(context)
                continue
            clause = layout.clause_at(q.start)
            decided.append(self._decide(text, q.start, clause, period, date, hits, passage))
        default = prevailing_kind([d for d in decided if d]) or "actual"
        return [d or (default, "document") for d in decided]

    def _context(self, text: str, q) -> tuple[str, str] | None:
        """完成全年目标的62% (actual), 6%左右的目标 (target), 最高500万元 (other)."""
        for entry, before, after in self.context:
            if before is not None and before.search(text, max(0, q.start - 12), q.start):
                return entry.kind, entry.id
            if after is not None and after.match(text, q.end, q.end + 12):
                return entry.kind, entry.id
        return None

    def _decide(self, text, start, clause, period, date, hits, passage):
        if clause is None:
            return None
        sentence_start = _sentence_start(text, clause.start, start)
        before = hits.between(sentence_start, start)
        governing = [h for h in before if h.cue.scope == "sentence"]
        if governing:  # 预计…, 如果… speak for the whole sentence after them
            return governing[-1].cue.kind, governing[-1].cue.id
        own = [h for h in before if h.start >= clause.start and h.cue.scope == "clause"]
        weak = None
        if own:  # a forecast or a goal governs its clause (预计…将超过, 力争累计引进…)
            hit = next((h for h in own if h.cue.kind == "forecast"), None)
            hit = hit or next((h for h in own if h.cue.kind == "target"), own[-1])
            if not hit.cue.weak:
                return hit.cue.kind, hit.cue.id
            weak = (hit.cue.kind, hit.cue.id)
        by_period = kind_from_period(period, date)
        if by_period:
            return by_period, "period"
        if weak is None:  # a comparison after the figure (8532.6亿元，比上年增长5.4%) reports it
            after = [h for h in hits.between(start, _part_end(text, start)) if h.cue.after]
            if after and not any(h.cue.kind == "target" for h in before):
                return after[0].cue.kind, after[0].cue.id
        strong = [h for h in before if not h.cue.weak]
        scope = (strong[-1].cue.kind, strong[-1].cue.id) if strong else passage.get(clause.sentence)
        if weak and not (scope and scope[0] == "target"):
            return weak  # 累计 reports a result unless a plan frames it (累计引进院士25名以上)
        return scope or weak

    @staticmethod
    def passage_scopes(layout: Layout, hits: Hits) -> dict[int, tuple[str, str]]:
        """Kind set by 下一步/近年来 for its sentence and the ones after it, up to a heading or question."""
        scopes: dict[int, tuple[str, str]] = {}
        current: tuple[str, str] | None = None
        lead = [h for h in hits.hits if h.cue.scope == "passage"]  # sorted by start, like the clauses
        j = 0
        for clause, closed in zip(layout.clauses, layout.closed):
            while j < len(lead) and lead[j].start < clause.start:
                j += 1
            if closed:
                current = None
                continue
            while j < len(lead) and lead[j].start < clause.end:
                if lead[j].end <= clause.end:
                    current = (lead[j].cue.kind, lead[j].cue.id)
                j += 1
            if current:
                scopes.setdefault(clause.sentence, current)
        return scopes

    def statements(
        self,
        text: str,
        layout: Layout,
        hits: Hits,
        quantity_starts: list[int],
        document_kind: str | None,
        ahead: list[PeriodSpan] = (),
        passage: dict[int, tuple[str, str]] | None = None,
    ) -> list[Statement]:
        """Target clauses with no quantity: a target cue, an action verb in a forward passage, or
        an action verb after a period still ahead in its sentence (到2025年，基本建成…)."""
        out = []
        ahead_by_sentence: dict[int, PeriodSpan] = {}
        ahead_end: dict[int, int] = {}
        for p in ahead:
            ahead_end.setdefault(p.start, p.end)
            clause = layout.clause_at(p.start)
            if clause is not None and p.start < clause.end:
                ahead_by_sentence.setdefault(clause.sentence, p)
        passage = self.passage_scopes(layout, hits) if passage is None else passage
        starts = sorted(quantity_starts)
        q = 0  # clauses, figures and hits are all in text order: walk them together
        for clause, closed in zip(layout.clauses, layout.closed):
            while q < len(starts) and starts[q] < clause.start:
                q += 1
            if closed or (q < len(starts) and starts[q] < clause.end):
                continue  # a clause with a number is a quantity's, not a statement
            body = text[clause.start : clause.end]
            start = clause.start + len(body) - len(body.lstrip())
            if body.strip() in self.cue_words:
                continue  # a bare lead (下一步,) states nothing
            own = hits.between(clause.start, clause.end)
            if own:
                kinds = {h.cue.kind for h in own}
                goal = any(h.cue.kind == "target" and h.cue.scope == "clause" for h in own)
                if kinds & {"forecast", "other"} or ("actual" in kinds and not goal):
                    continue  # 预计, 如果 … speak against a target; 已, 累计 … unless a goal word is there
                cue = next((h for h in own if h.cue.kind == "target"), None)
            else:
                cue = None
            lead = ahead_end.get(start, start)  # 年底前实现…: after the period
            action = self.actions.match(text, lead) if self.actions else None
            if cue is None and action is None:
                continue
            scope = passage.get(clause.sentence, (document_kind, "document"))
            if cue is not None:
                out.append(self._statement(text, start, clause.end, cue.word, cue.cue.id, action))
            elif scope[0] == "target":
                out.append(self._statement(text, start, clause.end, action.group(), scope[1], action))
            elif (period := ahead_by_sentence.get(clause.sentence)) and period.start < clause.end:
                out.append(self._statement(text, start, clause.end, period.text, "period", action))
        return out

    def _statement(self, text, start, end, cue, rule, action) -> Statement:
        verb = action.group() if action else None
        obj_start = action.end() if action else start
        obj = text[obj_start:end].strip() or None
        return Statement(start, end, cue, rule, verb, obj)


def _ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


SENTENCE_END = regex.compile(r"[。！？!?\n]")
LAST_SENTENCE_END = regex.compile(r"(?r)[。！？!?\n]")  # searched backwards from a clause
PART_END = regex.compile(r"[。！？!?\n；;]")


def _part_end(text: str, offset: int) -> int:
    """The end of the sentence part holding `offset` (a sentence, cut at ；)."""
    m = PART_END.search(text, offset)
    return m.start() if m else len(text)


def sentence_part_start(text: str, offset: int) -> int:
    """Where the part of the sentence holding `offset` starts (see `_sentence_start`)."""
    return _sentence_start(text, offset, offset)


def _sentence_start(text: str, clause_start: int, offset: int) -> int:
    """Where cues for `offset` may start: the sentence, cut at the last ；, unless a colon list."""
    end = LAST_SENTENCE_END.search(text, max(0, clause_start - 2000), clause_start)
    pos = end.end() if end else max(0, clause_start - 2000)
    window = text[pos:offset]
    last_semicolon = max(window.rfind("；"), window.rfind(";"))
    if last_semicolon >= 0 and COLON.isdisjoint(window[:last_semicolon]):
        return pos + last_semicolon + 1
    return pos


def kind_from_period(period: PeriodSpan | None, date: DocDate | None) -> str | None:
    """A period wholly before the article's month is past (actual); one reaching past it is ahead
    (a target): 1-8月 seen from September is actual, 年内 is a target."""
    if period is None or period.norm is None or date is None:
        return None
    if date.month and date.month <= 4 and is_current_year(period):
        return None  # 全年 in March: this year's plan or last year's results; cues decide
    first, _, last = period.norm.partition("/")
    last_year, _, last_month = (last or first).partition("-")
    first_year = int(first.split("-")[0])
    end = (int(last_year), int(last_month or 12))
    if date.month and end < (date.year, date.month):
        return "actual"
    if not date.month and end[0] < date.year:
        return "actual"
    if first_year > date.year or (date.month and end > (date.year, date.month)):
        return "target"  # 明年; 年内 or 年底前 seen from September
    return None


THRESHOLD_DIMENSIONS = {"area", "age", "duration", "length", "mass", "money", "power", "voltage",
                        "volume", "energy"}


THRESHOLD_BOUNDS = {"bound.at_least.after", "bound.at_most.after", "bound.more_than.before",
                    "bound.at_least.before", "bound.less_than.before", "bound.at_most.before"}
_AFTER_PARENTHESES = regex.compile(r"(?:[(（][^)）]{0,20}[)）])?的?\p{Han}")


_YEAR_OF_REPORT = {"全年", "年末", "年底"}


def is_current_year(period: PeriodSpan) -> bool:
    """全年 or 年末 alone: the year a text reports on, which a spring communiqué means as last
    year's and a spring work report as this year's (今年 is always this year)."""
    return period.text in _YEAR_OF_REPORT


def _is_threshold(text: str, q) -> bool:
    """10万平方米以上综合体, 14周岁以下(含)参保居民: a bound word that defines a class of things."""
    return (
        bool(THRESHOLD_BOUNDS.intersection(q.rules))
        and q.dimension in THRESHOLD_DIMENSIONS
        and _AFTER_PARENTHESES.match(text, q.end) is not None
    )


_HEADING = regex.compile(r"\s*#")
_BOLD_LEAD = regex.compile(r"\s*\*\*")


def _closed(text: str, clauses: list[Clause]) -> list[bool]:
    """For each clause (in text order): is it on a Markdown heading line, or in a sentence that ends
    in a question mark? Each line and sentence end is looked up once."""
    out = []
    line, opens = -1, None  # the paragraph looked at last, and how its line opens
    end, question = -1, False  # the first sentence end at or after the last clause's end
    for clause in clauses:
        if clause.paragraph != line:
            line_start = text.rfind("\n", 0, clause.start) + 1
            opens = "heading" if _HEADING.match(text, line_start) else (
                "answer" if _BOLD_LEAD.match(text, line_start) else None)
            line = clause.paragraph
        if opens is not None:
            out.append(opens == "heading")
            continue
        if end < clause.end:
            m = SENTENCE_END.search(text, clause.end)
            end, question = (m.start(), m.group() in "？?") if m else (len(text), False)
        out.append(question)
    return out


def prevailing_kind(kinds: list[tuple[str, str]]) -> str | None:
    explicit = Counter(k for k, reason in kinds if reason not in ("document",))
    return explicit.most_common(1)[0][0] if explicit else None


