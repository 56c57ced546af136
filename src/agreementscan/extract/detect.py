"""Detect a file's format from its content (magic bytes), using the extension only for text."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from ..errors import ExtractionError

__all__ = ["HEAD_BYTES", "detect_format", "read_zip_names"]

HEAD_BYTES = 2048
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
# PDF readers accept junk before the header within the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_TAIL_BYTES = 2048
_OBJ_RE = re.compile(rb"\d+\s+\d+\s+obj\b")
# Bytes that do not occur in text: C0 controls other than tab, newlines and form feed.
_BINARY_RE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def read_zip_names(path: str | Path, data: bytes | None = None) -> tuple[list[str], bytes | None]:
    """Member names of a zip and the content of its ``mimetype`` member (ODF marker).

    Raises ExtractionError for a damaged archive.
    """
    suffix = Path(path).suffix.lower()
    what = ".docx" if suffix in (".docx", ".docm", ".dotx", "") else "zip archive"
    try:
        source = io.BytesIO(data) if data is not None else path
        with zipfile.ZipFile(source) as zf:
            names = zf.namelist()
            mimetype = None
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                mimetype = zf.read("mimetype")
            return names, mimetype
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise ExtractionError(path, f"damaged {what}: {_short(exc)}") from exc
    except OSError as exc:
        raise ExtractionError(path, f"damaged {what}: {exc.strerror or _short(exc)}") from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def detect_format(path: str | Path, head: bytes | None = None, *, data: bytes | None = None) -> str:
    """Return ``'pdf'``, ``'docx'``, ``'txt'`` or ``'md'`` for the file at ``path``.

    The content decides (``%PDF``, a zip holding ``word/document.xml``); the extension only
    chooses between ``md`` and ``txt`` and sharpens error messages. Unsupported formats
    (legacy .doc, RTF, ODT, other zips) raise ExtractionError. ``data`` (the whole file,
    when the caller already read it) avoids reopening the file.
    """
    if head is None:
        if data is not None:
            head = data[:HEAD_BYTES]
        else:
            try:
                with open(path, "rb") as fh:
                    head = fh.read(HEAD_BYTES)
            except FileNotFoundError as exc:
                raise ExtractionError(path, "file not found") from exc
            except IsADirectoryError as exc:
                raise ExtractionError(path, "is a directory, not a file") from exc
            except PermissionError as exc:
                raise ExtractionError(path, "permission denied") from exc
            except OSError as exc:
                raise ExtractionError(path, f"cannot read file: {exc.strerror or exc}") from exc
    suffix = Path(path).suffix.lower()

    if head.startswith(b"%PDF-") or _pdf_after_junk(path, head, data):
        return "pdf"
    if head.startswith(_ZIP_MAGICS):
        names, mimetype = read_zip_names(path, data)
        if mimetype is not None and mimetype.startswith(b"application/vnd.oasis.opendocument"):
            if b"opendocument.text" in mimetype:
                raise ExtractionError(path, "OpenDocument .odt is not supported; save it as .docx or .pdf")
            raise ExtractionError(path, "OpenDocument files are not supported; save it as .docx or .pdf")
        if "word/document.xml" in names:
            return "docx"  # also .docm: only the XML text is read, macros are never run
        raise ExtractionError(path, "zip archive without word/document.xml; not a Word .docx file")
    if head.startswith(_OLE2):
        raise ExtractionError(path, "legacy Word .doc is not supported; save it as .docx or .pdf")
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        raise ExtractionError(path, "RTF is not supported; save it as .docx or .pdf")
    # The extension says PDF/DOCX but the content is something else: say so plainly
    # instead of decoding a broken file as text.
    if suffix == ".pdf":
        if not head:
            raise ExtractionError(path, "damaged PDF: empty file (0 bytes)")
        raise ExtractionError(path, "damaged PDF: no %PDF header found")
    if suffix in (".docx", ".docm"):
        if not head:
            raise ExtractionError(path, "damaged .docx: empty file (0 bytes)")
        raise ExtractionError(path, "damaged .docx: not a zip archive")
    return "md" if suffix in _MARKDOWN_SUFFIXES else "txt"


def _pdf_after_junk(path: str | Path, head: bytes, data: bytes | None) -> bool:
    """A PDF header after binary junk, in a file built like a PDF.

    Some PDF writers (and mail gateways) put junk before the header and readers accept
    it within 1 KB; but a text contract that merely mentions "%PDF-" is text.
    """
    at = head.find(b"%PDF-", 0, _PDF_HEADER_WINDOW)
    if at <= 0:
        return False
    junk = head[:at]
    try:
        junk.decode("utf-8")
        binary = bool(_BINARY_RE.search(junk))
    except UnicodeDecodeError:
        binary = True
    if not binary:
        return False
    if _OBJ_RE.search(head, at):
        return True
    return b"%%EOF" in _tail(path, data) or b"startxref" in _tail(path, data)


def _tail(path: str | Path, data: bytes | None) -> bytes:
    if data is not None:
        return data[-_TAIL_BYTES:]
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - _TAIL_BYTES))
            return fh.read(_TAIL_BYTES)
    except OSError:
        return b""
