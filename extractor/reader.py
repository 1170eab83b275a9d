"""Inputs to documents: files, folders (recursive, `--glob`), `-` for stdin, and tables of texts
(`.jsonl`, `.jsonl.gz`, `.csv`, `.csv.gz`: one document per line or row, with id and metadata fields).

Bytes are decoded as UTF-8 (a BOM is dropped); text in GB18030/GBK/Big5 is detected and decoded
with a note; binary and empty files become `InputError`s that name the file, and the batch goes on.
Tables are read a line at a time, so a 1 GB file never sits in memory; a bad line or row is a
failure naming `file:line`, and the rest of the file is still read.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import InputError

FALLBACK_ENCODINGS = ("gb18030", "big5")


TABLE_SUFFIXES = (".jsonl", ".ndjson", ".csv")
csv.field_size_limit(2**31 - 1)  # an article is a long field; the default limit is 128 KiB


@dataclass(frozen=True)
class Fields:
    """Which fields of a table row hold the text, the id and the metadata to carry along."""

    text: str = "text"
    id: str = "id"
    meta: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    path: str
    encoding: str = "utf-8"
    line: int | None = None
    meta: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Failure:
    """An input that could not be read as a document; it becomes an error record."""

    doc_id: str
    error: InputError
    meta: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def where(self) -> str:
        file, line = self.error.file, self.error.line
        return f"{file}:{line}" if file and line else file or self.doc_id


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and the encoding it was read with; raises InputError for binary or empty input."""
    if not data.strip():
        raise InputError("empty file, nothing to extract", file=name)
    if b"\x00" in data[:4096]:
        raise InputError("binary file (NUL bytes), not text", file=name)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise InputError(
        f"not UTF-8 text (byte {utf8_error.start}: {data[utf8_error.start:utf8_error.start + 1]!r}) "
        f"and not {'/'.join(FALLBACK_ENCODINGS)} either; convert it to UTF-8",
        file=name,
    )


def _looks_like_text(text: str) -> bool:
    """Most characters are CJK, ASCII or punctuation, not control or private-use characters."""
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad <= len(text) // 100


def iter_paths(inputs: list[str], glob: str = "*.txt") -> Iterator[tuple[Path | None, str] | InputError]:
    """(path, doc_id) for every input file, `(None, "-")` for stdin, InputError for a bad input.

    A document's id is its path relative to the folder given (without .txt), or its file name.
    """
    for item in inputs:
        if item == "-":
            yield None, "-"
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob(glob) if p.is_file())
            if not files:
                yield InputError(f"no {glob} files in this folder", file=str(path))
            for file in files:
                yield file, file.relative_to(path).as_posix()
        elif path.is_file():
            yield path, path.name
        else:
            yield InputError("no such file or folder", file=str(path))


def is_table(path: Path) -> bool:
    """A file of many documents (one per line or row), by its suffix; `.gz` is read compressed."""
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(TABLE_SUFFIXES)


def read_items(
    inputs: list[str],
    glob: str = "*.txt",
    fields: Fields = Fields(),
    skip: Callable[[int], bool] | None = None,
) -> Iterator[tuple[int, Document | Failure]]:
    """(position, document or failure) for every document of the inputs, in a stable order.

    The position counts every document and failure from 0; a resumed run passes `skip` to leave
    out the positions already written (a skipped text file is not even read).
    """
    seq = 0
    for item in iter_paths(inputs, glob):
        if isinstance(item, InputError):
            if not (skip and skip(seq)):
                yield seq, Failure(item.file or "-", item)
            seq += 1
            continue
        path, name = item
        if path is not None and is_table(path):
            for got in read_table(path, name, fields, skip, seq):
                seq += 1
                if got is not None:
                    yield seq - 1, got
            continue
        if not (skip and skip(seq)):
            yield seq, read_text_file(path, name)
        seq += 1


def read_text_file(path: Path | None, name: str) -> Document | Failure:
    """One text file (or stdin when `path` is None) as one document."""
    shown = "<stdin>" if path is None else str(path)
    doc_id = name.removesuffix(".txt")
    try:
        data = sys.stdin.buffer.read() if path is None else path.read_bytes()
        text, encoding = decode(data, shown)
    except InputError as exc:
        return Failure(doc_id, exc)
    except OSError as exc:
        return Failure(doc_id, InputError(f"cannot read: {exc.strerror or exc}", file=shown))
    return Document(doc_id=doc_id, text=text, path=shown, encoding=encoding)


def read_table(
    path: Path, name: str, fields: Fields, skip: Callable[[int], bool] | None = None, first: int = 0
) -> Iterator[Document | Failure | None]:
    """One item per line (JSONL) or row (CSV); None for an item `skip` leaves out (its position
    is still counted). A file that cannot be read at all is one failure."""
    reader = _csv_rows if _is_csv(path) else _jsonl_rows
    seq = first
    try:
        for line, row in reader(path, fields):
            if skip and skip(seq):
                yield None
            elif isinstance(row, InputError):
                yield Failure(f"{name}:{line}", row)
            else:
                yield row_document(row, line, path, name, fields)
            seq += 1
    except _MissingColumn as exc:
        yield Failure(name, InputError(str(exc), file=str(path), line=1))
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        yield Failure(name, InputError(f"cannot read (from item {seq - first + 1} on): {_reason(exc)}",
                                       file=str(path)))


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _is_csv(path: Path) -> bool:
    return path.name.lower().removesuffix(".gz").endswith(".csv")


def _csv_text(raw: IO[bytes]) -> io.TextIOWrapper:
    """CSV text as the csv module wants it: a BOM dropped, newlines inside quoted fields kept."""
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _jsonl_rows(path: Path, fields: Fields) -> Iterator[tuple[int, dict | InputError]]:
    """(line number, JSON object or the error of a bad line), blank lines left out."""
    with _open_binary(path) as handle:
        for n, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            except UnicodeDecodeError as exc:
                yield n, InputError(f"not UTF-8 (byte {exc.start} of the line)", file=str(path), line=n)
                continue
            except json.JSONDecodeError as exc:
                why = f"not a JSON line: {exc.msg} (column {exc.colno})"
                yield n, InputError(why, file=str(path), line=n)
                continue
            if not isinstance(row, dict):
                yield n, InputError(f"a JSON {type(row).__name__}, not an object", file=str(path), line=n)
                continue
            yield n, row


def _csv_rows(path: Path, fields: Fields) -> Iterator[tuple[int, dict | InputError]]:
    """(first line of the row, row as a dict); a header without the text column is an error."""
    with _open_binary(path) as raw:
        reader = csv.DictReader(_csv_text(raw))
        header = reader.fieldnames or []
        if fields.text not in header:
            raise _MissingColumn(fields.text, header)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, InputError(f"not a CSV row: {exc}", file=str(path), line=start)
                continue
            yield start, row


class _MissingColumn(OSError):
    def __init__(self, column: str, header: list[str]) -> None:
        shown = ", ".join(header[:12]) or "none"
        super().__init__(f"no column {column!r} (columns: {shown}); choose one with --text-field")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start} of a line)"
    if isinstance(exc, EOFError | gzip.BadGzipFile):
        return f"damaged or cut-off gzip data ({exc})"
    return str(getattr(exc, "strerror", None) or exc)


def row_document(row: dict, line: int, path: Path, name: str, fields: Fields) -> Document | Failure:
    meta = {key: row.get(key) for key in fields.meta} if fields.meta else None
    raw_id = row.get(fields.id)
    doc_id = str(raw_id) if raw_id not in (None, "") else f"{name}:{line}"
    text = row.get(fields.text)
    problem = None
    if fields.text not in row:
        shown = ", ".join(list(row)[:12])
        problem = f"no field {fields.text!r} (fields: {shown}); choose one with --text-field"
    elif not isinstance(text, str):
        problem = f"field {fields.text!r} is {type(text).__name__}, not text"
    elif not text.strip():
        problem = f"field {fields.text!r} is empty, nothing to extract"
    if problem:
        return Failure(doc_id, InputError(problem, file=str(path), line=line), meta)
    return Document(doc_id=doc_id, text=text, path=str(path), line=line, meta=meta)


def read_documents(inputs: list[str], glob: str = "*.txt") -> Iterator[Document | InputError]:
    """Documents in order; unreadable ones come through as InputError values, not exceptions."""
    for _, item in read_items(inputs, glob):
        yield item.error if isinstance(item, Failure) else item


def count_items(inputs: Iterable[str], glob: str = "*.txt") -> int | None:
    """How many documents the inputs hold (text files one each, tables one per non-blank JSON line
    or CSV row, .gz read through), or None when a table cannot be read. Only the progress bar's ETA
    uses it: a pass over the inputs costs a second or two a gigabyte, and extraction an hour."""
    total = 0
    for item in iter_paths(list(inputs), glob):
        if isinstance(item, InputError) or item[0] is None or not is_table(item[0]):
            total += 1
            continue
        rows = _count_rows(item[0])
        if rows is None:
            return None
        total += rows
    return total


def _count_rows(path: Path) -> int | None:
    try:
        with _open_binary(path) as raw:
            if _is_csv(path):
                return max(sum(1 for _ in csv.reader(_csv_text(raw))) - 1, 0)  # quoted newlines stay in a row
            return sum(1 for line in raw if line.strip())
    except (OSError, EOFError, UnicodeDecodeError, csv.Error):
        return None
