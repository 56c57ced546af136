"""Which source map the annotators may use: the scanned document's own, or a fresh one."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Document, ScanResult, SourceMap


def own_source_map(result: ScanResult, data: bytes, fmt: str,
                   reread: Callable[[str], Document]) -> SourceMap | None:
    """The source map of the scanned document, when it is this file's (``data``).

    A result read back from JSON has none, and a result of other bytes has the wrong one:
    the file is then read again (``reread(sha256)``), and its map used only if it gives
    exactly the scanned text.
    """
    from ..extract.common import sha256_bytes

    document = result.document
    digest = sha256_bytes(data)
    if document.source_map is not None and document.format == fmt and document.sha256 in (None, digest):
        return document.source_map
    again = reread(digest)
    return again.source_map if again.text == document.text else None
