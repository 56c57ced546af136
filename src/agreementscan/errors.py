"""The project's own exceptions: every failure a user can cause is one of these."""

from __future__ import annotations

from pathlib import Path


class AgreementscanError(Exception):
    """Base class; ``str(error)`` is a one-line message fit for a user."""


class ExtractionError(AgreementscanError):
    """A file could not be read as an agreement."""

    def __init__(self, path: str | Path | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class LexiconError(AgreementscanError):
    """A lexicon file is invalid; names the file, the entry and the problem."""

    def __init__(self, path: str | Path, entry: str | None, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.entry = entry
        self.message = message
        self.line = line
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {entry}: {message}" if entry else f"{where}: {message}")


class UsageError(AgreementscanError):
    """A bad option value or combination passed to the library API."""
