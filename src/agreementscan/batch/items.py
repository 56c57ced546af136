"""What a batch yields: one :class:`BatchItem` per file, its compact :class:`Summary` and
the run's counters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import AgreementscanError, ExtractionError
from ..policy import result_modes
from .pool import PoolStats

if TYPE_CHECKING:  # pragma: no cover
    from ..model import ScanResult


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
    """The findings (:mod:`agreementscan.codec`, language-neutral, without the document text)
    as one line of JSON: what the store keeps. :meth:`report` words them."""
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
    report_language: str | None = None
    """The language to word this item's report in (None: the document's own)."""

    def scan_result(self) -> ScanResult | None:
        """The ScanResult (decoded on demand, so items stay cheap to pass around), with its
        report language set to the one this item is to be worded in."""
        from ..codec import result_from_json
        from ..render.words import default_report_language

        if self.result is not None:
            result = self.result
        elif self.report_json is not None:
            result = result_from_json(self.report_json, path=self.path)
        else:
            return None
        lang = self.report_language or default_report_language(result.language)
        if result.report_language != lang:
            result = dataclasses.replace(result, report_language=lang)
        return result

    def report(self) -> dict[str, Any] | None:
        """The full JSON report (``agreementscan.report/1``), worded now."""
        from ..render.jsonreport import report_dict

        result = self.scan_result()
        return report_dict(result) if result is not None else None

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


def summary_of(result: ScanResult) -> Summary:
    """Compact summary of a result."""
    counts = {status: 0 for status in ("present", "weak", "missing", "not_applicable")}
    for element in result.elements:
        counts[element.status.value] += 1
    document = result.document
    return Summary(
        sha256=document.sha256,
        format=document.format,
        language=result.language,
        report_language=result.report_language,
        pages=document.pages,
        score=result.score,
        pitfalls=tuple(p.score for p in sorted(result.pitfalls, key=lambda p: p.id)),
        present=counts["present"],
        weak=counts["weak"],
        missing=counts["missing"],
        not_applicable=counts["not_applicable"],
        fails_on=result_modes(result),
    )
