"""User-facing words of the reports, in Dutch and English, and how to present them.

Everything the analysis wrote (element names, reasons, advice, questions, pitfall titles
and tips) is already in the report language; this module only holds the renderers' own
labels, so the two dictionaries must have exactly the same keys (a test checks that).
It also holds the small presentation helpers the text and Markdown reports share
(excerpts, locations, grouping by pitfall), so that both say things the same way.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import ElementResult, Evidence, PitfallSummary, ScanResult, Severity, Status

DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Partnership agreement check",
        "file": "File",
        "no_path": "(text input)",
        "format": "Format",
        "language": "Language",
        "pages": "Pages",
        "score": "Score",
        "overall_score": "Overall score",
        "score_value": "{score}/100",
        "pitfall_heading": "Pitfall {n}: {title}",
        "pitfall": "Pitfall",
        "other_elements": "Other elements",
        "element": "Element",
        "status": "Status",
        "reason": "Reason",
        "evidence": "Evidence",
        "more_evidence": "(+{n} more)",
        "what_to_do": "What to do",
        "questions": "Ask your partner",
        "searched_for": "Searched for",
        "tip": "Tip",
        "checks": "Checks",
        "no_checks": "No inconsistencies found.",
        "severity": "Severity",
        "message": "Message",
        "warnings": "Warnings",
        "summary": "Summary",
        "quote": "“{text}”",
        "status.present": "present",
        "status.weak": "weak",
        "status.missing": "missing",
        "status.not_applicable": "not applicable",
        "severity.error": "error",
        "severity.warning": "warning",
        "severity.info": "info",
        "loc.page": "page {n}",
        "loc.paragraph": "paragraph {n}",
        "loc.line": "line {n}",
        "loc.section": "section “{name}”",
        "lang.nl": "Dutch",
        "lang.en": "English",
        "lang.mixed": "mixed Dutch/English",
        "lang.und": "unknown",
    },
    "nl": {
        "title": "Controle samenwerkingsovereenkomst",
        "file": "Bestand",
        "no_path": "(ingevoerde tekst)",
        "format": "Formaat",
        "language": "Taal",
        "pages": "Pagina's",
        "score": "Score",
        "overall_score": "Totaalscore",
        "score_value": "{score}/100",
        "pitfall_heading": "Valkuil {n}: {title}",
        "pitfall": "Valkuil",
        "other_elements": "Overige onderdelen",
        "element": "Onderdeel",
        "status": "Status",
        "reason": "Toelichting",
        "evidence": "Bewijs",
        "more_evidence": "(+{n} meer)",
        "what_to_do": "Wat te doen",
        "questions": "Vraag je partner",
        "searched_for": "Gezocht naar",
        "tip": "Tip",
        "checks": "Controles",
        "no_checks": "Geen tegenstrijdigheden gevonden.",
        "severity": "Ernst",
        "message": "Melding",
        "warnings": "Waarschuwingen",
        "summary": "Samenvatting",
        "quote": "“{text}”",
        "status.present": "aanwezig",
        "status.weak": "zwak",
        "status.missing": "ontbreekt",
        "status.not_applicable": "niet van toepassing",
        "severity.error": "fout",
        "severity.warning": "waarschuwing",
        "severity.info": "info",
        "loc.page": "pagina {n}",
        "loc.paragraph": "alinea {n}",
        "loc.line": "regel {n}",
        "loc.section": "sectie “{name}”",
        "lang.nl": "Nederlands",
        "lang.en": "Engels",
        "lang.mixed": "gemengd Nederlands/Engels",
        "lang.und": "onbekend",
    },
}

# Order in which statuses are counted and listed everywhere (JSON summary included).
STATUS_ORDER: tuple[Status, ...] = (
    Status.PRESENT,
    Status.WEAK,
    Status.MISSING,
    Status.NOT_APPLICABLE,
)


def t(key: str, lang: str, **kw: object) -> str:
    """Return the UI string ``key`` in ``lang`` (English if unknown), filled with ``kw``.

    An unknown key raises KeyError: a typo should fail a test, not print a blank.
    """
    table = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])
    template = table[key]
    return template.format(**kw) if kw else template


def status_label(status: Status | str, lang: str) -> str:
    """The status word, e.g. ``ontbreekt`` for missing in Dutch."""
    return t(f"status.{Status(status).value}", lang)


def severity_label(severity: Severity | str, lang: str) -> str:
    """The severity word, e.g. ``waarschuwing`` for warning in Dutch."""
    return t(f"severity.{Severity(severity).value}", lang)


def language_name(code: str, lang: str) -> str:
    """Name of a document language code (``nl``, ``en``, ``mixed``) in ``lang``."""
    try:
        return t(f"lang.{code}", lang)
    except KeyError:
        return code


# C0/C1 control characters (ESC above all) must never reach a terminal or a Markdown
# file from document text: they could forge colours or hide text.
_WHITESPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Collapse whitespace and drop control and format characters (bidi overrides too)."""
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return _WHITESPACE.sub(" ", cleaned).strip()


def snippet(text: str, limit: int = 160) -> str:
    """A one-line excerpt of ``text``, cut to ``limit`` characters with "…"."""
    flat = plain(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    # Prefer ending at a word boundary unless that would throw away too much.
    space = cut.rfind(" ")
    if space >= limit * 0.75:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def location(evidence: Evidence, lang: str, *, section_limit: int = 60) -> str:
    """Where evidence stands, e.g. ``page 3, paragraph 12, section “4. Termination”``."""
    parts: list[str] = []
    if evidence.page is not None:
        parts.append(t("loc.page", lang, n=evidence.page))
    if evidence.paragraph is not None:
        parts.append(t("loc.paragraph", lang, n=evidence.paragraph))
    if evidence.line is not None:
        parts.append(t("loc.line", lang, n=evidence.line))
    if evidence.section:
        name = snippet(evidence.section, section_limit)
        if name:
            parts.append(t("loc.section", lang, name=name))
    return ", ".join(parts)


def elements_by_pitfall(
    result: ScanResult,
) -> list[tuple[PitfallSummary | None, list[ElementResult]]]:
    """Elements grouped under their pitfall, in the result's order.

    Elements whose pitfall has no summary come last under ``None`` rather than being
    dropped: a report must never hide a finding.
    """
    groups: dict[int, list[ElementResult]] = {p.id: [] for p in result.pitfalls}
    orphans: list[ElementResult] = []
    for element in result.elements:
        groups.get(element.pitfall, orphans).append(element)
    ordered: list[tuple[PitfallSummary | None, list[ElementResult]]] = [
        (p, groups[p.id]) for p in result.pitfalls
    ]
    if orphans:
        ordered.append((None, orphans))
    return ordered
