"""TXT/MD extraction: decoding, exact text, paragraph blocks, line numbers, sections."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from agreementscan.errors import ExtractionError
from agreementscan.extract import document_from_text, extract
from agreementscan.model import BlockKind, Document

CONTRACT = """SAMENWERKINGSOVEREENKOMST

Artikel 1 Definities
In deze overeenkomst wordt verstaan onder
Partij: elk van de ondertekenaars.

Artikel 2 Duur
2.1 Looptijd. De overeenkomst geldt voor vijf jaar
en wordt daarna stilzwijgend verlengd.
2.2 De Partijen kunnen opzeggen.

- eerste punt
- tweede punt
  met vervolg
"""


def check_invariants(doc: Document) -> None:
    prev_end = 0
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
        assert block.start >= prev_end
        assert block.text == block.text.strip()
        prev_end = block.end


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_txt_blocks_lines_sections(tmp_path: Path) -> None:
    path = write(tmp_path, "contract.txt", CONTRACT.encode("utf-8"))
    doc = extract(path)
    assert doc.format == "txt"
    assert doc.text == CONTRACT
    assert doc.path == str(path)
    assert doc.sha256 == hashlib.sha256(CONTRACT.encode()).hexdigest()
    assert doc.pages is None
    check_invariants(doc)
    summary = [(b.kind, b.line, b.section, b.text.split("\n")[0]) for b in doc.blocks]
    assert summary == [
        (BlockKind.HEADING, 1, "SAMENWERKINGSOVEREENKOMST", "SAMENWERKINGSOVEREENKOMST"),
        (BlockKind.HEADING, 3, "Artikel 1 Definities", "Artikel 1 Definities"),
        (BlockKind.PARAGRAPH, 4, "Artikel 1 Definities", "In deze overeenkomst wordt verstaan onder"),
        (BlockKind.HEADING, 7, "Artikel 2 Duur", "Artikel 2 Duur"),
        (BlockKind.PARAGRAPH, 8, "Looptijd", "2.1 Looptijd. De overeenkomst geldt voor vijf jaar"),
        (BlockKind.PARAGRAPH, 10, "Artikel 2 Duur", "2.2 De Partijen kunnen opzeggen."),
        (BlockKind.LIST_ITEM, 12, "Artikel 2 Duur", "- eerste punt"),
        (BlockKind.LIST_ITEM, 13, "Artikel 2 Duur", "- tweede punt"),
    ]
    # A block spans several lines; its leading indentation of later lines is kept.
    assert doc.blocks[-1].text == "- tweede punt\n  met vervolg"


def test_txt_text_is_exact_after_normalisation(tmp_path: Path) -> None:
    raw = "  Intro line\r\n\r\n\r\nClause one\rcontinues here   \n\n\tTabbed\n\n\n"
    doc = extract(write(tmp_path, "a.txt", raw.encode()))
    assert doc.text == raw.replace("\r\n", "\n").replace("\r", "\n")
    check_invariants(doc)
    assert [(b.text, b.line) for b in doc.blocks] == [
        ("Intro line", 1),
        ("Clause one\ncontinues here", 4),
        ("Tabbed", 7),
    ]


def test_markdown_headings_lists_tables(tmp_path: Path) -> None:
    md = "# Partnership Agreement\n\n## 1. Scope\nThe parties cooperate.\n\n1. first\n2. second\n\n| Party | Share |\n|---|---|\n| A | 50% |\n"
    doc = extract(write(tmp_path, "deal.md", md.encode()))
    assert doc.format == "md"
    check_invariants(doc)
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds == [
        (BlockKind.HEADING, "# Partnership Agreement"),
        (BlockKind.HEADING, "## 1. Scope"),
        (BlockKind.PARAGRAPH, "The parties cooperate."),
        (BlockKind.LIST_ITEM, "1. first"),
        (BlockKind.LIST_ITEM, "2. second"),
        (BlockKind.TABLE_ROW, "| Party | Share |"),
        (BlockKind.TABLE_ROW, "| A | 50% |"),
    ]
    assert doc.blocks[0].section == "Partnership Agreement"
    assert doc.blocks[2].section == "1. Scope"


def test_utf8_bom_stripped(tmp_path: Path) -> None:
    doc = extract(write(tmp_path, "bom.txt", codecs.BOM_UTF8 + "Beëindiging\n".encode()))
    assert doc.text == "Beëindiging\n"
    assert doc.warnings == ()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    text = "Artikel 1 Beëindiging\r\nDe partijen.\r\n"
    doc = extract(write(tmp_path, "u16.txt", text.encode(encoding)))
    assert doc.text == "Artikel 1 Beëindiging\nDe partijen.\n"
    assert doc.blocks[0].kind is BlockKind.HEADING


def test_cp1252_fallback_warns(tmp_path: Path) -> None:
    doc = extract(write(tmp_path, "old.txt", "Beëindiging – € 100\n".encode("cp1252")))
    assert doc.text == "Beëindiging – € 100\n"
    assert len(doc.warnings) == 1 and "cp1252" in doc.warnings[0]


def test_nfc_normalisation(tmp_path: Path) -> None:
    doc = extract(write(tmp_path, "nfd.txt", "Bee\u0308indiging\n".encode()))
    assert doc.text == "Beëindiging\n"
    check_invariants(doc)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\r\n\t ", "empty file"),
        (b"\x00\x01\x02binary\x00\xff" * 20, "not a text file (binary content)"),
        (bytes(range(1, 32)) * 10, "not a text file (binary content)"),
    ],
)
def test_text_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert message in str(info.value)
    assert "bad.txt" in str(info.value)
    assert info.value.message == message


def test_input_file_unchanged(tmp_path: Path) -> None:
    data = CONTRACT.encode("utf-16")
    path = write(tmp_path, "keep.txt", data)
    extract(path)
    assert path.read_bytes() == data


def test_document_from_text() -> None:
    doc = document_from_text("Article 1 Scope\r\nText of the article.\n", path="mem")
    assert doc.text == "Article 1 Scope\nText of the article.\n"
    assert doc.format == "txt" and doc.path == "mem"
    assert doc.sha256 == hashlib.sha256("Article 1 Scope\r\nText of the article.\n".encode()).hexdigest()
    assert [b.kind for b in doc.blocks] == [BlockKind.HEADING, BlockKind.PARAGRAPH]
    check_invariants(doc)
