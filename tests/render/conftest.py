"""Hand-built scan results for the renderer tests (no analysis, so they stay fast)."""

from __future__ import annotations

import pytest

from agreementscan.model import (
    Block,
    Check,
    Document,
    ElementResult,
    Evidence,
    PitfallSummary,
    ScanResult,
    Severity,
    Status,
)

# Markup look-alikes on purpose: rich markup, a table pipe, HTML, a Markdown heading.
TEXT = (
    "# 1. Doel\n"
    "Partijen werken samen om [bold]samen[/] een nieuwe markt te openen | Benelux.\n"
    "<script>alert(1)</script> De omzetdoelstelling is XX% in jaar 1.\n"
    "Artikel 9 Beëindiging\n"
    "Elke partij kan de overeenkomst opzeggen met een opzegtermijn van 3 maanden.\n"
)


def span(
    needle: str,
    *,
    page: int | None = None,
    paragraph: int | None = None,
    section: str | None = None,
    rule: str | None = None,
) -> Evidence:
    """Evidence for the first occurrence of ``needle`` in :data:`TEXT`."""
    start = TEXT.index(needle)
    return Evidence(
        text=needle,
        start=start,
        end=start + len(needle),
        page=page,
        paragraph=paragraph,
        section=section,
        rule=rule,
    )


def build(report_language: str) -> ScanResult:
    """A small result with every status, a check, and evidence with page and section."""
    nl = report_language == "nl"
    goal = span(
        "Partijen werken samen om [bold]samen[/] een nieuwe markt te openen | Benelux.",
        page=1,
        paragraph=2,
        section="1. Doel",
        rule="nl.objectives.purpose",
    )
    target = span(
        "<script>alert(1)</script> De omzetdoelstelling is XX% in jaar 1.",
        page=1,
        paragraph=3,
        section="1. Doel",
    )
    notice = span(
        "opzegtermijn van 3 maanden", page=2, paragraph=5, section="Artikel 9 Beëindiging"
    )
    elements = (
        ElementResult(
            id="objectives",
            pitfall=1,
            status=Status.PRESENT,
            reason="Het doel staat in artikel 1." if nl else "Article 1 states the purpose.",
            name="Doelen" if nl else "Objectives",
            evidence=(goal,),
        ),
        ElementResult(
            id="measurable_targets",
            pitfall=1,
            status=Status.WEAK,
            reason="Doel met placeholder XX%." if nl else "Target has placeholder XX%.",
            name="Meetbare doelen" if nl else "Measurable targets",
            evidence=(target,),
            advice="Vul het percentage in." if nl else "Fill in the percentage.",
            questions=("Welk percentage?",) if nl else ("Which percentage?",),
        ),
        ElementResult(
            id="timeline",
            pitfall=1,
            status=Status.MISSING,
            reason="Geen planning gevonden." if nl else "No time plan found.",
            name="Planning" if nl else "Timeline",
            advice="Spreek mijlpalen af." if nl else "Agree milestones.",
            searched_for=("mijlpaal", "planning") if nl else ("milestone", "schedule"),
        ),
        ElementResult(
            id="equity_split",
            pitfall=2,
            status=Status.NOT_APPLICABLE,
            reason="Er komt geen gezamenlijke entiteit." if nl else "No joint entity is created.",
            name="Aandelenverdeling" if nl else "Equity split",
        ),
        ElementResult(
            id="termination",
            pitfall=3,
            status=Status.PRESENT,
            reason="Opzegging met termijn." if nl else "Termination on notice.",
            name="Beëindiging" if nl else "Termination",
            evidence=(notice,),
        ),
    )

    def pitfall(
        n: int, key: str, titles: tuple[str, str], tips: tuple[str, str], score: int
    ) -> PitfallSummary:
        return PitfallSummary(n, key, titles[0 if nl else 1], tips[0 if nl else 1], score)

    pitfalls = (
        pitfall(1, "goals", ("Doelen niet helder", "Unclear goals"),
                ("Stel samen heldere doelen.", "Set clear goals together."), 50),
        pitfall(2, "equality", ("Niet gelijkwaardig", "Unequal partners"),
                ("Wees open.", "Be open."), 100),
        pitfall(3, "trust", ("Teveel vertrouwen", "Too much trust"),
                ("Bespreek risico's.", "Discuss risks."), 100),
    )  # fmt: skip
    checks = (
        Check(
            id="placeholder",
            severity=Severity.ERROR,
            message="Placeholder in tekst." if nl else "Placeholder in text.",
            evidence=(span("XX%", page=1, section="1. Doel"),),
        ),
    )
    document = Document(
        text=TEXT,
        blocks=(Block(text=TEXT[:10], start=0, end=10),),
        format="txt",
        path="samples/nl/overeenkomst.txt",
        sha256="0" * 64,
        pages=2,
        warnings=("Scanned page without text",),
    )
    return ScanResult(
        document=document,
        language="nl",
        report_language=report_language,
        elements=elements,
        pitfalls=pitfalls,
        checks=checks,
        score=67,
        tool_version="0.1.0",
    )


@pytest.fixture
def document_text() -> str:
    return TEXT


@pytest.fixture(params=["nl", "en"])
def result(request: pytest.FixtureRequest) -> ScanResult:
    return build(request.param)


@pytest.fixture
def result_nl() -> ScanResult:
    return build("nl")


@pytest.fixture
def result_en() -> ScanResult:
    return build("en")
