"""Word .docx: body paragraphs and table rows in order, headers/footers, tracked insertions.

Text is collected from each paragraph's XML rather than ``paragraph.text`` so that tracked
insertions (``w:ins``) count and tracked deletions (``w:delText``) do not.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from .. import limits
from ..errors import ExtractionError
from ..model import BlockKind, Document
from .common import Draft, build_document, is_heading_line, is_list_item, promote_titles
from .failures import damage, docx_errors, is_damage
from .sourcemap import PathTable, Trace, join
from .sourcemap import source_map as build_map

__all__ = ["body_items", "body_texts", "check_package", "load_package", "paragraph_text", "read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _SDT, _SDT_CONTENT, _CUSTOM_XML = (_W + t for t in ("p", "tbl", "sdt", "sdtContent", "customXml"))
_T, _TAB, _PTAB, _BR, _CR, _NB_HYPHEN = (_W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen"))
_R, _RPR, _VANISH, _PPR, _PSTYLE, _OUTLINE = (_W + t for t in ("r", "rPr", "vanish", "pPr", "pStyle", "outlineLvl"))
_VAL = _W + "val"
# Elements that stand for one character of text.
_CHAR_TAGS = {_TAB: "\t", _PTAB: "\t", _BR: "\n", _CR: "\n", _NB_HYPHEN: "-"}
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


def _collect(el: Any, trace: Trace, path: list[int], in_run: bool, table: PathTable | None) -> None:
    """Append the visible text below ``el`` (at child path ``path``) to ``trace``.

    With ``table``, every text element directly inside a run is registered there and its
    characters point to it: those are the places a comment range can start or end.
    ``path`` is extended and restored in place (tuples per element cost a third of the time).
    """
    for i, child in enumerate(el):
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue  # comments, processing instructions, deleted text
        path.append(i)
        if tag == _T:
            text = child.text or ""
            trace.add(text, table.add(path) if table is not None and in_run and text else -1)
        elif tag in _CHAR_TAGS:
            trace.add(_CHAR_TAGS[tag], table.add(path) if table is not None and in_run else -1)
        elif tag == _R:
            if not _hidden(child):
                _collect(child, trace, path, True, table)
        elif tag == _P:
            trace.add("\n")  # a text box paragraph inside this paragraph
            _collect(child, trace, path, False, table)
        else:
            # Containers (w:ins, w:hyperlink, w:smartTag, w:sdt, drawings...): text directly
            # below them is not inside a run, so no comment range can be cut there.
            _collect(child, trace, path, False, table)
        path.pop()


def _paragraph_trace(p: Any, path: tuple[int, ...] | None, table: PathTable | None) -> Trace:
    """Visible text of a ``w:p`` with its origins (none without ``path``), stripped."""
    trace = Trace()
    _collect(p, trace, list(path or ()), False, table if path is not None else None)
    return trace.strip()


def paragraph_text(p: Any) -> str:
    """Visible text of a ``w:p`` element including tracked insertions, stripped."""
    return _paragraph_trace(p, None, None).text


def _body_items(parent: Any, path: tuple[int, ...] = ()) -> Iterator[tuple[Any, tuple[int, ...]]]:
    """``w:p`` and ``w:tbl`` children in order with their child paths, looking inside content controls."""
    for i, child in enumerate(parent):
        tag = child.tag
        if tag in (_P, _TBL):
            yield child, (*path, i)
        elif tag == _SDT:
            for j, sub in enumerate(child):
                if sub.tag == _SDT_CONTENT:
                    yield from _body_items(sub, (*path, i, j))
                    break
        elif tag == _CUSTOM_XML:
            yield from _body_items(child, (*path, i))


def _path_below(el: Any, top: Any, top_path: tuple[int, ...]) -> tuple[int, ...] | None:
    """Child path of ``el``, a descendant of ``top`` whose path is ``top_path``."""
    steps: list[int] = []
    node = el
    while node is not top:
        parent = node.getparent()
        if parent is None:
            return None
        steps.append(parent.index(node))
        node = parent
    return (*top_path, *reversed(steps))


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


def check_package(data: bytes, path: str) -> None:
    """Refuse a zip bomb by its declared sizes (ExtractionError), before anything is inflated."""
    _check_zip(data, path)


def load_package(data: bytes, path: str) -> Any:
    """The python-docx Document of a package, inflated under the size caps, as the reader sees it."""
    return _load(data, path)


def body_items(body: Any) -> Iterator[Any]:
    """The body's ``w:p`` and ``w:tbl`` elements in reading order (inside content controls too)."""
    for item, _path in _body_items(body):
        yield item


def body_texts(document: Any) -> list[str]:
    """Text of every body paragraph and table row in reading order, empty ones included."""
    out: list[str] = []
    for item, _path in _body_items(document.element.body):
        if item.tag == _P:
            out.append(paragraph_text(item))
        else:
            out.extend(_row_texts(item, document))
    return out


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


def _row_traces(tbl: Any, document: Any, path: tuple[int, ...] | None = None,
                table: PathTable | None = None) -> Iterator[Trace]:
    """One text per table row: distinct cells joined by " | " (with origins given ``path``)."""
    from docx.table import Table

    for row in Table(tbl, document._body).rows:
        cells: list[Trace] = []
        last = None
        for cell in row.cells:
            # Merged cells come back once per grid column they span.
            if cell._tc is last:
                continue
            last = cell._tc
            parts = []
            for p in cell._tc.iter(_P):
                p_path = _path_below(p, tbl, path) if path is not None else None
                part = _paragraph_trace(p, p_path, table).collapse()
                if part.length:
                    parts.append(part)
            cells.append(join(parts, " "))
        yield join(cells, " | ") if any(c.length for c in cells) else Trace()


def _row_texts(tbl: Any, document: Any) -> Iterator[str]:
    """One string per table row: distinct cells joined by " | "."""
    for trace in _row_traces(tbl, document):
        yield trace.text


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


def read_docx(data: bytes, path: str, *, sha256: str, source_map: bool = True) -> Document:
    """Extract a .docx file's text into blocks (with a source map unless ``source_map`` is false)."""
    _check_zip(data, path)
    document, warnings = _open_package(data, path)
    styles = _style_names(document)
    headers, footers = _header_footer_texts(document)
    drafts: list[Draft] = [Draft(text=t, kind=BlockKind.HEADER) for t in headers]
    index = 0
    table = PathTable() if source_map else None
    try:
        body = document.element.body
        for item, where in _body_items(body):
            if item.tag == _P:
                index += 1
                trace = _paragraph_trace(item, where, table)
                text = trace.text
                if text:
                    drafts.append(Draft(text=text, kind=_paragraph_kind(item, text, styles), paragraph=index,
                                        trace=trace.freeze()))
            else:
                for row in _row_traces(item, document, where, table):
                    index += 1
                    if row.text.strip():
                        drafts.append(Draft(text=row.text, kind=BlockKind.TABLE_ROW, paragraph=index,
                                            trace=row.freeze()))
    except docx_errors() as exc:  # malformed XML structures deep in the body
        if not is_damage(exc, docx_errors()):
            raise
        raise ExtractionError(path, f"damaged .docx: {damage(exc)}") from exc
    promote_titles(drafts)
    drafts.extend(Draft(text=t, kind=BlockKind.FOOTER) for t in footers)
    if not any(d.kind not in (BlockKind.HEADER, BlockKind.FOOTER) for d in drafts):
        raise ExtractionError(path, "empty file")
    document = build_document(drafts, fmt="docx", path=path, sha256=sha256, warnings=tuple(warnings))
    if table is None:
        return document
    return replace(document, source_map=build_map("docx", drafts, table))
