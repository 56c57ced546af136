"""Heading heuristics, run-in titles and block/section building."""

from __future__ import annotations

import pytest

from agreementscan.extract import normalise_text
from agreementscan.extract.common import (
    Draft,
    build_document,
    is_heading_line,
    is_list_item,
    paragraph_title,
    sha256_bytes,
)
from agreementscan.model import BlockKind


@pytest.mark.parametrize(
    "line",
    [
        "Article 5",
        "ARTICLE 5 – TERM",
        "Artikel 9 Beëindiging",
        "Artikel 9 Beëindiging van de overeenkomst",
        "Section 12.3 Governing Law",
        "Schedule A",
        "Bijlage 2",
        "Hoofdstuk 3 Winstverdeling",
        "7. TERM AND TERMINATION",
        "7 Term and Termination",
        "5.2 Payment Terms",
        "12) Confidentiality",
        "1.DEFINITIONS",
        "ARTICLE I. SCOPE OF STRATEGIC ALLIANCE.",
        "WITNESSETH:",
        "GENERAL PROVISIONS",
        "# Heading",
        "## 3. Governance",
        "**Article 4 Exclusivity**",
    ],
)
def test_heading_lines(line: str) -> None:
    assert is_heading_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "5.1 The Parties shall cooperate in good faith to achieve the goals of the alliance.",
        "5.1 The Parties shall cooperate in good faith",
        "The Parties shall cooperate.",
        "Section 5.2 applies to all deliveries",
        "This Agreement is made on 1 May 2024.",
        "AND",
        '"COOL TECH"), and VETERAN TECHNOLOGY GROUP, LLC,',
        "12.3 Time is essential.",
        "7.",
        "42",
        "",
        "x" * 120,
        "(a) the Services;",
    ],
)
def test_not_heading_lines(line: str) -> None:
    assert not is_heading_line(line)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("7.2 Termination for Convenience. Either Party may terminate.", "Termination for Convenience"),
        ("7.2 Termination for Convenience: Either Party may terminate.", "Termination for Convenience"),
        ("(a) Term. This Agreement runs for five years.", "Term"),
        ("Section 4.1 Exclusivity. Partner shall not ...", "Exclusivity"),
        ("5.1 The Parties shall cooperate. They meet monthly.", None),
        ("5.1 Mr. Smith shall chair the board.", None),
        ("Termination. Either Party may terminate.", None),  # not numbered
        ("7.2 A Very Long Title With Far Too Many Words In It. Then text.", None),
    ],
)
def test_paragraph_title(text: str, title: str | None) -> None:
    assert paragraph_title(text) == title


def test_list_items() -> None:
    assert is_list_item("- item")
    assert is_list_item("* item")
    assert is_list_item("(a) the Services")
    assert is_list_item("(iv) the Services")
    assert not is_list_item("1. Item")
    assert is_list_item("1. Item", markdown=True)
    assert not is_list_item("Termination")


def test_normalise_text_only_nfc_and_newlines() -> None:
    assert normalise_text("Bee\u0308indiging\r\nA\rB\n") == "Beëindiging\nA\nB\n"
    assert normalise_text("  tabs\tstay  ") == "  tabs\tstay  "


def test_build_document_offsets_and_sections() -> None:
    drafts = [
        Draft("ACME header", BlockKind.HEADER),
        Draft("1. DEFINITIONS", BlockKind.HEADING),
        Draft("1.1 Agreement. This agreement."),
        Draft("(a) sub item", BlockKind.LIST_ITEM),
        Draft("1.2 Other text here."),
        Draft("   "),  # dropped: empty
        Draft("2. TERM", BlockKind.HEADING),
        Draft("Cafe\u0301 text"),
    ]
    doc = build_document(drafts, fmt="pdf", path="x.pdf", sha256="0")
    assert doc.text.startswith("ACME header\n\n1. DEFINITIONS\n\n")
    for b in doc.blocks:
        assert doc.text[b.start : b.end] == b.text
    assert [b.section for b in doc.blocks] == [
        None,
        "1. DEFINITIONS",
        "Agreement",
        "Agreement",  # sub-items inherit the run-in title
        "1. DEFINITIONS",
        "2. TERM",
        "2. TERM",
    ]
    assert doc.blocks[-1].text == "Café text"


def test_sha256_bytes() -> None:
    assert sha256_bytes(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
