"""The one codec between a :class:`~agreementscan.model.ScanResult` and plain data.

The dict form (schema ``agreementscan.findings/1``) is language-neutral: statuses, causes,
parameters, evidence and scores, no sentences. The results store keeps it, so a stored
batch renders in any report language without a rescan, and every rule that applies to
results (``--fail-on``, baselines) works on the decoded result instead of on a second,
JSON-shaped copy of itself. The JSON *report* (``agreementscan.report/1``, worded) is a
rendering: :mod:`agreementscan.render.jsonreport`.

``result_from_dict(result_to_dict(r)) == r`` for every result; with ``text=False`` the
document's text and blocks are left out (the store re-reads them from the file when an
HTML page needs them) and only the text's length is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .model import (
    Block,
    BlockKind,
    Check,
    Document,
    ElementResult,
    Evidence,
    Notice,
    Params,
    PitfallSummary,
    ScanResult,
    Severity,
    Status,
    Suppression,
)

__all__ = ["SCHEMA", "CodecError", "from_dict", "result_from_dict", "result_from_json", "result_to_dict",
           "result_to_json", "to_dict"]

SCHEMA = "agreementscan.findings/1"


class CodecError(ValueError):
    """Data that is not a findings dict of this schema (another version, damaged)."""


# --------------------------------------------------------------------------- encode


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {"text": ev.text, "start": ev.start, "end": ev.end, "page": ev.page, "paragraph": ev.paragraph,
            "line": ev.line, "section": ev.section, "rule": ev.rule}


def _params(params: Params) -> dict[str, Any]:
    return dict(params)


def _block(block: Block) -> list[Any]:
    # The block's text is document.text[start:end]: not stored twice.
    return [block.start, block.end, BlockKind(block.kind).value, block.page, block.paragraph, block.line,
            block.section]


def _texts(result: ScanResult) -> dict[str, Any]:
    """The checklist texts this result was worded with that the built-in checklist lacks or
    words differently (playbook elements), so a stored result renders the same later."""
    if result.checklist is None:
        return {}
    from .lexicon.loader import load_checklist

    builtin = load_checklist()
    known = {e.id: e for e in builtin.elements}
    known_pitfalls = {p.id: p for p in builtin.pitfalls}
    used = {e.id for e in result.elements}
    out: dict[str, Any] = {}
    elements = {}
    for info in result.checklist.elements:
        if info.id in used and known.get(info.id) != info:
            elements[info.id] = {
                "pitfall": info.pitfall, "severity": Severity(info.severity).value,
                **{lang: {"name": info.name.get(lang), "description": info.description.get(lang),
                          "why": info.why.get(lang), "advice": info.advice.get(lang),
                          "questions": list(info.questions(lang)), "searched_for": list(info.searched_for(lang)),
                          "example_present": info.example_present.get(lang),
                          "example_weak": info.example_weak.get(lang)} for lang in info.name},
            }
    if elements:
        out["elements"] = elements
    pitfalls = {}
    for pitfall in result.checklist.pitfalls:
        if known_pitfalls.get(pitfall.id) != pitfall:
            pitfalls[str(pitfall.id)] = {
                "key": pitfall.key,
                **{lang: {"title": pitfall.title.get(lang), "summary": pitfall.summary.get(lang),
                          "tip": pitfall.tip.get(lang)} for lang in pitfall.title},
            }
    if pitfalls:
        out["pitfalls"] = pitfalls
    return out


def result_to_dict(result: ScanResult, *, text: bool = True) -> dict[str, Any]:
    """``result`` as JSON-ready, language-neutral data (``text=False``: without the document text)."""
    document = result.document
    doc: dict[str, Any] = {
        "path": document.path, "sha256": document.sha256, "format": document.format, "pages": document.pages,
        "warnings": list(document.warnings), "characters": document.length,
    }
    if text:
        doc["text"] = document.text
        doc["blocks"] = [_block(b) for b in document.blocks]
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "tool_version": result.tool_version,
        "language": result.language,
        "report_language": result.report_language,
        "score": result.score,
        "document": doc,
        "block_languages": list(result.block_languages),
        "warnings": [{"code": n.code, "params": _params(n.params)} for n in result.warnings],
        "pitfalls": [{"id": p.id, "key": p.key, "score": p.score} for p in result.pitfalls],
        "elements": [{
            "id": e.id, "pitfall": e.pitfall, "status": Status(e.status).value, "cause": e.cause,
            "params": _params(e.params), "severity": Severity(e.severity).value,
            "evidence": [_evidence(ev) for ev in e.evidence],
            "suppression": None if e.suppression is None else {
                "justification": e.suppression.justification, "date": e.suppression.date,
                "baseline": e.suppression.baseline},
        } for e in result.elements],
        "checks": [{"id": c.id, "severity": Severity(c.severity).value, "params": _params(c.params),
                    "evidence": [_evidence(ev) for ev in c.evidence]} for c in result.checks],
    }
    texts = _texts(result)
    if texts:
        data["texts"] = texts
    return data


def result_to_json(result: ScanResult, *, text: bool = False) -> str:
    """:func:`result_to_dict` as one compact line of JSON (what the results store keeps)."""
    return json.dumps(result_to_dict(result, text=text), ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- decode


def _params_in(data: Any) -> Params:
    if not isinstance(data, Mapping):
        raise CodecError("params must be an object")
    return tuple(data.items())


def _evidence_in(data: Mapping[str, Any]) -> Evidence:
    return Evidence(text=data["text"], start=data["start"], end=data["end"], page=data.get("page"),
                    paragraph=data.get("paragraph"), line=data.get("line"), section=data.get("section"),
                    rule=data.get("rule"))


def _document_in(data: Mapping[str, Any]) -> Document:
    common = {"format": data.get("format") or "txt", "path": data.get("path"), "sha256": data.get("sha256"),
              "pages": data.get("pages"), "warnings": tuple(data.get("warnings", ()))}
    if "text" not in data:
        return Document(text="", blocks=(), characters=data.get("characters"), **common)  # type: ignore[arg-type]
    text = data["text"]
    blocks = tuple(Block(text=text[start:end], start=start, end=end, kind=BlockKind(kind), page=page,
                         paragraph=paragraph, line=line, section=section)
                   for start, end, kind, page, paragraph, line, section in data.get("blocks", ()))
    return Document(text=text, blocks=blocks, **common)  # type: ignore[arg-type]


def _checklist_in(texts: Mapping[str, Any]) -> Any:
    """The built-in checklist with the stored texts of playbook elements and pitfalls on top."""
    from .lexicon.loader import load_checklist
    from .lexicon.schema import Checklist, ElementInfo, Localized, PitfallInfo, Text

    def languages(raw: Mapping[str, Any]) -> list[str]:
        # Every key holding a table is a language (the others are pitfall/severity/key).
        return [lang for lang, value in raw.items() if isinstance(value, Mapping)]

    def text(raw: Mapping[str, Any], key: str) -> Text:
        return Localized.of({lang: raw[lang].get(key, "") for lang in languages(raw)})

    def lists(raw: Mapping[str, Any], key: str) -> Localized[tuple[str, ...]]:
        return Localized.of({lang: tuple(raw[lang].get(key, ())) for lang in languages(raw)})

    builtin = load_checklist()
    pitfalls = {p.id: p for p in builtin.pitfalls}
    for number, raw in texts.get("pitfalls", {}).items():
        pitfalls[int(number)] = PitfallInfo(int(number), raw.get("key", ""), text(raw, "title"),
                                            text(raw, "summary"), text(raw, "tip"))
    elements = {e.id: e for e in builtin.elements}
    for element_id, raw in texts.get("elements", {}).items():
        elements[element_id] = ElementInfo(
            id=element_id, pitfall=int(raw["pitfall"]), severity=Severity(raw.get("severity", "warning")),
            name=text(raw, "name"), description=text(raw, "description"), why=text(raw, "why"),
            advice=text(raw, "advice"), question_lists=lists(raw, "questions"),
            search_terms=lists(raw, "searched_for"), example_present=text(raw, "example_present"),
            example_weak=text(raw, "example_weak"))
    return Checklist(tuple(pitfalls.values()), tuple(elements.values()))


def result_from_dict(data: Mapping[str, Any], document: Document | None = None) -> ScanResult:
    """The ScanResult of :func:`result_to_dict` data.

    ``document`` replaces the stored document (a fresh extraction of the same file, so that
    a result stored without its text can show it again). Raises :class:`CodecError` for
    data of another schema.
    """
    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, Mapping) else type(data).__name__
        raise CodecError(f"not agreementscan findings (schema {found!r}, expected {SCHEMA!r})")
    try:
        elements = tuple(ElementResult(
            id=e["id"], pitfall=e["pitfall"], status=Status(e["status"]), cause=e.get("cause", ""),
            params=_params_in(e.get("params", {})), severity=Severity(e.get("severity", "warning")),
            evidence=tuple(_evidence_in(ev) for ev in e.get("evidence", ())),
            suppression=None if not e.get("suppression") else Suppression(
                e["suppression"]["justification"], e["suppression"]["date"], e["suppression"].get("baseline")),
        ) for e in data["elements"])
        result = ScanResult(
            document=document if document is not None else _document_in(data["document"]),
            language=data["language"],
            report_language=data["report_language"],
            elements=elements,
            pitfalls=tuple(PitfallSummary(p["id"], p["key"], p["score"]) for p in data["pitfalls"]),
            checks=tuple(Check(id=c["id"], severity=Severity(c["severity"]), params=_params_in(c.get("params", {})),
                               evidence=tuple(_evidence_in(ev) for ev in c.get("evidence", ())))
                         for c in data.get("checks", ())),
            score=data["score"],
            tool_version=data.get("tool_version", ""),
            block_languages=tuple(data.get("block_languages", ())),
            warnings=tuple(Notice(w["code"], _params_in(w.get("params", {}))) for w in data.get("warnings", ())),
            checklist=_checklist_in(data["texts"]) if data.get("texts") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CodecError):
            raise
        raise CodecError(f"damaged findings ({type(exc).__name__}: {exc})") from None
    return result


def result_from_json(text: str, document: Document | None = None, *, report_language: str | None = None,
                     path: str | None = None) -> ScanResult:
    """:func:`result_from_dict` of one line of JSON; ``report_language`` and ``path`` override
    the stored ones (the language to word it in, the path the content was found at now)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CodecError(f"damaged findings (not JSON: {exc})") from None
    result = result_from_dict(data, document)
    if report_language is not None and report_language != result.report_language:
        result = replace(result, report_language=report_language)
    if path is not None and result.document.path != path:
        result = replace(result, document=replace(result.document, path=path))
    return result


to_dict = result_to_dict
from_dict = result_from_dict
