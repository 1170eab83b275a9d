"""The record contract: every record validates against the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from extractor.records import Record, record_json_schema

from .conftest import CORPUS

SCHEMA_FILE = Path(__file__).parent.parent / "docs" / "record.schema.json"


def test_records_validate_against_the_schema(pipe):
    schema = record_json_schema()
    for path in CORPUS.glob("*.txt"):
        for rec in pipe(path.read_text(encoding="utf-8"), path.stem):
            jsonschema.validate(json.loads(json.dumps(rec.to_dict())), schema)


def test_published_schema_is_current():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == record_json_schema(), (
        "docs/record.schema.json is stale: run `zh-extract schema > docs/record.schema.json`"
    )


def test_contract_field_names():
    required = {"doc_id", "type", "text", "start", "end", "sentence", "number", "value", "value_max",
                "unit", "unit_text", "dimension", "comparator", "change", "rule",
                "kind", "indicator", "period", "subject"}
    assert required <= set(Record.model_fields)
