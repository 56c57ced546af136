"""Lexicons: validated data describing how each checklist element is recognised.

The languages are data too: every ``lexicons/<lang>/`` folder with a ``common.toml`` is
one (:func:`builtin_languages`), and a playbook can add more.
"""

from __future__ import annotations

from typing import Any

from .loader import builtin_languages, discover_languages, lexicon_root, load_checklist, load_element, load_language
from .schema import FALLBACK_LANGUAGE, Checklist, ElementInfo, ElementLexicon, LanguageLexicon, Localized, Rule

__all__ = [
    "LANGUAGES", "FALLBACK_LANGUAGE", "Checklist", "ElementInfo", "ElementLexicon", "LanguageLexicon", "Localized",
    "Rule", "builtin_languages", "discover_languages", "lexicon_root", "load_checklist", "load_element",
    "load_language",
]


def __getattr__(name: str) -> Any:
    # ``LANGUAGES`` is read from the lexicon folders when first asked for, not at import.
    if name == "LANGUAGES":
        return builtin_languages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
