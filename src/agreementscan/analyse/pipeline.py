"""spaCy pipelines: blank ``nl``/``en`` with a sentencizer and lookup lemmas, built once per process.

No model is downloaded: lemmas come from ``spacy-lookups-data``. The sentencizer would split
after legal abbreviations ("Sec.", "art.", "B.V."), so each one becomes a tokenizer special
case taken from the language's ``common.toml``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..errors import AgreementscanError
from ..lexicon import load_language

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

MAX_CHUNK = 100_000
"""Characters per spaCy call; long blocks are cut at whitespace so memory stays flat."""


@functools.lru_cache(maxsize=4)
def get_nlp(lang: str) -> Language:
    """Return the cached pipeline for ``lang`` (``nl`` or ``en``)."""
    import spacy
    from spacy.symbols import ORTH

    lexicon = load_language(lang)
    nlp = spacy.blank(lang)
    nlp.max_length = MAX_CHUNK * 2
    for abbreviation in lexicon.abbreviations:
        for variant in {abbreviation, abbreviation.lower(), abbreviation.capitalize(), abbreviation.upper()}:
            nlp.tokenizer.add_special_case(variant, [{ORTH: variant}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()
    except (OSError, ValueError) as exc:  # lookup tables missing: a broken install, not user error
        raise AgreementscanError(f"cannot build the {lang} pipeline: install spacy-lookups-data ({exc})") from None
    return nlp


def chunks(text: str, size: int = MAX_CHUNK) -> list[tuple[int, str]]:
    """Cut ``text`` into pieces of at most ``size`` chars at whitespace; return (offset, piece)."""
    if len(text) <= size:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind(" ", start + size // 2, end)
            cut = max(cut, text.rfind("\n", start + size // 2, end))
            if cut > start:
                end = cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces
