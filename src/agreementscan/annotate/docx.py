"""Word comments on the exact evidence passages of a scanned .docx.

How a passage is found again in the Word file: the body is re-walked in the same order
and with the same text rules as :mod:`agreementscan.extract.docx` (``w:ins`` in,
``w:del``/``w:delText``/field codes/hidden runs out, tabs and breaks as characters, table
rows as distinct cells joined by " | "), but every character also remembers where it came
from: its ``w:r`` and the ``w:t``/``w:tab``/``w:br`` child and offset inside it. Each walked
block is checked against the extracted block with the same paragraph index; a block whose
text does not match exactly is never annotated, so a comment is either on the exact
passage or not written at all.

A comment range in WordprocessingML starts and ends *between* runs, so runs are split at
the passage boundaries. A split run keeps its parent (``w:ins``, ``w:hyperlink``,
``w:smartTag``, an inline content control...) and a copy of its ``w:rPr``, so formatting and
tracked-change status do not change and the document text stays the same.
"""

from __future__ import annotations

import bisect
import copy
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..extract.common import normalise_text
from ..extract.failures import docx_errors, is_damage
from ..extract.docx import _body_items, _check_zip, _hidden, _load, _row_texts, paragraph_text
from ..model import Block, BlockKind, ScanResult, Status
from .texts import AUTHOR, INITIALS, element_note, summary_note

__all__ = ["DocxAnnotation", "annotate_docx", "annotate_docx_report"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _R, _RPR, _PPR = (_W + t for t in ("p", "tbl", "r", "rPr", "pPr"))
_T, _TAB, _PTAB, _BR, _CR, _NB_HYPHEN = (_W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen"))
_TXBX = _W + "txbxContent"
# Mirrors extract.docx._SKIP: subtrees whose text is not in the document as it reads now.
_SKIP = frozenset(
    _W + t for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr")
) | {_MC_FALLBACK}
_VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

_SUMMARY_ANCHOR_CHARS = 80
_CUT_MARK = "{urn:agreementscan:annotate}cut"


@dataclass(frozen=True)
class DocxAnnotation:
    """What :func:`annotate_docx_report` wrote."""

    written: int
    """Comments written, the summary included."""
    evidence_comments: int
    """Comments anchored on an evidence passage."""
    skipped: int
    """Evidence passages (deduplicated per element) that could not be anchored exactly."""
    header_footer: int
    """Of ``skipped``: passages in a header or footer, where comments cannot be anchored."""
    summary_anchored: bool
    """True when the summary comment covers the start of the first block's text."""


@dataclass(slots=True)
class _Char:
    """Where one character of a block's raw text came from (None fields: synthetic)."""

    run: Any
    child: Any
    offset: int
    host: Any
    """The nearest ``w:p`` that holds the run."""
    boxed: bool
    """True inside a text box (a paragraph nested in a run)."""


@dataclass
class _BlockMap:
    """One extracted block and, per character of its (normalised) text, its raw origin."""

    block: Block
    first: list[_Char | None]
    """Origin of the first raw character behind each normalised character."""
    last: list[_Char | None]
    """Origin of the last raw character behind each normalised character."""


@dataclass
class _Plan:
    """A comment to write: its text and its two cuts (keys into the cut table)."""

    text: str
    start: tuple[int, int]
    end: tuple[int, int]


@dataclass
class _Cut:
    """A point between two characters of one run, and the comments starting or ending there."""

    run: Any
    child: Any
    offset: int
    mark: Any = None
    """A temporary element standing at the cut once the run is split (see :func:`_annotate`)."""
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------- walking


def _walk(el: Any, chars: list[str], origin: list[_Char | None], run: Any, host: Any, boxed: bool) -> None:
    """Collect text like ``extract.docx._collect`` does, remembering each character's origin."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _T:
            text = child.text or ""
            ok = run is not None and child.getparent() is run
            for i, ch in enumerate(text):
                chars.append(ch)
                origin.append(_Char(run, child, i, host, boxed) if ok else None)
        elif tag in (_TAB, _PTAB, _BR, _CR, _NB_HYPHEN):
            chars.append("\t" if tag in (_TAB, _PTAB) else "\n" if tag in (_BR, _CR) else "-")
            ok = run is not None and child.getparent() is run
            origin.append(_Char(run, child, 0, host, boxed) if ok else None)
        elif tag == _R:
            if not _hidden(child):
                _walk(child, chars, origin, child, host, boxed)
        elif tag == _P:
            # A text-box paragraph inside this paragraph: the extractor puts "\n" before it.
            chars.append("\n")
            origin.append(None)
            _walk(child, chars, origin, None, child, True)
        else:
            # Containers (w:ins, w:hyperlink, w:smartTag, w:sdt, w:fldSimple, drawings...):
            # text directly below them is not inside a run, so it is not splittable.
            _walk(child, chars, origin, None, host, boxed or tag == _TXBX)


def _paragraph_chars(p: Any) -> tuple[str, list[_Char | None]]:
    """Stripped visible text of a ``w:p`` (as ``paragraph_text``) with per-character origins."""
    chars: list[str] = []
    origin: list[_Char | None] = []
    _walk(p, chars, origin, None, p, False)
    raw = "".join(chars)
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    return text, origin[lead : lead + len(text)]


def _collapse(text: str, origin: list[_Char | None]) -> tuple[str, list[_Char | None]]:
    """``" ".join(text.split())`` keeping origins; the joining spaces are synthetic."""
    out: list[str] = []
    out_origin: list[_Char | None] = []
    pending_space = False
    for ch, o in zip(text, origin):
        if ch.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            out_origin.append(None)
            pending_space = False
        out.append(ch)
        out_origin.append(o)
    return "".join(out), out_origin


def _row_chars(tbl: Any, document: Any) -> list[tuple[str, list[_Char | None]]]:
    """Each table row's text (as ``extract.docx._row_texts``) with per-character origins."""
    from docx.table import Table

    rows: list[tuple[str, list[_Char | None]]] = []
    for row in Table(tbl, document._body).rows:
        cells: list[tuple[str, list[_Char | None]]] = []
        last = None
        for cell in row.cells:
            if cell._tc is last:  # merged cells come back once per grid column
                continue
            last = cell._tc
            text_parts: list[str] = []
            origin_parts: list[_Char | None] = []
            for p in cell._tc.iter(_P):
                part, part_origin = _collapse(*_paragraph_chars(p))
                if not part:
                    continue
                if text_parts:
                    text_parts.append(" ")
                    origin_parts.append(None)
                text_parts.append(part)
                origin_parts.extend(part_origin)
            cells.append(("".join(text_parts), origin_parts))
        if not any(text for text, _ in cells):
            rows.append(("", []))
            continue
        text_out: list[str] = []
        origin_out: list[_Char | None] = []
        for i, (text, origin) in enumerate(cells):
            if i:
                text_out.append(" | ")
                origin_out.extend([None, None, None])
            text_out.append(text)
            origin_out.extend(origin)
        rows.append(("".join(text_out), origin_out))
    return rows


def _normalised_map(raw: str, origin: list[_Char | None], expected: str) -> tuple[list, list] | None:
    """Map each character of ``normalise_text(raw)`` back to raw origins; None if impossible.

    NFC composes a base character with the combining marks after it, so the raw text is cut
    into such clusters and each is normalised on its own; if that does not reproduce the
    whole normalised text (exotic compositions, ``\\r\\n``), the block is left alone.
    """
    if raw == expected:
        return origin, origin
    first: list[_Char | None] = []
    last: list[_Char | None] = []
    pieces: list[str] = []
    i = 0
    while i < len(raw):
        j = i + 1
        while j < len(raw) and unicodedata.combining(raw[j]):
            j += 1
        piece = normalise_text(raw[i:j])
        pieces.append(piece)
        first.extend([origin[i]] * len(piece))
        last.extend([origin[j - 1]] * len(piece))
        i = j
    if "".join(pieces) != expected:
        return None
    return first, last


def _wanted_blocks(result: ScanResult, spans: list[tuple[int, int]]) -> set[int]:
    """Paragraph numbers of the blocks that some ``[start, end)`` span touches."""
    blocks = [b for b in result.document.blocks
              if b.paragraph is not None and b.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
    starts = [b.start for b in blocks]
    wanted: set[int] = set()
    for start, end in spans:
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        while i < len(blocks) and blocks[i].start < end:
            if blocks[i].end > start:
                wanted.add(blocks[i].paragraph)  # type: ignore[arg-type]
            i += 1
    return wanted


def _block_maps(result: ScanResult, document: Any, spans: list[tuple[int, int]] | None = None) -> dict[int, _BlockMap]:
    """Walk the body as ``read_docx`` does; keep the blocks whose text matches exactly.

    With ``spans``, only the blocks they touch are mapped, plus the blocks up to the first
    one that maps (the summary comment hangs there): a map holds an object per
    character, and 300,000 paragraphs mapped in full took over a gigabyte.
    """
    blocks = {
        b.paragraph: b
        for b in result.document.blocks
        if b.paragraph is not None and b.kind not in (BlockKind.HEADER, BlockKind.FOOTER)
    }
    wanted = _wanted_blocks(result, spans) if spans is not None else None
    maps: dict[int, _BlockMap] = {}

    def needed(index: int) -> bool:
        return wanted is None or not maps or index in wanted

    def keep(index: int, raw: str, origin: list[_Char | None]) -> None:
        block = blocks.get(index)
        if block is None or not raw:
            return
        mapped = _normalised_map(raw, origin, block.text)
        if mapped is not None:
            maps[index] = _BlockMap(block, *mapped)

    index = 0
    for item in _body_items(document.element.body):
        if item.tag == _P:
            index += 1
            if not needed(index):
                continue
            try:
                text, origin = _paragraph_chars(item)
                if text == paragraph_text(item):
                    keep(index, text, origin)
            except docx_errors() as exc:  # an odd paragraph is left unannotated, never fatal
                if not is_damage(exc, docx_errors()):
                    raise
        else:
            try:
                expected = list(_row_texts(item, document))
            except docx_errors() as exc:
                if not is_damage(exc, docx_errors()):
                    raise
                return maps  # the extractor could not have read past this table either
            if not any(needed(index + k) for k in range(1, len(expected) + 1)):
                index += len(expected)
                continue
            try:
                rows = _row_chars(item, document)
            except docx_errors() as exc:
                if not is_damage(exc, docx_errors()):
                    raise
                rows = []
            if len(rows) != len(expected):
                rows = [("", [])] * len(expected)
            for (text, origin), want in zip(rows, expected):
                index += 1
                if text == want:
                    keep(index, text, origin)
    return maps


# --------------------------------------------------------------------------- locating


class _Locator:
    """Finds the raw origins of document-text spans in the mapped blocks."""

    def __init__(self, maps: dict[int, _BlockMap]):
        self._maps = sorted(maps.values(), key=lambda m: m.block.start)
        self._starts = [m.block.start for m in self._maps]

    def _find(self, pos: int) -> _BlockMap | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        m = self._maps[i]
        return m if m.block.start <= pos < m.block.end else None

    def locate(self, start: int, end: int) -> tuple[_Char, _Char] | None:
        """Origins of the first and last character of ``[start, end)``; None if not exact."""
        if end <= start:
            return None
        first_map, last_map = self._find(start), self._find(end - 1)
        if first_map is None or last_map is None:
            return None
        a = first_map.first[start - first_map.block.start]
        b = last_map.last[end - 1 - last_map.block.start]
        if a is None or b is None:
            return None
        if a.host is not b.host and (a.boxed or b.boxed):
            return None  # a range from the body into a text box (or out of it) cannot be marked
        return a, b

    def first_block(self) -> _BlockMap | None:
        return self._maps[0] if self._maps else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past whitespace at either end (it has no run of its own)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --------------------------------------------------------------------------- splitting


def _length(child: Any) -> int:
    return len(child.text or "") if child.tag == _T else 1


def _preserve(t: Any) -> None:
    t.set(_XML_SPACE, "preserve")


def _split(run: Any, child: Any, offset: int) -> tuple[Any, Any] | None:
    """Split ``run`` before ``offset`` in ``child``: (run before, run after), None for nothing.

    The new run goes right after the old one in the same parent and gets a copy of the
    old run's properties, so a split inside ``w:ins`` or a hyperlink stays inside it and
    the text looks exactly as before.
    """
    from docx.oxml import OxmlElement

    if child.getparent() is not run:
        return None
    content = [c for c in run if c.tag != _RPR]
    try:
        idx = content.index(child)
    except ValueError:
        return None
    length = _length(child)
    if not 0 <= offset <= length:
        return None
    if child.tag == _T and 0 < offset < length:
        text = child.text or ""
        tail = OxmlElement("w:t")
        tail.text = text[offset:]
        child.text = text[:offset]
        _preserve(child)
        _preserve(tail)
        moved = [tail, *content[idx + 1 :]]
    elif offset == 0:
        if idx == 0:
            return None, run  # already a run boundary
        moved = content[idx:]
    else:
        moved = content[idx + 1 :]
    if not moved:
        return run, None
    new = OxmlElement("w:r")
    for key, value in run.attrib.items():
        new.set(key, value)
    rpr = run.find(_RPR)
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    for element in moved:
        new.append(element)  # lxml moves the element (and its tail) out of the old run
    run.addnext(new)
    return run, new


def _reference_run(comment_id: int) -> Any:
    from docx.oxml import OxmlElement

    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(_W + "val", "CommentReference")
    rpr.append(style)
    r.append(rpr)
    ref = OxmlElement("w:commentReference")
    ref.set(_W + "id", str(comment_id))
    r.append(ref)
    return r


def _marker(tag: str, comment_id: int) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    el.set(_W + "id", str(comment_id))
    return el


def _place_markers(mark: Any, ends: list[int], starts: list[int]) -> None:
    """Replace the placeholder ``mark`` with range ends, their reference marks, and range starts.

    The reference runs go at paragraph level (after any ``w:ins``/hyperlink around the
    cut) so the mark is not itself a tracked insertion or part of a link text.
    """
    for cid in ends:
        mark.addprevious(_marker("commentRangeEnd", cid))
    if ends:
        node = mark
        while node.getparent() is not None and node.getparent().tag != _P:
            node = node.getparent()
        for cid in ends:
            ref = _reference_run(cid)
            if node is mark:
                mark.addprevious(ref)
            else:
                node.addnext(ref)
                node = ref
    for cid in starts:
        mark.addprevious(_marker("commentRangeStart", cid))
    mark.getparent().remove(mark)


def _place_point(p: Any, comment_id: int) -> None:
    """A collapsed comment range at the very start of paragraph ``p``."""
    ppr = p.find(_PPR)
    pos = 0 if ppr is None else list(p).index(ppr) + 1
    p.insert(pos, _marker("commentRangeStart", comment_id))
    p.insert(pos + 1, _marker("commentRangeEnd", comment_id))
    p.insert(pos + 2, _reference_run(comment_id))


# --------------------------------------------------------------------------- main


def _summary_span(text: str, block: Block) -> tuple[int, int]:
    """The first line of the first block, cut to a few words: where the summary hangs."""
    start, end = block.start, block.end
    newline = text.find("\n", start, end)
    if newline != -1:
        end = newline
    for sep in (" | ", "\t"):
        cut = text.find(sep, start, end)
        if cut != -1:
            end = cut
    if end - start > _SUMMARY_ANCHOR_CHARS:
        space = text.rfind(" ", start, start + _SUMMARY_ANCHOR_CHARS)
        end = space if space > start else start + _SUMMARY_ANCHOR_CHARS
    return _trim(text, start, end)


def _drop_macros(document: Any) -> None:
    """Remove the VBA project link: the copy is a plain .docx, and Word rejects macros in one."""
    try:
        part = document.part
        for rid, rel in list(part.rels.items()):
            if rel.reltype == _VBA_REL:
                del part.rels[rid]
    except docx_errors() as exc:  # the copy still opens; only a macro-enabled source gets here
        if not is_damage(exc, docx_errors()):
            raise


def _body_text(document: Any) -> list[str]:
    """Block texts of the body in extraction order: the before/after invariant."""
    out: list[str] = []
    for item in _body_items(document.element.body):
        if item.tag == _P:
            out.append(paragraph_text(item))
        else:
            out.extend(_row_texts(item, document))
    return out


def _evidence(result: ScanResult) -> list[tuple[str, int, int, str]]:
    """(note, start, end, text) per evidence passage of present/weak elements, deduplicated per element."""
    out: list[tuple[str, int, int, str]] = []
    for element in result.elements:
        if element.status not in (Status.PRESENT, Status.WEAK):
            continue
        note = element_note(element, result.report_language, result.checklist)
        seen: set[tuple[int, int]] = set()
        for ev in element.evidence:
            if (ev.start, ev.end) not in seen:
                seen.add((ev.start, ev.end))
                out.append((note, ev.start, ev.end, ev.text))
    return out


def _annotate(result: ScanResult, data: bytes, source: Path, target: Path, *, exact: bool) -> DocxAnnotation:
    """Load, comment and save; ``exact=False`` writes only the summary (the safe fallback)."""
    document = _load(data, str(source))
    _drop_macros(document)
    body = document.element.body
    text = result.document.text
    passages = _evidence(result)
    before = _body_text(document)
    spans = [(start, end) for _, start, end, _ in passages]
    locator = _Locator(_block_maps(result, document, spans) if exact else {})
    hf_ranges = [
        (b.start, b.end) for b in result.document.blocks if b.kind in (BlockKind.HEADER, BlockKind.FOOTER)
    ]

    cuts: dict[tuple[int, int], _Cut] = {}

    def cut_key(run: Any, child: Any, offset: int) -> tuple[int, int]:
        key = (id(child), offset)
        if key not in cuts:
            cuts[key] = _Cut(run, child, offset)
        return key

    def plan(note: str, start: int, end: int) -> _Plan | None:
        start, end = _trim(text, start, end)
        found = locator.locate(start, end)
        if found is None:
            return None
        a, b = found
        return _Plan(note, cut_key(a.run, a.child, a.offset), cut_key(b.run, b.child, b.offset + 1))

    plans: list[_Plan] = []
    skipped = header_footer = 0
    first = locator.first_block()
    summary_plan = plan("", *_summary_span(text, first.block)) if first is not None else None
    for note, start, end, quote in passages:
        if any(s <= start < e for s, e in hf_ranges):
            header_footer += 1
            continue
        # Evidence must be this document's text, or its offsets mean nothing here.
        valid = 0 <= start < end <= len(text) and text[start:end] == quote
        found = plan(note, start, end) if valid and exact else None
        if found is None:
            skipped += 1
        else:
            plans.append(found)

    # Split from the end of the document backwards: a split only moves content *after*
    # its point into a new run, so every earlier (run, child, offset) stays valid.
    # Document order of the cut children; they are kept alive by ``cuts``, so their ids
    # are stable and unique while this runs.
    wanted = {id(c.child) for c in cuts.values()}
    order = {id(el): i for i, el in enumerate(body.iter()) if id(el) in wanted} if cuts else {}
    # A later split of the same run (at an earlier point) moves content into a new run
    # inserted right after the old one, so "the run left of a cut" can change; a placeholder
    # element standing between the two runs does not move, and the markers replace it later.
    for c in sorted(cuts.values(), key=lambda c: (order.get(id(c.child), -1), c.offset), reverse=True):
        sides = _split(c.run, c.child, c.offset) if id(c.child) in order else None
        if sides is not None:
            left, right = sides
            c.mark = etree.Element(_CUT_MARK)
            if right is not None:
                right.addprevious(c.mark)
            else:
                left.addnext(c.mark)

    def placeable(p: _Plan) -> bool:
        return cuts[p.start].mark is not None and cuts[p.end].mark is not None

    good = [p for p in plans if placeable(p)]
    skipped += len(plans) - len(good)

    comments = document.comments
    # The summary is created first so it is comment number one and listed first.
    summary = comments.add_comment(
        text=summary_note(result, unmarked=skipped + header_footer), author=AUTHOR, initials=INITIALS
    )
    written = 1
    summary_anchored = summary_plan is not None and placeable(summary_plan)
    if summary_anchored:
        cuts[summary_plan.start].starts.append(summary.comment_id)
        cuts[summary_plan.end].ends.append(summary.comment_id)
    else:
        first_p = next((el for el in _body_items(body) if el.tag == _P), None)
        if first_p is None:
            first_p = next(body.iter(_P), None)
        if first_p is not None:
            _place_point(first_p, summary.comment_id)
        else:  # nowhere to hang it
            summary._comment_elm.getparent().remove(summary._comment_elm)
            written = 0

    for p in good:
        comment = comments.add_comment(text=p.text, author=AUTHOR, initials=INITIALS)
        cuts[p.start].starts.append(comment.comment_id)
        cuts[p.end].ends.append(comment.comment_id)
    written += len(good)

    for c in cuts.values():
        if c.mark is not None:
            _place_markers(c.mark, c.ends, c.starts)

    if _body_text(document) != before:
        raise _TextChanged  # splitting must never change the text; fall back if it did
    document.save(str(target))
    return DocxAnnotation(written, len(good), skipped + header_footer, header_footer, summary_anchored)


class _TextChanged(Exception):
    """The annotated body no longer reads like the original (a bug, not a user error)."""


def annotate_docx_report(result: ScanResult, source: Path, target: Path) -> DocxAnnotation:
    """Write ``target``: a copy of ``source`` with Word comments; return what was written.

    If exact anchoring trips over something unexpected in an odd document, the copy is
    written again with only the summary comment rather than failing the whole run.
    """
    data = Path(source).read_bytes()  # read once; the source is never opened for writing
    _check_zip(data, str(source))
    try:
        return _annotate(result, data, Path(source), Path(target), exact=True)
    except OSError:
        raise  # cannot write the target: the caller reports that
    except _TextChanged:  # splitting runs went wrong on odd XML: keep the run going
        return _annotate(result, data, Path(source), Path(target), exact=False)
    except docx_errors() as exc:  # lxml/python-docx surprises on odd XML: keep the run going
        if not is_damage(exc, docx_errors()):
            raise
        return _annotate(result, data, Path(source), Path(target), exact=False)


def annotate_docx(result: ScanResult, source: Path, target: Path) -> int:
    """Write a copy of ``source`` to ``target`` with Word comments; return how many.

    One comment per evidence passage of each present or weak element (identical passages
    of one element once), anchored exactly on the passage, plus one summary comment at the
    start of the body listing the missing and weak elements by pitfall and the score.
    Passages that cannot be anchored exactly (headers, footers, text that no longer maps)
    are left out and counted in the summary.
    """
    return annotate_docx_report(result, source, target).written
