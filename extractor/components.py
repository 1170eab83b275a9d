"""The registered spaCy components, in pipeline order:

- `zh_quantities`: candidates on characters, spans on tokens. `find(doc)` is pure (candidates plus
  what was dropped and why); `apply(doc, found)` writes `doc.spans["quantities"]`,
  `doc._.quantities` and `doc._.quantity_trace`.
- `zh_periods`: time expressions (`doc.spans["periods"]`) and each quantity's period.
- `zh_kinds`: target / forecast / actual / other, and target statements (`doc._.statements`).
- `zh_indicators`: each quantity's indicator and subject.

What the last three say about a quantity is in `doc._.facts`, parallel to `doc._.quantities`.
The components that write `doc.spans` take `spans` (default true): the batch runner, which writes
records only, turns it off and saves the Span objects (about 3% of its time).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy
import regex
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from .entities import entity_matcher_for, load_entity_rules
from .indicators import IndicatorFinder, Phrase
from .kinds import (
    Hits,
    KindClassifier,
    Layout,
    Statement,
    is_current_year,
    kind_from_period,
    prevailing_kind,
    sentence_part_start,
)
from .normalize import normalize
from .periods import DocDate, PeriodSpan, period_matcher_for
from .quantities import Found, SpanIndex, matcher_for
from .rules import load_rules

SPANS_KEY = "quantities"

for _name in ("quantities", "quantity_trace"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Span.has_extension("quantity"):
    Span.set_extension(
        "quantity",
        getter=lambda span: next(
            (c for c in span.doc._.quantities or () if span.start_char <= c.start < span.end_char),
            None,
        ),
    )


def offsets_of(doc: Doc) -> tuple[list[int], list[int]]:
    """Token start and end offsets: those the tokenizer kept while they still hold (a component
    may have retokenized since), else read from the Doc's arrays."""
    if not len(doc):
        return [], []
    ext = doc._
    kept, idx = ext.zh_offsets, ext.zh_idx
    if kept is not None and idx is not None and numpy.array_equal(doc.to_array(IDX), idx):
        return kept  # two C calls check them
    offsets = doc.to_array([IDX, LENGTH])
    return offsets[:, 0].tolist(), (offsets[:, 0] + offsets[:, 1]).tolist()


def char_spans(doc: Doc, items: list[tuple[int, int, str]],
               offsets: tuple[list[int], list[int]] | None = None) -> list[Span]:
    """`doc.char_span(start, end, label, alignment_mode="expand")` for many spans, by bisection on
    the token offsets (`offsets_of(doc)` unless given; no Token objects)."""
    starts, ends = offsets or offsets_of(doc)
    out = []
    for start, end, label in items:
        first = bisect.bisect_right(starts, start) - 1
        last = bisect.bisect_right(starts, end - 1) - 1
        if first < 0 or last < 0:
            continue
        if start == ends[first]:  # in the trailing space of a token: the next one
            first += 1
        out.append(Span(doc, first, last + 1, label=label))
    return out


def _norm(doc: Doc) -> str:
    """The normalized text the tokenizer stored (doc.text rebuilds the string on every access)."""
    return doc._.zh_norm if doc._.zh_norm is not None else normalize(doc.text)


class QuantityComponent:
    def __init__(self, rules: list[str], latent: bool, timeout: float | None, spans: bool = True) -> None:
        self.matcher = matcher_for(load_rules(rules))
        self.latent = latent
        self.timeout = timeout
        self.spans = spans

    def find(self, doc: Doc) -> Found:
        text = _norm(doc)
        return self.matcher.find(text, latent=self.latent, timeout=self.timeout)

    def apply(self, doc: Doc, found: Found) -> None:
        if self.spans:
            doc.spans[SPANS_KEY] = char_spans(doc, [(c.start, c.end, "QUANTITY") for c in found.kept])
        doc._.quantities = found.kept
        doc._.quantity_trace = found

    def __call__(self, doc: Doc) -> Doc:
        self.apply(doc, self.find(doc))
        return doc


@Language.factory(
    "zh_quantities",
    default_config={"rules": [], "latent": False, "timeout": 30.0, "spans": True},
    assigns=["doc.spans", "doc._.quantities"],
)
def make_quantities(
    nlp: Language, name: str, rules: list[str], latent: bool, timeout: float | None, spans: bool
) -> QuantityComponent:
    return QuantityComponent(rules, latent, timeout, spans)


# --------------------------------------------------------------------------- targets and results

for _name, _default in (("facts", None), ("periods", None), ("statements", None), ("date", None),
                        ("doc_subject", None), ("layout", None), ("entities", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

_DATELINE = regex.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")


@dataclass
class Facts:
    """What the later stages say about one quantity (parallel to `doc._.quantities`)."""

    period: PeriodSpan | None = None
    kind: str | None = None
    kind_rule: str | None = None
    indicator: Phrase | None = None
    subject: str | None = None
    target_id: str | None = None


def document_date(doc: Doc) -> DocDate | None:
    """The date given by the caller, else the text's own dateline (2024年3月5日) near its top."""
    if doc._.date is not None:
        return doc._.date
    m = _DATELINE.search(_norm(doc)[:300])
    if m:
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return DocDate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


class PeriodComponent:
    """`zh_periods`: time expressions, and the period of each quantity (clause, then sentence)."""

    def __init__(self, rules: list[str], spans: bool = True) -> None:
        self.matcher = period_matcher_for(load_rules(rules))
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        text = _norm(doc)
        doc._.date = document_date(doc)  # resolved once (caller's date or dateline) for later stages
        periods = self.matcher.find(text, doc._.date)
        doc._.periods = periods
        if self.spans:
            doc.spans["periods"] = char_spans(doc, [(p.start, p.end, "PERIOD") for p in periods])
        layout = doc._.layout = Layout(text)
        starts = [p.start for p in periods]
        facts = []
        for cand in doc._.quantities or ():
            facts.append(Facts(period=_nearest_period(periods, starts, cand.start, layout)))
        doc._.facts = facts
        return doc


def _nearest_period(periods, starts, offset, layout: Layout) -> PeriodSpan | None:
    """The last period starting before `offset` in its clause, else in its sentence (not past ；)."""
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return None
    candidate = periods[i]
    clause = layout.clause_at(offset)
    if clause is not None and candidate.start >= clause.start:
        return candidate
    return candidate if candidate.start >= sentence_part_start(layout.text, offset) else None


class KindComponent:
    """`zh_kinds`: target / forecast / actual / other for each quantity, and target statements."""

    def __init__(self, rules: list[str]) -> None:
        self.classifier = KindClassifier(load_rules(rules))

    def __call__(self, doc: Doc) -> Doc:
        text = _norm(doc)
        token_starts, token_ends = offsets_of(doc)
        starts, ends = set(token_starts), set(token_ends)
        hits = self.classifier.cue_hits(text, starts, ends)
        quantities = doc._.quantities or []
        # a cue word inside a mention (将近, 超) or a quoted name (“郑聚英才计划”) is not a cue
        labels = [t for t in doc._.quantity_trace.traps if t.trap == "label"]
        inside = SpanIndex([*quantities, *labels])
        hits = [h for h in hits if inside.first_overlap(h.start, h.start + 1) is None]
        layout = doc._.layout or Layout(text)
        index = Hits(hits)
        passage = self.classifier.passage_scopes(layout, index)
        facts = doc._.facts or [Facts() for _ in quantities]
        date = document_date(doc)
        kinds = self.classifier.classify(text, quantities, [f.period for f in facts], date, index, layout,
                                         passage)
        for f, (kind, reason) in zip(facts, kinds):
            f.kind, f.kind_rule = kind, reason
            if kind == "actual" and f.period and date and date.month and date.month <= 4 \
                    and is_current_year(f.period) and f.period.norm:
                # 全年 reported in a spring communiqué is last year
                f.period = dataclasses.replace(f.period, norm=_shift_years(f.period.norm, -1))
        doc_kind = prevailing_kind(kinds) or ("actual" if kinds else None)
        ahead = [p for p in doc._.periods or () if kind_from_period(p, date) == "target"]
        statements = self.classifier.statements(
            text, layout, index, [q.start for q in quantities], doc_kind, ahead, passage
        )
        ends = [st.end for st in statements]
        for q, f in zip(quantities, facts):
            i = bisect.bisect_right(ends, q.start) - 1  # the last statement before the figure
            if f.kind == "target" and i >= 0 and _same_clause(text, statements[i], q.start):
                f.target_id = f"T{i + 1}"
        doc._.facts = facts
        doc._.statements = statements
        return doc


OWNER_LABELS = {"GPE", "FAC"}  # what owns a figure: a place or a named facility or zone
GENERIC_OWNERS = {"中国", "全国"}


def _owner_before(owners, starts, text, lo, hi) -> str | None:
    """The last place or facility named in [lo, hi)."""
    i = bisect.bisect_left(starts, hi) - 1
    while i >= 0 and owners[i].start >= lo:
        name = text[owners[i].start : owners[i].end]
        if owners[i].end <= hi and name not in GENERIC_OWNERS:
            return name
        i -= 1
    return None


def _main_owner(owners, text) -> str | None:
    """The place a document names most (first paragraphs count double), by its canonical name."""
    counts: dict[str, int] = {}
    for e in owners:
        if e.label == "GPE" and text[e.start : e.end] not in GENERIC_OWNERS:
            name = e.normalized or text[e.start : e.end]
            counts[name] = counts.get(name, 0) + (2 if e.start < 300 else 1)
    return max(counts, key=counts.get) if counts else None


def _shift_years(norm: str, delta: int) -> str:
    return regex.sub(r"\d{4}", lambda m: str(int(m.group()) + delta), norm)


def _near(spans: list[tuple[int, int]], offset: int, reach: int = 200) -> list[tuple[int, int]]:
    """The spans within `reach` characters of `offset` (spans are sorted by start)."""
    lo = bisect.bisect_left(spans, (offset - reach, -1))
    hi = bisect.bisect_right(spans, (offset + reach, offset + reach))
    return spans[lo:hi]


def _same_clause(text: str, st: Statement, offset: int) -> bool:
    """A quantity belongs to the statement whose sentence it shares, after the statement."""
    if offset < st.end:
        return False
    between = text[st.end : offset]
    return not any(c in "。！？!?\n" for c in between)


class IndicatorComponent:
    """`zh_indicators`: the indicator and subject of each quantity."""

    def __init__(self, rules: list[str]) -> None:
        ruleset = load_rules(rules)
        self.indicators = IndicatorFinder(ruleset)
        self.subjects = self.indicators.places  # one place matcher for both

    def __call__(self, doc: Doc) -> Doc:
        text = _norm(doc)
        quantities = doc._.quantities or []
        facts = doc._.facts or [Facts() for _ in quantities]
        layout = doc._.layout or Layout(text)
        # one-character short forms (来郑) name a place in passing, not a figure's owner
        owners = [e for e in doc._.entities or () if e.label in OWNER_LABELS and e.end - e.start > 1]
        owner_starts = [e.start for e in owners]
        main = doc._.doc_subject or _main_owner(owners, text) or self.subjects.main_subject(text)
        periods = [(p.start, p.end) for p in doc._.periods or ()]
        spans = [(q.start, q.end) for q in quantities]
        previous: tuple[int, Phrase | None] = (-1, None)
        earlier: tuple[int, int, Phrase | None] = (-1, -1, None)  # sentence, clause start, phrase
        for i, (q, f) in enumerate(zip(quantities, facts)):
            clause = layout.clause_at(q.start)
            sentence = layout.sentence_at(q.start)
            blocked = _near(periods, q.start) + spans[max(0, i - 3) : i]
            bounds = (clause.start, clause.end) if clause else sentence
            before = previous[1] if previous[0] == sentence[0] else None
            prior = earlier[2] if earlier[0] == sentence[0] and earlier[1] != bounds[0] else None
            blocked = blocked + spans[i + 1 : i + 4]
            phrase = self.indicators.find(text, bounds, q, blocked, before, prior)
            f.indicator = phrase
            if phrase is not None and q.dimension != "count":
                earlier = (sentence[0], bounds[0], phrase)
            previous = (sentence[0], phrase)
            f.subject = (
                self.subjects.topic(text, sentence, q.start)
                or _owner_before(owners, owner_starts, text, max(sentence[0], q.start - 200), q.start)
                or (None if owners else self.subjects.subject_for(text, sentence, q.start))
                or main
            )
        doc._.facts = facts
        return doc


@Language.factory("zh_periods", default_config={"rules": [], "spans": True}, requires=["doc._.quantities"],
                  assigns=["doc._.periods", "doc._.facts", "doc.spans"])
def make_periods(nlp: Language, name: str, rules: list[str], spans: bool) -> PeriodComponent:
    return PeriodComponent(rules, spans)


@Language.factory("zh_kinds", default_config={"rules": []}, requires=["doc._.facts"],
                  assigns=["doc._.facts", "doc._.statements"])
def make_kinds(nlp: Language, name: str, rules: list[str]) -> KindComponent:
    return KindComponent(rules)


@Language.factory("zh_indicators", default_config={"rules": []}, requires=["doc._.facts"],
                  assigns=["doc._.facts"])
def make_indicators(nlp: Language, name: str, rules: list[str]) -> IndicatorComponent:
    return IndicatorComponent(rules)


class EntityComponent:
    """`zh_entities`: named entities into `doc.spans["entities"]` and `doc._.entities`."""

    def __init__(self, rules: list[str], spans: bool = True) -> None:
        self.matcher = entity_matcher_for(load_entity_rules(rules), load_rules(rules).actions)
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        text = _norm(doc)
        offsets = offsets_of(doc)
        entities = self.matcher.find(text, list(zip(*offsets)))
        doc._.entities = entities
        if self.spans:
            doc.spans["entities"] = char_spans(doc, [(e.start, e.end, e.label) for e in entities], offsets)
        return doc


@Language.factory("zh_entities", default_config={"rules": [], "spans": True},
                  assigns=["doc._.entities", "doc.spans"])
def make_entities(nlp: Language, name: str, rules: list[str], spans: bool) -> EntityComponent:
    return EntityComponent(rules, spans)
