"""Element verdicts on small real texts: negation, placeholders, value checks and consistency checks."""

from __future__ import annotations

import pytest

from agreementscan.api import scan_text
from agreementscan.model import Severity, Status
from agreementscan.render.words import check_message, gap_words, reason


def _status(text: str, element: str, lang: str = "auto") -> Status:
    return scan_text(text, language=lang).element(element).status


@pytest.mark.parametrize(("text", "lang"), [
    ("Neither Party may terminate this Agreement for convenience.", "en"),
    ("Geen van partijen kan deze overeenkomst tussentijds opzeggen zonder opgave van redenen.", "nl"),
])
def test_negated_convenience_termination_is_weak(text: str, lang: str) -> None:
    result = scan_text(text, language=lang).element("termination_for_convenience")
    assert result.status is Status.WEAK
    assert result.evidence


@pytest.mark.parametrize(("text", "element", "lang"), [
    ("The term of this Agreement is [●] years.", "duration", "en"),
    ("Development milestones: TBD. The development schedule will follow.", "timeline", "en"),
    ("Alpha shall hold XX% of the issued shares in the Joint Venture Company.", "equity_split", "en"),
    ("This Agreement shall be governed by the laws of ____.", "governing_law", "en"),
    ("De winst wordt verdeeld in een nader te bepalen verhouding.", "profit_loss_sharing", "nl"),
    ("De looptijd van deze overeenkomst bedraagt n.t.b. jaar.", "duration", "nl"),
])
def test_placeholders_make_an_element_weak(text: str, element: str, lang: str) -> None:
    result = scan_text(text, language=lang).element(element)
    assert result.status is Status.WEAK, result.reason
    assert result.evidence


def test_review_needs_a_frequency() -> None:
    vague = "The Steering Committee shall meet to review the progress of the collaboration."
    firm = "The Steering Committee shall meet quarterly to review the progress of the collaboration."
    assert _status(vague, "review_moments", "en") is Status.WEAK
    assert _status(firm, "review_moments", "en") is Status.PRESENT


def test_targets_need_a_number() -> None:
    vague = "The Parties shall agree annual sales targets for the Product."
    firm = "The Joint Venture shall achieve revenue of at least EUR 2,000,000 in 2028."
    assert _status(vague, "measurable_targets", "en") is Status.WEAK
    assert _status(firm, "measurable_targets", "en") is Status.PRESENT


def test_equity_percentages_must_sum_to_100() -> None:
    text = ("The Parties shall incorporate a joint venture company. Alpha shall hold 60% of the issued shares "
            "in the Joint Venture Company and Beta shall hold 30% of the issued shares in the Joint Venture Company.")
    result = scan_text(text, language="en")
    checks = {c.id: c for c in result.checks}
    assert "ownership_sum" in checks
    assert checks["ownership_sum"].severity is Severity.ERROR
    assert "90" in check_message(checks["ownership_sum"], result.report_language)


def test_equal_split_without_deadlock_warns_and_with_deadlock_does_not() -> None:
    base = ("Alpha shall hold 50% of the issued shares in the Joint Venture Company and Beta shall hold "
            "50% of the issued shares in the Joint Venture Company. ")
    result = scan_text(base, language="en")
    assert [c.id for c in result.checks] == ["deadlock_missing"]
    deadlock = ("If the Board is unable to reach a decision, the matter is a deadlock and shall be escalated "
                "to the chief executive officers of the Parties.")
    assert scan_text(base + deadlock, language="en").checks == ()


def test_unequal_split_is_reported_with_pitfall_advice() -> None:
    text = ("Alfa houdt 70% van de aandelen in de gezamenlijke vennootschap en Beta houdt 30% van de aandelen "
            "in de gezamenlijke vennootschap.")
    result = scan_text(text, language="nl")
    assert result.element("equity_split").status is Status.PRESENT
    (check,) = result.checks
    assert check.id == "unequal_split" and check.severity is Severity.INFO
    assert "70/30" in check_message(check, result.report_language)


def test_no_joint_entity_makes_equity_not_applicable() -> None:
    text = ("The Parties wish to cooperate in marketing. Nothing in this Agreement shall be deemed to create "
            "a partnership or joint venture between the Parties.")
    assert _status(text, "equity_split", "en") is Status.NOT_APPLICABLE


def test_every_evidence_offset_indexes_the_document_text(samples_dir) -> None:
    from agreementscan.api import scan_file

    for name in ("en_collab_tricky.txt", "nl_covenant_tricky.txt", "en_jv_complete.pdf", "nl_jv_complete.docx"):
        result = scan_file(samples_dir / name)
        text = result.document.text
        spans = [ev for e in result.elements for ev in e.evidence] + [ev for c in result.checks for ev in c.evidence]
        assert spans
        for ev in spans:
            assert text[ev.start:ev.end] == ev.text
            assert ev.rule


def test_missing_element_says_what_was_searched() -> None:
    result = scan_text("The Parties shall cooperate on marketing of the product in good faith.", language="en")
    gap = result.element("governing_law")
    assert gap.status is Status.MISSING
    assert "governing law" in reason(gap, result.report_language).lower()
    words = gap_words(gap, result.report_language)
    assert words.advice and words.questions


def test_reasons_follow_the_report_language() -> None:
    text = "Either Party may terminate this Agreement if the other Party commits a material breach."
    assert "Geregeld" in reason(scan_text(text, report_language="nl").element("termination"), "nl")
    assert "Covered" in reason(scan_text(text, report_language="en").element("termination"), "en")


def test_scores_are_bounded_and_follow_statuses() -> None:
    weak = scan_text("The Parties shall cooperate.", language="en")
    assert all(0 <= p.score <= 100 for p in weak.pitfalls) and 0 <= weak.score <= 100
    assert weak.score < 30
