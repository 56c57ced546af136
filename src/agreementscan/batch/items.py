"""What a batch yields: one :class:`BatchItem` per file, its compact :class:`Summary`, the
run's counters, and the conversions between stored report dicts and results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import AgreementscanError, ExtractionError
from ..policy import report_modes
from .pool import PoolStats

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Document, ScanResult


class BatchError(AgreementscanError):
    """A file that could not be scanned for a reason outside extraction (timeout, crash, walk)."""

    def __init__(self, path: str, message: str, kind: str = "error") -> None:
        self.path = path
        self.message = message
        self.kind = kind
        super().__init__(f"{path}: {message}")



@dataclass(frozen=True)
class Summary:
    """The compact facts of one report that overview tables need (no document text)."""

    sha256: str | None
    format: str | None
    language: str | None
    report_language: str | None
    pages: int | None
    score: int
    pitfalls: tuple[int, ...]
    """Score of pitfalls 1–5, in order."""
    present: int
    weak: int
    missing: int
    not_applicable: int
    fails_on: frozenset[str] = frozenset()
    """The ``--fail-on`` values this report meets (see :mod:`agreementscan.policy`)."""


@dataclass(frozen=True)
class BatchItem:
    """The outcome for one file of a batch."""

    path: str
    relpath: str
    status: str
    """``ok``, ``error`` or ``skipped``."""
    summary: Summary | None = None
    report_json: str | None = None
    """The full report (``render.jsonreport.report_dict``) as one line of JSON."""
    result: ScanResult | None = None
    """The ScanResult itself, only when the batch was asked for results (``want='result'``)."""
    error: str | None = None
    """Why the file was skipped or failed (one line, without the path)."""
    error_kind: str | None = None
    """``extract``, ``timeout``, ``crash``, ``memory``, ``walk``, ``render`` or ``internal``."""
    cached: bool = False
    """True when the report was read from the store instead of scanned."""
    seconds: float = 0.0
    report_file: str | None = None
    """Name of the per-document HTML report inside the report folder."""

    def report(self) -> dict[str, Any] | None:
        """The full report as data (parsed on demand, so items stay cheap to pass around)."""
        return json.loads(self.report_json) if self.report_json is not None else None

    def exception(self) -> AgreementscanError:
        """The error as an exception (what :func:`agreementscan.api.scan_folder` yields)."""
        if self.error_kind == "extract":
            return ExtractionError(self.path, self.error or "error")
        return BatchError(self.path, self.error or "error", self.error_kind or "error")


@dataclass
class BatchStats(PoolStats):
    """Counters of a running batch (mutable: the engine updates them as it goes), with the
    pool's (workers started, their peak memory)."""

    total: int = 0
    scanned: int = 0
    cached: int = 0
    errors: int = 0
    skipped: int = 0
    pages: int = 0


def summary_from_report(report: dict[str, Any]) -> Summary:
    """Compact summary of a report dict."""
    document = report.get("document", {})
    counts = report.get("summary", {})
    pitfalls = tuple(int(p.get("score", 0)) for p in sorted(report.get("pitfalls", []), key=lambda p: p["id"]))
    return Summary(
        sha256=document.get("sha256"),
        format=document.get("format"),
        language=document.get("language"),
        report_language=report.get("report_language"),
        pages=document.get("pages"),
        score=int(report.get("score", 0)),
        pitfalls=pitfalls,
        present=int(counts.get("present", 0)),
        weak=int(counts.get("weak", 0)),
        missing=int(counts.get("missing", 0)),
        not_applicable=int(counts.get("not_applicable", 0)),
        fails_on=report_modes(report),
    )


def result_from_report(report: dict[str, Any], document: Document | None = None) -> ScanResult:
    """Rebuild a ScanResult from a stored report dict (for re-rendering without a rescan).

    Reports do not hold the document text, so pass the re-extracted ``document`` when the
    file is still there; without it the result has an empty text and evidence keeps its
    quotes but points nowhere (start = end = 0), which renderers show without highlights.
    """
    from ..model import Check, Document, ElementResult, Evidence, PitfallSummary, ScanResult, Severity, Status

    info = report["document"]
    keep_offsets = document is not None
    if document is None:
        document = Document(text="", blocks=(), format=info.get("format") or "txt", path=info.get("path"),
                            sha256=info.get("sha256"), pages=info.get("pages"),
                            warnings=tuple(info.get("warnings", ())))

    def evidence(data: dict[str, Any]) -> Evidence:
        start, end = (data["start"], data["end"]) if keep_offsets else (0, 0)
        return Evidence(text=data["text"], start=start, end=end, page=data.get("page"),
                        paragraph=data.get("paragraph"), line=data.get("line"), section=data.get("section"),
                        rule=data.get("rule"))

    elements = tuple(
        ElementResult(id=e["id"], pitfall=e["pitfall"], status=Status(e["status"]), reason=e["reason"],
                      name=e.get("name", ""), evidence=tuple(evidence(x) for x in e.get("evidence", ())),
                      severity=Severity(e.get("severity", "warning")), advice=e.get("advice", ""),
                      questions=tuple(e.get("questions", ())))
        for e in report["elements"])
    return ScanResult(
        document=document,
        language=info.get("language") or "en",
        report_language=report.get("report_language") or "en",
        elements=elements,
        pitfalls=tuple(PitfallSummary(id=p["id"], key=p["key"], title=p["title"], tip=p["tip"], score=p["score"])
                       for p in report["pitfalls"]),
        checks=tuple(Check(id=c["id"], severity=Severity(c["severity"]), message=c["message"],
                           evidence=tuple(evidence(x) for x in c.get("evidence", ())))
                     for c in report.get("checks", ())),
        score=report["score"],
        tool_version=report.get("tool", {}).get("version", ""),
    )
