"""A spaCy `Doc` for Chinese text: jieba (default), pkuseg or characters, on normalized text.

The segmenter sees the normalized text (full-width digits, simplified characters), while the
`Doc` keeps the original characters, so `doc.text == input` and token offsets are source offsets.
Unit words from `rules/` are added to the segmenter's dictionary so 万吨 or 个百分点 stay whole.
"""

from __future__ import annotations

import logging
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, compress, islice
from operator import add
from pathlib import Path

import numpy
import spacy
from spacy.lang.zh import Chinese
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import create_vocab

from .errors import ExtractorError
from .normalize import normalize
from .rules import RuleSet

SEGMENTERS = ("jieba", "jieba-py", "pkuseg", "char")
# printable ASCII runs that jieba (Python) splits but jieba-rs keeps whole: 1-8 (of 1-8月), A-1
ASCII_RUN = re.compile(r"[\x21-\x7e]{2,}")
ASCII_PART = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
PKUSEG_ENV = "ZH_EXTRACTOR_PKUSEG_MODEL"

# doc.text rebuilds the string from the tokens on every access; offsets: (token starts, token ends)
# zh_idx: the token starts as the array doc.to_array(IDX) gives, to check the kept offsets by
for _name in ("zh_norm", "zh_text", "zh_offsets", "zh_idx"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def pkuseg_model_dir() -> Path:
    """Where the pkuseg model is looked for: $ZH_EXTRACTOR_PKUSEG_MODEL or the user cache."""
    env = os.environ.get(PKUSEG_ENV)
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "zh-extractor" / "pkuseg" / "default"


class NormalizingTokenizer:
    """Segment the normalized text, then build the `Doc` from the original characters.

    Every new token string stays in spaCy's vocabulary for good, so over millions of articles the
    vocabulary would grow without end; past `max_strings` the next documents get a fresh one (the
    components read offsets and text, never lexemes). spaCy's memory zones do the same per call
    but cost ~50% more time here.
    """

    def __init__(self, vocab, segment: Callable[[str], Iterable[str]], name: str,
                 max_strings: int = 300_000) -> None:
        self.vocab = vocab
        self.segment = segment
        self.name = name
        self.max_strings = max_strings

    def __call__(self, text: str) -> Doc:
        if len(self.vocab.strings) > self.max_strings:
            self.vocab = create_vocab(self.vocab.lang, Chinese.Defaults)
        norm = normalize(text)
        words, spaces = words_and_spaces(list(filter(None, self.segment(norm))), norm)
        offsets = token_offsets(words, spaces)
        if norm != text:  # same length: the words holding a changed character are sliced anew
            words = _original_words(words, offsets, norm, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc._.zh_norm = norm
        doc._.zh_text = text
        doc._.zh_offsets = offsets
        doc._.zh_idx = numpy.fromiter(offsets[0], dtype=numpy.uint64, count=len(words))
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
        segment = _jieba(words, rust=segmenter == "jieba") if segmenter != "char" else list
    nlp.tokenizer = NormalizingTokenizer(nlp.vocab, segment, segmenter)
    nlp.meta["segmenter"] = segmenter
    nlp.meta["segmenter_backend"] = segmenter_backend(segmenter)
    nlp.max_length = 100_000_000  # spaCy's 1M default guards parsers we do not run
    return nlp


def token_offsets(words: list[str], spaces: list[bool]) -> tuple[list[int], list[int]]:
    """Each token's start and end character offset, without building Token objects."""
    lengths = list(map(len, words))
    starts = [0, *accumulate(map(add, lengths, spaces))][: len(words)]
    return starts, list(map(add, starts, lengths))


def words_and_spaces(tokens: list[str], text: str) -> tuple[list[str], list[bool]]:
    """spaCy's `get_words_and_spaces` for tokens that concatenate to the text, in linear time
    (spaCy's slices the rest of the text for every word: quadratic on long documents)."""
    blank = list(compress(range(len(tokens)), map(str.isspace, tokens)))
    whitespace = len(text) - sum(map(len, text.split()))
    if "".join(tokens) != text or sum(len(tokens[i]) for i in blank) != whitespace:  # a word holds a space
        return get_words_and_spaces(tokens, text)
    if not blank:
        return list(tokens), [False] * len(tokens)
    words: list[str] = []
    spaces: list[bool] = []
    done = 0
    for group in _runs(blank):  # consecutive whitespace tokens form one gap
        words += tokens[done : group[0]]
        spaces += [False] * (group[0] - done)
        gap = "".join(tokens[i] for i in group)
        if words and gap[0] == " ":  # one space after a word is that word's trailing space
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        done = group[-1] + 1
    words += tokens[done:]
    spaces += [False] * (len(tokens) - done)
    return words, spaces


def _original_words(words: list[str], offsets: tuple[list[int], list[int]], norm: str, text: str
                    ) -> list[str]:
    """The words as the original text writes them: only those holding a changed character are
    sliced anew, unless changes are many (a traditional or full-width text): then all of them."""
    starts, ends = offsets
    changed = list(islice(_changed(norm, text, 0, len(text)), len(words) // 8 + 1))
    if len(changed) > len(words) // 8:
        return [text[a:b] for a, b in zip(starts, ends)]
    words = list(words)
    for pos in changed:
        k = bisect_right(starts, pos) - 1  # the word, or the one whose trailing space holds pos
        words[k] = text[starts[k] : ends[k]]
    return words


def _changed(a: str, b: str, lo: int, hi: int) -> Iterator[int]:
    """Positions where two strings of one length differ, by halving (changes are few)."""
    if a[lo:hi] == b[lo:hi]:
        return
    if hi - lo <= 32:
        yield from (i for i in range(lo, hi) if a[i] != b[i])
        return
    mid = (lo + hi) // 2
    yield from _changed(a, b, lo, mid)
    yield from _changed(a, b, mid, hi)


def _runs(indices: list[int]) -> Iterator[list[int]]:
    group = [indices[0]]
    for i in indices[1:]:
        if i != group[-1] + 1:
            yield group
            group = []
        group.append(i)
    yield group


def _jieba(words: list[str], rust: bool = True) -> Callable[[str], Iterable[str]]:
    """jieba's dictionary and HMM, run by jieba-rs (rjieba, ~30x faster) when it is installed."""
    if rust:
        try:
            import rjieba
        except ImportError:
            rust = False
    if rust:
        seg = rjieba.Jieba()
        for word in words:
            seg.add_word(word, None, None)
        return lambda text: _split_ascii_runs(seg.cut(text, True))
    import jieba

    jieba.setLogLevel(logging.WARNING)
    py = jieba.Tokenizer()
    for word in words:
        py.add_word(word)
    return lambda text: py.cut(text, HMM=True)


def _split_ascii_runs(tokens: list[str]) -> list[str]:
    """Cut ASCII runs the way jieba's Python HMM does (1-8 → 1 / - / 8), so both backends agree.
    Only ASCII tokens are looked at (found in C: most tokens are Chinese)."""
    out: list[str] = []
    done = 0
    for i in compress(range(len(tokens)), map(str.isascii, tokens)):
        token = tokens[i]
        if len(token) > 1 and not token.isalnum() and ASCII_RUN.fullmatch(token):
            parts = [part for part in ASCII_PART.split(token) if part]
            if parts != [token]:
                out += tokens[done:i]
                out += parts
                done = i + 1
    if not done:
        return tokens
    out += tokens[done:]
    return out


def segmenter_backend(segmenter: str) -> str:
    """What really segments for a `--segmenter` name, with its version (for run manifests)."""
    if segmenter == "jieba":
        try:
            import rjieba  # noqa: F401
        except ImportError:
            return f"jieba {_version('jieba')}"
        return f"rjieba {_version('rjieba')}"
    return {"jieba-py": f"jieba {_version('jieba')}", "pkuseg": f"pkuseg {_version('spacy-pkuseg')}"}.get(
        segmenter, segmenter)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


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
