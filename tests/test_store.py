"""The SQLite results store: keys, the path→hash cache, runs and reading back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from agreementscan.errors import AgreementscanError
from agreementscan.store import SCHEMA_VERSION, open_store

KEYS = ("0.1.0", "abc123", "lang=auto;report_lang=auto")


def _report(path: str, sha: str, score: int = 50) -> str:
    return json.dumps({"document": {"path": path, "sha256": sha}, "score": score})


def test_schema_version_and_wal(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with open_store(db) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.counts() == {"runs": 0, "documents": 0, "reports": 0, "errors": 0, "run_items": 0}
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_report_keyed_by_content_and_settings(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        run = store.start_run(*KEYS, {"paths": ["x"]})
        store.record(run, 0, path="a.txt", relpath="a.txt", status="ok", sha256="h1", report_json=_report("a.txt", "h1"),
                     score=50, keys=KEYS, file_facts=(10, 123, "txt", "en", None))
        assert store.get_report("h1", *KEYS) == _report("a.txt", "h1")
        assert store.get_report("h1", "0.2.0", *KEYS[1:]) is None  # another tool version
        assert store.get_report("h1", KEYS[0], "other", KEYS[2]) is None  # another lexicon
        assert store.get_report("h1", *KEYS[:2], "lang=nl;report_lang=auto") is None
        # The path→hash cache is trusted only while size and mtime are unchanged.
        assert store.known_sha256("a.txt", 10, 123) == "h1"
        assert store.known_sha256("a.txt", 10, 124) is None
        assert store.known_sha256("a.txt", 11, 123) is None


def test_items_latest_run_and_all(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with open_store(db) as store:
        run1 = store.start_run(*KEYS, {})
        store.record(run1, 0, path="a.txt", relpath="a.txt", status="ok", sha256="h1",
                     report_json=_report("a.txt", "h1"), score=1, keys=KEYS)
        store.record(run1, 1, path="b.pdf", relpath="b.pdf", status="error", message="damaged", error_kind="extract")
        store.finish_run(run1)
        run2 = store.start_run(*KEYS, {})
        store.record(run2, 0, path="a.txt", relpath="a.txt", status="ok", sha256="h1", cached=True,
                     report_json=_report("a.txt", "h1"), keys=KEYS)
        store.finish_run(run2, "interrupted")
    with open_store(db, create=False) as store:
        latest = list(store.items())
        assert [(i.path, i.status, i.cached) for i in latest] == [("a.txt", "ok", True)]
        every = list(store.items(-1))
        assert [(i.path, i.status, i.error_kind) for i in every] == [("a.txt", "ok", None), ("b.pdf", "error", "extract")]
        assert json.loads(every[0].report_json)["score"] == 50
        assert store.latest_run().status == "interrupted"
        assert store.counts()["reports"] == 1  # the cached row did not duplicate the report


def test_refuses_missing_or_foreign_database(tmp_path: Path) -> None:
    with pytest.raises(AgreementscanError, match="no such results database"):
        open_store(tmp_path / "nope.sqlite", create=False)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t(x)")
    with pytest.raises(AgreementscanError, match="not an agreementscan results database"):
        open_store(other, create=False)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(AgreementscanError, match="cannot open results database"):
        open_store(junk)
