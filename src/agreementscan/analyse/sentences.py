"""Sentences with absolute offsets and the section heading they fall under.

Headings come from two places: heading blocks found by the extractor, and inline
headings inside long paragraphs ("7. TERM AND TERMINATION. (a) This Agreement ..."),
which are common in filed contracts whose layout was flattened.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import BlockKind, Document
from .pipeline import chunks, get_nlp

_NUMBERING = re.compile(
    r"^\s*(?:(?:article|artikel|section|clause|chapter|hoofdstuk|paragraaf|schedule|exhibit|annex|bijlage|§)\s*)?"
    r"(?:[0-9]+(?:\.[0-9]+)*[.)]?|\(?(?:[ivxlc]+|[a-z])[.)])?\s*",
    re.IGNORECASE,
)
_VERB = re.compile(r"\b(shall|will|may|must|is|are|has|have|zal|zullen|kan|kunnen|is|zijn|wordt|worden|heeft|hebben)\b", re.I)


# Page furniture that looks like a heading but names no section.
_NOT_HEADING = re.compile(r"^\s*(?:page\s+\d+|pagina\s+\d+|source:|bron:|\d+\s*$|-\s*\d+\s*-|\(?[a-z]\)\s*$|table of contents|inhoudsopgave)", re.I)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    block: int
    section: str | None
    heading: bool
    """True when the sentence itself is a heading (a heading block or an inline heading)."""


def inline_heading(text: str) -> str | None:
    """Return the title if ``text`` reads like a heading, else None."""
    stripped = text.strip()
    if not stripped or len(stripped) > 90:
        return None
    if _NOT_HEADING.match(stripped):
        return None
    numbered = _NUMBERING.match(stripped)
    has_number = bool(numbered and numbered.group().strip())
    title = stripped[numbered.end():] if numbered else stripped
    title = title.strip(" .:-–\t")
    if not title or len(title) > 70:
        return None
    words = title.split()
    if len(words) > 9 or not any(c.isalpha() for c in title):
        return None
    letters = [c for c in title if c.isalpha()]
    if sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) >= 3:
        return title
    if _VERB.search(title):
        return None
    long_words = [w for w in words if len(w) > 3]
    closed = stripped.rstrip()[-1:] in (".", ":")
    # A capitalised phrase is a heading when it is numbered ("Article 9 Beëindiging") or
    # closed by a full stop or colon ("Termination for Convenience."), not mid-sentence.
    if long_words and all(w[0].isupper() for w in long_words) and words[0][0].isupper() and (closed or has_number):
        return title
    return None


TokenHit = tuple[str, int, int]
"""(rule id, start, end) of a spaCy Matcher match, in document offsets."""


def split_sentences(
    document: Document,
    lang: str,
    block_languages: tuple[str, ...] = (),
    matchers: dict[str, object] | None = None,
) -> tuple[list[Sentence], list[TokenHit]]:
    """All sentences of the document in order, each tagged with its section heading.

    ``matchers`` maps a language to a spaCy ``Matcher`` whose match ids are rule ids; its
    matches are returned alongside, so each text goes through spaCy only once.
    """
    text = document.text
    out: list[Sentence] = []
    token_hits: list[TokenHit] = []
    current: str | None = None
    previous_block_section: str | None = None
    nlps: dict[str, object] = {}
    for index, block in enumerate(document.blocks):
        if block.section != previous_block_section:
            current = block.section
            previous_block_section = block.section
        if block.kind == BlockKind.HEADING:
            current = block.section or block.text.strip()
            out.append(Sentence(block.start, block.end, index, current, True))
            continue
        block_lang = block_languages[index] if index < len(block_languages) else lang
        if block_lang not in ("nl", "en"):
            block_lang = lang if lang in ("nl", "en") else "en"
        nlp = nlps.get(block_lang) or nlps.setdefault(block_lang, get_nlp(block_lang))
        for offset, piece in chunks(block.text):
            doc = nlp(piece)  # type: ignore[operator]
            matcher = (matchers or {}).get(block_lang)
            if matcher is not None:
                base = block.start + offset
                for match_id, t_start, t_end in matcher(doc):  # type: ignore[operator]
                    span = doc[t_start:t_end]
                    token_hits.append((doc.vocab.strings[match_id], base + span.start_char, base + span.end_char))
            for sent in doc.sents:
                s_start = block.start + offset + sent.start_char
                s_end = block.start + offset + sent.end_char
                # Trim whitespace so evidence spans start and end on text.
                while s_start < s_end and text[s_start].isspace():
                    s_start += 1
                while s_end > s_start and text[s_end - 1].isspace():
                    s_end -= 1
                if s_start >= s_end:
                    continue
                title = inline_heading(text[s_start:s_end])
                if title is not None:
                    current = title
                    out.append(Sentence(s_start, s_end, index, current, True))
                else:
                    out.append(Sentence(s_start, s_end, index, current, False))
    return out, token_hits


class SentenceIndex:
    """Find the sentence containing an offset in O(log n)."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.sentences = sentences
        self._starts = [s.start for s in sentences]

    def at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        if offset < self.sentences[i].end:
            return i
        return None
