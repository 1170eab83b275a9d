"""Duckling-style: every `examples` entry in rules/ must resolve to its stated value, and every
`not` text must produce nothing. Failures say which kind: EMPTY, AMBIGUOUS, WRONG or NOT.
The engine is extractor.ruletest, the same one `zh-extract rules test` runs."""

from __future__ import annotations

from extractor import load_rules
from extractor.entities import load_entity_rules
from extractor.ruletest import run_entity_examples, run_examples, slow_patterns, unknown_units

RULES = load_rules()


def test_every_rule_example_resolves(pipe):
    failures = [str(f) for f in run_examples(pipe, RULES)]
    assert not failures, "\n".join(failures)


def test_every_entity_example_resolves(pipe):
    failures = [str(f) for f in run_entity_examples(pipe, load_entity_rules())]
    assert not failures, "\n".join(failures)


def test_enough_examples():
    examples = sum(len(e.examples) for e in RULES.entries())
    traps = sum(len(e.not_) for e in RULES.entries())
    assert examples >= 150, examples
    assert traps >= 40, traps


def test_no_pattern_backtracks_catastrophically():
    assert not list(slow_patterns(RULES))


def test_every_canonical_unit_is_known():
    assert not list(unknown_units(RULES))
