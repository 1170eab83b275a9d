"""Duckling-style: every `examples` entry in rules/ must resolve to its stated value, and every
`not` text must produce no quantity. Failures say which kind: empty, ambiguous or wrong."""

from __future__ import annotations

import math

import pytest

from extractor import load_rules
from extractor.rules import Example

RULES = load_rules()
TRAP_KINDS = {e.id for e in RULES.traps} | (
    {RULES.quoted_labels.id} if RULES.quoted_labels else set()
)


def _cases():
    for entry in RULES.entries():
        loc = RULES.locations[entry.id]
        for i, ex in enumerate(entry.examples):
            yield pytest.param(entry.id, ex, id=f"{entry.id}#{i}:{ex.text}", marks=[]), loc
        for text in entry.not_:
            yield pytest.param(entry.id, text, id=f"{entry.id}#not:{text}"), loc


CASES = [c for c, _ in _cases()]


def _matches(ex: Example, rec) -> list[str]:
    problems = []
    for name in ("value", "value_max"):
        want = getattr(ex, name)
        got = getattr(rec, name)
        if name in ex.model_fields_set and not (
            (want is None and got is None)
            or (want is not None and got is not None and math.isclose(want, got, rel_tol=1e-9))
        ):
            problems.append(f"{name}: want {want}, got {got}")
    for name in ("unit", "comparator", "change"):
        if name in ex.model_fields_set and getattr(ex, name) != getattr(rec, name):
            problems.append(f"{name}: want {getattr(ex, name)!r}, got {getattr(rec, name)!r}")
    return problems


PERIODS = {e.id for e in RULES.periods}
CUES = {e.id for e in RULES.cues}


def _period_example(entry_id: str, case, where) -> None:
    from extractor.normalize import normalize
    from extractor.periods import DocDate, period_matcher_for

    found = period_matcher_for(RULES).find(normalize(case.text), DocDate.parse(case.date))
    got = [(p.text, p.norm, p.rule) for p in found]
    assert (case.period, case.period_norm, entry_id) in got, (
        f"{where.file}:{where.line} [{entry_id}] {case.text!r}: want ({case.period}, "
        f"{case.period_norm}) from this entry, got {got}"
    )


def _cue_example(pipe, entry_id: str, case, where) -> None:
    records = pipe(case.text, date=case.date)
    quantities = [r for r in records if r.type == "quantity"]
    if case.kind is not None:
        assert len(quantities) == 1, f"{where.file}:{where.line} [{entry_id}] {case.text!r}: " \
            f"expected one quantity, got {[q.text for q in quantities]}"
        (q,) = quantities
        assert (q.kind, q.kind_rule) == (case.kind, entry_id), (
            f"{where.file}:{where.line} [{entry_id}] {case.text!r}: want kind {case.kind} from this "
            f"entry, got {q.kind} from {q.kind_rule}"
        )
    if case.target is not None:
        statements = [r for r in records if r.type == "target"]
        assert bool(statements) == case.target, f"{where.file}:{where.line} [{entry_id}] {case.text!r}"


@pytest.mark.parametrize("entry_id, case", CASES)
def test_rule_example(pipe, entry_id, case):
    where = RULES.locations[entry_id]
    if entry_id in PERIODS:
        if isinstance(case, str):  # a `not` text holds no period from this entry
            from extractor.periods import period_matcher_for

            found = [p.text for p in period_matcher_for(RULES).find(case) if p.rule == entry_id]
            assert not found, f"{where.file}:{where.line} [{entry_id}] not-example {case!r}: {found}"
        else:
            _period_example(entry_id, case, where)
        return
    if entry_id in CUES and not isinstance(case, str):
        _cue_example(pipe, entry_id, case, where)
        return
    if isinstance(case, str):  # a `not` text
        found = [f"{r.text} ({r.rule})" for r in pipe(case) if r.type == "quantity"]
        assert not found, f"{where.file}:{where.line} [{entry_id}] not-example {case!r} produced {found}"
        return
    records = [r for r in pipe(case.text) if r.type == "quantity"]
    own = records if entry_id in TRAP_KINDS else [r for r in records if entry_id in r.rules]
    assert own, (
        f"{where.file}:{where.line} [{entry_id}] EMPTY: {case.text!r} gave no record from this entry "
        f"(got {[(r.text, r.rule) for r in records]})"
    )
    scored = [(r, _matches(case, r)) for r in own]
    good = [r for r, problems in scored if not problems]
    if entry_id not in TRAP_KINDS:
        assert len(own) == 1, (
            f"{where.file}:{where.line} [{entry_id}] AMBIGUOUS: {case.text!r} gave "
            f"{[(r.text, r.value, r.unit) for r in own]}"
        )
    assert good, (
        f"{where.file}:{where.line} [{entry_id}] WRONG: {case.text!r}: "
        + "; ".join(f"{r.text}: {', '.join(p)}" for r, p in scored)
    )


def test_enough_examples():
    examples = sum(len(e.examples) for e in RULES.entries())
    traps = sum(len(e.not_) for e in RULES.entries())
    assert examples >= 150, examples
    assert traps >= 40, traps
