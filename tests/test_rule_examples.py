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


@pytest.mark.parametrize("entry_id, case", CASES)
def test_rule_example(pipe, entry_id, case):
    where = RULES.locations[entry_id]
    if isinstance(case, str):  # a `not` text
        found = [f"{r.text} ({r.rule})" for r in pipe(case)]
        assert not found, f"{where.file}:{where.line} [{entry_id}] not-example {case!r} produced {found}"
        return
    records = pipe(case.text)
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
