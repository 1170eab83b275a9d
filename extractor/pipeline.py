"""Text in, records out: the tokenizer and the registered components in one reusable object.

    pipe = Pipeline()                       # build once (loads rules, segmenter dictionary)
    records = pipe("力争新增高新技术企业1000家以上", doc_id="a1")
    for recs in pipe.pipe(texts): ...       # streams like nlp.pipe
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from . import components  # noqa: F401 - registers the zh_quantities factory
from .quantities import Candidate
from .records import Record, plain_number
from .rules import RuleSet, load_rules
from .sentences import SentenceIndex
from .tokenizer import make_nlp


class Pipeline:
    """A spaCy pipeline (`self.nlp`) plus the conversion of its spans to records."""

    def __init__(
        self,
        rules: Sequence[str | Path] = (),
        *,
        segmenter: str = "jieba",
        latent: bool = False,
        timeout: float | None = 30.0,
    ) -> None:
        self.rule_dirs = [str(r) for r in rules]
        self.rules: RuleSet = load_rules(self.rule_dirs)
        self.segmenter = segmenter
        self.nlp = make_nlp(segmenter, self.rules)
        self.nlp.add_pipe(
            "zh_quantities", config={"rules": self.rule_dirs, "latent": latent, "timeout": timeout}
        )

    def doc(self, text: str) -> Doc:
        return self.nlp(text)

    def __call__(self, text: str, doc_id: str | None = None) -> list[Record]:
        return records_from_doc(self.nlp(text), doc_id)

    def pipe(
        self, texts: Iterable[str | tuple[str, str]], *, batch_size: int = 32
    ) -> Iterator[list[Record]]:
        """Records per text, in order; items may be `text` or `(text, doc_id)`."""
        pairs = ((t, None) if isinstance(t, str) else t for t in texts)
        for doc, doc_id in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield records_from_doc(doc, doc_id)


def records_from_doc(doc: Doc, doc_id: str | None = None) -> list[Record]:
    text = doc.text  # spaCy rebuilds doc.text from the tokens on every access
    sentences = SentenceIndex(text)
    return [_record(text, c, sentences, doc_id) for c in doc._.quantities or ()]


def _record(text: str, c: Candidate, sentences: SentenceIndex, doc_id: str | None) -> Record:
    return Record(
        doc_id=doc_id,
        text=text[c.start : c.end],
        start=c.start,
        end=c.end,
        sentence=sentences.sentence_at(c.start),
        number=plain_number(c.number),
        value=plain_number(c.value),
        value_max=plain_number(c.value_max),
        unit=c.unit,
        unit_text=text[c.unit_span[0] : c.unit_span[1]] if c.unit_span else None,
        dimension=c.dimension,
        comparator=c.comparator,
        change=c.change,
        direction=c.direction,
        rule=c.rule,
        rules=list(c.rules),
        latent=c.latent,
    )


@lru_cache(maxsize=4)
def default_pipeline(segmenter: str = "jieba") -> Pipeline:
    return Pipeline(segmenter=segmenter)


def extract(text: str, doc_id: str | None = None, *, segmenter: str = "jieba") -> list[Record]:
    """Records for one text with the bundled rules (the pipeline is built once and reused)."""
    return default_pipeline(segmenter)(text, doc_id)
