"""Which exceptions mean "this file is damaged", and which mean "our code has a bug".

The PDF and Word libraries document their own exception classes, and those always mean
bad input. But they also say that "broken PDF files might cause other exceptions"
(pypdf's documentation): pdfminer, pypdf, python-docx and lxml raise plain ValueError,
TypeError, KeyError, IndexError, AttributeError or AssertionError on damaged files. Those
count as damage only when they were raised inside the library's own code; the same
exception from our code is a bug, and must reach the CLI's internal-error handler.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from types import TracebackType

__all__ = [
    "LOOSE_ERRORS",
    "damage",
    "docx_errors",
    "is_damage",
    "pdf_errors",
    "raised_in_library",
]

LIBRARIES = frozenset({"pypdf", "pdfminer", "pdfplumber", "pypdfium2", "pypdfium2_raw", "docx", "lxml", "zipfile"})
"""Top-level modules whose own failures on a file mean the file is damaged."""

LOOSE_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, IndexError, KeyError, AttributeError, AssertionError, NotImplementedError,
    OverflowError, ZeroDivisionError, EOFError, struct.error, zlib.error, UnicodeError,
)
"""Built-in exceptions the libraries raise on damaged input (only counted from their code)."""


def _pdf_documented() -> tuple[type[BaseException], ...]:
    from pdfminer.psexceptions import PSException  # base of pdfminer's PDFException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
    from pypdf.errors import PyPdfError
    from pypdfium2 import PdfiumError

    return (PdfiumError, PSException, PdfminerException, MalformedPDFException, PyPdfError)


def _docx_documented() -> tuple[type[BaseException], ...]:
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    return (zipfile.BadZipFile, zipfile.LargeZipFile, LxmlError, PythonDocxError, OpcError)


_cache: dict[str, tuple[type[BaseException], ...]] = {}


def pdf_errors() -> tuple[type[BaseException], ...]:
    """Exception classes to catch around PDF library calls (imports the libraries once)."""
    if "pdf" not in _cache:
        _cache["pdf"] = _pdf_documented() + LOOSE_ERRORS
    return _cache["pdf"]


def docx_errors() -> tuple[type[BaseException], ...]:
    """Exception classes to catch around python-docx, lxml and zipfile calls."""
    if "docx" not in _cache:
        _cache["docx"] = _docx_documented() + LOOSE_ERRORS
    return _cache["docx"]


def _innermost(tb: TracebackType | None) -> TracebackType | None:
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def raised_in_library(exc: BaseException, libraries: frozenset[str] = LIBRARIES) -> bool:
    """True when the innermost Python frame of ``exc``'s traceback is in one of ``libraries``.

    C code (zlib, struct, ctypes) has no frame, so an error it raises on behalf of a
    library shows the library's frame last.
    """
    tb = _innermost(exc.__traceback__)
    if tb is None:
        return False
    module = tb.tb_frame.f_globals.get("__name__") or ""
    return module.split(".", 1)[0] in libraries


def is_damage(exc: BaseException, documented: tuple[type[BaseException], ...]) -> bool:
    """True when ``exc`` says the file is damaged rather than that our code is wrong.

    ``documented`` are the libraries' own exception classes (and may include the loose
    built-in ones, which then still need to come from library code).
    """
    if isinstance(exc, LOOSE_ERRORS) and not _is_library_class(exc):
        return raised_in_library(exc)
    return isinstance(exc, documented)


def _is_library_class(exc: BaseException) -> bool:
    """pdfminer's PDFTypeError and friends subclass TypeError; they are documented errors."""
    module = type(exc).__module__ or ""
    return module.split(".", 1)[0] in LIBRARIES and module != "builtins"


_PDFIUM_REASON = re.compile(r"\(PDFium: ([^)]+)\)")


def damage(exc: BaseException, limit: int = 120) -> str:
    """A short one-line description of a library failure, fit for a user message.

    Library messages can span lines and speak in the library's terms; the common ones
    are put in our words, the rest cut to their first line.
    """
    if _caused_by(exc, RecursionError):
        return "its page tree or objects are nested too deeply"
    text = str(exc).strip()
    if re.search(r"/(?:MediaBox|CropBox|TrimBox|BleedBox|ArtBox)\b", text):
        return "a page has an invalid size (/MediaBox)"
    if re.search(r"\b(?:startxref|xref)\b", text, re.IGNORECASE):
        return "its cross-reference table is broken"
    match = _PDFIUM_REASON.search(text)
    if match:
        text = match.group(1)
    line = " ".join(text.split("\n", 1)[0].split())
    if not line:
        return _plain_name(exc)
    if isinstance(exc, KeyError):
        line = f"missing entry {line}"
    line = line[0].lower() + line[1:] if line[:2] != line[:2].upper() else line
    return line[:limit].rstrip(" .")


def _plain_name(exc: BaseException) -> str:
    """'PdfReadError' -> 'pdf read error': a class name in words."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(exc).__name__).lower()


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """True when ``exc`` is, or was raised while handling, an exception of ``kind``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
