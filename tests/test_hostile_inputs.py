"""Hostile inputs for extraction and analysis: bounded work, bounded memory, one-line errors.

Big cases are generated on the fly into tmp_path by tests/bad_inputs/hostile.py. Costs are
checked by counting work or measuring peak memory in a child process, never by the clock.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
import hostile  # noqa: E402


# --------------------------------------------------------------------------- analysis


def _eq_calls(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """How often two hits are compared while ``text`` is analysed."""
    from agreementscan.analyse import assess
    from agreementscan.api import scan_text

    calls = [0]
    original = assess.Hit.__eq__

    def counting(self: object, other: object) -> bool:
        calls[0] += 1
        return original(self, other)  # type: ignore[arg-type]

    monkeypatch.setattr(assess.Hit, "__eq__", counting)
    scan_text(text)
    monkeypatch.setattr(assess.Hit, "__eq__", original)
    return calls[0]


def test_analysis_work_grows_linearly_with_repeated_clauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranking the hits compared every hit with a list of hits: a clause repeated 14,000
    times (1 MB) took minutes. Doubling the repeats must not quadruple the comparisons."""
    small = _eq_calls(monkeypatch, hostile.repeated_clause(400))
    large = _eq_calls(monkeypatch, hostile.repeated_clause(800))
    assert large <= 2.2 * small + 1000, (small, large)
    assert large < 50 * 800, large  # a few comparisons per hit, not one per pair


# --------------------------------------------------------------------------- folders


def test_deeply_nested_folders_are_walked(tmp_path: Path) -> None:
    """The folder walk was recursive: 1,200 levels crashed it with RecursionError."""
    from agreementscan.batch import discover

    deepest = hostile.nested_folders(tmp_path / "deep", 1200)
    try:
        (deepest / "contract.txt").write_text("The Parties agree.", encoding="utf-8")
        entries = discover([tmp_path / "deep"])
    finally:
        hostile.remove_nested(tmp_path / "deep")  # pytest's own clean-up cannot
    assert [(e.action, os.path.basename(e.path)) for e in entries] == [("scan", "contract.txt")]
    assert entries[0].relpath.count("/") == 1200
