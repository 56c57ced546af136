"""The embedded results store: one SQLite file that remembers every report a batch made.

Reports are keyed by what determines them: the content hash of the input, the tool
version, the lexicon version and the language options. A re-run over an unchanged
folder therefore reads stored reports instead of scanning, and a run killed midway
loses nothing that finished, because every document is committed on its own.

Only the parent process of a batch touches the store (SQLite has one writer anyway);
workers never see it. The schema is documented in ``docs/batch.md``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AgreementscanError

SCHEMA_VERSION = 1

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
    """A results store in one SQLite file; create it with :func:`open_store`."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise AgreementscanError(f"{path}: no such results database")
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None)
            # WAL + NORMAL: a commit per document stays cheap, and a killed run leaves a
            # consistent file (at worst the last document is lost).
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise AgreementscanError(f"{path}: results database has schema version {version}; "
                                         f"this agreementscan reads version {SCHEMA_VERSION}")
            if version == 0:
                if not create:
                    raise AgreementscanError(f"{path}: not an agreementscan results database")
                self.db.executescript(_SCHEMA)
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise AgreementscanError(f"{path}: cannot open results database ({exc})") from None

    # ------------------------------------------------------------------ runs

    def start_run(self, tool_version: str, lexicon_version: str, options_key: str, args: dict[str, Any]) -> int:
        """Record the start of a run; return its id."""
        cur = self.db.execute(
            "INSERT INTO runs (started, tool_version, lexicon_version, options_key, args_json) VALUES (?,?,?,?,?)",
            (_now(), tool_version, lexicon_version, options_key, json.dumps(args, sort_keys=True, default=str)),
        )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        """Mark a run finished (or ``interrupted``)."""
        self.db.execute("UPDATE runs SET finished=?, status=? WHERE id=?", (_now(), status, run_id))

    def latest_run(self) -> RunInfo | None:
        """The most recent run that recorded at least one document."""
        row = self.db.execute(
            "SELECT id, started, finished, status, tool_version, lexicon_version, options_key FROM runs "
            "WHERE id IN (SELECT run_id FROM run_items) ORDER BY id DESC LIMIT 1").fetchone()
        return RunInfo(*row) if row else None

    # ------------------------------------------------------------------ documents and reports

    def known_sha256(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The content hash remembered for ``path`` if its size and mtime are unchanged."""
        row = self.db.execute("SELECT sha256 FROM documents WHERE path=? AND size=? AND mtime_ns=?",
                              (path, size, mtime_ns)).fetchone()
        return row[0] if row else None

    def get_report(self, sha256: str, tool_version: str, lexicon_version: str, options_key: str) -> str | None:
        """The stored report JSON for this content and these settings, if any."""
        row = self.db.execute(
            "SELECT report_json FROM reports WHERE sha256=? AND tool_version=? AND lexicon_version=? AND options_key=?",
            (sha256, tool_version, lexicon_version, options_key)).fetchone()
        return row[0] if row else None

    def record(self, run_id: int, seq: int, *, path: str, relpath: str, status: str, sha256: str | None = None,
               cached: bool = False, message: str | None = None, error_kind: str | None = None,
               report_json: str | None = None, score: int | None = None, keys: tuple[str, str, str] | None = None,
               file_facts: tuple[int, int, str | None, str | None, int | None] | None = None) -> None:
        """Store one finished document of a run, all in one transaction (commit per document).

        ``keys`` is (tool_version, lexicon_version, options_key) for a new report;
        ``file_facts`` is (size, mtime_ns, format, language, pages) for the path→hash cache.
        """
        with self.db:  # one transaction: BEGIN ... COMMIT (ROLLBACK on error)
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
        if run_id == -1:
            sql = base + ("WHERE i.run_id = (SELECT max(run_id) FROM run_items j WHERE j.path = i.path) "
                          "ORDER BY i.path")
            rows = self.db.execute(sql)
        else:
            rows = self.db.execute(base + "WHERE i.run_id = ? ORDER BY i.seq", (run_id,))
        for path, relpath, status, sha, cached, message, report_json, kind in rows:
            if status == "ok" and report_json is None:
                # Cannot happen through this module (reports are never deleted), but a hand-edited
                # database should give an error row, not a crash.
                status, message, kind = "error", "stored report not found", "stored"
            yield StoredItem(path, relpath, status, sha, bool(cached), message, report_json, kind)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open (and with ``create``, create) the results database at ``path``."""
    return Store(path, create=create)
