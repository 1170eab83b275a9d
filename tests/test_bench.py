"""The benchmark's text generator and a tiny end-to-end run (the real sizes run by hand)."""

from __future__ import annotations

import json
import subprocess
import sys

from extractor.benchmark import generate, table, write_corpus


def test_generated_text_is_sized_varied_and_reproducible(tmp_path):
    docs = list(generate(0.2))
    size = sum(len(d.encode("utf-8")) for d in docs)
    assert 0.2 * 1024 * 1024 <= size < 0.2 * 1024 * 1024 + 20_000
    assert docs == list(generate(0.2)) and docs != list(generate(0.2, seed=14))
    assert len(set(docs)) == len(docs)
    stats = write_corpus(0.05, tmp_path / "c.jsonl.gz")
    assert stats["documents"] > 5 and stats["characters"] > 10_000


def test_a_tiny_run_reports_every_figure(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "cli", "bench", "--mb", "0.03", "--jobs", "2", "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    (row,) = results["sizes"]
    for key in ("pipeline_1", "pipeline_2"):
        assert row[key]["chars_per_s"] > 0 and row[key]["records"] > 0
        assert 50 < row[key]["peak_rss_per_worker_mb"] < 2000
    assert row["pipeline_1"]["records"] == row["pipeline_2"]["records"]
    assert row["jieba_lcut_chars_per_s"] > 0 and row["regex_scan_chars_per_s"] > row["jieba_lcut_chars_per_s"]
    assert 0 < row["pipeline_vs_jieba_lcut_paired"] < 10  # timed document by document in turn
    assert 0 < results["startup_s"] < 30 and results["rules_compile_s"] > 0
    shares = row["time_shares"]
    assert set(shares) == {"tokenizer", "zh_quantities", "zh_entities", "zh_periods", "zh_kinds",
                           "zh_indicators", "records"} and abs(sum(shares.values()) - 1) < 0.01
    assert "chars/s" in done.stdout and table(results) in done.stdout
