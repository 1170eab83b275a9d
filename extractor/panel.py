"""The target panel: one row per target quantity, the table economists build by hand from work
reports (subject, period, indicator, value, unit …), as CSV or Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import ExtractorError, InputError

COLUMNS = ["subject", "period", "period_norm", "indicator", "value", "value_max", "unit",
           "comparator", "change", "doc_id", "start", "end", "text", "sentence"]


def read_records(path: str) -> Iterator[dict]:
    """Records from a JSONL file; a bad line is an error naming its line."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    with handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not a JSON record: {exc.msg}", file=path, line=n) from None


def panel_rows(records: Iterable[dict]) -> Iterator[dict]:
    for r in records:
        if r.get("type") == "quantity" and r.get("kind") == "target":
            yield {c: r.get(c) for c in COLUMNS}


def write_panel(rows: Iterable[dict], output: str) -> int:
    rows = list(rows)
    if output.endswith(".parquet"):
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ExtractorError("Parquet needs pyarrow: pip install 'zh-extractor[parquet]'") from None
        table = pa.Table.from_pylist(rows, schema=_schema(pa)) if rows else _schema(pa).empty_table()
        pq.write_table(table, output)
        return len(rows)
    with open(output, "w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel reads it as UTF-8
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _schema(pa):
    types = {"value": pa.float64(), "value_max": pa.float64(), "change": pa.bool_(),
             "start": pa.int64(), "end": pa.int64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])


def panel_file(records_path: str, output: str) -> int:
    if not Path(records_path).is_file():
        raise InputError("no such file", file=records_path)
    return write_panel(panel_rows(read_records(records_path)), output)
