"""Language per block and per document from stop-word ratios.

Stop words come from each lexicon's ``common.toml``. A few German and French function
words are kept here only to warn that such a document is not supported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Document

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Frequent function words that are not also frequent in Dutch or English.
_OTHER = {
    "de": frozenset("der die das und ist nicht mit dem den des sich auf für eine einer wird werden zwischen vertrag oder auch".split()),
    "fr": frozenset("le la les et est une des du pour dans par sur avec qui que au aux ce contrat entre sont ou".split()),
}


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


def detect(document: Document, stopwords: dict[str, frozenset[str]]) -> tuple[str, tuple[str, ...], str | None]:
    """Return (document language, language per block, unsupported language if it dominates).

    The document is ``mixed`` when each supported language holds at least 20% of the
    classified text, as in bilingual agreements with alternating paragraphs.
    """
    everything = dict(stopwords)
    everything.update(_OTHER)
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
        return (lang if lang in stopwords else "en"), tuple(per_block), (lang if lang in _OTHER else None)
    total = sum(weight.values())
    top = max(weight, key=lambda k: weight[k])
    unsupported = top if top in _OTHER and weight[top] / total >= 0.5 else None
    supported = {k: v for k, v in weight.items() if k in stopwords}
    if not supported:
        return "en", tuple(per_block), unsupported
    shares = {k: v / total for k, v in supported.items()}
    if len([k for k, share in shares.items() if share >= 0.2]) >= 2:
        return "mixed", tuple(per_block), unsupported
    return max(supported, key=lambda k: supported[k]), tuple(per_block), unsupported


def languages_for(document_language: str, available: Sequence[str]) -> tuple[str, ...]:
    """Lexicon languages to run for a document language (both for ``mixed``)."""
    if document_language == "mixed":
        return tuple(available)
    return (document_language,)
