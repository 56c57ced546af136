"""PDF extraction on small reportlab-made PDFs, plus invariants on the dev corpus if present."""

from __future__ import annotations

import shutil

from pathlib import Path

import pytest

from agreementscan.errors import ExtractionError
from agreementscan.extract import extract
from agreementscan.model import BlockKind, Document

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

PAGE1 = [
    "1. DEFINITIONS",
    "1.1 In this Agreement the following terms have the meanings set out below, and words",
    "in the singular include the plural.",
    "7.2 Termination for Convenience. Either Party may terminate this Agreement by giving",
    "ninety days written notice to the other Party.",
]
PAGE2 = [
    "ARTICLE 2 PROFIT SHARING",
    "The profits of the joint venture are shared between the Parties as follows.",
]
TABLE = [["Party", "Share"], ["Alpha B.V.", "60%"], ["Beta Ltd", "40%"]]


def make_pdf(path: Path, *, encrypt: str | None = None, blank: bool = False) -> Path:
    """Two A4 pages: a running header, page numbers, headings, paragraphs, a ruled table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    encryption = None
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encryption = StandardEncryption(encrypt, canPrint=1)
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encryption)
    width, height = A4
    if blank:
        c.rect(100, 100, 200, 200)
        c.showPage()
        c.save()
        return path
    for number, lines in ((1, PAGE1), (2, PAGE2)):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, "ACME Partnership Agreement - Confidential")
        c.drawString(width / 2, 30, str(number))
        c.setFont("Helvetica", 11)
        y = height - 100
        for i, line in enumerate(lines):
            if i and (line[0].isdigit() or line.isupper()):
                y -= 10  # paragraph spacing
            c.drawString(72, y, line)
            y -= 14
        if number == 2:
            # A 3x2 table drawn with lines, with text in the cells.
            top = y - 20
            xs, ys = [72, 250, 400], [top - 20 * i for i in range(4)]
            c.grid(xs, ys)
            for r, row in enumerate(TABLE):
                for col, cell in enumerate(row):
                    c.drawString(xs[col] + 4, ys[r] - 14, cell)
            c.drawString(72, ys[-1] - 30, "The table above is binding.")
        c.showPage()
    c.save()
    return path


def check_invariants(doc: Document) -> None:
    prev_end = 0
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
        assert block.start >= prev_end
        prev_end = block.end
    assert "\r" not in doc.text


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pdf(tmp_path_factory.mktemp("pdf") / "deal.pdf")


def test_pdf_blocks(sample_pdf: Path) -> None:
    data = sample_pdf.read_bytes()
    doc = extract(sample_pdf)
    assert sample_pdf.read_bytes() == data  # never modified
    assert doc.format == "pdf" and doc.pages == 2
    check_invariants(doc)
    by_text = {b.text: b for b in doc.blocks}

    heading = by_text["1. DEFINITIONS"]
    assert heading.kind is BlockKind.HEADING and heading.page == 1 and heading.section == "1. DEFINITIONS"
    # Lines of one paragraph are kept as lines, joined with "\n".
    para = by_text["\n".join(PAGE1[1:3])]
    assert para.kind is BlockKind.PARAGRAPH and para.section == "1. DEFINITIONS"
    titled = by_text["\n".join(PAGE1[3:5])]
    assert titled.kind is BlockKind.PARAGRAPH and titled.section == "Termination for Convenience"

    art2 = by_text["ARTICLE 2 PROFIT SHARING"]
    assert art2.kind is BlockKind.HEADING and art2.page == 2

    rows = [b for b in doc.blocks if b.kind is BlockKind.TABLE_ROW]
    assert [b.text for b in rows] == [" | ".join(r) for r in TABLE]
    assert all(b.page == 2 and b.section == "ARTICLE 2 PROFIT SHARING" for b in rows)
    # Running text inside the table is replaced by the rows, not repeated.
    assert doc.text.count("Alpha B.V.") == 1
    assert by_text["The table above is binding."].page == 2

    # The running header is kept once (as HEADER), the page numbers are dropped.
    headers = [b for b in doc.blocks if "ACME Partnership" in b.text]
    assert len(headers) == 1 and headers[0].kind is BlockKind.HEADER
    assert not any(b.text.strip() in ("1", "2") for b in doc.blocks)
    assert doc.text.index("1. DEFINITIONS") < doc.text.index("ARTICLE 2") < doc.text.index("Alpha B.V.")


def test_pdf_max_pages(sample_pdf: Path) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(sample_pdf, max_pages=1)
    assert "PDF has 2 pages, more than the --max-pages limit of 1" in str(info.value)
    assert extract(sample_pdf, max_pages=2).pages == 2


def test_pdf_encrypted(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", encrypt="s3cret")
    with pytest.raises(ExtractionError, match="PDF is encrypted; pass --password"):
        extract(path)
    with pytest.raises(ExtractionError, match="wrong password for encrypted PDF"):
        extract(path, password="nope")
    doc = extract(path, password="s3cret")
    assert "ARTICLE 2 PROFIT SHARING" in doc.text
    assert any(b.kind is BlockKind.TABLE_ROW for b in doc.blocks)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", blank=True)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    message = str(info.value)
    assert "PDF has no text layer (scanned?)" in message and "scan.pdf" in message
    if shutil.which("ocrmypdf"):
        assert "ocrmypdf" in message and "scan.ocr.pdf" in message
    else:
        assert "needs OCR first" in message


@pytest.mark.parametrize(
    ("name", "cut"),
    [("zero.pdf", 0), ("header.pdf", 9), ("half.pdf", None)],
)
def test_pdf_damaged(tmp_path: Path, sample_pdf: Path, name: str, cut: int | None) -> None:
    data = sample_pdf.read_bytes()
    if cut is None:
        data = data[:9] + b"\x00garbage" * 40  # header survives, body is junk
    else:
        data = data[:cut]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ExtractionError) as info:
        extract(path)
    assert "damaged PDF" in str(info.value)
    assert name in str(info.value)


def test_pdf_truncated_tail_is_error_or_readable(tmp_path: Path, sample_pdf: Path) -> None:
    # pdfium repairs many truncated files; either outcome must be clean.
    path = tmp_path / "trunc.pdf"
    path.write_bytes(sample_pdf.read_bytes()[:-200])
    try:
        doc = extract(path)
    except ExtractionError as exc:
        assert "trunc.pdf" in str(exc)
    else:
        check_invariants(doc)


@pytest.mark.corpus
def test_dev_corpus_pdfs() -> None:
    folder = CORPUS / "dev" / "en"
    pdfs = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    if not pdfs:
        pytest.skip("dev corpus not present")
    for path in pdfs:
        doc = extract(path)
        check_invariants(doc)
        assert doc.pages and doc.pages > 0
        assert len(doc.text) > 1000, path.name
        assert all(b.page is not None and 1 <= b.page <= doc.pages for b in doc.blocks)
        assert any(b.kind is BlockKind.HEADING for b in doc.blocks), path.name
