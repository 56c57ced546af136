"""Compare scan results with expert labels: per-element precision, recall and F1, and evidence.

Reads ``DIR/labels/*.json`` (each names its document as ``file``, relative to ``DIR``).
A label file may be partial: only the elements it lists count for its document, so an
element it leaves out is unknown, not missing (as in CUAD-derived labels).
"Covered" is present or weak; "missing" is missing or not applicable. Each element gets
the F1 of both classes and their mean; the headline is the macro average of that mean
over elements with at least ``min_support`` labelled documents in each class.

Evidence agreement: where both the label and the scan call an element covered, the
labelled quote (``evidence``, or every CUAD ``spans`` entry) is looked up in the scanned
text after collapsing whitespace and mapped back to document offsets; the case counts
for "first" when the first quote the scan gives overlaps it, and for "any" when any does.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AgreementscanError, UsageError
from .model import ScanResult

ABSENT = ("missing", "not_applicable")


@dataclass(frozen=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvidenceScore:
    """How often the scan's quotes land on the labelled passage."""

    cases: int
    """Elements both sides call covered whose labelled quote was found in the text."""
    first: float
    """Share of ``cases`` where the first quote overlaps a labelled quote."""
    any: float
    """Share of ``cases`` where some quote overlaps a labelled quote."""
    unlocated: int
    """Elements both sides call covered whose labelled quote is not in the scanned text (not counted)."""


@dataclass(frozen=True)
class ElementScore:
    id: str
    covered: ClassScore
    missing: ClassScore
    mean_f1: float
    counted: bool
    """True when the element has enough support in both classes to enter the headline."""
    evidence: EvidenceScore = EvidenceScore(0, 0.0, 0.0, 0)


@dataclass(frozen=True)
class Disagreement:
    document: str
    element: str
    expected: str
    predicted: str
    severity: int
    """2 for covered/missing swaps, 1 for present/weak swaps."""
    expected_evidence: str
    found_evidence: str
    reason: str


@dataclass(frozen=True)
class LanguageReport:
    """The headline and evidence figures over the documents whose label names one language."""

    language: str
    documents: int
    headline: float
    agreement_3way: float
    evidence: EvidenceScore


@dataclass(frozen=True)
class EvalReport:
    directory: str
    documents: int
    elements: tuple[ElementScore, ...]
    headline: float
    agreement_3way: float
    disagreements: tuple[Disagreement, ...]
    errors: tuple[str, ...] = field(default=())
    evidence: EvidenceScore = EvidenceScore(0, 0.0, 0.0, 0)
    languages: tuple[LanguageReport, ...] = ()
    only: tuple[str, ...] | None = None
    """The elements the report was restricted to (``--elements``); None for all labelled ones."""
    min_support: int = 3


@dataclass(frozen=True)
class _Row:
    """One labelled element of one scanned document."""

    document: str
    language: str
    element: str
    expected: str
    predicted: str
    expected_evidence: str
    found_evidence: str
    reason: str
    first_hit: bool | None
    """Whether the first quote overlaps the labelled one; None when the case does not count."""
    any_hit: bool | None
    unlocated: bool
    """Both sides say covered but the labelled quote was not found in the text."""


def _score(tp: int, fp: int, fn: int) -> ClassScore:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else 1.0
    return ClassScore(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def _three_way(status: str) -> str:
    return "absent" if status in ABSENT else status


def _document_path(directory: Path, name: str) -> Path:
    """The document a label names; when that file is absent, the same name as .txt or .pdf.

    Looks beside the named path and in ``txt/`` and ``pdf/`` (the CUAD layout), text first,
    because labelled quotes are taken from the text version.
    """
    named = directory / name
    if named.is_file():
        return named
    stem = Path(name).stem
    for candidate in (named.with_suffix(".txt"), directory / "txt" / f"{stem}.txt",
                      named.with_suffix(".pdf"), directory / "pdf" / f"{stem}.pdf"):
        if candidate.is_file():
            return candidate
    return named  # scanning it gives the usual one-line "file not found" error row


def load_labels(directory: Path) -> list[tuple[Path, dict]]:
    """All label files of ``directory`` with the document path each one names."""
    label_dir = directory / "labels"
    if not label_dir.is_dir():
        raise UsageError(f"{directory}: no labels/ folder with label files")
    out = []
    for path in sorted(label_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            name = data["file"]
            elements = data["elements"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: not a valid label file ({exc})") from None
        if not isinstance(name, str) or not name:
            raise UsageError(f"{path}: 'file' must name the document")
        if not isinstance(elements, dict) or not all(isinstance(v, dict) for v in elements.values()):
            raise UsageError(f"{path}: 'elements' must be an object of objects")
        out.append((_document_path(directory, name), data))
    if not out:
        raise UsageError(f"{label_dir}: no *.json label files")
    return out


def _collapse(text: str) -> tuple[str, list[int]]:
    """``text`` with every whitespace run as one space, and each kept character's offset in ``text``."""
    chars: list[str] = []
    offsets: list[int] = []
    space = True  # drop leading whitespace
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                chars.append(" ")
                offsets.append(i)
            space = True
        else:
            chars.append(ch)
            offsets.append(i)
            space = False
    return "".join(chars), offsets


def _locate(quotes: Iterable[str], collapsed: str, offsets: list[int]) -> list[tuple[int, int]]:
    """Document offsets (start, end) of every occurrence of every quote."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        needle = " ".join(unicodedata.normalize("NFC", quote).split())
        if not needle:
            continue
        at = collapsed.find(needle)
        while at >= 0:
            spans.append((offsets[at], offsets[at + len(needle) - 1] + 1))
            at = collapsed.find(needle, at + 1)
    return spans


def _labelled_quotes(label: dict) -> list[str]:
    """The quotes of one labelled element: CUAD's ``spans`` when given, else ``evidence``."""
    spans = label.get("spans")
    if isinstance(spans, list) and any(isinstance(s, str) and s.strip() for s in spans):
        return [s for s in spans if isinstance(s, str)]
    evidence = label.get("evidence")
    return [evidence] if isinstance(evidence, str) else []


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _evidence(rows: list[_Row]) -> EvidenceScore:
    cases = [r for r in rows if r.first_hit is not None]
    n = len(cases)
    return EvidenceScore(n, round(sum(bool(r.first_hit) for r in cases) / n, 4) if n else 0.0,
                         round(sum(bool(r.any_hit) for r in cases) / n, 4) if n else 0.0,
                         sum(r.unlocated for r in rows))


def _scores(rows: list[_Row], min_support: int) -> tuple[list[ElementScore], float, float]:
    """Per-element scores, headline and 3-way agreement of ``rows``."""
    by_element: dict[str, list[_Row]] = {}
    for row in rows:
        by_element.setdefault(row.element, []).append(row)
    scores: list[ElementScore] = []
    agree = 0
    for element_id, element_rows in by_element.items():
        c_tp = c_fp = c_fn = m_tp = m_fp = m_fn = 0
        for row in element_rows:
            exp_cov = row.expected not in ABSENT
            pred_cov = row.predicted not in ABSENT
            c_tp += exp_cov and pred_cov
            c_fp += (not exp_cov) and pred_cov
            c_fn += exp_cov and not pred_cov
            m_tp += (not exp_cov) and not pred_cov
            m_fp += exp_cov and not pred_cov
            m_fn += (not exp_cov) and pred_cov
            agree += _three_way(row.expected) == _three_way(row.predicted)
        covered = _score(c_tp, c_fp, c_fn)
        missing = _score(m_tp, m_fp, m_fn)
        counted = covered.support >= min_support and missing.support >= min_support
        scores.append(ElementScore(element_id, covered, missing, round((covered.f1 + missing.f1) / 2, 4), counted,
                                   _evidence(element_rows)))
    means = [s.mean_f1 for s in scores if s.counted]
    headline = round(sum(means) / len(means), 4) if means else 0.0
    return scores, headline, round(agree / len(rows), 4) if rows else 0.0


def evaluate(directory: str | Path, *, scan: Callable[[Path], ScanResult] | None = None,
             min_support: int = 3, worst: int = 15, elements: Iterable[str] | None = None) -> EvalReport:
    """Scan every labelled document under ``directory`` and score the results.

    ``elements`` restricts every figure to those element ids (each must be labelled in
    at least one label file).
    """
    from .engine import Scanner
    from .render.words import reason as reason_text

    directory = Path(directory)
    labels = load_labels(directory)
    only: tuple[str, ...] | None = None
    if elements is not None:
        only = tuple(dict.fromkeys(e.strip() for e in elements if e.strip()))
        labelled = {e for _, data in labels for e in data["elements"]}
        unknown = [e for e in only if e not in labelled]
        if not only:
            raise UsageError("--elements: name at least one element id")
        if unknown:
            raise UsageError(f"{directory}: no label file lists element(s) {', '.join(unknown)}")
    scan = scan or Scanner().scan
    rows: list[_Row] = []
    errors: list[str] = []
    documents: dict[str, int] = {}
    for document, data in labels:
        try:
            result = scan(document)
        except AgreementscanError as exc:
            errors.append(str(exc))
            continue
        language = str(data.get("language") or "unknown")
        documents[language] = documents.get(language, 0) + 1
        name = str(data.get("file", document.name))
        collapsed: tuple[str, list[int]] | None = None
        for element_id, label in data["elements"].items():
            if only is not None and element_id not in only:
                continue
            try:
                found = result.element(element_id)
            except KeyError:
                continue
            expected = str(label.get("label"))
            first_hit = any_hit = None
            unlocated = False
            if expected not in ABSENT and found.status.covered:
                if collapsed is None:  # only documents with a case to check pay for this
                    collapsed = _collapse(result.document.text)
                spans = _locate(_labelled_quotes(label), *collapsed)
                if spans:
                    hits = [_overlaps(e.start, e.end, spans) for e in found.evidence]
                    first_hit, any_hit = bool(hits and hits[0]), any(hits)
                else:
                    unlocated = True
            rows.append(_Row(name, language, element_id, expected, found.status.value, str(label.get("evidence", "")),
                             found.evidence[0].text if found.evidence else "",
                             reason_text(found, result.report_language, result.checklist),
                             first_hit, any_hit, unlocated))
    scores, headline, agreement = _scores(rows, min_support)
    languages = []
    for language in sorted(documents):
        lang_rows = [r for r in rows if r.language == language]
        _, lang_headline, lang_agreement = _scores(lang_rows, min_support)
        languages.append(LanguageReport(language, documents[language], lang_headline, lang_agreement,
                                        _evidence(lang_rows)))
    disagreements = [
        Disagreement(r.document, r.element, r.expected, r.predicted,
                     2 if (r.expected in ABSENT) != (r.predicted in ABSENT) else 1,
                     r.expected_evidence, r.found_evidence, r.reason)
        for r in rows if _three_way(r.expected) != _three_way(r.predicted)
    ]
    disagreements.sort(key=lambda d: (-d.severity, d.element, d.document))
    return EvalReport(str(directory), sum(documents.values()), tuple(scores), headline, agreement,
                      tuple(disagreements[:worst]), tuple(errors), _evidence(rows), tuple(languages), only,
                      min_support)


def _evidence_dict(e: EvidenceScore) -> dict:
    return {"cases": e.cases, "first": e.first, "any": e.any, "unlocated": e.unlocated}


def report_to_dict(report: EvalReport) -> dict:
    """The evaluation as plain JSON-ready data."""
    def cls(c: ClassScore) -> dict:
        return {"precision": c.precision, "recall": c.recall, "f1": c.f1, "support": c.support}

    return {
        "schema": "agreementscan.eval/1",
        "directory": report.directory,
        "documents": report.documents,
        "headline": report.headline,
        "agreement_3way": report.agreement_3way,
        "elements_filter": list(report.only) if report.only is not None else None,
        "evidence": _evidence_dict(report.evidence),
        "languages": {lang.language: {"documents": lang.documents, "headline": lang.headline,
                                      "agreement_3way": lang.agreement_3way,
                                      "evidence": _evidence_dict(lang.evidence)}
                      for lang in report.languages},
        "elements": [{"id": s.id, "covered": cls(s.covered), "missing": cls(s.missing), "mean_f1": s.mean_f1,
                      "counted": s.counted, "evidence": _evidence_dict(s.evidence)} for s in report.elements],
        "disagreements": [d.__dict__ for d in report.disagreements],
        "errors": list(report.errors),
    }


def _evidence_text(e: EvidenceScore) -> str:
    if not e.cases:
        return "no cases"
    text = f"first quote {e.first:.3f}, any quote {e.any:.3f} (n={e.cases}"
    return text + (f", {e.unlocated} labelled quote(s) not found in the text)" if e.unlocated else ")")


def report_to_text(report: EvalReport) -> str:
    """A plain table for the terminal."""
    lines = [f"Evaluated {report.documents} document(s) in {report.directory}"]
    if report.only is not None:
        lines.append(f"Only these elements: {', '.join(report.only)}")
    lines += [
        "",
        f"{'element':<28} {'cov P':>6} {'cov R':>6} {'cov F1':>6} {'mis P':>6} {'mis R':>6} {'mis F1':>6} "
        f"{'mean':>6}  n(cov/mis)",
    ]
    for s in report.elements:
        mark = "" if s.counted else "  (not in headline)"
        lines.append(f"{s.id:<28} {s.covered.precision:6.2f} {s.covered.recall:6.2f} {s.covered.f1:6.2f} "
                     f"{s.missing.precision:6.2f} {s.missing.recall:6.2f} {s.missing.f1:6.2f} {s.mean_f1:6.2f}  "
                     f"{s.covered.support}/{s.missing.support}{mark}")
    lines += ["", f"Headline (macro mean F1 over elements with >={report.min_support} documents per class): "
                  f"{report.headline:.3f}",
              f"3-way agreement (present / weak / absent): {report.agreement_3way:.3f}",
              f"Evidence where both say covered: {_evidence_text(report.evidence)}"]
    if len(report.languages) > 1:
        for lang in report.languages:
            lines.append(f"  {lang.language} ({lang.documents} document(s)): headline {lang.headline:.3f}, "
                         f"3-way {lang.agreement_3way:.3f}, evidence {_evidence_text(lang.evidence)}")
    lines += ["", f"{'evidence per element':<28} {'first':>6} {'any':>6}  n"]
    for s in report.elements:
        if s.evidence.cases:
            lines.append(f"{s.id:<28} {s.evidence.first:6.2f} {s.evidence.any:6.2f}  {s.evidence.cases}")
    lines.append("")
    if report.disagreements:
        lines.append("Worst disagreements:")
        for d in report.disagreements:
            lines.append(f"- {d.document} · {d.element}: expected {d.expected}, found {d.predicted} ({d.reason})")
            if d.expected_evidence:
                lines.append(f"    label:  {_clip(d.expected_evidence)}")
            if d.found_evidence:
                lines.append(f"    found:  {_clip(d.found_evidence)}")
    for error in report.errors:
        lines.append(f"error: {error}")
    return "\n".join(lines) + "\n"


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
