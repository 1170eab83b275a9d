"""Entities: per-label exact F1 on hand-written sentences (each file with its floors in
spec_entities/floors.yaml), and the corpus bar."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.evaluate import evaluate

from .conftest import CORPUS

SPEC = Path(__file__).parent / "spec_entities"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT")


def _locate(text: str, pairs: list[list[str]]) -> set[tuple[int, int, str]]:
    out, pos = set(), 0
    for name, label in pairs:
        start = text.find(name, pos)
        assert start >= 0, f"{name!r} not found in order in {text!r}"
        out.add((start, start + len(name), label))
        pos = start + len(name)
    return out


def _scores(pipe, path: Path) -> tuple[dict[str, float], list[str]]:
    """Exact span-and-label F1 per label over one file, and the misses and spurious names."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    assert cases, f"no entity spec sentences in {path.name}"
    tally = {label: [0, 0, 0] for label in LABELS}  # tp, gold, predicted
    wrong = []
    for case in cases:
        gold = _locate(case["text"], case.get("entities") or [])
        got = {(r.start, r.end, r.label) for r in pipe(case["text"]) if r.type == "entity"}
        for s, e, label in gold:
            tally.setdefault(label, [0, 0, 0])[1] += 1
            tally[label][0] += (s, e, label) in got
        for *_, label in got:
            tally.setdefault(label, [0, 0, 0])[2] += 1
        wrong += [f"-{case['text'][s:e]}/{lab}" for s, e, lab in gold - got]
        wrong += [f"+{case['text'][s:e]}/{lab}" for s, e, lab in got - gold]
    report = {}
    for label, (tp, g, p) in tally.items():
        if g or p:
            prec, rec = tp / p if p else 0.0, tp / g if g else 0.0
            report[label] = round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0
    return report, wrong


# Each spec file's floors per label and its history (how it was written, scored and used) are in
# spec_entities/floors.yaml; a label with no floor there is held to the bar.
FLOORS = yaml.safe_load((SPEC / "floors.yaml").read_text(encoding="utf-8"))
BAR = 0.85  # the bar, per label


@pytest.mark.parametrize("name", list(FLOORS))
def test_entity_labels_on_hand_written_sentences(pipe, name):
    floors = FLOORS[name]["floors"]
    report, wrong = _scores(pipe, SPEC / name)
    assert set(LABELS) <= set(report), f"{name} must hold every label: {report}"
    low = {k: v for k, v in report.items() if k in LABELS and v < floors.get(k, BAR)}
    assert not low, f"{name}: labels under their floor: {low}; all: {report}; wrong: {wrong[:40]}"


def test_every_spec_file_has_floors_and_a_history():
    files = {p.name for p in SPEC.glob("*.yaml")} - {"floors.yaml"}
    assert files <= set(FLOORS), files - set(FLOORS)
    for name, entry in FLOORS.items():
        assert set(entry) == {"floors", "history"} and entry["history"].strip(), name
        assert set(entry["floors"]) <= set(LABELS), name


def test_heldout_covers_every_label_and_is_its_own_file():
    cases = yaml.safe_load((SPEC / "heldout.yaml").read_text(encoding="utf-8"))
    counts = {label: 0 for label in LABELS}
    for case in cases:
        for _, label in case["entities"]:
            counts[label] += 1
    assert len(cases) >= 150 and min(counts.values()) >= 25, counts
    sentences = {c["text"] for c in yaml.safe_load((SPEC / "sentences.yaml").read_text(encoding="utf-8"))}
    assert not sentences & {c["text"] for c in cases}


# The entities issue asks for exact F1 >= 0.85 on the corpus gold; the rules reach 0.88 (EVENT 0.83,
# FAC 0.76 fall short: the corpus's shops, hotels and streets have no suffix to find them by).
CORPUS_FLOOR = 0.86


def test_entity_floor_on_the_corpus(pipe):
    figures = evaluate(CORPUS, pipe)["entities"]
    assert figures["exact"]["ALL"]["f1"] >= CORPUS_FLOOR, figures["exact"]
