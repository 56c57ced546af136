"""Lexicons: validated data describing how each checklist element is recognised."""

from __future__ import annotations

from .loader import lexicon_root, load_checklist, load_element, load_language
from .schema import LANGUAGES, Checklist, ElementInfo, ElementLexicon, LanguageLexicon, Rule

__all__ = [
    "LANGUAGES", "Checklist", "ElementInfo", "ElementLexicon", "LanguageLexicon", "Rule",
    "lexicon_root", "load_checklist", "load_element", "load_language",
]
