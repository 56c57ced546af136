"""The bundled sample agreements: build them into a temporary directory and check that
every label's evidence survives in the .docx and .pdf renderings."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

pytest.importorskip("docx")
pytest.importorskip("reportlab")
pdfplumber = pytest.importorskip("pdfplumber")


def _load_build():
    spec = importlib.util.spec_from_file_location("samples_build", SAMPLES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build()
STEMS = build.stems()


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("samples_out")
    build.build(target, verbose=False)
    return target


def _docx_text(path: Path) -> str:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    parts = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _pdf_variants(path: Path) -> list[str]:
    """Page text without the footer, plus table cells; several hyphenation readings."""
    chunks = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            body = page.within_bbox((0, 0, page.width, page.height - 45))
            chunks.append(body.extract_text() or "")
            for table in page.extract_tables():
                for row in table:
                    chunks.extend(" ".join((c or "").split()) for c in row)
    raw = "\n".join(chunks)
    return [
        collapse(raw),
        collapse(re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", raw)),  # soft hyphen at line end
        collapse(re.sub(r"-[ \t]*\n\s*", "-", raw)),  # hard hyphen split over two lines
    ]


def _labels(out: Path, stem: str) -> dict[str, dict]:
    return {
        ext: json.loads((out / "labels" / f"{stem}{ext}.json").read_text(encoding="utf-8"))
        for ext in ("", ".docx", ".pdf")
    }


def test_six_samples_in_both_languages():
    assert len(STEMS) == 6
    assert {s[:3] for s in STEMS} == {"nl_", "en_"}


@pytest.mark.parametrize("stem", STEMS)
def test_labels_complete_and_evidence_in_source(out, stem):
    source = (SAMPLES / "src" / f"{stem}.txt").read_text(encoding="utf-8")
    words = len(source.replace("|", " ").split())
    assert 1200 <= words <= 3500, f"{stem}: {words} words"
    for ext, label in _labels(out, stem).items():
        assert label["file"] == f"{stem}{ext or '.txt'}"
        assert (out / label["file"]).is_file()
        assert label["set"] == "samples"
        assert label["language"] == stem[:2]
        assert list(label["elements"]) == list(build.ELEMENT_IDS)
        assert len(build.ELEMENT_IDS) == 25
        for eid, el in label["elements"].items():
            assert el["label"] in build.STATUSES, (stem, eid)
            if el["label"] in ("present", "weak"):
                assert el["evidence"] and el["evidence"] in source, (stem, eid)
                assert el["where"], (stem, eid)
            else:
                assert el["evidence"] == "", (stem, eid)
    # the hand-written label in samples/labels is what the build emits for the .txt
    committed = json.loads((SAMPLES / "labels" / f"{stem}.json").read_text(encoding="utf-8"))
    assert committed == _labels(out, stem)[""]
    assert (out / f"{stem}.txt").read_bytes() == (SAMPLES / "src" / f"{stem}.txt").read_bytes()


@pytest.mark.parametrize("stem", STEMS)
def test_docx_contains_all_evidence(out, stem):
    from docx import Document

    path = out / f"{stem}.docx"
    text = collapse(_docx_text(path))
    label = _labels(out, stem)[".docx"]
    missing = [eid for eid, el in label["elements"].items()
               if el["evidence"] and collapse(el["evidence"]) not in text]
    assert not missing, f"{stem}.docx lacks evidence for {missing}"
    styles = {p.style.name for p in Document(str(path)).paragraphs}
    assert {"Title", "Heading 1", "Normal"} <= styles


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_contains_all_evidence(out, stem):
    variants = _pdf_variants(out / f"{stem}.pdf")
    assert len(variants[0]) > 5000, "PDF has no real text layer"
    label = _labels(out, stem)[".pdf"]
    missing = [eid for eid, el in label["elements"].items()
               if el["evidence"] and not any(collapse(el["evidence"]) in v for v in variants)]
    assert not missing, f"{stem}.pdf lacks evidence for {missing}"


def test_tables_are_real_tables(out):
    from docx import Document

    doc = Document(str(out / "nl_jv_complete.docx"))
    assert doc.tables and doc.tables[0].style.name == "Table Grid"
    with pdfplumber.open(str(out / "nl_jv_complete.pdf")) as pdf:
        assert any(page.extract_tables() for page in pdf.pages)


def test_dutch_characters_survive_in_pdf(out):
    text = _pdf_variants(out / "nl_jv_complete.pdf")[0]
    assert "Beëindiging" in text and "€ 2.500.000" in text
    assert "[●]" in _pdf_variants(out / "nl_covenant_tricky.pdf")[0]


def test_build_is_deterministic(out, tmp_path):
    build.build(tmp_path, verbose=False)
    produced = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert produced == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in produced:
        assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel
    # and a second run into the same directory rewrites nothing
    assert build.build(tmp_path, verbose=False) == []
