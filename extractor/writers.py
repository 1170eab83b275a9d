"""Record sinks for batch runs: JSONL, CSV and Parquet, each committed a batch at a time.

`commit(rows)` makes a batch durable and returns the sink's new position (a byte offset, or the
number of Parquet part files written); the batch runner writes that position to its journal only
after the data is on disk, so a run killed at any moment leaves committed data plus at most one
torn batch, which `open_sink(..., resume_at=position)` cuts off.

Tables (CSV, Parquet) have one row per record and the same columns for every run: the fields of
every record type in a fixed order (`COLUMNS`), nested values (rules, meta) as JSON strings.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pydantic_core import to_json

from .errors import ExtractorError
from .records import RECORD_TYPES

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_ROWS_PER_PART = 50_000  # a resumed Parquet run redoes at most this many rows


def _columns() -> dict[str, str]:
    """Every record type's fields, first seen first, with the table type of each."""
    out: dict[str, str] = {}
    for model in RECORD_TYPES:
        for name, info in model.model_fields.items():
            out.setdefault(name, _kind(info.annotation))
    out["meta"] = out.pop("meta")  # the input's own fields last, after every record field
    return out


def _kind(annotation: Any) -> str:
    args = set(typing.get_args(annotation)) - {type(None)} if _is_union(annotation) else {annotation}
    if args == {bool}:
        return "bool"
    if args == {int}:
        return "int"
    if args and args <= {int, float}:
        return "float"
    if any(typing.get_origin(a) in (list, dict) for a in args):
        return "json"
    return "string"


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


COLUMN_TYPES = _columns()
COLUMNS = list(COLUMN_TYPES)


def format_for(output: str, fmt: str | None = None) -> str:
    """The format named by `--format`, else by the output's extension (JSONL by default)."""
    if fmt:
        if fmt not in FORMATS:
            raise ExtractorError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    name = output.lower().rstrip("/")
    for suffix in ("csv", "parquet"):
        if name.endswith("." + suffix):
            return suffix
    return "jsonl"


def jsonl_bytes(rows: Iterable[dict]) -> bytes:
    """One compact JSON object per line (pydantic-core's encoder: ~3x the standard library's)."""
    return b"".join(to_json(r) + b"\n" for r in rows)


def table_row(record: dict) -> dict:
    """A record as a table row: every column present, lists and dicts as JSON text."""
    row = {}
    for column, kind in COLUMN_TYPES.items():
        value = record.get(column)
        if kind == "json" and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        elif kind == "float" and value is not None:
            value = float(value)
        row[column] = value
    return row


class JsonlSink:
    """One JSON object per line, appended a batch per write."""

    def __init__(self, path: str, resume_at: int | None = None) -> None:
        self.path = path
        self.stdout = path == "-"
        if self.stdout:
            self.handle: IO[bytes] = sys.stdout.buffer
            return
        self.handle = _open_append(path, resume_at)

    def encode(self, rows: Iterable[dict]) -> bytes:
        return jsonl_bytes(rows)

    def commit(self, rows: list[dict]) -> int:
        return self.commit_bytes(self.encode(rows))

    def commit_bytes(self, data: bytes) -> int:
        """A batch already encoded (worker processes encode their own JSONL)."""
        if self.stdout:
            self.handle.write(data)
            self.handle.flush()
            return 0
        return _durable_write(self.handle, data)

    def flush(self) -> int:
        """The committed position (every batch is committed as it is written)."""
        return 0 if self.stdout else self.handle.tell()

    def close(self) -> int:
        position = self.flush()
        if not self.stdout:
            self.handle.close()
        return position


class CsvSink(JsonlSink):
    """CSV with a header and a BOM (spreadsheets then read the Chinese as UTF-8)."""

    def __init__(self, path: str, resume_at: int | None = None) -> None:
        if path == "-":
            raise ExtractorError("CSV goes to a file (-o records.csv); stdout carries JSONL")
        super().__init__(path, resume_at)
        if self.handle.tell() == 0:
            header = io.StringIO()
            csv.writer(header).writerow(COLUMNS)
            _durable_write(self.handle, ("\ufeff" + header.getvalue()).encode("utf-8"))

    def encode(self, rows: Iterable[dict]) -> bytes:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writerows(table_row(r) for r in rows)
        return buffer.getvalue().encode("utf-8")


class ParquetSink:
    """Parquet part files (one per `rows_per_part` rows, each written to a temporary name and
    renamed, so a part is whole or absent) in `OUTPUT.parts/`, merged into OUTPUT on close."""

    def __init__(self, path: str, resume_at: int | None = None, rows_per_part: int | None = None) -> None:
        if path == "-":
            raise ExtractorError("Parquet goes to a file (-o records.parquet); stdout carries JSONL")
        self.pa, self.pq = _pyarrow()
        self.path = path
        self.parts = Path(path + ".parts")
        self.rows_per_part = rows_per_part or PARQUET_ROWS_PER_PART
        self.buffer: list[dict] = []
        self.count = resume_at or 0
        if resume_at is None and self.parts.exists():
            shutil.rmtree(self.parts)
        self.parts.mkdir(parents=True, exist_ok=True)
        for part in self.parts.glob("part-*.parquet"):  # written after the last journal entry
            if int(part.stem.split("-")[1]) >= self.count:
                part.unlink()

    def commit(self, rows: list[dict]) -> int | None:
        """Buffer the rows; the position moves (and the journal may record them) only when a
        part file is written."""
        self.buffer += (table_row(r) for r in rows)
        if len(self.buffer) < self.rows_per_part:
            return None
        return self.flush()

    def flush(self) -> int:
        if self.buffer:
            write_parquet(self.buffer, self.parts / f"part-{self.count:05d}.parquet")
            self.buffer = []
            self.count += 1
        return self.count

    def close(self) -> int:
        """Merge the parts, in order, into OUTPUT (one row group each) and drop the parts folder."""
        self.flush()
        tmp = Path(self.path + ".tmp")
        with self.pq.ParquetWriter(tmp, parquet_schema(self.pa)) as writer:
            for i in range(self.count):
                writer.write_table(self.pq.read_table(self.parts / f"part-{i:05d}.parquet"))
        os.replace(tmp, self.path)
        shutil.rmtree(self.parts)
        return self.count


def parquet_schema(pa):
    types_ = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64()}
    return pa.schema([(c, types_.get(k, pa.string())) for c, k in COLUMN_TYPES.items()])


def write_parquet(rows: list[dict], path: Path) -> None:
    """A whole Parquet file or none: written beside, then renamed."""
    pa, pq = _pyarrow()
    table = pa.Table.from_pylist(rows, schema=parquet_schema(pa))
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def open_sink(path: str, fmt: str, resume_at: int | None = None):
    """The sink for `fmt`; `resume_at` is the position the journal last recorded (None: start anew)."""
    if fmt == "csv":
        return CsvSink(path, resume_at)
    if fmt == "parquet":
        return ParquetSink(path, resume_at)
    return JsonlSink(path, resume_at)


def _open_append(path: str, resume_at: int | None) -> IO[bytes]:
    """The file opened for appending, emptied for a new run or cut back to the last committed
    batch for a resumed one (what lies past it is a batch the journal never recorded)."""
    try:
        handle = open(path, "r+b" if resume_at is not None and os.path.exists(path) else "wb")  # noqa: SIM115
    except OSError as exc:
        raise ExtractorError(f"cannot write: {exc.strerror or exc}", file=path) from None
    if resume_at is not None:
        size = handle.seek(0, os.SEEK_END)
        if size < resume_at:
            handle.close()
            raise ExtractorError(
                f"shorter ({size} bytes) than its journal says ({resume_at}); cannot resume, "
                "rerun without --resume", file=path)
        handle.truncate(resume_at)
        handle.seek(resume_at)
    return handle


def _durable_write(handle: IO[bytes], data: bytes) -> int:
    """Write, flush and fsync; the new end of the file."""
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())
    return handle.tell()


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExtractorError("Parquet needs pyarrow: pip install 'zh-extractor[parquet]'") from None
    return pa, pq
