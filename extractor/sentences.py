"""Sentence boundaries on characters: 。！？!? and line breaks end a sentence."""

from __future__ import annotations

import bisect

import regex

_END = regex.compile(r"[。！？!?]+[”’」』]?|\n+")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed, covering the whole text in order."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end() if m.group()[0] != "\n" else m.start()
        bounds.append(_trim(text, start, end))
        start = m.end()
    if start < len(text):
        bounds.append(_trim(text, start, len(text)))
    return bounds


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SentenceIndex:
    """Find the sentence that holds a character offset."""

    def __init__(self, text: str, bounds: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.bounds = sentence_bounds(text) if bounds is None else bounds
        self.starts = [s for s, _ in self.bounds]

    def sentence_at(self, offset: int) -> str:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return ""
        start, end = self.bounds[i]
        return self.text[start:end]
