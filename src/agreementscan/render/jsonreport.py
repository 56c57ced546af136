"""The JSON report (schema ``agreementscan.report/1``), worded at output time.

Every text field (names, reasons, advice, questions, titles, tips, messages, warnings) is
rendered here, in the language asked for, from the findings' causes and parameters. The
language-neutral form of a result (causes and parameters instead of sentences) is
:mod:`agreementscan.codec`.

The key order is part of the format: people diff these files and golden tests compare
them as text, so the dicts are built field by field instead of with ``asdict``.
Evidence text stays exactly as in the document (no collapsing), so that
``document_text[start:end] == evidence["text"]`` holds for consumers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..model import (
    Check,
    ElementResult,
    Evidence,
    PitfallSummary,
    ScanResult,
    Severity,
    Status,
)
from .i18n import STATUS_ORDER
from .words import (
    check_message,
    gap_words,
    language_of,
    pitfall_tip,
    pitfall_title,
    reason,
    warning_texts,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..lexicon.schema import Checklist

SCHEMA = "agreementscan.report/1"
TOOL_NAME = "agreementscan"


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    """One evidence span as JSON data."""
    return {
        "text": evidence.text,
        "start": evidence.start,
        "end": evidence.end,
        "page": evidence.page,
        "paragraph": evidence.paragraph,
        "line": evidence.line,
        "section": evidence.section,
        "rule": evidence.rule,
    }


def pitfall_dict(pitfall: PitfallSummary, lang: str = "en", checklist: Checklist | None = None) -> dict[str, Any]:
    """One pitfall summary as JSON data, worded in ``lang``."""
    return {
        "id": pitfall.id,
        "key": pitfall.key,
        "title": pitfall_title(pitfall, lang, checklist),
        "tip": pitfall_tip(pitfall, lang, checklist),
        "score": pitfall.score,
    }


def element_dict(element: ElementResult, lang: str = "en", checklist: Checklist | None = None) -> dict[str, Any]:
    """One element verdict as JSON data, worded in ``lang``."""
    words = gap_words(element, lang, checklist)
    return {
        "id": element.id,
        "name": words.name,
        "pitfall": element.pitfall,
        "status": Status(element.status).value,
        "severity": Severity(element.severity).value,
        "reason": reason(element, lang, checklist),
        "advice": words.advice,
        "questions": list(words.questions),
        "suppressed": None if element.suppression is None else {
            "justification": element.suppression.justification,
            "date": element.suppression.date,
            "baseline": element.suppression.baseline,
        },
        "evidence": [evidence_dict(e) for e in element.evidence],
    }


def check_dict(check: Check, lang: str = "en", checklist: Checklist | None = None) -> dict[str, Any]:
    """One consistency check as JSON data, worded in ``lang``."""
    return {
        "id": check.id,
        "severity": Severity(check.severity).value,
        "message": check_message(check, lang, checklist),
        "evidence": [evidence_dict(e) for e in check.evidence],
    }


def status_counts(result: ScanResult) -> dict[str, int]:
    """How many elements have each status, every status present (zero included)."""
    counts = {status.value: 0 for status in STATUS_ORDER}
    for element in result.elements:
        counts[Status(element.status).value] += 1
    return counts


def report_dict(result: ScanResult, language: str | None = None) -> dict[str, Any]:
    """The whole report for one document as JSON-ready data (also used for JSONL), worded in
    ``language`` (default: the result's report language)."""
    document = result.document
    lang = language_of(result, language)
    checklist = result.checklist
    return {
        "schema": SCHEMA,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "document": {
            "path": document.path,
            "sha256": document.sha256,
            "format": document.format,
            "language": result.language,
            "pages": document.pages,
            "characters": document.length,
            # Extraction warnings plus the analysis' own (e.g. an unsupported language).
            "warnings": list(dict.fromkeys([*document.warnings, *warning_texts(result, lang)])),
        },
        "report_language": lang,
        "score": result.score,
        "pitfalls": [pitfall_dict(p, lang, checklist) for p in result.pitfalls],
        "elements": [element_dict(e, lang, checklist) for e in result.elements],
        "checks": [check_dict(c, lang, checklist) for c in result.checks],
        "summary": status_counts(result),
    }


def render_json(results: Sequence[ScanResult], *, language: str | None = None) -> str:
    """One result as an object, several as an array; ends with a newline."""
    if len(results) == 1:
        data: Any = report_dict(results[0], language)
    else:
        data = [report_dict(r, language) for r in results]
    from ..errors import json_safe

    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
