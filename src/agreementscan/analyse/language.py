"""Language per block and per document from stop-word ratios.

Stop words come from each lexicon's ``common.toml``. Those of languages without a lexicon
(``lexicons/other_languages.toml``) only serve to warn that such a document is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..lexicon.loader import other_languages
from ..lexicon.schema import FALLBACK_LANGUAGE
from ..model import Document

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def block_language(text: str, stopwords: dict[str, frozenset[str]], min_hits: int = 2) -> str:
    """Best language for one block by stop-word hits, or ``und`` when too short to tell."""
    words = _WORD.findall(text[:5000].lower())
    if not words:
        return "und"
    counts = {lang: sum(map(vocabulary.__contains__, words)) for lang, vocabulary in stopwords.items()}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] < min_hits:
        return "und"
    ranked = sorted(counts.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return "und"
    return best


def detect(document: Document, stopwords: Mapping[str, frozenset[str]],
           others: Mapping[str, frozenset[str]] | None = None) -> tuple[str, tuple[str, ...], str | None]:
    """Return (document language, language per block, unsupported language if it dominates).

    ``stopwords`` per supported language; ``others`` per unsupported language (default:
    ``other_languages.toml``, less the supported ones). The document is ``mixed`` when each
    supported language holds at least 20% of the classified text, as in bilingual
    agreements with alternating paragraphs. Too little text to tell gives English (or the
    first supported language when English is not one).
    """
    if others is None:
        others = other_languages()
    other = {lang: words for lang, words in others.items() if lang not in stopwords}
    fallback = FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in stopwords else next(iter(stopwords))
    everything = dict(stopwords)
    everything.update(other)
    per_block: list[str] = []
    weight: dict[str, int] = {}
    for block in document.blocks:
        lang = block_language(block.text, everything)
        per_block.append(lang)
        if lang != "und":
            weight[lang] = weight.get(lang, 0) + len(block.text)
    if not weight:
        # Very short input (a clause or a heading): decide on the whole text with one hit.
        lang = block_language(document.text, everything, min_hits=1)
        return (lang if lang in stopwords else fallback), tuple(per_block), (lang if lang in other else None)
    total = sum(weight.values())
    top = max(weight, key=lambda k: weight[k])
    unsupported = top if top in other and weight[top] / total >= 0.5 else None
    supported = {k: v for k, v in weight.items() if k in stopwords}
    if not supported:
        return fallback, tuple(per_block), unsupported
    shares = {k: v / total for k, v in supported.items()}
    if len([k for k, share in shares.items() if share >= 0.2]) >= 2:
        return "mixed", tuple(per_block), unsupported
    return max(supported, key=lambda k: supported[k]), tuple(per_block), unsupported


def languages_for(document_language: str, available: Sequence[str]) -> tuple[str, ...]:
    """Lexicon languages to run for a document language (both for ``mixed``)."""
    if document_language == "mixed":
        return tuple(available)
    return (document_language,)
