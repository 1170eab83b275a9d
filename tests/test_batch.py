"""Batch runs: table inputs, error records, resume after a crash, CSV/Parquet, jobs, Dask."""

from __future__ import annotations

import csv
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

import cli
from extractor import Pipeline
from extractor.batch import EXIT_SOME_FAILED, extract_partition, rules_fingerprint, run
from extractor.reader import Fields
from extractor.writers import COLUMNS

from .conftest import CORPUS, ROOT


@Language.component("zh_test_drop_all")
def _drop_all(doc):
    doc._.quantities, doc._.facts, doc._.statements, doc._.entities = [], [], [], []
    return doc

SENTENCES = [
    "今年全市地区生产总值增长5.2%，力争新增高新技术企业1000家以上。",
    "货邮吞吐量49.5万吨，旅客吞吐量增长10.9%。",
    "到2025年，基本建成国家中心城市，研发投入强度达到3%。",
    "项目总投资16.4亿元，预计年底前完工。",
    "1-8月，全省规模以上工业增加值同比增长6.1%。",
    "争创综合性国家科学中心，新签约项目总额突破8000亿元。",
]


def quiet(level: str, message: str) -> None:
    pass


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def key(rec: dict) -> tuple:
    return rec["doc_id"], rec["type"], rec.get("start", -1), json.dumps(rec, sort_keys=True)


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> Path:
    """A folder of 12 short articles (in two subfolders, so ids are relative paths)."""
    root = tmp_path_factory.mktemp("texts")
    for i in range(12):
        folder = root / ("a" if i % 2 else "b")
        folder.mkdir(exist_ok=True)
        body = "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
        (folder / f"doc{i:02d}.txt").write_text(body, encoding="utf-8")
    return root


def test_table_inputs_carry_ids_metadata_and_the_date(tmp_path):
    rows = [{"id": "n1", "text": "今年新增高新技术企业1000家。", "date": "2023-05-01", "source": "日报"},
            {"text": "今年新增企业20家。", "date": "2021/3/5T08:00", "source": "晚报"}]
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with open(tmp_path / "posts.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "body", "source"])
        writer.writerow(["p1", "新增\n100家企业", "网站"])  # a row over two lines
        writer.writerow(["", "增长5%", "网站"])
    out = tmp_path / "records.jsonl"
    run([str(tmp_path / "news.jsonl.gz")], out, jobs=1, fields=Fields(meta=("date", "source")), log=quiet)
    got = {(r["doc_id"], r["text"], r["period_norm"], r["meta"]["source"]) for r in lines(out)
           if r["type"] == "quantity"}
    assert got == {("n1", "1000家", "2023", "日报"), ("news.jsonl.gz:2", "20家", "2021", "晚报")}
    run([str(tmp_path / "posts.csv")], out, jobs=1, fields=Fields(text="body", id="key", meta=("source",)),
        log=quiet)
    got = {(r["doc_id"], r["text"], r["meta"]["source"]) for r in lines(out) if r["type"] == "quantity"}
    assert got == {("p1", "100家", "网站"), ("posts.csv:4", "5%", "网站")}


def test_a_bad_document_is_an_error_record_and_the_batch_goes_on(tmp_path, monkeypatch):
    import extractor.pipeline

    real = extractor.pipeline.record_rows

    def buggy(doc, *args):
        if "BOOM" in doc.text:
            raise RuntimeError("boom")
        return real(doc, *args)

    monkeypatch.setattr(extractor.pipeline, "record_rows", buggy)
    data = tmp_path / "docs.jsonl"
    data.write_text('{"id": "ok", "text": "增长5%"}\n{"id": "bug", "text": "BOOM 增长6%"}\n'
                    '{"id": "bad" "text": 1}\n{"id": "later", "text": "新增100家"}\n', encoding="utf-8")
    said = []
    manifest = run([str(data)], tmp_path / "out.jsonl", jobs=1, log=lambda *a: said.append(a))
    records = lines(tmp_path / "out.jsonl")
    assert [(r["doc_id"], r["type"]) for r in records] == [
        ("ok", "quantity"), ("bug", "error"), ("docs.jsonl:3", "error"), ("later", "quantity")]
    bug, bad = records[1], records[2]
    assert bug["error"] == "RuntimeError" and "internal error (RuntimeError: boom)" in bug["reason"]
    assert (bad["file"], bad["line"], bad["error"]) == (str(data), 3, "InputError")
    assert ("error", f"{data}:3: not a JSON line: Expecting ',' delimiter (column 14)") in said
    assert manifest.exit_code == EXIT_SOME_FAILED
    assert manifest.counts["documents"] == {"ok": 2, "failed": 2, "this_run": 4}
    assert [e["doc_id"] for e in manifest.errors] == ["bug", "docs.jsonl:3"]


def test_cli_bad_inputs_are_one_line_with_file_and_line(tmp_path):
    runner = CliRunner()
    (tmp_path / "t.csv").write_text("title,body\n甲,增长5%\n", encoding="utf-8")
    result = runner.invoke(cli.app, ["extract", str(tmp_path / "t.csv"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1  # nothing processed
    assert "Traceback" not in result.output
    missing = tmp_path / "no" / "such" / "o.jsonl"
    result = runner.invoke(cli.app, ["extract", str(tmp_path / "t.csv"), "-o", str(missing)])
    assert result.exit_code == 1
    assert result.stderr == f"zh-extract: error: {missing}: cannot write: No such file or directory\n"
    result = runner.invoke(cli.app, ["extract", str(tmp_path / "t.csv"), "-o", str(tmp_path / "o.jsonl")])
    assert result.stderr.splitlines()[0] == (
        f"zh-extract: error: {tmp_path / 't.csv'}:1: no column 'text' (columns: title, body); "
        "choose one with --text-field")
    assert "Traceback" not in result.output
    (tmp_path / "d.jsonl").write_text('{"text": "增长5%"}\n{oops\n', encoding="utf-8")
    result = runner.invoke(cli.app, ["extract", str(tmp_path / "d.jsonl"), "-q"])
    assert result.exit_code == 3
    assert f"zh-extract: error: {tmp_path / 'd.jsonl'}:2: not a JSON line" in result.stderr
    types = [json.loads(line)["type"] for line in result.stdout.splitlines()]
    assert types == ["quantity", "error"]


def test_manifest_beside_the_output(tmp_path, texts):
    out = tmp_path / "records.jsonl"
    manifest = run([str(texts)], out, jobs=1, log=quiet)
    saved = json.loads((tmp_path / "records.jsonl.run.json").read_text(encoding="utf-8"))
    assert saved["exit_code"] == 0 and saved["counts"]["documents"]["ok"] == 12
    assert saved["counts"]["records"] == manifest.counts["records"]
    assert sum(saved["counts"]["records"].values()) == len(lines(out))
    assert set(saved["timings"]) == {"start", "end", "seconds", "docs_per_s", "chars_per_s"}
    assert saved["segmenter"] == "jieba" and saved["version"] and saved["errors"] == []
    assert saved["segmenter_backend"].startswith(("rjieba", "jieba"))
    assert saved["rules_fingerprint"] == rules_fingerprint([])
    overlay = tmp_path / "mine"
    overlay.mkdir()
    (overlay / "units.yaml").write_text("units: []\n", encoding="utf-8")
    assert rules_fingerprint([str(overlay)]) != rules_fingerprint([])


def _reference(texts: Path, tmp_path: Path) -> bytes:
    out = tmp_path / "reference.jsonl"
    run([str(texts)], out, jobs=1, batch_size=2, log=quiet)
    return out.read_bytes()


def test_resume_after_a_torn_batch_gives_exactly_the_uninterrupted_output(tmp_path, texts):
    reference = _reference(texts, tmp_path)
    out = tmp_path / "records.jsonl"
    journal = tmp_path / "records.jsonl.journal"
    for kept, torn_output, torn_journal in [(2, True, True), (3, False, False), (0, True, False)]:
        run([str(texts)], out, jobs=1, batch_size=2, log=quiet)
        entries = journal.read_bytes().splitlines(keepends=True)
        # the crash: the journal holds its header and `kept` batches; the output has more than that
        committed = json.loads(entries[kept]).get("position", 0) if kept else 0
        next_end = json.loads(entries[kept + 1])["position"]
        cut = (committed + next_end) // 2 if torn_output else next_end  # a torn or a whole batch
        with open(out, "r+b") as handle:
            handle.truncate(cut)
        journal.write_bytes(b"".join(entries[: kept + 1]) + (entries[kept + 1][:9] if torn_journal else b""))
        manifest = run([str(texts)], out, jobs=1, batch_size=2, resume=True, log=quiet)
        assert out.read_bytes() == reference, (kept, torn_output, torn_journal)
        assert manifest.resumed and manifest.counts["documents"]["ok"] == 12
        assert manifest.counts["documents"]["this_run"] == 12 - 2 * kept


def test_resume_refuses_other_inputs_and_an_output_without_journal(tmp_path, texts):
    out = tmp_path / "records.jsonl"
    run([str(texts / "a")], out, jobs=1, log=quiet)
    from extractor.errors import ExtractorError

    with pytest.raises(ExtractorError, match="other inputs"):
        run([str(texts / "b")], out, jobs=1, resume=True, log=quiet)
    (tmp_path / "records.jsonl.journal").unlink()
    with pytest.raises(ExtractorError, match="no journal"):
        run([str(texts / "a")], out, jobs=1, resume=True, log=quiet)


def test_resume_after_killing_the_process(tmp_path):
    article = (CORPUS / "000_830c1cbb1baf45ef.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_text(article, encoding="utf-8")
    reference = tmp_path / "reference.jsonl"
    out = tmp_path / "records.jsonl"
    command = [sys.executable, "-c", "import cli; cli.main()", "extract", str(folder), "-j", "1",
               "--batch-size", "1", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([*command, "-o", str(out)], env=env, stderr=subprocess.DEVNULL)
    journal = tmp_path / "records.jsonl.journal"
    deadline = time.monotonic() + 60  # monotonic: the wall clock may be stepped under a test
    while time.monotonic() < deadline and (not journal.exists() or journal.read_bytes().count(b"\n") < 4):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = journal.read_bytes().count(b"\n") - 1
    assert 0 < done < 40, "the run should have been killed half-way"
    assert subprocess.run([*command, "-o", str(out), "--resume"], env=env).returncode == 0
    assert subprocess.run([*command, "-o", str(reference)], env=env).returncode == 0
    assert out.read_bytes() == reference.read_bytes()
    ids = [r["doc_id"] for r in lines(out)]
    assert len(set(ids)) == 40 and ids == sorted(ids)  # every document once, in order


def test_csv_and_parquet_outputs_have_the_stable_column_set(tmp_path, texts):
    pq = pytest.importorskip("pyarrow.parquet")
    records = tmp_path / "records.jsonl"
    run([str(texts)], records, jobs=1, log=quiet)
    expected = lines(records)
    run([str(texts)], tmp_path / "records.csv", jobs=1, log=quiet)
    with open(tmp_path / "records.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS and len(rows) == len(expected)
    assert json.loads(rows[0]["rules"]) == expected[0]["rules"]
    run([str(texts)], tmp_path / "records.parquet", jobs=1, log=quiet)
    table = pq.read_table(tmp_path / "records.parquet")
    assert table.column_names == COLUMNS and table.num_rows == len(expected)
    assert table.column("doc_id").to_pylist() == [r["doc_id"] for r in expected]
    assert not (tmp_path / "records.parquet.parts").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "x.txt").write_text("没有数字。", encoding="utf-8")
    run([str(empty)], tmp_path / "none.parquet", jobs=1, log=quiet)
    assert pq.read_table(tmp_path / "none.parquet").schema == table.schema  # the same with no records


def test_parquet_resume_after_an_interrupt_keeps_whole_parts(tmp_path, texts, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    import extractor.batch
    import extractor.writers

    monkeypatch.setattr(extractor.writers, "PARQUET_ROWS_PER_PART", 10)
    reference = tmp_path / "reference.parquet"
    run([str(texts)], reference, jobs=1, batch_size=1, log=quiet)
    real, calls = extractor.batch.run_batch, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 7:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(extractor.batch, "run_batch", interrupted)
    out = tmp_path / "records.parquet"
    with pytest.raises(KeyboardInterrupt):
        run([str(texts)], out, jobs=1, batch_size=1, log=quiet)
    parts = sorted((tmp_path / "records.parquet.parts").glob("part-*.parquet"))
    assert parts and not out.exists()
    assert all(pq.read_table(p).num_rows >= 10 for p in parts)  # whole parts, each readable
    (tmp_path / "records.parquet.parts" / f"part-{len(parts):05d}.parquet").write_bytes(b"never journaled")
    monkeypatch.setattr(extractor.batch, "run_batch", real)
    manifest = run([str(texts)], out, jobs=1, batch_size=1, resume=True, log=quiet)
    assert pq.read_table(out).to_pylist() == pq.read_table(reference).to_pylist()
    assert 0 < manifest.counts["documents"]["this_run"] < 12  # the parts' documents were not redone


def test_jobs_2_in_order_equals_jobs_1(tmp_path, texts):
    one = tmp_path / "one.jsonl"
    two = tmp_path / "two.jsonl"
    free = tmp_path / "free.jsonl"
    run([str(texts)], one, jobs=1, batch_size=2, log=quiet)
    run([str(texts)], two, jobs=2, batch_size=2, log=quiet)
    assert two.read_bytes() == one.read_bytes()
    manifest = run([str(texts)], free, jobs=2, batch_size=2, ordered=False, log=quiet)
    assert sorted(map(key, lines(free))) == sorted(map(key, lines(one)))
    assert manifest.options["jobs"] == 2 and manifest.options["ordered"] is False


def test_jobs_2_with_spawned_workers(tmp_path, texts, monkeypatch):
    """Where fork is not safe (macOS, Windows, a threaded parent) each worker builds its pipeline."""
    import extractor.batch

    monkeypatch.setattr(extractor.batch, "start_method", lambda: "spawn")
    run([str(texts)], tmp_path / "one.jsonl", jobs=1, batch_size=3, log=quiet)
    run([str(texts)], tmp_path / "two.jsonl", jobs=2, batch_size=3, log=quiet)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def test_pipe_n_process_2_equals_n_process_1():
    pipe = Pipeline()
    items = [(s, f"d{i}") if i % 2 else s for i, s in enumerate(SENTENCES * 2)]
    one = [[r.to_dict() for r in recs] for recs in pipe.pipe(items, batch_size=3)]
    two = [[r.to_dict() for r in recs] for recs in pipe.pipe(iter(items), batch_size=3, n_process=2)]
    assert two == one and len(two) == len(items)


def test_pipe_workers_rebuild_the_same_pipeline_when_spawned(monkeypatch):
    """Spawned workers build the pipeline from its options (here without entities and targets)."""
    import extractor.batch

    monkeypatch.setattr(extractor.batch, "start_method", lambda: "spawn")
    pipe = Pipeline(entities=False, targets=False, timeout=5.0)
    assert pipe.options().build().options() == pipe.options()
    one = [[r.to_dict() for r in recs] for recs in pipe.pipe(SENTENCES, batch_size=2)]
    two = [[r.to_dict() for r in recs] for recs in pipe.pipe(SENTENCES, batch_size=2, n_process=2)]
    assert two == one and not any(r["type"] in ("entity", "target") for recs in two for r in recs)


def test_pipe_does_not_leave_its_pipeline_to_batch_runs():
    """A caller's pipeline (here with a stage that drops every figure) goes to the workers it
    forks, and nowhere else: a later batch run builds its own."""
    import extractor.batch
    from extractor.batch import Options, cached_pipeline, start_method

    pipe = Pipeline()
    pipe.nlp.add_pipe("zh_test_drop_all", last=True)
    out = list(pipe.pipe(SENTENCES, batch_size=2, n_process=2))
    if start_method() == "fork":  # spawned workers build the pipeline from its options instead
        assert out == [[] for _ in SENTENCES]
    assert extractor.batch.HANDED == {}
    assert cached_pipeline(Options()) is not pipe and cached_pipeline(Options())("增长5%")


def test_extract_partition_for_spark(texts):
    files = sorted(texts.rglob("*.txt"))
    rows = [{"id": p.name, "text": p.read_text(encoding="utf-8"), "src": "x"} for p in files]
    got = list(extract_partition(rows, meta=["src"], segmenter="jieba"))
    pipe = Pipeline()
    expected = [r.to_dict() | {"meta": {"src": "x"}} for row in rows for r in pipe(row["text"], row["id"])]
    assert got == expected


def test_dask_local_cluster_equals_the_local_run(tmp_path, texts):
    pytest.importorskip("dask.bag")
    from dask.distributed import LocalCluster

    from extractor.dask_engine import run_dask

    local = tmp_path / "local.jsonl"
    run([str(texts)], local, jobs=1, log=quiet)
    folder = tmp_path / "parts"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        manifest = run_dask([str(texts)], str(folder), scheduler=cluster.scheduler_address, log=quiet)
    records = [r for part in sorted(folder.glob("part-*.jsonl")) for r in lines(part)]
    assert sorted(map(key, records)) == sorted(map(key, lines(local)))
    assert manifest.engine == "dask" and manifest.counts["documents"]["ok"] == 12
    assert json.loads((folder / "run.json").read_text(encoding="utf-8"))["exit_code"] == 0


def test_cli_output_dash_streams_jsonl_and_writes_no_files(tmp_path, texts, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["extract", str(texts / "a"), "-o", "-", "-j", "1"])
    assert result.exit_code == 0
    assert {json.loads(line)["doc_id"] for line in result.stdout.splitlines()} == {
        f"doc{i:02d}" for i in range(1, 12, 2)}
    assert list(tmp_path.iterdir()) == []


def test_documents_are_counted_for_the_eta(tmp_path):
    """Text files count one each; tables one per non-blank JSON line or CSV row, compressed or not
    (a quoted newline stays inside its row); an unreadable table leaves the count unknown."""
    from extractor.reader import count_items

    (tmp_path / "a.txt").write_text("增长5%", encoding="utf-8")
    lines = "".join(json.dumps({"id": i, "text": "新增100家"}) + "\n" + "\n" * (i == 1) for i in range(3))
    (tmp_path / "b.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(tmp_path / "c.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(lines)
    with gzip.open(tmp_path / "d.csv.gz", "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerows([["id", "text"], ["1", "第一行\n第二行"], ["2", "增长5%"]])
    assert count_items([str(tmp_path)], "*") == 1 + 3 + 3 + 2
    (tmp_path / "e.jsonl.gz").write_bytes(b"not gzip")
    assert count_items([str(tmp_path)], "*") is None
