"""The record contract: every record validates against the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from extractor.pipeline import record_rows, records_from_doc
from extractor.records import Record, record_json_schema
from extractor.writers import jsonl_bytes

from .conftest import CORPUS
from .test_spec import _cases

SCHEMA_FILE = Path(__file__).parent.parent / "docs" / "record.schema.json"


def test_records_validate_against_the_schema(pipe):
    schema = record_json_schema()
    for path in CORPUS.glob("*.txt"):
        for rec in pipe(path.read_text(encoding="utf-8"), path.stem):
            jsonschema.validate(json.loads(json.dumps(rec.to_dict())), schema)


def test_batch_rows_are_the_records_as_dicts(pipe):
    """The batch runner writes `record_rows` without building models: the same dicts, keys in the
    same order, and each one valid for its model and the schema."""
    schema = record_json_schema()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    texts.append("力争2024年新增高新技术企业1000家以上,郑州市人民政府将加快建设郑州南站。")
    texts += [param.values[0]["text"] for param in _cases()]  # every spec sentence: ranks, ranges, traps
    seen = set()
    for text in texts:
        doc = pipe.doc(text)
        rows = record_rows(doc, "d1")
        dicts = [r.to_dict() for r in records_from_doc(doc, "d1")]
        assert [list(r) for r in rows] == [list(d) for d in dicts]
        assert rows == dicts
        for row in rows:
            jsonschema.validate(json.loads(jsonl_bytes([row])), schema)
            seen.add(row["type"])
    assert seen == {"quantity", "target", "entity"}


def test_published_schema_is_current():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == record_json_schema(), (
        "docs/record.schema.json is stale: run `zh-extract schema > docs/record.schema.json`"
    )


def test_contract_field_names():
    required = {"doc_id", "type", "text", "start", "end", "sentence", "number", "value", "value_max",
                "unit", "unit_text", "dimension", "comparator", "change", "rule",
                "kind", "indicator", "period", "subject"}
    assert required <= set(Record.model_fields)
