"""The results store's side of a batch: which documents it already answers, and rebuilding
items from it without scanning.

A document is known by the SHA-256 of its bytes (read under the same time and size limits
as a scan); a stored report is reused when the content, the tool version, the lexicon
version and the report-changing options (:meth:`ScanOptions.key`) all match.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine import ScanOptions
from ..errors import AgreementscanError
from ..fileio import write_text_atomic
from .items import BatchItem, summary_of

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Document
    from ..store import StoredItem


def file_sha256(path: str, limit: int | None = None) -> str:
    """SHA-256 of a file's bytes, read in blocks (the input is only read).

    Reads at most ``limit + 1`` bytes when a limit is given: a file that grows (or a
    special file that never ends) costs no more than the size limit allows.
    """
    digest = hashlib.sha256()
    left = None if limit is None else limit + 1
    # O_NONBLOCK: a FIFO swapped in after the walk cannot block the open.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        while left is None or left > 0:
            block = handle.read(1 << 20 if left is None else min(1 << 20, left))
            if not block:
                break
            digest.update(block)
            if left is not None:
                left -= len(block)
    return digest.hexdigest()


class HashTimeout(Exception):
    """Reading a file for its hash took longer than the time limit."""


def hash_within(path: str, seconds: float | None, limit: int | None) -> str:
    """:func:`file_sha256` under the same time limit as a scan: a read that blocks (a
    file on a hung network mount, a ``/proc`` file behind a symbolic link) must not stop
    the whole batch. The reading thread is abandoned, never waited for."""
    if seconds is None:
        return file_sha256(path, limit)
    import threading

    outcome: list[str | BaseException] = []

    def read() -> None:
        try:
            outcome.append(file_sha256(path, limit))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome.append(exc)

    thread = threading.Thread(target=read, name="agreementscan-hash", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise HashTimeout
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def reextract(path: str, sha256: str | None, options: ScanOptions) -> Document | None:
    """The document again (text and blocks) if the file still has the stored content."""
    from ..extract import extract

    try:
        document = extract(path, password=options.password, max_pages=options.max_pages,
                           max_bytes=options.max_bytes, max_chars=options.max_chars)
    except AgreementscanError:
        return None
    return document if document.sha256 == sha256 else None


def items_from_store(stored: Iterable[StoredItem], *, report_dir: str | Path | None = None,
                     report_names: dict[str, str] | None = None,
                     language: str | None = None) -> Iterator[BatchItem]:
    """Batch items rebuilt from a results database (for ``agreementscan report``), no scanning.

    The store keeps language-neutral findings: ``language`` words them (default: each
    document's own language). With ``report_dir``, the HTML report of each document is
    written again; its full text is shown when the file is still at its path with the same
    content.
    """
    from ..codec import CodecError, result_from_json
    from ..render.words import default_report_language

    names = report_names or {}
    for row in stored:
        if row.status != "ok" or row.report_json is None:
            yield BatchItem(row.path, row.relpath, row.status, error=row.message, cached=True,
                            error_kind=row.error_kind)
            continue
        try:
            result = result_from_json(row.report_json, path=row.path)
        except CodecError as exc:
            yield BatchItem(row.path, row.relpath, "error", error_kind="stored", cached=True,
                            error=f"stored result cannot be read ({exc}); run batch again")
            continue
        result = replace(result, report_language=language or default_report_language(result.language))
        report_file = None
        if report_dir is not None and row.path in names:
            from ..render import render

            # The default limits bound the memory of re-reading; a file past them is shown
            # without its full text rather than read without bounds.
            document = reextract(row.path, result.document.sha256, ScanOptions())
            report_file = names[row.path]
            shown = replace(result, document=document) if document is not None else result
            try:
                write_text_atomic(os.path.join(os.fspath(report_dir), report_file), render([shown], "html"))
            except OSError as exc:  # a full disk: an error row, the other documents go on
                yield BatchItem(row.path, row.relpath, "error", error_kind="render", cached=True,
                                error=f"cannot write the HTML report ({exc.strerror or exc})")
                continue
        yield BatchItem(row.path, row.relpath, "ok", summary=summary_of(result), report_json=row.report_json,
                        cached=True, report_file=report_file, report_language=language)
