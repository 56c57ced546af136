"""The embedded results store: one SQLite file that remembers every result a batch made.

What is stored is the language-neutral findings (:mod:`agreementscan.codec`), keyed by
what determines them: the content hash of the input, the tool version, the lexicon
version and the document language option (not the report language: findings are worded
when they are rendered). A re-run over an unchanged
folder therefore reads stored reports instead of scanning, and a run killed midway
loses nothing that finished, because every document is committed on its own.

Only the parent process of a batch touches the store (SQLite has one writer anyway);
workers never see it. The schema is documented in ``docs/batch.md``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AgreementscanError, shown

SCHEMA_VERSION = 1
APPLICATION_ID = 0x41675363
"""``PRAGMA application_id`` of every results database ("AgSc"): how we know a file is ours."""
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    started         TEXT NOT NULL,
    finished        TEXT,
    status          TEXT NOT NULL DEFAULT 'running',
    tool_version    TEXT NOT NULL,
    lexicon_version TEXT NOT NULL,
    options_key     TEXT NOT NULL,
    args_json       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    path      TEXT PRIMARY KEY,
    sha256    TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    format    TEXT,
    language  TEXT,
    pages     INTEGER,
    seen_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE TABLE IF NOT EXISTS reports (
    sha256          TEXT NOT NULL,
    tool_version    TEXT NOT NULL,
    lexicon_version TEXT NOT NULL,
    options_key     TEXT NOT NULL,
    report_json     TEXT NOT NULL,
    score           INTEGER,
    scanned_at      TEXT NOT NULL,
    PRIMARY KEY (sha256, tool_version, lexicon_version, options_key)
);
CREATE TABLE IF NOT EXISTS errors (
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    path        TEXT NOT NULL,
    sha256      TEXT,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    PRIMARY KEY (run_id, path)
);
CREATE TABLE IF NOT EXISTS run_items (
    run_id   INTEGER NOT NULL REFERENCES runs(id),
    seq      INTEGER NOT NULL,
    path     TEXT NOT NULL,
    relpath  TEXT NOT NULL,
    status   TEXT NOT NULL,
    sha256   TEXT,
    cached   INTEGER NOT NULL DEFAULT 0,
    message  TEXT,
    PRIMARY KEY (run_id, path)
);
"""


def _reason(exc: sqlite3.Error) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@contextlib.contextmanager
def _sqlite_errors(prefix: str) -> Iterator[None]:
    """Turn SQLite failures (disk full, read-only folder, damaged file) into one-line errors."""
    try:
        yield
    except sqlite3.Error as exc:
        raise AgreementscanError(f"{prefix} ({_reason(exc)})") from None


def _page_size(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _header_pages(header: bytes) -> int:
    """The database size in pages the header promises (0 when that field is not valid)."""
    # Only valid while "version-valid-for" equals the change counter (older writers did not keep it).
    return int.from_bytes(header[28:32], "big") if header[24:28] == header[92:96] else 0


def _truncated(header: bytes) -> bool:
    """True when the 100-byte header itself is cut off or impossible."""
    size = _page_size(header)
    return len(header) < 100 or size < 512 or size & (size - 1) != 0


def _wal_has_frames(path: Path) -> bool:
    """True when a write-ahead log beside ``path`` holds pages (the main file may then be shorter)."""
    try:
        return os.path.getsize(f"{path}-wal") > 32
    except OSError:
        return False


def _layout(db: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Table name -> column names, without SQLite's own tables."""
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {name: tuple(row[1] for row in db.execute("SELECT * FROM pragma_table_info(?)", (name,)))
            for name in names}


@functools.lru_cache(maxsize=1)
def _our_layout() -> dict[str, tuple[str, ...]]:
    db = sqlite3.connect(":memory:")
    db.executescript(_SCHEMA)
    try:
        return _layout(db)
    finally:
        db.close()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


@dataclass(frozen=True)
class StoredItem:
    """One row of a stored run, with its report when the document was scanned."""

    path: str
    relpath: str
    status: str
    """``ok``, ``error`` or ``skipped``."""
    sha256: str | None
    cached: bool
    message: str | None
    report_json: str | None
    error_kind: str | None = None


@dataclass(frozen=True)
class RunInfo:
    """A row of the ``runs`` table."""

    id: int
    started: str
    finished: str | None
    status: str
    tool_version: str
    lexicon_version: str
    options_key: str


class Store:
    """A results store in one SQLite file; create it with :func:`open_store`.

    An existing file is first opened read-only and checked (SQLite header, then
    ``PRAGMA application_id`` and ``user_version``, or for stores made before the
    application id existed, exactly our tables and columns): a file that is not ours is
    refused with one line and left byte for byte as it was. Only then is it opened for
    writing (``create=True``) and switched to WAL. ``create=False`` (``report``) only
    ever reads.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        self._shown = shown(path)
        state = self._inspect(create)
        try:
            if not create:
                self.db = self._open_for_reading()
                return
            self.db = self._connect(read_only=False)
            # WAL + NORMAL: a commit per document stays cheap, and a killed run leaves a
            # consistent file (at worst the last document is lost).
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            if state == "new":
                with self.db:
                    self.db.execute("BEGIN IMMEDIATE")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                    self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            elif state == "legacy":
                self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        except sqlite3.Error as exc:
            if getattr(self, "db", None) is not None:
                self.db.close()
            raise AgreementscanError(f"{self._shown}: cannot open results database ({_reason(exc)})") from None

    def _connect(self, *, read_only: bool, create: bool = True) -> sqlite3.Connection:
        # A URI so that mode=ro is honoured; as_uri() percent-encodes '?', '#' and spaces.
        mode = "ro" if read_only else "rwc" if create else "rw"
        return sqlite3.connect(f"{self.path.absolute().as_uri()}?mode={mode}", uri=True, isolation_level=None)

    def _open_for_reading(self) -> sqlite3.Connection:
        """A connection that only reads a file known to be ours.

        Opened read-write when allowed, although nothing is written: a read-only connection to
        a WAL database leaves empty ``-wal`` and ``-shm`` files behind, a normal one removes them
        on close. Read-only when the file or folder is not writable.
        """
        try:
            db = self._connect(read_only=False, create=False)
            db.execute("PRAGMA query_only=1")
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.Error:
            return self._connect(read_only=True)

    def _inspect(self, create: bool) -> str:
        """``new`` (to be created as ours), ``ours`` or ``legacy`` (ours without the application
        id); raise for anything else, without writing to the file."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if not create:
                raise AgreementscanError(f"{self._shown}: no such results database") from None
            return "new"
        except OSError as exc:
            raise AgreementscanError(f"{self._shown}: cannot open results database ({exc.strerror or exc})") from None
        if not stat.S_ISREG(st.st_mode):
            # Opening a FIFO would hang, and a device is never a database.
            raise AgreementscanError(f"{self._shown}: not a regular file; give a file name for the results database")
        try:
            with open(self.path, "rb") as handle:
                header = handle.read(100)
        except OSError as exc:
            raise AgreementscanError(f"{self._shown}: cannot read results database ({exc.strerror or exc})") from None
        if not header:
            if not create:
                raise AgreementscanError(f"{self._shown}: empty file, not an agreementscan results database")
            return "new"
        if not header.startswith(_SQLITE_MAGIC):
            raise AgreementscanError(f"{self._shown}: not an agreementscan results database (not an SQLite file)")
        foreign = AgreementscanError(f"{self._shown}: not an agreementscan results database (an SQLite file of "
                                     "another program); give another --db file")
        if not _wal_has_frames(self.path):
            # Without a write-ahead log the header is the whole truth: decide from its bytes
            # where possible, so SQLite does not even open (and add -wal/-shm files beside)
            # a file of another program.
            if _truncated(header):
                raise AgreementscanError(f"{self._shown}: cannot read results database (the file is truncated "
                                         "or damaged)")
            if st.st_size < _page_size(header) * _header_pages(header):
                raise AgreementscanError(f"{self._shown}: cannot read results database (the file is truncated)")
            version, app_id = (int.from_bytes(header[offset:offset + 4], "big") for offset in (60, 68))
            if app_id not in (0, APPLICATION_ID) or (app_id == 0 and version not in (0, SCHEMA_VERSION)):
                raise foreign
            if app_id == 0 and version == 0:
                if create and _header_pages(header) <= 1:
                    return "new"  # an SQLite file without any table: nothing to lose
                raise foreign
        try:
            db = self._connect(read_only=True)
            try:
                app_id = db.execute("PRAGMA application_id").fetchone()[0]
                version = db.execute("PRAGMA user_version").fetchone()[0]
                tables = _layout(db)
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise AgreementscanError(f"{self._shown}: cannot read results database ({_reason(exc)})") from None
        if app_id == APPLICATION_ID:
            if version != SCHEMA_VERSION:
                raise AgreementscanError(f"{self._shown}: results database has schema version {version}; "
                                         f"this agreementscan reads version {SCHEMA_VERSION}")
            return "ours"
        if app_id == 0 and version == SCHEMA_VERSION and tables == _our_layout():
            return "legacy"
        if app_id == 0 and version == 0 and not tables and create:
            return "new"
        raise foreign

    def _write(self, what: str) -> contextlib.AbstractContextManager[None]:
        return _sqlite_errors(f"{self._shown}: cannot {what} results database")

    # ------------------------------------------------------------------ runs

    def start_run(self, tool_version: str, lexicon_version: str, options_key: str, args: dict[str, Any]) -> int:
        """Record the start of a run; return its id."""
        with self._write("write to"):
            cur = self.db.execute(
                "INSERT INTO runs (started, tool_version, lexicon_version, options_key, args_json) VALUES (?,?,?,?,?)",
                (_now(), tool_version, lexicon_version, options_key, json.dumps(args, sort_keys=True, default=str)),
            )
        assert cur.lastrowid is not None  # an INSERT always sets it
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        """Mark a run finished (or ``interrupted``)."""
        with self._write("write to"):
            self.db.execute("UPDATE runs SET finished=?, status=? WHERE id=?", (_now(), status, run_id))

    def latest_run(self) -> RunInfo | None:
        """The most recent run that recorded at least one document."""
        with self._write("read"):
            row = self.db.execute(
                "SELECT id, started, finished, status, tool_version, lexicon_version, options_key FROM runs "
                "WHERE id IN (SELECT run_id FROM run_items) ORDER BY id DESC LIMIT 1").fetchone()
        return RunInfo(*row) if row else None

    # ------------------------------------------------------------------ documents and reports

    def known_sha256(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The content hash remembered for ``path`` if its size and mtime are unchanged."""
        with self._write("read"):
            row = self.db.execute("SELECT sha256 FROM documents WHERE path=? AND size=? AND mtime_ns=?",
                                  (_path_in(path), size, mtime_ns)).fetchone()
        return row[0] if row else None

    def get_report(self, sha256: str, tool_version: str, lexicon_version: str, options_key: str) -> str | None:
        """The stored report JSON for this content and these settings, if any."""
        with self._write("read"):
            row = self.db.execute(
                "SELECT report_json FROM reports WHERE sha256=? AND tool_version=? AND lexicon_version=? "
                "AND options_key=?", (sha256, tool_version, lexicon_version, options_key)).fetchone()
        return row[0] if row else None

    def record(self, run_id: int, seq: int, *, path: str, relpath: str, status: str, sha256: str | None = None,
               cached: bool = False, message: str | None = None, error_kind: str | None = None,
               report_json: str | None = None, score: int | None = None, keys: tuple[str, str, str] | None = None,
               file_facts: tuple[int, int, str | None, str | None, int | None] | None = None) -> None:
        """Store one finished document of a run, all in one transaction (commit per document).

        ``keys`` is (tool_version, lexicon_version, options_key) for a new report;
        ``file_facts`` is (size, mtime_ns, format, language, pages) for the path→hash cache.
        """
        path, relpath = _path_in(path), _path_in(relpath)
        message = _text_in(message) if message is not None else None
        report_json = _text_in(report_json) if report_json is not None else None
        with self._write("write to"), self.db:  # one transaction: BEGIN ... COMMIT (ROLLBACK on error)
            self.db.execute("BEGIN")
            if report_json is not None and keys is not None and sha256 and not cached:
                self.db.execute(
                    "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?)",
                    (sha256, *keys, report_json, score, _now()))
            if file_facts is not None and sha256:
                self.db.execute("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?)",
                                (path, sha256, *file_facts, _now()))
            if status == "error":
                self.db.execute("INSERT OR REPLACE INTO errors VALUES (?,?,?,?,?,?)",
                                (run_id, path, sha256, error_kind or "error", message or "", _now()))
            self.db.execute("INSERT OR REPLACE INTO run_items VALUES (?,?,?,?,?,?,?,?)",
                            (run_id, seq, path, relpath, status, sha256, int(cached), message))

    def counts(self) -> dict[str, int]:
        """Row counts per table (for tests and ``report``)."""
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
                for table in ("runs", "documents", "reports", "errors", "run_items")}

    # ------------------------------------------------------------------ reading back

    def items(self, run_id: int | None = None) -> Iterator[StoredItem]:
        """Items of one run (default: the latest), or with ``run_id=-1`` every path ever seen.

        For all paths, each path appears once, as of the latest run that saw it. Reports
        are looked up with the settings of the run that produced the row.
        """
        if run_id is None:
            latest = self.latest_run()
            if latest is None:
                return
            run_id = latest.id
        base = ("SELECT i.path, i.relpath, i.status, i.sha256, i.cached, i.message, r.report_json, e.kind "
                "FROM run_items i JOIN runs u ON u.id = i.run_id "
                "LEFT JOIN errors e ON e.run_id = i.run_id AND e.path = i.path "
                "LEFT JOIN reports r ON i.status = 'ok' AND r.sha256 = i.sha256 "
                "AND r.tool_version = u.tool_version AND r.lexicon_version = u.lexicon_version "
                "AND r.options_key = u.options_key ")
        with self._write("read"):
            if run_id == -1:
                sql = base + ("WHERE i.run_id = (SELECT max(run_id) FROM run_items j WHERE j.path = i.path) "
                              "ORDER BY i.path")
                rows = self.db.execute(sql).fetchall()
            else:
                rows = self.db.execute(base + "WHERE i.run_id = ? ORDER BY i.seq", (run_id,)).fetchall()
        for path, relpath, status, sha, cached, message, report_json, kind in rows:
            if status == "ok" and report_json is None:
                # Cannot happen through this module (reports are never deleted), but a hand-edited
                # database should give an error row, not a crash.
                status, message, kind = "error", "stored report not found", "stored"
            yield StoredItem(_path_out(path), _path_out(relpath), status, sha, bool(cached), message, report_json,
                             kind)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _path_in(path: str) -> str:
    """A path as SQLite text. File names need not be UTF-8 (Python keeps their bytes as lone
    surrogates, which SQLite cannot store): those are kept as their bytes in hex behind a
    NUL, which no POSIX path can contain, so the mapping is exact and reversible."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "\0" + os.fsencode(path).hex()
    return path


def _path_out(text: str) -> str:
    return os.fsdecode(bytes.fromhex(text[1:])) if text.startswith("\0") else text


def _text_in(text: str) -> str:
    """Free text (messages, reports) as SQLite text: undecodable bytes become ``\\xNN``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (and with ``create``, create) the results database at ``path``."""
    return Store(path, create=create)
