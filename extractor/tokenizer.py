"""A spaCy `Doc` for Chinese text: jieba (default), pkuseg or characters, on normalized text.

The segmenter sees the normalized text (full-width digits, simplified characters), while the
`Doc` keeps the original characters, so `doc.text == input` and token offsets are source offsets.
Unit words from `rules/` are added to the segmenter's dictionary so 万吨 or 个百分点 stay whole.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

from .errors import ExtractorError
from .normalize import normalize
from .rules import RuleSet

SEGMENTERS = ("jieba", "pkuseg", "char")
PKUSEG_ENV = "ZH_EXTRACTOR_PKUSEG_MODEL"

if not Doc.has_extension("zh_norm"):
    Doc.set_extension("zh_norm", default=None)


def pkuseg_model_dir() -> Path:
    """Where the pkuseg model is looked for: $ZH_EXTRACTOR_PKUSEG_MODEL or the user cache."""
    env = os.environ.get(PKUSEG_ENV)
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "zh-extractor" / "pkuseg" / "default"


class NormalizingTokenizer:
    """Segment the normalized text, then build the `Doc` from the original characters."""

    def __init__(self, vocab, segment: Callable[[str], Iterable[str]], name: str) -> None:
        self.vocab = vocab
        self.segment = segment
        self.name = name

    def __call__(self, text: str) -> Doc:
        norm = normalize(text)
        words, spaces = get_words_and_spaces([w for w in self.segment(norm) if w], norm)
        if norm != text:  # same length: slice the original at the same offsets
            pos, original = 0, []
            for word, space in zip(words, spaces):
                original.append(text[pos : pos + len(word)])
                pos += len(word) + space
            words = original
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc._.zh_norm = norm
        return doc


def make_nlp(segmenter: str, rules: RuleSet) -> Language:
    """`spacy.blank("zh")` with the chosen segmenter and the rules' unit words as a user dictionary."""
    if segmenter not in SEGMENTERS:
        raise ExtractorError(f"unknown segmenter {segmenter!r}; choose one of {', '.join(SEGMENTERS)}")
    words = rules.user_words()
    if segmenter == "pkuseg":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
        _init_pkuseg(nlp, words)
        segment = nlp.tokenizer.pkuseg_seg.cut
    else:
        # spaCy's own jieba setup loads jieba's global dictionary; we keep a private one instead
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
        segment = _jieba(words) if segmenter == "jieba" else list
    nlp.tokenizer = NormalizingTokenizer(nlp.vocab, segment, segmenter)
    nlp.meta["segmenter"] = segmenter
    nlp.max_length = 100_000_000  # spaCy's 1M default guards parsers we do not run
    return nlp


def _jieba(words: list[str]) -> Callable[[str], Iterable[str]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    for word in words:
        seg.add_word(word)
    return lambda text: seg.cut(text, HMM=True)


def _init_pkuseg(nlp: Language, words: list[str]) -> None:
    model = pkuseg_model_dir()
    if not (model / "weights.npz").is_file():
        raise ExtractorError(
            f"no pkuseg model at {model}; run `zh-extract models pkuseg` to fetch it "
            f"(or set {PKUSEG_ENV})"
        )
    try:
        nlp.tokenizer.initialize(pkuseg_model=str(model))
    except ImportError as exc:
        raise ExtractorError("pkuseg needs the extra: pip install 'zh-extractor[pkuseg]'") from exc
    nlp.tokenizer.pkuseg_update_user_dict(words)
