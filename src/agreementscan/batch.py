"""Folder scanning: find agreements under folders and scan them in worker processes.

The engine is an iterator of :class:`BatchItem` values, one per file (scanned, skipped or
failed), yielded as each finishes. It never prints. Three parts:

* :func:`discover` walks the folders (following symbolic links, but never into the same
  folder twice, so link loops end) and classifies every file: to scan, skipped (not a
  supported format) or an error row (broken link, loop, not a regular file).
* :class:`Batch` runs the scans in worker processes that it starts itself, one pipe per
  worker, so a document that hangs or crashes its worker (segfault, ``os._exit``, out of
  memory) costs exactly that worker: it is killed and replaced, the document becomes an
  error row and the run goes on. ``concurrent.futures`` cannot do this: it cannot cancel
  a running task, and one dead worker breaks the whole pool.
* With a :class:`~agreementscan.store.Store`, documents whose content was scanned before
  with the same tool version, lexicon version and language options are read from the
  store instead, and every finished document is committed at once, so an interrupted run
  loses nothing that finished.

Test hook: when the environment variable ``AGREEMENTSCAN_TEST_HOOKS=1`` is set, a worker
sleeps forever on a file named ``hang.txt``, exits at once (``os._exit(1)``) on
``crash.txt`` and raises MemoryError on ``memory.txt``; and
``AGREEMENTSCAN_TEST_INTERRUPT_AFTER=N`` makes the engine raise KeyboardInterrupt after
yielding N items. Nothing else reads these variables.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AgreementscanError, ExtractionError
from . import limits
from .fileio import remove_temporaries, write_text_atomic
from .policy import result_modes

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .model import Document, ScanResult
    from .store import Store, StoredItem

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".docm", ".txt", ".md", ".markdown")
HOOKS_ENV = "AGREEMENTSCAN_TEST_HOOKS"
INTERRUPT_ENV = "AGREEMENTSCAN_TEST_INTERRUPT_AFTER"
DEFAULT_TIMEOUT = limits.TIMEOUT
RECYCLE_AFTER = 200
"""Documents per worker before it is replaced: keeps spaCy's growing string store in check."""
STARTUP_TIMEOUT = 300.0
MAX_STARTUP_FAILURES = 3


class BatchError(AgreementscanError):
    """A file that could not be scanned for a reason outside extraction (timeout, crash, walk)."""

    def __init__(self, path: str, message: str, kind: str = "error") -> None:
        self.path = path
        self.message = message
        self.kind = kind
        super().__init__(f"{path}: {message}")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class ScanOptions:
    """Settings that are passed to every scan of a batch."""

    language: str = "auto"
    report_language: str | None = None
    password: str | None = None
    max_pages: int | None = limits.MAX_PAGES
    max_bytes: int | None = limits.MAX_BYTES
    max_chars: int | None = limits.MAX_CHARS
    playbooks: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()

    def profile(self):  # type: ignore[no-untyped-def]
        """The lexicon profile these options ask for (cached per process)."""
        from .lexicon.profile import load_profile

        return load_profile(self.playbooks, disable=self.disable, severity=dict(self.severity))

    def key(self) -> str:
        """The part of the options that changes the findings (the store keys them by it).

        Not the report language: the store keeps language-neutral findings, worded when
        they are rendered."""
        key = f"lang={self.language}"
        if self.playbooks or self.disable or self.severity:
            key += f";profile={self.profile().version}"
        return key


@dataclass(frozen=True)
class Entry:
    """A file (or folder) the walk found, and what to do with it."""

    path: str
    """The path as found: the given root joined with the names below it."""
    relpath: str
    """Path relative to the given folder, with ``/`` (the file name for files given directly)."""
    action: str
    """``scan``, ``skipped`` or ``error``."""
    message: str | None = None
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class Summary:
    """The compact facts of one report that overview tables need (no document text)."""

    sha256: str | None
    format: str | None
    language: str | None
    report_language: str | None
    pages: int | None
    score: int
    pitfalls: tuple[int, ...]
    """Score of pitfalls 1–5, in order."""
    present: int
    weak: int
    missing: int
    not_applicable: int
    fails_on: frozenset[str] = frozenset()
    """The ``--fail-on`` values this report meets (see :mod:`agreementscan.policy`)."""


@dataclass(frozen=True)
class BatchItem:
    """The outcome for one file of a batch."""

    path: str
    relpath: str
    status: str
    """``ok``, ``error`` or ``skipped``."""
    summary: Summary | None = None
    report_json: str | None = None
    """The findings (:mod:`agreementscan.codec`, language-neutral, without the document text)
    as one line of JSON: what the store keeps. :meth:`report` words them."""
    result: ScanResult | None = None
    """The ScanResult itself, only when the batch was asked for results (``want='result'``)."""
    error: str | None = None
    """Why the file was skipped or failed (one line, without the path)."""
    error_kind: str | None = None
    """``extract``, ``timeout``, ``crash``, ``memory``, ``walk``, ``render`` or ``internal``."""
    cached: bool = False
    """True when the report was read from the store instead of scanned."""
    seconds: float = 0.0
    report_file: str | None = None
    """Name of the per-document HTML report inside the report folder."""
    report_language: str | None = None
    """The language to word this item's report in (None: the document's own)."""

    def scan_result(self) -> ScanResult | None:
        """The ScanResult (decoded on demand, so items stay cheap to pass around), with its
        report language set to the one this item is to be worded in."""
        from .codec import result_from_json
        from .render.words import default_report_language

        if self.result is not None:
            result = self.result
        elif self.report_json is not None:
            result = result_from_json(self.report_json, path=self.path)
        else:
            return None
        lang = self.report_language or default_report_language(result.language)
        if result.report_language != lang:
            import dataclasses

            result = dataclasses.replace(result, report_language=lang)
        return result

    def report(self) -> dict[str, Any] | None:
        """The full JSON report (``agreementscan.report/1``), worded now."""
        from .render.jsonreport import report_dict

        result = self.scan_result()
        return report_dict(result) if result is not None else None

    def exception(self) -> AgreementscanError:
        """The error as an exception (what :func:`agreementscan.api.scan_folder` yields)."""
        if self.error_kind == "extract":
            return ExtractionError(self.path, self.error or "error")
        return BatchError(self.path, self.error or "error", self.error_kind or "error")


@dataclass
class BatchStats:
    """Counters of a running batch (mutable: the engine updates them as it goes)."""

    total: int = 0
    scanned: int = 0
    cached: int = 0
    errors: int = 0
    skipped: int = 0
    pages: int = 0
    workers_started: int = 0
    worker_peak_rss_kb: dict[int, int] = field(default_factory=dict)
    """Peak resident memory (VmHWM) of each worker process, by pid."""


def summary_of(result: ScanResult) -> Summary:
    """Compact summary of a result."""
    counts = {status: 0 for status in ("present", "weak", "missing", "not_applicable")}
    for element in result.elements:
        counts[element.status.value] += 1
    document = result.document
    return Summary(
        sha256=document.sha256,
        format=document.format,
        language=result.language,
        report_language=result.report_language,
        pages=document.pages,
        score=result.score,
        pitfalls=tuple(p.score for p in sorted(result.pitfalls, key=lambda p: p.id)),
        present=counts["present"],
        weak=counts["weak"],
        missing=counts["missing"],
        not_applicable=counts["not_applicable"],
        fails_on=result_modes(result),
    )


# --------------------------------------------------------------------------- discovery

_WORD_PROCESSOR_SUFFIXES = (".doc", ".dot", ".rtf", ".odt", ".ott", ".pages", ".wpd", ".wps", ".xps")
"""Documents that are agreements in a format we do not read: the skip message says what to do."""


def _normalise_patterns(patterns: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for pattern in patterns:
        pattern = pattern.replace(os.sep, "/")
        out.append(pattern)
        # "**/x" should also match "x" at the top of the folder, as in most glob dialects.
        while pattern.startswith("**/"):
            pattern = pattern[3:]
            out.append(pattern)
    return tuple(out)


def _matches(relpath: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(relpath, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover(paths: Iterable[str | Path], *, recursive: bool = True, include: Iterable[str] = (),
             exclude: Iterable[str] = ()) -> list[Entry]:
    """Every file under ``paths`` with what to do with it, in a stable (sorted) order.

    Folders are walked with symbolic links followed, but a folder (by device and inode)
    is entered only once: a link back to an ancestor is reported as an error row
    ("symbolic link loop"), another link to a folder already walked as skipped. Files
    given directly are always scanned (their format is detected from the content).
    ``include``/``exclude`` globs are matched against the path relative to the given
    folder and against the file name; an excluded folder is not entered.
    """
    includes, excludes = _normalise_patterns(include), _normalise_patterns(exclude)
    entries: list[Entry] = []
    visited: dict[tuple[int, int], str] = {}
    for raw in paths:
        root = os.fspath(raw)
        try:
            st = os.stat(root)
        except FileNotFoundError:
            problem = "broken symbolic link" if os.path.islink(root) else "file not found"
            entries.append(Entry(root, os.path.basename(root) or root, "error", problem))
            continue
        except OSError as exc:
            entries.append(Entry(root, os.path.basename(root) or root, "error", _os_reason(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in visited:
                entries.append(Entry(root, root, "skipped", f"same folder as {visited[key]}"))
                continue
            visited[key] = root
            _walk(root, "", recursive, includes, excludes, entries, visited, (key,))
        elif stat.S_ISREG(st.st_mode):
            entries.append(Entry(root, os.path.basename(root), "scan", None, st.st_size, st.st_mtime_ns))
        else:
            entries.append(Entry(root, os.path.basename(root), "error", "not a regular file"))
    return entries


def _os_reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def _walk(folder: str, rel: str, recursive: bool, includes: Sequence[str], excludes: Sequence[str],
          out: list[Entry], visited: dict[tuple[int, int], str], ancestors: tuple[tuple[int, int], ...]) -> None:
    try:
        with os.scandir(folder) as it:
            # Real entries before links, so that a folder reached both ways is reported by its real path.
            children = sorted(it, key=lambda e: (e.is_symlink(), e.name))
    except OSError as exc:
        out.append(Entry(folder, rel or ".", "error", _os_reason(exc)))
        return
    for child in children:
        relpath = f"{rel}/{child.name}" if rel else child.name
        if excludes and _matches(relpath, child.name, excludes):
            continue
        try:
            st = os.stat(child.path)  # follows links
        except FileNotFoundError:
            if child.is_symlink() and (not includes or _matches(relpath, child.name, includes)):
                out.append(Entry(child.path, relpath, "error", "broken symbolic link"))
            continue
        except OSError as exc:
            if not includes or _matches(relpath, child.name, includes):
                out.append(Entry(child.path, relpath, "error", _os_reason(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            if not recursive:
                continue
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                out.append(Entry(child.path, relpath, "error",
                                 f"symbolic link loop (points back to {visited.get(key, 'a parent folder')})"))
            elif key in visited:
                out.append(Entry(child.path, relpath, "skipped", f"same folder as {visited[key]}"))
            else:
                visited[key] = child.path
                _walk(child.path, relpath, recursive, includes, excludes, out, visited, (*ancestors, key))
            continue
        if includes and not _matches(relpath, child.name, includes):
            continue
        suffix = os.path.splitext(child.name)[1].lower()
        if suffix not in SUPPORTED_SUFFIXES:
            hint = "; save it as .docx or .pdf" if suffix in _WORD_PROCESSOR_SUFFIXES else ""
            out.append(Entry(child.path, relpath, "skipped", f"unsupported format ({suffix or 'no extension'}){hint}"))
        elif child.name.startswith("~$"):
            out.append(Entry(child.path, relpath, "skipped", "Office lock file"))
        elif not stat.S_ISREG(st.st_mode):
            out.append(Entry(child.path, relpath, "error", "not a regular file"))
        else:
            out.append(Entry(child.path, relpath, "scan", None, st.st_size, st.st_mtime_ns))


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


class _HashTimeout(Exception):
    pass


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
        raise _HashTimeout
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


# --------------------------------------------------------------------------- the worker side


def _peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB (VmHWM: not inherited across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):  # pragma: no cover - Windows
        return 0


def _warm_up(html: bool) -> None:
    """Build the English pipeline and import the readers once, before the first task.

    The Dutch pipeline (0.8 s, mostly its lemma table) is built on a worker's first Dutch
    document, so folders without Dutch agreements never pay for it.
    """
    from .analyse.pipeline import get_nlp
    from .extract import docx as _docx  # noqa: F401 - import cost paid here, not in task 1
    from .extract import pdf as _pdf  # noqa: F401

    get_nlp("en")
    if html:
        from .render import render  # noqa: F401


def _run_hooks(path: str) -> None:
    if os.environ.get(HOOKS_ENV) != "1":
        return
    name = os.path.basename(path)
    if name == "hang.txt":
        time.sleep(3600)
    elif name == "crash.txt":
        os._exit(1)
    elif name == "memory.txt":
        raise MemoryError


def _scan_one(path: str, options: ScanOptions, want: str, html_target: str | None) -> dict[str, Any]:
    """Scan one file; return the payload sent back to the parent. Raises on failure."""
    from .api import scan_file
    from .codec import result_to_json

    _run_hooks(path)
    start = time.perf_counter()
    result = scan_file(path, language=options.language, report_language=options.report_language,
                       password=options.password, max_pages=options.max_pages, max_bytes=options.max_bytes,
                       max_chars=options.max_chars, profile=options.profile())
    payload: dict[str, Any] = {
        "report_json": result_to_json(result),
        "summary": summary_of(result),
        "result": result if want == "result" else None,
        "report_file": None,
    }
    if html_target is not None:
        from .render import render

        try:
            write_text_atomic(html_target, render([result], "html"))
            payload["report_file"] = os.path.basename(html_target)
        except Exception as exc:  # noqa: BLE001 - the scan stands; only its page failed
            payload["render_error"] = f"cannot write the HTML report ({type(exc).__name__}: {exc})"
    payload["seconds"] = time.perf_counter() - start
    return payload


def _classify(exc: BaseException) -> tuple[str, str]:
    """(kind, one-line message without the path) for an exception raised by a scan."""
    if isinstance(exc, ExtractionError):
        return "extract", exc.message
    if isinstance(exc, AgreementscanError):
        return "extract", str(exc)
    if isinstance(exc, MemoryError):
        return "memory", "out of memory while scanning; try --max-size or --max-pages"
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return "internal", f"internal error ({type(exc).__name__}: {reason})"


def _worker_main(conn: Connection, html: bool, parent_pid: int | None = None) -> None:
    """Entry point of a worker process: warm up, then scan tasks from the pipe until told to stop."""
    import signal

    from .interrupts import die_with_parent

    # Ctrl-C reaches the whole process group; the parent decides what stops, and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed with SIGKILL cannot stop us: without this, a worker busy on a hanging
    # document would run on for as long as the document takes.
    die_with_parent(parent_pid)
    _warm_up(html)
    conn.send(("ready", None, None, _peak_rss_kb()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, path, options, want, html_target = task
        try:
            payload = _scan_one(path, options, want, html_target)
            message: tuple[Any, ...] = ("ok", task_id, payload)
        except BaseException as exc:  # noqa: BLE001 - every failure becomes an error row
            kind, text = _classify(exc)
            message = ("error", task_id, (kind, text))
        payload = None  # drop the result before waiting for the next task
        try:
            conn.send((*message, _peak_rss_kb()))
        except (EOFError, OSError):
            return


# --------------------------------------------------------------------------- the parent side


@dataclass
class _Task:
    id: int
    entry: Entry
    html_target: str | None
    sent_at: float = 0.0


class _Worker:
    """One worker process and the pipe to it (mutable bookkeeping of the parent)."""

    def __init__(self, ctx: Any, html: bool) -> None:
        parent_end, child_end = ctx.Pipe(duplex=True)
        self.conn: Connection = parent_end
        self.process: BaseProcess = ctx.Process(target=_worker_main, args=(child_end, html, os.getpid()),
                                                daemon=True, name="agreementscan-worker")
        self.process.start()
        child_end.close()  # so that our end sees EOF when the worker dies
        self.started = time.monotonic()
        self.ready = False
        self.task: _Task | None = None
        self.done = 0
        self.retiring = False

    def send(self, task: _Task, options: ScanOptions, want: str) -> None:
        task.sent_at = time.monotonic()
        self.task = task
        self.conn.send((task.id, task.entry.path, options, want, task.html_target))

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        self.conn.close()
        if self.task is not None and self.task.html_target is not None:
            remove_temporaries(self.task.html_target)  # a kill in mid-write leaves the page's temp file

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()

    def exit_reason(self) -> str:
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is None:
            return "the worker process stopped answering"
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the worker process crashed ({name})"
        return f"the worker process exited unexpectedly (exit code {code})"


class Batch:
    """Scan a list of :class:`Entry` values; iterate to get a :class:`BatchItem` per entry.

    ``jobs`` worker processes (default: the number of CPUs; ``0`` scans in this process,
    without timeouts, for callers such as Dask or Spark that manage processes
    themselves). ``want='result'`` also returns each ScanResult (pickled back from the
    worker); the default ``'report'`` returns only the JSON report and its summary.
    ``report_dir`` gets an HTML report per scanned document (named by ``report_names``).
    """

    def __init__(self, entries: Sequence[Entry], options: ScanOptions | None = None, *,
                 jobs: int | None = None, timeout: float | None = DEFAULT_TIMEOUT, store: Store | None = None,
                 report_dir: str | Path | None = None, report_names: dict[str, str] | None = None,
                 want: str = "report", recycle_after: int = RECYCLE_AFTER,
                 run_args: dict[str, Any] | None = None) -> None:
        self.entries = list(entries)
        self.options = options or ScanOptions()
        self.jobs = (os.cpu_count() or 1) if jobs is None else max(0, jobs)
        self.timeout = timeout
        self.store = store
        self.report_dir = os.fspath(report_dir) if report_dir is not None else None
        self.report_names = report_names or {}
        self.want = want
        self.recycle_after = max(1, recycle_after)
        self.run_args = run_args or {}
        self.stats = BatchStats(total=len(self.entries))
        self.run_id: int | None = None
        self.interrupted = False
        self._workers: list[_Worker] = []
        self._yielded = 0
        self._interrupt_after = int(os.environ.get(INTERRUPT_ENV, "0") or 0)
        self._keys: tuple[str, str, str] | None = None

    # ----------------------------------------------------------------- public

    def __iter__(self) -> Iterator[BatchItem]:
        from . import __version__

        if self.store is not None:
            from .lexicon.loader import lexicon_version

            self._keys = (__version__, lexicon_version(), self.options.key())
            self.run_id = self.store.start_run(*self._keys, self.run_args)
        finished = False
        try:
            pending: deque[_Task] = deque()
            for seq, entry in enumerate(self.entries):
                item = self._prepare(seq, entry, pending)
                if item is not None:
                    yield self._emit(seq, entry, item)
            if pending and self.jobs == 0:
                for task in pending:
                    yield self._emit(task.id, task.entry, self._scan_here(task))
            elif pending:
                yield from self._schedule(pending)
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

    def _prepare(self, seq: int, entry: Entry, pending: deque[_Task]) -> BatchItem | None:
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
                except _HashTimeout:
                    return BatchItem(entry.path, entry.relpath, "error", error_kind="timeout",
                                     error=f"reading the file took longer than {self.timeout:g} s "
                                           "(the --timeout limit)")
                except OSError:
                    sha = None  # the scan will report why the file cannot be read
            stored = self.store.get_report(sha, *self._keys) if sha else None
            if stored is not None:
                return self._from_store(entry, stored)
        task = _Task(seq, entry, self._html_target(entry))
        pending.append(task)
        if self.jobs and not self._workers:
            self._spawn()  # start warming up while the rest of the folder is hashed
        return None

    def _from_store(self, entry: Entry, stored: str) -> BatchItem:
        from .codec import CodecError, result_from_json
        from .render.words import default_report_language

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
            from .render import render

            document = _reextract(entry.path, result.document.sha256, self.options)
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
            document = _reextract(entry.path, result.document.sha256, self.options)
            if document is not None:
                result = replace(result, document=document)
        return BatchItem(entry.path, entry.relpath, "ok", summary=summary_of(result), report_json=stored,
                         result=result if self.want == "result" else None, cached=True, report_file=report_file,
                         report_language=self.options.report_language)

    def _emit(self, seq: int, entry: Entry, item: BatchItem) -> BatchItem:
        """Count the item, commit it to the store, and run the interrupt test hook."""
        if self._interrupt_after and self._yielded >= self._interrupt_after:
            raise KeyboardInterrupt  # test hook: as if Ctrl-C came after N finished items
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
        self._yielded += 1
        return item

    def _item_from_payload(self, task: _Task, payload: dict[str, Any], seconds: float) -> BatchItem:
        render_error = payload.get("render_error")
        return BatchItem(task.entry.path, task.entry.relpath, "error" if render_error else "ok",
                         summary=payload["summary"], report_json=payload["report_json"], result=payload["result"],
                         error=render_error, error_kind="render" if render_error else None,
                         seconds=payload.get("seconds", seconds), report_file=payload["report_file"],
                         report_language=self.options.report_language)

    def _scan_here(self, task: _Task) -> BatchItem:
        """Scan in this process (``jobs=0``): no isolation, no timeout."""
        start = time.perf_counter()
        try:
            payload = _scan_one(task.entry.path, self.options, self.want, task.html_target)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error row
            kind, text = _classify(exc)
            return BatchItem(task.entry.path, task.entry.relpath, "error", error=text, error_kind=kind,
                             seconds=time.perf_counter() - start)
        return self._item_from_payload(task, payload, time.perf_counter() - start)

    # ----------------------------------------------------------------- workers

    def _spawn(self) -> _Worker:
        import multiprocessing

        # spawn: a fresh interpreter per worker (fork would copy the parent's threads and
        # open files, and is not available everywhere).
        worker = _Worker(multiprocessing.get_context("spawn"), self.report_dir is not None)
        self._workers.append(worker)
        self.stats.workers_started += 1
        return worker

    def _shutdown(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.task is None and worker.ready and not self.interrupted:
                worker.stop()
            else:
                worker.kill()

    def _schedule(self, pending: deque[_Task]) -> Iterator[BatchItem]:
        from multiprocessing.connection import wait

        startup_failures = 0
        while pending or any(w.task is not None for w in self._workers):
            # Keep as many workers as there is work for, up to --jobs.
            busy = sum(1 for w in self._workers if w.task is not None)
            while len(self._workers) < min(self.jobs, busy + len(pending)):
                self._spawn()
            for worker in self._workers:
                if worker.ready and worker.task is None and pending:
                    worker.send(pending.popleft(), self.options, self.want)
            waitables: list[Any] = []
            for worker in self._workers:
                waitables += [worker.conn, worker.process.sentinel]
            now = time.monotonic()
            deadlines = [w.task.sent_at + self.timeout for w in self._workers
                         if w.task is not None and self.timeout is not None]
            deadlines += [w.started + STARTUP_TIMEOUT for w in self._workers if not w.ready]
            wait_for = max(0.0, min(deadlines) - now) if deadlines else None
            wait(waitables, timeout=min(wait_for, 1.0) if wait_for is not None else 1.0)
            for worker in list(self._workers):
                outcome = self._poll(worker)
                if outcome == "startup-failed":
                    startup_failures += 1
                    if startup_failures >= MAX_STARTUP_FAILURES:
                        raise AgreementscanError("worker processes cannot start: "
                                                 f"{worker.exit_reason()} (set AGREEMENTSCAN_DEBUG=1 and see stderr)")
                elif isinstance(outcome, tuple):
                    startup_failures = 0
                    task, item = outcome
                    yield self._emit(task.id, task.entry, item)

    def _poll(self, worker: _Worker) -> tuple[_Task, BatchItem] | str | None:
        """Read what a worker sent, or notice that it died or overran; return an item if one finished."""
        now = time.monotonic()
        try:
            message = worker.conn.recv() if worker.conn.poll() else None
        except (EOFError, OSError):
            message = None
            dead = True
        else:
            dead = message is None and not worker.process.is_alive()
        if message is not None:
            kind, task_id, body, rss = message
            if worker.process.pid is not None:
                self.stats.worker_peak_rss_kb[worker.process.pid] = rss
            if kind == "ready":
                worker.ready = True
                return None
            task = worker.task
            worker.task = None
            worker.done += 1
            if task is None or task.id != task_id:  # pragma: no cover - protocol guard
                return None
            if worker.done >= self.recycle_after:
                self._workers.remove(worker)
                worker.stop()
            seconds = now - task.sent_at
            if kind == "ok":
                return task, self._item_from_payload(task, body, seconds)
            error_kind, text = body
            return task, BatchItem(task.entry.path, task.entry.relpath, "error", error=text, error_kind=error_kind,
                                   seconds=seconds)
        task = worker.task
        if dead:
            reason = worker.exit_reason()
            self._workers.remove(worker)
            worker.kill()
            if task is None:
                return "startup-failed" if not worker.ready else None
            return task, BatchItem(task.entry.path, task.entry.relpath, "error", error=reason, error_kind="crash",
                                   seconds=now - task.sent_at)
        if task is not None and self.timeout is not None and now - task.sent_at > self.timeout:
            self._workers.remove(worker)
            worker.kill()
            return task, BatchItem(task.entry.path, task.entry.relpath, "error",
                                   error=f"took longer than {self.timeout:g} s (the --timeout limit); its worker was stopped",
                                   error_kind="timeout", seconds=now - task.sent_at)
        if not worker.ready and now - worker.started > STARTUP_TIMEOUT:
            self._workers.remove(worker)
            worker.kill()
            return "startup-failed"
        return None



def _reextract(path: str, sha256: str | None, options: ScanOptions) -> Document | None:
    """The document again (text and blocks) if the file still has the stored content."""
    from .extract import extract

    try:
        document = extract(path, password=options.password, max_pages=options.max_pages,
                           max_bytes=options.max_bytes)
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
    from .codec import CodecError, result_from_json
    from .render.words import default_report_language

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
            from .render import render

            document = _reextract(row.path, result.document.sha256, ScanOptions(max_pages=None, max_bytes=None))
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
