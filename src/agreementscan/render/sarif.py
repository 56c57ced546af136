"""SARIF 2.1.0: the findings as static-analysis results, for code-scanning style tools.

One run for all documents: one rule per checklist element (and per consistency check), one
result per weak or missing element and per check. Locations point at the evidence: for
plain-text inputs a region with line and character offsets into the file; for PDF and DOCX,
whose bytes are not text, a region with the quoted snippet plus a logical location naming
the page or paragraph. Accepted findings carry a SARIF suppression with the justification.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model import Check, ElementResult, Evidence, ScanResult, Severity, Status
from .i18n import status_label
from .words import check_message, element_words, gap_words, language_of, reason

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
TEXT_FORMATS = ("txt", "md")


def _uri(path: str | None) -> str:
    if not path:
        return "stdin"
    candidate = Path(path)
    # Relative paths stay relative (portable between machines); absolute ones become file URIs.
    return candidate.as_uri() if candidate.is_absolute() else candidate.as_posix()


def _rules(results: Sequence[ScanResult], language: str | None) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for result in results:
        lang = language_of(result, language)
        for element in result.elements:
            if element.id in rules:
                continue
            # Help of the rule: advice and questions as a gap of this document shows them.
            words = gap_words(element, lang, result.checklist)
            description = element_words(element, lang, result.checklist).description
            help_lines = [description] if description else []
            if words.advice:
                help_lines.append(words.advice)
            help_lines += [f"- {q}" for q in words.questions]
            rules[element.id] = {
                "id": element.id,
                "name": "".join(part.capitalize() for part in element.id.split("_")),
                "shortDescription": {"text": words.name or element.id},
                "fullDescription": {"text": description or words.name or element.id},
                "help": {"text": "\n".join(help_lines) or words.name or element.id},
                "defaultConfiguration": {"level": LEVELS[Severity(element.severity)]},
                "properties": {"pitfall": element.pitfall, "tags": [f"pitfall-{element.pitfall}", "agreement"]},
            }
        for check in result.checks:
            rule_id = f"check.{check.id}"
            rules.setdefault(rule_id, {
                "id": rule_id,
                "name": "".join(part.capitalize() for part in check.id.split("_")),
                "shortDescription": {"text": check.id.replace("_", " ")},
                "fullDescription": {"text": check_message(check, lang, result.checklist)},
                "defaultConfiguration": {"level": LEVELS[Severity(check.severity)]},
                "properties": {"tags": ["consistency"]},
            })
    return list(rules.values())


def _location(result: ScanResult, artifact: int, evidence: Evidence | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(result.document.path), "index": artifact}}
    location: dict[str, Any] = {"physicalLocation": physical}
    if evidence is None:
        return location
    if result.document.format in TEXT_FORMATS:
        # For text inputs the extracted text is the decoded file, so offsets are real.
        region: dict[str, Any] = {"charOffset": evidence.start, "charLength": evidence.end - evidence.start,
                                  "snippet": {"text": evidence.text}}
        if evidence.line is not None:
            region["startLine"] = evidence.line
        physical["region"] = region
    else:
        # PDF and DOCX bytes are not text: SARIF regions cannot point into them, so the
        # page or paragraph goes into the properties and the quote into the message.
        physical["properties"] = {k: v for k, v in (("page", evidence.page), ("paragraph", evidence.paragraph)) if v}
        location["message"] = {"text": evidence.text}
    where = (
        f"page {evidence.page}"
        if evidence.page
        else (f"paragraph {evidence.paragraph}" if evidence.paragraph else None)
    )
    if where or evidence.section:
        location["logicalLocations"] = [
            {
                "name": where or evidence.section,
                "kind": "page" if evidence.page else "section",
                **({"fullyQualifiedName": f"{where} / {evidence.section}"} if where and evidence.section else {}),
            }
        ]
    return location


def _element_result(result: ScanResult, artifact: int, index: int, element: ElementResult,
                    lang: str) -> dict[str, Any]:
    words = gap_words(element, lang, result.checklist)
    text = f"{words.name}: {status_label(element.status, lang)}. {reason(element, lang, result.checklist)}"
    if words.advice:
        text += f" {words.advice}"
    out: dict[str, Any] = {
        "ruleId": element.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVELS[Severity(element.severity)],
        "message": {"text": text},
        "locations": [_location(result, artifact, ev) for ev in element.evidence]
        or [_location(result, artifact, None)],
        "properties": {
            "status": Status(element.status).value,
            "pitfall": element.pitfall,
            "cause": element.cause,
            "params": dict(element.params),
        },
    }
    if element.suppression is not None:
        out["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": element.suppression.justification,
            "properties": {"date": element.suppression.date, "baseline": element.suppression.baseline},
        }]
    return out


def _check_result(result: ScanResult, artifact: int, index: int, check: Check, lang: str) -> dict[str, Any]:
    return {
        "ruleId": f"check.{check.id}",
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVELS[Severity(check.severity)],
        "message": {"text": check_message(check, lang, result.checklist)},
        "locations": [_location(result, artifact, ev) for ev in check.evidence] or [_location(result, artifact, None)],
    }


def sarif_dict(results: Sequence[ScanResult], language: str | None = None) -> dict[str, Any]:
    """The SARIF log as JSON-ready data, worded in ``language`` (default: each result's own)."""
    rules = _rules(results, language)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    artifacts = []
    out_results = []
    for artifact, result in enumerate(results):
        entry: dict[str, Any] = {"location": {"uri": _uri(result.document.path)}, "length": -1,
                                 "sourceLanguage": result.language}
        if result.document.sha256:
            entry["hashes"] = {"sha-256": result.document.sha256}
        artifacts.append(entry)
        lang = language_of(result, language)
        for element in result.elements:
            if element.status in (Status.WEAK, Status.MISSING):
                out_results.append(_element_result(result, artifact, index[element.id], element, lang))
        for check in result.checks:
            out_results.append(_check_result(result, artifact, index[f"check.{check.id}"], check, lang))
    version = results[0].tool_version if results else ""
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "agreementscan", "version": version, "semanticVersion": version,
                                "rules": rules}},
            "artifacts": artifacts,
            "results": out_results,
            "columnKind": "unicodeCodePoints",
            "language": language_of(results[0], language) if results else "en",
        }],
    }


def render_sarif(results: Sequence[ScanResult], *, language: str | None = None) -> str:
    """SARIF 2.1.0 as pretty-printed JSON."""
    from ..errors import json_safe

    return json_safe(json.dumps(sarif_dict(results, language), ensure_ascii=False, indent=2)) + "\n"
