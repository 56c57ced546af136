"""Baselines: findings the reviewers accepted, per document (by content hash) and element.

A baseline file is JSON the team keeps next to its agreements::

    {"schema": "agreementscan.baseline/1",
     "entries": [{"sha256": "…", "path": "draft.pdf", "element": "exclusivity", "status": "missing",
                  "justification": "Accepted by both boards on 2026-11-02", "date": "2026-11-02"}]}

Applying it marks matching weak or missing elements ``suppressed``: still shown in every
output, not counted for ``--fail-on``. An entry only matches the exact document it was
made for, so a changed agreement is reviewed again.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import AgreementscanError, shown
from .fileio import write_text_atomic
from .model import ScanResult, Status, Suppression
from .smallfiles import UnreadableFile, read_small

SCHEMA = "agreementscan.baseline/1"
BASELINE_NAME = "agreementscan-baseline.json"


class BaselineError(AgreementscanError):
    """A baseline file is invalid or cannot be written."""


@dataclass(frozen=True)
class Entry:
    sha256: str
    path: str
    element: str
    status: str
    justification: str
    date: str


@dataclass(frozen=True)
class Baseline:
    path: Path
    entries: tuple[Entry, ...] = ()

    def for_document(self, sha256: str | None) -> dict[str, Entry]:
        return {e.element: e for e in self.entries if sha256 and e.sha256 == sha256}

    def stale(self, current: Mapping[str, str]) -> list[Entry]:
        """Entries whose document (by path) now has another hash: they no longer apply."""
        return [e for e in self.entries if e.path in current and current[e.path] != e.sha256]


def load_baseline(path: Path, *, missing_ok: bool = False) -> Baseline:
    """Read and validate a baseline file."""
    try:
        raw = read_small(path).decode("utf-8")
    except FileNotFoundError:
        if missing_ok:
            return Baseline(path)
        raise BaselineError(f"{shown(path)}: baseline file not found") from None
    except UnreadableFile as exc:
        raise BaselineError(f"{shown(path)}: {exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{shown(path)}: cannot read baseline (not valid UTF-8)") from None
    except OSError as exc:
        raise BaselineError(f"{shown(path)}: cannot read baseline ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BaselineError(f"{shown(path)}: not valid JSON ({exc})") from None
    except RecursionError:
        raise BaselineError(f"{shown(path)}: not a baseline file (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("entries"), list):
        raise BaselineError(f"{shown(path)}: not a baseline file (expected schema {SCHEMA!r} with 'entries')")
    entries = []
    for number, item in enumerate(data["entries"], start=1):
        try:
            entry = Entry(**{k: str(item[k]) for k in ("sha256", "path", "element", "status", "justification", "date")})
        except (KeyError, TypeError):
            raise BaselineError(f"{shown(path)}: entry {number} needs sha256, path, element, status, "
                                "justification and date") from None
        if not entry.justification.strip():
            raise BaselineError(f"{shown(path)}: entry {number} ({entry.element}) has an empty justification")
        try:
            _dt.date.fromisoformat(entry.date)
        except ValueError:
            raise BaselineError(f"{shown(path)}: entry {number} ({entry.element}): date must be YYYY-MM-DD") from None
        entries.append(entry)
    return Baseline(path, tuple(entries))


def apply_baseline(result: ScanResult, baseline: Baseline) -> ScanResult:
    """Mark the accepted weak or missing elements of this exact document as suppressed."""
    accepted = baseline.for_document(result.document.sha256)
    if not accepted:
        return result
    elements = []
    for element in result.elements:
        entry = accepted.get(element.id)
        if entry is not None and element.status in (Status.WEAK, Status.MISSING):
            element = replace(element, suppression=Suppression(entry.justification, entry.date, str(baseline.path)))
        elements.append(element)
    return replace(result, elements=tuple(elements))


def accept(baseline: Baseline, result: ScanResult, justifications: Mapping[str, str],
           *, today: _dt.date | None = None) -> tuple[Baseline, list[str]]:
    """Add (or replace) entries for ``result``; returns the new baseline and ignored ids with why."""
    date = (today or _dt.date.today()).isoformat()
    sha = result.document.sha256 or ""
    notes: list[str] = []
    by_id = {e.id: e for e in result.elements}
    keep = [e for e in baseline.entries if not (e.sha256 == sha and e.element in justifications)]
    added = []
    for element_id, justification in justifications.items():
        if not justification.strip():
            raise BaselineError(f"{element_id}: a justification is required (--accept {element_id}=\"why\")")
        element = by_id.get(element_id)
        if element is None:
            raise BaselineError(f"{element_id}: unknown element id")
        if element.status not in (Status.WEAK, Status.MISSING):
            notes.append(f"{element_id}: is {element.status.value}, nothing to accept")
            continue
        added.append(Entry(sha, result.document.path or "", element_id, element.status.value, justification, date))
    return Baseline(baseline.path, tuple(keep + added)), notes


def save_baseline(baseline: Baseline) -> None:
    """Write the baseline atomically (temporary file, then rename)."""
    data = {
        "schema": SCHEMA,
        "entries": [e.__dict__ for e in sorted(baseline.entries, key=lambda e: (e.path, e.element))],
    }
    try:
        write_text_atomic(baseline.path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise BaselineError(f"{shown(baseline.path)}: cannot write baseline ({exc.strerror or exc})") from None


def parse_accepts(values: Iterable[str]) -> dict[str, str]:
    """``["exclusivity=Accepted by both boards"]`` -> {"exclusivity": "Accepted by both boards"}."""
    out: dict[str, str] = {}
    for value in values:
        element, sep, justification = value.partition("=")
        if not sep or not element.strip():
            raise BaselineError(f"--accept {value!r}: use ELEMENT=\"justification\"")
        out[element.strip()] = justification.strip()
    return out
