"""Every message of the catalogue exists in Dutch and English with the same placeholders."""

from __future__ import annotations

import string
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from agreementscan.lexicon.loader import lexicon_root


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _raw(lang: str) -> dict[str, str]:
    """The catalogue file itself, without the English fallback the loader adds."""
    path = lexicon_root() / lang / "messages.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["messages"]


def test_every_text_in_both_languages_with_the_same_fields() -> None:
    by_lang = {lang: _raw(lang) for lang in ("nl", "en")}
    _TEXTS = {key: {lang: by_lang[lang][key] for lang in by_lang if key in by_lang[lang]}
              for key in by_lang["nl"].keys() | by_lang["en"].keys()}
    for key, entry in _TEXTS.items():
        assert set(entry) == {"nl", "en"}, key
        assert entry["nl"].strip() and entry["en"].strip(), key
        assert _fields(entry["nl"]) == _fields(entry["en"]), key
