"""The evaluation command's numbers, and the bundled samples' labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agreementscan.evaluate import _score, evaluate


def test_f1_conventions() -> None:
    assert _score(3, 1, 0).f1 == pytest.approx(6 / 7, abs=1e-4)
    assert _score(0, 0, 0).f1 == 1.0
    assert _score(0, 2, 0).precision == 0.0


def test_every_sample_label_matches(samples_dir: Path) -> None:
    report = evaluate(samples_dir, worst=1000)
    assert report.documents == 18
    problems = [f"{d.document}:{d.element} expected {d.expected} got {d.predicted}" for d in report.disagreements]
    assert problems == []
    assert report.agreement_3way == 1.0


def test_eval_counts_disagreements_on_a_tiny_labelled_set(tmp_path: Path, samples_dir: Path) -> None:
    (tmp_path / "labels").mkdir()
    (tmp_path / "doc.txt").write_bytes((samples_dir / "en_alliance_gaps.txt").read_bytes())
    label = json.loads((samples_dir / "labels" / "en_alliance_gaps.json").read_text(encoding="utf-8"))
    label["file"] = "doc.txt"
    label["elements"]["governing_law"]["label"] = "missing"  # deliberately wrong
    (tmp_path / "labels" / "doc.json").write_text(json.dumps(label), encoding="utf-8")
    report = evaluate(tmp_path)
    (wrong,) = [d for d in report.disagreements if d.severity == 2]
    assert wrong.element == "governing_law" and wrong.predicted == "present"


@pytest.mark.corpus
def test_dev_corpus_headline(corpus_dir: Path) -> None:
    report = evaluate(corpus_dir)
    assert report.documents == len(list((corpus_dir / "labels").glob("*.json")))
    # Guards against regressions; the measured figure is in the README and issue notes.
    assert report.headline >= 0.80
