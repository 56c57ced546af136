"""Extraction stage: read a PDF, DOCX, TXT or MD file into a :class:`~agreementscan.model.Document`.

Every failure a user can cause raises :class:`~agreementscan.errors.ExtractionError` with a
one-line message. PDF and Word libraries are imported only when such a file is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .. import limits
from ..errors import ExtractionError
from ..model import Document
from .common import normalise_text, sha256_bytes
from .detect import detect_format
from .failures import damage, docx_errors, is_damage, pdf_errors
from .text import document_from_text as _document_from_text

__all__ = ["detect_format", "document_from_text", "extract", "normalise_text"]


def document_from_text(
    text: str, *, path: str | None = None, fmt: str = "txt", sha256: str | None = None
) -> Document:
    """Build a Document from text already in memory (``fmt`` is ``'txt'`` or ``'md'``).

    ``sha256`` defaults to the hash of the UTF-8 encoded text.
    """
    if sha256 is None:
        sha256 = sha256_bytes(text.encode("utf-8", errors="surrogatepass"))
    return _document_from_text(text, path=path, fmt=fmt, sha256=sha256)


def _read_bytes(path: str | Path, max_bytes: int | None) -> bytes:
    """The whole file, after checks that give one-line messages for user mistakes."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise ExtractionError(path, "file not found") from exc
    except PermissionError as exc:
        raise ExtractionError(path, "permission denied") from exc
    except (OSError, ValueError) as exc:
        raise ExtractionError(path, f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise ExtractionError(path, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ExtractionError(path, "not a regular file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise ExtractionError(path, f"file is larger than the {max_bytes / 1_000_000:g} MB limit")
    try:
        with open(path, "rb") as fh:  # read-only: the input is never modified
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except PermissionError as exc:
        raise ExtractionError(path, "permission denied") from exc
    except IsADirectoryError as exc:
        raise ExtractionError(path, "is a directory, not a file") from exc
    except OSError as exc:
        raise ExtractionError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if max_bytes is not None and len(data) > max_bytes:  # grew since stat
        raise ExtractionError(path, f"file is larger than the {max_bytes / 1_000_000:g} MB limit")
    return data


def extract(
    path: str | Path,
    *,
    password: str | None = None,
    max_pages: int | None = None,
    max_bytes: int | None = limits.MAX_BYTES,
    max_chars: int | None = limits.MAX_CHARS,
    source_map: bool = True,
) -> Document:
    """Read one agreement file into a Document.

    The format comes from the content (see :func:`detect_format`). ``password`` opens
    encrypted PDFs; ``max_pages`` refuses longer PDFs; ``max_bytes`` refuses bigger files;
    ``max_chars`` stops reading a PDF or .docx as soon as its text grows past it.
    PDF and DOCX documents come with a :class:`~agreementscan.model.SourceMap` for the
    annotators unless ``source_map`` is false (it adds about a tenth to a pickled result).
    """
    name = str(path)
    data = _read_bytes(path, max_bytes)
    fmt = detect_format(path, data=data)
    if not data:
        raise ExtractionError(name, "empty file")
    digest = sha256_bytes(data)
    try:
        if fmt == "pdf":
            from .pdf import read_pdf

            return read_pdf(data, name, sha256=digest, password=password, max_pages=max_pages, max_chars=max_chars,
                            source_map=source_map)
        if fmt == "docx":
            from .docx import read_docx

            return read_docx(data, name, sha256=digest, source_map=source_map)
        from .text import read_text

        return read_text(data, name, fmt, digest)
    except ExtractionError:
        raise
    except MemoryError as exc:
        raise ExtractionError(name, "not enough memory to read this file") from exc
    except RecursionError as exc:
        raise ExtractionError(name, f"damaged {fmt.upper()} file: structure nested too deeply") from exc
    except _library_errors(fmt) as exc:
        # Only the libraries' failures are the file's fault; the same exception types
        # raised by our own code are bugs and go on to the internal-error handler.
        if not is_damage(exc, _library_errors(fmt)):
            raise
        what = "PDF" if fmt == "pdf" else ".docx"
        raise ExtractionError(name, f"damaged {what}: {damage(exc)}") from exc


def _library_errors(fmt: str) -> tuple[type[BaseException], ...]:
    """What the PDF or Word libraries raise on a damaged file (nothing for plain text)."""
    if fmt == "pdf":
        return pdf_errors()
    if fmt == "docx":
        return docx_errors()
    return ()
