"""PDF: running text with pypdfium2 (fast), tables with pdfplumber on pages that have rulings.

Lines come from pdfium's text page; their loose character boxes give the vertical
position used to split paragraphs, spot page headers/footers and skip text inside tables.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import unicodedata
import zlib
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import ExtractionError
from ..model import BlockKind, Document
from .common import (
    Draft,
    build_document,
    is_clause_number_start,
    is_heading_line,
    is_keyword_only_heading,
    is_list_item,
    is_short_title,
    promote_titles,
)
from .failures import damage, is_damage, pdf_errors
from .sourcemap import Span, Trace, join
from .sourcemap import source_map as build_map

__all__ = ["read_pdf"]

# Share of the page height at the top and bottom where running headers/footers live.
_EDGE_ZONE = 0.1
# Fewer non-blank characters than this per page on average means there is no text layer.
_MIN_CHARS_PER_PAGE = 20
_PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:page|pagina|blz\.?|p\.)\s*)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|van|von)\s*\d{1,4})?$|^[A-Z]{1,2}\s?-\s?\d{1,3}$",
    re.IGNORECASE,
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE_END = frozenset(".:;!?")
_LETTER_ITEM_RE = re.compile(r"^[A-Z]\.\s")


@dataclass
class _Line:
    """One line of page text; ``top``/``bottom``/``left``/``right`` in PDF points (y up)."""

    text: str
    top: float | None = None
    bottom: float | None = None
    left: float | None = None
    right: float | None = None
    kind: BlockKind = BlockKind.PARAGRAPH  # TABLE_ROW/HEADER/FOOTER for special lines
    drop: bool = False
    spans: tuple[Span, ...] = ()
    """Page and pdfium character indices behind :attr:`text` (source-map spans; plain tuples,
    not a :class:`Trace`, because a page has many lines and each object costs the GC)."""

    def traced(self, into: Trace | None = None, sep: str = "") -> Trace:
        """A trace of ``sep`` + this line appended to ``into`` (or a new one)."""
        trace = Trace() if into is None else into
        trace.add(sep)
        trace.add_spans(self.text, self.spans)
        return trace


@dataclass
class _Page:
    number: int
    height: float
    lines: list[_Line]
    chars: int
    table_candidate: bool
    objects: int = 0
    geometry: bool = False
    """pdfium's text index is its character index on this page (char boxes can be used)."""
    raw: str = ""
    """The page text as pdfium numbers its characters (read for pages with a table)."""
    centres: array = field(default_factory=lambda: array("f"))
    """x, y of the middle of each character's box, pdfium space (with :attr:`raw`)."""


def _clean(text: str) -> str:
    # pdfium marks end-of-line hyphens it considers soft as U+FFFE; they are real hyphens
    # in contracts ("non-exclusive"), so keep them as "-".
    text = text.replace("\ufffe", "-").replace("\r", " ")
    return _CONTROL_RE.sub("", text)


def _clean_spans(text: str, page: int, first: int) -> tuple[str, tuple[Span, ...]]:
    """:func:`_clean` of ``text`` (pdfium chars from index ``first`` on) and its source-map spans."""
    text = text.replace("\ufffe", "-").replace("\r", " ")
    if not _CONTROL_RE.search(text):
        return text, ((0, len(text), page, first, first + len(text)),)
    trace = Trace()
    pos = 0
    for match in _CONTROL_RE.finditer(text):
        trace.add(text[pos:match.start()], page, first + pos)
        pos = match.end()
    trace.add(text[pos:], page, first + pos)
    return trace.text, tuple(trace.spans)


def _table_candidate(page: Any, pdfium_c: Any, lines: list[_Line]) -> bool:
    """Cheap check for ruled tables: rulings (several horizontal and vertical rules, many
    cell boxes, or one grid path) whose area holds some of the page's text.

    pdfplumber is slow, so it only runs where this says yes: a page of decorative grids
    or rules around nothing is not worth it. Uses the raw pdfium API: the object wrappers
    of ``page.get_objects()`` cost about a third of the whole extraction time.
    """
    import ctypes

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    bounds = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    counts = [0, 0, 0]  # horizontal rules, vertical rules, boxes
    grid = [False]
    area = [float("inf"), float("inf"), float("-inf"), float("-inf")]  # x0, y0, x1, y1 of the rulings
    path_type = pdfium_c.FPDF_PAGEOBJ_PATH
    form_type = pdfium_c.FPDF_PAGEOBJ_FORM

    def visit(count: int, get: Any, depth: int) -> None:
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == form_type and depth < 3:
                # Bind this form object now: visit() calls the lambda before the loop moves on,
                # but binding says so plainly.
                visit(pdfium_c.FPDFFormObj_CountObjects(obj),
                      lambda j, form=obj: pdfium_c.FPDFFormObj_GetObject(form, j), depth + 1)
                continue
            if kind != path_type or not pdfium_c.FPDFPageObj_GetBounds(obj, *bounds):
                continue
            width, height = right.value - left.value, top.value - bottom.value
            if height < 3 and width >= 10:
                counts[0] += 1
            elif width < 3 and height >= 10:
                counts[1] += 1
            elif width >= 10 and height >= 5:
                counts[2] += 1
                # A whole grid drawn as one path: one box with many segments.
                if pdfium_c.FPDFPath_CountSegments(obj) >= 14:
                    grid[0] = True
            else:
                continue
            area[0], area[1] = min(area[0], left.value), min(area[1], bottom.value)
            area[2], area[3] = max(area[2], right.value), max(area[3], top.value)

    raw_page = page.raw
    visit(pdfium_c.FPDFPage_CountObjects(raw_page), lambda i: pdfium_c.FPDFPage_GetObject(raw_page, i), 0)
    if not (grid[0] or (counts[0] >= 3 and counts[1] >= 3) or counts[2] >= 6):
        return False
    placed = [ln for ln in lines if ln.top is not None and ln.left is not None]
    if not placed:
        return True  # no character boxes to check against: let pdfplumber look
    x0, y0, x1, y1 = area
    for line in placed:
        cx = (line.left + line.right) / 2  # type: ignore[operator]
        cy = (line.top + line.bottom) / 2  # type: ignore[operator]
        if x0 - 2 <= cx <= x1 + 2 and y0 - 2 <= cy <= y1 + 2:
            return True
    return False


def _read_page(pdf: Any, index: int, pdfium_c: Any) -> _Page:
    page = pdf[index]
    try:
        height = page.get_height()
        objects = pdfium_c.FPDFPage_CountObjects(page.raw)
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_range()
            # Char boxes need text index == char index, which holds for nearly all PDFs;
            # otherwise fall back to text-only heuristics for this page.
            geometry = len(raw) == textpage.count_chars()
            lines: list[_Line] = []
            chars = 0
            pos = 0
            for piece in raw.split("\n"):
                start = pos
                pos += len(piece) + 1
                stripped = piece.strip()
                if not stripped:
                    continue
                chars += len(stripped)
                first = start + (len(piece) - len(piece.lstrip()))
                if geometry:
                    cleaned, spans = _clean_spans(stripped, index + 1, first)
                    line = _Line(cleaned, spans=spans)
                else:
                    line = _Line(_clean(stripped))
                if not line.text.strip():
                    continue
                if geometry:
                    last = start + len(piece.rstrip()) - 1
                    l1, b1, _r1, t1 = textpage.get_charbox(first, loose=True)
                    _l2, b2, r2, t2 = textpage.get_charbox(last, loose=True)
                    line.top, line.bottom = max(t1, t2), min(b1, b2)
                    line.left, line.right = l1, r2
                lines.append(line)
            # Pages crowded with objects cost pdfplumber seconds each: their text is kept as running text.
            candidate = (bool(lines) and objects <= limits.MAX_TABLE_PAGE_OBJECTS
                         and _table_candidate(page, pdfium_c, lines))
        finally:
            textpage.close()
    finally:
        page.close()
    return _Page(number=index + 1, height=height, lines=lines, chars=chars, table_candidate=candidate,
                 objects=max(objects, 0), geometry=geometry)


def _load_centres(page: _Page, pdf: Any) -> None:
    """Read a table page's characters and their box middles (see :func:`_char_centres`)."""
    if not page.geometry or page.centres:
        return
    pdf_page = pdf[page.number - 1]
    try:
        textpage = pdf_page.get_textpage()
        try:
            raw = textpage.get_text_range()
            if len(raw) == textpage.count_chars():
                page.raw, page.centres = raw, _char_centres(textpage, raw)
        finally:
            textpage.close()
    finally:
        pdf_page.close()


def _char_centres(textpage: Any, raw: str) -> array:
    """Middle of every character's loose box (x, y pairs; NaN for blanks): table cells are
    matched to pdfium characters by position, as pdfplumber assigns characters to cells."""
    out = array("f")
    nan = float("nan")
    for i, ch in enumerate(raw):
        if ch.isspace():
            out.extend((nan, nan))
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        out.extend(((left + right) / 2, (bottom + top) / 2))
    return out


def _edge(line: _Line, page: _Page, position: int) -> str | None:
    """'top'/'bottom' when the line may be a running header/footer, else None.

    The zone near the page edge counts, and so do the first/last two lines in text order:
    SEC filings often print the page number right under a short page's last paragraph.
    """
    if line.top is not None and page.height > 0:
        if line.top >= page.height * (1 - _EDGE_ZONE):
            return "top"
        if line.bottom is not None and line.bottom <= page.height * _EDGE_ZONE:
            return "bottom"
    if position < 2:
        return "top"
    if position >= len(page.lines) - 2:
        return "bottom"
    return None


def _mark_headers_footers(pages: list[_Page]) -> None:
    """Drop bare page numbers and repeated edge lines; keep one copy as HEADER/FOOTER."""
    keyed: dict[str, set[int]] = {}
    edges: list[tuple[_Page, _Line, str]] = []
    for page in pages:
        for pos, line in enumerate(page.lines):
            if line.kind is not BlockKind.PARAGRAPH:
                continue  # table rows
            edge = _edge(line, page, pos)
            if edge is None:
                continue
            text = line.text.strip()
            if _PAGE_NUMBER_RE.match(text):
                line.drop = True
                continue
            if len(text) > 120:
                continue
            key = re.sub(r"\d+", "#", text.lower())
            keyed.setdefault(key, set()).add(page.number)
            edges.append((page, line, key))
    if len(pages) < 2:
        return
    need = max(2, (len(pages) + 1) // 2)
    seen: set[str] = set()
    for _page, line, key in edges:
        if len(keyed[key]) < need:
            continue
        if key in seen:
            line.drop = True
        else:
            seen.add(key)
            line.kind = BlockKind.HEADER if _edge_is_top(line, _page) else BlockKind.FOOTER


def _edge_is_top(line: _Line, page: _Page) -> bool:
    if line.top is not None:
        return line.top >= page.height / 2
    return page.lines.index(line) < len(page.lines) / 2


def _insert_tables(pdf_bytes: bytes, password: str | None, pages: list[_Page]) -> list[str]:
    """Replace text lines inside ruled tables with TABLE_ROW lines (cells joined by " | ")."""
    wanted = [p for p in pages if p.table_candidate]
    if not wanted:
        return []
    warnings: list[str] = []
    if len(wanted) > limits.MAX_TABLE_PAGES:
        warnings.append(f"tables were looked for on the first {limits.MAX_TABLE_PAGES} of {len(wanted)} pages with "
                        "ruled tables; the others are read as running text")
        wanted = wanted[:limits.MAX_TABLE_PAGES]
    import pdfplumber  # heavy: only for PDFs that seem to have tables

    # pdfminer logs every damaged font or stream on stderr; the user gets one line from us.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    import pypdfium2 as pdfium

    chars_pdf: Any = None  # pdfium, opened again for the pages that have tables (source map)
    try:
        with pdfplumber.open(io.BytesIO(pdf_bytes), password=password or "") as plumber:
            for page in wanted:
                try:
                    tables = plumber.pages[page.number - 1].find_tables()
                    found = []
                    for table in tables:
                        rows = table.extract()
                        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
                            continue  # a framed paragraph or a rule, not a table
                        found.append((table.bbox, rows, [row.cells for row in table.rows]))
                except pdf_errors() as exc:
                    if not is_damage(exc, pdf_errors()):
                        raise  # our bug, not the file's
                    warnings.append(f"page {page.number}: table detection failed ({damage(exc)})")
                    continue
                if found and page.geometry:
                    try:
                        chars_pdf = chars_pdf or pdfium.PdfDocument(pdf_bytes, password=password)
                        _load_centres(page, chars_pdf)
                    except pdfium.PdfiumError:
                        pass  # the rows are still read; they only get no source map
                for bbox, rows, cells in found:
                    _place_table(page, bbox, rows, cells)
    except RecursionError:  # pdfminer walks the page tree recursively
        warnings.append("table detection skipped (the page tree is nested too deeply)")
    except pdf_errors() as exc:  # the running text is already read; tables are a bonus
        if not is_damage(exc, pdf_errors()):
            raise
        warnings.append(f"table detection skipped ({damage(exc)})")
    finally:
        if chars_pdf is not None:
            chars_pdf.close()
    return warnings


def _cell_trace(page: _Page, text: str, box: Any) -> Trace:
    """A cell's text (from pdfplumber) with the pdfium characters behind it.

    The characters whose box middles lie in the cell, as pdfplumber picks them, are matched
    to the text in pdfium's order, then (cells read line by line across a row) in reading
    order; a cell that matches neither way is left without a map.
    """
    plain = Trace()
    plain.add(text)
    if box is None or not page.centres or not text:
        return plain
    x0, top, x1, bottom = box
    xs, ys = page.centres[0::2], page.centres[1::2]
    inside = [i for i in range(len(xs))
              if x0 <= xs[i] < x1 and top <= page.height - ys[i] < bottom]
    for order in (inside, sorted(inside, key=lambda i: (-round(ys[i]), xs[i]))):
        trace = _align(text, order, page.raw, page.number)
        if trace is not None:
            return trace
    return plain


def _char_forms(ch: str) -> tuple[str, ...]:
    """How pdfplumber may spell one pdfium character: as it is, soft hyphens as "-",
    ligatures as their letters; control characters not at all."""
    if ch in "\ufffe\x02\u00ad":
        return ("-", ch)
    if unicodedata.category(ch) == "Cc":
        return ()
    wide = unicodedata.normalize("NFKC", ch)
    return (ch, wide) if wide != ch else (ch,)


def _align(text: str, order: list[int], raw: str, page: int) -> Trace | None:
    """Map each non-blank character of ``text`` to the next pdfium character of ``order``
    that spells it (skipping at most two that do not); None when one cannot be matched."""
    trace = Trace()
    j = k = 0
    while k < len(text):
        if text[k].isspace():
            trace.add(text[k])
            k += 1
            continue
        matched = False
        for look in range(j, min(j + 3, len(order))):
            for form in _char_forms(raw[order[look]]):
                if text.startswith(form, k):
                    trace.add(text[k:k + len(form)], page, order[look], order[look] + 1)
                    k += len(form)
                    j = look + 1
                    matched = True
                    break
            if matched:
                break
        if not matched:
            return None
    return trace


def _place_table(page: _Page, bbox: tuple[float, float, float, float], rows: list[list[Any]],
                 cells: list[list[Any]] | None = None) -> None:
    x0, top, x1, bottom = bbox
    # pdfplumber measures y from the page top; pdfium from the bottom.
    y_top, y_bottom = page.height - top, page.height - bottom
    inside: list[int] = []
    for i, line in enumerate(page.lines):
        if line.top is None or line.bottom is None or line.left is None or line.right is None:
            continue
        cy = (line.top + line.bottom) / 2
        cx = (line.left + line.right) / 2
        if y_bottom - 2 <= cy <= y_top + 2 and x0 - 2 <= cx <= x1 + 2:
            inside.append(i)
    row_lines: list[_Line] = []
    for r, row in enumerate(rows):
        texts = [" ".join(str(c).split()) if c is not None else "" for c in row]
        if not any(texts):
            continue
        boxes = cells[r] if cells is not None and r < len(cells) else []
        traces = [_cell_trace(page, t, boxes[c] if c < len(boxes) else None) for c, t in enumerate(texts)]
        trace = join(traces, " | ")
        row_lines.append(_Line(trace.text, kind=BlockKind.TABLE_ROW, spans=tuple(trace.spans)))
    if inside:
        at = inside[0]
        for i in reversed(inside):
            del page.lines[i]
    else:
        # No line boxes to match: put the rows after the last line above the table and
        # keep the running text (it then appears twice; rare, only without char boxes).
        at = len(page.lines)
        for i, line in enumerate(page.lines):
            if line.top is not None and line.top < y_top:
                at = i
                break
    page.lines[at:at] = row_lines


def _ends_sentence(text: str) -> bool:
    t = text.rstrip()
    if not t:
        return False
    if t[-1] in _SENTENCE_END:
        return True
    return len(t) > 1 and t[-1] in "\"”’)" and t[-2] in _SENTENCE_END


def _maybe_heading(text: str) -> bool:
    # Cheap filter first: most lines are long body lines.
    if len(text) > 90:
        return False
    c = text[0]
    return (c.isupper() or c.isdigit() or c == "#") and is_heading_line(text)


def _page_drafts(page: _Page) -> list[Draft]:
    """Group a page's lines into paragraph/heading/table-row blocks."""
    lines = [ln for ln in page.lines if not ln.drop]
    geo = [ln for ln in lines if ln.top is not None and ln.kind is BlockKind.PARAGRAPH]
    pitch = 0.0
    left_margin = right_margin = 0.0
    if len(geo) >= 3:
        pitches = [a.top - b.top for a, b in zip(geo, geo[1:], strict=False) if a.top > b.top]  # type: ignore[operator]
        pitch = statistics.median(pitches) if pitches else 0.0
        left_margin = min(ln.left for ln in geo)  # type: ignore[type-var,assignment]
        right_margin = max(ln.right for ln in geo)  # type: ignore[type-var,assignment]
    full_at = right_margin - 0.15 * (right_margin - left_margin)

    def is_full(line: _Line) -> bool | None:
        if line.right is None or right_margin <= left_margin:
            return None
        return line.right >= full_at

    drafts: list[Draft] = []
    prev: _Line | None = None
    prev_kind: BlockKind | None = None
    skip_next = False
    for idx, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        text = line.text
        if line.kind is not BlockKind.PARAGRAPH:
            drafts.append(Draft(text=text, kind=line.kind, page=page.number, trace=line.traced()))
            prev, prev_kind = line, line.kind
            continue
        big_gap = False
        if prev is not None and prev.top is not None and line.top is not None and pitch > 0:
            step = prev.top - line.top
            # Above the previous line (out-of-order text) or extra space: a new paragraph.
            big_gap = step < -0.5 * pitch or step > 1.45 * pitch
        ends = prev is not None and _ends_sentence(prev.text)
        prev_full = is_full(prev) if prev is not None else None
        can_start = prev is None or prev_kind is not BlockKind.PARAGRAPH or ends or big_gap or prev_full is False
        if _maybe_heading(text) and (can_start or is_clause_number_start(text)):
            nxt = lines[idx + 1] if idx + 1 < len(lines) else None
            if (
                nxt is not None
                and nxt.kind is BlockKind.PARAGRAPH
                and is_keyword_only_heading(text)
                and is_short_title(nxt.text)
            ):
                text = text + "\n" + nxt.text  # "ARTICLE 5" + "TERM" is one heading
                trace = nxt.traced(line.traced(), "\n")
                skip_next = True
                line = nxt
            else:
                trace = line.traced()
            drafts.append(Draft(text=text, kind=BlockKind.HEADING, page=page.number, trace=trace))
            prev, prev_kind = line, BlockKind.HEADING
            continue
        list_item = is_list_item(text)
        if prev is None or prev_kind is not BlockKind.PARAGRAPH or big_gap:
            new = True
        elif (list_item or is_clause_number_start(text) or _LETTER_ITEM_RE.match(text)) and (
            ends or prev_full is False
        ):
            new = True
        elif not ends and text[0].islower():
            new = False  # a sentence running on to the next line
        elif prev_full is None:
            new = ends
        else:
            new = not prev_full
        if new:
            kind = BlockKind.LIST_ITEM if list_item else BlockKind.PARAGRAPH
            drafts.append(Draft(text=text, kind=kind, page=page.number, trace=line.traced()))
        else:
            drafts[-1].text += "\n" + text
            last = drafts[-1].trace
            if last is not None:
                line.traced(last, "\n")
        prev, prev_kind = line, BlockKind.PARAGRAPH
    return drafts


# "stream" at the start of a stream's data (not the one in "endstream").
_STREAM_RE = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_FLATE_FIRST_RE = re.compile(rb"/Filter\s*(?:\[\s*)?/(?:FlateDecode|Fl)\b")
_IMAGE_RE = re.compile(rb"/Subtype\s*/Image\b")
_INFLATE_IN = 1 << 16
_INFLATE_OUT = 1 << 20


def _check_streams(data: bytes, path: str, *, stream_cap: int = limits.MAX_STREAM_BYTES,
                   total_cap: int = limits.MAX_DECODED_BYTES) -> None:
    """Refuse a PDF whose compressed streams expand beyond the caps, before pdfium inflates them.

    pdfium inflates a page's whole content stream in memory: a 1 MB stream of zeros
    became gigabytes. Each Flate stream other than an image is inflated here in small
    pieces that are counted and dropped. Streams that do not inflate cleanly (encrypted,
    other filters, damaged) are left to pdfium.
    """
    view = memoryview(data)
    total = 0
    pos = 0
    while True:
        match = _STREAM_RE.search(data, pos)
        if match is None:
            return
        start = match.end()
        pos = start
        header = data[max(0, match.start() - 2048):match.start()]
        header = header[header.rfind(b"obj") + 1:]  # this object's dictionary only
        if not _FLATE_FIRST_RE.search(header) or _IMAGE_RE.search(header):
            continue
        size, end = _inflated_size(view, start, stream_cap + 1)
        if size > stream_cap:
            raise ExtractionError(path, f"refusing to open: a compressed stream expands to more than "
                                        f"{stream_cap // 1_000_000} MB")
        total += size
        if total > total_cap:
            raise ExtractionError(path, f"refusing to open: compressed content expands to more than "
                                        f"{total_cap // 1_000_000} MB")
        pos = max(pos, end)


def _inflated_size(view: memoryview, start: int, cap: int) -> tuple[int, int]:
    """Bytes the zlib stream at ``start`` inflates to (counting stops past ``cap``), and where it ends."""
    inflater = zlib.decompressobj()
    size = 0
    at = start
    try:
        while at < len(view) and not inflater.eof:
            piece: bytes | memoryview = view[at:at + _INFLATE_IN]
            at += len(piece)
            while piece:
                size += len(inflater.decompress(piece, _INFLATE_OUT))
                if size >= cap:
                    return size, at
                piece = inflater.unconsumed_tail
    except zlib.error:
        return size, start  # not a clean zlib stream: pdfium decides
    return size, at - len(inflater.unused_data)


def _open(pdfium: Any, pdfium_c: Any, data: bytes, path: str, password: str | None) -> Any:
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            if password is None:
                raise ExtractionError(path, "PDF is encrypted; pass --password") from exc
            raise ExtractionError(path, "wrong password for encrypted PDF") from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise ExtractionError(path, "PDF uses an unsupported security handler") from exc
        raise ExtractionError(path, f"damaged PDF: {damage(exc)}") from exc


def _ocr_advice(path: str | Path) -> str:
    """Say that OCR is needed, and how to run it when ocrmypdf is installed."""
    import shlex
    import shutil

    source = Path(path)
    if shutil.which("ocrmypdf"):
        target = source.with_name(f"{source.stem}.ocr.pdf")
        return (f"PDF has no text layer (scanned?); OCR it first: ocrmypdf {shlex.quote(str(source))} "
                f"{shlex.quote(str(target))}")
    return "PDF has no text layer (scanned?); it needs OCR first (for example with ocrmypdf, which is not installed)"


def read_pdf(
    data: bytes,
    path: str,
    *,
    sha256: str,
    password: str | None = None,
    max_pages: int | None = None,
    max_chars: int | None = limits.MAX_CHARS,
    max_objects: int = limits.MAX_PAGE_OBJECTS,
    source_map: bool = True,
) -> Document:
    """Extract a PDF's text into blocks (one page per block at most).

    Stops with ExtractionError as soon as the pages read so far hold more than
    ``max_chars`` characters or ``max_objects`` page objects: 2,000 pages that share one
    dense content stream are cheap to store and costly to read. With ``source_map`` the
    document says which pdfium characters each stretch of text came from.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    _check_streams(data, path)
    pdf = _open(pdfium, pdfium_c, data, path, password)
    try:
        count = len(pdf)
        if count == 0:
            raise ExtractionError(path, "damaged PDF: no pages")
        if max_pages is not None and count > max_pages:
            raise ExtractionError(path, f"PDF has {count} pages, more than the --max-pages limit of {max_pages}")
        pages: list[_Page] = []
        chars = objects = 0
        for i in range(count):
            try:
                page = _read_page(pdf, i, pdfium_c)
            except pdfium.PdfiumError as exc:
                raise ExtractionError(path, f"damaged PDF: page {i + 1} cannot be read ({damage(exc)})") from exc
            pages.append(page)
            chars += page.chars
            objects += page.objects
            if max_chars is not None and chars > max_chars:
                raise ExtractionError(path, f"text of the first {i + 1} of {count} pages has {chars:,} characters, "
                                            f"more than the --max-chars limit of {max_chars:,}")
            if objects > max_objects:
                raise ExtractionError(path, f"refusing to read: the first {i + 1} of {count} pages hold more than "
                                            f"{max_objects:,} text and drawing objects")
    finally:
        pdf.close()

    warnings: list[str] = []
    total = sum(p.chars for p in pages)
    if total < _MIN_CHARS_PER_PAGE * count:
        raise ExtractionError(path, _ocr_advice(path))
    empty = [p.number for p in pages if p.chars < 5]
    if empty:
        shown = ", ".join(str(n) for n in empty[:10]) + (" …" if len(empty) > 10 else "")
        warnings.append(f"{len(empty)} of {count} pages have no text layer (scanned?): {shown}")

    warnings.extend(_insert_tables(data, password, pages))
    _mark_headers_footers(pages)
    drafts: list[Draft] = []
    for page in pages:
        drafts.extend(_page_drafts(page))
    promote_titles(drafts)
    for d in drafts:
        if d.trace is not None:
            d.trace.freeze()
    document = build_document(drafts, fmt="pdf", path=path, sha256=sha256, pages=count, warnings=tuple(warnings))
    if not source_map:
        return document
    return replace(document, source_map=build_map("pdf", drafts))
