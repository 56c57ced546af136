"""spaCy pipelines: a blank pipeline per lexicon language with a sentencizer and lookup
lemmas, built once per process.

No model is downloaded: lemmas come from ``spacy-lookups-data`` (a language it has no table
for runs without lemmas, so its ``LEMMA`` token patterns match nothing). The sentencizer would split
after legal abbreviations ("Sec.", "art.", "B.V."), so each one becomes a tokenizer special
case taken from the language's ``common.toml``.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ..errors import AgreementscanError
from ..lexicon import builtin_languages, load_language

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
            raise AgreementscanError(
                f"cannot load the {lang} lemma table: install spacy-lookups-data ({exc})"
            ) from None
        self.table = lookups.get_table("lemma_lookup")
        self.strings = nlp.vocab.strings
        self.cache: dict[int, int] = {}

    def __call__(self, doc):  # type: ignore[no-untyped-def]
        import numpy
        from spacy.attrs import LEMMA, LOWER

        if not len(doc):
            return doc
        # Work on the array of lower-case ids: one dictionary look-up per token id instead
        # of a Python Token object per token.
        cache, table, strings = self.cache, self.table, self.strings
        lemmas = []
        for key in doc.to_array(LOWER).tolist():
            lemma = cache.get(key)
            if lemma is None:
                lower = strings[key]
                lemma = cache[key] = strings.add(table.get(lower, lower))
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64).reshape(-1, 1))
        return doc


class ArraySentencizer:
    """spaCy's rule-based sentencizer, computed on token arrays instead of a token loop.

    Same rule as ``spacy.pipeline.Sentencizer``: after a token from ``punct_chars``, the next
    token that is neither punctuation nor in ``punct_chars`` starts a sentence. Iterating
    Token objects cost about a quarter of the analysis time on long contracts.
    """

    def __init__(self, nlp: Language) -> None:
        from spacy.pipeline import Sentencizer

        self.punct = {nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars}

    def __call__(self, doc):  # type: ignore[no-untyped-def]
        import numpy
        from spacy.attrs import IS_PUNCT, ORTH, SENT_START

        length = len(doc)
        if not length:
            return doc
        arrays = doc.to_array([ORTH, IS_PUNCT])
        punct = self.punct
        is_break = numpy.fromiter((key in punct for key in arrays[:, 0].tolist()), dtype=bool, count=length)
        candidates = numpy.flatnonzero(~is_break & (arrays[:, 1] == 0))
        breaks = numpy.flatnonzero(is_break)
        starts = numpy.full(length, -1, dtype=numpy.int32)
        starts[0] = 1
        if len(breaks) and len(candidates):
            after = numpy.searchsorted(candidates, breaks, side="right")
            starts[candidates[after[after < len(candidates)]]] = 1
        doc.from_array([SENT_START], starts.reshape(-1, 1).astype(numpy.uint64))
        return doc


def has_lemma_table(lang: str) -> bool:
    """True when spacy-lookups-data ships a ``lemma_lookup`` table for ``lang``."""
    from spacy.util import registry

    # The tables are registered by spacy-lookups-data's entry point; asking the registry
    # does not load them.
    tables = registry.lookups.get_all().get(lang)
    return isinstance(tables, dict) and "lemma_lookup" in tables


def _register() -> None:
    from spacy.language import Language as _Language

    if "agreementscan_sentencizer" not in _Language.factories:
        _Language.factory("agreementscan_sentencizer", func=lambda nlp, name: ArraySentencizer(nlp))
    if "agreementscan_lemmatizer" not in _Language.factories:
        _Language.factory("agreementscan_lemmatizer", default_config={"lang": "en"},
                          func=lambda nlp, name, lang: LookupLemmatizer(nlp, lang))


# Affix rules for contract prose. spaCy's default rules handle emoticons, units, currency
# and many scripts; for sentence splitting and lemma matching in contracts these simple
# rules give the same sentences (checked on the dev corpus) at about three times the speed,
# which matters because tokenizing is the largest part of a scan.
_PREFIX = re.compile(r"""^[\(\[\{"'“‘«„]""")
_SUFFIX = re.compile(
    # As spaCy's defaults: a full stop splits off after a digit, a lower-case letter or closing
    # punctuation, or after two capitals ("TERMINATION."), but not after one ("A.", "B.V.").
    r"""[\)\]\}"'”’»,;:!?%]$|(?<=[0-9a-zà-ÿß%\)\]"'”’])\.$|(?<=[A-ZÀ-Þ][A-ZÀ-Þ])\.$""")
_INFIX = re.compile(r"""(?<=[^\W\d])[,;:/](?=[^\W\d])|--|—|–|\.\.\.""")


def _contract_tokenizer(nlp: Language):  # type: ignore[no-untyped-def]
    """A tokenizer with the language's special cases (and our abbreviations) and simple affixes."""
    from spacy.tokenizer import Tokenizer

    return Tokenizer(nlp.vocab, rules=nlp.tokenizer.rules, prefix_search=_PREFIX.search,  # type: ignore[union-attr]
                     suffix_search=_SUFFIX.search, infix_finditer=_INFIX.finditer)


def get_nlp(lang: str, abbreviations: tuple[str, ...] | None = None) -> Language:
    """Return the cached pipeline for ``lang``.

    ``abbreviations`` default to the built-in lexicon's; a language that a playbook adds
    passes its own (from its ``common.toml``).
    """
    if abbreviations is None:
        abbreviations = load_language(lang).abbreviations
    return build_nlp(lang, tuple(abbreviations))


@functools.lru_cache(maxsize=8)
def build_nlp(lang: str, abbreviations: tuple[str, ...]) -> Language:
    """A pipeline for ``lang``: spaCy's blank language (its multi-language tokenizer when
    spaCy has none for ``lang``), our abbreviations, sentencizer and lookup lemmas."""
    import spacy
    from spacy.symbols import ORTH

    try:
        nlp = spacy.blank(lang)
    except ImportError:  # spaCy has no language class for this code
        nlp = spacy.blank("xx")
    nlp.max_length = MAX_CHUNK * 2
    for abbreviation in abbreviations:
        for variant in {abbreviation, abbreviation.lower(), abbreviation.capitalize(), abbreviation.upper()}:
            nlp.tokenizer.add_special_case(variant, [{ORTH: variant}])  # type: ignore[union-attr]
    nlp.tokenizer = _contract_tokenizer(nlp)
    _register()
    nlp.add_pipe("agreementscan_sentencizer")
    # The built-in languages always get lemmas: without the table the install is broken,
    # and LookupLemmatizer says so.
    if has_lemma_table(lang) or lang in builtin_languages():
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
