"""Run the `examples` and `not` texts of every rule entry (Duckling's corpus idea), and check rule
folders: the shared engine of `zh-extract rules test`, `zh-extract rules check` and the test suite.

Each failure says its kind: EMPTY (the entry made nothing), AMBIGUOUS (more than one record),
WRONG (a field differs: want vs got), or NOT (a not-text produced something).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from .normalize import normalize
from .periods import DocDate, period_matcher_for
from .rules import Example, RuleSet

FIELDS = ("value", "value_max", "unit", "comparator", "change")
# Strings that make badly written patterns backtrack: long runs of what numerals and names are
# made of, with a character at the end that forces every alternative to be tried again.
ADVERSARIAL = ["1" * 5000 + "x", "一" * 5000 + "x", "万" * 3000 + "，", "a" * 5000 + "!", "“" * 2000 + "x"]
PATTERN_BUDGET = 0.5  # seconds one pattern may take on one adversarial string


@dataclass(frozen=True)
class Failure:
    entry: str
    file: str
    line: int
    kind: str  # EMPTY, AMBIGUOUS, WRONG, NOT
    text: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.entry}] {self.kind}: {self.text!r}: {self.detail}"


def _same(want, got) -> bool:
    if isinstance(want, float | int) and not isinstance(want, bool) and got is not None:
        return math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12)
    return want == got


def _diff(ex: Example, rec) -> list[str]:
    return [
        f"{name}: want {getattr(ex, name)!r}, got {getattr(rec, name)!r}"
        for name in FIELDS
        if name in ex.model_fields_set and not _same(getattr(ex, name), getattr(rec, name))
    ]


def run_examples(pipe, rules: RuleSet) -> Iterator[Failure]:
    """Every failing example or not-text of every entry, in file order."""
    trap_ids = {t.id for t in rules.traps} | ({rules.quoted_labels.id} if rules.quoted_labels else set())
    period_ids = {p.id for p in rules.periods}
    cue_ids = {c.id for c in rules.cues} | {c.id for c in rules.context}
    for entry in rules.entries():
        where = rules.locations.get(entry.id)
        file, line = (where.file, where.line) if where else ("?", 0)

        def fail(kind: str, text: str, detail: str, entry=entry, file=file, line=line) -> Failure:
            return Failure(entry.id, file, line, kind, text, detail)

        for ex in entry.examples:
            if entry.id in period_ids:
                problem = _period_example(rules, entry.id, ex)
            elif entry.id in cue_ids:
                problem = _cue_example(pipe, entry.id, ex)
            else:
                problem = _quantity_example(pipe, entry.id, ex, entry.id in trap_ids)
            if problem:
                yield fail(*problem)
        for text in entry.not_:
            if entry.id in period_ids:
                periods = period_matcher_for(rules).find(normalize(text))
                found = [p.text for p in periods if p.rule == entry.id]
            else:
                found = [f"{r.text} ({r.rule})" for r in pipe(text) if r.type == "quantity"]
            if found:
                yield fail("NOT", text, f"produced {found}")


def run_entity_examples(pipe, rules) -> Iterator[Failure]:
    """Entity entries' examples: every listed [text, label] must come out of the text."""
    for entry in [*rules.gazetteers, *rules.suffixes, *rules.patterns]:
        for ex in entry.examples:
            got = [[r.text, r.label] for r in pipe(ex.text) if r.type == "entity"]
            missing = [pair for pair in ex.entities if pair not in got]
            if missing:
                yield Failure(entry.id, "entities", 0, "WRONG", ex.text, f"missing {missing}, got {got}")


def _quantity_example(pipe, entry_id: str, ex: Example, is_trap: bool):
    records = [r for r in pipe(ex.text, date=ex.date) if r.type == "quantity"]
    own = records if is_trap else [r for r in records if entry_id in r.rules]
    if not own:
        return "EMPTY", ex.text, f"no record from this entry (got {[(r.text, r.rule) for r in records]})"
    if not is_trap and len(own) > 1:
        return "AMBIGUOUS", ex.text, f"{[(r.text, r.value, r.unit) for r in own]}"
    scored = [(r, _diff(ex, r)) for r in own]
    if any(not problems for _, problems in scored):
        return None
    return "WRONG", ex.text, "; ".join(f"{r.text}: {', '.join(p)}" for r, p in scored)


def _period_example(rules: RuleSet, entry_id: str, ex: Example):
    found = period_matcher_for(rules).find(normalize(ex.text), DocDate.parse(ex.date))
    got = [(p.text, p.norm, p.rule) for p in found]
    if (ex.period, ex.period_norm, entry_id) in got:
        return None
    return "WRONG", ex.text, f"want ({ex.period}, {ex.period_norm}) from this entry, got {got}"


def _cue_example(pipe, entry_id: str, ex: Example):
    records = pipe(ex.text, date=ex.date)
    quantities = [r for r in records if r.type == "quantity"]
    if ex.kind is not None:
        if len(quantities) != 1:
            return "AMBIGUOUS" if quantities else "EMPTY", ex.text, \
                f"expected one quantity, got {[q.text for q in quantities]}"
        (q,) = quantities
        if (q.kind, q.kind_rule) != (ex.kind, entry_id):
            return "WRONG", ex.text, f"want kind {ex.kind} from this entry, got {q.kind} from {q.kind_rule}"
    if ex.target is not None:
        statements = [r.text for r in records if r.type == "target"]
        if bool(statements) != ex.target:
            return "WRONG", ex.text, f"want a target statement: {ex.target}, got {statements}"
    return None


def slow_patterns(rules: RuleSet) -> Iterator[tuple[str, str]]:
    """(entry id, problem) for each pattern that backtracks out of its budget on hostile input."""
    from .patterns import compile_slots

    for entry in [*rules.patterns, *rules.traps, *rules.periods]:
        source = getattr(entry, "pattern", None)
        if not source:
            continue
        compiled = compile_slots(source, rules.numerals)
        for probe in ADVERSARIAL:
            start = time.perf_counter()
            try:
                for _ in compiled.finditer(probe, timeout=PATTERN_BUDGET):
                    pass
            except TimeoutError:
                yield entry.id, f"catastrophic backtracking: over {PATTERN_BUDGET}s on {probe[:3]!r}…"
                break
            if time.perf_counter() - start > PATTERN_BUDGET:
                yield entry.id, f"slow: {time.perf_counter() - start:.2f}s on {probe[:3]!r}…"
                break


def unknown_units(rules: RuleSet) -> Iterator[tuple[str, str]]:
    """Units whose canonical code is not one the project knows (rules/units.yaml `canonical_units`)."""
    if not rules.canonical_units:
        return
    for unit in rules.units:
        if unit.canonical not in rules.canonical_units:
            yield unit.id, f"canonical unit {unit.canonical!r} is not in canonical_units"


__all__ = ["ADVERSARIAL", "Failure", "regex", "run_examples", "slow_patterns", "unknown_units"]
