"""The project's own exceptions: every failure a user can cause is one of these."""

from __future__ import annotations

import re
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def toml_error_line(exc: Exception) -> int | None:
    """The line a TOML error is on (Python 3.11's tomllib only says it in the message)."""
    line = getattr(exc, "lineno", None)
    if line is None:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
    return line


def shown(path: str | Path) -> str:
    """A path fit for a one-line message: control characters (a newline in a file name) escaped."""
    text = str(path)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class AgreementscanError(Exception):
    """Base class; ``str(error)`` is a one-line message fit for a user."""


class ExtractionError(AgreementscanError):
    """A file could not be read as an agreement."""

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{shown(self.path)}: {message}" if self.path else message)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled across processes (batch workers, time-limited child processes).
        return (type(self), (self.path, self.message))


class LexiconError(AgreementscanError):
    """A lexicon file is invalid; names the file, the entry and the problem."""

    def __init__(self, path: str | Path, entry: str | None, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.entry = entry
        self.message = message
        self.line = line
        where = shown(self.path) if line is None else f"{shown(self.path)}:{line}"
        super().__init__(f"{where}: {entry}: {message}" if entry else f"{where}: {message}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.path, self.entry, self.message, self.line))


class UsageError(AgreementscanError):
    """A bad option value or combination passed to the library API."""
