"""Hand-written gold (`corpus/gold/NAME.yaml`) with offsets resolved against the source text.

Annotators write the mention (`text`) and, when it repeats, a unique anchor (`at`); offsets are
found here by string search, never taken from the tool's output. See corpus/ANNOTATION.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ExtractorError


@dataclass(frozen=True)
class GoldQuantity:
    text: str
    start: int
    end: int
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str
    change: bool
    kind: str | None = None
    indicator: str | None = None
    indicator_start: int | None = None
    indicator_end: int | None = None
    period: str | None = None
    period_norm: str | None = None
    subject: str | None = None
    annotated: bool = False  # whether kind/indicator/period/subject were annotated


@dataclass(frozen=True)
class GoldEntity:
    text: str
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class GoldTarget:
    text: str
    start: int
    end: int
    cue: str | None


@dataclass(frozen=True)
class GoldTrap:
    text: str
    start: int
    end: int
    trap: str


@dataclass(frozen=True)
class GoldDoc:
    doc_id: str
    path: Path
    text: str
    quantities: list[GoldQuantity]
    traps: list[GoldTrap]
    targets: list[GoldTarget] | None = None  # None: target statements not annotated
    date: str | None = None
    subject: str | None = None
    entities: list[GoldEntity] | None = None  # None: entities not annotated


def _locate(source: str, entry: dict, gold_path: Path) -> tuple[int, int]:
    text, anchor = entry["text"], entry.get("at") or entry["text"]
    occurrence = int(entry.get("occurrence") or 1)
    positions = []
    pos = source.find(anchor)
    while pos >= 0:
        positions.append(pos)
        pos = source.find(anchor, pos + 1)
    if not positions:
        raise ExtractorError(f"gold anchor {anchor!r} not found in the source", file=str(gold_path))
    if len(positions) > 1 and "occurrence" not in entry:
        raise ExtractorError(
            f"gold anchor {anchor!r} occurs {len(positions)} times; add `at` or `occurrence`",
            file=str(gold_path),
        )
    if occurrence > len(positions):
        raise ExtractorError(f"gold anchor {anchor!r}: no occurrence {occurrence}", file=str(gold_path))
    base = positions[occurrence - 1]
    inner = anchor.find(text)
    if inner < 0:
        raise ExtractorError(f"gold text {text!r} is not inside its anchor {anchor!r}", file=str(gold_path))
    return base + inner, base + inner + len(text)


def load_gold(gold_path: Path, corpus_dir: Path | None = None) -> GoldDoc:
    data = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
    doc_id = data.get("doc_id") or gold_path.stem
    folder = corpus_dir or gold_path.parent.parent
    source_path = folder / f"{doc_id}.txt"
    source = source_path.read_text(encoding="utf-8")
    quantities = []
    for entry in data.get("quantities") or []:
        start, end = _locate(source, entry, gold_path)
        ind = _locate_near(source, entry.get("indicator"), start)
        period_norm = entry.get("period_norm")
        quantities.append(
            GoldQuantity(
                text=entry["text"], start=start, end=end,
                value=entry.get("value"), value_max=entry.get("value_max"), unit=entry.get("unit"),
                comparator=str(entry.get("comparator") or "="), change=bool(entry.get("change")),
                kind=entry.get("kind"), indicator=entry.get("indicator"),
                indicator_start=ind[0] if ind else None, indicator_end=ind[1] if ind else None,
                period=entry.get("period"),
                period_norm=None if period_norm is None else str(period_norm),
                subject=entry.get("subject"), annotated="kind" in entry,
            )
        )
    targets = None
    if "targets" in data:
        targets = []
        for entry in data.get("targets") or []:
            start, end = _locate(source, entry, gold_path)
            targets.append(GoldTarget(entry["text"], start, end, entry.get("cue")))
    traps = []
    for entry in data.get("traps") or []:
        start, end = _locate(source, entry, gold_path)
        traps.append(GoldTrap(entry["text"], start, end, str(entry.get("trap") or "")))
    entities = None
    if "entities" in data:
        entities = []
        for entry in data.get("entities") or []:
            start, end = _locate(source, entry, gold_path)
            entities.append(GoldEntity(entry["text"], start, end, str(entry.get("label"))))
    date = data.get("date")
    return GoldDoc(doc_id, source_path, source, quantities, traps, targets,
                   None if date is None else str(date), data.get("subject"), entities)


def _locate_near(source: str, phrase: str | None, offset: int) -> tuple[int, int] | None:
    """The occurrence of `phrase` nearest to `offset` within its sentence."""
    if not phrase:
        return None
    s0 = max(source.rfind(c, 0, offset) for c in "。！？!?\n") + 1
    ends = [i for i in (source.find(c, offset) for c in "。！？!?\n") if i >= 0]
    s1 = min(ends) if ends else len(source)
    best = None
    pos = source.find(phrase, s0, s1)
    while pos >= 0:
        if best is None or abs(pos - offset) < abs(best - offset):
            best = pos
        pos = source.find(phrase, pos + 1, s1)
    return (best, best + len(phrase)) if best is not None else None


def load_corpus(corpus_dir: Path) -> list[GoldDoc]:
    gold_dir = corpus_dir / "gold"
    if not gold_dir.is_dir():
        raise ExtractorError(f"no gold folder at {gold_dir}")
    return [load_gold(p, corpus_dir) for p in sorted(gold_dir.glob("*.yaml"))]
