"""The JSON report (schema ``agreementscan.report/1``).

The key order is part of the format: people diff these files and golden tests compare
them as text, so the dicts are built field by field instead of with ``asdict``.
Evidence text stays exactly as in the document (no collapsing), so that
``document_text[start:end] == evidence["text"]`` holds for consumers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

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


def pitfall_dict(pitfall: PitfallSummary) -> dict[str, Any]:
    """One pitfall summary as JSON data."""
    return {
        "id": pitfall.id,
        "key": pitfall.key,
        "title": pitfall.title,
        "tip": pitfall.tip,
        "score": pitfall.score,
    }


def element_dict(element: ElementResult) -> dict[str, Any]:
    """One element verdict as JSON data."""
    return {
        "id": element.id,
        "name": element.name,
        "pitfall": element.pitfall,
        "status": Status(element.status).value,
        "severity": Severity(element.severity).value,
        "reason": element.reason,
        "advice": element.advice,
        "questions": list(element.questions),
        "suppressed": None if element.suppression is None else {
            "justification": element.suppression.justification,
            "date": element.suppression.date,
            "baseline": element.suppression.baseline,
        },
        "evidence": [evidence_dict(e) for e in element.evidence],
    }


def check_dict(check: Check) -> dict[str, Any]:
    """One consistency check as JSON data."""
    return {
        "id": check.id,
        "severity": Severity(check.severity).value,
        "message": check.message,
        "evidence": [evidence_dict(e) for e in check.evidence],
    }


def status_counts(result: ScanResult) -> dict[str, int]:
    """How many elements have each status, every status present (zero included)."""
    counts = {status.value: 0 for status in STATUS_ORDER}
    for element in result.elements:
        counts[Status(element.status).value] += 1
    return counts


def report_dict(result: ScanResult) -> dict[str, Any]:
    """The whole report for one document as JSON-ready data (also used for JSONL)."""
    document = result.document
    return {
        "schema": SCHEMA,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "document": {
            "path": document.path,
            "sha256": document.sha256,
            "format": document.format,
            "language": result.language,
            "pages": document.pages,
            "characters": len(document.text),
            # Extraction warnings plus the analysis' own (e.g. an unsupported language).
            "warnings": list(dict.fromkeys([*document.warnings, *result.warnings])),
        },
        "report_language": result.report_language,
        "score": result.score,
        "pitfalls": [pitfall_dict(p) for p in result.pitfalls],
        "elements": [element_dict(e) for e in result.elements],
        "checks": [check_dict(c) for c in result.checks],
        "summary": status_counts(result),
    }


def render_json(results: Sequence[ScanResult]) -> str:
    """One result as an object, several as an array; ends with a newline."""
    if len(results) == 1:
        data: Any = report_dict(results[0])
    else:
        data = [report_dict(r) for r in results]
    from ..errors import json_safe

    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
