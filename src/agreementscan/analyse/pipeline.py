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


class _LowerLemma:
    """Give capitalised words ("Terminated", "Partijen") the lemma of their lower-case form.

    The lookup tables are case-sensitive (the English one only knows lower-case forms), so
    without this a word at the start of a sentence or in a heading keeps its own text.
    """

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.table: object | None = None

    def __call__(self, doc):  # type: ignore[no-untyped-def]
        if self.table is None:
            self.table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        table = self.table
        for token in doc:
            text = token.text
            if token.lemma_ == text and not text.islower():
                lower = text.lower()
                token.lemma_ = table.get(lower, lower)  # type: ignore[attr-defined]
        return doc


def _register() -> None:
    from spacy.language import Language as _Language

    if "agreementscan_lower_lemma" not in _Language.factories:
        _Language.factory("agreementscan_lower_lemma", func=lambda nlp, name: _LowerLemma(nlp))


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
    _register()
    nlp.add_pipe("agreementscan_lower_lemma")
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
