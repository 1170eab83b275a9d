"""Text in, records out: the tokenizer and the registered components in one reusable object.

    pipe = Pipeline()                       # build once (loads rules, segmenter dictionary)
    records = pipe("力争新增高新技术企业1000家以上", doc_id="a1")
    for recs in pipe.pipe(texts): ...       # streams like nlp.pipe
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from . import components  # noqa: F401 - registers the zh_quantities factory
from .errors import InputError
from .periods import DocDate
from .quantities import Candidate
from .records import EntityRecord, Record, TargetRecord, plain_number
from .review import Review
from .rules import RuleSet, load_rules
from .sentences import SentenceIndex
from .tokenizer import make_nlp

Item = str | tuple[str, str | None]
AnyRecord = Record | TargetRecord | EntityRecord
MODELS = {"quantity": Record, "target": TargetRecord, "entity": EntityRecord}
STAGES = ("zh_quantities", "zh_entities", "zh_periods", "zh_kinds", "zh_indicators")
SPAN_STAGES = ("zh_quantities", "zh_entities", "zh_periods")  # those that can fill doc.spans


class Pipeline:
    """A spaCy pipeline (`self.nlp`) plus the conversion of its results to records."""

    def __init__(
        self,
        rules: Sequence[str | Path] = (),
        *,
        segmenter: str = "jieba",
        latent: bool = False,
        timeout: float | None = 30.0,
        targets: bool = True,
        entities: bool = True,
        spans: bool = True,
    ) -> None:
        self.rule_dirs = [str(r) for r in rules]
        self.rules: RuleSet = load_rules(self.rule_dirs)
        self.segmenter = segmenter
        self.targets = targets
        self.entities = entities
        self.nlp = make_nlp(segmenter, self.rules)
        self.nlp.add_pipe(
            "zh_quantities",
            config={"rules": self.rule_dirs, "latent": latent, "timeout": timeout, "spans": spans},
        )
        for stage in STAGES[1:]:
            if stage != "zh_entities" or entities:
                config = {"rules": self.rule_dirs}
                if stage in SPAN_STAGES:
                    config["spans"] = spans
                self.nlp.add_pipe(stage, config=config)

    def make_doc(self, text: str, date: str | DocDate | None = None, subject: str | None = None) -> Doc:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            message = f"text holds a lone surrogate at character {exc.start}; not valid Unicode"
            raise InputError(message) from None
        doc = self.nlp.make_doc(text)
        doc._.date = date if isinstance(date, DocDate) or date is None else DocDate.parse(date)
        doc._.doc_subject = subject
        return doc

    def doc(self, text: str, *, date: str | None = None, subject: str | None = None) -> Doc:
        """The processed spaCy Doc (quantities, periods, kinds, indicators, statements)."""
        doc = self.make_doc(text, date, subject)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        return doc

    def __call__(
        self, text: str, doc_id: str | None = None, *, date: str | None = None, subject: str | None = None
    ) -> list[AnyRecord]:
        """Quantity records, then target statements (when `targets`), for one text."""
        return records_from_doc(self.doc(text, date=date, subject=subject), doc_id, self.targets)

    def review(
        self, text: str, doc_id: str | None = None, *, date: str | None = None, subject: str | None = None
    ) -> Review:
        """The text with its records highlighted: shows itself in a notebook, `.save("a.html")`."""
        doc = self.doc(text, date=date, subject=subject)
        return Review.from_doc(doc, doc_id, text=text)

    def pipe(
        self, texts: Iterable[Item], *, batch_size: int = 32, n_process: int = 1
    ) -> Iterator[list[AnyRecord]]:
        """Records per text, in order, streamed (like spaCy's `nlp.pipe`); items may be `text` or
        `(text, doc_id)`. With `n_process` > 1 (-1: all cores) batches of `batch_size` texts go to
        worker processes, each of which builds its own copy of this pipeline once."""
        pairs = ((t, None) if isinstance(t, str) else t for t in texts)
        if n_process == -1:
            n_process = os.cpu_count() or 1
        if n_process > 1:
            from .batch import HANDED, batched, imap_chunks, init_worker

            options = self.options()
            HANDED[options] = self  # forked workers use this very pipeline; spawned ones build it
            try:
                chunks = batched(pairs, max(batch_size, 1))
                for results in imap_chunks(_pipe_batch, chunks, jobs=n_process, initializer=init_worker,
                                           initargs=(options,)):
                    yield from results
            finally:
                HANDED.pop(options, None)
            return
        docs = ((self.make_doc(text), doc_id) for text, doc_id in pairs)
        for doc, doc_id in self.nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
            yield records_from_doc(doc, doc_id, self.targets)

    def options(self):
        """The batch runner's `Options` that build this pipeline again (in another process)."""
        from .batch import Options

        config = self.nlp.get_pipe_config("zh_quantities")
        return Options(rules=tuple(self.rule_dirs), segmenter=self.segmenter, latent=config["latent"],
                       targets=self.targets, timeout=config["timeout"], entities=self.entities)


def _pipe_batch(pairs: list[tuple[str, str | None]]) -> list[list[AnyRecord]]:
    from .batch import worker_pipeline

    return list(worker_pipeline().pipe(pairs, batch_size=len(pairs)))


def records_from_doc(doc: Doc, doc_id: str | None = None, targets: bool = True) -> list[AnyRecord]:
    """The typed records of a processed Doc (validated by their models)."""
    return [MODELS[row["type"]](**row) for row in record_rows(doc, doc_id, targets)]


def record_rows(doc: Doc, doc_id: str | None = None, targets: bool = True) -> list[dict]:
    """The records of a processed Doc as plain dicts, keys in the models' field order (what
    `record.to_dict()` gives): the batch runner writes these without building models."""
    text = doc._.zh_text if doc._.zh_text is not None else doc.text  # doc.text is rebuilt per access
    layout = doc._.layout  # its sentences hold for the source text when normalizing changed nothing
    sentences = SentenceIndex(text, layout.sentences if layout is not None and layout.text == text else None)
    quantities = doc._.quantities or []
    facts = doc._.facts or [None] * len(quantities)
    rows = [_quantity_row(text, c, f, sentences, doc_id) for c, f in zip(quantities, facts)]
    if targets:
        rows += _target_rows(doc, text, sentences, doc_id)
    rows += [{"doc_id": doc_id, "type": "entity", "label": e.label, "text": text[e.start : e.end],
              "start": e.start, "end": e.end, "sentence": sentences.sentence_at(e.start), "rule": e.rule,
              "normalized": e.normalized, "code": e.code}
             for e in doc._.entities or ()]
    return rows


def _quantity_row(text: str, c: Candidate, f, sentences: SentenceIndex, doc_id: str | None) -> dict:
    indicator = f.indicator if f else None
    period = f.period if f else None
    return {
        "doc_id": doc_id,
        "type": "quantity",
        "text": text[c.start : c.end],
        "start": c.start,
        "end": c.end,
        "sentence": sentences.sentence_at(c.start),
        "number": plain_number(c.number),
        "value": plain_number(c.value),
        "value_max": plain_number(c.value_max),
        "unit": c.unit,
        "unit_text": text[c.unit_span[0] : c.unit_span[1]] if c.unit_span else None,
        "dimension": c.dimension,
        "comparator": c.comparator,
        "change": c.change,
        "direction": c.direction,
        "rule": c.rule,
        "rules": list(c.rules),
        "latent": c.latent,
        "kind": f.kind if f else None,
        "kind_rule": f.kind_rule if f else None,
        "indicator": text[indicator.start : indicator.end] if indicator else None,
        "indicator_start": indicator.start if indicator else None,
        "indicator_end": indicator.end if indicator else None,
        "period": text[period.start : period.end] if period else None,
        "period_norm": period.norm if period else None,
        "subject": f.subject if f else None,
        "target_id": f.target_id if f else None,
    }


def _statement_period(periods, ends, text: str, st):
    """The last period ending inside the statement and starting at most 40 characters before it,
    with no 。 between them."""
    i = bisect.bisect_right(ends, st.end) - 1
    while i >= 0 and periods[i].start >= st.start - 40:
        if "。" not in text[periods[i].start : st.start]:
            return periods[i]
        i -= 1
    return None


def _target_rows(doc: Doc, text: str, sentences: SentenceIndex, doc_id: str | None) -> list[dict]:
    out = []
    periods = doc._.periods or []
    ends = [p.end for p in periods]  # periods do not overlap: sorted by start and by end
    main = doc._.doc_subject
    for i, st in enumerate(doc._.statements or ()):
        period = _statement_period(periods, ends, text, st)
        out.append({
            "doc_id": doc_id, "type": "target", "id": f"T{i + 1}", "text": text[st.start : st.end],
            "start": st.start, "end": st.end, "sentence": sentences.sentence_at(st.start), "cue": st.cue,
            "rule": st.rule, "action": st.action, "object": st.object, "subject": main,
            "period": text[period.start : period.end] if period else None,
            "period_norm": period.norm if period else None,
        })
    return out


@lru_cache(maxsize=4)
def default_pipeline(segmenter: str = "jieba") -> Pipeline:
    return Pipeline(segmenter=segmenter)


def extract(
    text: str, doc_id: str | None = None, *, segmenter: str = "jieba", date: str | None = None
) -> list[AnyRecord]:
    """Records for one text with the bundled rules (the pipeline is built once and reused)."""
    return default_pipeline(segmenter)(text, doc_id, date=date)


def review(
    text: str, doc_id: str | None = None, *, segmenter: str = "jieba", date: str | None = None,
    subject: str | None = None,
) -> Review:
    """`extract`, shown: the text with every record highlighted (a notebook renders it by itself,
    `.save(path)` writes an offline page, `.records` holds the records as dicts)."""
    return default_pipeline(segmenter).review(text, doc_id, date=date, subject=subject)
