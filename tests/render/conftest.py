"""Hand-built scan results for the renderer tests (no analysis, so they stay fast)."""

from __future__ import annotations

import pytest

from agreementscan.lexicon.schema import Checklist, ElementInfo, Localized, PitfallInfo


def Text2(nl: object, en: object) -> Localized:  # noqa: N802 - reads like the texts it builds
    """A (Dutch, English) pair as the checklist's per-language value."""
    return Localized.of({"nl": nl, "en": en})
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


def _note(text: str) -> dict[str, object]:
    """A hand-written reason: the ``note`` cause shows its text as is."""
    return {"cause": "note", "params": (("text", text),)}


def _info(element_id: str, pitfall: int, name: tuple[str, str], *, advice: tuple[str, str] = ("", ""),
          questions: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
          searched_for: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> ElementInfo:
    """Checklist texts of one element: (Dutch, English)."""
    empty = Text2("", "")
    return ElementInfo(element_id, pitfall, Severity.WARNING, Text2(*name), empty, empty, Text2(*advice),
                       Text2(*questions), Text2(*searched_for), empty, empty)


# The fixture's own vocabulary, so the renderer tests do not depend on the shipped wording.
CHECKLIST = Checklist(
    pitfalls=(
        PitfallInfo(1, "goals", Text2("Doelen niet helder", "Unclear goals"), Text2("", ""),
                    Text2("Stel samen heldere doelen.", "Set clear goals together.")),
        PitfallInfo(2, "equality", Text2("Niet gelijkwaardig", "Unequal partners"), Text2("", ""),
                    Text2("Wees open.", "Be open.")),
        PitfallInfo(3, "trust", Text2("Teveel vertrouwen", "Too much trust"), Text2("", ""),
                    Text2("Bespreek risico's.", "Discuss risks.")),
    ),
    elements=(
        _info("objectives", 1, ("Doelen", "Objectives")),
        _info("measurable_targets", 1, ("Meetbare doelen", "Measurable targets"),
              advice=("Vul het percentage in.", "Fill in the percentage."),
              questions=(("Welk percentage?",), ("Which percentage?",))),
        _info("timeline", 1, ("Planning", "Timeline"), advice=("Spreek mijlpalen af.", "Agree milestones."),
              searched_for=(("mijlpaal", "planning"), ("milestone", "schedule"))),
        _info("equity_split", 2, ("Aandelenverdeling", "Equity split")),
        _info("termination", 3, ("Beëindiging", "Termination")),
    ),
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
            **_note("Het doel staat in artikel 1." if nl else "Article 1 states the purpose."),
            evidence=(goal,),
        ),
        ElementResult(
            id="measurable_targets",
            pitfall=1,
            status=Status.WEAK,
            **_note("Doel met placeholder XX%." if nl else "Target has placeholder XX%."),
            evidence=(target,),
        ),
        ElementResult(
            id="timeline",
            pitfall=1,
            status=Status.MISSING,
            **_note("Geen planning gevonden." if nl else "No time plan found."),
        ),
        ElementResult(
            id="equity_split",
            pitfall=2,
            status=Status.NOT_APPLICABLE,
            **_note("Er komt geen gezamenlijke entiteit." if nl else "No joint entity is created."),
        ),
        ElementResult(
            id="termination",
            pitfall=3,
            status=Status.PRESENT,
            **_note("Opzegging met termijn." if nl else "Termination on notice."),
            evidence=(notice,),
        ),
    )

    pitfalls = (
        PitfallSummary(1, "goals", 50),
        PitfallSummary(2, "equality", 100),
        PitfallSummary(3, "trust", 100),
    )
    checks = (
        Check(
            id="placeholder",
            severity=Severity.ERROR,
            params=(("text", "Placeholder in tekst." if nl else "Placeholder in text."),),
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
        checklist=CHECKLIST,
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
