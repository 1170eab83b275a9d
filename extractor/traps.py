"""Find the numerals that are NOT quantities: dates, periods, names, labels, codes, list markers.

`TrapMatcher(rules).find(text)` returns character spans on the normalized text; the quantity stage
drops any candidate that overlaps one.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .patterns import alternation, compile_slots
from .rules import QuotedLabels, RuleSet


@dataclass(frozen=True)
class TrapSpan:
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
    offset = 0
    for paragraph in text.split("\n"):
        for pair in rule.pairs:
            opening, closing = pair[0], pair[1]
            spans.extend(
                _quotes_in(paragraph, offset, opening, closing, punct, rule)
            )
        offset += len(paragraph) + 1
    return spans


def _quotes_in(par, offset, opening, closing, punct, rule):
    if opening == closing:  # straight quotes pair up in order
        marks = [i for i, c in enumerate(par) if c == opening]
        pairs = list(zip(marks[::2], marks[1::2]))
    else:
        pairs, stack = [], []
        for i, c in enumerate(par):
            if c == opening:
                stack.append(i)
            elif c == closing:
                pairs.append((stack.pop() if stack else -1, i))
        pairs.extend((i, len(par)) for i in stack)
    for left, right in pairs:
        inner = par[left + 1 : right]
        implied = left < 0 or right == len(par)
        if implied and len(inner) > rule.implied_max_chars:
            continue
        if len(inner) > rule.digits_max_chars and any(c.isdigit() for c in inner):
            continue  # “确保完成投资100亿元” quotes a figure; “1358”战略 names one
        if inner and not punct.intersection(inner):
            yield TrapSpan(offset + left + 1, offset + right, "label", rule.id)
