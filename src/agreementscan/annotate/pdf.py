"""Annotated PDF copy: a highlight over every evidence span and one summary sticky note.

Where the highlights go comes from the source map the extractor returned with the
document (:class:`~agreementscan.model.SourceMap`): for each stretch of document text, the
page and the pdfium character indices it was read from (table cells included, which the
extractor matched to pdfium's characters by position). An evidence span's offsets thus
give its characters directly; their boxes are grouped into lines (one quad per line). The
annotations themselves are written with pypdf, which copies the rest of the file unchanged.
Character boxes are in PDF user space, as annotations are, so /Rotate and CropBox offsets
need no conversion.

Limits: evidence whose characters are not all mapped (a page pdfium numbers differently
from its text, a table cell whose characters could not be matched, text drawn as curves)
or that is not on the page it names is skipped, counted in the summary note and logged;
text set at an angle gets axis-aligned boxes, one per character; a span cited by two
elements gets two overlapping highlights (drawn darker).
"""

from __future__ import annotations

import bisect
import ctypes
import io
import logging
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ExtractionError
from ..extract.failures import damage, is_damage, pdf_errors
from ..model import ElementResult, Evidence, ScanResult, SourceMap
from .texts import AUTHOR, element_note, summary_note

__all__ = ["annotate_pdf", "PITFALL_COLOURS", "AUTHOR"]

log = logging.getLogger(__name__)


PITFALL_COLOURS: dict[int, str] = {
    1: "fff176",  # light yellow
    2: "a5d6a7",  # light green
    3: "90caf9",  # light blue
    4: "f8bbd0",  # light pink
    5: "ffcc80",  # light orange
}
"""Highlight colour (RGB hex) per pitfall; light so the text stays readable."""

_FALLBACK_COLOUR = "e0e0e0"
# Annotation flags (PDF 32000 table 165).
_PRINT, _NO_ZOOM, _NO_ROTATE = 4, 8, 16
# Quads of one line grow by this much (points) so highlights do not clip accents.
_PAD = 0.5


# --------------------------------------------------------------------------- locating


def _evidence_page(result: ScanResult, evidence: Evidence) -> int | None:
    if evidence.page is not None:
        return evidence.page
    for block in result.document.blocks:  # older results: derive the page from the block
        if block.start <= evidence.start < block.end:
            return block.page
    return None


class _Locator:
    """pdfium character indices of document-text spans, from the source map."""

    def __init__(self, result: ScanResult, source: SourceMap | None):
        self._text = result.document.text
        self._source = source
        self._starts = list(source.spans[0::5]) if source is not None else []

    def locate(self, evidence: Evidence, page: int) -> list[int] | None:
        """Sorted char indices of the evidence on ``page``; None unless every character of
        it (blanks and the " | " between table cells aside) maps to that page."""
        start, end = evidence.start, evidence.end
        if self._source is None or not 0 <= start < end <= len(self._text):
            return None
        if self._text[start:end] != evidence.text:
            return None  # not this document's text: its offsets mean nothing here
        spans = self._source.spans
        covered = bytearray(end - start)
        indices: set[int] = set()
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while i < len(self._starts) and self._starts[i] < end:
            a, b, w, s, e = spans[5 * i:5 * i + 5]
            i += 1
            if b <= start:
                continue
            if w != page:
                return None
            lo, hi = max(a, start), min(b, end)
            if b - a == e - s:
                # Blanks get no box: a space at a line end would stretch the line's quad.
                indices.update(s + k - a for k in range(lo, hi) if not self._text[k].isspace())
            else:
                indices.update(range(s, e))  # a composed character: all of its sources
            covered[lo - start:hi - start] = b"\x01" * (hi - lo)
        for k, flag in enumerate(covered):
            if not flag and not (evidence.text[k].isspace() or evidence.text[k] == "|"):
                return None
        return sorted(indices) or None


def _source_map(result: ScanResult, data: bytes, source: Path, password: str | None) -> SourceMap | None:
    from ..extract.pdf import read_pdf
    from .sourcemaps import own_source_map

    return own_source_map(result, data, "pdf", lambda digest: read_pdf(data, str(source), sha256=digest,
                                                                       password=password, max_chars=None))


# --------------------------------------------------------------------------- geometry


def _char_box(textpage: Any, pdfium_c: Any, index: int) -> tuple[float, float, float, float] | None:
    """Left, bottom, right, top of one char in PDF user space (y up), or None if it has none.

    The loose box spans the font's ascent/descent, so every char of a line gets the same
    height and the highlight is an even band; the tight box is the fallback.
    pdfium reports raw user space: /Rotate and CropBox/MediaBox offsets are not applied,
    which is exactly the space annotation /Rect and /QuadPoints use.
    """
    rect = pdfium_c.FS_RECTF()
    if pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, index, rect):
        box = (rect.left, rect.bottom, rect.right, rect.top)
        if box[2] > box[0] and box[3] > box[1]:
            return box
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    if pdfium_c.FPDFText_GetCharBox(textpage.raw, index, left, right, bottom, top):
        box = (left.value, bottom.value, right.value, top.value)
        if box[2] > box[0] and box[3] > box[1]:
            return box
    return None


def _line_boxes(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Merge char boxes (in reading order) into one box per text line.

    A char joins the current line when its vertical middle lies inside the line's band
    and it does not jump back to the left (a new line in a narrow column).
    """
    lines: list[list[float]] = []
    for left, bottom, right, top in boxes:
        middle = (bottom + top) / 2
        if lines:
            line = lines[-1]
            if line[1] <= middle <= line[3] and left >= line[0] - 1:
                line[0], line[1] = min(line[0], left), min(line[1], bottom)
                line[2], line[3] = max(line[2], right), max(line[3], top)
                continue
        lines.append([left, bottom, right, top])
    return [(a - _PAD, b - _PAD, c + _PAD, d + _PAD) for a, b, c, d in lines]


def _quad_points(lines: list[tuple[float, float, float, float]]) -> list[float]:
    # Order as Acrobat writes it (and viewers expect): top-left, top-right, bottom-left,
    # bottom-right; the spec's prose says counter-clockwise, but nobody follows it.
    points: list[float] = []
    for left, bottom, right, top in lines:
        points += [left, top, right, top, left, bottom, right, bottom]
    return points


def _union(lines: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in lines), min(b[1] for b in lines), max(b[2] for b in lines), max(b[3] for b in lines))


# --------------------------------------------------------------------------- writing


def _text(value: str) -> Any:
    """A PDF text string; non-ASCII text as UTF-16BE with BOM.

    pypdf would pick PDFDocEncoding for text like "—" or "é", which PDF viewers read but
    many tools (pdfminer/pdfplumber among them) decode wrongly; UTF-16 is read by all.
    Written as raw bytes because pypdf versions differ in how they choose the encoding.
    """
    import codecs

    from pypdf.generic import ByteStringObject, TextStringObject

    if value.isascii():
        return TextStringObject(value)
    return ByteStringObject(codecs.BOM_UTF16_BE + value.encode("utf-16-be"))


def _pdf_date() -> str:
    return datetime.now(timezone.utc).strftime("D:%Y%m%d%H%M%SZ")


def _appearance(writer: Any, rect: tuple[float, float, float, float], quads: list[float], colour: str) -> Any:
    """An /AP /N stream that paints the quads with multiply blending (text stays black).

    Viewers generate one when it is missing, but not all do (and not all alike).
    Returns None if this pypdf has no way to add the stream object.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    add = getattr(writer, "_add_object", None)
    if add is None:
        return None
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    ops = [f"/GS0 gs {r:.4f} {g:.4f} {b:.4f} rg"]
    for i in range(0, len(quads), 8):
        x1, y1, x2, y2, x3, y3, x4, y4 = quads[i:i + 8]
        ops.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l {x4:.2f} {y4:.2f} l {x3:.2f} {y3:.2f} l h f")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in rect),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/ExtGState"): DictionaryObject({
                NameObject("/GS0"): DictionaryObject({
                    NameObject("/Type"): NameObject("/ExtGState"),
                    NameObject("/BM"): NameObject("/Multiply"),
                }),
            }),
        }),
    })
    return DictionaryObject({NameObject("/N"): add(stream)})


def _highlight(writer: Any, page_index: int, lines: list[tuple[float, float, float, float]], colour: str,
               note: str, date: str) -> None:
    from pypdf.annotations import Highlight
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

    quads = _quad_points(lines)
    rect = _union(lines)
    annotation = Highlight(
        rect=rect,
        quad_points=ArrayObject(FloatObject(round(v, 3)) for v in quads),
        highlight_color=colour,
    )
    # Printable, so a printed review copy shows the marks (set directly: older pypdf
    # versions have no `printing` argument).
    annotation[NameObject("/F")] = NumberObject(_PRINT)
    # /T set here, not via title_bar=: pypdf 4.0 wrote that key without its slash.
    annotation[NameObject("/T")] = TextStringObject(AUTHOR)
    annotation[NameObject("/Contents")] = _text(note)
    annotation[NameObject("/M")] = TextStringObject(date)
    annotation[NameObject("/CA")] = FloatObject(1)
    appearance = _appearance(writer, rect, quads, colour)
    if appearance is not None:
        annotation[NameObject("/AP")] = appearance
    writer.add_annotation(page_number=page_index, annotation=annotation)


def _summary_rect(page: Any) -> tuple[float, float, float, float]:
    """A 20 pt icon square at the displayed page's top-left corner, inside the CropBox.

    /Rotate turns the page clockwise on screen, so the displayed top-left is a different
    corner of the (unrotated) user space for each rotation.
    """
    box = page.cropbox
    left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
    margin, size = 10.0, 20.0
    rotation = (page.get("/Rotate", 0) or 0) % 360
    if rotation == 90:
        x, y = left + margin, bottom + margin
    elif rotation == 180:
        x, y = right - margin - size, bottom + margin
    elif rotation == 270:
        x, y = right - margin - size, top - margin - size
    else:
        x, y = left + margin, top - margin - size
    return (x, y, x + size, y + size)


def _summary(writer: Any, text: str, date: str) -> None:
    from pypdf.annotations import Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

    note = Text(rect=_summary_rect(writer.pages[0]), text=text, open=False)
    note[NameObject("/T")] = TextStringObject(AUTHOR)
    note[NameObject("/Contents")] = _text(text)
    note.pop(NameObject("/Flags"), None)  # pypdf writes a non-standard /Flags key; /F is the real one
    note[NameObject("/F")] = NumberObject(_PRINT | _NO_ZOOM | _NO_ROTATE)
    note[NameObject("/Name")] = NameObject("/Comment")
    note[NameObject("/C")] = ArrayObject(FloatObject(v) for v in (1.0, 0.85, 0.2))
    note[NameObject("/M")] = TextStringObject(date)
    note[NameObject("/Subj")] = TextStringObject(AUTHOR)
    writer.add_annotation(page_number=0, annotation=note)


def _open_reader(data: bytes, source: Path, password: str | None) -> tuple[Any, int]:
    """pypdf reader, decrypted when needed; returns (reader, how it was decrypted: 0 none/1 user/2 owner)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        how = 0
        if reader.is_encrypted:
            how = int(reader.decrypt(password or ""))
            if how == 0:
                raise ExtractionError(source, "wrong password for encrypted PDF" if password else
                                      "PDF is encrypted; pass --password")
        return reader, how
    except ExtractionError:
        raise
    except pdf_errors() as exc:
        if not is_damage(exc, pdf_errors()):
            raise
        raise ExtractionError(source, f"damaged PDF: {damage(exc)}; no annotated copy was made") from exc


def _keep_encryption(writer: Any, reader: Any, password: str | None, how: int) -> None:
    """Encrypt the copy again (AES-256) with the password that opened the source.

    The original owner password is unknown unless it was the one given; a random one then
    keeps the source's permission flags binding for holders of the user password.
    """
    from pypdf.errors import DependencyError

    user = password or ""
    owner = user if how == 2 else secrets.token_urlsafe(24)
    try:
        flags = int(reader.trailer["/Encrypt"].get_object().get("/P", -1))
    except (KeyError, TypeError, ValueError):
        flags = -1
    try:
        writer.encrypt(user_password=user, owner_password=owner, permissions_flag=flags, algorithm="AES-256")
    except DependencyError:  # AES needs the `cryptography` package; RC4-128 works without it
        writer.encrypt(user_password=user, owner_password=owner, permissions_flag=flags, algorithm="RC4-128")


def annotate_pdf(result: ScanResult, source: Path, target: Path, *, password: str | None = None) -> int:
    """Write ``target``: a copy of ``source`` with evidence highlights and a summary note.

    Each evidence span of a present or weak element becomes a Highlight annotation in its
    pitfall's colour, whose note (/Contents) gives the element name, status, reason and,
    for weak elements, the advice; page 1 gets a sticky note listing the missing and weak
    elements per pitfall and the overall score. All annotations carry /T "agreementscan".

    An encrypted source is opened with ``password`` and the copy is encrypted again with
    the same password (AES-256; the source's permission flags are kept). ``source`` is
    only read. Evidence that the source map does not place on its page is skipped (and logged).

    Returns the number of highlights written. A damaged source raises ExtractionError
    with one line in our words; pypdf's own log lines (it repairs many files) are kept
    off the terminal.
    """
    # pypdf logs each repair ("incorrect startxref pointer(1)") as a warning, which
    # Python prints raw on stderr when no handler is set: the repair is not the user's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return _annotate_pdf(result, Path(source), Path(target), password)
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise ExtractionError(source, "damaged PDF: its page tree or objects are nested too deeply; "
                                      "no annotated copy was made") from exc
    except pdf_errors() as exc:
        if not is_damage(exc, pdf_errors()):
            raise  # our bug: the internal-error handler reports it
        raise ExtractionError(source, f"damaged PDF: {damage(exc)}; no annotated copy was made") from exc


def _annotate_pdf(result: ScanResult, source: Path, target: Path, password: str | None) -> int:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from pypdf import PdfWriter

    if target.exists() and target.resolve() == source.resolve():
        raise ExtractionError(source, "refusing to write the annotated copy over the input file")
    data = source.read_bytes()
    reader, how = _open_reader(data, source, password)
    writer = PdfWriter(clone_from=reader)
    lang = result.report_language

    wanted: dict[int, list[tuple[ElementResult, Evidence]]] = {}
    skipped = 0
    for element in result.elements:
        if not element.status.covered:
            continue
        for evidence in element.evidence:
            page = _evidence_page(result, evidence)
            if page is None or not 1 <= page <= len(writer.pages):
                skipped += 1
                continue
            wanted.setdefault(page, []).append((element, evidence))

    date = _pdf_date()
    written = 0
    locator = _Locator(result, _source_map(result, data, source, password) if wanted else None)
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(source, f"damaged PDF: {damage(exc)}; no annotated copy was made") from exc
    try:
        for page_number in sorted(wanted):
            page = pdf[page_number - 1]
            textpage = page.get_textpage()
            try:
                for element, evidence in wanted[page_number]:
                    indices = locator.locate(evidence, page_number)
                    boxes = [b for b in (_char_box(textpage, pdfium_c, i) for i in indices or ()) if b]
                    if not boxes:
                        skipped += 1
                        log.debug("evidence not found on page %s: %r", page_number, evidence.text[:60])
                        continue
                    colour = PITFALL_COLOURS.get(element.pitfall, _FALLBACK_COLOUR)
                    _highlight(
                        writer,
                        page_number - 1,
                        _line_boxes(boxes),
                        colour,
                        element_note(element, lang, result.checklist),
                        date,
                    )
                    written += 1
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()

    # The note says how many passages went unmarked, so the highlights are not taken as all.
    _summary(writer, summary_note(result, unmarked=skipped), date)
    if how:
        _keep_encryption(writer, reader, password, how)
    if skipped:
        log.info("%s: %d evidence span(s) could not be located and were not highlighted", source, skipped)
    with open(target, "wb") as out:
        writer.write(out)
    return written
