"""Validated, immutable lexicon values (what the loader returns)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..model import Severity

FALLBACK_LANGUAGE = "en"
"""The language a text falls back to when it has no version in the requested language."""

VALUE_KINDS = ("notice_period", "frequency", "percentage", "number", "date", "period", "money")
"""Value checks a rule or element may ask for; patterns live in each language's common.toml."""

RULE_STATUSES = ("present", "weak")
NEGATION_MODES = ("weak", "ignore", "count")


T = TypeVar("T")


@dataclass(frozen=True)
class Localized(Mapping[str, T], Generic[T]):
    """A value per language (a text, a list of questions), read-only.

    ``get(lang)`` never fails: it returns ``lang``'s version, else the English one
    (:data:`FALLBACK_LANGUAGE`), else the first one given, so a language that a playbook
    adds without translating every checklist text still gets a readable report.
    """

    entries: tuple[tuple[str, T], ...]

    def __getitem__(self, lang: str) -> T:
        for key, value in self.entries:
            if key == lang:
                return value
        raise KeyError(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(key for key, _ in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, lang: str, default: Any = None) -> T:  # type: ignore[override]
        """``lang``'s version, else English, else the first; ``default`` only when empty."""
        values = dict(self.entries)
        if lang in values:
            return values[lang]
        if FALLBACK_LANGUAGE in values:
            return values[FALLBACK_LANGUAGE]
        if self.entries:
            return self.entries[0][1]
        return default

    @classmethod
    def of(cls, values: Mapping[str, T]) -> Localized[T]:
        """From a mapping, keys sorted so equal contents compare (and hash) equal."""
        return cls(tuple(sorted(values.items())))


Text = Localized[str]
"""A user-facing text per language."""


@dataclass(frozen=True)
class PitfallInfo:
    id: int
    key: str
    title: Text
    summary: Text
    tip: Text


@dataclass(frozen=True)
class ElementInfo:
    """Language-independent facts and texts about one checklist element."""

    id: str
    pitfall: int
    severity: Severity
    name: Text
    description: Text
    why: Text
    advice: Text
    question_lists: Localized[tuple[str, ...]]
    search_terms: Localized[tuple[str, ...]]
    example_present: Text
    example_weak: Text

    def questions(self, lang: str) -> tuple[str, ...]:
        """Questions to ask, in ``lang`` (English when the checklist has none in ``lang``)."""
        return self.question_lists.get(lang, ())

    def searched_for(self, lang: str) -> tuple[str, ...]:
        """Example search terms in ``lang`` (English when the checklist has none in ``lang``)."""
        return self.search_terms.get(lang, ())


@dataclass(frozen=True)
class Checklist:
    pitfalls: tuple[PitfallInfo, ...]
    elements: tuple[ElementInfo, ...]

    def element(self, element_id: str) -> ElementInfo:
        for info in self.elements:
            if info.id == element_id:
                return info
        raise KeyError(element_id)

    def pitfall(self, pitfall_id: int) -> PitfallInfo:
        for info in self.pitfalls:
            if info.id == pitfall_id:
                return info
        raise KeyError(pitfall_id)


@dataclass(frozen=True)
class Rule:
    """One lexicon entry that can produce evidence for an element."""

    id: str
    """Full id: ``<lang>.<element>.<entry>``; shows up as ``Evidence.rule``."""
    weight: float
    regex: re.Pattern[str] | None = None
    """Compiled from ``pattern`` or ``phrases`` (case-insensitive)."""
    lower_regex: re.Pattern[str] | None = None
    """The same pattern compiled case-sensitively, for lower-cased text (about 40% faster);
    None when the pattern names upper-case letters itself (``[A-Z]``)."""
    anchors: tuple[str, ...] | None = None
    """Lower-case strings one of which every match contains (derived from the pattern)."""
    tokens: tuple[dict[str, Any], ...] | None = None
    """A spaCy Matcher token pattern, when the entry uses ``tokens``."""
    status: str = "present"
    """``weak`` when the wording on its own only covers the element vaguely."""
    context: re.Pattern[str] | None = None
    """At least one of these must occur in the same sentence."""
    exclude: re.Pattern[str] | None = None
    """None of these may occur in the same sentence."""
    value: str | None = None
    """A value kind that strengthens the hit when found in the sentence."""
    negatable: bool = True


@dataclass(frozen=True)
class ElementLexicon:
    """Everything one language's lexicon says about one element."""

    element: str
    path: str
    rules: tuple[Rule, ...]
    headings: re.Pattern[str] | None
    heading_weight: float = 2.5
    threshold: float = 2.0
    requires_value: str | None = None
    negation: str = "weak"
    negations: re.Pattern[str] | None = None
    """Wordings that state the element is excluded ("non-exclusive", "geen exclusiviteit")."""
    applicable_if: re.Pattern[str] | None = None
    """If given and nothing in the document matches, a gap is ``not_applicable``."""
    not_applicable_if: re.Pattern[str] | None = None
    """If anything matches and the element is not covered, it is ``not_applicable``."""
    each_party: bool = False
    """Present only when more than one party's side is stated (else weak: one-sided)."""
    examples_positive: tuple[str, ...] = ()
    examples_weak: tuple[str, ...] = ()
    examples_negative: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageCues:
    """How headings, parties and percentages look in one language (``common.toml``).

    Raw strings, not compiled patterns: extraction and sentence splitting use the cues of
    every language together (:mod:`agreementscan.lexicon.cues` builds those patterns), and
    tuples of strings make a cheap cache key.
    """

    numbered: tuple[str, ...] = ()
    """Words before a heading number ("Article 5"), for extraction."""
    inline: tuple[str, ...] = ()
    """Words before a number that starts an inline heading, for sentence splitting."""
    small_words: tuple[str, ...] = ()
    caps_fillers: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    not_headings: tuple[str, ...] = ()
    contents: tuple[str, ...] = ()
    definitions: tuple[str, ...] = ()
    together: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    percent_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class LanguageLexicon:
    """The full lexicon of one language."""

    language: str
    stopwords: frozenset[str]
    negation_cues: re.Pattern[str]
    placeholders: re.Pattern[str]
    abbreviations: tuple[str, ...]
    values: dict[str, re.Pattern[str]]
    elements: dict[str, ElementLexicon] = field(default_factory=dict)
    ignore: re.Pattern[str] | None = None
    """Sentences that never count as evidence (filing legends, signature blocks)."""
    definitions: re.Pattern[str] | None = None
    """Sentences that only define a term; hits there count for less."""
    cues: LanguageCues = field(default_factory=LanguageCues)
    """Heading, party and percentage wording (see :class:`LanguageCues`)."""
