"""The pipeline end to end: offsets into the source, scripts, streaming, the spaCy component."""

from __future__ import annotations

import pytest

import extractor
from extractor.components import char_spans, offsets_of
from extractor.tokenizer import pkuseg_model_dir

from .conftest import CORPUS

ARTICLES = sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_offsets_point_into_the_source(pipe, path):
    text = path.read_text(encoding="utf-8")
    doc = pipe.doc(text)
    assert doc.text == text
    records = pipe(text, path.stem)
    assert records
    for r in records:
        assert text[r.start : r.end] == r.text
        assert r.text in r.sentence
        assert r.doc_id == path.stem


@pytest.mark.parametrize(
    "text",
    ["力爭電子信息產業突破７０００億元", "全市共有１２０家醫院 ，　增長５．２％", "a\u3000b  c\n\n３万吨\t"],
)
def test_doc_text_is_the_input(pipe, text):
    assert pipe.doc(text).text == text


def test_traditional_gives_the_same_records_as_simplified(pipe):
    trad = "力爭電子信息產業突破7000億元，貨郵吞吐量49.5萬噸，增長32.8%"
    simp = "力争电子信息产业突破7000亿元，货邮吞吐量49.5万吨，增长32.8%"
    a, b = pipe(trad), pipe(simp)
    assert [(r.start, r.end, r.value, r.unit, r.comparator, r.change) for r in a] == [
        (r.start, r.end, r.value, r.unit, r.comparator, r.change) for r in b
    ]
    assert [r.text for r in a] == ["突破7000億元", "49.5萬噸", "32.8%"]
    assert a[1].unit_text == "萬噸"


def test_full_width_digits(pipe):
    (rec,) = pipe("全市共有１２０家医院")
    assert (rec.text, rec.value, rec.unit) == ("１２０家", 120, "家")


def test_exact_decimal_values(pipe):
    (rec,) = pipe("项目总投资16.4亿元")
    assert rec.value == 1640000000 and isinstance(rec.value, int)


def test_extract_and_to_dict():
    (rec,) = extractor.extract("力争全年新增高新技术企业1000家以上", doc_id="a1", date="2024-03")
    d = rec.to_dict()
    assert d["doc_id"] == "a1" and d["value"] == 1000 and d["comparator"] == ">="
    got = (d["kind"], d["indicator"], d["period"], d["period_norm"])
    assert got == ("target", "高新技术企业", "全年", "2024")
    assert d["indicator_start"] == 6 and d["indicator_end"] == 12


def test_pipe_streams_in_order(pipe):
    texts = [("增长5%", "a"), "无数字", ("新增100家", "c")]
    out = list(pipe.pipe(texts, batch_size=2))
    assert [[r.doc_id for r in recs] for recs in out] == [["a"], [], ["c"]]


def test_component_is_registered_and_writes_spans(pipe):
    assert "zh_quantities" in pipe.nlp.pipe_names
    doc = pipe.doc("货邮吞吐量49.5万吨,增长32.8%")
    spans = doc.spans["quantities"]
    assert [s.text for s in spans] == ["49.5万吨", "32.8%"]
    assert spans[0]._.quantity.unit == "kg"


def test_batch_pipelines_skip_spans_and_give_the_same_records(pipe):
    """The batch runner writes records only, so its pipeline builds no spaCy spans; the records
    are those of a pipeline with spans, whose sentences may come from the layout or the text."""
    from extractor.batch import Options, cached_pipeline

    lean = cached_pipeline(Options())
    for text in [p.read_text(encoding="utf-8") for p in ARTICLES] + ["１至８月增长５％。", "增长5%"]:
        doc = lean.doc(text)
        assert not doc.spans and doc._.quantities is not None
        assert [r.to_dict() for r in lean(text, "a")] == [r.to_dict() for r in pipe(text, "a")]
    assert extractor.Pipeline(spans=False).doc("增长5%，新增100家").spans == {}


SPACED = ["a\u3000b  c\n\n３万吨\t 新增 100 家 ", "  x "]


@pytest.mark.parametrize("text", [*(p.read_text(encoding="utf-8") for p in ARTICLES), *SPACED])
def test_spans_are_spacy_char_spans(pipe, text):
    """The stages' spans (built by bisection on kept offsets) are what `doc.char_span` gives, for
    every character range, whitespace included; the kept offsets are the tokens'."""
    doc = pipe.doc(text)
    assert doc._.zh_offsets == ([t.idx for t in doc], [t.idx + len(t) for t in doc])
    ranges = [(s, e, "X") for s in range(len(text)) for e in range(s + 1, min(len(text), s + 6) + 1)]
    fast = char_spans(doc, ranges)
    slow = [doc.char_span(s, e, label="X", alignment_mode="expand") for s, e, _ in ranges]
    assert [(x.start, x.end, x.label_) for x in fast] == [
        (x.start, x.end, x.label_) for x in slow if x is not None]
    for key in ("quantities", "periods", "entities"):
        assert all(s.text.strip() for s in doc.spans[key])


def test_kept_offsets_are_not_used_after_a_retokenizer(pipe):
    """A component that merges and splits tokens (keeping their count) must not leave the later
    stages with the tokenizer's stale offsets."""
    doc = pipe.make_doc("郑州市新增100家企业,郑州南站建成")
    kept = doc._.zh_offsets
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    station = [t.text for t in doc].index("南站")
    with doc.retokenize() as retokenizer:  # back to the same number of tokens, at other offsets
        retokenizer.split(doc[station], ["南", "站"], heads=[(doc[station], 1), doc[station]])
    assert doc._.zh_offsets is kept and len(kept[0]) == len(doc)
    assert offsets_of(doc) == ([t.idx for t in doc], [t.idx + len(t) for t in doc])
    assert [(s.start, s.end) for s in char_spans(doc, [(3, 8, "X")])] == [
        (s.start, s.end) for s in [doc.char_span(3, 8, alignment_mode="expand")]]


def test_numbers_and_units_are_matched_on_characters(pipe):
    # jieba splits these across tokens; the records must not care
    pinned = {"10万人以上": ["10", "万人", "以上"], "3.5个百分点": ["3.5", "个百分点"]}
    for text, tokens in pinned.items():
        assert [t.text for t in pipe.doc(text)] == tokens
    assert pipe("10万人以上")[0].value == 100000
    assert pipe("提高3.5个百分点")[0].unit == "pp"


def test_char_segmenter_gives_the_same_records(pipe):
    char = extractor.Pipeline(segmenter="char")
    text = (CORPUS / "003_db721301c3884bac.txt").read_text(encoding="utf-8")

    def core(records):  # cue words need a segmenter's word boundaries; numbers do not
        return [(r.start, r.end, r.value, r.unit, r.comparator) for r in records if r.type == "quantity"]

    assert core(char(text)) == core(pipe(text))
    assert all(len(t.text) == 1 for t in char.doc("增长5%") if not t.is_space)


def test_unknown_segmenter():
    with pytest.raises(extractor.ExtractorError, match="unknown segmenter"):
        extractor.Pipeline(segmenter="thulac")


@pytest.mark.pkuseg
@pytest.mark.skipif(not (pkuseg_model_dir() / "weights.npz").is_file(), reason="no pkuseg model")
def test_pkuseg_segmenter_gives_the_same_records(pipe):
    pytest.importorskip("spacy_pkuseg")
    pk = extractor.Pipeline(segmenter="pkuseg")
    text = "力争新签约项目总额突破8000亿元，货邮吞吐量49.5万吨"
    assert pk.doc(text).text == text
    assert [r.to_dict() for r in pk(text) if r.type == "quantity"] == [
        r.to_dict() for r in pipe(text) if r.type == "quantity"
    ]


def test_missing_pkuseg_model_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ZH_EXTRACTOR_PKUSEG_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(extractor.ExtractorError, match="zh-extract models pkuseg"):
        extractor.Pipeline(segmenter="pkuseg")


def test_latent_bare_numbers_only_on_request(pipe):
    assert pipe("代码1210模式") == []
    latent = extractor.Pipeline(latent=True)
    (rec,) = latent("代码1210模式")
    assert rec.latent and rec.unit is None and rec.value == 1210


def test_jieba_backends_give_the_same_tokens_and_records(pipe):
    """The default runs jieba's dictionary and HMM in Rust (rjieba); the Python jieba must agree,
    including the ASCII runs jieba cuts (1-8月 → 1 / - / 8 / 月) and whitespace. The one known
    difference is a near-tie of route scores: 发展速度快 is 速度快 in Python, 速度/快 in Rust."""
    py = extractor.Pipeline(segmenter="jieba-py")
    assert pipe.nlp.meta["segmenter_backend"].startswith("rjieba")
    texts = ["1-8月货邮吞吐量49.5万吨，PM2.5浓度下降，S2线、A-1地块", "两个  空格\n\n新行 12.5 亿元",
             "力争新签约项目总额突破8000亿元，新增高企1000家以上。", " 前导空格\t制表符 ３．５％"]
    for text in texts:
        assert [t.text for t in pipe.doc(text)] == [t.text for t in py.doc(text)]
    for text in texts + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]:
        assert [r.to_dict() for r in pipe(text)] == [r.to_dict() for r in py(text)]


def test_vocabulary_does_not_grow_without_end():
    """Unique token strings stay in spaCy's vocabulary; the tokenizer starts a fresh one past its
    limit, so memory stays flat over millions of articles and records stay right."""
    import random

    small = extractor.Pipeline(entities=False)
    small.nlp.tokenizer.max_strings = 2000
    rng = random.Random(5)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    for _ in range(40):
        noise = "".join(rng.choice(chars) for _ in range(1500))
        (rec,) = [r for r in small(noise + "。新增企业1000家") if r.type == "quantity"]
        assert rec.value == 1000 and rec.text == "1000家"
    assert len(small.nlp.tokenizer.vocab.strings) < 2000 + 3000
