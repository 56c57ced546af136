"""eval on partial label files, evidence agreement, per-language figures and --elements.

The small labelled set is written into tmp_path and scanned for real; the expected numbers
are worked out by hand in the comments from what the labels say and what the scan finds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.cli import main
from agreementscan.errors import UsageError
from agreementscan.evaluate import _collapse, _locate, evaluate, report_to_dict, report_to_text

CUAD = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "cuad"
RELIABLE_CUAD = ("governing_law", "termination_for_convenience", "change_of_control", "profit_loss_sharing",
                 "exclusivity", "transfer_restrictions", "duration", "ip_ownership")

EN = """COOPERATION AGREEMENT

1. Purpose
The parties cooperate to develop and sell a joint water filter product in Europe.

2. Term
This Agreement starts on 1 March 2024 and remains in force for three years.

3. Termination
Either party may terminate this Agreement for convenience by giving 90 days' written notice to the other party.
Either party may terminate this Agreement with immediate effect if the other party materially breaches it.

4. Confidentiality
Each party shall keep the confidential information of the other party secret and shall not disclose it to third parties.

5. Governing law
This Agreement is governed by the laws of the Netherlands.
"""

NL = """SAMENWERKINGSOVEREENKOMST

Artikel 1 Doel
Partijen werken samen om gezamenlijk een waterfilter te ontwikkelen en in Nederland te verkopen.

Artikel 2 Duur
Deze overeenkomst gaat in op 1 maart 2024 en geldt voor een periode van drie jaar.

Artikel 3 Geheimhouding
Partijen zullen vertrouwelijke informatie van de andere partij geheimhouden en niet aan derden verstrekken.

Artikel 4 Toepasselijk recht
Op deze overeenkomst is Nederlands recht van toepassing.
"""


def _el(label: str, evidence: str = "", **extra: object) -> dict:
    return {"label": label, "evidence": evidence, **extra}


def _write(root: Path, name: str, data: dict) -> None:
    (root / "labels" / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture()
def labelled(tmp_path: Path) -> Path:
    """Two full-ish label files (en, nl) and two partial ones, over three text files."""
    (tmp_path / "labels").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "docs" / "en2.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "docs" / "nl.txt").write_text(NL, encoding="utf-8")
    _write(tmp_path, "en", {"file": "docs/en.txt", "language": "en", "elements": {
        # The scan quotes this sentence first (the label's line break must not matter): first and any.
        "governing_law": _el("present", "This Agreement is governed by\n   the laws of the Netherlands."),
        # The scan quotes the convenience sentence first and this breach sentence second: any, not first.
        "termination": _el("present", "terminate this Agreement with immediate effect"),
        # A label pointing elsewhere than the scan's only quote: neither.
        "confidentiality": _el("present", "The parties cooperate to develop"),
        "duration": _el("present", "remains in force for three years"),
        "dispute_resolution": _el("missing"),
        "exclusivity": _el("present", "sell a joint water filter"),  # the scan says missing: no evidence case
        "ip_ownership": _el("missing"),
    }})
    _write(tmp_path, "nl", {"file": "docs/nl.txt", "language": "nl", "elements": {
        "governing_law": _el("present", "Nederlands recht van toepassing"),
        "confidentiality": _el("present", "niet aan derden verstrekken"),
        "termination": _el("missing"),
        # CUAD-style spans: the second one is the duration sentence's end.
        "duration": _el("present", "", spans=["no such words here", "geldt voor een periode van drie jaar"]),
        "objectives": _el("present", "a quote that is not in the text"),  # unlocated, not counted
    }})
    # Partial label files: only the one listed element counts for these documents.
    _write(tmp_path, "en2", {"file": "docs/en2.txt", "language": "en",
                             "elements": {"governing_law": _el("missing")}})
    _write(tmp_path, "nl2", {"file": "docs/nl.txt", "language": "nl",
                             "elements": {"confidentiality": _el("missing")}})
    return tmp_path


def test_partial_labels_count_only_the_listed_elements(labelled: Path) -> None:
    report = evaluate(labelled, min_support=1, worst=100)
    assert report.documents == 4 and report.errors == ()
    by_id = {s.id: s for s in report.elements}
    # termination: en present/present, nl missing/missing; the partial files do not list it.
    assert (by_id["termination"].covered.support, by_id["termination"].missing.support) == (1, 1)
    assert by_id["termination"].mean_f1 == 1.0
    # governing_law: present/present twice, and the partial en2 file says missing where the scan finds it:
    # covered P 2/3, R 1, F1 0.8; missing F1 0; mean 0.4. confidentiality likewise through nl2.
    gl = by_id["governing_law"]
    assert (gl.covered.precision, gl.covered.f1, gl.missing.f1, gl.mean_f1) == (0.6667, 0.8, 0.0, 0.4)
    assert by_id["confidentiality"].mean_f1 == 0.4
    # Only these three have both classes; the headline is (0.4 + 1.0 + 0.4) / 3.
    assert {s.id for s in report.elements if s.counted} == {"governing_law", "termination", "confidentiality"}
    assert report.headline == 0.6
    # 14 labelled rows, 3 disagreements (exclusivity, en2 governing_law, nl2 confidentiality).
    assert report.agreement_3way == round(11 / 14, 4)
    assert sorted((d.document, d.element) for d in report.disagreements) == [
        ("docs/en.txt", "exclusivity"), ("docs/en2.txt", "governing_law"), ("docs/nl.txt", "confidentiality")]


def test_evidence_first_and_any_quote(labelled: Path) -> None:
    report = evaluate(labelled, min_support=1)
    # Cases: en governing_law (first), termination (any only), confidentiality (neither), duration (first);
    # nl governing_law, confidentiality, duration (first). The nl objectives quote is not in the text.
    ev = report.evidence
    assert (ev.cases, ev.first, ev.any, ev.unlocated) == (7, round(5 / 7, 4), round(6 / 7, 4), 1)
    by_id = {s.id: s.evidence for s in report.elements}
    assert (by_id["termination"].cases, by_id["termination"].first, by_id["termination"].any) == (1, 0.0, 1.0)
    assert (by_id["confidentiality"].cases, by_id["confidentiality"].first) == (2, 0.5)
    assert (by_id["governing_law"].cases, by_id["governing_law"].first) == (2, 1.0)
    assert by_id["exclusivity"].cases == 0
    assert (by_id["objectives"].cases, by_id["objectives"].unlocated) == (0, 1)


def test_per_language_headline_and_evidence(labelled: Path) -> None:
    report = evaluate(labelled, min_support=1)
    langs = {lang.language: lang for lang in report.languages}
    assert set(langs) == {"en", "nl"}
    en, nl = langs["en"], langs["nl"]
    assert (en.documents, nl.documents) == (2, 2)
    # en: only governing_law has both classes (present/present, missing/present): (2/3 + 0) / 2.
    assert en.headline == 0.3333 and en.agreement_3way == 0.75
    # nl: only confidentiality has both classes, the same way.
    assert nl.headline == 0.3333 and nl.agreement_3way == round(5 / 6, 4)
    assert (en.evidence.cases, en.evidence.first, en.evidence.any, en.evidence.unlocated) == (4, 0.5, 0.75, 0)
    assert (nl.evidence.cases, nl.evidence.first, nl.evidence.any, nl.evidence.unlocated) == (3, 1.0, 1.0, 1)


def test_elements_restricts_every_figure(labelled: Path) -> None:
    report = evaluate(labelled, min_support=1, elements=["governing_law", " termination", "governing_law"])
    assert report.only == ("governing_law", "termination")
    assert {s.id for s in report.elements} == {"governing_law", "termination"}
    assert report.headline == 0.7  # (0.4 + 1.0) / 2
    ev = report.evidence
    assert (ev.cases, ev.first, ev.any) == (3, 0.6667, 1.0)
    with pytest.raises(UsageError, match="no label file lists element"):
        evaluate(labelled, elements=["governing_law", "no_such_element"])


def test_json_and_text_keep_old_fields_and_add_new_ones(labelled: Path) -> None:
    report = evaluate(labelled, min_support=1)
    data = report_to_dict(report)
    assert data["schema"] == "agreementscan.eval/1"
    for key in ("directory", "documents", "headline", "agreement_3way", "elements", "disagreements", "errors"):
        assert key in data
    assert data["evidence"] == {"cases": 7, "first": 0.7143, "any": 0.8571, "unlocated": 1}
    assert data["languages"]["nl"]["evidence"]["first"] == 1.0
    assert data["languages"]["en"]["headline"] == 0.3333
    assert data["elements_filter"] is None
    term = next(e for e in data["elements"] if e["id"] == "termination")
    assert term["evidence"] == {"cases": 1, "first": 0.0, "any": 1.0, "unlocated": 0}
    text = report_to_text(report)
    assert "first quote 0.714, any quote 0.857 (n=7, 1 labelled quote(s) not found in the text)" in text
    assert "nl (2 document(s)): headline 0.333" in text


def test_cli_elements_option_and_bad_element(labelled: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["eval", str(labelled), "-f", "json", "--elements", "governing_law,termination"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["elements_filter"] == ["governing_law", "termination"]
    assert {e["id"] for e in data["elements"]} == {"governing_law", "termination"}
    bad = runner.invoke(main, ["eval", str(labelled), "--elements", "governing_law,nope"])
    assert bad.exit_code == 2
    assert bad.output.strip().splitlines() == [f"agreementscan: error: {labelled}: no label file lists element(s) nope"]


def test_label_naming_an_absent_file_finds_the_txt(tmp_path: Path) -> None:
    """A label that names pdf/NAME.pdf (absent) is scanned from txt/NAME.txt, the text the quotes come from."""
    (tmp_path / "labels").mkdir()
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "deal.txt").write_text(EN, encoding="utf-8")
    _write(tmp_path, "deal", {"file": "pdf/deal.pdf", "language": "en",
                              "elements": {"governing_law": _el("present", "governed by the laws")}})
    report = evaluate(tmp_path)
    assert report.errors == () and report.documents == 1
    assert (report.evidence.cases, report.evidence.first) == (1, 1.0)


def test_locate_maps_collapsed_matches_back_to_offsets() -> None:
    text = "Intro.\n\n  The  parties\tagree\n to  share.  Then the parties agree to share."
    spans = _locate(["the parties agree to share", "The parties agree\nto share."], *_collapse(text))
    # Matching is case-sensitive: the lower-case quote is the second sentence only.
    assert [text[a:b] for a, b in spans] == ["the parties agree to share", "The  parties\tagree\n to  share."]
    assert spans[0][0] == text.index("the parties")
    assert _locate(["  "], *_collapse(text)) == []


@pytest.mark.corpus
def test_dev_corpus_evidence_and_languages(corpus_dir: Path) -> None:
    report = evaluate(corpus_dir)
    # Every dev quote occurs verbatim after collapsing whitespace (corpus README), so all are found.
    assert report.evidence.unlocated == 0 and report.evidence.cases > 100
    assert {lang.language for lang in report.languages} == {"en", "nl"}
    assert sum(lang.documents for lang in report.languages) == report.documents
    assert 0 < report.evidence.first <= report.evidence.any <= 1


@pytest.mark.corpus
def test_cuad_partial_labels_on_a_slice(tmp_path: Path) -> None:
    """Twelve CUAD label files (copied to tmp_path; the texts are read in place through a link)."""
    if not (CUAD / "labels").is_dir():
        pytest.skip("../shared/corpus/cuad is not available")
    (tmp_path / "labels").mkdir()
    for path in sorted((CUAD / "labels").glob("*.json"))[:12]:
        shutil.copyfile(path, tmp_path / "labels" / path.name)
    (tmp_path / "txt").symlink_to(CUAD / "txt", target_is_directory=True)
    report = evaluate(tmp_path, elements=RELIABLE_CUAD)
    assert report.documents == 12 and report.errors == ()
    assert {s.id for s in report.elements} <= set(RELIABLE_CUAD)
    assert report.evidence.cases > 20
    # About 94% of CUAD spans occur verbatim; most cases must be located.
    assert report.evidence.unlocated < report.evidence.cases / 4
