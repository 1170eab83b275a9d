"""One picklable error family, so worker processes can hand failures back intact."""

from __future__ import annotations


class ExtractorError(Exception):
    """Base of every expected failure; `str()` is the one line a user sees."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message, file, line)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message

    def __reduce__(self):  # keep keyword arguments across pickling
        return (_rebuild, (type(self), self.message, self.file, self.line))


def _rebuild(cls, message, file, line):
    return cls(message, file=file, line=line)


class RuleError(ExtractorError):
    """A rule file that cannot be read, validated or compiled."""


class InputError(ExtractorError):
    """An input document that cannot be read or decoded."""
