"""Score the pipeline against hand-checked gold: detection P/R/F1 by span overlap, value,
comparator and change accuracy on matched pairs, and quantities predicted inside gold traps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path

from .gold import GoldDoc, GoldQuantity, load_corpus
from .pipeline import Pipeline
from .records import Record


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    value_correct: int = 0
    comparator_correct: int = 0
    change_correct: int = 0
    trap_false_positives: int = 0
    annotated: int = 0  # matched pairs whose gold has kind/indicator/period/subject
    kind_correct: int = 0
    indicator_exact: int = 0
    indicator_lenient: int = 0
    period_correct: int = 0
    period_norm_correct: int = 0
    subject_correct: int = 0
    targets_gold: int = 0
    targets_predicted: int = 0
    targets_matched: int = 0
    target_docs: int = 0
    misses: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Scores) -> None:
        """Counts add up, lists of misses and errors concatenate."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def figures(self) -> dict[str, float | int]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        m = self.matched or 1
        a = self.annotated or 1
        tp = self.targets_matched / self.targets_predicted if self.targets_predicted else 0.0
        tr = self.targets_matched / self.targets_gold if self.targets_gold else 0.0
        targets = {}
        if self.annotated:
            targets.update({
                "kind_accuracy": round(self.kind_correct / a, 4),
                "indicator_exact": round(self.indicator_exact / a, 4),
                "indicator_lenient": round(self.indicator_lenient / a, 4),
                "period_accuracy": round(self.period_correct / a, 4),
                "period_norm_accuracy": round(self.period_norm_correct / a, 4),
                "subject_accuracy": round(self.subject_correct / a, 4),
            })
        if self.target_docs:
            targets.update({
                "target_precision": round(tp, 4), "target_recall": round(tr, 4),
                "target_f1": round(2 * tp * tr / (tp + tr), 4) if tp + tr else 0.0,
                "targets_gold": self.targets_gold, "targets_predicted": self.targets_predicted,
            })
        return targets | {
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "value_accuracy": round(self.value_correct / m, 4),
            "comparator_accuracy": round(self.comparator_correct / m, 4),
            "change_accuracy": round(self.change_correct / m, 4),
            "gold": self.gold, "predicted": self.predicted, "matched": self.matched,
            "trap_false_positives": self.trap_false_positives,
        }


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _label(text: str, start: int, end: int) -> str:
    return f"{start}:{text[start:end]}"


def score_doc(gold: GoldDoc, all_records: list) -> Scores:
    records = [r for r in all_records if r.type == "quantity"]
    s = Scores(gold=len(gold.quantities), predicted=len(records))
    pairs = sorted(
        ((_overlap(g.start, g.end, r.start, r.end), gi, ri)
         for gi, g in enumerate(gold.quantities) for ri, r in enumerate(records)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_r: set[int] = set()
    for ov, gi, ri in pairs:
        if ov <= 0 or gi in used_g or ri in used_r:
            continue
        used_g.add(gi)
        used_r.add(ri)
        _compare(s, gold.quantities[gi], records[ri], gold.text)
    s.matched = len(used_g)
    s.misses = [f"{gold.doc_id} {_label(gold.text, g.start, g.end)}" for i, g in
                enumerate(gold.quantities) if i not in used_g]
    s.spurious = [f"{gold.doc_id} {_label(gold.text, r.start, r.end)}" for i, r in
                  enumerate(records) if i not in used_r]
    s.trap_false_positives = sum(
        1 for r in records if any(_overlap(t.start, t.end, r.start, r.end) for t in gold.traps)
    )
    if gold.targets is not None:
        _score_targets(s, gold, [r for r in all_records if r.type == "target"])
    return s


def _score_targets(s: Scores, gold: GoldDoc, predicted: list) -> None:
    """A predicted statement matches a gold one when they share half of the shorter span."""
    s.target_docs = 1
    s.targets_gold, s.targets_predicted = len(gold.targets), len(predicted)
    used: set[int] = set()
    for g in gold.targets:
        for i, p in enumerate(predicted):
            shorter = min(g.end - g.start, p.end - p.start) or 1
            if i not in used and _overlap(g.start, g.end, p.start, p.end) * 2 >= shorter:
                used.add(i)
                break
        else:
            s.misses.append(f"{gold.doc_id} target {_label(gold.text, g.start, g.end)}")
    s.targets_matched = len(used)
    s.spurious += [f"{gold.doc_id} target {_label(gold.text, p.start, p.end)}"
                   for i, p in enumerate(predicted) if i not in used]


def char_f1(a: str | None, b: str | None) -> float:
    """Character-multiset F1 of two phrases (the lenient indicator match)."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    from collections import Counter

    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    p, r = common / len(b), common / len(a)
    return 2 * p * r / (p + r)


_SUFFIXES = ("市", "省", "县", "区", "自治区")


def same_subject(a: str | None, b: str | None) -> bool:
    def canon(x: str | None) -> str | None:
        if not x:
            return None
        for suffix in _SUFFIXES:
            if x.endswith(suffix) and len(x) > len(suffix) + 1:
                return x[: -len(suffix)]
        return x

    return canon(a) == canon(b)


def _compare(s: Scores, g: GoldQuantity, r: Record, text: str) -> None:
    if g.annotated:
        s.annotated += 1
        s.kind_correct += g.kind == r.kind
        s.indicator_exact += g.indicator == r.indicator
        s.indicator_lenient += g.indicator == r.indicator or char_f1(g.indicator, r.indicator) >= 0.6
        s.period_correct += (g.period or None) == (r.period or None)
        s.period_norm_correct += (g.period_norm or None) == (r.period_norm or None)
        s.subject_correct += same_subject(g.subject, r.subject)
        if g.kind != r.kind:
            s.wrong.append(f"kind {_label(text, g.start, g.end)} gold={g.kind} got={r.kind} ({r.kind_rule})")
    value_ok = _close(g.value, r.value) and _close(g.value_max, r.value_max) and g.unit == r.unit
    s.value_correct += value_ok
    s.comparator_correct += g.comparator == r.comparator
    s.change_correct += g.change == r.change
    if not (value_ok and g.comparator == r.comparator):
        s.wrong.append(
            f"{_label(text, g.start, g.end)} gold=({g.value}, {g.value_max}, {g.unit}, {g.comparator})"
            f" got=({r.value}, {r.value_max}, {r.unit}, {r.comparator})"
        )


def score_entities(gold: GoldDoc, records: list, tally: dict) -> None:
    """Exact (same span and label) and lenient (overlapping, same label) matches per label."""
    predicted = [r for r in records if r.type == "entity"]
    for mode in ("exact", "lenient"):
        used: set[int] = set()
        for g in gold.entities:
            cell = tally.setdefault(mode, {}).setdefault(g.label, [0, 0, 0])  # tp, gold, predicted
            cell[1] += 1
            for i, p in enumerate(predicted):
                if i in used or p.label != g.label:
                    continue
                hit = (p.start, p.end) == (g.start, g.end) if mode == "exact" else _overlap(
                    g.start, g.end, p.start, p.end) > 0
                if hit:
                    used.add(i)
                    cell[0] += 1
                    break
        for p in predicted:
            tally.setdefault(mode, {}).setdefault(p.label, [0, 0, 0])[2] += 1


def entity_figures(tally: dict) -> dict:
    out = {}
    for mode, labels in tally.items():
        total = [sum(c[i] for c in labels.values()) for i in range(3)]
        for label, (tp, gold, pred) in [*sorted(labels.items()), ("ALL", total)]:
            p = tp / pred if pred else 0.0
            r = tp / gold if gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out.setdefault(mode, {})[label] = {"precision": round(p, 4), "recall": round(r, 4),
                                               "f1": round(f, 4), "gold": gold, "predicted": pred}
    return out


def evaluate(corpus_dir: Path, pipeline: Pipeline | None = None) -> dict:
    """Per-document and overall figures (and the lists of misses) for the corpus gold."""
    pipe = pipeline or Pipeline()
    docs = load_corpus(corpus_dir)
    overall = Scores()
    per_doc = {}
    tally: dict = {}
    for gold in docs:
        records = pipe(gold.text, gold.doc_id, date=gold.date, subject=gold.subject)
        s = score_doc(gold, records)
        per_doc[gold.doc_id] = s.figures()
        overall.add(s)
        if gold.entities is not None:
            score_entities(gold, records, tally)
            predicted = {(r.start, r.end, r.label) for r in records if r.type == "entity"}
            expected = {(g.start, g.end, g.label) for g in gold.entities}
            overall.misses += [f"{gold.doc_id} entity {s}:{gold.text[s:e]} {lab}"
                               for s, e, lab in sorted(expected - predicted)]
            overall.spurious += [f"{gold.doc_id} entity {s}:{gold.text[s:e]} {lab}"
                                 for s, e, lab in sorted(predicted - expected)]
    return {
        "entities": entity_figures(tally),
        "overall": overall.figures(),
        "documents": per_doc,
        "misses": overall.misses,
        "spurious": overall.spurious,
        "wrong": overall.wrong,
    }


