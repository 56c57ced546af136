"""SARIF 2.1.0 output, validated against the official schema (read from ../shared/schemas)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from agreementscan import scan_file
from agreementscan.model import Status, Suppression
from agreementscan.render.sarif import render_sarif, sarif_dict

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def results(samples_dir: Path) -> list:
    return [scan_file(samples_dir / "en_collab_tricky.txt"), scan_file(samples_dir / "nl_samenwerking_gaps.pdf"),
            scan_file(samples_dir / "en_alliance_gaps.docx")]


def test_validates_against_the_official_schema(results: list) -> None:
    if not SCHEMA.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is not available")
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(render_sarif(results))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)


def test_one_rule_per_element_and_one_result_per_gap(results: list) -> None:
    log = sarif_dict(results)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids[:25] == [e.id for e in results[0].elements]
    gaps = sum(1 for r in results for e in r.elements if e.status in (Status.WEAK, Status.MISSING))
    checks = sum(len(r.checks) for r in results)
    assert len(run["results"]) == gaps + checks
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert {a["hashes"]["sha-256"] for a in run["artifacts"]} == {r.document.sha256 for r in results}


def test_text_regions_point_into_the_file_and_pdf_locations_name_the_page(results: list) -> None:
    run = sarif_dict(results)["runs"][0]
    text = results[0].document.text
    txt_regions = [loc["physicalLocation"]["region"] for r in run["results"] for loc in r["locations"]
                   if loc["physicalLocation"]["artifactLocation"]["index"] == 0 and "region" in loc["physicalLocation"]]
    assert txt_regions
    for region in txt_regions:
        assert text[region["charOffset"]:region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
    pdf_pages = [loc["physicalLocation"]["properties"]["page"] for r in run["results"] for loc in r["locations"]
                 if loc["physicalLocation"]["artifactLocation"]["index"] == 1 and "properties" in loc["physicalLocation"]]
    assert pdf_pages and all(p >= 1 for p in pdf_pages)


def test_suppressed_findings_carry_a_sarif_suppression(results: list) -> None:
    first = results[0]
    gap = next(e for e in first.elements if e.status is Status.WEAK)
    accepted = replace(gap, suppression=Suppression("Accepted by both boards", "2026-11-02", "baseline.json"))
    patched = replace(first, elements=tuple(accepted if e.id == gap.id else e for e in first.elements))
    run = sarif_dict([patched])["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == gap.id]
    assert result["suppressions"][0]["justification"] == "Accepted by both boards"
    assert result["suppressions"][0]["status"] == "accepted"
