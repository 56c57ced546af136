"""Word .docx: body paragraphs and table rows in order, headers/footers, tracked insertions.

Text is collected from each paragraph's XML rather than ``paragraph.text`` so that tracked
insertions (``w:ins``) count and tracked deletions (``w:delText``) do not.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from .. import limits
from ..errors import ExtractionError
from ..model import BlockKind, Document
from .common import Draft, build_document, is_heading_line, is_list_item, promote_titles
from .failures import damage, docx_errors, is_damage

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _SDT, _SDT_CONTENT, _CUSTOM_XML = (_W + t for t in ("p", "tbl", "sdt", "sdtContent", "customXml"))
_T, _TAB, _PTAB, _BR, _CR, _NB_HYPHEN = (_W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen"))
_R, _RPR, _VANISH, _PPR, _PSTYLE, _OUTLINE = (_W + t for t in ("r", "rPr", "vanish", "pPr", "pStyle", "outlineLvl"))
_VAL = _W + "val"
# Subtrees whose text is not in the document as it reads now: deleted and moved-away text,
# field instructions, the duplicate fallback copy of drawings, paragraph properties.
_SKIP = frozenset(
    _W + t for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr")
) | {_MC_FALLBACK}

_MAX_RATIO = 200
_RATIO_MIN_BYTES = 10_000_000
_HEADING_STYLES = ("heading", "kop", "title", "titel")
_LIST_STYLES = ("list", "lijst")
_MACRO_TYPES = (
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_DOCX_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _off(el: Any) -> bool:
    return el.get(_VAL) in ("0", "false", "off")


def _hidden(run: Any) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    vanish = rpr.find(_VANISH)
    return vanish is not None and not _off(vanish)


def _collect(el: Any, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue  # comments, processing instructions, deleted text
        if tag == _T:
            out.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
        elif tag == _R:
            if not _hidden(child):
                _collect(child, out)
        elif tag == _P:
            out.append("\n")  # a text box paragraph inside this paragraph
            _collect(child, out)
        else:
            _collect(child, out)


def paragraph_text(p: Any) -> str:
    """Visible text of a ``w:p`` element including tracked insertions, stripped."""
    out: list[str] = []
    _collect(p, out)
    return "".join(out).strip()


def _body_items(parent: Any) -> Iterator[Any]:
    """``w:p`` and ``w:tbl`` children in order, looking inside content controls."""
    for child in parent:
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _body_items(content)
        elif tag == _CUSTOM_XML:
            yield from _body_items(child)


def _check_zip(data: bytes, path: str) -> None:
    """Refuse zip bombs by their declared sizes, before anything is inflated.

    The declared sizes may lie; :func:`_repack` counts the real ones while inflating.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise ExtractionError(path, f"damaged .docx: {damage(exc)}") from exc
    total = sum(i.file_size for i in infos)
    bomb = total > limits.MAX_ZIP_TOTAL_BYTES or any(
        i.file_size > _RATIO_MIN_BYTES and i.file_size > _MAX_RATIO * max(i.compress_size, 1) for i in infos
    )
    if bomb:
        raise ExtractionError(path, f"refusing to open: compressed content expands to {total // 1_000_000} MB")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, room: int) -> bytes:
    """One part, inflated in pieces that are counted: refused as soon as it passes its cap."""
    is_xml = info.filename.lower().endswith((".xml", ".rels"))
    cap = min(limits.MAX_XML_PART_BYTES if is_xml else limits.MAX_ZIP_MEMBER_BYTES, room)
    pieces: list[bytes] = []
    size = 0
    with zf.open(info) as handle:
        while True:
            piece = handle.read(1 << 20)
            if not piece:
                break
            size += len(piece)
            if size > cap:
                if cap == room:
                    raise ExtractionError(path, "refusing to open: compressed content expands to more than "
                                                f"{limits.MAX_ZIP_TOTAL_BYTES // 1_000_000} MB")
                raise ExtractionError(path, f"refusing to open: part {info.filename} expands to more than "
                                            f"{cap // 1_000_000} MB")
            pieces.append(piece)
    return b"".join(pieces)


def _repack(data: bytes, path: str) -> tuple[bytes, list[str]]:
    """The package as python-docx should see it, and warnings about what was changed.

    Every part is inflated here under the size caps (python-docx reads whole parts into
    memory). Of parts stored twice under one name the first is kept, as Word does
    (zipfile would give the last). A .docm/.dotx main part is declared as a plain
    document, which python-docx requires; macros are never run. The copy is stored
    uncompressed, in memory only.
    """
    warnings: list[str] = []
    copies: dict[str, int] = {}
    out = io.BytesIO()
    room = limits.MAX_ZIP_TOTAL_BYTES
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            name = info.filename
            if name in copies:
                copies[name] += 1
                continue
            copies[name] = 1
            if info.is_dir():
                continue
            content = _read_member(src, info, path, room)
            room -= len(content)
            if name == "[Content_Types].xml":
                for t in _MACRO_TYPES:
                    content = content.replace(t, _DOCX_TYPE)
            dst.writestr(zipfile.ZipInfo(name, date_time=info.date_time), content)
    doubled = [f"{name} ({n} copies)" for name, n in copies.items() if n > 1]
    if doubled:
        shown = ", ".join(doubled[:3]) + (" …" if len(doubled) > 3 else "")
        warnings.append(f"the file stores parts twice under one name: {shown}; the first copy is read, as Word does")
    return out.getvalue(), warnings


def _open_package(data: bytes, path: str) -> tuple[Any, list[str]]:
    """The python-docx Document and the warnings about the package."""
    import docx  # heavy: imported on first use

    try:
        plain, warnings = _repack(data, path)
        return docx.Document(io.BytesIO(plain)), warnings
    except docx_errors() as exc:
        if not is_damage(exc, docx_errors()):
            raise  # our bug, not the file's
        raise ExtractionError(path, f"damaged .docx: {damage(exc)}") from exc


def _load(data: bytes, path: str) -> Any:
    """The python-docx Document of a package (see :func:`_open_package`)."""
    return _open_package(data, path)[0]


def _style_names(document: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        for style in document.styles:
            if style.style_id and style.name:
                names[style.style_id] = style.name.lower()
    except docx_errors() as exc:  # a broken styles part only costs us style-based headings
        if not is_damage(exc, docx_errors()):
            raise
    return names


def _paragraph_kind(p: Any, text: str, styles: dict[str, str]) -> BlockKind:
    ppr = p.find(_PPR)
    style = ""
    if ppr is not None:
        pstyle = ppr.find(_PSTYLE)
        if pstyle is not None:
            style_id = pstyle.get(_VAL) or ""
            style = styles.get(style_id, style_id.lower())
        if ppr.find(_OUTLINE) is not None and len(text) <= 200:
            level = ppr.find(_OUTLINE).get(_VAL)
            if level is not None and level.isdigit() and int(level) < 9:
                return BlockKind.HEADING
    if style.startswith(_HEADING_STYLES) and len(text) <= 300:
        return BlockKind.HEADING
    if "\n" not in text and is_heading_line(text):
        return BlockKind.HEADING
    if style.startswith(_LIST_STYLES) or is_list_item(text):
        return BlockKind.LIST_ITEM
    return BlockKind.PARAGRAPH


def _row_texts(tbl: Any, document: Any) -> Iterator[str]:
    """One string per table row: distinct cells joined by " | "."""
    from docx.table import Table

    for row in Table(tbl, document._body).rows:
        cells: list[str] = []
        last = None
        for cell in row.cells:
            # Merged cells come back once per grid column they span.
            if cell._tc is last:
                continue
            last = cell._tc
            parts = [paragraph_text(p) for p in cell._tc.iter(_P)]
            cells.append(" ".join(" ".join(t.split()) for t in parts if t))
        yield " | ".join(cells) if any(cells) else ""


def _header_footer_texts(document: Any) -> tuple[list[str], list[str]]:
    """Paragraph texts of the first section's headers and footers, deduplicated."""
    headers: list[str] = []
    footers: list[str] = []
    try:
        sections = document.sections
        if not len(sections):
            return headers, footers
        section = sections[0]
        kinds = [(section.header, headers), (section.footer, footers)]
        if section.different_first_page_header_footer:
            kinds += [(section.first_page_header, headers), (section.first_page_footer, footers)]
        for part, out in kinds:
            # A linked header has no definition; reading it would create one.
            if part.is_linked_to_previous:
                continue
            for p in part._element.iter(_P):
                text = paragraph_text(p)
                if text and text not in out:
                    out.append(text)
    except docx_errors() as exc:  # a broken header part must not cost us the body
        if not is_damage(exc, docx_errors()):
            raise
    return headers, footers


def read_docx(data: bytes, path: str, *, sha256: str) -> Document:
    """Extract a .docx file's text into blocks."""
    _check_zip(data, path)
    document, warnings = _open_package(data, path)
    styles = _style_names(document)
    headers, footers = _header_footer_texts(document)
    drafts: list[Draft] = [Draft(text=t, kind=BlockKind.HEADER) for t in headers]
    index = 0
    try:
        body = document.element.body
        for item in _body_items(body):
            if item.tag == _P:
                index += 1
                text = paragraph_text(item)
                if text:
                    drafts.append(Draft(text=text, kind=_paragraph_kind(item, text, styles), paragraph=index))
            else:
                for row in _row_texts(item, document):
                    index += 1
                    if row.strip():
                        drafts.append(Draft(text=row, kind=BlockKind.TABLE_ROW, paragraph=index))
    except docx_errors() as exc:  # malformed XML structures deep in the body
        if not is_damage(exc, docx_errors()):
            raise
        raise ExtractionError(path, f"damaged .docx: {damage(exc)}") from exc
    promote_titles(drafts)
    drafts.extend(Draft(text=t, kind=BlockKind.FOOTER) for t in footers)
    if not any(d.kind not in (BlockKind.HEADER, BlockKind.FOOTER) for d in drafts):
        raise ExtractionError(path, "empty file")
    return build_document(drafts, fmt="docx", path=path, sha256=sha256, warnings=tuple(warnings))
