"""The command line: data on stdout, one-line errors on stderr, batches that survive bad files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import cli

from .conftest import CORPUS
from .test_review import ARTICLE, parse

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(cli.app, list(args), input=input, catch_exceptions=False)


def _records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_extract_corpus_to_file(tmp_path):
    out = tmp_path / "records.jsonl"
    result = run("extract", str(CORPUS), "-o", str(out))
    assert result.exit_code == 0, result.output
    records = _records(out.read_text(encoding="utf-8"))
    assert {r["doc_id"] for r in records} == {p.stem for p in CORPUS.glob("*.txt")}
    assert {r["type"] for r in records} == {"quantity", "target", "entity"}


def test_extract_stdin_to_stdout():
    result = run("extract", "-", "-q", input="力争新增高新技术企业1000家以上")
    assert result.exit_code == 0
    (rec,) = _records(result.stdout)
    assert (rec["text"], rec["value"], rec["comparator"], rec["doc_id"]) == ("1000家以上", 1000, ">=", "-")


def test_bad_inputs_are_one_line_and_the_batch_goes_on(tmp_path):
    (tmp_path / "good.txt").write_text("新增100家企业", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "gbk.txt").write_bytes("货邮吞吐量49.5万吨".encode("gb18030"))
    (tmp_path / "latin.txt").write_bytes(bytes(range(128, 256)) * 4)
    result = run("extract", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.exit_code == 3  # some documents failed (0 only when all are done)
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 4, result.stderr
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt: binary file" in e for e in errors)
    assert any("latin.txt: not UTF-8" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    assert "Traceback" not in result.output
    assert "gbk.txt: decoded as gb18030" in result.stderr
    records = _records(result.stdout)
    got = {(r["doc_id"], r["value"]) for r in records if r["type"] == "quantity"}
    assert got == {("good", 100), ("gbk", 495000000)}
    failed = {(r["doc_id"], r["error"]) for r in records if r["type"] == "error"}  # and in the output
    assert failed == {("empty", "InputError"), ("binary", "InputError"), ("latin", "InputError"),
                      (str(tmp_path / "missing.txt"), "InputError")}


def test_nothing_processed_is_exit_1(tmp_path):
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    result = run("extract", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}: no *.txt files in this folder" in result.stderr


def test_broken_rule_folder_is_one_line_per_problem(tmp_path):
    (tmp_path / "units.yaml").write_text("units:\n  - id: x\n    colour: red\n", encoding="utf-8")
    result = run("extract", "-", "--rules", str(tmp_path), input="增长5%")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("zh-extract: error: ") for line in lines)
    assert any(f"{tmp_path / 'units.yaml'}:2:" in line and "colour" in line for line in lines)
    assert "Traceback" not in result.output


def test_eval_prints_the_figures():
    result = run("eval", str(CORPUS))
    assert result.exit_code == 0
    assert "OVERALL" in result.stdout and "precision" in result.stdout
    data = json.loads(run("eval", str(CORPUS), "--json").stdout)
    assert set(data["overall"]) >= {"precision", "recall", "f1", "value_accuracy",
                                    "comparator_accuracy", "trap_false_positives"}


def test_schema_command():
    assert json.loads(run("schema").stdout)["title"] == "Record"


def test_explain_shows_traps_drops_and_records():
    out = run("explain", "力争新签约项目总额突破8000亿元,深入实施“1358”战略,2024年").stdout
    assert "trap:     '1358'" in out and "quoted_label" in out
    assert "dropped:  '2024'" in out and "trap.year" in out
    assert "kept:     '突破8000亿元'" in out and "bound.more_than.before" in out
    assert '"value": 800000000000' in out


@pytest.mark.parametrize(
    "command",
    [["extract"], ["eval"], ["explain"], ["schema"], ["panel"], ["models", "pkuseg"], ["rules", "check"],
     ["rules", "test"], ["rules", "new"], ["show"], ["report"]],
)
def test_every_command_has_help_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "zh-extract " in result.stdout, f"{command} help has no runnable example"


def test_rules_check_reports_a_catastrophic_pattern_by_file_and_line(tmp_path):
    (tmp_path / "traps.yaml").write_text(
        "traps:\n  - id: trap.ok\n    trap: label\n    terms: [甲乙]\n"
        "  - id: trap.slow\n    trap: label\n    pattern: '(1|11)+y'\n", encoding="utf-8")
    result = run("rules", "check", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path / 'traps.yaml'}:5: [trap.slow] catastrophic backtracking" in result.stderr
    assert "Traceback" not in result.output


def test_rules_check_and_test_pass_on_the_bundled_rules():
    assert run("rules", "check").exit_code == 0
    result = run("rules", "test")
    assert result.exit_code == 0 and " 0 failed" in result.stdout


def test_rules_new_writes_templates_that_pass_the_checker(tmp_path):
    for kind in ("units", "bounds", "changes", "patterns", "traps", "periods", "cues", "entities"):
        assert run("rules", "new", kind, str(tmp_path / "mine")).exit_code == 0
    assert run("rules", "new", "units", str(tmp_path / "mine")).exit_code == 1  # never overwrites
    assert run("rules", "check", str(tmp_path / "mine")).exit_code == 0


def run_(*args):
    return run(*(str(a) for a in args))


def test_show_an_article_and_a_records_file(tmp_path):
    out = tmp_path / "article.html"
    result = run_("show", ARTICLE, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "zhx-k-target" in page and "zhx-p" in page

    records = tmp_path / "records.jsonl"
    assert run_("extract", CORPUS, "-o", records, "-q").exit_code == 0
    result = run_("show", records, "-o", tmp_path / "x.html")
    assert result.exit_code == 1 and "2 documents; choose with --doc: 000_" in result.stderr
    assert run_("show", records, "--doc", "nope").exit_code == 1
    result = run_("show", records, "--doc", "003_db721301c3884bac", "-o", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    assert "characters not in the records" in (tmp_path / "r.html").read_text(encoding="utf-8")
    result = run_("show", records, "--doc", "003_db721301c3884bac", "--text", ARTICLE,
                  "-o", tmp_path / "t.html")
    assert result.exit_code == 0 and "error" not in result.stderr
    full = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "characters not in the records" not in full
    assert "".join(parse(full).text) == ARTICLE.read_text(encoding="utf-8")
    result = run_("show", records, "--doc", "003_db721301c3884bac", "--text",
                  CORPUS / "000_830c1cbb1baf45ef.txt", "-o", tmp_path / "w.html")
    assert result.exit_code == 1 and "zh-extract: error:" in result.stderr  # mismatches named
    assert "records do not match the text" in (tmp_path / "w.html").read_text(encoding="utf-8")


def test_report_with_pages_and_a_log(tmp_path):
    records = tmp_path / "records.jsonl"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("力争新增高新技术企业1000家以上。", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    result = run_("extract", tmp_path / "in", "-o", records)
    log = tmp_path / "extract.log"
    log.write_text(result.stderr, encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    result = run_("report", records, "--log", log, "--pages", tmp_path / "out" / "pages", "--texts",
                  tmp_path / "in", "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "empty.txt: empty file" in page
    assert 'href="pages/a.html#' in page
    article = (tmp_path / "out" / "pages" / "a.html").read_text(encoding="utf-8")
    assert "".join(parse(article).text) == "力争新增高新技术企业1000家以上。"
    assert run_("report", tmp_path / "missing.jsonl").exit_code == 1
