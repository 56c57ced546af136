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

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
TEXT_FORMATS = ("txt", "md")


def _uri(path: str | None) -> str:
    if not path:
        return "stdin"
    candidate = Path(path)
    # Relative paths stay relative (portable between machines); absolute ones become file URIs.
    return candidate.as_uri() if candidate.is_absolute() else candidate.as_posix()


def _rules(results: Sequence[ScanResult]) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for result in results:
        for element in result.elements:
            if element.id in rules:
                continue
            help_lines = [element.description] if element.description else []
            if element.advice:
                help_lines.append(element.advice)
            help_lines += [f"- {q}" for q in element.questions]
            rules[element.id] = {
                "id": element.id,
                "name": "".join(part.capitalize() for part in element.id.split("_")),
                "shortDescription": {"text": element.name or element.id},
                "fullDescription": {"text": element.description or element.name or element.id},
                "help": {"text": "\n".join(help_lines) or element.name or element.id},
                "defaultConfiguration": {"level": LEVELS[Severity(element.severity)]},
                "properties": {"pitfall": element.pitfall, "tags": [f"pitfall-{element.pitfall}", "agreement"]},
            }
        for check in result.checks:
            rule_id = f"check.{check.id}"
            rules.setdefault(rule_id, {
                "id": rule_id,
                "name": "".join(part.capitalize() for part in check.id.split("_")),
                "shortDescription": {"text": check.id.replace("_", " ")},
                "fullDescription": {"text": check.message},
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
    where = f"page {evidence.page}" if evidence.page else (f"paragraph {evidence.paragraph}" if evidence.paragraph else None)
    if where or evidence.section:
        location["logicalLocations"] = [{"name": where or evidence.section, "kind": "page" if evidence.page else "section",
                                         **({"fullyQualifiedName": f"{where} / {evidence.section}"} if where and evidence.section else {})}]
    return location


def _element_result(result: ScanResult, artifact: int, index: int, element: ElementResult) -> dict[str, Any]:
    lang = result.report_language
    text = f"{element.name}: {status_label(element.status, lang)}. {element.reason}"
    if element.advice:
        text += f" {element.advice}"
    out: dict[str, Any] = {
        "ruleId": element.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVELS[Severity(element.severity)],
        "message": {"text": text},
        "locations": [_location(result, artifact, ev) for ev in element.evidence] or [_location(result, artifact, None)],
        "properties": {"status": Status(element.status).value, "pitfall": element.pitfall},
    }
    if element.suppression is not None:
        out["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": element.suppression.justification,
            "properties": {"date": element.suppression.date, "baseline": element.suppression.baseline},
        }]
    return out


def _check_result(result: ScanResult, artifact: int, index: int, check: Check) -> dict[str, Any]:
    return {
        "ruleId": f"check.{check.id}",
        "ruleIndex": index,
        "kind": "fail",
        "level": LEVELS[Severity(check.severity)],
        "message": {"text": check.message},
        "locations": [_location(result, artifact, ev) for ev in check.evidence] or [_location(result, artifact, None)],
    }


def sarif_dict(results: Sequence[ScanResult]) -> dict[str, Any]:
    """The SARIF log as JSON-ready data."""
    rules = _rules(results)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    artifacts = []
    out_results = []
    for artifact, result in enumerate(results):
        entry: dict[str, Any] = {"location": {"uri": _uri(result.document.path)}, "length": -1,
                                 "sourceLanguage": result.language}
        if result.document.sha256:
            entry["hashes"] = {"sha-256": result.document.sha256}
        artifacts.append(entry)
        for element in result.elements:
            if element.status in (Status.WEAK, Status.MISSING):
                out_results.append(_element_result(result, artifact, index[element.id], element))
        for check in result.checks:
            out_results.append(_check_result(result, artifact, index[f"check.{check.id}"], check))
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
            "language": results[0].report_language if results else "en",
        }],
    }


def render_sarif(results: Sequence[ScanResult]) -> str:
    """SARIF 2.1.0 as pretty-printed JSON."""
    from ..errors import json_safe

    return json_safe(json.dumps(sarif_dict(results), ensure_ascii=False, indent=2)) + "\n"
