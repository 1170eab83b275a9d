"""PySpark: the documented `mapPartitions` over `extract_partition` (docs/batch.md) on a local
Spark, equal to the local run. Skips, saying why, without pyspark (the `spark` extra) or Java."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys

import pytest

from extractor.batch import extract_partition

ROWS = [
    {"id": "a", "text": "力争新增高新技术企业1000家以上。", "date": "2024-03-05", "source": "x"},
    {"id": "b", "text": "1-8月货邮吞吐量49.5万吨，增长32.8%。", "date": "2024-09-18", "source": "y"},
    {"id": "c", "text": "", "date": "2024", "source": "z"},  # an empty row is an error record
    {"id": "d", "text": "郑州市人民政府发布《郑州市都市圈发展规划》。", "date": "2024", "source": "x"},
]


def _key(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is the optional `spark` extra")
    if shutil.which("java") is None:
        pytest.skip("PySpark needs Java on PATH")
    from pyspark.sql import SparkSession

    # executors must run the Python that has zh-extractor installed (docs/batch.md says so too)
    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON")}
    os.environ.update(dict.fromkeys(saved, sys.executable))
    session = (SparkSession.builder.master("local[2]").appName("zh-extractor-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        yield session
    finally:
        session.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_map_partitions_equals_the_local_run(spark, tmp_path):
    news = tmp_path / "news.jsonl.gz"
    with gzip.open(news, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in ROWS)
    docs = spark.read.json(str(news))  # as in docs/batch.md
    options = {"meta": ["date", "source"], "date": "2024"}
    records = docs.rdd.repartition(2).mapPartitions(lambda rows: extract_partition(rows, **options))
    got = records.map(lambda r: json.dumps(r, ensure_ascii=False)).collect()
    local = list(extract_partition(iter(ROWS), **options))
    assert sorted(_key(json.loads(line)) for line in got) == sorted(map(_key, local))
    assert {r["type"] for r in local} >= {"quantity", "entity", "error"}
    assert all(r["meta"]["source"] for r in local)
