"""Patterns built from the heading, party and percentage cues of several languages.

Extraction runs before the language is known, and headings in a bilingual contract may be
in either language, so these patterns join the cues of every language in play. The words
come from each ``<lang>/common.toml`` (``[headings]``, ``[parties]``, ``percent_words``);
only language-neutral shapes (numbers, "§", punctuation) are written here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .loader import builtin_languages, language_cues
from .schema import LanguageCues


def _alternatives(words: Iterable[str], *, literal: bool = True) -> str:
    """One alternation, longest first so no word is cut short by a shorter one it starts with."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) if literal else w for w in unique) or "(?!)"


@dataclass(frozen=True)
class StructureCues:
    """Compiled heading, party and percentage patterns for a set of languages."""

    keywords: str
    """Alternation of the words before a heading number (extraction), for use inside patterns."""
    small_words: frozenset[str]
    caps_fillers: frozenset[str]
    abbreviations: frozenset[str]
    numbering: re.Pattern[str]
    verb: re.Pattern[str]
    not_heading: re.Pattern[str]
    toc_entry: re.Pattern[str]
    definitions_heading: re.Pattern[str]
    subject: re.Pattern[str]
    both: re.Pattern[str]
    percent: re.Pattern[str]


@functools.lru_cache(maxsize=16)
def structure_cues(cues: tuple[LanguageCues, ...]) -> StructureCues:
    """The joint patterns of ``cues`` (cached: a tuple of frozen dataclasses is its own key)."""
    def words(name: str) -> list[str]:
        return [w for c in cues for w in getattr(c, name)]

    inline = _alternatives([*words("inline"), "§"])
    numbering = re.compile(
        rf"^\s*(?:(?:{inline})\s*)?"
        r"(?:[0-9]+(?:\.[0-9]+)*[.)]?|\(?(?:[ivxlc]+|[a-z])[.)])?\s*",
        re.IGNORECASE,
    )
    verb = re.compile(rf"\b({_alternatives(words('verbs'))})\b", re.I)
    furniture = _alternatives([*words("not_headings"), r"\d+\s*$", r"-\s*\d+\s*-", r"\(?[a-z]\)\s*$"], literal=False)
    not_heading = re.compile(rf"^\s*(?:{furniture})", re.I)
    # A table-of-contents line: several "title page-number clause-number" runs in one sentence.
    toc_entry = re.compile(rf"[^\W\d]\s+\d{{1,3}}\s+(?:\d{{1,2}}\.\d{{1,2}}|{_alternatives(words('contents'))})\b"
                           r"|\.{4,}\s*\d+", re.I)
    definitions = re.compile(rf"\b(?:{_alternatives(words('definitions'), literal=False)})\b", re.I)
    articles = _alternatives(words("articles"))
    subjects = _alternatives(words("subjects"))
    # Case-sensitive on purpose: a capitalised name ("The Supplier") is the subject.
    subject = re.compile(
        r"^\W*(?:\(?[0-9a-z]{1,3}[.)]\s*)*(?:[0-9]+(?:\.[0-9]+)*\.?\s*)?"
        rf"(?:(?:{articles})\s+)?((?:[A-Z][\w&'’-]*\s?){{1,4}}|{subjects})",
    )
    both = re.compile(_alternatives(words("together"), literal=False), re.I)
    percent = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,2})?)\s*"
                         rf"(?:%|{_alternatives(words('percent_words'), literal=False)})", re.I)
    return StructureCues(
        keywords=f"(?:{_alternatives(words('numbered'))})",
        small_words=frozenset(words("small_words")),
        caps_fillers=frozenset(words("caps_fillers")),
        abbreviations=frozenset(words("abbreviations")),
        numbering=numbering, verb=verb, not_heading=not_heading, toc_entry=toc_entry,
        definitions_heading=definitions, subject=subject, both=both, percent=percent,
    )


def builtin_cues() -> StructureCues:
    """The joint patterns of the built-in languages (what extraction uses)."""
    return structure_cues(tuple(language_cues(lang) for lang in builtin_languages()))
