"""DOCX extraction on python-docx-made files: order, tables, headers, tracked changes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from agreementscan.errors import ExtractionError
from agreementscan.extract import extract
from agreementscan.model import BlockKind, Document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tracked(paragraph, inserted: str, deleted: str) -> None:  # type: ignore[no-untyped-def]
    """Append a tracked insertion (w:ins) and a tracked deletion (w:del) to a paragraph."""
    from docx.oxml import parse_xml

    ins = parse_xml(
        f'<w:ins xmlns:w="{W}" w:id="1" w:author="Reviewer" w:date="2024-01-01T00:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>'
    )
    dele = parse_xml(
        f'<w:del xmlns:w="{W}" w:id="2" w:author="Reviewer" w:date="2024-01-01T00:00:00Z">'
        f'<w:r><w:delText xml:space="preserve">{deleted}</w:delText></w:r></w:del>'
    )
    paragraph._p.append(dele)
    paragraph._p.append(ins)


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = "ACME Confidential"
    section.footer.paragraphs[0].text = "Page footer text"
    d.add_heading("Samenwerkingsovereenkomst", level=0)  # Title style
    d.add_heading("1. Scope", level=1)
    p = d.add_paragraph("The fee is ")
    _tracked(p, "EUR 100", "EUR 50")
    d.add_paragraph("")  # empty: skipped but counted
    d.add_paragraph("7.2 Termination for Convenience. Either Party may terminate.")
    run = d.add_paragraph("First line").add_run()
    run.add_break()
    run.add_text("second line\tafter tab")
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Party"
    table.cell(0, 1).text = "Share"
    table.cell(0, 2).text = "Note"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "50% merged"
    table.cell(1, 0).text = "Alpha"
    table.cell(2, 0).text = "Beta"
    table.cell(2, 1).text = "50%"
    table.cell(2, 2).text = "x"
    d.add_paragraph("Artikel 9 Beëindiging")
    d.add_paragraph("Either Party may end it.")
    d.save(str(path))
    return path


def check_invariants(doc: Document) -> None:
    prev_end = 0
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
        assert block.start >= prev_end
        prev_end = block.end


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_docx(tmp_path_factory.mktemp("docx") / "deal.docx")


def test_docx_blocks(sample_docx: Path) -> None:
    data = sample_docx.read_bytes()
    doc = extract(sample_docx)
    assert sample_docx.read_bytes() == data
    assert doc.format == "docx" and doc.pages is None
    check_invariants(doc)
    got = [(b.kind, b.paragraph, b.section, b.text) for b in doc.blocks]
    assert got == [
        (BlockKind.HEADER, None, None, "ACME Confidential"),
        (BlockKind.HEADING, 1, "Samenwerkingsovereenkomst", "Samenwerkingsovereenkomst"),
        (BlockKind.HEADING, 2, "1. Scope", "1. Scope"),
        # tracked insertion kept, tracked deletion dropped
        (BlockKind.PARAGRAPH, 3, "1. Scope", "The fee is EUR 100"),
        (BlockKind.PARAGRAPH, 5, "Termination for Convenience", "7.2 Termination for Convenience. Either Party may terminate."),
        # unnumbered blocks after a titled clause belong to it (continuations, sub-items)
        (BlockKind.PARAGRAPH, 6, "Termination for Convenience", "First line\nsecond line\tafter tab"),
        (BlockKind.TABLE_ROW, 7, "Termination for Convenience", "Party | Share | Note"),
        (BlockKind.TABLE_ROW, 8, "Termination for Convenience", "Alpha | 50% merged"),
        (BlockKind.TABLE_ROW, 9, "Termination for Convenience", "Beta | 50% | x"),
        (BlockKind.HEADING, 10, "Artikel 9 Beëindiging", "Artikel 9 Beëindiging"),
        (BlockKind.PARAGRAPH, 11, "Artikel 9 Beëindiging", "Either Party may end it."),
        (BlockKind.FOOTER, None, "Artikel 9 Beëindiging", "Page footer text"),
    ]
    assert "EUR 50" not in doc.text
    assert doc.text.startswith("ACME Confidential\n\nSamenwerkingsovereenkomst\n\n1. Scope\n\n")


def test_docm_read_as_docx(tmp_path: Path, sample_docx: Path) -> None:
    # Same package declared macro-enabled, with a (fake) vbaProject part.
    src = zipfile.ZipFile(sample_docx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"wordprocessingml.document.main+xml", b"PLACEHOLDER"
                ).replace(b"application/vnd.openxmlformats-officedocument.PLACEHOLDER", b"application/vnd.ms-word.document.macroEnabled.main+xml")
            dst.writestr(info, content)
        dst.writestr("word/vbaProject.bin", b"\x00" * 64)
    path = tmp_path / "macro.docm"
    path.write_bytes(out.getvalue())
    doc = extract(path)
    assert doc.format == "docx"
    assert "The fee is EUR 100" in doc.text


def test_docx_zip_bomb_refused(tmp_path: Path, sample_docx: Path) -> None:
    src = zipfile.ZipFile(sample_docx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename), zipfile.ZIP_DEFLATED)
        dst.writestr("word/media/huge.bin", b"\x00" * 30_000_000, zipfile.ZIP_DEFLATED)
    path = tmp_path / "bomb.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert "refusing to open: compressed content expands to" in str(info.value)
    assert "bomb.docx" in str(info.value)


def test_docx_damaged(tmp_path: Path, sample_docx: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(sample_docx.read_bytes()[:2000])  # zip magic, no central directory
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert "damaged .docx" in str(info.value)
    assert "broken.docx" in str(info.value)


def test_docx_bad_xml(tmp_path: Path, sample_docx: Path) -> None:
    src = zipfile.ZipFile(sample_docx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = content[: len(content) // 2]
            dst.writestr(info, content)
    path = tmp_path / "badxml.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(ExtractionError, match="damaged .docx"):
        extract(path)
