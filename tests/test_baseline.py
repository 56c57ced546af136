"""Baselines: accepted findings are suppressed for that exact document only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from agreementscan import scan_file, scan_text
from agreementscan.baseline import (
    BaselineError,
    accept,
    apply_baseline,
    load_baseline,
    parse_accepts,
    save_baseline,
)
from agreementscan.model import Status


def test_accept_save_load_apply(tmp_path: Path, samples_dir: Path) -> None:
    result = scan_file(samples_dir / "en_alliance_gaps.txt")
    baseline = load_baseline(tmp_path / "baseline.json", missing_ok=True)
    baseline, notes = accept(baseline, result, {"exit_moments": "Accepted by both boards on 2026-11-02",
                                                "objectives": "not a gap"}, today=dt.date(2026, 11, 2))
    assert notes == ["objectives: is present, nothing to accept"]
    save_baseline(baseline)
    data = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert data["entries"][0]["element"] == "exit_moments" and data["entries"][0]["date"] == "2026-11-02"
    applied = apply_baseline(result, load_baseline(tmp_path / "baseline.json"))
    element = applied.element("exit_moments")
    assert element.status is Status.MISSING and element.suppression is not None
    assert element.suppression.justification == "Accepted by both boards on 2026-11-02"
    assert applied.element("review_moments").suppression is None


def test_a_changed_document_invalidates_its_entries(tmp_path: Path) -> None:
    text = "The Parties shall cooperate on marketing. This Agreement is governed by Dutch law."
    original = scan_text(text)
    baseline, _ = accept(load_baseline(tmp_path / "b.json", missing_ok=True), original, {"exclusivity": "fine"})
    assert apply_baseline(original, baseline).element("exclusivity").suppression is not None
    changed = scan_text(text + " Each Party may terminate on notice.")
    assert apply_baseline(changed, baseline).element("exclusivity").suppression is None
    assert baseline.stale({"": changed.document.sha256 or ""})


@pytest.mark.parametrize("content", ["{", '{"schema": "other"}', '{"schema": "agreementscan.baseline/1", "entries": [{}]}',
                                     '{"schema": "agreementscan.baseline/1", "entries": [{"sha256": "x", "path": "p", '
                                     '"element": "e", "status": "missing", "justification": " ", "date": "2026-01-01"}]}'])
def test_invalid_baselines_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match="b.json"):
        load_baseline(path)


def test_accept_arguments_need_a_justification() -> None:
    assert parse_accepts(['exclusivity=Accepted by both boards']) == {"exclusivity": "Accepted by both boards"}
    with pytest.raises(BaselineError, match="ELEMENT="):
        parse_accepts(["exclusivity"])
    with pytest.raises(BaselineError, match="justification is required"):
        accept(load_baseline(Path("/nonexistent/b.json"), missing_ok=True), scan_text("The Parties agree."),
               {"exclusivity": ""})
