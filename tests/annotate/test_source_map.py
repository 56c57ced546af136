"""The source map extraction returns with a PDF or DOCX Document, which the annotators use.

Every span must spell exactly the document text it claims, read back from the source
file with the PDF or Word library itself; the map must cover the text, stay small when
pickled (batch workers send results back to the parent), and not count in equality.
"""

from __future__ import annotations

import pickle
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest

from agreementscan import scan_file
from agreementscan.extract import extract
from agreementscan.model import Document, SourceMap

STEMS = ("en_jv_complete", "nl_covenant_tricky", "nl_samenwerking_gaps")


def _spans(source: SourceMap) -> list[tuple[int, int, int, int, int]]:
    flat = source.spans
    return [tuple(flat[i:i + 5]) for i in range(0, len(flat), 5)]  # type: ignore[misc]


def _same(document_text: str, source_text: str, linear: bool) -> bool:
    """Source characters spell the document characters (a unit span through NFC)."""
    if linear:
        return source_text == document_text
    return unicodedata.normalize("NFC", source_text) == document_text


def _check_pdf(path: Path, document: Document) -> float:
    """Every span spells the text in pdfium's own characters; returns the share of
    non-blank document characters outside headers that the map covers."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    source = document.source_map
    assert source is not None and source.format == "pdf"
    covered = bytearray(len(document.text))
    pdf = pdfium.PdfDocument(path)
    try:
        pages: dict[int, Any] = {}
        previous_end = 0
        for a, b, page, s, e in _spans(source):
            assert previous_end <= a < b and s < e, "spans sorted, not overlapping"
            previous_end = b
            if page not in pages:
                pages[page] = pdf[page - 1].get_textpage()
            chars = "".join(chr(pdfium_c.FPDFText_GetUnicode(pages[page].raw, i)) for i in range(s, e))
            # pdfium's soft hyphen (U+FFFE, or 0x02 per character) stands in the text as "-".
            chars = chars.replace("\ufffe", "-").replace("\x02", "-")
            assert _same(document.text[a:b], chars, b - a == e - s), (page, s, document.text[a:b], chars)
            covered[a:b] = b"\x01" * (b - a)
        for textpage in pages.values():
            textpage.close()
    finally:
        pdf.close()
    body = [i for block in document.blocks for i in range(block.start, block.end)
            if not document.text[i].isspace() and document.text[i] != "|"]
    return sum(covered[i] for i in body) / len(body)


def _check_docx(path: Path, document: Document) -> float:
    """Every span spells the text in the Word element it names; returns the share of
    non-blank body characters the map covers (headers and footers have none)."""
    source = document.source_map
    assert source is not None and source.format == "docx"
    body = docx.Document(str(path)).element.body
    covered = bytearray(len(document.text))
    for a, b, where, s, e in _spans(source):
        node = body
        for i in source.path(where):
            node = node[i]
        assert node.getparent().tag.endswith("}r"), "a text element directly inside a run"
        own = node.text if node.tag.endswith("}t") else {"tab": "\t", "br": "\n", "cr": "\n"}.get(
            node.tag.split("}")[1], "-")
        assert _same(document.text[a:b], own[s:e], b - a == e - s), (document.text[a:b], own[s:e])
        covered[a:b] = b"\x01" * (b - a)
    chars = [i for block in document.blocks if block.kind.value not in ("header", "footer")
             for i in range(block.start, block.end) if not document.text[i].isspace() and document.text[i] != "|"]
    return sum(covered[i] for i in chars) / len(chars)


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_map_spells_the_text_in_pdfium_characters(samples_dir: Path, stem: str) -> None:
    path = samples_dir / f"{stem}.pdf"
    document = extract(path)
    assert _check_pdf(path, document) == 1.0
    assert any(b.kind.value == "table_row" for b in document.blocks) or stem != "en_jv_complete"


@pytest.mark.parametrize("stem", STEMS)
def test_docx_map_spells_the_text_in_word_elements(samples_dir: Path, stem: str) -> None:
    path = samples_dir / f"{stem}.docx"
    assert _check_docx(path, extract(path)) == 1.0


def test_docx_map_through_tracked_changes_fields_text_boxes_and_nfd(tmp_path: Path) -> None:
    from .test_docx import _odd_document, build_fixture

    for path in (build_fixture(tmp_path / "fixture.docx"), _odd_document(tmp_path / "odd.docx")):
        document = extract(path)
        # Text directly inside a field or a container (not a run) cannot be cut: unmapped.
        assert _check_docx(path, document) > 0.97
    fixture = extract(tmp_path / "fixture.docx")
    at = fixture.text.index("één keer")
    units = [s for s in _spans(fixture.source_map) if at <= s[0] < at + 3 and s[1] - s[0] != s[4] - s[3]]
    assert units, "a composed character becomes one unit span over its two source characters"


def test_pdf_table_cells_map_to_the_characters_pdfium_reads_across_the_row(tmp_path: Path) -> None:
    from .test_pdf import TABLE_ROW, _draw_ruled_table

    path = tmp_path / "ruled.pdf"
    _draw_ruled_table(path)
    document = extract(path)
    row = next(b for b in document.blocks if b.text == TABLE_ROW)
    assert _check_pdf(path, document) == 1.0
    mapped = [s for s in _spans(document.source_map) if row.start <= s[0] < row.end]
    assert sum(b - a for a, b, *_ in mapped) == len(TABLE_ROW.replace(" ", "").replace("|", ""))


def test_text_files_have_no_map_and_the_map_is_not_part_of_equality(samples_dir: Path) -> None:
    assert extract(samples_dir / "en_jv_complete.txt").source_map is None
    for suffix in ("pdf", "docx"):
        document = extract(samples_dir / f"en_jv_complete.{suffix}")
        assert replace(document, source_map=None) == document
        assert "source_map" not in repr(document)
        # A caller that never annotates can go without it: same text and blocks.
        bare = extract(samples_dir / f"en_jv_complete.{suffix}", source_map=False)
        assert bare.source_map is None and bare == document


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_pickled_results_stay_small(samples_dir: Path, suffix: str) -> None:
    """Batch workers pickle every result back to the parent: the map may add a fifth at most."""
    for stem in STEMS:
        result = scan_file(samples_dir / f"{stem}.{suffix}")
        assert result.document.source_map is not None
        bare = replace(result, document=replace(result.document, source_map=None))
        with_map, without = len(pickle.dumps(result)), len(pickle.dumps(bare))
        assert with_map <= 1.2 * without, (stem, with_map, without)
        assert pickle.loads(pickle.dumps(result)).document.source_map == result.document.source_map


# --------------------------------------------------------------------------- annotators


def _quads(path: Path) -> list[tuple[int, tuple[float, ...]]]:
    from pypdf import PdfReader

    out = []
    for number, page in enumerate(PdfReader(path).pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot["/Subtype"] == "/Highlight":
                out.append((number, tuple(round(float(v), 2) for v in annot["/QuadPoints"])))
    return out


def test_pdf_result_without_map_reads_the_file_again_for_the_same_highlights(
        samples_dir: Path, tmp_path: Path) -> None:
    """A result read back from JSON has no map; the annotator rebuilds it from the file."""
    from agreementscan.annotate.pdf import annotate_pdf

    source = samples_dir / "nl_covenant_tricky.pdf"
    result = scan_file(source)
    bare = replace(result, document=replace(result.document, source_map=None))
    assert annotate_pdf(result, source, tmp_path / "a.pdf") == annotate_pdf(bare, source, tmp_path / "b.pdf") > 0
    assert _quads(tmp_path / "a.pdf") == _quads(tmp_path / "b.pdf")


def test_a_map_of_another_file_is_not_used(samples_dir: Path, tmp_path: Path) -> None:
    """The map must belong to the bytes being annotated (same SHA-256), else it is rebuilt,
    and used only if the file still reads as the scanned text."""
    from agreementscan.annotate.docx import annotate_docx_report
    from agreementscan.annotate.pdf import annotate_pdf

    pdf_result = scan_file(samples_dir / "en_jv_complete.pdf")
    other = scan_file(samples_dir / "en_alliance_gaps.pdf")
    foreign = replace(pdf_result, document=replace(pdf_result.document, source_map=other.document.source_map,
                                                   sha256="0" * 64))
    assert annotate_pdf(foreign, samples_dir / "en_jv_complete.pdf", tmp_path / "a.pdf") == \
        annotate_pdf(pdf_result, samples_dir / "en_jv_complete.pdf", tmp_path / "b.pdf")
    assert _quads(tmp_path / "a.pdf") == _quads(tmp_path / "b.pdf")
    # A different file altogether: nothing is placed, nothing misplaced.
    assert annotate_pdf(pdf_result, samples_dir / "en_alliance_gaps.pdf", tmp_path / "c.pdf") == 0

    docx_result = scan_file(samples_dir / "en_jv_complete.docx")
    report = annotate_docx_report(docx_result, samples_dir / "en_alliance_gaps.docx", tmp_path / "c.docx")
    assert report.evidence_comments == 0 and report.skipped > 0


def test_docx_result_without_map_gets_the_same_comments(samples_dir: Path, tmp_path: Path) -> None:
    from agreementscan.annotate.docx import annotate_docx_report

    from .test_docx import anchored_texts

    source = samples_dir / "nl_samenwerking_gaps.docx"
    result = scan_file(source)
    bare = replace(result, document=replace(result.document, source_map=None))
    first = annotate_docx_report(result, source, tmp_path / "a.docx")
    again = annotate_docx_report(bare, source, tmp_path / "b.docx")
    assert first == again and first.evidence_comments > 0
    assert anchored_texts(tmp_path / "a.docx") == anchored_texts(tmp_path / "b.docx")


def test_annotators_use_no_private_helpers_of_the_extractors() -> None:
    """They read the source map; re-walking the body with extract.docx internals is gone."""
    import ast

    import agreementscan.annotate as package

    for path in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and "extract" in (node.module or ""):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"
