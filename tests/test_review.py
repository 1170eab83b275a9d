"""The review pages as HTML strings: escaping, exact offsets, overlaps, the report, the commands."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from html.parser import HTMLParser

from extractor.review import (
    Review,
    build_marks,
    fmt_compact,
    fmt_number,
    fmt_value,
    load_records,
    rebuild_text,
    render_text,
    report_page,
    script_json,
    segments,
)

from .conftest import CORPUS

ARTICLE = CORPUS / "003_db721301c3884bac.txt"


class Pieces(HTMLParser):
    """The article element's text, and which characters each record id and relation covers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article class="zhx-text">
        self.stack: list[tuple[list[str], list[str]]] = []
        self.text: list[str] = []
        self.covered: dict[str, list[int]] = defaultdict(list)
        self.gaps = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "zhx-text" in (attrs.get("class") or ""):
            self.depth = 1
            return
        if self.depth:
            self.depth += 1
            ids = (attrs.get("data-ids") or "").split()
            rel = (attrs.get("data-rel") or "").split()
            self.stack.append((ids, rel))
            if "zhx-gap" in (attrs.get("class") or ""):
                self.gaps += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if self.stack and self.depth:
                self.stack.pop()

    def handle_data(self, data):
        if not self.depth or (self.stack and not self.stack[-1][0] and not self.stack[-1][1]
                              and self.gaps and data.startswith("⋯")):
            return
        pos = len("".join(self.text))
        self.text.append(data)
        for ids, rel in self.stack:
            for key in ids + rel:
                self.covered[key].extend(range(pos, pos + len(data)))


def parse(page: str) -> Pieces:
    parser = Pieces()
    parser.feed(page)
    return parser


def quantity(start, end, text, **kw) -> dict:
    """A complete quantity record (it passes the record contract)."""
    rec = {"type": "quantity", "doc_id": "d", "start": start, "end": end, "text": text, "sentence": text,
           "number": 1, "value": 1, "value_max": None, "unit": None, "unit_text": None,
           "dimension": "count", "comparator": "=", "change": False, "rule": "r", "kind": None}
    rec.update(kw)
    return rec


# --------------------------------------------------------------------------- the builder


def test_segments_cut_at_every_boundary_and_name_the_covering_spans():
    spans = [(0, 10, "t1"), (4, 8, "q1"), (2, 6, "e1"), (5, 5, "empty"), (12, 99, "clipped")]
    assert segments(14, spans) == [
        (0, 2, ("t1",)), (2, 4, ("t1", "e1")), (4, 6, ("t1", "q1", "e1")), (6, 8, ("t1", "q1")),
        (8, 10, ("t1",)), (10, 12, ()), (12, 14, ("clipped",)),
    ]
    assert segments(0, []) == []


def test_an_article_with_script_and_ampersand_renders_as_text():
    text = "<script>alert('x')</script> & 力争投资突破8000亿元&nbsp;</div>"
    start = text.index("突破")
    rec = quantity(start, start + 8, "突破8000亿元", value=800000000000, unit="CNY", kind="target",
                   comparator=">", indicator="投资</script><b>", subject="a&b")
    review = Review(text, [rec], [])
    for page in (review.html(), review._repr_html_()):
        assert "<script>alert" not in page and "</div>\"" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; 力争" in page
        assert "&amp;nbsp;&lt;/div&gt;" in page
        # our own two scripts are the only ones: the record's "</script>" is escaped in the data
        assert page.count("</script>") == 2 and page.count("<script") == 2
        assert parse(page).text and "".join(parse(page).text) == text
    data = json.loads(re.search(r'class="zhx-data">(.*?)</script>', review.html()).group(1))
    fields = dict(data["marks"]["q1"]["fields"])
    assert fields["indicator"] == "投资</script><b>" and fields["subject"] == "a&b"
    assert fields["value"] == "> 800,000,000,000 CNY"


def test_script_json_never_closes_the_script():
    out = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script><!-- & \u2028"}


def test_offsets_map_exactly_on_a_real_article(pipe):
    text = ARTICLE.read_text(encoding="utf-8")
    review = pipe.review(text, "003")
    counts = review.counts()
    assert counts["quantity"] > 20 and counts["target"] > 20 and counts["entity"] > 20 and counts["period"]
    assert not review.warnings
    parsed = parse(review.html())
    assert "".join(parsed.text) == text
    for m in review.marks:
        assert parsed.covered[m.id] == list(range(m.start, m.end)), m
        assert text[m.start : m.end] == m.text
        if m.indicator:
            assert parsed.covered[f"i:{m.id}"] == list(range(*m.indicator))
        if m.subject:
            assert text[slice(*m.subject)] == m.record["subject"] or m.record["subject"] in {
                e.record.get("normalized") for e in review.marks if (e.start, e.end) == m.subject}


def test_overlapping_records_nest_and_a_click_picks_the_shortest():
    text = "郑州市将力争新增企业100家以上。"
    records = [
        {"type": "target", "doc_id": "d", "id": "T1", "start": 0, "end": 16, "text": text[:16],
         "sentence": text, "cue": "力争", "rule": "cue.target", "action": None, "object": None},
        {"type": "entity", "doc_id": "d", "label": "GPE", "start": 0, "end": 3, "text": "郑州市",
         "sentence": text, "rule": "g"},
        quantity(10, 16, "100家以上", kind="target", target_id="T1", indicator="企业", indicator_start=8,
                 indicator_end=10, subject="郑州市"),
    ]
    review = Review(text, records, [])
    q, t, e = (next(m for m in review.marks if m.type == k) for k in ("quantity", "target", "entity"))
    assert q.related == [t.id] and t.related == [q.id]
    assert q.indicator == (8, 10) and q.subject == (0, 3)
    html = render_text(text, review.marks)
    assert f'data-ids="{e.id} {t.id}"' in html and f'data-ids="{q.id} {t.id}"' in html
    assert f'data-rel="s:{q.id}"' in html and f'data-rel="i:{q.id}"' in html
    assert "zhx-k-target" in html and "zhx-l-GPE" in html


def test_records_that_do_not_match_the_text_are_reported_not_shown():
    marks, warnings = build_marks("新增100家", [quantity(2, 6, "200家"), quantity(5, 40, "家…")])
    assert marks == [] and len(warnings) == 2
    assert "'200家' at 2–6: the text there is '100家'" in warnings[0]


def test_without_the_text_the_records_sentences_are_put_back():
    text = "导语。\n今年全市新增企业100家。其他内容很长很长。\n力争明年突破200家。"
    s1, s2 = "今年全市新增企业100家。", "力争明年突破200家。"
    a, b = text.index("100家"), text.index("突破200家")
    records = [quantity(a, a + 4, "100家", sentence=s1, period="今年"),
               quantity(b, b + 6, "突破200家", sentence=s2, kind="target", period="明年")]
    rebuilt, known = rebuild_text(records)
    assert known == [(text.index(s1), text.index(s1) + len(s1)), (text.index(s2), len(text))]
    for lo, hi in known:
        assert rebuilt[lo:hi] == text[lo:hi]
    review = Review.from_records(records)
    assert [m.text for m in review.marks if m.type == "period"] == ["今年", "明年"]
    parsed = parse(review.html())
    assert "".join(parsed.text) == s1 + s2 and parsed.gaps == 2
    assert "characters not in the records" in review.html()


def test_notebook_view_is_a_scoped_fragment(pipe):
    one = pipe.review("力争新签约项目总额突破8000亿元")
    two = pipe.review("力争新签约项目总额突破8000亿元")
    html1, html2 = one._repr_html_(), two._repr_html_()
    assert "<html" not in html1 and html1.startswith('<div class="zhx ')
    ids = [re.search(r'id="(zhx-[^"]+)"', h).group(1) for h in (html1, html2)]
    assert ids[0] != ids[1] and f'getElementById("{ids[0]}")' in html1
    css = re.search(r"<style>(.*?)</style>", html1).group(1)
    rules = [r.split("{")[0] for r in re.split(r"}", css) if "{" in r and not r.lstrip().startswith("@")]
    assert all(sel.strip().startswith(".zhx") for rule in rules for sel in rule.split(",")), rules
    assert "1 quantity" in repr(one)


def test_pages_fetch_nothing(pipe):
    page = pipe.review(ARTICLE.read_text(encoding="utf-8")).html()
    report = report_page([quantity(0, 1, "1", kind="target")])
    for html in (page, report):
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
        assert "@import" not in html and "url(" not in html and "<link" not in html
        assert '<meta charset="utf-8">' in html


def test_formats():
    assert fmt_number(800000000000) == "800,000,000,000" and fmt_number(12.5) == "12.5"
    assert fmt_number(3.0) == "3" and fmt_number(None) == ""
    assert fmt_compact(800000000000) == "8000亿" and fmt_compact(200000) == "20万"
    assert fmt_compact(1640000000) == "16.4亿" and fmt_compact(950) == "950"
    assert fmt_value({"value": 6, "value_max": 8, "unit": "家", "comparator": "range"}) == "6–8 家"
    assert fmt_value({"value": 10, "unit": "%", "comparator": ">="}) == "≥ 10 %"


# --------------------------------------------------------------------------- the report


def test_report_counts_errors_and_targets(tmp_path):
    good = [
        quantity(0, 4, "100家", kind="target", unit="家", subject="郑州市", indicator="企业", doc_id="a"),
        quantity(5, 9, "200家", kind="actual", unit="家", subject="郑州市", indicator="企业", doc_id="a"),
        quantity(0, 3, "5%", kind="target", unit="%", subject="<洛阳>", indicator="增速", doc_id="b"),
        {"type": "target", "doc_id": "b", "id": "T1", "start": 0, "end": 4, "text": "争创中心",
         "sentence": "争创中心。", "cue": "争创", "rule": "cue.target", "action": "争创", "object": "中心"},
    ]
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in good]
    lines[1:1] = ["not json", '{"type": "quantity", "text": "x"}', "[1]"]
    failed = {"type": "error", "doc_id": "c", "reason": "empty file, nothing to extract",
              "error": "InputError",
              "file": "in/c.txt", "line": None}
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, errors = load_records([path])
    assert len(records) == 4 and len(errors) == 3
    assert errors[0].startswith(f"{path}:2: not JSON") and f"{path}:3: " in errors[1]
    with_failure = tmp_path / "failed.jsonl"
    with_failure.write_text(json.dumps(failed) + "\n", encoding="utf-8")
    assert load_records([with_failure]) == ([], ["in/c.txt: empty file, nothing to extract"])
    page = report_page(records, errors=errors, source="records.jsonl")
    assert "&lt;洛阳&gt;" in page and "<洛阳>" not in page
    data = json.loads(re.search(r'class="zhx-data">(.*?)</script>', page).group(1))
    assert len(data["rows"]) == 3 and data["columns"][:4] == ["subject", "period", "period_norm", "indicator"]
    assert '<span class="zhx-count">2 of 2</span>' in page
    assert page.count('data-statement="1"') == 1 and "hidden>" in page
    assert re.search(r'<span class="zhx-tile-n">3</span><span>errors</span>', page)
    assert ">企业</td>" in page and "Most frequent indicators" in page
