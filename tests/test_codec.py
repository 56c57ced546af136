"""The one codec between ScanResult and its language-neutral dict form."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from agreementscan.api import scan_file
from agreementscan.baseline import Baseline, Entry, apply_baseline
from agreementscan.codec import (
    SCHEMA,
    CodecError,
    result_from_dict,
    result_from_json,
    result_to_dict,
    result_to_json,
)
from agreementscan.lexicon.profile import load_profile
from agreementscan.render import render
from agreementscan.render.jsonreport import report_dict

SAMPLES = sorted(p for p in (Path(__file__).parent.parent / "samples").iterdir()
                 if p.suffix in (".txt", ".docx", ".pdf"))
PLAYBOOK = Path(__file__).parent.parent / "examples" / "playbook-data-protection"


def _through_json(data: dict) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_round_trip_on_every_sample(path: Path) -> None:
    result = scan_file(path)
    data = _through_json(result_to_dict(result))
    assert data["schema"] == SCHEMA
    back = result_from_dict(data)
    assert back == result
    assert back.document.text == result.document.text and back.document.blocks == result.document.blocks
    # Without the text (what the store keeps) the report is still the same, in both languages.
    bare = result_from_json(result_to_json(result))
    assert bare.document.text == "" and bare.document.length == len(result.document.text)
    for lang in ("nl", "en"):
        assert report_dict(bare, lang) == report_dict(result, lang)
    # No sentences in the neutral form: no reason, name or advice anywhere.
    flat = json.dumps(data["elements"])
    assert '"reason"' not in flat and '"advice"' not in flat and '"name"' not in flat


def test_suppressions_and_playbook_texts_survive(samples_dir: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text((samples_dir / "en_alliance_gaps.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = scan_file(draft, profile=load_profile([PLAYBOOK]))
    gap = next(e for e in result.elements if e.status.value == "missing")
    baseline = Baseline(tmp_path / "b.json", (Entry(result.document.sha256 or "", str(draft), gap.id, "missing",
                                                    "Accepted by both boards", "2026-11-02"),))
    result = apply_baseline(result, baseline)
    back = result_from_json(result_to_json(result))
    assert back.element(gap.id).suppression == result.element(gap.id).suppression
    # The playbook's own element keeps its name and advice without the playbook at hand.
    assert "data_protection" in {e.id for e in back.elements}
    for lang in ("nl", "en"):
        assert report_dict(back, lang) == report_dict(result, lang)
        assert render(back, "markdown", language=lang) == render(result, "markdown", language=lang)


def test_other_data_is_a_clear_error() -> None:
    with pytest.raises(CodecError, match="schema 'agreementscan.report/1'"):
        result_from_dict({"schema": "agreementscan.report/1"})
    with pytest.raises(CodecError, match="damaged"):
        result_from_dict({"schema": SCHEMA, "elements": [{"id": "x"}]})
    with pytest.raises(CodecError, match="not JSON"):
        result_from_json("{")


def test_report_language_and_path_can_be_set_on_decoding(samples_dir: Path) -> None:
    result = scan_file(samples_dir / "en_alliance_gaps.txt")
    back = result_from_json(result_to_json(result), report_language="nl", path="elsewhere.txt")
    assert back.report_language == "nl" and back.document.path == "elsewhere.txt"
    assert replace(back, report_language="en", document=replace(back.document, path=result.document.path)) \
        == result_from_json(result_to_json(result))
