"""Find the numerals that are NOT quantities: dates, periods, names, labels, codes, list markers.

`TrapMatcher(rules).find(text)` returns character spans on the normalized text; the quantity stage
drops any candidate that overlaps one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from .patterns import alternation, char_class, compile_slots
from .rules import QuotedLabels, RuleSet


class TrapSpan(NamedTuple):  # a tuple: dozens per text, built 3x faster than a frozen dataclass
    start: int
    end: int
    trap: str  # date, period, name, label, code, enumeration, ordinal
    rule: str


class TrapMatcher:
    """The compiled trap rules of one rule set."""

    def __init__(self, rules: RuleSet) -> None:
        self.compiled: list[tuple[str, str, regex.Pattern]] = []
        for trap in rules.traps:
            if trap.pattern:
                self.compiled.append((trap.id, trap.trap, compile_slots(trap.pattern, rules.numerals)))
            if trap.terms:
                self.compiled.append((trap.id, trap.trap, regex.compile(alternation(trap.terms))))
        self.quoted = rules.quoted_labels

    def find(self, text: str, timeout: float | None = None, skipped: list[str] | None = None
             ) -> list[TrapSpan]:
        """Trap spans; a pattern that runs out of time is skipped and its id added to `skipped`."""
        spans = []
        for rule_id, kind, pattern in self.compiled:
            try:
                spans += [TrapSpan(m.start(), m.end(), kind, rule_id)
                          for m in pattern.finditer(text, timeout=timeout) if m.end() > m.start()]
            except TimeoutError:
                if skipped is not None:
                    skipped.append(rule_id)
        if self.quoted is not None:
            spans.extend(quoted_labels(text, self.quoted))
        return spans


def quoted_labels(text: str, rule: QuotedLabels) -> list[TrapSpan]:
    """Short quotations without clause punctuation ("“1号”产业"), per paragraph.

    Paragraphs are cut mid-sentence in real articles, so a closing mark with no opening one in
    its paragraph closes a quotation that starts at the paragraph, and an opening mark with no
    closing one runs to the paragraph's end; such implied quotations count only when short.
    """
    spans: list[TrapSpan] = []
    punct = set(rule.clause_punctuation)
    for opening, closing in (pair[:2] for pair in rule.pairs):
        marks = [m.start() for m in _marks(opening, closing).finditer(text)]
        if not marks:  # most paragraphs hold no quotation: find the marks, not the paragraphs
            continue
        for par_start, par_end, inside in _by_paragraph(text, marks):
            for left, right in _pair_up(text, inside, opening, closing, par_start, par_end):
                span = _label(text, left, right, par_start, par_end, punct, rule)
                if span is not None:
                    spans.append(span)
    return spans


@lru_cache(maxsize=64)
def _marks(opening: str, closing: str) -> regex.Pattern:
    return regex.compile(char_class({opening, closing}))


def _by_paragraph(text: str, marks: list[int]):
    """(paragraph start, paragraph end, marks inside) for the paragraphs that hold marks."""
    i = 0
    while i < len(marks):
        start = text.rfind("\n", 0, marks[i]) + 1
        end = text.find("\n", marks[i])
        end = len(text) if end < 0 else end
        j = i
        while j < len(marks) and marks[j] < end:
            j += 1
        yield start, end, marks[i:j]
        i = j


def _pair_up(text, marks, opening, closing, par_start, par_end):
    if opening == closing:  # straight quotes pair up in order
        return list(zip(marks[::2], marks[1::2]))
    pairs, stack = [], []
    for i in marks:
        if text[i] == opening:
            stack.append(i)
        else:
            pairs.append((stack.pop() if stack else par_start - 1, i))
    pairs.extend((i, par_end) for i in stack)
    return pairs


def _label(text, left, right, par_start, par_end, punct, rule) -> TrapSpan | None:
    inner = text[left + 1 : right]
    implied = left < par_start or right == par_end
    if implied and len(inner) > rule.implied_max_chars:
        return None
    if len(inner) > rule.digits_max_chars and any(c.isdigit() for c in inner):
        return None  # “确保完成投资100亿元” quotes a figure; “1358”战略 names one
    if inner and not punct.intersection(inner):
        return TrapSpan(left + 1, right, "label", rule.id)
    return None
