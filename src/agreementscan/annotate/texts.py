"""Wording of the notes the annotated copies carry (Word comments, PDF highlight notes).

Shared by the DOCX and PDF writers so both say the same thing. Everything is worded in
the report language of the scan (``nl`` or ``en``), from the message catalogue and the
checklist (:mod:`agreementscan.render.words`), like every other report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import ElementResult, ScanResult, Status
from ..render.i18n import elements_by_pitfall, plain, status_label, t
from ..render.words import element_name, gap_words, pitfall_title, reason

if TYPE_CHECKING:  # pragma: no cover
    from ..lexicon.schema import Checklist

__all__ = ["AUTHOR", "INITIALS", "element_note", "label", "summary_note"]

AUTHOR = "agreementscan"
INITIALS = "AS"

def _lang(lang: str) -> str:
    from ..lexicon import LANGUAGES

    return lang if lang in LANGUAGES else "en"


def label(key: str, lang: str, **values: object) -> str:
    """One of the annotated copies' own labels (``annotate.<key>`` in the catalogue)."""
    return t(f"annotate.{key}", _lang(lang), **values)


def element_note(element: ElementResult, lang: str, checklist: Checklist | None = None) -> str:
    """Comment text for one evidence passage: name, status, reason, and advice when weak.

    Lines are separated by ``\\n`` (python-docx turns each into a comment paragraph).
    """
    lang = _lang(lang)
    words = gap_words(element, lang, checklist)
    name = plain(words.name or element.id)
    lines = [f"{name} – {status_label(element.status, lang)}"]
    why = reason(element, lang, checklist)
    if why:
        lines.append(plain(why))
    if element.status is Status.WEAK and words.advice:
        lines.append(f"{t('what_to_do', lang)}: {plain(words.advice)}")
    return "\n".join(lines)


def summary_note(result: ScanResult, *, unmarked: int = 0) -> str:
    """The one overall note: score, then missing and weak elements grouped by pitfall.

    ``unmarked`` is the number of evidence passages the writer could not anchor; it is
    mentioned so a reader knows the marks in the text are not the whole story.
    """
    lang = _lang(result.report_language)
    lines = [label("summary_title", lang), f"{t('overall_score', lang)}: {t('score_value', lang, score=result.score)}"]
    groups = []
    for pitfall, elements in elements_by_pitfall(result):
        gaps = [e for e in elements if e.status in (Status.MISSING, Status.WEAK)]
        if gaps:
            groups.append((pitfall, gaps))
    if groups:
        lines.append(label("gaps", lang))
        for pitfall, gaps in groups:
            if pitfall is None:
                lines.append(t("other_elements", lang))
            else:
                title = pitfall_title(pitfall, lang, result.checklist)
                heading = t("pitfall_heading", lang, n=pitfall.id, title=plain(title))
                lines.append(f"{heading} ({label('pitfall_score', lang, score=pitfall.score)})")
            # Missing first: those are the bigger gaps.
            gaps.sort(key=lambda e: e.status is not Status.MISSING)
            for element in gaps:
                name = element_name(element, lang, result.checklist)
                lines.append(f"• {plain(name or element.id)}: {status_label(element.status, lang)}")
    else:
        lines.append(label("no_gaps", lang))
    if unmarked:
        lines.append(label("unmarked", lang, n=unmarked))
    lines.append(label("disclaimer", lang))
    return "\n".join(lines)
