"""Wording of the notes the annotated copies carry (Word comments, PDF highlight notes).

Shared by the DOCX and PDF writers so both say the same thing. Everything is in the
report language of the scan (``nl`` or ``en``); the analysis already wrote element names,
reasons, advice and pitfall titles in that language, so this module only adds labels.
"""

from __future__ import annotations

from ..model import ElementResult, ScanResult, Status
from ..render.i18n import elements_by_pitfall, plain, status_label, t

__all__ = ["AUTHOR", "INITIALS", "element_note", "label", "summary_note"]

AUTHOR = "agreementscan"
INITIALS = "AS"

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary_title": "agreementscan – summary of the check",
        "gaps": "Missing and weak elements, by pitfall:",
        "no_gaps": "No missing or weak elements found.",
        "unmarked": "{n} passage(s) could not be marked in the text; see the full report.",
        "pitfall_score": "{score}/100",
        "disclaimer": "Automatic check; it does not replace legal advice.",
    },
    "nl": {
        "summary_title": "agreementscan – samenvatting van de controle",
        "gaps": "Ontbrekende en zwakke onderdelen, per valkuil:",
        "no_gaps": "Geen ontbrekende of zwakke onderdelen gevonden.",
        "unmarked": "{n} passage(s) konden niet in de tekst worden gemarkeerd; zie het volledige rapport.",
        "pitfall_score": "{score}/100",
        "disclaimer": "Automatische controle; geen vervanging van juridisch advies.",
    },
}


def _lang(lang: str) -> str:
    return lang if lang in _LABELS else "en"


def label(key: str, lang: str, **values: object) -> str:
    """One of this module's own labels in ``lang`` (English when unknown)."""
    template = _LABELS[_lang(lang)][key]
    return template.format(**values) if values else template


def element_note(element: ElementResult, lang: str) -> str:
    """Comment text for one evidence passage: name, status, reason, and advice when weak.

    Lines are separated by ``\\n`` (python-docx turns each into a comment paragraph).
    """
    lang = _lang(lang)
    name = plain(element.name or element.id)
    lines = [f"{name} – {status_label(element.status, lang)}"]
    if element.reason:
        lines.append(plain(element.reason))
    if element.status is Status.WEAK and element.advice:
        lines.append(f"{t('what_to_do', lang)}: {plain(element.advice)}")
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
                heading = t("pitfall_heading", lang, n=pitfall.id, title=plain(pitfall.title))
                lines.append(f"{heading} ({label('pitfall_score', lang, score=pitfall.score)})")
            # Missing first: those are the bigger gaps.
            gaps.sort(key=lambda e: e.status is not Status.MISSING)
            for element in gaps:
                lines.append(f"• {plain(element.name or element.id)}: {status_label(element.status, lang)}")
    else:
        lines.append(label("no_gaps", lang))
    if unmarked:
        lines.append(label("unmarked", lang, n=unmarked))
    lines.append(label("disclaimer", lang))
    return "\n".join(lines)
