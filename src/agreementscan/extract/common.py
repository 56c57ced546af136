"""Helpers shared by the format readers: heading heuristics, block building, hashing.

Everything here is pure Python and cheap to import.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..lexicon.cues import builtin_cues
from ..model import Block, BlockKind, Document

if TYPE_CHECKING:  # pragma: no cover
    from .sourcemap import Trace

__all__ = [
    "Draft",
    "build_document",
    "finish_blocks",
    "heading_label",
    "is_clause_number_start",
    "is_heading_line",
    "is_keyword_only_heading",
    "is_list_item",
    "is_short_title",
    "is_standalone_title",
    "normalise_text",
    "paragraph_title",
    "promote_titles",
    "sha256_bytes",
]

MAX_HEADING_CHARS = 90


@functools.lru_cache(maxsize=1)
def _cues() -> _HeadingPatterns:
    """Heading patterns from every built-in language's ``[headings]`` cues, built on first use.

    Extraction runs before the document's language is known, so the words of all languages
    count together ("Article 5" and "Artikel 5" are both numbered headings).
    """
    cues = builtin_cues()
    keywords = cues.keywords
    return _HeadingPatterns(
        small_words=cues.small_words,
        abbreviations=cues.abbreviations,
        caps_fillers=cues.caps_fillers,
        keyword=re.compile(rf"^{keywords}\s+({_NUMBER})(?=$|[\s:\-–—)])\s*[:\-–—)]?\s*(.*)$", re.IGNORECASE),
        # "7.2 Termination for Convenience. Either Party ..." / "(a) Term: ..."
        run_in=re.compile(
            rf"^\s*(?:{keywords}\s+)?(?:\d{{1,3}}(?:\.\d{{1,3}})*\.?|\(?[a-z]{{1,3}}\)|[A-Z]\.|[IVXLC]{{1,6}}\.)\s+"
            r"([^\s.:;,()\[\]][^.:;\n]{1,80}?)[.:]\s+(\S)",
            re.IGNORECASE,
        ),
        numbered_start=re.compile(rf"^\s*(?:\d|{keywords}\s+{_NUMBER}(?=$|[\s:.\-–—)]))", re.IGNORECASE),
    )


@dataclass(frozen=True)
class _HeadingPatterns:
    small_words: frozenset[str]
    """Stay lower case inside a Title Case heading ("Term and Termination", "Duur van de Overeenkomst")."""
    abbreviations: frozenset[str]
    """End with a period but are not a run-in title ("5.1 Mr. Smith ...")."""
    caps_fillers: frozenset[str]
    keyword: re.Pattern[str]
    run_in: re.Pattern[str]
    numbered_start: re.Pattern[str]


# A heading number: 5, 5.2, 5.2., IV, A, B-1.
_NUMBER = r"(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.?|[A-Z](?:-\d+)?\.?)"
# "5." "5.2" "5.2." "12)" then the rest; also "1.DEFINITIONS" (no space) seen in real PDFs.
_NUMBERED_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:\.|\)|(?=\s))\s*(.*)$")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S")
_CLAUSE_START_RE = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|\d{1,3}(?:\.\d{1,3})+)\s*\S")
_LIST_RE = re.compile(r"^\s*(?:[-*•▪◦–]\s+|\((?:[a-z]{1,2}|[ivxlc]{1,5}|\d{1,2})\)\s*\S|[a-z]\)\s*\S)")
_MD_ORDERED_RE = re.compile(r"^\s*\d{1,3}[.)]\s+\S")


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def normalise_text(text: str) -> str:
    """NFC-normalise and turn ``\\r\\n`` and ``\\r`` into ``\\n`` (nothing else)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _words(text: str) -> list[str]:
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def _is_capitalised(word: str) -> bool:
    for c in word:
        if c.isalpha():
            return c.isupper()
        if c.isdigit():
            return True
    return False


def _is_title_case(text: str) -> bool:
    """True for "Term and Termination": first word and all non-small words capitalised."""
    words = _words(text)
    if not words or not _is_capitalised(words[0]):
        return False
    for w in words[1:]:
        bare = w.strip("()[]\"'“”‘’,;:").lower()
        if bare in _cues().small_words:
            continue
        if not _is_capitalised(w):
            return False
    return True


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or any(c.islower() for c in letters):
        return False
    return any(sum(c.isalpha() for c in w) >= 2 for w in text.split())


def _strip_md(line: str) -> str:
    # "**Article 5 Term**" is a heading in the same way as "Article 5 Term".
    return line.strip().strip("*_").strip()


def _title_like(rest: str, *, lenient: bool) -> bool:
    """Is ``rest`` (the text after a heading number) a short title rather than a sentence?"""
    rest = rest.strip()
    if not rest:
        return True
    if rest[-1] in ",;":
        return False
    words = _words(rest)
    if len(words) > 12:
        return False
    if _is_all_caps(rest):
        return True
    ends_period = rest.endswith(".")
    if _is_title_case(rest.rstrip(".:")) and len(words) <= 10 and "." not in rest.rstrip(".")[:-1]:
        return True
    if ends_period:
        return False
    # Dutch titles are usually sentence case ("Duur en beëindiging"); allow short ones,
    # and after an explicit keyword ("Artikel 9 Beëindiging van de overeenkomst") longer ones.
    limit = 8 if lenient else 4
    return _is_capitalised(words[0]) if words and len(words) <= limit else False


def is_heading_line(line: str) -> bool:
    """Heading heuristic for one line of plain text or PDF text.

    Short (≤ 90 chars), no sentence-final period (except after a number or in ALL CAPS),
    and one of: keyword + number ("Article 5", "Artikel 9 Beëindiging"); a number and a short
    capitalised title ("7. TERM AND TERMINATION", "5.2 Payment Terms"); an ALL CAPS line;
    a markdown ``#`` heading. "5.1 The Parties shall ..." is not a heading.
    """
    raw = line.strip()
    if not raw or len(raw) > MAX_HEADING_CHARS:
        return False
    if _MD_HEADING_RE.match(raw):
        return True
    text = _strip_md(raw)
    if not text or not any(c.isalpha() for c in text):
        return False
    m = _cues().keyword.match(text)
    if m:
        return _title_like(m.group(2), lenient=True)
    m = _NUMBERED_RE.match(text)
    if m:
        rest = m.group(2).strip()
        if not rest or not any(c.isalpha() for c in rest):
            return False
        return _title_like(rest, lenient=False)
    if _is_all_caps(text):
        # ALL CAPS lines may end with "." or ":" ("WITNESSETH:"), but not mid-sentence;
        # a lone "AND"/"BY:" between party names is not a heading either.
        words = _words(text)
        if len(words) == 1 and text.strip(" :.,").lower() in _cues().caps_fillers:
            return False
        return text[-1] not in ",;" and len(words) <= 15
    return False


def is_keyword_only_heading(line: str) -> bool:
    """True for a bare "ARTICLE 5" / "Artikel 9" line whose title is on the next line."""
    text = _strip_md(line)
    m = _cues().keyword.match(text)
    return m is not None and not m.group(2).strip(" .:-–—")


def is_short_title(line: str) -> bool:
    """A short title line that may follow a bare "ARTICLE 5" line."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or text[-1] in ",;":
        return False
    if _is_all_caps(text):
        return True
    # Digits suggest a date or an amount ("May 04, 2017"), not a title.
    return not any(c.isdigit() for c in text) and _is_title_case(text.rstrip(".:")) and len(_words(text)) <= 10


def is_clause_number_start(text: str) -> bool:
    """True when text starts with a clause number such as "5." "5.1" "12)"."""
    return bool(_CLAUSE_START_RE.match(text))


def is_list_item(line: str, *, markdown: bool = False) -> bool:
    """True for bullets ("- ", "* ", "•") and "(a)"/"(iv)"/"a)" items; "1. " too in markdown."""
    if _LIST_RE.match(line):
        return True
    return markdown and bool(_MD_ORDERED_RE.match(line))


def heading_label(text: str) -> str:
    """The section name for a heading block: markdown marks removed, whitespace collapsed."""
    text = text.strip()
    if text.startswith("#"):
        text = text.lstrip("#")
    return " ".join(_strip_md(text).split())


def paragraph_title(text: str) -> str | None:
    """Run-in title of a numbered paragraph, or None.

    "7.2 Termination for Convenience. Either Party may ..." → "Termination for Convenience"
    (≤ 8 words, Title Case).
    """
    m = _cues().run_in.match(text)
    if not m:
        return None
    title = " ".join(m.group(1).split())
    words = _words(title)
    if not words or len(words) > 8 or sum(c.isalpha() for c in title) < 3:
        return None
    if len(words) == 1 and title.lower().rstrip(".") in _cues().abbreviations:
        return None
    if not (_is_title_case(title) or _is_all_caps(title)):
        return None
    return title


@dataclass
class Draft:
    """A block before its offsets and section are known."""

    text: str
    kind: BlockKind = BlockKind.PARAGRAPH
    page: int | None = None
    paragraph: int | None = None
    line: int | None = None
    start: int = -1
    end: int = -1
    trace: Trace | None = None
    """Where the (raw) text came from, for the source map (PDF and DOCX readers)."""




def is_standalone_title(line: str) -> bool:
    """A short capitalised line without final punctuation ("Considerans", "Payment Terms")."""
    text = line.strip()
    # A colon inside marks a definition ("OPTA: Onafhankelijke ..."), not a title.
    if not text or "\n" in text or len(text) > 60 or text[-1] in ".,;!?" or ":" in text:
        return False
    words = _words(text)
    if not 1 <= len(words) <= 6 or not _is_capitalised(words[0]) or any(c.isdigit() for c in text):
        return False
    # Title Case ("Payment Terms"), or a short Dutch sentence-case title ("Gehanteerde afkortingen").
    return _is_all_caps(text) or _is_title_case(text) or len(words) <= 3


def promote_titles(drafts: list[Draft]) -> None:
    """Make a one-line title paragraph a HEADING when a clearly longer block follows it."""
    for d, nxt in zip(drafts, drafts[1:], strict=False):
        if (
            d.kind is BlockKind.PARAGRAPH
            and nxt.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_ROW)
            and len(nxt.text) >= max(40, 2 * len(d.text))
            and is_standalone_title(d.text)
        ):
            d.kind = BlockKind.HEADING


def _starts_with_number(text: str) -> bool:
    """Starts a new numbered clause ("5.2 ...", "Article 7 ...")."""
    return bool(_cues().numbered_start.match(text))


def finish_blocks(drafts: list[Draft]) -> tuple[Block, ...]:
    """Turn drafts with offsets into blocks, giving each the section it belongs to.

    A heading's section is its own text; other blocks take the nearest heading above.
    A numbered paragraph with a run-in title ("7.2 Termination for Convenience. ...")
    takes that title, and so do the unnumbered blocks after it (its sub-items and
    continuations) until the next heading or numbered paragraph.
    """
    blocks: list[Block] = []
    current: str | None = None
    sub: str | None = None
    for d in drafts:
        if d.kind is BlockKind.HEADING:
            current = heading_label(d.text) or current
            sub = None
            section = current
        elif d.kind in (BlockKind.HEADER, BlockKind.FOOTER):
            section = current
        else:
            title = paragraph_title(d.text)
            numbered = _starts_with_number(d.text)
            if numbered:
                sub = title
                section = title or current
            else:
                section = title or sub or current
        blocks.append(
            Block(
                text=d.text,
                start=d.start,
                end=d.end,
                kind=d.kind,
                page=d.page,
                paragraph=d.paragraph,
                line=d.line,
                section=section,
            )
        )
    return tuple(blocks)


def build_document(
    drafts: list[Draft],
    *,
    fmt: str,
    path: str | None,
    sha256: str | None,
    pages: int | None = None,
    warnings: tuple[str, ...] = (),
    sep: str = "\n\n",
) -> Document:
    """Join draft texts with ``sep`` into the document text and compute block offsets."""
    parts: list[str] = []
    pos = 0
    kept: list[Draft] = []
    for d in drafts:
        text = normalise_text(d.text)
        if not text.strip():
            continue
        if kept:
            parts.append(sep)
            pos += len(sep)
        d.text = text
        d.start = pos
        d.end = pos + len(text)
        parts.append(text)
        pos = d.end
        kept.append(d)
    return Document(
        text="".join(parts),
        blocks=finish_blocks(kept),
        format=fmt,
        path=path,
        sha256=sha256,
        pages=pages,
        warnings=warnings,
    )
