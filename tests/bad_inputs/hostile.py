"""Generators for hostile inputs that are too big (or too many) to keep in the repository.

Each function writes or returns one case; the tests call them into a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

CLAUSE = ("7.1 Either Party may terminate this Agreement for convenience by giving the other Party three (3) "
          "months' written notice. The Parties shall meet every quarter in a steering committee to resolve any "
          "dispute. ")


def repeated_clause(times: int) -> str:
    """An "agreement" that is one clause repeated ``times`` times (14,000 times is 1 MB)."""
    return "Joint Venture Agreement\n\n" + CLAUSE * times


def nested_folders(root: Path, depth: int) -> Path:
    """``root/d/d/.../d`` ``depth`` levels deep; returns the deepest folder."""
    # One mkdir per level relative to the last one: the full path may exceed what one call takes.
    root.mkdir(parents=True)
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
    finally:
        os.close(fd)
    return root.joinpath(*["d"] * depth)


def remove_nested(root: Path) -> None:
    """Delete a tree made by :func:`nested_folders`, without recursion.

    ``shutil.rmtree`` (and so pytest's clean-up of tmp_path) recurses once per level and
    fails on such a tree; go down with directory descriptors, then remove from the bottom.
    """
    fds = [os.open(root, os.O_RDONLY)]
    try:
        while True:
            names = os.listdir(fds[-1])
            for name in names:
                if name != "d":
                    os.unlink(name, dir_fd=fds[-1])
            if "d" not in names:
                break
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir("d", dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)
    os.rmdir(root)


# --------------------------------------------------------------------------- PDF by hand


def pdf_from_objects(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF whose object ``n`` (1-based) is ``objects[n - 1]``, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, compress: bool = False) -> bytes:
    """A stream object body (optionally /FlateDecode compressed)."""
    import zlib

    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _text_ops(lines: list[str]) -> bytes:
    ops = [b"BT /F1 11 Tf 72 760 Td 14 TL"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + safe.encode("latin-1") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


CONTRACT_LINES = [
    "The Parties shall cooperate in good faith on the joint development.",
    "This Agreement is governed by the laws of the Netherlands.",
    "Either Party may terminate this Agreement with three months' notice.",
]


def pdf_deep_page_tree(depth: int) -> bytes:
    """One page under ``depth`` nested /Pages nodes."""
    # 1 catalog, 2 font, 3 content, 4 page, 5.. pages nodes (5 is the root node).
    objects = [b"<< /Type /Catalog /Pages 5 0 R >>", _FONT, stream(_text_ops(CONTRACT_LINES))]
    first_node = 5
    last_node = first_node + depth - 1
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
                   b"/Resources << /Font << /F1 2 0 R >> >> >>" % last_node)
    for n in range(first_node, last_node + 1):
        kid = n + 1 if n < last_node else 4
        parent = b" /Parent %d 0 R" % (n - 1) if n > first_node else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (kid, parent))
    return pdf_from_objects(objects)


def pdf_circular_page_tree() -> bytes:
    """A /Pages node whose kids contain a node that points back to it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
         b"/Resources << /Font << /F1 6 0 R >> >> >>"),
        stream(_text_ops(CONTRACT_LINES)),
        _FONT,
    ]
    return pdf_from_objects(objects)


def pdf_pages(contents: list[bytes], *, media_box: bytes = b"[0 0 612 792]", shared: bool = False,
              pages: int | None = None, extra_objects: list[bytes] | None = None) -> bytes:
    """Pages with the given content streams (raw stream object bodies).

    ``shared``: ``pages`` pages that all use the one content stream ``contents[0]``.
    """
    count = pages if shared and pages is not None else len(contents)
    # 1 catalog, 2 pages, 3 font, then the content streams, then the pages.
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", _FONT]
    first_content = 4
    objects.extend(contents)
    first_page = first_content + len(contents)
    for i in range(count):
        content = first_content if shared else first_content + i
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (media_box, content))
    objects.extend(extra_objects or [])
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    return pdf_from_objects(objects)


def pdf_contract(media_box: bytes = b"[0 0 612 792]") -> bytes:
    """A one-page contract PDF; ``media_box`` lets a test make the page size absurd."""
    return pdf_pages([stream(_text_ops(CONTRACT_LINES * 3))], media_box=media_box)


def pdf_flate_bomb(inflated: int = 1 << 30) -> bytes:
    """One page whose content stream inflates to ``inflated`` bytes (spaces) from about 1 MB."""
    import zlib

    comp = zlib.compressobj(9)
    head = _text_ops(CONTRACT_LINES) + b"\n"
    parts = [comp.compress(head)]
    chunk = b" " * (1 << 20)
    for _ in range(inflated // len(chunk)):
        parts.append(comp.compress(chunk))
    parts.append(comp.flush())
    data = b"".join(parts)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return pdf_pages([body])


def pdf_shared_content(pages: int = 1999, lines: int = 400) -> bytes:
    """``pages`` pages sharing one dense content stream: tiny file, huge text."""
    text = [f"{i} The Parties shall cooperate in good faith on the joint development of the product." for i in range(lines)]
    return pdf_pages([stream(_text_ops(text), compress=True)], shared=True, pages=pages)


# --------------------------------------------------------------------------- DOCX by hand

_W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)


def document_xml(body: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="' + _W_NS
            + b'"><w:body>' + body + b"</w:body></w:document>")


def docx_with_body(path: Path, body: bytes, *, members: list[tuple[str, bytes]] | None = None) -> Path:
    """A minimal .docx (three parts) whose body XML is ``body``; ``members`` are added as is
    (duplicates allowed: zipfile warns but writes them)."""
    import warnings
    import zipfile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" when a test asks for duplicates
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", CONTENT_TYPES)
            z.writestr("_rels/.rels", PACKAGE_RELS)
            z.writestr("word/document.xml", document_xml(body))
            for name, data in members or []:
                z.writestr(name, data)
    return path


def _grid_ops(x0: int, y0: int, cols: int, rows: int, cell_w: int = 90, cell_h: int = 20) -> bytes:
    """Rules of a ``cols`` x ``rows`` grid with its lower left corner at (x0, y0)."""
    ops = [b"0.5 w"]
    for r in range(rows + 1):
        y = y0 + r * cell_h
        ops.append(b"%d %d m %d %d l S" % (x0, y, x0 + cols * cell_w, y))
    for c in range(cols + 1):
        x = x0 + c * cell_w
        ops.append(b"%d %d m %d %d l S" % (x, y0, x, y0 + rows * cell_h))
    return b"\n".join(ops)


def pdf_ruled_pages(pages: int, *, text_in_grid: bool) -> bytes:
    """Pages of contract text with a ruled 4 x 6 grid: around table text, or empty at the
    bottom of the page (a form's decoration)."""
    contents = []
    for i in range(pages):
        ops = [_text_ops([f"Page {i + 1}. " + line for line in CONTRACT_LINES])]
        if text_in_grid:
            ops.append(_grid_ops(72, 560, 4, 6))
            cells = [b"BT /F1 9 Tf %d %d Td (R%dC%d) Tj ET" % (76 + c * 90, 566 + r * 20, r, c)
                     for r in range(6) for c in range(4)]
            ops.extend(cells)
        else:
            ops.append(_grid_ops(72, 80, 4, 6))
        contents.append(stream(b"\n".join(ops)))
    return pdf_pages(contents)


def docx_big_xml(path: Path, xml_bytes: int) -> Path:
    """A .docx whose document.xml is about ``xml_bytes`` of short random-word paragraphs.

    Random letters compress only about 3:1, so the package passes a check of declared
    sizes and compression ratios; it is the real inflated size that must be capped.
    """
    import zipfile

    # About one paragraph break per 16 random letters; built with C-speed bytes methods.
    table = bytes((ord("|") if b < 16 else ord("a") + b % 26) for b in range(256))
    letters = os.urandom(xml_bytes // 3).translate(table)
    body = b"<w:p><w:r><w:t>" + letters.replace(b"|", b"</w:t></w:r></w:p><w:p><w:r><w:t>") + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/document.xml", document_xml(body))
    return path


def docm_with_two_documents(path: Path, first: bytes, second: bytes) -> Path:
    """A macro-enabled package that stores word/document.xml twice (Word reads the first)."""
    types = CONTENT_TYPES.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
    docx_with_body(path, first, members=[("word/document.xml", document_xml(second)),
                                         ("word/vbaProject.bin", b"\x00" * 64)])
    # Swap in the macro-enabled content type (rewriting the first member only).
    import warnings
    import zipfile

    with zipfile.ZipFile(path) as z:
        entries = [(info, z.open(info).read()) for info in z.infolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in entries:
                z.writestr(info.filename, types if info.filename == "[Content_Types].xml" else data)
    return path
