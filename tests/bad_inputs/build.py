"""Build the bad-input corpus: broken, hostile and odd files an agreement folder may hold.

Run ``python tests/bad_inputs/build.py DIR`` to write every case into DIR; the tests call
:func:`build` into a temporary folder. Everything is generated (deterministically) because
several cases are large by design: a 3,000-page PDF, a zip bomb, a 10 MB single line.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"

GERMAN = ("Kooperationsvertrag. Die Parteien vereinbaren eine Zusammenarbeit bei der Entwicklung und dem Vertrieb "
          "eines neuen Produkts. Der Vertrag wird für die Dauer von drei Jahren geschlossen und kann von jeder Partei "
          "mit einer Frist von drei Monaten gekündigt werden. Die Parteien verpflichten sich zur Vertraulichkeit. ") * 4
FRENCH = ("Accord de coopération. Les parties conviennent de coopérer pour le développement et la vente d'un nouveau "
          "produit. Le contrat est conclu pour une durée de trois ans et peut être résilié par chacune des parties "
          "avec un préavis de trois mois. Les parties s'engagent à la confidentialité des informations. ") * 4


def _pdf(text_pages: list[str], path: Path, encrypt: str | None = None) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    kwargs = {"encrypt": StandardEncryption(encrypt, canPrint=1)} if encrypt else {}
    pdf = canvas.Canvas(str(path), invariant=1, **kwargs)
    for text in text_pages:
        y = 780
        for line in text.split("\n"):
            pdf.drawString(72, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()


def _docx_with_document_xml(path: Path, document_xml: bytes, extra: dict[str, bytes] | None = None) -> None:
    source = SAMPLES / "en_alliance_gaps.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = document_xml if item.filename == "word/document.xml" else zin.read(item.filename)
            zout.writestr(item, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def build(target: Path, *, large: bool = True) -> dict[str, Path]:
    """Write every case into ``target``; return name -> path."""
    target.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> Path:
        path = target / name
        path.write_bytes(data)
        out[name] = path
        return path

    sample_pdf = (SAMPLES / "en_jv_complete.pdf").read_bytes()
    sample_docx = (SAMPLES / "nl_samenwerking_gaps.docx").read_bytes()
    sample_txt = (SAMPLES / "en_jv_complete.txt").read_text(encoding="utf-8")
    nl_txt = (SAMPLES / "nl_covenant_tricky.txt").read_text(encoding="utf-8")

    put("empty.txt", b"")
    put("whitespace.txt", b"   \n\n\t  \n")
    put("zero.pdf", b"")
    put("truncated.pdf", sample_pdf[: len(sample_pdf) // 3])
    put("bad-xref.pdf", sample_pdf.replace(b"startxref", b"startxreF"))
    _pdf(["The Parties shall cooperate in good faith.\nThis Agreement is governed by Dutch law."],
         target / "encrypted.pdf", encrypt="secret")
    out["encrypted.pdf"] = target / "encrypted.pdf"
    _pdf(["", ""], target / "scanned.pdf")
    out["scanned.pdf"] = target / "scanned.pdf"
    put("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    put("document.rtf", b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} The Parties agree.}")
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    put("document.odt", odt.getvalue())
    nodoc = io.BytesIO()
    with zipfile.ZipFile(nodoc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<w:styles/>")
    put("no-document.docx", nodoc.getvalue())
    with zipfile.ZipFile(SAMPLES / "en_alliance_gaps.docx") as z:
        document_xml = z.read("word/document.xml")
    _docx_with_document_xml(target / "macro.docm", document_xml, {"word/vbaProject.bin": b"\x00" * 64})
    out["macro.docm"] = target / "macro.docm"
    # An external entity pointing at a local file and a remote DTD: nothing may be read or fetched.
    xxe = document_xml.replace(
        b"<w:document ",
        b'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/hostname">'
        b'<!ENTITY remote SYSTEM "http://127.0.0.1:9/x.dtd">]><w:document ', 1)
    xxe = xxe.replace(b"<w:t>", b"<w:t>&secret;&remote;", 1)
    _docx_with_document_xml(target / "xxe.docx", xxe)
    out["xxe.docx"] = target / "xxe.docx"
    put("pdf-named.docx", sample_pdf)
    put("docx-named.pdf", sample_docx)
    put("utf16.txt", nl_txt.encode("utf-16"))
    put("cp1252.txt", "Artikel 1 Beëindiging – opzegtermijn € 500\n\n".encode("cp1252") + nl_txt.encode("cp1252", "replace"))
    put("invalid-bytes.txt", sample_txt.encode("utf-8")[:4000] + b"\xff\xfe\xc3\x28 invalid \x80\x81" + sample_txt.encode()[4000:])
    put("junk.txt", bytes((i * 7919 + 13) % 256 for i in range(20_000)))
    put("german.txt", GERMAN.encode("utf-8"))
    put("french.txt", FRENCH.encode("utf-8"))
    put("name with spaces.txt", sample_txt.encode("utf-8"))
    put("ünïcødé-överéénkomst.txt", nl_txt.encode("utf-8"))
    put("new\nline.txt", sample_txt.encode("utf-8"))
    if large:
        _pdf([f"Page {i + 1}. The Parties shall cooperate." for i in range(3000)], target / "many-pages.pdf")
        out["many-pages.pdf"] = target / "many-pages.pdf"
        # 300 MB of XML that compresses to a few hundred KB: must be refused before inflating.
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            with z.open("word/document.xml", "w", force_zip64=True) as handle:
                chunk = b" " * (1 << 20)
                for _ in range(300):
                    handle.write(chunk)
        put("bomb.docx", bomb.getvalue())
        put("long-line.txt", ("the parties agree " * 560_000)[:10_000_000].encode("ascii"))
    return out


if __name__ == "__main__":  # pragma: no cover
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-inputs")
    for name, path in build(folder).items():
        print(f"{path.stat().st_size:>10}  {name!r}")
