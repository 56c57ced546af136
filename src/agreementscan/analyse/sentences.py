"""Sentences with absolute offsets and the section heading they fall under.

Headings come from two places: heading blocks found by the extractor, and inline
headings inside long paragraphs ("7. TERM AND TERMINATION. (a) This Agreement ..."),
which are common in filed contracts whose layout was flattened.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..lexicon.cues import StructureCues, builtin_cues
from ..lexicon.loader import builtin_languages
from ..lexicon.schema import FALLBACK_LANGUAGE
from ..model import BlockKind, Document
from .pipeline import MAX_CHUNK, chunks, get_nlp


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    block: int
    section: str | None
    heading: bool
    """True when the sentence itself is a heading (a heading block or an inline heading)."""


def inline_heading(text: str, cues: StructureCues | None = None) -> str | None:
    """Return the title if ``text`` reads like a heading, else None.

    ``cues``: the heading words of the languages in play (default: the built-in ones).
    """
    cues = cues or builtin_cues()
    stripped = text.strip()
    if not stripped or len(stripped) > 90:
        return None
    if cues.not_heading.match(stripped):
        return None
    numbered = cues.numbering.match(stripped)
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
    if cues.verb.search(title):
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


@dataclass(frozen=True)
class TokenMatcher:
    """A spaCy Matcher plus the first-token values every one of its patterns starts with.

    spaCy's Matcher creates a Python Token for every token it visits, so it runs only on
    the sentences that contain a possible first token (None: run on every sentence).
    """

    matcher: object
    first: dict[str, frozenset[int]] | None


def _first_tokens(nlp: object, patterns: list[list[dict]]) -> dict[str, frozenset[int]] | None:
    """Hashes of the LEMMA/LOWER values that can start a match, per attribute, or None."""
    strings = nlp.vocab.strings  # type: ignore[attr-defined]
    found: dict[str, set[int]] = {}
    for pattern in patterns:
        first = pattern[0] if pattern else {}
        if first.get("OP") in ("?", "*", "{0,"):
            return None
        keys = [k for k in first if k != "OP"]
        if len(keys) != 1 or keys[0] not in ("LEMMA", "LOWER"):
            return None
        value = first[keys[0]]
        values = value["IN"] if isinstance(value, dict) and set(value) == {"IN"} else [value]
        if not all(isinstance(v, str) for v in values):
            return None
        found.setdefault(keys[0], set()).update(strings.add(v if keys[0] == "LEMMA" else v.lower()) for v in values)
    return {k: frozenset(v) for k, v in found.items()}


def _token_hits(token_matcher: TokenMatcher, doc: object, base: int) -> list[TokenHit]:
    from spacy.attrs import LEMMA, LOWER

    matcher = token_matcher.matcher
    spans: list[object]
    if token_matcher.first is None:
        spans = [doc]
    else:
        positions: list[int] = []
        for attr, values in token_matcher.first.items():
            column = doc.to_array(LEMMA if attr == "LEMMA" else LOWER).tolist()  # type: ignore[attr-defined]
            positions.extend(i for i, key in enumerate(column) if key in values)
        if not positions:
            return []
        sentences = list(doc.sents)  # type: ignore[attr-defined]
        starts = [sent.start for sent in sentences]
        chosen = sorted({bisect.bisect_right(starts, int(p)) - 1 for p in positions})
        spans = [sentences[i] for i in chosen if i >= 0]
    out: list[TokenHit] = []
    for span in spans:
        for match_id, t_start, t_end in matcher(span):  # type: ignore[operator]
            sub = span[t_start:t_end]  # type: ignore[index]
            out.append((doc.vocab.strings[match_id], base + sub.start_char, base + sub.end_char))  # type: ignore[attr-defined]
    return out



def _groups(document: Document, lang: str, block_languages: tuple[str, ...],
            languages: Sequence[str]) -> list[tuple[str, list[int]]]:
    """Runs of consecutive non-heading blocks in one language, at most MAX_CHUNK characters.

    spaCy costs tens of microseconds per call, and a PDF has thousands of short blocks, so
    neighbouring blocks go through spaCy together; a heading block stands alone. A block in
    no language of ``languages`` (too short to tell, or unsupported) goes with ``lang``.
    """
    groups: list[tuple[str, list[int]]] = []
    size = 0
    fallback = lang if lang in languages else FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in languages else languages[0]
    for index, block in enumerate(document.blocks):
        block_lang = block_languages[index] if index < len(block_languages) else lang
        if block_lang not in languages:
            block_lang = fallback
        if block.kind == BlockKind.HEADING:
            groups.append(("heading", [index]))
            size = 0
            continue
        length = block.end - block.start
        if groups and groups[-1][0] == block_lang and size + length <= MAX_CHUNK:
            groups[-1][1].append(index)
            size += length
        else:
            groups.append((block_lang, [index]))
            size = length
    return groups


def split_sentences(
    document: Document,
    lang: str,
    block_languages: tuple[str, ...] = (),
    matchers: dict[str, TokenMatcher] | None = None,
    languages: Sequence[str] | None = None,
    cues: StructureCues | None = None,
    abbreviations: dict[str, tuple[str, ...]] | None = None,
) -> tuple[list[Sentence], list[TokenHit]]:
    """All sentences of the document in order, each tagged with its section heading.

    A sentence never crosses a block boundary. ``matchers`` maps a language to the token
    rules' Matcher; its matches are returned alongside, so each text goes through spaCy once.
    ``languages`` have a pipeline (default: the built-in ones); ``cues`` are their heading words;
    ``abbreviations`` per language (default: the built-in lexicon's) become tokenizer exceptions.
    """
    if languages is None:
        languages = builtin_languages()
    cues = cues or builtin_cues()
    text = document.text
    blocks = document.blocks
    out: list[Sentence] = []
    token_hits: list[TokenHit] = []
    state: dict[str, object] = {"current": None, "previous": object(), "block": -1}

    def enter(index: int) -> None:
        if state["block"] == index:
            return
        state["block"] = index
        section = blocks[index].section
        if section != state["previous"]:
            state["current"] = section
            state["previous"] = section

    def emit(index: int, start: int, end: int) -> None:
        # Trim whitespace so evidence spans start and end on text.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return
        enter(index)
        title = inline_heading(text[start:end], cues)
        if title is not None:
            state["current"] = title
        out.append(Sentence(start, end, index, state["current"], title is not None))  # type: ignore[arg-type]

    for group_lang, members in _groups(document, lang, block_languages, languages):
        if group_lang == "heading":
            index = members[0]
            enter(index)
            state["current"] = blocks[index].section or blocks[index].text.strip()
            out.append(Sentence(blocks[index].start, blocks[index].end, index, state["current"], True))  # type: ignore[arg-type]
            continue
        nlp = get_nlp(group_lang, (abbreviations or {}).get(group_lang))
        token_matcher = (matchers or {}).get(group_lang)
        first, last = blocks[members[0]], blocks[members[-1]]
        for offset, piece in chunks(text[first.start:last.end]):
            base = first.start + offset
            doc = nlp(piece)
            if token_matcher is not None:
                token_hits.extend(_token_hits(token_matcher, doc, base))
            pointer = 0
            for sent in doc.sents:
                s_start, s_end = base + sent.start_char, base + sent.end_char
                # Cut the sentence at block boundaries: each part belongs to one block.
                while s_start < s_end and pointer < len(members):
                    block = blocks[members[pointer]]
                    if block.end <= s_start:
                        pointer += 1
                        continue
                    part_end = min(s_end, block.end)
                    if part_end > block.start:
                        emit(members[pointer], max(s_start, block.start), part_end)
                    if part_end >= s_end:
                        break
                    s_start = part_end
                    pointer += 1
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
