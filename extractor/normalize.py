"""Length-preserving text normalization, so offsets found on the normalized text are source offsets.

Full-width ASCII becomes ASCII (１２０ -> 120, ％ -> %), and traditional characters become
simplified (億 -> 亿). Whitespace and CJK punctuation are left alone: the normalized string has
exactly the length of the input.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full-width forms kept as they are: the Chinese comma and semicolon separate clauses, and
# turning them into ASCII would let "5，300" read as a thousands separator.
_KEEP_FULLWIDTH = {"，", "；", "：", "（", "）", "！", "？"}
_FULLWIDTH = {
    chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in _KEEP_FULLWIDTH
}
_EXTRA = {"－": "-", "−": "-", "—": "-", "–": "-", "～": "~", "〜": "~", "．": ".", "﹪": "%"}
_FORMS = {**_FULLWIDTH, **_EXTRA}
_FORM = re.compile("[" + "".join(map(re.escape, _FORMS)) + "]")
_TABLE = str.maketrans(_FORMS)


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # conversion is optional; simplified text needs none
        return None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified with OpenCC, one character for one character."""
    converter = _t2s()
    if converter is None or text.isascii():
        return text
    try:
        converted = converter.convert(text)
    except UnicodeEncodeError:  # a lone surrogate: convert around it
        converted = ""
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: fall back to character-by-character conversion.
    return "".join(_one(converter, ch) for ch in text)


def _one(converter, ch: str) -> str:
    if "\ud800" <= ch <= "\udfff":
        return ch
    converted = converter.convert(ch)
    return converted if len(converted) == 1 else ch


def normalize(text: str) -> str:
    """Map full-width forms and traditional characters; `len(result) == len(text)`."""
    result = to_simplified(_map_forms(text))
    assert len(result) == len(text)
    return result


def _map_forms(text: str) -> str:
    """Full-width forms to ASCII: replaced one by one where they are few (most texts: far faster
    than translate, which looks up every character), by translate where they are many."""
    first = _FORM.search(text)
    if first is None:
        return text
    window = text[first.start() : first.start() + 400]
    if len(_FORM.findall(window)) > 40:  # dense (a full-width text): translate
        return text.translate(_TABLE)
    return _FORM.sub(_form_of, text)


def _form_of(match: re.Match) -> str:
    return _FORMS[match.group()]
