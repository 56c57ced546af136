"""Plain text and Markdown: decoding and paragraph blocks with line numbers."""

from __future__ import annotations

import codecs
import re

from ..errors import ExtractionError
from ..model import BlockKind, Document
from .common import (
    Draft,
    finish_blocks,
    is_clause_number_start,
    is_heading_line,
    is_keyword_only_heading,
    is_list_item,
    is_short_title,
    normalise_text,
    promote_titles,
)

__all__ = ["decode_text", "document_from_text", "read_text"]

_CP1252_WARNING = "text encoding was guessed as cp1252 (Windows Western); check special characters"
_MD_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_END = tuple(".:;!?")


def _looks_utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit in alternating positions (ASCII as UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Decode file bytes: UTF-8 (BOM stripped), UTF-16 (BOM or NUL pattern), else cp1252.

    Returns the text and any warnings; raises ExtractionError for binary or empty content.
    """
    warnings: list[str] = []
    text: str
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # (UTF-32 LE also starts with FF FE; it is rare enough to treat as binary junk.)
        text = data.decode("utf-16", errors="replace")
    else:
        utf16 = _looks_utf16_without_bom(data)
        if utf16:
            text = data.decode(utf16, errors="replace")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # cp1252 leaves five bytes undefined; replace them rather than fail.
                text = data.decode("cp1252", errors="replace")
                warnings.append(_CP1252_WARNING)
    if "\x00" in text:
        raise ExtractionError(path, "not a text file (binary content)")
    controls = sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f\v") or c == "\x7f")
    if controls > 0.02 * len(text) + 1 or text.count("\ufffd") > 0.1 * len(text) + 2:
        raise ExtractionError(path, "not a text file (binary content)")
    if not text.strip():
        raise ExtractionError(path, "empty file")
    return text, tuple(warnings)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _blocks_for_text(text: str, markdown: bool) -> list[Draft]:
    """Paragraphs separated by blank lines; headings, list items and clauses start new blocks."""
    spans = _line_spans(text)
    drafts: list[Draft] = []
    # Each group is (first line index, last line index, kind).
    groups: list[list] = []
    prev_blank = True
    prev_line = ""
    i = 0
    n = len(spans)
    while i < n:
        s, e = spans[i]
        line = text[s:e]
        if not line.strip():
            prev_blank = True
            i += 1
            continue
        stripped = line.strip()
        if markdown and stripped.startswith("|"):
            if not _MD_TABLE_SEPARATOR.match(stripped):
                groups.append([i, i, BlockKind.TABLE_ROW])
            prev_blank, prev_line = False, line
            i += 1
            continue
        # A wrapped line that happens to be ALL CAPS is not a heading: only trust the
        # heuristic where a new paragraph could start.
        can_start = prev_blank or prev_line.rstrip().endswith(_SENTENCE_END) or (
            bool(groups) and groups[-1][2] in (BlockKind.HEADING, BlockKind.TABLE_ROW)
        )
        md_heading = markdown and stripped.startswith("#")
        if md_heading or (is_heading_line(line) and (can_start or is_clause_number_start(line))):
            last = i
            if (
                is_keyword_only_heading(line)
                and i + 1 < n
                and is_short_title(text[spans[i + 1][0] : spans[i + 1][1]])
            ):
                last = i + 1  # "ARTICLE 5" + "TERM AND TERMINATION" is one heading
            groups.append([i, last, BlockKind.HEADING])
            prev_blank, prev_line = False, text[spans[last][0] : spans[last][1]]
            i = last + 1
            continue
        list_item = is_list_item(line, markdown=markdown)
        new_block = (
            prev_blank
            or not groups
            or groups[-1][2] in (BlockKind.HEADING, BlockKind.TABLE_ROW)
            or list_item
            or (is_clause_number_start(line) and can_start)
        )
        if new_block:
            groups.append([i, i, BlockKind.LIST_ITEM if list_item else BlockKind.PARAGRAPH])
        else:
            groups[-1][1] = i
        prev_blank, prev_line = False, line
        i += 1
    for first, last, kind in groups:
        s = spans[first][0]
        e = spans[last][1]
        chunk = text[s:e]
        start = s + (len(chunk) - len(chunk.lstrip()))
        end = e - (len(chunk) - len(chunk.rstrip()))
        drafts.append(Draft(text=text[start:end], kind=kind, line=first + 1, start=start, end=end))
    promote_titles(drafts)
    return drafts


def document_from_text(
    text: str,
    *,
    path: str | None = None,
    fmt: str = "txt",
    sha256: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Document:
    """Build a Document from already decoded text; the text is only normalised."""
    norm = normalise_text(text)
    drafts = _blocks_for_text(norm, markdown=(fmt == "md"))
    return Document(
        text=norm,
        blocks=finish_blocks(drafts),
        format=fmt,
        path=path,
        sha256=sha256,
        pages=None,
        warnings=warnings,
    )


def read_text(data: bytes, path: str, fmt: str, sha256: str) -> Document:
    """Decode and block a TXT/MD file's bytes."""
    text, warnings = decode_text(data, path)
    return document_from_text(text, path=path, fmt=fmt, sha256=sha256, warnings=warnings)
