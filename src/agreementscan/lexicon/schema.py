"""Validated, immutable lexicon values (what the loader returns)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Severity

LANGUAGES = ("nl", "en")
"""Languages with a full lexicon; ids must be identical across them."""

VALUE_KINDS = ("notice_period", "frequency", "percentage", "number", "date", "period", "money")
"""Value checks a rule or element may ask for; patterns live in each language's common.toml."""

RULE_STATUSES = ("present", "weak")
NEGATION_MODES = ("weak", "ignore", "count")


@dataclass(frozen=True)
class Text2:
    """A user-facing text in both languages."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class PitfallInfo:
    id: int
    key: str
    title: Text2
    summary: Text2
    tip: Text2


@dataclass(frozen=True)
class ElementInfo:
    """Language-independent facts and texts about one checklist element."""

    id: str
    pitfall: int
    severity: Severity
    name: Text2
    description: Text2
    why: Text2
    advice: Text2
    questions_nl: tuple[str, ...]
    questions_en: tuple[str, ...]
    searched_for_nl: tuple[str, ...]
    searched_for_en: tuple[str, ...]
    example_present: Text2
    example_weak: Text2

    def questions(self, lang: str) -> tuple[str, ...]:
        return self.questions_nl if lang == "nl" else self.questions_en

    def searched_for(self, lang: str) -> tuple[str, ...]:
        return self.searched_for_nl if lang == "nl" else self.searched_for_en


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
