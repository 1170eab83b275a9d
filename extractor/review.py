"""Review what was extracted: an article with its records highlighted, and a run report, as
self-contained HTML (CSS and scripts inline, nothing fetched, Chinese fonts from the system).

    review = extractor.review("力争新签约项目总额突破8000亿元")   # or Pipeline().review(text)
    review                       # in a notebook: the highlighted view (_repr_html_), like displaCy
    review.save("article.html")  # the same view as an offline page

    Review.from_records(records, text=None)   # from a records file; without the text, the
                                              # sentences the records carry are shown
    report_page(records, errors=[...])        # a whole run at a glance

Everything is built as strings by pure functions. Text goes through html.escape; data for the
scripts is JSON with <, > and & escaped, so an article holding `</script>` stays text. Highlights
may overlap (an entity inside a target statement, a quantity inside it): the text is cut at every
start and end, and each piece is one <span> naming every record that covers it.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES = ("quantity", "target", "period", "entity")
TYPE_NAMES = {"quantity": "quantity", "target": "target statement", "period": "time expression",
              "entity": "entity"}
PLURALS = {"quantity": "quantities", "target": "target statements", "period": "time expressions",
           "entity": "entities"}
PREFIX = {"quantity": "q", "target": "t", "period": "p", "entity": "e"}
KINDS = ("target", "forecast", "actual", "other")
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT", "NORP", "PRODUCT")
COMPARATORS = {"=": "", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "~": "≈", "range": ""}
# What wins a click on text covered by several records: the shortest, then this order.
_PRIORITY = {"quantity": 0, "period": 1, "entity": 2, "target": 3}
_SAFE_ID = re.compile(r"[^\w.-]+")
_counter = itertools.count(1)


def esc(value: Any) -> str:
    """Text for an element or an attribute (quotes escaped too); None is empty."""
    return "" if value is None else html.escape(str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no </script>, <!--, or & entities."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def fmt_number(value: Any) -> str:
    """800000000000 -> 800,000,000,000; 12.5 -> 12.5; None -> ''."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(value)


def fmt_compact(value: Any) -> str:
    """Large numbers the Chinese way, for tables: 800000000000 -> 8000亿, 200000 -> 20万."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        for size, word in ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")):
            if abs(value) >= size:
                return f"{value / size:.6g}{word}"
    return fmt_number(value)


def fmt_value(rec: dict, compact: bool = False) -> str:
    """A quantity's value as a reader says it: `> 800,000,000,000 CNY` (`> 8000亿 CNY`), `6–8 家`."""
    fmt = fmt_compact if compact else fmt_number
    value = fmt(rec.get("value"))
    if rec.get("value_max") is not None:
        value += "–" + fmt(rec.get("value_max"))
    sign = COMPARATORS.get(rec.get("comparator") or "=", rec.get("comparator") or "")
    unit = rec.get("unit")
    return " ".join(p for p in (sign, value, unit) if p)


# --------------------------------------------------------------------------- marks


@dataclass
class Mark:
    """One highlighted record: where it stands, how it looks, what its card and row say."""

    id: str
    type: str
    start: int
    end: int
    text: str
    record: dict
    classes: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # other marks lit with it (statement, period)
    indicator: tuple[int, int] | None = None
    subject: tuple[int, int] | None = None

    @property
    def kind(self) -> str | None:
        return self.record.get("kind") if self.type == "quantity" else None

    @property
    def is_target(self) -> bool:
        return self.type == "target" or self.kind == "target"

    def badge(self) -> str:
        if self.type == "quantity":
            return f"quantity · {self.kind or 'unclassified'}"
        if self.type == "entity":
            return f"entity · {self.record.get('label')}"
        return TYPE_NAMES[self.type]

    def value_cell(self) -> str:
        r = self.record
        if self.type == "quantity":
            return fmt_value(r, compact=True)
        if self.type == "period":
            return r.get("norm") or ""
        if self.type == "entity":
            return r.get("normalized") or ""
        return r.get("cue") or ""

    def what(self) -> str:
        """The indicator column: what a quantity measures, what a target statement is about."""
        r = self.record
        if self.type == "quantity":
            return r.get("indicator") or ""
        if self.type == "target":
            return r.get("object") or ""
        return ""

    def fields(self) -> list[list[str]]:
        """The card: label and value pairs, only those that say something."""
        r = self.record
        out: list[tuple[str, Any]] = [("text", r.get("text"))]
        if self.type == "quantity":
            out += [
                ("value", fmt_value(r)),
                ("as written", fmt_number(r.get("number")) if r.get("number") != r.get("value") else None),
                ("unit", f"{r.get('unit') or '—'}" + (f" (written {r['unit_text']})" if r.get("unit_text")
                                                     else "")),
                ("comparator", r.get("comparator")),
                ("change", (r.get("direction") or "yes") if r.get("change") else None),
                ("kind", _with(r.get("kind"), r.get("kind_rule"))),
                ("indicator", r.get("indicator")),
                ("period", _with(r.get("period"), r.get("period_norm"))),
                ("subject", r.get("subject")),
                ("target statement", r.get("target_id")),
                ("dimension", r.get("dimension")),
                ("rule", r.get("rule")),
                ("rules", ", ".join(x for x in r.get("rules") or () if x != r.get("rule")) or None),
            ]
        elif self.type == "target":
            out += [
                ("id", r.get("id")),
                ("cue", r.get("cue")),
                ("action", r.get("action")),
                ("object", r.get("object")),
                ("subject", r.get("subject")),
                ("period", _with(r.get("period"), r.get("period_norm"))),
                ("rule", r.get("rule")),
            ]
        elif self.type == "entity":
            out += [
                ("label", r.get("label")),
                ("normalized", r.get("normalized")),
                ("code", r.get("code")),
                ("rule", r.get("rule")),
            ]
        else:
            out += [("normalized", r.get("norm")), ("rule", r.get("rule"))]
        out.append(("offsets", f"{self.start}–{self.end}"))
        return [[k, str(v)] for k, v in out if v not in (None, "")]

    def summary(self) -> str:
        """One line for a tooltip (the view without scripts) and a table cell."""
        parts = [self.badge(), self.text, self.value_cell(), self.what()]
        return " · ".join(p for p in parts if p)


def _count(n: int, kind: str) -> str:
    return f"{n:,} {TYPE_NAMES[kind] if n == 1 else PLURALS[kind]}"


def _with(main: Any, detail: Any) -> str | None:
    if main in (None, ""):
        return None
    return f"{main} ({detail})" if detail not in (None, "") else str(main)


def _plain(record: Any) -> dict:
    if isinstance(record, dict):
        return record
    if hasattr(record, "to_dict"):
        return record.to_dict()
    if hasattr(record, "start") and hasattr(record, "end"):  # a PeriodSpan
        return {k: getattr(record, k, None) for k in ("start", "end", "text", "norm", "rule")}
    raise TypeError(f"not a record: {record!r}")


def build_marks(
    text: str,
    records: Iterable[Any],
    periods: Iterable[Any] | None = None,
    known: Sequence[tuple[int, int]] | None = None,
) -> tuple[list[Mark], list[str]]:
    """Marks for every record whose offsets hold its text, and a line for each that does not.

    `periods` are the Doc's time expressions (PeriodSpan or dicts with start/end/text/norm/rule);
    without them, the periods named by quantity and target records are located in their sentence.
    `known` limits the text to ranges actually known (a text rebuilt from records' sentences).
    """
    warnings: list[str] = []
    marks: list[Mark] = []
    counts: Counter = Counter()

    def add(kind: str, rec: dict) -> Mark | None:
        start, end = rec.get("start"), rec.get("end")
        written = rec.get("text")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            warnings.append(f"{TYPE_NAMES[kind]} {written!r}: offsets {start}–{end} are outside the text")
            return None
        if written is not None and text[start:end] != written:
            warnings.append(f"{TYPE_NAMES[kind]} {written!r} at {start}–{end}: the text there is "
                            f"{text[start:end]!r}; not shown")
            return None
        counts[kind] += 1
        mark = Mark(f"{PREFIX[kind]}{counts[kind]}", kind, start, end, text[start:end], rec)
        marks.append(mark)
        return mark

    plain = [_plain(r) for r in records]
    for rec in plain:
        kind = rec.get("type", "quantity")
        if kind in ("quantity", "target", "entity"):
            add(kind, rec)
    if periods is not None:
        for p in periods:
            add("period", _plain(p))
    else:
        for rec in [m.record for m in marks if m.type in ("quantity", "target")]:
            span = _locate_period(text, rec, known)
            if span and not any(m.type == "period" and (m.start, m.end) == span for m in marks):
                add("period", {"start": span[0], "end": span[1], "text": rec["period"],
                               "norm": rec.get("period_norm"), "rule": "located from the records"})
    _relate(text, marks)
    for m in marks:
        m.classes = _classes(m)
    marks.sort(key=lambda m: (m.start, -m.end, _PRIORITY[m.type]))
    return marks, warnings


def _locate_period(text: str, rec: dict, known) -> tuple[int, int] | None:
    """A record's period, as written, in its sentence: the nearest before it, else after it."""
    period = rec.get("period")
    if not period:
        return None
    sentence = rec.get("sentence") or ""
    lo = rec["start"] - max(sentence.find(rec.get("text") or ""), 0)
    hi = lo + len(sentence)
    return _nearest(text, period, rec["start"], rec["end"], lo, hi, known)


def _nearest(text, needle, start, end, lo=0, hi=None, known=None) -> tuple[int, int] | None:
    hi = len(text) if hi is None else hi
    before = text.rfind(needle, max(lo, 0), start)
    if before >= 0 and _inside(known, before, before + len(needle)):
        return before, before + len(needle)
    after = text.find(needle, end, hi)
    if after >= 0 and _inside(known, after, after + len(needle)):
        return after, after + len(needle)
    return None


def _inside(known, start: int, end: int) -> bool:
    return known is None or any(a <= start and end <= b for a, b in known)


def _relate(text: str, marks: list[Mark]) -> None:
    """Link each quantity to its indicator and subject spans, its period and its statement."""
    statements = {m.record.get("id"): m for m in marks if m.type == "target"}
    periods: dict[str, list[Mark]] = defaultdict(list)
    for m in marks:
        if m.type == "period":
            periods[m.text].append(m)
    subjects: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in marks:
        if m.type == "entity":
            for name in {m.text, m.record.get("normalized")} - {None}:
                subjects[name].append((m.start, m.end))
    for m in marks:
        r = m.record
        if m.type not in ("quantity", "target"):
            continue
        if m.type == "quantity":
            i0, i1 = r.get("indicator_start"), r.get("indicator_end")
            if isinstance(i0, int) and isinstance(i1, int) and 0 <= i0 < i1 <= len(text):
                m.indicator = (i0, i1)
            st = statements.get(r.get("target_id"))
            if st is not None:
                m.related.append(st.id)
                st.related.append(m.id)
        subject = r.get("subject")
        if subject:
            found = [*subjects.get(subject, ()), _nearest(text, subject, m.start, m.end)]
            inside = [s for s in found if s and m.start <= s[0] and s[1] <= m.end]
            before = [s for s in found if s and s[1] <= m.start]
            after = [s for s in found if s and s[0] >= m.end]
            m.subject = (min(inside) if inside else max(before) if before else min(after) if after
                         else None)
        if r.get("period"):
            near = [p for p in periods.get(r["period"], ()) if abs(p.start - m.start) < 400]
            if near:
                best = min(near, key=lambda p: (p.start > m.start, abs(p.start - m.start)))
                m.related.append(best.id)


def _classes(m: Mark) -> list[str]:
    if m.type == "quantity":
        return ["zhx-q", f"zhx-k-{m.kind if m.kind in KINDS else 'none'}"]
    if m.type == "target":
        return ["zhx-t"]
    if m.type == "period":
        return ["zhx-p"]
    label = m.record.get("label")
    return ["zhx-e", f"zhx-l-{label if label in ENTITY_LABELS else 'other'}"]


# --------------------------------------------------------------------------- text


def segments(length: int, spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Cut [0, length) at every span boundary; each piece with the keys of the spans covering it,
    in the order the spans were given. Empty and out-of-range spans are ignored."""
    opens: dict[int, list[str]] = defaultdict(list)
    closes: dict[int, list[str]] = defaultdict(list)
    order: dict[str, int] = {}
    for start, end, key in spans:
        start, end = max(start, 0), min(end, length)
        if start >= end:
            continue
        opens[start].append(key)
        closes[end].append(key)
        order.setdefault(key, len(order))
    bounds = sorted({0, length, *opens, *closes})
    active: set[str] = set()
    out = []
    for a, b in itertools.pairwise(bounds):
        active.difference_update(closes.get(a, ()))
        active.update(opens.get(a, ()))
        out.append((a, b, tuple(sorted(active, key=order.__getitem__))))
    return out


def render_text(text: str, marks: Sequence[Mark], known: Sequence[tuple[int, int]] | None = None) -> str:
    """The article as HTML: every piece escaped, pieces under records wrapped in a <span> with
    `data-ids` (the records, the one a click picks first) and `data-rel` (this piece is the
    indicator `i:q3` or subject `s:q3` of a quantity)."""
    by_id = {m.id: m for m in marks}
    spans: list[tuple[int, int, str]] = []
    for m in sorted(marks, key=lambda m: (m.end - m.start, _PRIORITY[m.type])):
        spans.append((m.start, m.end, m.id))
    for m in marks:
        if m.indicator:
            spans.append((*m.indicator, f"i:{m.id}"))
        if m.subject:
            spans.append((*m.subject, f"s:{m.id}"))
    if known is not None:
        spans += [(a, b, "known") for a, b in known]
    out: list[str] = []
    gap = 0
    for a, b, keys in segments(len(text), spans):
        if known is not None and "known" not in keys:
            gap += b - a
            continue
        if gap:
            out.append(f'<span class="zhx-gap">⋯ {gap} characters not in the records ⋯</span>')
            gap = 0
        piece = esc(text[a:b])
        ids = [k for k in keys if k in by_id]
        rel = [k for k in keys if k[:2] in ("i:", "s:")]
        if not ids and not rel:
            out.append(piece)
            continue
        classes = ["zhx-m"] if ids else []
        for k in ids:
            classes += [c for c in by_id[k].classes if c not in classes]
        attrs = f' class="{" ".join(classes)}"' if classes else ""
        if ids:
            attrs += (f' data-ids="{" ".join(ids)}" tabindex="0"'
                      f' title="{esc(" | ".join(by_id[k].summary() for k in ids))}"')
        if rel:
            attrs += f' data-rel="{" ".join(rel)}"'
        out.append(f"<span{attrs}>{piece}</span>")
    if gap:
        out.append(f'<span class="zhx-gap">⋯ {gap} characters not in the records ⋯</span>')
    return "".join(out)


# --------------------------------------------------------------------------- the article view


class Review:
    """An article and its records, shown as a highlighted view (notebooks render it by itself).

    `Review(text, records, periods=doc._.periods, doc_id=...)`; `from_doc`, `from_records`.
    """

    def __init__(
        self,
        text: str,
        records: Iterable[Any],
        periods: Iterable[Any] | None = None,
        *,
        doc_id: str | None = None,
        title: str | None = None,
        known: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        self.text = text
        self.records = [_plain(r) for r in records]
        self.doc_id = doc_id if doc_id is not None else next(
            (r.get("doc_id") for r in self.records if r.get("doc_id")), None)
        self.title = title or (f"{self.doc_id}" if self.doc_id else "zh-extract review")
        self.known = list(known) if known is not None else None
        self.marks, self.warnings = build_marks(text, self.records, periods, self.known)

    @classmethod
    def from_doc(cls, doc, doc_id: str | None = None, *, text: str | None = None, **kw) -> Review:
        """The view of a processed spaCy Doc (records, target statements, entities, periods)."""
        from .pipeline import records_from_doc

        records = records_from_doc(doc, doc_id, True)
        return cls(text if text is not None else doc.text, records, doc._.periods or [],
                   doc_id=doc_id, **kw)

    @classmethod
    def from_records(cls, records: Iterable[Any], text: str | None = None, **kw) -> Review:
        """The view of one document's records; without its text, the sentences the records
        carry are put back at their offsets and the rest is marked as missing."""
        records = [_plain(r) for r in records]
        if text is not None:
            return cls(text, records, **kw)
        rebuilt, known = rebuild_text(records)
        return cls(rebuilt, records, known=known, **kw)

    def counts(self) -> Counter:
        return Counter(m.type for m in self.marks)

    def fragment(self, *, page: bool = False) -> str:
        return article_html(self, page=page)

    def html(self) -> str:
        """A whole offline page."""
        return page_html(self.title, self.fragment(page=True))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return self.fragment()

    def __repr__(self) -> str:
        c = self.counts()
        shown = ", ".join(_count(c[t], t) for t in TYPES if c[t])
        return f"<Review {self.title!r}: {shown or 'no records'}>"


def rebuild_text(records: Sequence[dict]) -> tuple[str, list[tuple[int, int]]]:
    """The text as far as the records know it: each record's sentence put back where its offsets
    say (a record's text inside its sentence fixes the sentence's start). Unknown characters are
    U+FFFC and lie outside the returned ranges."""
    placed: dict[int, str] = {}
    for r in records:
        sentence, written, start = r.get("sentence") or "", r.get("text") or "", r.get("start")
        if not isinstance(start, int) or not written:
            continue
        at = [m.start() for m in re.finditer(re.escape(written), sentence)]
        if not at:
            placed.setdefault(start, written)
            continue
        s0 = start - at[0]
        if len(at) > 1:  # ambiguous: prefer a start another record fixed already
            s0 = next((start - i for i in at if start - i in placed), s0)
        if s0 >= 0 and len(sentence) >= len(placed.get(s0, "")):
            placed[s0] = sentence
    end = max((s + len(t) for s, t in placed.items()), default=0)
    chars = ["\ufffc"] * end
    for s, t in sorted(placed.items(), key=lambda st: len(st[1])):
        chars[s : s + len(t)] = t
    ranges: list[tuple[int, int]] = []
    for s, t in sorted(placed.items()):
        if ranges and s <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], s + len(t)))
        else:
            ranges.append((s, s + len(t)))
    return "".join(chars), ranges


_LEGEND_KINDS = [("target", "target"), ("forecast", "forecast"), ("actual", "actual"),
                 ("other", "other"), ("none", "unclassified")]


def _legend(review: Review) -> str:
    c = review.counts()
    kinds = Counter(m.kind if m.kind in KINDS else "none" for m in review.marks if m.type == "quantity")
    labels = Counter(m.record.get("label") for m in review.marks if m.type == "entity")
    items = []
    for kind, name in _LEGEND_KINDS:
        if kinds[kind] or kind == "target":
            items.append(f'<span class="zhx-m zhx-q zhx-k-{kind}">{esc(name)} {kinds[kind]}</span>')
    quantity = " ".join(items)
    groups = [
        ("quantity", f"<b>quantities</b> {quantity}"),
        ("target", f'<b>target statements</b> <span class="zhx-m zhx-t">目标 {c["target"]}</span>'),
        ("period", f'<b>time</b> <span class="zhx-m zhx-p">时间 {c["period"]}</span>'),
        ("entity", "<b>entities</b> " + (" ".join(
            f'<span class="zhx-m zhx-e zhx-l-{esc(label if label in ENTITY_LABELS else "other")}">'
            f"{esc(label)} {n}</span>" for label, n in sorted(labels.items(), key=lambda x: -x[1]))
            or "0")),
    ]
    out = []
    for kind, body in groups:
        out.append(f'<label class="zhx-legend-item"><input type="checkbox" checked data-toggle="{kind}"'
                   f' title="show or hide {PLURALS[kind]}"> {body}</label>')
    out.append('<span class="zhx-legend-item"><b>selected</b> <span class="zhx-sel-demo">数值</span> '
               '<span class="zhx-rel-ind">indicator</span> <span class="zhx-rel-subj">subject</span>'
               '</span>')
    return f'<div class="zhx-legend">{"".join(out)}</div>'


def _side(review: Review) -> str:
    marks = review.marks
    indicators = Counter(m.what() for m in marks if m.what())
    options = "".join(f'<option value="{esc(i)}">' for i, _ in indicators.most_common())
    uid = review_uid(review)
    types = "".join(f'<option value="{t}">{esc(PLURALS[t])}</option>' for t in TYPES
                    if any(m.type == t for m in marks))
    controls = (
        '<div class="zhx-controls">'
        f'<select data-filter="equals" data-key="type" aria-label="record type">'
        f'<option value="">all records</option>{types}</select>'
        '<label><input type="checkbox" data-filter="flag" data-key="target"> targets only</label>'
        f'<input type="search" data-filter="contains" data-key="ind" list="{uid}-ind" '
        'placeholder="indicator…" aria-label="indicator">'
        f'<datalist id="{uid}-ind">{options}</datalist>'
        '<input type="search" data-filter="search" placeholder="search…" aria-label="search">'
        f'<span class="zhx-count">{len(marks)} of {len(marks)}</span>'
        "</div>"
    )
    head = ("<tr><th data-sort=\"num\" aria-sort=\"ascending\">at</th><th data-sort=\"text\">type</th>"
            "<th data-sort=\"text\">text</th><th data-sort=\"num\">value</th>"
            "<th data-sort=\"text\">indicator</th><th data-sort=\"text\">period</th>"
            "<th data-sort=\"text\">subject</th></tr>")
    rows = []
    for m in marks:
        r = m.record
        value = r.get("value") if m.type == "quantity" else None
        rows.append(
            f'<tr data-id="{m.id}" data-type="{m.type}" data-target="{1 if m.is_target else 0}" '
            f'data-ind="{esc(m.what())}" tabindex="0">'
            f'<td data-v="{m.start}">{m.start}</td>'
            f'<td><span class="zhx-badge {" ".join(m.classes)}">{esc(m.badge())}</span></td>'
            f"<td{_clip(m.text)}</td>"
            f'<td class="zhx-val" data-v="{esc("" if value is None else value)}">{esc(m.value_cell())}</td>'
            f"<td{_clip(m.what())}</td>"
            f'<td title="{esc(r.get("period_norm") or "")}">{esc(r.get("period") or "")}</td>'
            f"<td>{esc(r.get('subject') or '')}</td></tr>"
        )
    return (f'<aside class="zhx-side">{controls}<div class="zhx-table-wrap">'
            f'<table class="zhx-table zhx-records"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>'
            "</table></div></aside>")


def _clip(text: str, size: int = 24) -> str:
    """The rest of a table cell: long texts cut, whole in the tooltip (search still sees all)."""
    if len(text) <= size:
        return f">{esc(text)}"
    return f' title="{esc(text)}">{esc(text[: size - 1])}…<span hidden>{esc(text[size - 1 :])}</span>'


def review_uid(review: Review) -> str:
    if not hasattr(review, "_uid"):
        digest = hashlib.sha1(review.text.encode("utf-8", "surrogatepass")).hexdigest()[:6]
        review._uid = f"zhx-{next(_counter)}-{digest}"
    return review._uid


def article_html(review: Review, *, page: bool = False) -> str:
    """The article view as one <div> (styles and script inside, scoped to it): a page's body, or
    a notebook cell's output."""
    uid = "zhx-review" if page else review_uid(review)
    page_attr = ' data-page="1"' if page else ""
    c = review.counts()
    stats = ", ".join(_count(c[t], t) for t in TYPES) + f", {len(review.text):,} characters"
    if review.known is not None:
        stats += " (text rebuilt from the records' sentences)"
    warnings = ""
    if review.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in review.warnings[:50])
        more = f"<li>… and {len(review.warnings) - 50} more</li>" if len(review.warnings) > 50 else ""
        warnings = (f'<details class="zhx-warn"><summary>{len(review.warnings)} records do not match '
                    f"the text and are not shown</summary><ul>{items}{more}</ul></details>")
    data = {"marks": {m.id: {"badge": m.badge(), "fields": m.fields(), "rel": m.related,
                             "cls": m.classes, "at": [m.start, m.end]} for m in review.marks}}
    return (
        f'<div class="zhx zhx-article{" zhx-page" if page else " zhx-nb"}" id="{uid}"{page_attr}>'
        f"<style>{CSS}</style>"
        f'<header class="zhx-head"><h1>{esc(review.title)}</h1><p class="zhx-stats">{esc(stats)}</p>'
        f"{_legend(review)}{warnings}</header>"
        '<div class="zhx-main">'
        f'<article class="zhx-text" lang="zh">{render_text(review.text, review.marks, review.known)}'
        "</article>"
        f"{_side(review)}</div>"
        '<div class="zhx-card" role="dialog" aria-live="polite" hidden></div>'
        f'<script type="application/json" class="zhx-data">{script_json(data)}</script>'
        f'<script>(function(root){{{TABLE_JS}{ARTICLE_JS}}})(document.getElementById("{uid}"));</script>'
        "</div>"
    )


def page_html(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="zh-extractor">'
        f"<title>{esc(title)}</title></head><body>{body}</body></html>\n"
    )


# --------------------------------------------------------------------------- the run report


@dataclass
class RunSummary:
    """Counts over a whole run, built one record at a time."""

    source: str = ""
    types: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    units: Counter = field(default_factory=Counter)
    subjects: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    indicators: Counter = field(default_factory=Counter)
    indicator_targets: Counter = field(default_factory=Counter)
    indicator_units: dict = field(default_factory=lambda: defaultdict(Counter))
    documents: dict = field(default_factory=lambda: defaultdict(Counter))
    targets: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def add(self, r: dict) -> None:
        kind = r.get("type", "quantity")
        self.types[kind] += 1
        doc = self.documents[r.get("doc_id") or "-"]
        doc[kind] += 1
        if kind == "quantity":
            self.kinds[r.get("kind") or "unclassified"] += 1
            self.units[r.get("unit") or "(no unit)"] += 1
            if r.get("subject"):
                self.subjects[r["subject"]] += 1
            if r.get("indicator"):
                self.indicators[r["indicator"]] += 1
                self.indicator_units[r["indicator"]][r.get("unit") or "—"] += 1
            if r.get("kind") == "target":
                doc["target quantity"] += 1
                if r.get("indicator"):
                    self.indicator_targets[r["indicator"]] += 1
                self.targets.append(r)
        elif kind == "target":
            self.targets.append(r)
        elif kind == "entity":
            self.labels[r.get("label") or "?"] += 1


TARGET_COLUMNS = ["subject", "period", "period_norm", "indicator", "value", "value_max", "unit",
                  "comparator", "change", "doc_id", "start", "end", "text", "sentence"]


def report_page(
    records: Iterable[dict],
    *,
    errors: Iterable[str] = (),
    source: str = "",
    pages: dict[str, str] | None = None,
    top: int = 25,
) -> str:
    """The run report: counts by type, kind, unit and subject, frequent indicators, errors, and a
    table of targets that filters and exports as CSV. `pages` maps doc ids to article pages."""
    summary = RunSummary(source=source)
    for r in records:
        summary.add(r)
    summary.errors = list(errors)
    return page_html(f"zh-extract report{f' · {source}' if source else ''}",
                     report_html(summary, pages=pages or {}, top=top))


def _bars(counter: Counter, top: int, style: str = "") -> str:
    """A bar per name, longest first; `style` "kind" or "label" colours them as in the article."""
    if not counter:
        return '<p class="zhx-none">none</p>'
    most = counter.most_common(top)
    peak = most[0][1] or 1

    def cls(name: str) -> str:
        if style == "kind":
            return f" zhx-q zhx-k-{name if name in KINDS else 'none'}"
        if style == "label":
            return f" zhx-e zhx-l-{name if name in ENTITY_LABELS else 'other'}"
        return ""

    rows = "".join(
        f'<tr><th title="{esc(name)}">{esc(name)}</th><td class="zhx-bar-cell">'
        f'<span class="zhx-bar{cls(name)}" style="width:{100 * n / peak:.1f}%"></span></td>'
        f'<td class="zhx-num">{n:,}</td></tr>' for name, n in most)
    rest = len(counter) - len(most)
    more = f'<p class="zhx-none">… {rest} more</p>' if rest > 0 else ""
    return f'<table class="zhx-bars">{rows}</table>{more}'


def _doc_link(doc_id: str, pages: dict[str, str], anchor: str = "") -> str:
    if doc_id in pages:
        return f'<a href="{esc(pages[doc_id] + anchor)}">{esc(doc_id)}</a>'
    return esc(doc_id)


def report_html(s: RunSummary, *, pages: dict[str, str], top: int = 25) -> str:
    quantities = s.types["quantity"]
    types = Counter({PLURALS.get(k, k): n for k, n in s.types.items()})
    target_quantities = s.kinds["target"]
    tiles = [("documents", len(s.documents)), ("quantities", quantities),
             ("target quantities", target_quantities), ("target statements", s.types["target"]),
             ("entities", s.types["entity"]), ("errors", len(s.errors))]
    tiles_html = "".join(
        f'<div class="zhx-tile{" zhx-tile-bad" if name == "errors" and n else ""}">'
        f'<span class="zhx-tile-n">{n:,}</span><span>{esc(name)}</span></div>' for name, n in tiles)
    docs_rows = "".join(
        f"<tr><td>{_doc_link(d, pages)}</td>" + "".join(
            f'<td class="zhx-num" data-v="{c[k]}">{c[k]:,}</td>'
            for k in ("quantity", "target quantity", "target", "entity")) + "</tr>"
        for d, c in sorted(s.documents.items()))
    docs = ('<table class="zhx-table zhx-sortable"><thead><tr><th data-sort="text">document</th>'
            '<th data-sort="num">quantities</th><th data-sort="num">targets</th>'
            '<th data-sort="num">statements</th><th data-sort="num">entities</th></tr></thead>'
            f"<tbody>{docs_rows}</tbody></table>")
    ind_rows = "".join(
        f"<tr><td>{esc(name)}</td><td class=\"zhx-num\" data-v=\"{n}\">{n:,}</td>"
        f'<td class="zhx-num" data-v="{s.indicator_targets[name]}">{s.indicator_targets[name]:,}</td>'
        f"<td>{esc(', '.join(u for u, _ in s.indicator_units[name].most_common(3)))}</td></tr>"
        for name, n in s.indicators.most_common(top))
    indicators = ('<table class="zhx-table zhx-sortable"><thead><tr><th data-sort="text">indicator</th>'
                  '<th data-sort="num">quantities</th><th data-sort="num">targets</th>'
                  '<th data-sort="text">units</th></tr></thead>'
                  f"<tbody>{ind_rows}</tbody></table>" if s.indicators else '<p class="zhx-none">none</p>')
    errors = ("<ul class=\"zhx-errors\">" + "".join(f"<li>{esc(e)}</li>" for e in s.errors) + "</ul>"
              if s.errors else '<p class="zhx-none">none</p>')
    return (
        f'<div class="zhx zhx-report zhx-page" id="zhx-report" data-page="1"><style>{CSS}</style>'
        f'<header class="zhx-head"><h1>zh-extract report</h1><p class="zhx-stats">'
        f"{esc(s.source)}{' · ' if s.source else ''}{sum(s.types.values()):,} records from "
        f"{len(s.documents):,} documents</p></header>"
        f'<div class="zhx-tiles">{tiles_html}</div>'
        '<div class="zhx-grid">'
        f"<section><h2>Records by type</h2>{_bars(types, top)}</section>"
        f"<section><h2>Quantities by kind</h2>{_bars(s.kinds, top, 'kind')}</section>"
        f"<section><h2>Units</h2>{_bars(s.units, 15)}</section>"
        f"<section><h2>Subjects</h2>{_bars(s.subjects, 15)}</section>"
        f"<section><h2>Entities by label</h2>{_bars(s.labels, top, 'label')}</section>"
        "</div>"
        f"<section><h2>Documents</h2>{docs}</section>"
        f"<section><h2>Most frequent indicators</h2>{indicators}</section>"
        f'<section class="zhx-errors-box"><h2>Errors ({len(s.errors)})</h2>{errors}</section>'
        f"{_targets_table(s, pages)}"
        f'<script>(function(root){{{TABLE_JS}{REPORT_JS}}})(document.getElementById("zhx-report"));'
        "</script></div>"
    )


def _targets_table(s: RunSummary, pages: dict[str, str]) -> str:
    rows, data = [], []
    subjects, docs, units = Counter(), Counter(), Counter()
    for i, r in enumerate(s.targets):
        statement = r.get("type") == "target"
        row = {c: r.get(c) for c in TARGET_COLUMNS}
        if statement:
            row["indicator"] = r.get("object")
        data.append(row)
        doc = r.get("doc_id") or "-"
        subjects[r.get("subject") or ""] += 1
        docs[doc] += 1
        units[r.get("unit") or ""] += 1
        value = r.get("value")
        anchor = f"#{r.get('start')}-{r.get('end')}"
        rows.append(
            f'<tr data-i="{i}" data-statement="{1 if statement else 0}" '
            f'data-subject="{esc(r.get("subject") or "")}" data-doc="{esc(doc)}" '
            f'data-unit="{esc(r.get("unit") or "")}" data-ind="{esc(row["indicator"] or "")}"'
            f'{" hidden" if statement else ""}>'
            f"<td>{esc(r.get('subject') or '')}</td>"
            f"<td>{esc(row['indicator'] or '')}</td>"
            f'<td class="zhx-num" data-v="{esc("" if value is None else value)}">'
            f"{esc(fmt_number(value))}"
            f"{esc('–' + fmt_number(r.get('value_max')) if r.get('value_max') is not None else '')}</td>"
            f"<td>{esc(r.get('unit') or '')}</td>"
            f"<td>{esc(r.get('comparator') or '')}</td>"
            f'<td title="{esc(r.get("period_norm") or "")}">{esc(r.get("period") or "")}</td>'
            f"<td>{_doc_link(doc, pages, anchor)}</td>"
            f'<td title="{esc(r.get("sentence") or "")}">{esc(r.get("text") or "")}</td></tr>'
        )

    def select(key: str, name: str, values: Counter) -> str:
        opts = "".join(f'<option value="{esc(v)}">{esc(v or "(none)")} ({n})</option>'
                       for v, n in sorted(values.items(), key=lambda x: (-x[1], x[0])))
        return (f'<select data-filter="equals" data-key="{key}" aria-label="{name}">'
                f'<option value="">all {name}</option>{opts}</select>')

    shown = s.kinds["target"]
    controls = (
        '<div class="zhx-controls">'
        '<input type="search" data-filter="search" placeholder="search…" aria-label="search">'
        f"{select('subject', 'subjects', subjects)}"
        '<input type="search" data-filter="contains" data-key="ind" placeholder="indicator…" '
        'aria-label="indicator">'
        f"{select('unit', 'units', units)}{select('doc', 'documents', docs)}"
        '<label><input type="checkbox" data-filter="include" data-key="statement"> with target '
        "statements</label>"
        '<button type="button" class="zhx-csv">Export CSV</button>'
        f'<span class="zhx-count">{shown} of {shown}</span></div>'
    )
    head = "".join(f'<th data-sort="{t}">{esc(n)}</th>' for n, t in (
        ("subject", "text"), ("indicator", "text"), ("value", "num"), ("unit", "text"),
        ("comparator", "text"), ("period", "text"), ("document", "text"), ("text", "text")))
    return (
        f'<section class="zhx-targets"><h2>Targets ({shown} quantities, {s.types["target"]} '
        f"statements)</h2>{controls}"
        '<div class="zhx-table-wrap zhx-wide"><table class="zhx-table zhx-records">'
        f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        f'<script type="application/json" class="zhx-data">'
        f'{script_json({"columns": TARGET_COLUMNS, "rows": data})}</script></section>'
    )


def load_records(paths: Iterable[str | Path]) -> tuple[list[dict], list[str]]:
    """Records from JSONL files, each checked against the record contract; a line that is not a
    record is one error line (`FILE:LINE: why`) and the rest are still read."""
    from pydantic import ValidationError

    from .records import EntityRecord, Record, TargetRecord

    models = {"quantity": Record, "target": TargetRecord, "entity": EntityRecord}
    records: list[dict] = []
    errors: list[str] = []
    for path in paths:
        try:
            handle = open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            errors.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        with handle:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    errors.append(f"{path}:{n}: not JSON: {exc.msg}")
                    continue
                if isinstance(rec, dict) and rec.get("type") == "error":  # a document the run could not read
                    where = ":".join(str(x) for x in (rec.get("file"), rec.get("line")) if x is not None)
                    errors.append(f"{where or rec.get('doc_id')}: {rec.get('reason')}")
                    continue
                model = models.get(rec.get("type", "quantity")) if isinstance(rec, dict) else None
                if model is None:
                    what = rec.get("type") if isinstance(rec, dict) else type(rec).__name__
                    errors.append(f"{path}:{n}: not a record (type {what!r})")
                    continue
                try:
                    model.model_validate(rec)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    where = ".".join(str(x) for x in first["loc"])
                    errors.append(f"{path}:{n}: {where}: {first['msg']}")
                    continue
                records.append(rec)
    return records, errors


def log_errors(path: str | Path) -> list[str]:
    """The error lines of a saved `zh-extract extract` stderr (2> extract.log)."""
    prefix = "zh-extract: error: "
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


def safe_name(doc_id: str) -> str:
    """A file name for a document id (folders flattened)."""
    return _SAFE_ID.sub("_", doc_id).strip("._") or "document"


# --------------------------------------------------------------------------- styles and scripts

CSS = """
.zhx{--q-target:#ffb74d;--q-forecast:#ce93d8;--q-actual:#90caf9;--q-other:#cfd8dc;--q-none:#e6e6e6;
--t:#2e7d32;--t-bg:#e8f5e9;--p:#00838f;--sel:#111;--rel-ind:#fff176;--rel-subj:#a5d6a7;
position:relative;color:#1b1b1b;background:#fff;color-scheme:light;line-height:1.5;
font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei",
"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Noto Sans SC",sans-serif;font-size:15px}
.zhx *{box-sizing:border-box}
.zhx.zhx-page{max-width:1500px;margin:0 auto;padding:12px 18px}
.zhx h1{font-size:1.3em;margin:.2em 0}.zhx h2{font-size:1.05em;margin:.8em 0 .4em}
.zhx .zhx-stats{color:#555;margin:.2em 0 .5em}
.zhx .zhx-legend{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;font-size:13px;
padding:6px 8px;background:#fafafa;border:1px solid #e3e3e3;border-radius:6px}
.zhx .zhx-legend-item{display:inline-flex;gap:5px;align-items:center;flex-wrap:wrap}
.zhx .zhx-warn{margin:.5em 0;color:#8a4b00;font-size:13px}
.zhx .zhx-main{display:grid;grid-template-columns:minmax(0,1.35fr) minmax(340px,1fr);gap:18px;
margin-top:10px;align-items:start}
.zhx.zhx-nb .zhx-text,.zhx.zhx-nb .zhx-side{max-height:620px;overflow:auto}
.zhx.zhx-page .zhx-side{position:sticky;top:0;max-height:100vh;overflow:auto}
.zhx .zhx-text{white-space:pre-wrap;word-break:break-word;font-size:16px;line-height:2.05;
padding:4px 2px}
.zhx .zhx-gap{display:block;color:#888;font-size:12px;font-style:italic;text-align:center;
border-top:1px dashed #ccc;border-bottom:1px dashed #ccc;margin:6px 0;line-height:1.6}
.zhx .zhx-m{border-radius:3px;cursor:pointer}
.zhx .zhx-t{background:var(--t-bg);text-decoration:underline 2px var(--t);text-underline-offset:.3em}
.zhx .zhx-p{box-shadow:inset 0 0 0 1.5px var(--p);border-radius:3px}
.zhx .zhx-e{box-shadow:inset 0 -3px 0 var(--l,#607d8b)}
.zhx .zhx-p.zhx-e{box-shadow:inset 0 -3px 0 var(--l,#607d8b),inset 0 0 0 1.5px var(--p)}
.zhx .zhx-l-PERSON{--l:#d81b60}.zhx .zhx-l-ORG{--l:#7b1fa2}.zhx .zhx-l-GPE{--l:#00897b}
.zhx .zhx-l-LOC{--l:#558b2f}.zhx .zhx-l-FAC{--l:#8d6e63}.zhx .zhx-l-LAW{--l:#1e88e5}
.zhx .zhx-l-EVENT{--l:#f4511e}.zhx .zhx-l-NORP{--l:#6d4c41}.zhx .zhx-l-PRODUCT{--l:#546e7a}
.zhx .zhx-q{background:var(--q-none);padding:1px 0}
.zhx .zhx-q.zhx-k-target{background:var(--q-target);font-weight:600}
.zhx .zhx-q.zhx-k-forecast{background:var(--q-forecast)}
.zhx .zhx-q.zhx-k-actual{background:var(--q-actual)}
.zhx .zhx-q.zhx-k-other{background:var(--q-other)}
.zhx.zhx-hide-quantity .zhx-text .zhx-q,.zhx.zhx-hide-target .zhx-text .zhx-t{background:none;
text-decoration:none;font-weight:inherit}
.zhx.zhx-hide-period .zhx-text .zhx-p,.zhx.zhx-hide-entity .zhx-text .zhx-e{box-shadow:none}
.zhx.zhx-hide-period.zhx-hide-entity .zhx-text .zhx-p.zhx-e{box-shadow:none}
.zhx.zhx-hide-period:not(.zhx-hide-entity) .zhx-text .zhx-p.zhx-e{box-shadow:inset 0 -3px 0 var(--l)}
.zhx.zhx-hide-entity:not(.zhx-hide-period) .zhx-text .zhx-p.zhx-e{box-shadow:inset 0 0 0 1.5px var(--p)}
.zhx .zhx-text .zhx-sel,.zhx .zhx-sel-demo{outline:2px solid var(--sel);outline-offset:1px}
.zhx .zhx-text .zhx-rel{outline:1px dashed var(--sel);outline-offset:1px}
.zhx .zhx-text .zhx-rel-ind,.zhx .zhx-legend .zhx-rel-ind{background:var(--rel-ind);
box-shadow:0 0 0 1px #c9b400}
.zhx .zhx-text .zhx-rel-subj,.zhx .zhx-legend .zhx-rel-subj{background:var(--rel-subj);
box-shadow:0 0 0 1px #2e7d32}
.zhx .zhx-m:focus-visible{outline:2px solid #1565c0}
.zhx .zhx-card{position:absolute;z-index:20;width:min(380px,92vw);background:#fff;border:1px solid #bbb;
border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:8px 10px;font-size:13px;line-height:1.45}
.zhx .zhx-card[hidden]{display:none}
.zhx .zhx-card-head{display:flex;justify-content:space-between;gap:8px;align-items:center;margin-bottom:4px}
.zhx .zhx-card dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}
.zhx .zhx-card dt{color:#666}.zhx .zhx-card dd{margin:0;word-break:break-word}
.zhx .zhx-card button{font:inherit;cursor:pointer;border:1px solid #ccc;background:#f6f6f6;border-radius:4px;
padding:0 6px;margin:2px}
.zhx .zhx-also{margin-top:6px;color:#555}
.zhx .zhx-badge{display:inline-block;border-radius:3px;padding:0 4px;font-size:12px;white-space:nowrap}
.zhx .zhx-badge.zhx-e{background:#f3f3f3}
.zhx .zhx-controls{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:4px 0 8px;
font-size:13px}
.zhx .zhx-controls input[type=search],.zhx .zhx-controls select,.zhx .zhx-controls button{font:inherit;
padding:2px 6px;border:1px solid #bbb;border-radius:4px;background:#fff}
.zhx .zhx-controls button{cursor:pointer;background:#f1f5fb}
.zhx .zhx-count{color:#555;margin-left:auto}
.zhx .zhx-table{border-collapse:collapse;width:100%;font-size:13px}
.zhx .zhx-table th,.zhx .zhx-table td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;
vertical-align:top}
.zhx .zhx-table th{position:sticky;top:0;background:#f4f4f4;cursor:pointer;white-space:nowrap;z-index:1}
.zhx .zhx-table th[aria-sort=ascending]::after{content:" ▲"}
.zhx .zhx-table th[aria-sort=descending]::after{content:" ▼"}
.zhx .zhx-records tbody tr{cursor:pointer}
.zhx .zhx-records tbody tr:hover{background:#f5f9ff}
.zhx .zhx-records tr.zhx-row-sel{background:#fff3c4}
.zhx td.zhx-val{white-space:nowrap}
.zhx .zhx-side .zhx-records td:nth-child(3),.zhx .zhx-side .zhx-records td:nth-child(5){min-width:6.5em}
.zhx .zhx-bar.zhx-e{background:var(--l,#607d8b);box-shadow:none}
.zhx .zhx-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.zhx .zhx-tiles{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.zhx .zhx-tile{border:1px solid #e0e0e0;border-radius:8px;padding:8px 14px;min-width:120px;
display:flex;flex-direction:column;background:#fafafa}
.zhx .zhx-tile-n{font-size:1.6em;font-weight:600}
.zhx .zhx-tile-bad{border-color:#e57373;background:#fff5f5}
.zhx section{min-width:0;overflow-x:auto}
.zhx .zhx-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:6px 24px}
.zhx .zhx-bars{width:100%;border-collapse:collapse;font-size:13px}
.zhx .zhx-bars th{text-align:left;font-weight:normal;max-width:180px;overflow:hidden;text-overflow:ellipsis;
white-space:nowrap;padding:1px 8px 1px 0}
.zhx .zhx-bar-cell{width:60%}
.zhx .zhx-bar{display:block;height:12px;background:#64b5f6;border-radius:2px;min-width:2px}
.zhx .zhx-none{color:#777;font-size:13px}
.zhx .zhx-errors{color:#b71c1c;font-size:13px;font-family:ui-monospace,monospace}
.zhx .zhx-wide{max-height:70vh;overflow:auto}
.zhx .zhx-report .zhx-records tbody tr{cursor:default}
@media (max-width:900px){.zhx .zhx-main{grid-template-columns:1fr}
.zhx.zhx-page .zhx-side{position:static;max-height:none}}
@media print{.zhx .zhx-side,.zhx .zhx-card,.zhx .zhx-controls{display:none}
.zhx .zhx-main{display:block}}
""".replace("\n", "")

# Sorting and filtering a table whose rows carry data-* attributes; shared by both pages.
# Controls: data-filter="search" (any cell), "equals"/"contains" (data-key of the row), "flag"
# (rows whose data-key is 1, when checked), "include" (rows whose data-key is 1 hidden unless checked).
TABLE_JS = r"""
if(!root||root.zhx)return;
var table=root.querySelector('table.zhx-records'),body=table&&table.tBodies[0];
var controls=[].slice.call(root.querySelectorAll('[data-filter]')),count=root.querySelector('.zhx-count');
function rows(){return body?[].slice.call(body.rows):[];}
function keep(tr,base){for(var i=0;i<controls.length;i++){var c=controls[i],k=c.dataset.key,
f=c.dataset.filter,v=(c.value||'').trim().toLowerCase(),d=k?(tr.getAttribute('data-'+k)||'').toLowerCase():'';
if(f==='include'&&!c.checked&&d==='1')return false;if(base)continue;
if(f==='search'&&v&&tr.textContent.toLowerCase().indexOf(v)<0)return false;
if(f==='equals'&&v&&d!==v)return false;if(f==='contains'&&v&&d.indexOf(v)<0)return false;
if(f==='flag'&&c.checked&&d!=='1')return false;}
return true;}
function filter(){var all=rows(),n=0,t=0;all.forEach(function(tr){var ok=keep(tr,false);tr.hidden=!ok;
if(ok)n++;if(keep(tr,true))t++;});if(count)count.textContent=n+' of '+t;return n;}
controls.forEach(function(c){c.addEventListener(c.type==='checkbox'||c.tagName==='SELECT'?'change':'input',
filter);});
function cellv(tr,i,num){var td=tr.cells[i];if(!td)return num?-Infinity:'';var v=td.getAttribute('data-v');
if(num){var x=parseFloat(v===null?td.textContent:v);return isNaN(x)?-Infinity:x;}return td.textContent;}
function sortBy(th){var tb=th.closest('table').tBodies[0],i=th.cellIndex,num=th.dataset.sort==='num';
var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
[].forEach.call(th.parentNode.cells,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
var rs=[].slice.call(tb.rows);rs.sort(function(a,b){var x=cellv(a,i,num),y=cellv(b,i,num);
return dir*(num?(x-y):String(x).localeCompare(String(y),'zh'));});
rs.forEach(function(r){tb.appendChild(r);});}
[].forEach.call(root.querySelectorAll('th[data-sort]'),function(th){th.addEventListener('click',
function(){sortBy(th);});});
"""

ARTICLE_JS = r"""
var data=JSON.parse(root.querySelector('script.zhx-data').textContent),marks=data.marks;
var text=root.querySelector('.zhx-text'),card=root.querySelector('.zhx-card'),lit=[],selected=null,
pinned=false,anchor=null;
function segs(id){return text.querySelectorAll('[data-ids~="'+id+'"]');}
function light(ns,cls){[].forEach.call(ns,function(n){n.classList.add(cls);lit.push([n,cls]);});}
function clear(){lit.forEach(function(p){p[0].classList.remove(p[1]);});lit=[];}
function el(tag,cls,txt){var e=document.createElement(tag);if(cls)e.className=cls;
if(txt!==undefined)e.textContent=txt;return e;}
function place(a){if(!a)return;var r=a.getBoundingClientRect(),o=root.getBoundingClientRect();
var left=Math.max(0,Math.min(r.left-o.left,o.width-card.offsetWidth));
card.style.left=left+'px';card.style.top=(r.bottom-o.top+6)+'px';}
function show(id,a,pin){var m=marks[id];if(!m)return;card.textContent='';
var head=el('div','zhx-card-head'),b=el('span','zhx-badge '+m.cls.join(' '),m.badge);head.appendChild(b);
if(pin){var x=el('button','zhx-close','\u00d7');x.title='close (Esc)';
x.addEventListener('click',function(ev){ev.stopPropagation();hide(true);});head.appendChild(x);}
card.appendChild(head);var dl=el('dl');m.fields.forEach(function(f){dl.appendChild(el('dt','',f[0]));
dl.appendChild(el('dd','',f[1]));});card.appendChild(dl);
var others=a&&a.dataset.ids?a.dataset.ids.split(' ').filter(function(o){return o!==id;}):[];
(m.rel||[]).forEach(function(o){if(others.indexOf(o)<0)others.push(o);});
if(others.length){var also=el('div','zhx-also','also: ');others.forEach(function(o){
var bt=el('button','',(marks[o]||{}).badge||o);bt.dataset.goto=o;also.appendChild(bt);});
card.appendChild(also);}
card.dataset.id=id;card.hidden=false;anchor=a;place(a);}
function hide(all){card.hidden=true;pinned=false;anchor=null;if(all){clear();selected=null;}}
function select(id,opt){opt=opt||{};var m=marks[id];if(!m)return false;clear();selected=id;
var ss=segs(id);light(ss,'zhx-sel');light(text.querySelectorAll('[data-rel~="i:'+id+'"]'),'zhx-rel-ind');
light(text.querySelectorAll('[data-rel~="s:'+id+'"]'),'zhx-rel-subj');
(m.rel||[]).forEach(function(r){light(segs(r),'zhx-rel');});
var row=body&&body.querySelector('tr[data-id="'+id+'"]');if(row){light([row],'zhx-row-sel');
if(opt.row!==false&&!row.hidden)row.scrollIntoView({block:'nearest'});}
var first=ss[0];if(opt.scroll&&first)first.scrollIntoView({block:'center'});
pinned=true;show(id,first,true);return true;}
function pick(seg){var ids=seg.dataset.ids.split(' '),i=ids.indexOf(selected);
return i>=0&&ids.length>1?ids[(i+1)%ids.length]:ids[0];}
text.addEventListener('click',function(ev){var seg=ev.target.closest('[data-ids]');
if(!seg){hide(true);return;}var id=pick(seg);select(id);anchor=seg;place(seg);});
text.addEventListener('keydown',function(ev){var seg=ev.target.closest('[data-ids]');
if(seg&&(ev.key==='Enter'||ev.key===' ')){ev.preventDefault();select(pick(seg));}});
text.addEventListener('mouseover',function(ev){if(pinned)return;var seg=ev.target.closest('[data-ids]');
if(seg)show(seg.dataset.ids.split(' ')[0],seg,false);});
text.addEventListener('mouseout',function(ev){if(!pinned&&!card.contains(ev.relatedTarget))hide(false);});
card.addEventListener('mouseleave',function(){if(!pinned)hide(false);});
card.addEventListener('click',function(ev){var g=ev.target.closest('[data-goto]');
if(g)select(g.dataset.goto,{scroll:true});});
root.addEventListener('keydown',function(ev){if(ev.key==='Escape')hide(true);});
if(body)body.addEventListener('click',function(ev){var tr=ev.target.closest('tr[data-id]');
if(tr)select(tr.dataset.id,{scroll:true,row:false});});
if(body)body.addEventListener('keydown',function(ev){var tr=ev.target.closest('tr[data-id]');
if(tr&&ev.key==='Enter')select(tr.dataset.id,{scroll:true,row:false});});
[].forEach.call(root.querySelectorAll('[data-toggle]'),function(c){c.addEventListener('change',function(){
root.classList.toggle('zhx-hide-'+c.dataset.toggle,!c.checked);});});
function reposition(){if(!card.hidden&&anchor)place(anchor);}
text.addEventListener('scroll',reposition,{passive:true});window.addEventListener('resize',reposition);
root.zhx={select:select,filter:filter,hide:hide};
function byHash(h){if(marks[h])return h;var o=/^(\d+)-(\d+)$/.exec(h);if(!o)return null;
for(var k in marks){var a=marks[k].at;if(a[0]===+o[1]&&a[1]===+o[2])return k;}return null;}
function fromHash(){var id=byHash(decodeURIComponent(location.hash.slice(1)));if(id)select(id,{scroll:true});}
if(root.dataset.page){window.addEventListener('hashchange',fromHash);if(location.hash.length>1)fromHash();}
"""

REPORT_JS = r"""
var data=JSON.parse(root.querySelector('.zhx-targets script.zhx-data').textContent);
function q(v){if(v===null||v===undefined)return '';var s=String(v);
return /[",\r\n]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;}
function csv(){var cols=data.columns,out=[cols.join(',')];rows().forEach(function(tr){if(tr.hidden)return;
var r=data.rows[+tr.dataset.i];out.push(cols.map(function(c){return q(r[c]);}).join(','));});
return out.join('\r\n')+'\r\n';}
root.querySelector('.zhx-csv').addEventListener('click',function(){
var blob=new Blob(['\ufeff'+csv()],{type:'text/csv;charset=utf-8'}),a=document.createElement('a');
a.href=URL.createObjectURL(blob);a.download='targets.csv';document.body.appendChild(a);a.click();
setTimeout(function(){URL.revokeObjectURL(a.href);a.remove();},0);});
root.zhx={filter:filter,csv:csv};filter();
"""
