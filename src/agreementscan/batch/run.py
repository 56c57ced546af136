"""The batch iterator: entries in, one :class:`BatchItem` per entry out, as each finishes.

Stored reports come from the results store (see :mod:`.stored`), the rest are scanned by
:func:`scan_document` in a :class:`~.pool.Pool` of worker processes (or here, with
``jobs=0``), and every finished document is committed to the store at once, so an
interrupted run loses nothing that finished. The iterator never prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine import ScanOptions, scanner_for
from ..fileio import remove_temporaries, write_text_atomic
from .discover import Entry
from .items import BatchItem, BatchStats, summary_of
from .pool import RECYCLE_AFTER, Outcome, Pool, describe
from .stored import HashTimeout, hash_within, reextract

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

_FROM_OPTIONS: Any = object()
"""Batch's ``timeout`` keyword when not given: the options' time limit applies."""


@dataclass(frozen=True)
class Job:
    """One document for a worker: what :func:`scan_document` (or an injected scan) gets."""

    path: str
    options: ScanOptions
    want: str
    """``result`` to send the ScanResult back too, ``report`` for the JSON report only."""
    html_target: str | None = None
    """Where to write the document's HTML report, if anywhere."""


def scan_document(job: Job) -> dict[str, Any]:
    """Scan one file; return the payload sent back to the parent. Raises on failure.

    The worker process is the time limit (it is killed on time), so the scan runs right
    here, with the worker's scanner for these options (built once per worker).
    """
    from ..codec import result_to_json

    start = time.perf_counter()
    result = scanner_for(job.options.with_(timeout=None)).scan_here(job.path)
    payload: dict[str, Any] = {
        "report_json": result_to_json(result),
        "summary": summary_of(result),
        "result": result if job.want == "result" else None,
        "report_file": None,
    }
    if job.html_target is not None:
        from ..render import render

        try:
            write_text_atomic(job.html_target, render([result], "html"))
            payload["report_file"] = os.path.basename(job.html_target)
        except Exception as exc:  # noqa: BLE001 - the scan stands; only its page failed
            payload["render_error"] = f"cannot write the HTML report ({type(exc).__name__}: {exc})"
    payload["seconds"] = time.perf_counter() - start
    return payload


@dataclass(frozen=True)
class WarmUp:
    """Run once in each worker: build the English pipeline and import the readers.

    The Dutch pipeline (0.8 s, mostly its lemma table) is built on a worker's first Dutch
    document, so folders without Dutch agreements never pay for it.
    """

    html: bool = False

    def __call__(self) -> None:
        from ..analyse.pipeline import get_nlp
        from ..extract import docx as _docx  # noqa: F401 - import cost paid here, not in task 1
        from ..extract import pdf as _pdf  # noqa: F401

        get_nlp("en")
        if self.html:
            from ..render import render  # noqa: F401


@dataclass
class _Task:
    seq: int
    entry: Entry
    html_target: str | None


class Batch:
    """Scan a list of :class:`Entry` values; iterate to get a :class:`BatchItem` per entry.

    ``jobs`` worker processes (default: the number of CPUs; ``0`` scans in this process,
    without timeouts, for callers such as Dask or Spark that manage processes
    themselves). The time limit per document is the options' ``timeout`` (the
    ``timeout`` keyword overrides it). ``want='result'`` also returns each ScanResult
    (pickled back from the worker); the default ``'report'`` returns only the JSON report
    and its summary. ``report_dir`` gets an HTML report per scanned document (named by
    ``report_names``). ``scan`` is what a worker runs per document (default
    :func:`scan_document`; it must be picklable: tests pass one that hangs or crashes).
    """

    def __init__(self, entries: Sequence[Entry], options: ScanOptions | None = None, *,
                 jobs: int | None = None, timeout: float | None = _FROM_OPTIONS, store: Store | None = None,
                 report_dir: str | Path | None = None, report_names: dict[str, str] | None = None,
                 want: str = "report", recycle_after: int = RECYCLE_AFTER,
                 run_args: dict[str, Any] | None = None,
                 scan: Callable[[Job], dict[str, Any]] = scan_document) -> None:
        options = options or ScanOptions()
        if timeout is not _FROM_OPTIONS:  # the keyword of earlier versions still wins
            options = options.with_(timeout=timeout)
        self.entries = list(entries)
        self.options = options
        self.jobs = (os.cpu_count() or 1) if jobs is None else max(0, jobs)
        self.timeout: float | None = options.timeout
        self.store = store
        self.report_dir = os.fspath(report_dir) if report_dir is not None else None
        self.report_names = report_names or {}
        self.want = want
        self.recycle_after = max(1, recycle_after)
        self.run_args = run_args or {}
        self.scan = scan
        self.stats = BatchStats(total=len(self.entries))
        self.run_id: int | None = None
        self.interrupted = False
        self._pool: Pool | None = None
        self._keys: tuple[str, str, str] | None = None

    # ----------------------------------------------------------------- public

    def __iter__(self) -> Iterator[BatchItem]:
        from ..version import __version__

        if self.store is not None:
            from ..lexicon.loader import lexicon_version

            self._keys = (__version__, lexicon_version(), self.options.key())
            self.run_id = self.store.start_run(*self._keys, self.run_args)
        finished = False
        try:
            pending: list[_Task] = []
            for seq, entry in enumerate(self.entries):
                item = self._prepare(seq, entry, pending)
                if item is not None:
                    yield self._emit(seq, entry, item)
            if pending and self.jobs == 0:
                for task in pending:
                    yield self._emit(task.seq, task.entry, self._scan_here(task))
            elif pending:
                yield from self._scan_in_workers(pending)
            finished = True
        except (KeyboardInterrupt, GeneratorExit):
            self.interrupted = True
            raise
        finally:
            self._shutdown()
            if self.store is not None and self.run_id is not None:
                self.store.finish_run(self.run_id, "finished" if finished else "interrupted")

    def close(self) -> None:
        """Stop the workers (also done when iteration ends or is abandoned)."""
        self._shutdown()

    # ----------------------------------------------------------------- bookkeeping

    def _html_target(self, entry: Entry) -> str | None:
        if self.report_dir is None:
            return None
        name = self.report_names.get(entry.path)
        return os.path.join(self.report_dir, name) if name else None

    def _prepare(self, seq: int, entry: Entry, pending: list[_Task]) -> BatchItem | None:
        """An item right away (skipped, error, stored report), or None after queueing a scan."""
        if entry.action != "scan":
            status = "skipped" if entry.action == "skipped" else "error"
            return BatchItem(entry.path, entry.relpath, status, error=entry.message,
                             error_kind="walk" if status == "error" else None)
        if self.store is not None and self._keys is not None:
            sha = self.store.known_sha256(entry.path, entry.size, entry.mtime_ns)
            too_big = self.options.max_bytes is not None and entry.size > self.options.max_bytes
            if sha is None and not too_big and entry.size > 0:
                try:
                    sha = hash_within(entry.path, self.timeout, self.options.max_bytes)
                except HashTimeout:
                    return BatchItem(entry.path, entry.relpath, "error", error_kind="timeout",
                                     error=f"reading the file took longer than {self.timeout:g} s "
                                           "(the --timeout limit)")
                except OSError:
                    sha = None  # the scan will report why the file cannot be read
            stored = self.store.get_report(sha, *self._keys) if sha else None
            if stored is not None:
                return self._from_store(entry, stored)
        pending.append(_Task(seq, entry, self._html_target(entry)))
        if self.jobs:
            self._workers().start()  # start warming up while the rest of the folder is hashed
        return None

    def _from_store(self, entry: Entry, stored: str) -> BatchItem:
        from ..codec import CodecError, result_from_json
        from ..render.words import default_report_language

        try:
            # The same content may have been stored from another path: report this one.
            result = result_from_json(stored, path=entry.path)
        except CodecError as exc:
            return BatchItem(entry.path, entry.relpath, "error", error_kind="stored",
                             error=f"stored result cannot be read ({exc}); scan it again without --db")
        lang = self.options.report_language or default_report_language(result.language)
        result = replace(result, report_language=lang)
        report_file = None
        target = self._html_target(entry)
        if target is not None:
            from ..render import render

            document = reextract(entry.path, result.document.sha256, self.options)
            shown = replace(result, document=document) if document is not None else result
            try:
                write_text_atomic(target, render([shown], "html"))
            except OSError as exc:  # a full disk: the same error row a worker gives
                return BatchItem(entry.path, entry.relpath, "error", summary=summary_of(result),
                                 report_json=stored, cached=True, error_kind="render",
                                 error=f"cannot write the HTML report ({exc.strerror or exc})",
                                 report_language=self.options.report_language)
            report_file = os.path.basename(target)
            if self.want == "result":
                result = shown
        elif self.want == "result":
            document = reextract(entry.path, result.document.sha256, self.options)
            if document is not None:
                result = replace(result, document=document)
        return BatchItem(entry.path, entry.relpath, "ok", summary=summary_of(result), report_json=stored,
                         result=result if self.want == "result" else None, cached=True, report_file=report_file,
                         report_language=self.options.report_language)

    def _emit(self, seq: int, entry: Entry, item: BatchItem) -> BatchItem:
        """Count the item and commit it to the store."""
        stats = self.stats
        if item.status == "skipped":
            stats.skipped += 1
        elif item.status == "error":
            stats.errors += 1
        elif item.cached:
            stats.cached += 1
        else:
            stats.scanned += 1
        if item.summary is not None and item.summary.pages and not item.cached:
            stats.pages += item.summary.pages
        if self.store is not None and self.run_id is not None:
            summary = item.summary
            sha = summary.sha256 if summary else None
            facts = None
            if summary is not None and entry.action == "scan":
                facts = (entry.size, entry.mtime_ns, summary.format, summary.language, summary.pages)
            self.store.record(self.run_id, seq, path=item.path, relpath=item.relpath, status=item.status,
                              sha256=sha, cached=item.cached, message=item.error, error_kind=item.error_kind,
                              report_json=item.report_json, score=summary.score if summary else None,
                              keys=self._keys, file_facts=facts)
        return item

    def _item_from_payload(self, task: _Task, payload: dict[str, Any], seconds: float) -> BatchItem:
        render_error = payload.get("render_error")
        return BatchItem(task.entry.path, task.entry.relpath, "error" if render_error else "ok",
                         summary=payload["summary"], report_json=payload["report_json"], result=payload["result"],
                         error=render_error, error_kind="render" if render_error else None,
                         seconds=payload.get("seconds", seconds), report_file=payload["report_file"],
                         report_language=self.options.report_language)

    def _job(self, task: _Task) -> Job:
        return Job(task.entry.path, self.options, self.want, task.html_target)

    def _scan_here(self, task: _Task) -> BatchItem:
        """Scan in this process (``jobs=0``): no isolation, no timeout."""
        start = time.perf_counter()
        try:
            payload = self.scan(self._job(task))
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error row
            kind, text = describe(exc)
            return BatchItem(task.entry.path, task.entry.relpath, "error", error=text, error_kind=kind,
                             seconds=time.perf_counter() - start)
        return self._item_from_payload(task, payload, time.perf_counter() - start)

    # ----------------------------------------------------------------- workers

    def _workers(self) -> Pool:
        if self._pool is None:
            self._pool = Pool(self.scan, jobs=self.jobs, timeout=self.timeout,
                              warm=WarmUp(self.report_dir is not None), recycle_after=self.recycle_after,
                              on_kill=self._killed, stats=self.stats)
        return self._pool

    @staticmethod
    def _killed(task: _Task) -> None:
        if task.html_target is not None:
            remove_temporaries(task.html_target)  # a kill in mid-write leaves the page's temp file

    def _scan_in_workers(self, pending: list[_Task]) -> Iterator[BatchItem]:
        pool = self._workers()
        for task in pending:
            pool.submit(task, self._job(task))
        for outcome in pool.results():
            yield self._emit(outcome.key.seq, outcome.key.entry, self._item(outcome))

    def _item(self, outcome: Outcome) -> BatchItem:
        task: _Task = outcome.key
        if outcome.ok:
            return self._item_from_payload(task, outcome.value, outcome.seconds)
        return BatchItem(task.entry.path, task.entry.relpath, "error", error=outcome.error,
                         error_kind=outcome.error_kind, seconds=outcome.seconds)

    def _shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close(kill=self.interrupted)
