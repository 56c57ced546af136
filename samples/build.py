#!/usr/bin/env python3
"""Build the bundled sample agreements from their plain-text sources.

    python samples/build.py            # rebuild samples/ in place
    python samples/build.py --out DIR  # build into DIR instead (used by the tests)

For every ``src/<stem>.txt`` this writes, relative to the output directory:

* ``<stem>.txt``   an exact copy of the source,
* ``<stem>.docx``  Word document (Title/Heading 1 styles, tables as real tables),
* ``<stem>.pdf``   A4 PDF with a text layer, bold headings, page numbers, ruled tables,
* ``labels/<stem>.json``, ``labels/<stem>.docx.json``, ``labels/<stem>.pdf.json``
  the evaluation labels; ``file`` is always relative to the output directory.

The hand-written labels live in ``samples/labels/<stem>.json`` and are checked here
(all 25 element ids, valid statuses, evidence a verbatim substring of the source).

Source syntax (kept deliberately plain so the .txt copy reads as a normal contract):

* the first non-empty line is the document title;
* a line starting with ``Artikel N``/``Article N``/``Bijlage N``/``Schedule N`` (short,
  no closing full stop) or a short line in capitals is a heading;
* consecutive lines starting with ``|`` form a table, the first of them the header row;
* every other non-empty line is one paragraph (clauses keep their own numbers, "7.2 ...").

Output is deterministic: fixed document dates, reportlab ``invariant=1``, zip entries
of the .docx written in a fixed order with a fixed timestamp. Files whose bytes would
not change are not rewritten.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"
LABEL_DIR = HERE / "labels"

ELEMENT_IDS = (
    "objectives", "measurable_targets", "timeline", "duration",
    "equity_split", "contributions", "profit_loss_sharing", "governance",
    "ip_ownership", "exclusivity",
    "termination", "termination_for_convenience", "change_of_control", "exit_moments",
    "exit_arrangements", "transfer_restrictions", "risk_allocation",
    "dispute_resolution", "governing_law", "confidentiality",
    "review_moments", "reporting", "alliance_management",
    "mission_values", "code_of_conduct",
)
STATUSES = ("present", "weak", "missing", "not_applicable")

FIXED_DATETIME = _dt.datetime(2025, 1, 1, 0, 0, 0)
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
AUTHOR = "agreementscan samples"

_HEADING_RE = re.compile(r"^(Artikel|Article|Bijlage|Schedule|Annex)\s+\d+\b")
_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


# --------------------------------------------------------------------------- parsing
def parse(text: str) -> list[tuple[str, object]]:
    """Split a source text into blocks: ("title"|"heading"|"para", str) or ("table", rows)."""
    blocks: list[tuple[str, object]] = []
    table: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table:
            blocks.append(("table", table))
            table = []
        if not line:
            continue
        if not blocks:
            blocks.append(("title", line))
        elif is_heading(line):
            blocks.append(("heading", line))
        else:
            blocks.append(("para", line))
    if table:
        blocks.append(("table", table))
    return blocks


def is_heading(line: str) -> bool:
    if len(line) > 90 or line.endswith((".", ";", ":", ",")):
        return False
    if _HEADING_RE.match(line):
        return True
    letters = [c for c in line if c.isalpha()]
    return len(line) <= 60 and bool(letters) and all(c.isupper() for c in letters)


# --------------------------------------------------------------------------- labels
def load_label(stem: str, source: str) -> dict:
    path = LABEL_DIR / f"{stem}.json"
    label = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    elements = label.get("elements", {})
    if set(elements) != set(ELEMENT_IDS):
        problems.append(f"element ids differ: {sorted(set(elements) ^ set(ELEMENT_IDS))}")
    for eid, el in elements.items():
        status, evidence = el.get("label"), el.get("evidence", "")
        if status not in STATUSES:
            problems.append(f"{eid}: bad status {status!r}")
        elif status in ("present", "weak"):
            if not evidence or evidence not in source:
                problems.append(f"{eid}: evidence is not a verbatim substring of the source")
        elif evidence:
            problems.append(f"{eid}: {status} element must have empty evidence")
    if problems:
        raise SystemExit(f"{path}: " + "; ".join(problems))
    # canonical shape and element order
    return {
        "file": f"{stem}.txt",
        "set": "samples",
        "language": label["language"],
        "is_partnership_agreement": label.get("is_partnership_agreement", True),
        "elements": {eid: {"label": elements[eid]["label"],
                           "evidence": elements[eid].get("evidence", ""),
                           "where": elements[eid].get("where", "")} for eid in ELEMENT_IDS},
        "notes": label.get("notes", ""),
    }


def label_variants(stem: str, label: dict) -> dict[str, dict]:
    out = {f"{stem}.json": label}
    for ext in ("docx", "pdf"):
        variant = dict(label)
        variant["file"] = f"{stem}.{ext}"
        variant["notes"] = (label["notes"] + f" [Generated by samples/build.py from labels/{stem}.json;"
                            f" the .{ext} is rendered from the same source text.]").strip()
        out[f"{stem}.{ext}.json"] = variant
    return out


# --------------------------------------------------------------------------- docx
def build_docx(blocks, title: str, language: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)

    for kind, value in blocks:
        if kind == "title":
            doc.add_heading(value, level=0)
        elif kind == "heading":
            doc.add_heading(value, level=1)
        elif kind == "para":
            doc.add_paragraph(value)
        elif kind == "table":
            rows = value
            ncols = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=ncols)
            table.style = "Table Grid"
            for i, row in enumerate(rows):
                for j in range(ncols):
                    cell = table.cell(i, j)
                    cell.text = row[j] if j < len(row) else ""
                    if i == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            doc.add_paragraph()

    # page number in the footer: "Pagina N" / "Page N"
    footer_p = doc.sections[0].footer.paragraphs[0]
    footer_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer_p.add_run("Pagina " if language == "nl" else "Page ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    footer_p._p.append(fld)

    cp = doc.core_properties
    cp.title = title
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.subject = "agreementscan sample agreement"
    cp.language = "nl-NL" if language == "nl" else "en-GB"
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.last_printed = FIXED_DATETIME
    cp.revision = 1

    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- pdf
_FONTS: tuple[str, str] | None = None


def _fonts() -> tuple[str, str]:
    """Register DejaVu Sans (supports ë, é, €, ●, ²); fall back to Helvetica."""
    global _FONTS
    if _FONTS is None:
        regular, bold = _FONT_DIR / "DejaVuSans.ttf", _FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            addMapping("DejaVuSans", 0, 0, "DejaVuSans")
            addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
            addMapping("DejaVuSans", 0, 1, "DejaVuSans")
            addMapping("DejaVuSans", 1, 1, "DejaVuSans-Bold")
            _FONTS = ("DejaVuSans", "DejaVuSans-Bold")
        else:
            _FONTS = ("Helvetica", "Helvetica-Bold")
    return _FONTS


def _pdf_text(s: str, regular: str) -> str:
    if regular == "Helvetica":
        # standard Type 1 fonts only cover cp1252; substitute the few symbols we use
        s = s.replace("●", "*").replace("²", "2")
        s.encode("cp1252")  # fail loudly rather than print boxes
    return escape(s)


def _column_widths(rows, ncols, width, regular, bold, size=9, pad=10):
    """Each column first gets room for its longest word, the rest goes by amount of text."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    minimum, volume = [], []
    for j in range(ncols):
        col = [(r[j] if j < len(r) else "", bold if i == 0 else regular) for i, r in enumerate(rows)]
        minimum.append(max(stringWidth(w, f, size) for text, f in col for w in (text.split() or [""])) + pad)
        volume.append(sum(len(text) for text, _ in col) + 1)
    rest = width - sum(minimum)
    if rest <= 0:
        return [width * m / sum(minimum) for m in minimum]
    return [m + rest * v / sum(volume) for m, v in zip(minimum, volume)]


def build_pdf(blocks, title: str, language: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, spaceAfter=5)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0)
    cell_head = ParagraphStyle("cellhead", parent=cell, fontName=bold)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=11.5, leading=15,
                             spaceBefore=9, spaceAfter=4, keepWithNext=1)
    title_style = ParagraphStyle("title", parent=body, fontName=bold, fontSize=15, leading=19,
                                 alignment=TA_CENTER, spaceAfter=14)
    page_word = "Pagina" if language == "nl" else "Page"

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8.5)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"{page_word} {doc.page}")
        canvas.restoreState()

    width = A4[0] - 2 * 2.3 * cm
    story = []
    for kind, value in blocks:
        if kind == "title":
            story.append(Paragraph(_pdf_text(value, regular), title_style))
        elif kind == "heading":
            story.append(Paragraph(_pdf_text(value, regular), heading))
        elif kind == "para":
            story.append(Paragraph(_pdf_text(value, regular), body))
        elif kind == "table":
            rows = value
            ncols = max(len(r) for r in rows)
            data = [[Paragraph(_pdf_text(row[j] if j < len(row) else "", regular),
                               cell_head if i == 0 else cell) for j in range(ncols)]
                    for i, row in enumerate(rows)]
            widths = _column_widths(rows, ncols, width, regular, bold)
            t = Table(data, colWidths=widths, repeatRows=1)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]))
            story.extend([Spacer(1, 3), t, Spacer(1, 8)])

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=2.3 * cm, rightMargin=2.3 * cm,
        topMargin=2.2 * cm, bottomMargin=2.2 * cm,
        title=title, author=AUTHOR, subject="agreementscan sample agreement",
        creator="agreementscan samples/build.py", invariant=1,
        lang="nl-NL" if language == "nl" else "en-GB",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# --------------------------------------------------------------------------- driver
def _write(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _json_bytes(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def stems() -> list[str]:
    return sorted(p.stem for p in SRC_DIR.glob("*.txt"))


def build(out_dir: Path = HERE, verbose: bool = True) -> list[Path]:
    out_dir = Path(out_dir).resolve()
    changed = []
    for stem in stems():
        raw = (SRC_DIR / f"{stem}.txt").read_bytes()
        text = raw.decode("utf-8")
        label = load_label(stem, text)
        blocks = parse(text)
        title = blocks[0][1]
        outputs = {
            out_dir / f"{stem}.txt": raw,
            out_dir / f"{stem}.docx": build_docx(blocks, title, label["language"]),
            out_dir / f"{stem}.pdf": build_pdf(blocks, title, label["language"]),
        }
        for name, obj in label_variants(stem, label).items():
            outputs[out_dir / "labels" / name] = _json_bytes(obj)
        for path, data in outputs.items():
            if _write(path, data):
                changed.append(path)
    if verbose:
        print(f"built {len(stems())} samples into {out_dir}: {len(changed)} file(s) changed")
        for p in changed:
            print(f"  {p.relative_to(out_dir)}")
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE,
                    help="output directory (default: the samples/ directory itself)")
    args = ap.parse_args(argv)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
