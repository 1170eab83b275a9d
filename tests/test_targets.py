"""Kinds, periods, indicators, subjects and target statements, stage by stage."""

from __future__ import annotations

import csv
import json

import pytest

from extractor import load_rules
from extractor.normalize import normalize
from extractor.panel import panel_file
from extractor.periods import DocDate, period_matcher_for

RULES = load_rules()


def periods(text: str, date: str | None):
    return [(p.text, p.norm) for p in period_matcher_for(RULES).find(normalize(text), DocDate.parse(date))]


def test_relative_periods_need_the_article_date():
    assert periods("今年上半年增速为12%", "2024-09-18") == [("今年上半年", "2024-01/2024-06")]
    assert periods("今年上半年增速为12%", None) == [("今年上半年", None)]
    assert periods("近三年", "2024") == [("近三年", "2021/2023")]


def test_absolute_periods_do_not():
    assert periods("2023年1至6月", None) == [("2023年1至6月", "2023-01/2023-06")]
    assert periods("“十四五”时期", None) == [("“十四五”时期", "2021/2025")]


@pytest.mark.parametrize("bad", ["2024/03", "March 2024", "24-3-5"])
def test_bad_dates_are_refused(bad):
    with pytest.raises(ValueError, match="ISO date"):
        DocDate.parse(bad)


def quantities(pipe, text, date=None):
    return [r for r in pipe(text, date=date) if r.type == "quantity"]


def test_period_decides_kind_against_the_article_date(pipe):
    text = "1-8月，跨境电商交易额960亿元。年内建成600家老年助餐服务设施"
    a, b = quantities(pipe, text, "2024-09-18")
    assert (a.kind, a.kind_rule, a.period_norm) == ("actual", "period", "2024-01/2024-08")
    assert (b.kind, b.kind_rule, b.period_norm) == ("target", "period", "2024")


def test_a_cue_does_not_cross_a_semicolon(pipe):
    first, second = quantities(pipe, "预计粮食产量1.4万亿斤；累计建成高标准农田10亿亩", "2024-03")
    assert first.kind == "forecast" and second.kind == "actual"


def test_a_colon_list_keeps_its_cue(pipe):
    text = "今年主要预期目标是：地区生产总值增长6%左右；城镇新增就业15万人以上。"
    assert [q.kind for q in quantities(pipe, text, "2024-01-20")] == ["target", "target"]


def test_indicators_point_into_the_source(pipe):
    text = "郑州机场旅客吞吐量1924.5万人次,增长10.9%,培育109家专精特新小巨人企业"
    got = [(q.indicator, text[q.indicator_start : q.indicator_end]) for q in quantities(pipe, text)]
    assert got == [("旅客吞吐量",) * 2, ("旅客吞吐量",) * 2, ("专精特新小巨人企业",) * 2]


def test_subject_from_sentence_topic_or_document(pipe):
    text = "郑州机场货邮吞吐量49.5万吨。全年新增高企1000家。关于中原科技城建设,力争引进6-8家研究院"
    subjects = [r.subject for r in pipe(text, subject="郑州市") if r.type == "quantity"]
    assert subjects == ["郑州机场", "郑州市", "中原科技城"]


def test_target_statements_and_links(pipe):
    records = pipe("下一步，郑州将争创综合性国家科学中心，力争新增高新技术企业1000家", date="2024-03")
    targets = [r for r in records if r.type == "target"]
    assert [t.text for t in targets] == ["郑州将争创综合性国家科学中心"]
    (q,) = [r for r in records if r.type == "quantity"]
    assert q.kind == "target" and q.target_id == targets[0].id


def test_panel_writes_one_row_per_target(tmp_path, pipe):
    records = tmp_path / "r.jsonl"
    text = "力争新签约项目总额突破8000亿元。1-8月完成投资960亿元"
    lines = [r.to_dict() for r in pipe(text, date="2024-09")]
    records.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in lines), encoding="utf-8")
    assert panel_file(str(records), str(tmp_path / "t.csv")) == 1
    with open(tmp_path / "t.csv", encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["indicator"], row["value"], row["comparator"]) == ("新签约项目总额", "800000000000", ">")
    pq = pytest.importorskip("pyarrow.parquet")
    assert panel_file(str(records), str(tmp_path / "t.parquet")) == 1
    assert pq.read_table(tmp_path / "t.parquet").column("unit").to_pylist() == ["CNY"]


def test_panel_names_a_bad_line(tmp_path):
    from extractor import InputError

    bad = tmp_path / "r.jsonl"
    bad.write_text('{"type": "quantity"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"r.jsonl:2: not a JSON record"):
        panel_file(str(bad), str(tmp_path / "t.csv"))


def test_cue_words_are_the_longest_at_an_offset_on_whole_tokens(tmp_path):
    """Cue words are looked up with an automaton: at each offset the longest, on whole tokens;
    a researcher's word ending in a letter (计划A) does not run into a following letter."""
    from extractor.kinds import KindClassifier

    (tmp_path / "cues.yaml").write_text(
        "cues:\n  - {id: cue.user, kind: target, scope: clause, words: [计划A, 力争到]}\n", encoding="utf-8")
    classifier = KindClassifier(load_rules([tmp_path]))

    def hits(text, cuts):
        bounds = list(zip([0, *cuts], [*cuts, len(text)]))
        return [(h.start, h.end, h.word) for h in classifier.cue_hits(
            text, {s for s, _ in bounds}, {e for _, e in bounds})]

    assert hits("计划AB", [2]) == [(0, 2, "计划")]  # 计划A runs into B: the bundled 计划
    assert hits("计划A的", [3]) == [(0, 3, "计划A")]
    assert hits("力争到2025年", [3]) == [(0, 3, "力争到")]  # the longest at 0
    assert hits("力争到2025年", [2, 3]) == [(0, 3, "力争到")]  # whole tokens: 力争|到
    assert hits("力争到2025年", [2]) == []  # 力争|到2025年: the longest word ends inside a token
    assert hits("不断", [2]) == []  # 断 inside a token is no cue


def _heading_or_question(text, clause) -> bool:
    """The plain per-clause definition `Layout.closed` computes line by line."""
    line_start = text.rfind("\n", 0, clause.start) + 1
    if text[line_start:].lstrip().startswith("#"):
        return True
    if text[line_start:].lstrip().startswith("**"):  # **郑州回答:** opens an answer, not a question
        return False
    ends = [i for i in range(clause.end, len(text)) if text[i] in "。！？!?\n"]
    return bool(ends) and text[ends[0]] in "？?"


def test_headings_and_questions_close_their_clauses():
    import random

    from extractor.kinds import Layout

    rng = random.Random(11)
    texts = ["## 标题\n下一步，将加快建设。是否达到？**回答:**将推进，建成。"]
    chars = "ab，。？?\n#* \u3000"
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        layout = Layout(text)
        assert layout.closed == [_heading_or_question(text, c) for c in layout.clauses], repr(text)
