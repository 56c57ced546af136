"""The analysis' own sentences exist in Dutch and English with the same placeholders."""

from __future__ import annotations

import string

from agreementscan.analyse.texts import _TEXTS


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_in_both_languages_with_the_same_fields() -> None:
    for key, entry in _TEXTS.items():
        assert set(entry) == {"nl", "en"}, key
        assert entry["nl"].strip() and entry["en"].strip(), key
        assert _fields(entry["nl"]) == _fields(entry["en"]), key
