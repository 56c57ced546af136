"""The project's own exceptions: every failure a user can cause is one of these."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Characters that must never reach a terminal, a table or a spreadsheet as themselves:
# C0, DEL, C1, line and paragraph separators, bidi marks, embeddings, overrides and
# isolates (U+202E makes "contract\u202etxt.exe" display as "contractexe.txt"), and
# surrogates (the undecodable bytes of a file name that is not UTF-8).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Other format characters (zero-width space, word joiner, soft hyphen...) are caught by category.
_FORMAT = re.compile(r"[^\x00-\x7f]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # os.fsdecode's surrogateescape: the original byte
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def toml_error_line(exc: Exception) -> int | None:
    """The line a TOML error is on (Python 3.11's tomllib only says it in the message)."""
    line = getattr(exc, "lineno", None)
    if line is None:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
    return line


def shown(path: str | Path | bytes) -> str:
    """A path (or message) fit for one line on a terminal, in a table or a report.

    Names are data, never control: control, bidi and other format characters are shown
    as ``\\xNN``/``\\uNNNN`` escapes, and so are the bytes of a name that is not valid
    UTF-8 (surrogate escapes), so the result always encodes as UTF-8.
    """
    text = str(path) if not isinstance(path, bytes) else path.decode("utf-8", "surrogateescape")
    if text.isascii() and text.isprintable():
        return text
    text = _UNSAFE.sub(lambda m: _escape_char(m.group()), text)
    return _FORMAT.sub(lambda m: _escape_char(m.group()) if unicodedata.category(m.group()) == "Cf" else m.group(),
                       text)


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


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_safe(text: str) -> str:
    r"""JSON text (made with ``ensure_ascii=False``) with the undecodable bytes of non-UTF-8
    file names written as the six characters ``\\xNN``: decoded, the name reads ``\xNN``,
    like everywhere else it is shown, and the text always encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: "\\" + _escape_char(m.group()), text)


def surrogates_shown(text: str) -> str:
    r"""``text`` with the undecodable bytes of non-UTF-8 file names shown as ``\xNN``, so a
    report that names such a file always encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: _escape_char(m.group()), text)
