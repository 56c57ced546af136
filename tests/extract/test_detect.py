"""Format detection from content, and the file-level errors of extract()."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from agreementscan.errors import ExtractionError
from agreementscan.extract import detect_format, extract


def tiny_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Article 1 Scope")
    c.drawString(72, 700, "The parties agree to cooperate on the joint project in good faith.")
    c.save()
    return path


def tiny_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Article 1 Scope", level=1)
    d.add_paragraph("The parties agree to cooperate.")
    d.save(str(path))
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def expect_error(path: Path, message: str, **kwargs: object) -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract(path, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert path.name in str(info.value)
    return info.value


def test_pdf_named_docx_and_docx_named_pdf(tmp_path: Path) -> None:
    pdf = tiny_pdf(tmp_path / "x.pdf")
    docx = tiny_docx(tmp_path / "y.docx")
    fake_docx = tmp_path / "really_pdf.docx"
    fake_docx.write_bytes(pdf.read_bytes())
    fake_pdf = tmp_path / "really_docx.pdf"
    fake_pdf.write_bytes(docx.read_bytes())
    assert detect_format(fake_docx) == "pdf"
    assert detect_format(fake_pdf) == "docx"
    assert extract(fake_docx).format == "pdf"
    assert extract(fake_pdf).format == "docx"
    assert "cooperate" in extract(fake_pdf).text


def test_pdf_header_after_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(b"\n\x00junk" * 10 + b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    assert detect_format(path) == "pdf"
    assert detect_format("whatever.txt", head=b"%PDF-1.7\n") == "pdf"
    real = tiny_pdf(tmp_path / "real.pdf").read_bytes()
    (tmp_path / "prefixed.pdf").write_bytes(b"\x00\x01MacBinary junk\x00" + real)
    assert extract(tmp_path / "prefixed.pdf").format == "pdf"


def test_text_that_mentions_the_pdf_header_is_text(tmp_path: Path) -> None:
    """A plain-text contract quoting "%PDF-" in its first kilobyte was taken for a damaged PDF."""
    path = tmp_path / "contract.txt"
    path.write_text("Annex B. Deliverables are sent as files that start with %PDF-1.7 (PDF/A).\n\n"
                    "The Parties shall cooperate in good faith. This Agreement is governed by Dutch law.\n"
                    "1 0 obj is how a PDF object starts; this line is only an example.\n", encoding="utf-8")
    assert detect_format(path) == "txt"
    document = extract(path)
    assert document.format == "txt" and "governed by Dutch law" in document.text
    # Binary junk before the header but nothing else of a PDF: not a PDF either.
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01\x02" + b"%PDF-1.4 nothing else")
    assert detect_format(tmp_path / "junk.bin") == "txt"


def test_text_formats_by_extension(tmp_path: Path) -> None:
    for name, fmt in (("a.md", "md"), ("a.markdown", "md"), ("a.txt", "txt"), ("a", "txt"), ("a.TXT", "txt")):
        path = tmp_path / name
        path.write_text("Hello\n", encoding="utf-8")
        assert detect_format(path) == fmt


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.docx", zip_bytes({"foo.txt": b"x"}), "zip archive without word/document.xml; not a Word .docx file"),
        (
            "a.odt",
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
            "OpenDocument .odt is not supported; save it as .docx or .pdf",
        ),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy Word .doc is not supported; save it as .docx or .pdf"),
        ("a.rtf", b"{\\rtf1\\ansi Hello}", "RTF is not supported; save it as .docx or .pdf"),
        ("a.docx", b"just some text", "damaged .docx"),
        ("a.pdf", b"", "damaged PDF"),
        ("a.pdf", b"not a pdf at all", "damaged PDF"),
        ("a.docx", b"PK\x03\x04" + b"\x00" * 100, "damaged .docx"),
    ],
)
def test_unsupported_and_damaged(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    expect_error(path, message)


def test_missing_directory_and_size(tmp_path: Path) -> None:
    expect_error(tmp_path / "nope.pdf", "file not found")
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    expect_error(folder, "is a directory, not a file")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2_000_001)
    expect_error(big, "file is larger than the 2 MB limit", max_bytes=2_000_000)
    assert extract(big, max_bytes=None).text.startswith("aaa")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("hidden")
    path.chmod(0)
    try:
        expect_error(path, "permission denied")
    finally:
        path.chmod(0o600)


def test_errors_are_single_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    error = expect_error(path, "damaged PDF")
    assert "\n" not in str(error)


def test_import_is_cheap() -> None:
    code = (
        "import sys, agreementscan.extract\n"
        "heavy = [m for m in ('pdfplumber', 'pypdfium2', 'docx', 'spacy') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
