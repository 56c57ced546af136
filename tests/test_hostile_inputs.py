"""Hostile inputs for extraction and analysis: bounded work, bounded memory, one-line errors.

Big cases are generated on the fly into tmp_path by tests/bad_inputs/hostile.py. Costs are
checked by counting work or measuring peak memory in a child process, never by the clock.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
import hostile

# --------------------------------------------------------------------------- analysis


def _eq_calls(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """How often two hits are compared while ``text`` is analysed."""
    from agreementscan.analyse import assess
    from agreementscan.api import scan_text

    calls = [0]
    original = assess.Hit.__eq__

    def counting(self: object, other: object) -> bool:
        calls[0] += 1
        return original(self, other)  # type: ignore[arg-type]

    monkeypatch.setattr(assess.Hit, "__eq__", counting)
    scan_text(text)
    monkeypatch.setattr(assess.Hit, "__eq__", original)
    return calls[0]


def test_analysis_work_grows_linearly_with_repeated_clauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranking the hits compared every hit with a list of hits: a clause repeated 14,000
    times (1 MB) took minutes. Doubling the repeats must not quadruple the comparisons."""
    small = _eq_calls(monkeypatch, hostile.repeated_clause(400))
    large = _eq_calls(monkeypatch, hostile.repeated_clause(800))
    assert large <= 2.2 * small + 1000, (small, large)
    assert large < 50 * 800, large  # a few comparisons per hit, not one per pair


def test_hits_per_rule_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoring stops after MAX_HITS_PER_RULE sentences per rule: the work on one clause
    repeated without end is bounded, and the verdict is the same."""
    from agreementscan.analyse import assess
    from agreementscan.api import scan_text

    text = hostile.repeated_clause(300)
    full = scan_text(text)
    monkeypatch.setattr(assess, "MAX_HITS_PER_RULE", 5)
    capped = scan_text(text)
    assert [(e.id, e.status) for e in capped.elements] == [(e.id, e.status) for e in full.elements]
    from agreementscan.render.words import reason

    termination = next(e for e in capped.elements if e.id == "termination")
    assert termination.status.covered and termination.evidence
    assert "5 passages" in reason(termination, "en") and "300 passages" in reason(
        next(e for e in full.elements if e.id == "termination"), "en")


# --------------------------------------------------------------------------- folders


def test_deeply_nested_folders_are_walked(tmp_path: Path) -> None:
    """The folder walk was recursive: 1,200 levels crashed it with RecursionError."""
    from agreementscan.batch import discover

    deepest = hostile.nested_folders(tmp_path / "deep", 1200)
    try:
        (deepest / "contract.txt").write_text("The Parties agree.", encoding="utf-8")
        entries = discover([tmp_path / "deep"])
    finally:
        hostile.remove_nested(tmp_path / "deep")  # pytest's own clean-up cannot
    assert [(e.action, os.path.basename(e.path)) for e in entries] == [("scan", "contract.txt")]
    assert entries[0].relpath.count("/") == 1200


# --------------------------------------------------------------------------- damage vs. bugs


def _cli(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from agreementscan.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _one_line_error(err: str, path: Path, problem: str) -> None:
    assert err.count("\n") == 1, err
    assert err.startswith(f"agreementscan: error: {path}: "), err
    assert problem in err, err
    assert "internal error" not in err and "Traceback" not in err


def test_damaged_pdf_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(hostile.pdf_contract()[:600])
    code, out, err = _cli("scan", str(path))
    assert code == 2 and out == ""
    _one_line_error(err, path, "damaged PDF: ")


def test_damaged_docx_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    hostile.docx_with_body(path, b"<w:p><w:r><w:t>The Parties agree</w:t></w:r>")  # not closed
    code, out, err = _cli("scan", str(path))
    assert code == 2 and out == ""
    _one_line_error(err, path, "damaged .docx: ")


@pytest.mark.parametrize("module", ["pdf", "docx"])
def test_a_bug_in_our_extractor_is_an_internal_error(module: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The same TypeError a library raises on a damaged file, raised by our own code, is a
    bug: it must not be reported as a damaged file."""
    import importlib

    reader = importlib.import_module(f"agreementscan.extract.{module}")
    if module == "pdf":
        path = tmp_path / "fine.pdf"
        path.write_bytes(hostile.pdf_contract())
        name = "_page_drafts"
    else:
        path = tmp_path / "fine.docx"
        hostile.docx_with_body(path, b"<w:p><w:r><w:t>The Parties agree.</w:t></w:r></w:p>")
        name = "_paragraph_kind"

    def broken(*args: object, **kwargs: object) -> object:
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    assert _cli("scan", str(path))[0] in (0, 1)
    monkeypatch.setattr(reader, name, broken)
    code, _, err = _cli("scan", str(path))
    assert code == 2
    assert "internal error (TypeError: unsupported operand" in err and "damaged" not in err


def test_raised_in_library_looks_at_the_innermost_frame() -> None:
    from pypdf.generic import NumberObject

    from agreementscan.extract.failures import (
        docx_errors,
        is_damage,
        pdf_errors,
        raised_in_library,
    )

    try:
        NumberObject(b"not a number")  # pypdf's own code raises ValueError
    except ValueError as exc:
        assert raised_in_library(exc) and is_damage(exc, pdf_errors())
    try:
        int("not a number")  # our code
    except ValueError as exc:
        assert not raised_in_library(exc) and not is_damage(exc, pdf_errors())
    try:
        {}["word/document.xml"]
    except KeyError as exc:
        assert not is_damage(exc, docx_errors())


@pytest.mark.parametrize(("case", "problem"), [
    ("deep", "nested too deeply"),
    ("circular", "damaged PDF: "),
    ("mediabox", "invalid size (/MediaBox)"),
])
def test_damaged_page_trees_are_one_line_errors_in_annotate(case: str, problem: str, tmp_path: Path) -> None:
    """A page tree 900 levels deep, one that loops, and an absurd /MediaBox used to end in
    `internal error`; scan reads what it can, annotate stops with one line."""
    data = {"deep": lambda: hostile.pdf_deep_page_tree(900), "circular": hostile.pdf_circular_page_tree,
            "mediabox": lambda: hostile.pdf_contract(b"[0 1e38 1e38 -1e38]")}[case]()
    path = tmp_path / f"{case}.pdf"
    path.write_bytes(data)
    code, _, err = _cli("scan", str(path), "--format", "json")
    assert code in (0, 1) or (code == 2 and "damaged PDF" in err), err
    if code == 2:
        _one_line_error(err, path, problem)
    code, _, err = _cli("annotate", str(path), "-o", str(tmp_path / "out.pdf"))
    assert code == 2, err
    _one_line_error(err, path, problem)
    assert path.read_bytes() == data and not (tmp_path / "out.pdf").exists()


def test_pypdf_repairs_do_not_reach_the_terminal(tmp_path: Path) -> None:
    """pypdf logged "incorrect startxref pointer(1)" and "parsing for Object Streams" raw on
    stderr (Python prints unhandled warnings); the repaired copy is written quietly."""
    import re
    import subprocess

    data = re.sub(rb"startxref\s+\d+", b"startxref\n1", hostile.pdf_contract())
    path = tmp_path / "bad-startxref.pdf"
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "agreementscan", "annotate", str(path), "-o",
                           str(tmp_path / "out.pdf")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "startxref" not in proc.stderr and "Object Streams" not in proc.stderr
    assert proc.stderr.startswith("Wrote ") and proc.stderr.count("\n") == 1, proc.stderr


# --------------------------------------------------------------------------- PDF work and memory


def _peak_of_scan(path: Path, *args: str) -> tuple[int, str, int]:
    """Exit code, stderr and peak memory (KB) of a real `agreementscan scan` process."""
    import subprocess

    script = (
        "import resource, subprocess, sys\n"
        "proc = subprocess.run([sys.executable, '-m', 'agreementscan', 'scan', *sys.argv[1:]], "
        "capture_output=True, text=True)\n"
        "sys.stderr.write(proc.stderr)\n"
        "print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(path), *args], capture_output=True, text=True,
                          timeout=300)
    code, peak = proc.stdout.split()
    return int(code), proc.stderr, int(peak)


def test_flate_bomb_pdf_is_refused_before_inflating(tmp_path: Path) -> None:
    """A content stream of 750 KB that inflates to 768 MB peaked at about twice that in
    pdfium (a bigger one at 3.1 GB)."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(hostile.pdf_flate_bomb(768 << 20))
    code, err, peak_kb = _peak_of_scan(path)
    assert code == 2
    _one_line_error(err, path, "refusing to open: a compressed stream expands to more than 100 MB")
    assert peak_kb < 1_000_000, f"peak memory {peak_kb // 1024} MB"


def test_stream_caps_count_every_stream(tmp_path: Path) -> None:
    """Many streams under the per-stream cap still add up to the total cap."""
    from agreementscan.errors import ExtractionError
    from agreementscan.extract.pdf import _check_streams

    data = hostile.pdf_pages([hostile.stream(b" " * 300_000, compress=True) for _ in range(5)])
    _check_streams(data, "x.pdf", stream_cap=400_000, total_cap=2_000_000)  # 1.5 MB: fine
    with pytest.raises(ExtractionError, match="compressed content expands to more than 1 MB"):
        _check_streams(data, "x.pdf", stream_cap=400_000, total_cap=1_000_000)
    with pytest.raises(ExtractionError, match="a compressed stream expands"):
        _check_streams(data, "x.pdf", stream_cap=200_000, total_cap=10_000_000)


def test_character_limit_stops_reading_a_pdf_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 pages share one dense content stream: the whole text was read before the
    --max-chars limit was checked. Now reading stops at the page that passes it."""
    from agreementscan.extract import pdf as module

    path = tmp_path / "shared.pdf"
    path.write_bytes(hostile.pdf_shared_content(pages=300, lines=120))
    assert path.stat().st_size < 100_000
    read: list[int] = []
    original = module._read_page

    def counting(pdf: object, index: int, pdfium_c: object) -> object:
        read.append(index)
        return original(pdf, index, pdfium_c)

    monkeypatch.setattr(module, "_read_page", counting)
    code, out, err = _cli("scan", str(path), "--max-chars", "200000")
    assert code == 2 and out == ""
    _one_line_error(err, path, "more than the --max-chars limit of 200,000")
    assert "of 300 pages" in err
    assert len(read) < 30, len(read)


def test_page_object_cap(tmp_path: Path) -> None:
    from agreementscan.errors import ExtractionError
    from agreementscan.extract.pdf import read_pdf

    data = hostile.pdf_shared_content(pages=20, lines=50)
    with pytest.raises(ExtractionError, match="hold more than 500 text and drawing objects"):
        read_pdf(data, "x.pdf", sha256="0", max_objects=500)


def _count_table_searches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import pdfplumber.page

    searched: list[int] = []
    original = pdfplumber.page.Page.find_tables

    def counting(self: pdfplumber.page.Page, *args: object, **kwargs: object) -> object:
        searched.append(self.page_number)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pdfplumber.page.Page, "find_tables", counting)
    return searched


def test_table_detection_skips_grids_without_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty ruled grids on every page sent every page through pdfplumber (46 s for a form)."""
    from agreementscan.extract import extract

    path = tmp_path / "grids.pdf"
    path.write_bytes(hostile.pdf_ruled_pages(40, text_in_grid=False))
    searched = _count_table_searches(monkeypatch)
    document = extract(path)
    assert searched == []
    assert "The Parties shall cooperate" in document.text


def test_table_detection_is_capped_per_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementscan import limits
    from agreementscan.extract import extract
    from agreementscan.model import BlockKind

    path = tmp_path / "tables.pdf"
    path.write_bytes(hostile.pdf_ruled_pages(8, text_in_grid=True))
    monkeypatch.setattr(limits, "MAX_TABLE_PAGES", 3)
    searched = _count_table_searches(monkeypatch)
    document = extract(path)
    assert searched == [1, 2, 3]
    rows = [b for b in document.blocks if b.kind is BlockKind.TABLE_ROW]
    assert {b.page for b in rows} == {1, 2, 3} and rows[0].text == "R5C0 | R5C1 | R5C2 | R5C3"
    assert any("first 3 of 8 pages with ruled tables" in w for w in document.warnings)
    assert "R0C0" in document.text  # the other pages' table text stays as running text


# --------------------------------------------------------------------------- DOCX


def test_docx_part_is_capped_while_inflating(tmp_path: Path) -> None:
    """120 MB of XML that compresses 4:1 passed the declared-size checks and peaked at
    about 3 GB in lxml; now inflating stops at the 40 MB cap for one XML part."""
    path = hostile.docx_big_xml(tmp_path / "big.docx", 120_000_000)
    assert path.stat().st_size < 50_000_000  # under --max-size: only the inflated size is hostile
    code, err, peak_kb = _peak_of_scan(path, "--format", "json")
    assert code == 2
    _one_line_error(err, path, "refusing to open: part word/document.xml expands to more than 40 MB")
    assert peak_kb < 1_000_000, f"peak memory {peak_kb // 1024} MB"


def test_inflated_sizes_are_counted_not_read_from_the_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part is counted while it is inflated, against a per-part and a total cap."""
    from agreementscan import limits
    from agreementscan.errors import ExtractionError
    from agreementscan.extract import extract

    path = hostile.docx_with_body(tmp_path / "a.docx", b"<w:p><w:r><w:t>The Parties agree.</w:t></w:r></w:p>" * 50)
    assert "The Parties agree." in extract(path).text
    monkeypatch.setattr(limits, "MAX_XML_PART_BYTES", 1000)
    with pytest.raises(ExtractionError, match="part word/document.xml expands to more than 0 MB"):
        extract(path)
    # The count while inflating stands on its own, without the check of declared sizes.
    from agreementscan.extract import docx as module

    monkeypatch.setattr(module, "_check_zip", lambda data, path: None)
    monkeypatch.setattr(limits, "MAX_XML_PART_BYTES", 10_000_000)
    monkeypatch.setattr(limits, "MAX_ZIP_TOTAL_BYTES", 1500)
    with pytest.raises(ExtractionError, match="compressed content expands to more than 0 MB"):
        extract(path)


def test_duplicate_parts_read_the_first_like_word_and_warn(tmp_path: Path) -> None:
    """Of two word/document.xml entries the last was scanned (Word shows the first), and
    copying a .docm with duplicate names printed zipfile's UserWarning "Duplicate name"."""
    import warnings

    from agreementscan.extract import extract

    path = hostile.docm_with_two_documents(
        tmp_path / "twice.docm",
        b"<w:p><w:r><w:t>The text Word shows: the Parties shall cooperate.</w:t></w:r></w:p>",
        b"<w:p><w:r><w:t>Hidden text that Word never shows.</w:t></w:r></w:p>")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        document = extract(path)
    assert [str(w.message) for w in caught] == []
    assert "The text Word shows" in document.text and "Hidden text" not in document.text
    assert any("word/document.xml (2 copies)" in w and "the first copy is read" in w for w in document.warnings)


def test_annotate_maps_only_the_paragraphs_it_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotate built a per-character map of every paragraph: 300,000 short paragraphs
    peaked at 1.1 GB. Only paragraphs holding evidence (and the summary's) are mapped now,
    and the comments are the same."""
    import docx

    from agreementscan.annotate import docx as module
    from agreementscan.api import scan_file

    filler = b"".join(b"<w:p><w:r><w:t>Item %d.</w:t></w:r></w:p>" % i for i in range(2000))
    clause = b"<w:p><w:r><w:t>Either Party may terminate this Agreement with three months' notice.</w:t></w:r></w:p>"
    path = hostile.docx_with_body(tmp_path / "many.docx", b"<w:p><w:r><w:t>Joint Venture Agreement</w:t></w:r></w:p>"
                                  + filler + clause + filler)
    result = scan_file(path)
    mapped: list[str] = []
    original = module._resolve_block

    def counting(block: Any, *args: Any) -> Any:
        mapped.append(block.text)
        return original(block, *args)

    monkeypatch.setattr(module, "_resolve_block", counting)
    report = module.annotate_docx_report(result, path, tmp_path / "out.docx")
    assert report.evidence_comments >= 1 and report.summary_anchored
    assert len(mapped) < 10, len(mapped)
    comments = [c.text for c in docx.Document(str(tmp_path / "out.docx")).comments]
    assert len(comments) == report.written
