"""Compare scan results with expert labels: per-element precision, recall and F1.

Reads ``DIR/labels/*.json`` (each names its document as ``file``, relative to ``DIR``).
"Covered" is present or weak; "missing" is missing or not applicable. Each element gets
the F1 of both classes and their mean; the headline is the macro average of that mean
over elements with at least ``min_support`` labelled documents in each class.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
class ElementScore:
    id: str
    covered: ClassScore
    missing: ClassScore
    mean_f1: float
    counted: bool
    """True when the element has enough support in both classes to enter the headline."""


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
class EvalReport:
    directory: str
    documents: int
    elements: tuple[ElementScore, ...]
    headline: float
    agreement_3way: float
    disagreements: tuple[Disagreement, ...]
    errors: tuple[str, ...] = field(default=())


def _score(tp: int, fp: int, fn: int) -> ClassScore:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else 1.0
    return ClassScore(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def _three_way(status: str) -> str:
    return "absent" if status in ABSENT else status


def load_labels(directory: Path) -> list[tuple[Path, dict]]:
    """All label files of ``directory`` with the document path each one names."""
    label_dir = directory / "labels"
    if not label_dir.is_dir():
        raise UsageError(f"{directory}: no labels/ folder with label files")
    out = []
    for path in sorted(label_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            document = directory / data["file"]
            elements = data["elements"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: not a valid label file ({exc})") from None
        if not isinstance(elements, dict):
            raise UsageError(f"{path}: 'elements' must be an object")
        out.append((document, data))
    if not out:
        raise UsageError(f"{label_dir}: no *.json label files")
    return out


def evaluate(directory: str | Path, *, scan: Callable[[Path], ScanResult] | None = None,
             min_support: int = 3, worst: int = 15) -> EvalReport:
    """Scan every labelled document under ``directory`` and score the results."""
    from .engine import Scanner
    from .render.words import reason as reason_text

    directory = Path(directory)
    scan = scan or Scanner().scan
    pairs: dict[str, list[tuple[str, str, str, str, str, str]]] = {}
    errors: list[str] = []
    documents = 0
    for document, data in load_labels(directory):
        try:
            result = scan(document)
        except AgreementscanError as exc:
            errors.append(str(exc))
            continue
        documents += 1
        name = str(data.get("file", document.name))
        for element_id, label in data["elements"].items():
            try:
                found = result.element(element_id)
            except KeyError:
                continue
            evidence = found.evidence[0].text if found.evidence else ""
            pairs.setdefault(element_id, []).append(
                (name, str(label.get("label")), found.status.value, str(label.get("evidence", "")), evidence,
                 reason_text(found, result.report_language, result.checklist)))
    scores: list[ElementScore] = []
    disagreements: list[Disagreement] = []
    agree = total = 0
    for element_id, rows in pairs.items():
        c_tp = c_fp = c_fn = m_tp = m_fp = m_fn = 0
        for name, expected, predicted, expected_ev, found_ev, reason in rows:
            exp_cov = expected not in ABSENT
            pred_cov = predicted not in ABSENT
            c_tp += exp_cov and pred_cov
            c_fp += (not exp_cov) and pred_cov
            c_fn += exp_cov and not pred_cov
            m_tp += (not exp_cov) and not pred_cov
            m_fp += exp_cov and not pred_cov
            m_fn += (not exp_cov) and pred_cov
            total += 1
            if _three_way(expected) == _three_way(predicted):
                agree += 1
            else:
                disagreements.append(
                    Disagreement(
                        name,
                        element_id,
                        expected,
                        predicted,
                        2 if exp_cov != pred_cov else 1,
                        expected_ev,
                        found_ev,
                        reason,
                    )
                )
        covered = _score(c_tp, c_fp, c_fn)
        missing = _score(m_tp, m_fp, m_fn)
        counted = covered.support >= min_support and missing.support >= min_support
        scores.append(ElementScore(element_id, covered, missing, round((covered.f1 + missing.f1) / 2, 4), counted))
    means = [s.mean_f1 for s in scores if s.counted]
    headline = round(sum(means) / len(means), 4) if means else 0.0
    disagreements.sort(key=lambda d: (-d.severity, d.element, d.document))
    return EvalReport(str(directory), documents, tuple(scores), headline,
                      round(agree / total, 4) if total else 0.0, tuple(disagreements[:worst]), tuple(errors))


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
        "elements": [{"id": s.id, "covered": cls(s.covered), "missing": cls(s.missing), "mean_f1": s.mean_f1,
                      "counted": s.counted} for s in report.elements],
        "disagreements": [d.__dict__ for d in report.disagreements],
        "errors": list(report.errors),
    }


def report_to_text(report: EvalReport) -> str:
    """A plain table for the terminal."""
    lines = [
        f"Evaluated {report.documents} document(s) in {report.directory}",
        "",
        f"{'element':<28} {'cov P':>6} {'cov R':>6} {'cov F1':>6} {'mis P':>6} {'mis R':>6} {'mis F1':>6} "
        f"{'mean':>6}  n(cov/mis)",
    ]
    for s in report.elements:
        mark = "" if s.counted else "  (not in headline)"
        lines.append(f"{s.id:<28} {s.covered.precision:6.2f} {s.covered.recall:6.2f} {s.covered.f1:6.2f} "
                     f"{s.missing.precision:6.2f} {s.missing.recall:6.2f} {s.missing.f1:6.2f} {s.mean_f1:6.2f}  "
                     f"{s.covered.support}/{s.missing.support}{mark}")
    lines += ["", f"Headline (macro mean F1 over elements with >=3 documents per class): {report.headline:.3f}",
              f"3-way agreement (present / weak / absent): {report.agreement_3way:.3f}", ""]
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
