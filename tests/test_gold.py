"""The corpus gold resolves against its articles, and the pipeline meets the bar on it."""

from __future__ import annotations

from itertools import pairwise

import pytest

from extractor.evaluate import evaluate, score_doc
from extractor.gold import GoldDoc, GoldQuantity, load_corpus
from extractor.records import Record

from .conftest import CORPUS


def test_every_gold_entry_resolves_to_its_text():
    docs = load_corpus(CORPUS)
    assert len(docs) == len(list(CORPUS.glob("*.txt")))
    for doc in docs:
        assert doc.quantities and doc.traps
        spans = sorted([(q.start, q.end) for q in doc.quantities] + [(t.start, t.end) for t in doc.traps])
        for q in doc.quantities:
            assert doc.text[q.start : q.end] == q.text
        for (_, a_end), (b_start, _) in pairwise(spans):
            assert a_end <= b_start, f"{doc.doc_id}: overlapping gold spans"


def test_the_bar_on_the_corpus(pipe):
    overall = evaluate(CORPUS, pipe)["overall"]
    assert overall["f1"] >= 0.97
    assert overall["value_accuracy"] >= 0.97
    assert overall["comparator_accuracy"] >= 0.95
    assert overall["trap_false_positives"] == 0


def _rec(start, end, value, unit="家", comparator="="):
    return Record(doc_id="d", text="x", start=start, end=end, sentence="", number=value, value=value,
                  value_max=None, unit=unit, unit_text=None, dimension="count",
                  comparator=comparator, change=False, rule="r")


def test_scoring_counts_misses_spurious_and_wrong_values():
    gold = GoldDoc("d", CORPUS, "0123456789", [
        GoldQuantity("12", 1, 3, 12, None, "家", "=", False),
        GoldQuantity("56", 5, 7, 56, None, "家", ">", False),
    ], [])
    s = score_doc(gold, [_rec(1, 3, 12), _rec(5, 6, 50, comparator=">"), _rec(8, 9, 8)])
    fig = s.figures()
    assert (fig["matched"], fig["predicted"], fig["gold"]) == (2, 3, 2)
    assert fig["precision"] == pytest.approx(2 / 3, abs=1e-3) and fig["recall"] == 1.0
    assert fig["value_accuracy"] == 0.5 and fig["comparator_accuracy"] == 1.0


def test_the_targets_bar_on_the_corpus(pipe):
    overall = evaluate(CORPUS, pipe)["overall"]
    assert overall["kind_accuracy"] >= 0.95
    assert overall["indicator_lenient"] >= 0.90
    assert overall["period_accuracy"] >= 0.90
    assert overall["subject_accuracy"] >= 0.90
    assert overall["target_f1"] >= 0.85
