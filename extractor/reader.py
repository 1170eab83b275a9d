"""Inputs to (doc_id, text) pairs: a file, a folder of .txt files, or `-` for stdin.

Bytes are decoded as UTF-8 (a BOM is dropped); text in GB18030/GBK/Big5 is detected and decoded
with a note; binary and empty files become `InputError`s that name the file, and the batch goes on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

FALLBACK_ENCODINGS = ("gb18030", "big5")


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    path: str
    encoding: str = "utf-8"


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


def read_documents(inputs: list[str], glob: str = "*.txt") -> Iterator[Document | InputError]:
    """Documents in order; unreadable ones come through as InputError values, not exceptions."""
    for item in iter_paths(inputs, glob):
        if isinstance(item, InputError):
            yield item
            continue
        path, doc_id = item
        name = "<stdin>" if path is None else str(path)
        try:
            data = sys.stdin.buffer.read() if path is None else path.read_bytes()
            text, encoding = decode(data, name)
        except InputError as exc:
            yield exc
            continue
        except OSError as exc:
            yield InputError(f"cannot read: {exc.strerror or exc}", file=name)
            continue
        yield Document(doc_id=doc_id.removesuffix(".txt"), text=text, path=name, encoding=encoding)
