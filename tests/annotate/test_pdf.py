"""annotate_pdf: highlights over evidence (placed from character boxes) and a summary note.

Every check reopens the written copy with a different library than the one that wrote it
(pdfplumber, pdfium, poppler's pdftoppm), so the annotations must be valid PDF.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from agreementscan import scan_file
from agreementscan.annotate.pdf import AUTHOR, PITFALL_COLOURS, annotate_pdf
from agreementscan.extract import extract
from agreementscan.lexicon.loader import load_checklist
from agreementscan.lexicon.schema import Checklist, ElementInfo, Localized
from agreementscan.render.words import element_name
from agreementscan.model import ElementResult, Evidence, ScanResult, Severity, Status

SAMPLES = ("en_jv_complete", "nl_covenant_tricky")


def _note(text: str) -> dict[str, Any]:
    """A hand-written reason (the ``note`` cause shows its text as is)."""
    return {"cause": "note", "params": (("text", text),)}


def _named(element_id: str, pitfall: int, name: str, advice: str = "") -> ElementInfo:
    empty = Localized.of({"nl": "", "en": ""})
    none: Localized[tuple[str, ...]] = Localized.of({"nl": (), "en": ()})
    return ElementInfo(element_id, pitfall, Severity.WARNING, Localized.of({"nl": name, "en": name}), empty, empty,
                       Localized.of({"nl": advice, "en": advice}), none, none, empty, empty)


# The hand-built results' own names and advice (what the notes must show).
CHECKLIST = Checklist(load_checklist().pitfalls, (
    _named("objectives", 1, "Purpose and scope"), _named("deadlock", 3, "Deadlock resolution", "Add a final step."),
    _named("exit", 5, "Exit"), _named("timeline", 1, "Timeline")))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _key(text: str) -> str:
    """Text without blanks, hyphens and cell bars, casefolded: how layouts can differ."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if not (c.isspace() or c in "-|\u00ad\ufffe"))


def _annots(path: Path, password: str | None = None) -> list[tuple[int, dict[str, Any], Any]]:
    """(page number, pdfplumber annotation, page bbox) for every annotation in the file."""
    found = []
    with pdfplumber.open(path, password=password or "") as pdf:
        for page in pdf.pages:
            for annot in page.annots:
                found.append((page.page_number, annot, page.bbox))
    return found


def _subtype(annot: dict[str, Any]) -> str:
    return str(annot["data"].get("Subtype")).strip("/'")


def _located(result: ScanResult) -> list[tuple[ElementResult, Evidence]]:
    return [(e, ev) for e in result.elements if e.status.covered for ev in e.evidence]


# --------------------------------------------------------------------------- samples


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> dict[str, tuple[ScanResult, Path, int, Path]]:
    """Each sample scanned and annotated once: (result, copy, highlights written, source)."""
    out = tmp_path_factory.mktemp("annotated")
    done = {}
    for stem in SAMPLES:
        source = out / f"{stem}.pdf"
        shutil.copy(samples_dir / f"{stem}.pdf", source)
        result = scan_file(source)
        target = out / f"{stem}.annotated.pdf"
        done[stem] = (result, target, annotate_pdf(result, source, target), source)
    return done


@pytest.mark.parametrize("stem", SAMPLES)
def test_samples_get_one_highlight_per_located_evidence(annotated: dict, stem: str) -> None:
    result, target, written, _source = annotated[stem]
    evidence = _located(result)
    highlights = [a for _, a, _ in _annots(target) if _subtype(a) == "Highlight"]
    assert len(highlights) == written
    assert written >= 0.95 * len(evidence) and written <= len(evidence)
    assert all(a["title"] == AUTHOR for a in highlights)


@pytest.mark.parametrize("stem", SAMPLES)
def test_sample_highlights_sit_on_the_evidence_text(annotated: dict, stem: str) -> None:
    result, target, _written, _source = annotated[stem]
    by_page: dict[int, list[tuple[ElementResult, Evidence]]] = {}
    for element, evidence in _located(result):
        by_page.setdefault(evidence.page, []).append((element, evidence))
    with pdfplumber.open(target) as pdf:
        for page in pdf.pages:
            x0, top0, x1, bottom0 = page.bbox
            for annot in page.annots:
                if _subtype(annot) != "Highlight":
                    continue
                # Inside the page.
                assert x0 <= annot["x0"] < annot["x1"] <= x1 and top0 <= annot["top"] < annot["bottom"] <= bottom0
                # The note names its element, and the text under the rect starts like one of
                # that element's evidence spans on this page.
                contents = annot["contents"] or ""
                candidates = [(e, ev) for e, ev in by_page.get(page.page_number, []) if element_name(e, result.report_language) in contents]
                assert candidates, f"page {page.page_number}: note names no element with evidence here: {contents!r}"
                under = _key(page.crop((annot["x0"], annot["top"], annot["x1"], annot["bottom"])).extract_text())
                starts = [_key(" ".join(ev.text.split()[:4])) for _e, ev in candidates]
                assert any(s in under for s in starts), (page.page_number, starts, under[:120])
                # Pitfall colour.
                colours = {PITFALL_COLOURS[e.pitfall] for e, _ev in candidates}
                rgb = "".join(f"{round(float(c) * 255):02x}" for c in annot["data"]["C"])
                assert rgb in colours


@pytest.mark.parametrize("stem", SAMPLES)
def test_summary_note_on_page_one(annotated: dict, stem: str) -> None:
    result, target, _written, _source = annotated[stem]
    notes = [(n, a, box) for n, a, box in _annots(target) if _subtype(a) == "Text"]
    assert len(notes) == 1
    page_number, note, (x0, top0, x1, bottom0) = notes[0]
    assert page_number == 1 and note["title"] == AUTHOR
    assert x0 <= note["x0"] and note["x1"] <= x1 and top0 <= note["top"] and note["bottom"] <= bottom0
    assert note["top"] < 60 and note["x0"] < 60  # the top-left margin
    contents = note["contents"]
    assert str(result.score) in contents
    for element in result.elements:
        if element.status in (Status.MISSING, Status.WEAK):
            assert element_name(element, result.report_language) in contents


@pytest.mark.parametrize("stem", SAMPLES)
def test_source_is_left_alone(annotated: dict, samples_dir: Path, stem: str) -> None:
    _result, _target, _written, source = annotated[stem]
    assert _sha(source) == _sha(samples_dir / f"{stem}.pdf")


def test_copy_renders_with_poppler(annotated: dict, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    _result, target, _written, _source = annotated["en_jv_complete"]
    done = subprocess.run([pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", str(target), str(tmp_path / "page")],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    pngs = list(tmp_path.glob("page*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- generated PDF

PAGE_1 = [
    "COOPERATION AGREEMENT",
    "",
    "1.1 The purpose of this cooperation is to build a shared testing laboratory for",
    "recycled building materials in Utrecht.",
]
PAGE_2: list[str | tuple[str, str]] = [
    "7.1 The Parties shall meet every quarter to review progress.",
    "7.2 If the Parties shall fail to agree, any deadlock shall be referred to",
    "independent mediation in Amsterdam before either Party may go to court.",
    "",
    # A table row with wrapped cells, drawn line by line across the two columns.
    ("Phase one: design of the laboratory", "from 1 April 2025 until"),
    ("and the permit applications", "30 September 2025"),
]
TABLE_ROW = "Phase one: design of the laboratory and the permit applications | from 1 April 2025 until 30 September 2025"
FONT_SIZE = 11
LEADING = 16


def _draw(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in (PAGE_1, PAGE_2):
        pdf.setFont("Helvetica", FONT_SIZE)
        y = A4[1] - 90
        for line in lines:
            for x, cell in zip((72, 320), (line,) if isinstance(line, str) else line):
                pdf.drawString(x, y, cell)
            y -= LEADING
        pdf.showPage()
    pdf.save()


def _span(text: str, first: str, last: str, *, after: int = 0) -> tuple[int, int]:
    start = text.index(first, after)
    return start, text.index(last, start) + len(last)


def _result(source: Path, password: str | None = None) -> ScanResult:
    """A hand-made result on the generated PDF: real extracted text, chosen evidence."""
    document = extract(source, password=password)
    text = document.text

    def evidence(start: int, end: int, page: int) -> Evidence:
        return Evidence(text=text[start:end], start=start, end=end, page=page)

    wrapped = _span(text, "deadlock shall be", "independent mediation")
    first_parties = text.index("Parties shall meet")
    # Second "the Parties shall" on page 2 (the first, capitalised, is on the 7.1 line).
    second = _span(text, "the Parties shall", "the Parties shall", after=first_parties)
    purpose = _span(text, "The purpose", "testing laboratory")
    elements = (
        ElementResult(id="objectives", pitfall=1, status=Status.PRESENT, **_note("Purpose stated."),
                      evidence=(evidence(*purpose, 1),)),
        ElementResult(id="deadlock", pitfall=3, status=Status.WEAK, **_note("Only mediation."),
                      evidence=(evidence(*wrapped, 2), evidence(*second, 2))),
        ElementResult(id="exit", pitfall=5, status=Status.MISSING, **_note("No exit clause."),
                      evidence=(evidence(*purpose, 1),)),  # missing: never highlighted
    )
    return ScanResult(document=document, language="en", report_language="en", elements=elements,
                      pitfalls=(), checks=(), score=42, tool_version="test", checklist=CHECKLIST)


@pytest.fixture()
def generated(tmp_path: Path) -> Path:
    path = tmp_path / "generated.pdf"
    _draw(path)
    return path


def _highlights_by_name(path: Path, password: str | None = None) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    found: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for page_number, annot, _box in _annots(path, password):
        if _subtype(annot) == "Highlight":
            name = (annot["contents"] or "").split(":")[0].split("\n")[0]
            for known in ("Purpose and scope", "Deadlock resolution", "Exit", "Timeline"):
                if known in (annot["contents"] or ""):
                    name = known
            found.setdefault(name, []).append((page_number, annot))
    return found


def test_wrapped_phrase_gets_two_quads_and_the_right_occurrence(generated: Path, tmp_path: Path) -> None:
    result = _result(generated)
    target = tmp_path / "out.pdf"
    assert annotate_pdf(result, generated, target) == 3
    found = _highlights_by_name(target)
    assert "Exit" not in found
    assert [p for p, _ in found["Purpose and scope"]] == [1]
    (page_wrapped, wrapped), (page_second, second) = found["Deadlock resolution"]
    assert page_wrapped == page_second == 2

    quads = [float(v) for v in wrapped["data"]["QuadPoints"]]
    assert len(quads) == 16  # two lines, two quads
    line_tops = sorted({round(quads[1], 1), round(quads[9], 1)}, reverse=True)
    assert line_tops[0] - line_tops[1] == pytest.approx(LEADING, abs=0.5)

    with pdfplumber.open(target) as pdf:
        page = pdf.pages[1]
        words = page.extract_words()

        def words_in(quad: list[float]) -> str:
            left, top, right, bottom = quad[0], page.height - quad[1], quad[2], page.height - quad[5]
            return " ".join(w["text"] for w in words
                            if w["x0"] >= left - 1 and w["x1"] <= right + 1
                            and w["top"] >= top - 2 and w["bottom"] <= bottom + 2)

        assert words_in(quads[:8]) == "deadlock shall be referred to"
        assert words_in(quads[8:]) == "independent mediation"
        # The second occurrence sits on the 7.2 line, not on 7.1 above it.
        second_quad = [float(v) for v in second["data"]["QuadPoints"]]
        assert len(second_quad) == 8 and words_in(second_quad) == "the Parties shall"
        line_72 = next(w for w in words if w["text"] == "7.2")
        assert abs((page.height - second_quad[5]) - line_72["bottom"]) < 4
    assert "Add a final step." in wrapped["contents"] and "Deadlock resolution" in wrapped["contents"]


def test_unlocatable_evidence_is_skipped(generated: Path, tmp_path: Path) -> None:
    result = _result(generated)
    ghost = Evidence(text="a sentence that is not in this PDF", start=0, end=10, page=2)
    wrong_page = replace(result.elements[0].evidence[0], page=2)
    # Words that are all on page 2, but apart: the fallback for table rows must not take them.
    scattered = Evidence(text="deadlock quarter Amsterdam progress", start=0, end=10, page=2)
    no_page = Evidence(text="independent mediation", start=0, end=10, page=9)
    evidence = (*result.elements[0].evidence, ghost, wrong_page, scattered, no_page)
    elements = (replace(result.elements[0], evidence=evidence),
                *result.elements[1:])
    target = tmp_path / "out.pdf"
    assert annotate_pdf(replace(result, elements=elements), generated, target) == 3
    assert sum(len(v) for v in _highlights_by_name(target).values()) == 3


def _draw_ruled_table(path: Path) -> None:
    """The generated PDF with a header row and rulings round the wrapped row, so pdfplumber
    reads it as a table (cells joined by " | ") while pdfium reads it line by line across."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, lines in enumerate((PAGE_1, PAGE_2), start=1):
        pdf.setFont("Helvetica", FONT_SIZE)
        y = A4[1] - 90
        for line in lines:
            if number == 2 and not isinstance(line, str) and line[0].startswith("Phase one"):
                pdf.drawString(72, y, "Phase")
                pdf.drawString(320, y, "Period")
                top, middle, bottom = y + 13, y - 5, y - 2 * LEADING - 5
                for rule_y in (top, middle, bottom):
                    pdf.line(66, rule_y, 560, rule_y)
                for rule_x in (66, 314, 560):
                    pdf.line(rule_x, top, rule_x, bottom)
                y -= LEADING
            for x, cell in zip((72, 320), (line,) if isinstance(line, str) else line):
                pdf.drawString(x, y, cell)
            y -= LEADING
        pdf.showPage()
    pdf.save()


def test_table_row_read_across_cells_is_found_cell_by_cell(tmp_path: Path) -> None:
    ruled = tmp_path / "ruled.pdf"
    _draw_ruled_table(ruled)
    result = _result(ruled)
    block = next(b for b in result.document.blocks if b.text == TABLE_ROW)  # as pdfplumber gives a table row
    row = Evidence(text=TABLE_ROW, start=block.start, end=block.end, page=2)
    timeline = ElementResult(id="timeline", pitfall=1, status=Status.PRESENT, **_note("Phases with dates."),
                             evidence=(row,))
    target = tmp_path / "out.pdf"
    assert annotate_pdf(replace(result, elements=(timeline,)), ruled, target) == 1
    (page_number, annot), = _highlights_by_name(target)["Timeline"]
    assert page_number == 2
    quads = [float(v) for v in annot["data"]["QuadPoints"]]
    assert len(quads) == 16  # the row's two text lines
    with pdfplumber.open(target) as pdf:
        page = pdf.pages[1]
        under = page.crop((annot["x0"], annot["top"], annot["x1"], annot["bottom"])).extract_text()
    assert "design of the laboratory" in under and "30 September 2025" in under
    assert "Amsterdam" not in under


def test_rotated_pages_with_offset_cropbox(generated: Path, tmp_path: Path) -> None:
    """Char boxes and annotations share raw user space: /Rotate and box offsets need no maths."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=PdfReader(generated))
    for page, rotation in zip(writer.pages, (90, 270)):
        page.mediabox = RectangleObject([30, 40, 560, 800])
        page.cropbox = RectangleObject([40, 60, 550, 790])
        page.rotation = rotation
    rotated = tmp_path / "rotated.pdf"
    with open(rotated, "wb") as fh:
        writer.write(fh)

    target = tmp_path / "out.pdf"
    assert annotate_pdf(_result(rotated), rotated, target) == 3
    reader = PdfReader(target)
    pdf = pdfium.PdfDocument(target)
    try:
        texts = []
        for index, page in enumerate(reader.pages):
            textpage = pdf[index].get_textpage()
            box = [float(v) for v in page.cropbox]
            for annot in page.get("/Annots", []):
                annot = annot.get_object()
                left, bottom, right, top = (float(v) for v in annot["/Rect"])
                assert box[0] <= left < right <= box[2] and box[1] <= bottom < top <= box[3]
                if annot["/Subtype"] == "/Highlight":
                    texts.append(" ".join(textpage.get_text_bounded(left, bottom, right, top).split()))
                else:
                    assert index == 0
                    # Rotate 90: the displayed top-left is the user-space bottom-left corner.
                    assert left - box[0] < 40 and bottom - box[1] < 40
    finally:
        pdf.close()
    assert any("purpose of this cooperation" in t for t in texts)
    assert any("deadlock shall be referred to" in t and "independent mediation" in t for t in texts)


def test_encrypted_source_gives_encrypted_copy(generated: Path, tmp_path: Path) -> None:
    pytest.importorskip("cryptography")  # pypdf needs it for AES
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(generated))
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    before = _sha(locked)

    target = tmp_path / "out.pdf"
    assert annotate_pdf(_result(locked, password="secret"), locked, target, password="secret") == 3
    assert _sha(locked) == before
    copy = PdfReader(target)
    assert copy.is_encrypted and copy.decrypt("secret")
    assert sum(len(v) for v in _highlights_by_name(target, password="secret").values()) == 3


def test_wrong_password_is_a_clean_error(generated: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    from agreementscan.errors import ExtractionError

    result = _result(generated)
    writer = PdfWriter(clone_from=PdfReader(generated))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(ExtractionError, match="password"):
        annotate_pdf(result, locked, tmp_path / "out.pdf", password="wrong")
    assert not (tmp_path / "out.pdf").exists()


def test_pitfall_colours_are_distinct() -> None:
    assert sorted(PITFALL_COLOURS) == [1, 2, 3, 4, 5] and len(set(PITFALL_COLOURS.values())) == 5
