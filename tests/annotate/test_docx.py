"""Word comments anchored on the exact evidence passages (annotate/docx.py).

The copies are reopened with python-docx and checked for: the comments and their texts,
the text between each comment's range markers, unchanged formatting per character,
unchanged document text (through the real extractor) and an untouched source file.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml

from agreementscan import scan_file
from agreementscan.annotate.docx import annotate_docx, annotate_docx_report
from agreementscan.annotate.texts import element_note, summary_note
from agreementscan.extract import extract
from agreementscan.render.words import element_name, gap_words
from agreementscan.model import Evidence, ScanResult, Status

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
NS = f'xmlns:w="{W}"'
SKIP = {_W + t for t in ("del", "moveFrom", "delText", "instrText", "delInstrText", "pPr", "rPr")}
SKIP.add("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(_W + "val") not in ("0", "false", "off")


def anchored_texts(path: Path) -> dict[int, str]:
    """Visible text between each comment's commentRangeStart and commentRangeEnd.

    Same rules as the extractor (insertions in, deletions and field codes out); a paragraph
    end adds "\\n" and a table cell end " | " so the result can be compared with evidence.
    """
    body = docx.Document(str(path)).element.body
    open_ids: set[int] = set()
    out: dict[int, list[str]] = {}

    def emit(s: str) -> None:
        for cid in open_ids:
            out[cid].append(s)

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _W + "commentRangeStart":
                cid = int(child.get(_W + "id"))
                open_ids.add(cid)
                out.setdefault(cid, [])
            elif tag == _W + "commentRangeEnd":
                open_ids.discard(int(child.get(_W + "id")))
            elif tag in SKIP:
                continue
            elif tag == _W + "t":
                emit(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                emit("\t")
            elif tag in (_W + "br", _W + "cr"):
                emit("\n")
            elif tag == _W + "noBreakHyphen":
                emit("-")
            elif tag == _W + "r":
                if not _hidden(child):
                    walk(child)
            elif tag == _W + "p":
                walk(child)
                emit("\n")
            elif tag == _W + "tc":
                walk(child)
                emit(" | ")
            else:
                walk(child)

    walk(body)
    return {cid: "".join(parts) for cid, parts in out.items()}


def char_formats(path: Path) -> list[tuple[str, bytes, tuple[str, ...]]]:
    """Every visible body character with its run's w:rPr and its run's ancestor tags."""
    from lxml import etree

    body = docx.Document(str(path)).element.body
    out: list[tuple[str, bytes, tuple[str, ...]]] = []
    for run in body.iter(_W + "r"):
        if _hidden(run) or any(a.tag in SKIP for a in run.iterancestors()):
            continue
        rpr = run.find(_W + "rPr")
        fmt = etree.tostring(rpr, method="c14n") if rpr is not None else b""
        parents = tuple(etree.QName(a).localname for a in run.iterancestors())
        for child in run:
            if child.tag == _W + "t":
                out.extend((ch, fmt, parents) for ch in child.text or "")
            elif child.tag in (_W + "tab", _W + "br"):
                out.append((child.tag, fmt, parents))
    return out


def check_markers(path: Path) -> None:
    """Each comment has one start, one end after it, and one reference run outside w:ins."""
    body = docx.Document(str(path)).element.body
    events: dict[str, list[tuple[str, int]]] = {}
    for i, el in enumerate(body.iter(_W + "commentRangeStart", _W + "commentRangeEnd", _W + "commentReference")):
        events.setdefault(el.get(_W + "id"), []).append((el.tag.split("}")[1], i))
        if el.tag == _W + "commentReference":
            assert not any(a.tag == _W + "ins" for a in el.iterancestors())
    for cid, seen in events.items():
        kinds = [k for k, _ in seen]
        assert kinds == ["commentRangeStart", "commentRangeEnd", "commentReference"], (cid, kinds)


def with_evidence(result: ScanResult, spans: list[tuple[str, Status]]) -> ScanResult:
    """The result with the first elements given exactly these evidence phrases; the rest missing."""
    text = result.document.text
    elements = []
    for i, element in enumerate(result.elements):
        if i < len(spans):
            phrase, status = spans[i]
            start = text.index(phrase)
            ev = Evidence(text=phrase, start=start, end=start + len(phrase))
            elements.append(replace(element, status=status, evidence=(ev, ev)))  # twice: deduped
        else:
            elements.append(replace(element, status=Status.MISSING, evidence=()))
    return replace(result, elements=tuple(elements))


def _ins(text: str, bold: bool = False) -> Any:
    rpr = "<w:rPr><w:u w:val=\"single\"/>" + ("<w:b/>" if bold else "") + "</w:rPr>"
    return parse_xml(
        f'<w:ins {NS} w:id="90" w:author="Reviewer" w:date="2024-01-01T00:00:00Z">'
        f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'
    )


def build_fixture(path: Path) -> Path:
    """Mixed formatting, a tracked insertion, a hyperlink, tab/break, a table, NFD text."""
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Confidential header note"
    d.add_heading("Cooperation Agreement", level=1)
    p = d.add_paragraph()
    p.add_run("Either Party may ")
    p.add_run("terminate this Agreement").bold = True
    p.add_run(" by giving three months").italic = True
    p.add_run("' written notice to the other Party.")
    p = d.add_paragraph("The Parties shall meet ")
    p._p.append(_ins("every quarter to review progress"))
    p.add_run(" and report in writing.")
    p = d.add_paragraph("This Agreement is governed by ")
    p._p.append(parse_xml(
        f'<w:hyperlink {NS} w:anchor="law"><w:r><w:rPr><w:i/></w:rPr><w:t>Dutch law</w:t></w:r>'
        f'<w:r><w:t xml:space="preserve"> only</w:t></w:r></w:hyperlink>'
    ))
    p.add_run(" and nothing else.")
    run = d.add_paragraph().add_run("Notice period:\tsix months")
    run.add_break()
    run.add_text("after the end of the year.")
    table = d.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "Party", (0, 1): "Contribution", (1, 0): "Alpha BV",
                          (1, 1): "EUR 50,000 in cash"}.items():
        table.cell(r, c).text = value
    d.add_paragraph("Disputes are first discussed by the managers.")
    d.add_paragraph("If unresolved, they go to mediation in Utrecht.")
    d.add_paragraph("Dit artikel is e\u0301e\u0301n keer gewijzigd door beide partijen.")
    d.save(str(path))
    return path


FIXTURE_SPANS = [
    ("Party may terminate this Agreement by giving three", Status.PRESENT),  # mid-run → mid-run
    ("minate this Agree", Status.WEAK),  # inside one bold run, overlapping the first
    ("meet every quarter", Status.PRESENT),  # into the tracked insertion, ends mid-run
    ("governed by Dutch", Status.PRESENT),  # into a hyperlink
    ("period:\tsix months\nafter", Status.PRESENT),  # tab and break inside
    ("EUR 50,000", Status.PRESENT),  # inside a table cell
    ("Alpha BV | EUR 50,000 in", Status.PRESENT),  # across two cells
    ("managers.\n\nIf unresolved", Status.PRESENT),  # across two paragraphs
    ("één keer", Status.PRESENT),  # NFC in the text, decomposed in the file
    ("Cooperation", Status.PRESENT),  # in the heading, where the summary hangs too
    ("header note", Status.PRESENT),  # in the header: cannot be anchored
]


@pytest.fixture()
def fixture_doc(tmp_path: Path) -> tuple[Path, ScanResult]:
    source = build_fixture(tmp_path / "fixture.docx")
    return source, with_evidence(scan_file(source), FIXTURE_SPANS)


def test_comments_cover_exactly_the_evidence(fixture_doc: tuple[Path, ScanResult], tmp_path: Path) -> None:
    source, result = fixture_doc
    before = _sha(source)
    target = tmp_path / "out.docx"
    report = annotate_docx_report(result, source, target)
    assert _sha(source) == before

    # 10 anchored evidence comments (header one skipped, duplicates deduped) + the summary.
    assert (report.written, report.evidence_comments, report.skipped, report.header_footer) == (11, 10, 1, 1)
    copy = docx.Document(str(target))
    comments = list(copy.comments)
    assert len(comments) == 11
    assert all(c.author == "agreementscan" and c.initials == "AS" for c in comments)

    anchored = anchored_texts(target)
    by_text = {c.text: c.comment_id for c in comments}
    for element, (phrase, status) in zip(result.elements, FIXTURE_SPANS):
        note = element_note(element, result.report_language)
        if phrase == "header note":
            assert note not in by_text
            continue
        got = anchored[by_text[note]]
        if "\n\n" in phrase or " | " in phrase or unicodedata.is_normalized("NFD", phrase) is False:
            assert _flat(got.replace(" | ", " ")) == _flat(phrase.replace(" | ", " ")), phrase
        else:
            assert got == phrase
    # Within one paragraph the anchored text is exact, tabs and breaks included.
    assert anchored[by_text[element_note(result.elements[0], "en")]] == FIXTURE_SPANS[0][0]
    assert anchored[by_text[element_note(result.elements[4], "en")]] == "period:\tsix months\nafter"
    check_markers(target)


def test_split_runs_keep_formatting_parent_and_text(fixture_doc: tuple[Path, ScanResult], tmp_path: Path) -> None:
    source, result = fixture_doc
    target = tmp_path / "out.docx"
    annotate_docx(result, source, target)
    # Per character: same w:rPr and same ancestors (w:ins, w:hyperlink) as in the source.
    assert char_formats(target) == char_formats(source)
    assert extract(target).text == extract(source).text == result.document.text

    paragraph = docx.Document(str(target)).paragraphs[1]
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in paragraph.runs if r.text]
    assert runs == [
        ("Either ", False, False), ("Party may ", False, False),
        ("ter", True, False), ("minate this Agree", True, False), ("ment", True, False),
        (" by giving three", False, True), (" months", False, True),
        ("' written notice to the other Party.", False, False),
    ]
    # The split insertion stays one tracked insertion holding both pieces.
    ins = docx.Document(str(target)).paragraphs[2]._p.findall(_W + "ins")
    assert len(ins) == 1
    assert ["".join(t.text for t in r.iter(_W + "t")) for r in ins[0].findall(_W + "r")] == [
        "every quarter", " to review progress"]


def test_summary_comment_is_first_and_lists_the_gaps(fixture_doc: tuple[Path, ScanResult], tmp_path: Path) -> None:
    source, result = fixture_doc
    target = tmp_path / "out.docx"
    annotate_docx(result, source, target)
    summary = list(docx.Document(str(target)).comments)[0]
    assert summary.text == summary_note(result, unmarked=1)
    missing = [e for e in result.elements if e.status is Status.MISSING]
    assert missing
    for element in missing:
        assert f"• {element_name(element, result.report_language)}: missing" in summary.text
    assert f"• {element_name(result.elements[1], result.report_language)}: weak" in summary.text
    assert f"{result.score}/100" in summary.text and "1 passage(s) could not be marked" in summary.text
    # Anchored at the start of the first body paragraph (the heading), before any other range.
    anchored = anchored_texts(target)
    assert anchored[summary.comment_id] == "Cooperation Agreement"
    first_start = next(docx.Document(str(target)).element.body.iter(_W + "commentRangeStart"))
    assert first_start.get(_W + "id") == str(summary.comment_id)


def test_weak_comment_carries_the_advice_in_dutch(fixture_doc: tuple[Path, ScanResult], tmp_path: Path) -> None:
    source, result = fixture_doc
    result = scan_file(source, report_language="nl")
    result = with_evidence(result, FIXTURE_SPANS[:2])
    target = tmp_path / "nl.docx"
    assert annotate_docx(result, source, target) == 3
    texts = [c.text for c in docx.Document(str(target)).comments]
    weak = result.elements[1]
    assert texts[2] == element_note(weak, "nl")
    assert texts[2].startswith(f"{element_name(weak, 'nl')} – zwak\n")
    assert f"Wat te doen: {gap_words(weak, 'nl').advice}" in texts[2]
    assert "Totaalscore" in texts[0] and "ontbreekt" in texts[0]


def test_unmappable_evidence_is_skipped_not_misplaced(fixture_doc: tuple[Path, ScanResult], tmp_path: Path) -> None:
    source, result = fixture_doc
    first = result.elements[0]
    wrong = Evidence(text="not in this document", start=5, end=25)
    result = replace(result, elements=(replace(first, evidence=(wrong,)), *result.elements[1:]))
    report = annotate_docx_report(result, source, tmp_path / "out.docx")
    assert report.evidence_comments == 9 and report.skipped == 2


def _odd_document(path: Path) -> Path:
    """Fields, content controls, smart tags, empty runs, a nested table, a text box, a deletion."""
    d = docx.Document()
    d.add_paragraph("Odd Document")
    body = d.element.body
    sect = body[-1]
    xml = [
        # complex field (code skipped, result kept) and a simple field
        f'<w:p {NS}><w:r><w:t xml:space="preserve">Signed on </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1 May 2025</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t xml:space="preserve"> page one</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> by both parties.</w:t></w:r></w:p>',
        # block-level content control around a paragraph, inline one inside another
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="Clause"/></w:sdtPr><w:sdtContent><w:p>'
        '<w:r><w:t xml:space="preserve">The fee is </w:t></w:r>'
        '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:rPr><w:b/></w:rPr><w:t>EUR 900</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:r><w:t xml:space="preserve"> per month, payable in advance.</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        # smart tag, empty runs, a deletion and a hidden run
        f'<w:p {NS}><w:r/><w:r><w:t></w:t></w:r><w:smartTag w:uri="u" w:element="place">'
        '<w:r><w:t>Amsterdam</w:t></w:r></w:smartTag><w:r><w:t xml:space="preserve"> is the </w:t></w:r>'
        '<w:del w:id="5" w:author="x"><w:r><w:delText>old </w:delText></w:r></w:del>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden </w:t></w:r>'
        '<w:r><w:t>place of arbitration for all disputes.</w:t></w:r></w:p>',
        # nested table
        f'<w:tbl {NS}><w:tr><w:tc><w:p><w:r><w:t>Outer cell text</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Inner cell text</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '<w:p/></w:tc><w:tc><w:p><w:r><w:t>Second cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
        # VML text box inside a paragraph
        f'<w:p {NS} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t xml:space="preserve">Before the box </w:t></w:r>'
        '<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Boxed words here</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>'
        '<w:r><w:t xml:space="preserve"> after the box.</w:t></w:r></w:p>',
    ]
    for fragment in xml:
        sect.addprevious(parse_xml(fragment))
    d.save(str(path))
    return path


def test_odd_documents_do_not_crash_and_keep_their_text(tmp_path: Path) -> None:
    source = _odd_document(tmp_path / "odd.docx")
    result = scan_file(source)
    text = result.document.text
    phrases = ["on 1 May 2025 page", "fee is EUR 900 per", "Amsterdam is the place", "Outer cell text",
               "Inner cell", "Second cell", "Boxed words", "the box \nBoxed"]
    assert all(p in text for p in phrases), text
    spans = [(p, Status.PRESENT) for p in phrases]
    result = with_evidence(result, spans)
    target = tmp_path / "odd.out.docx"
    report = annotate_docx_report(result, source, target)
    assert extract(target).text == text
    assert char_formats(target) == char_formats(source)
    check_markers(target)
    anchored = anchored_texts(target)
    notes = {c.text: c.comment_id for c in docx.Document(str(target)).comments}
    done = 0
    for element, (phrase, _) in zip(result.elements, spans):
        cid = notes.get(element_note(element, result.report_language))
        if cid is not None:
            done += 1
            assert _flat(anchored[cid].replace(" | ", " ")) == _flat(phrase), phrase
    # Everything anchors except the passage running from the body into the text box.
    assert done == report.evidence_comments == len(phrases) - 1 and report.skipped == 1
    assert report.written == done + 1


def test_falls_back_to_the_summary_when_anchoring_fails(
    fixture_doc: tuple[Path, ScanResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agreementscan.annotate.docx as module
    from lxml import etree

    def broken(*args: object) -> None:
        etree.fromstring(b"<w:p><odd")  # lxml's own failure, as on damaged XML

    monkeypatch.setattr(module, "_block_maps", broken)
    source, result = fixture_doc
    target = tmp_path / "out.docx"
    report = annotate_docx_report(result, source, target)
    assert (report.written, report.evidence_comments, report.skipped) == (1, 0, 11)
    assert extract(target).text == result.document.text
    comments = list(docx.Document(str(target)).comments)
    assert len(comments) == 1 and "11 passage(s) could not be marked" in comments[0].text


def test_a_bug_in_anchoring_is_not_hidden_by_the_fallback(
    fixture_doc: tuple[Path, ScanResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ValueError from our own code is a bug, not odd XML: it must reach the caller."""
    import agreementscan.annotate.docx as module

    def broken(*args: object) -> None:
        raise ValueError("our bug")

    monkeypatch.setattr(module, "_block_maps", broken)
    source, result = fixture_doc
    with pytest.raises(ValueError, match="our bug"):
        annotate_docx_report(result, source, tmp_path / "out.docx")


def test_existing_comments_are_kept(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("Either Party may terminate this Agreement on three months' notice.")
    d.add_comment(p.runs, text="A reviewer's own note", author="Jan", initials="JJ")
    d.save(str(tmp_path / "c.docx"))
    source = tmp_path / "c.docx"
    result = with_evidence(scan_file(source), [("terminate this Agreement", Status.PRESENT)])
    target = tmp_path / "c.out.docx"
    assert annotate_docx(result, source, target) == 2
    comments = list(docx.Document(str(target)).comments)
    assert [c.author for c in comments] == ["Jan", "agreementscan", "agreementscan"]
    assert len({c.comment_id for c in comments}) == 3
    anchored = anchored_texts(target)
    assert anchored[comments[0].comment_id].strip() == p.text
    assert anchored[comments[2].comment_id] == "terminate this Agreement"


SAMPLES = ["nl_jv_complete", "en_collab_tricky", "nl_covenant_tricky", "en_alliance_gaps"]


@pytest.mark.parametrize("name", SAMPLES)
def test_samples(name: str, samples_dir: Path, tmp_path: Path) -> None:
    source = samples_dir / f"{name}.docx"
    before = _sha(source)
    result = scan_file(source)
    target = tmp_path / f"{name}.out.docx"
    written = annotate_docx(result, source, target)
    assert _sha(source) == before

    expected: Counter[tuple[str, str]] = Counter()
    for element in result.elements:
        if element.status in (Status.PRESENT, Status.WEAK):
            note = element_note(element, result.report_language)
            for start, end in {(ev.start, ev.end) for ev in element.evidence}:
                expected[(note, _flat(result.document.text[start:end].replace(" | ", " ")))] += 1
    comments = list(docx.Document(str(target)).comments)
    assert written == len(comments) == sum(expected.values()) + 1
    anchored = anchored_texts(target)
    got = Counter((c.text, _flat(anchored[c.comment_id].replace(" | ", " "))) for c in comments[1:])
    assert got == expected
    assert comments[0].text == summary_note(result)
    for element in result.elements:
        if element.status is Status.MISSING:
            assert element_name(element, result.report_language) in comments[0].text
    assert extract(target).text == result.document.text
    assert char_formats(target) == char_formats(source)
    check_markers(target)


def test_macro_enabled_source_gives_a_plain_docx(tmp_path: Path) -> None:
    import zipfile

    plain = tmp_path / "plain.docx"
    d = docx.Document()
    d.add_paragraph("Either Party may terminate this Agreement on three months' notice.")
    d.save(str(plain))
    source = tmp_path / "macro.docm"
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(source, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(main, b"application/vnd.ms-word.document.macroEnabled.main+xml").replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com'
                                    b'/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            dst.writestr(info, data)
        dst.writestr("word/vbaProject.bin", b"not really a macro project")
    before = _sha(source)
    result = with_evidence(scan_file(source), [("terminate this Agreement", Status.PRESENT)])
    target = tmp_path / "macro.agreementscan.docx"
    assert annotate_docx(result, source, target) == 2
    assert _sha(source) == before
    with zipfile.ZipFile(target) as zf:
        assert "word/vbaProject.bin" not in zf.namelist()
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")
    assert anchored_texts(target)[1] == "terminate this Agreement"
