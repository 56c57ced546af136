"""Word comments on the exact evidence passages of a scanned .docx.

How a passage is found again in the Word file: the extractor returns a source map with the
document (:class:`~agreementscan.model.SourceMap`): for each stretch of document text, the
child-index path from ``w:body`` to the ``w:t``/``w:tab``/``w:br`` element inside a run it
came from, and the offsets inside that element. A passage's first and last characters
give the two cut points directly; every mapped element is checked against the document
text before it is used, so a comment is either on the exact passage or not written at all.

A comment range in WordprocessingML starts and ends *between* runs, so runs are split at
the passage boundaries. A split run keeps its parent (``w:ins``, ``w:hyperlink``,
``w:smartTag``, an inline content control...) and a copy of its ``w:rPr``, so formatting and
tracked-change status do not change and the document text stays the same.
"""

from __future__ import annotations

import bisect
import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..extract.common import normalise_text
from ..extract.docx import body_items, body_texts, check_package, load_package, read_docx
from ..extract.failures import docx_errors, is_damage
from ..model import Block, BlockKind, ScanResult, SourceMap, Status
from .texts import AUTHOR, INITIALS, element_note, summary_note

__all__ = ["DocxAnnotation", "annotate_docx", "annotate_docx_report"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_P, _R, _RPR, _PPR = (_W + t for t in ("p", "r", "rPr", "pPr"))
_T, _TAB, _PTAB, _BR, _CR, _NB_HYPHEN = (_W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen"))
_TXBX = _W + "txbxContent"
# The one-character elements and the text they stand for in the document text.
_CHAR_TEXT = {_TAB: "\t", _PTAB: "\t", _BR: "\n", _CR: "\n", _NB_HYPHEN: "-"}
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
    """A cut point in the Word XML: before ``offset`` in text element ``child`` of ``run``."""

    run: Any
    child: Any
    offset: int
    host: Any
    """The nearest ``w:p`` that holds the run."""
    boxed: bool
    """True inside a text box (a paragraph nested in a paragraph)."""


@dataclass
class _BlockMap:
    """One extracted block and the Word text elements its source-map spans point to."""

    block: Block
    elements: dict[int, Any]
    """Source-map place number → its ``w:t``/``w:tab``/... element (checked against the text)."""


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


# --------------------------------------------------------------------------- locating


def _resolve(body: Any, path: tuple[int, ...]) -> Any:
    """The element at a child-index path below ``body``, or None if the tree has no such place."""
    node = body
    for i in path:
        if i >= len(node):
            return None
        node = node[i]
    return node


def _element_text(el: Any) -> str | None:
    """The text a mappable element stands for, or None if it is not one (inside a run)."""
    parent = el.getparent()
    if parent is None or parent.tag != _R:
        return None
    if el.tag == _T:
        return el.text or ""
    return _CHAR_TEXT.get(el.tag)


def _spans_in(source: SourceMap, starts: list[int], start: int, end: int) -> list[tuple[int, int, int, int, int]]:
    """The source-map spans that overlap document text ``[start, end)``."""
    i = max(bisect.bisect_right(starts, start) - 1, 0)
    out = []
    spans = source.spans
    while i < len(starts) and starts[i] < end:
        a, b, w, s, e = spans[5 * i:5 * i + 5]
        if b > start:
            out.append((a, b, w, s, e))
        i += 1
    return out


def _resolve_block(block: Block, text: str, source: SourceMap, starts: list[int], body: Any) -> _BlockMap:
    """Find the Word elements behind one block's spans; keep those whose text matches exactly."""
    elements: dict[int, Any] = {}
    for a, b, w, s, e in _spans_in(source, starts, block.start, block.end):
        if w in elements:
            continue
        el = _resolve(body, source.path(w))
        own = _element_text(el) if el is not None else None
        if own is None or e > len(own):
            continue
        piece = own[s:e] if b - a == e - s else normalise_text(own[s:e])
        if piece == text[a:b]:
            elements[w] = el
    return _BlockMap(block, elements)


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


def _block_maps(result: ScanResult, document: Any, spans: list[tuple[int, int]] | None = None,
                source: SourceMap | None = None) -> dict[int, _BlockMap]:
    """The blocks to annotate, with the Word elements behind them (from the source map).

    With ``spans``, only the blocks they touch are resolved, plus the blocks up to the
    first one that maps (the summary comment hangs there).
    """
    source = source if source is not None else result.document.source_map
    if source is None:
        return {}
    body = document.element.body
    text = result.document.text
    starts = list(source.spans[0::5])
    wanted = _wanted_blocks(result, spans) if spans is not None else None
    maps: dict[int, _BlockMap] = {}
    for block in result.document.blocks:
        if block.paragraph is None or block.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            continue
        if wanted is not None and maps and block.paragraph not in wanted:
            continue
        mapped = _resolve_block(block, text, source, starts, body)
        if mapped.elements:
            maps[block.paragraph] = mapped
    return maps


def _host(el: Any) -> tuple[Any, bool]:
    """The nearest ``w:p`` above ``el``, and whether it sits in a text box."""
    host = None
    boxed = False
    for node in el.iterancestors():
        if node.tag == _P:
            if host is None:
                host = node
            else:
                boxed = True
        elif node.tag == _TXBX:
            boxed = True
    return host, boxed


class _Locator:
    """Finds the Word cut points of document-text spans in the mapped blocks."""

    def __init__(self, maps: dict[int, _BlockMap], source: SourceMap | None):
        self._maps = sorted(maps.values(), key=lambda m: m.block.start)
        self._starts = [m.block.start for m in self._maps]
        self._source = source
        self._spans = list(source.spans[0::5]) if source is not None else []

    def _find(self, pos: int) -> _BlockMap | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        m = self._maps[i]
        return m if m.block.start <= pos < m.block.end else None

    def _point(self, pos: int, *, end: bool) -> _Char | None:
        """The cut before document offset ``pos`` (``end``: after character ``pos - 1``)."""
        block = self._find(pos - 1 if end else pos)
        if block is None or self._source is None:
            return None
        char = pos - 1 if end else pos
        i = bisect.bisect_right(self._spans, char) - 1
        if i < 0:
            return None
        a, b, w, s, e = self._source.spans[5 * i:5 * i + 5]
        el = block.elements.get(w)
        if not a <= char < b or el is None:
            return None  # a made-up character (separator, joining space) has no run
        if b - a == e - s:
            offset = s + pos - a
        elif pos == (b if end else a):
            offset = e if end else s  # a composed character is taken whole
        else:
            return None
        host, boxed = _host(el)
        return _Char(el.getparent(), el, offset, host, boxed)

    def locate(self, start: int, end: int) -> tuple[_Char, _Char] | None:
        """Cut points before ``start`` and after ``end - 1``; None if not exact."""
        if end <= start:
            return None
        a, b = self._point(start, end=False), self._point(end, end=True)
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
    document = load_package(data, str(source))
    _drop_macros(document)
    source_map = _source_map(result, data, source)
    body = document.element.body
    text = result.document.text
    passages = _evidence(result)
    before = body_texts(document)
    spans = [(start, end) for _, start, end, _ in passages]
    locator = _Locator(_block_maps(result, document, spans, source_map) if exact else {}, source_map)
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
        return _Plan(note, cut_key(a.run, a.child, a.offset), cut_key(b.run, b.child, b.offset))

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
    if summary_anchored and summary_plan is not None:
        cuts[summary_plan.start].starts.append(summary.comment_id)
        cuts[summary_plan.end].ends.append(summary.comment_id)
    else:
        first_p = next((el for el in body_items(body) if el.tag == _P), None)
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

    if body_texts(document) != before:
        raise _TextChanged  # splitting must never change the text; fall back if it did
    document.save(str(target))
    return DocxAnnotation(written, len(good), skipped + header_footer, header_footer, summary_anchored)


def _source_map(result: ScanResult, data: bytes, source: Path) -> SourceMap | None:
    from .sourcemaps import own_source_map

    return own_source_map(result, data, "docx", lambda digest: read_docx(data, str(source), sha256=digest))


class _TextChanged(Exception):
    """The annotated body no longer reads like the original (a bug, not a user error)."""


def annotate_docx_report(result: ScanResult, source: Path, target: Path) -> DocxAnnotation:
    """Write ``target``: a copy of ``source`` with Word comments; return what was written.

    If exact anchoring trips over something unexpected in an odd document, the copy is
    written again with only the summary comment rather than failing the whole run.
    """
    data = Path(source).read_bytes()  # read once; the source is never opened for writing
    check_package(data, str(source))
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
