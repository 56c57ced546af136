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


class LookupLemmatizer:
    """Lemmas from the ``lemma_lookup`` table of spacy-lookups-data, looked up lower-cased.

    spaCy's own lookup lemmatizer is correct but spends about 9 µs per token in Python and
    looks words up case-sensitively (the English table only knows lower-case forms, so
    "Terminated" kept its own text). This component reads the same table once and caches
    the lemma id per lower-case form: about 0.3 µs per token.
    """

    def __init__(self, nlp: Language, lang: str) -> None:
        from spacy.lookups import load_lookups

        try:
            lookups = load_lookups(lang, ["lemma_lookup"])
        except (OSError, ValueError) as exc:  # a broken install, not a user error
            raise AgreementscanError(f"cannot load the {lang} lemma table: install spacy-lookups-data ({exc})") from None
        self.table = lookups.get_table("lemma_lookup")
        self.strings = nlp.vocab.strings
        self.cache: dict[int, int] = {}

    def __call__(self, doc):  # type: ignore[no-untyped-def]
        import numpy
        from spacy.attrs import LEMMA, LOWER

        if not len(doc):
            return doc
        # Work on the array of lower-case ids: one dictionary look-up per distinct word
        # instead of a Python Token object per token.
        lowers = doc.to_array(LOWER)
        cache, table, strings = self.cache, self.table, self.strings
        unique, inverse = numpy.unique(lowers, return_inverse=True)
        mapped = numpy.empty(len(unique), dtype=numpy.uint64)
        for index, key in enumerate(unique.tolist()):
            lemma = cache.get(key)
            if lemma is None:
                lower = strings[key]
                lemma = cache[key] = strings.add(table.get(lower, lower))
            mapped[index] = lemma
        doc.from_array([LEMMA], mapped[inverse].reshape(-1, 1))
        return doc


def _register() -> None:
    from spacy.language import Language as _Language

    if "agreementscan_lemmatizer" not in _Language.factories:
        _Language.factory("agreementscan_lemmatizer", default_config={"lang": "en"},
                          func=lambda nlp, name, lang: LookupLemmatizer(nlp, lang))


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
    _register()
    nlp.add_pipe("agreementscan_lemmatizer", config={"lang": lang})
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
