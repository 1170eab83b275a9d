"""Loading rule folders: every problem reported with file and line; overlays extend and override."""

from __future__ import annotations

import pytest

from extractor import Pipeline, RuleError, load_rules
from extractor.rules import bundled_rules_dir


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_bundled_rules_load_and_have_a_fingerprint():
    rules = load_rules()
    assert rules.fingerprint and rules.units and rules.traps
    assert (bundled_rules_dir() / "units.yaml").is_file()


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("units.yaml", "units:\n  - id: a\n    dimension: x\n    canonical: X\n    aliases: [爻]\n"
         "    colour: red\n", "units.yaml:2: [a] colour: Extra inputs are not permitted"),
        ("units.yaml", "units: [\n", "units.yaml:2:1: bad YAML"),
        ("bounds.yaml", "bounds:\n  - id: b\n    comparator: '!='\n    position: before\n"
         "    words: [超]\n", "bounds.yaml:2: [b] comparator"),
        ("patterns.yaml", "patterns:\n  - id: p\n    pattern: '(unclosed'\n    normalizer: number\n"
         "    dimension: x\n", "patterns.yaml:2: [p] pattern does not compile"),
        ("traps.yaml", "traps:\n  - id: t\n    trap: date\n    terms: [x]\n  - id: t\n    trap: date\n"
         "    terms: [y]\n", "traps.yaml:5: [t] duplicate id"),
        ("colours.yaml", "a: 1\n", "colours.yaml:1: unknown rule file"),
        ("changes.yaml", "changez: []\n", "changes.yaml:1: unknown section 'changez'"),
        ("units.yaml", "units:\n  - id: u\n    dimension: x\n    canonical: X\n    factor: abc\n"
         "    aliases: [爻]\n", "units.yaml:2: [u] factor"),
    ],
)
def test_each_problem_names_file_and_line(tmp_path, name, text, message):
    _write(tmp_path, name, text)
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path])
    assert message in str(err.value)


def test_all_problems_are_reported_at_once(tmp_path):
    _write(tmp_path, "units.yaml", "units:\n  - id: a\n    colour: red\n")
    _write(tmp_path, "bounds.yaml", "bounds: [\n")
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path])
    assert len(str(err.value).splitlines()) >= 3


def test_overlay_adds_a_unit_and_disables_an_entry(tmp_path):
    _write(
        tmp_path,
        "units.yaml",
        "units:\n"
        "  - id: unit.energy.tce\n    dimension: energy_coal\n    canonical: tce\n    factor: 1\n"
        "    aliases: [吨标准煤, 吨标煤]\n"
        "  - id: unit.percent.tenths\n    dimension: percent\n    canonical: '%'\n"
        "    aliases: [成]\n    disabled: true\n",
    )
    pipe = Pipeline(rules=[tmp_path])
    (rec,) = pipe("能耗总量控制在1500万吨标准煤以内")
    assert (rec.value, rec.unit, rec.comparator, rec.rule) == (15000000, "tce", "<=", "unit.energy.tce")
    assert pipe("超过三成的企业") == []
    assert Pipeline()("超过三成的企业")[0].value == 30  # the bundled rules are untouched


def test_the_installed_package_carries_its_rules():
    from importlib import metadata

    try:
        files = [str(f) for f in metadata.files("zh-extractor") or []]
    except metadata.PackageNotFoundError:
        pytest.skip("zh-extractor is not installed")
    if any("_editable" in f for f in files):
        pytest.skip("an editable install: the rules are read from the source tree")
    shipped = {f.rsplit("/", 1)[-1] for f in files if f.startswith("extractor/rules/")}
    assert {"units.yaml", "numerals.yaml", "traps.yaml"} <= shipped
    assert "cli.py" in files


def test_a_pattern_that_times_out_is_skipped_not_fatal(tmp_path):
    _write(tmp_path, "traps.yaml", "traps:\n  - id: trap.slow\n    trap: label\n    pattern: '(a|aa)+$'\n")
    pipe = Pipeline(rules=[tmp_path], timeout=0.05)
    records = pipe("增长5%，" + "a" * 40 + "b")
    assert [r.value for r in records if r.type == "quantity"] == [5]
    assert "trap.slow" in pipe.doc("增长5%，" + "a" * 40 + "b")._.quantity_trace.skipped


def test_overlay_adds_a_cue_an_entity_list_and_overrides_an_entry(tmp_path):
    _write(tmp_path, "cues.yaml", "cues:\n  - id: cue.target.mine\n    kind: target\n    words: [力保]\n")
    _write(tmp_path, "bounds.yaml", "bounds:\n  - id: bound.about.after\n    comparator: '~'\n"
           "    position: after\n    words: [左右, 上下]\n")
    (tmp_path / "entities").mkdir()
    _write(tmp_path / "entities", "soe.yaml", "gazetteers:\n  - id: org.soe\n    label: ORG\n"
           "    terms: [中国石化, 国家电网]\n")
    pipe = Pipeline(rules=[tmp_path])
    (q,) = [r for r in pipe("力保粮食产量1300亿斤") if r.type == "quantity"]
    assert (q.kind, q.kind_rule) == ("target", "cue.target.mine")
    assert [r.comparator for r in pipe("人均年收入在3万元上下") if r.type == "quantity"] == ["~"]
    orgs = [(r.text, r.rule) for r in pipe("中国石化与国家电网签约") if r.type == "entity"]
    assert orgs == [("中国石化", "org.soe"), ("国家电网", "org.soe")]
    bundled = Pipeline()
    assert [r.comparator for r in bundled("人均年收入在3万元上下") if r.type == "quantity"] == ["="]
