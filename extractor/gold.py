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
        quantities.append(
            GoldQuantity(
                text=entry["text"], start=start, end=end,
                value=entry.get("value"), value_max=entry.get("value_max"), unit=entry.get("unit"),
                comparator=str(entry.get("comparator") or "="), change=bool(entry.get("change")),
            )
        )
    traps = []
    for entry in data.get("traps") or []:
        start, end = _locate(source, entry, gold_path)
        traps.append(GoldTrap(entry["text"], start, end, str(entry.get("trap") or "")))
    return GoldDoc(doc_id, source_path, source, quantities, traps)


def load_corpus(corpus_dir: Path) -> list[GoldDoc]:
    gold_dir = corpus_dir / "gold"
    if not gold_dir.is_dir():
        raise ExtractorError(f"no gold folder at {gold_dir}")
    return [load_gold(p, corpus_dir) for p in sorted(gold_dir.glob("*.yaml"))]
