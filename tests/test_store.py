"""The SQLite results store: keys, the path→hash cache, runs and reading back."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from agreementscan.errors import AgreementscanError
from agreementscan.store import APPLICATION_ID, SCHEMA_VERSION, open_store

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
    with pytest.raises(AgreementscanError, match="not an SQLite file"):
        open_store(junk)


# --------------------------------------------------------------------------- files that are not ours


def _foreign(path: Path, schema: str = "CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)") -> bytes:
    """An SQLite file of another program (rollback journal, as most are); returns its bytes."""
    db = sqlite3.connect(path)
    db.executescript(schema + "; INSERT INTO " + schema.split()[2].split("(")[0] + " VALUES (1, 'x');")
    db.close()
    return path.read_bytes()


def _side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


@pytest.mark.parametrize("journal", ["delete", "wal"])
@pytest.mark.parametrize("create", [False, True])
def test_foreign_sqlite_file_is_refused_unchanged(tmp_path: Path, create: bool, journal: str) -> None:
    photos = tmp_path / "family-photos.sqlite"
    db = sqlite3.connect(photos)
    db.execute(f"PRAGMA journal_mode={journal}")
    db.close()
    before = _foreign(photos)
    with pytest.raises(AgreementscanError, match="family-photos.sqlite: not an agreementscan results database"):
        open_store(photos, create=create)
    assert photos.read_bytes() == before  # not even switched to WAL
    assert _side_files(photos) == []  # SQLite did not open it: no -wal or -shm beside it
    assert sqlite3.connect(photos).execute("PRAGMA journal_mode").fetchone()[0] == journal


def test_foreign_database_with_a_runs_table_gets_no_tables(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    before = _foreign(other, "CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(AgreementscanError, match="not an agreementscan results database"):
        open_store(other)
    assert other.read_bytes() == before
    db = sqlite3.connect(other)
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["runs"]
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0


def _real_store(path: Path) -> None:
    with open_store(path) as store:
        run = store.start_run(*KEYS, {})
        for n in range(40):  # enough rows for several pages
            store.record(run, n, path=f"d{n}.txt", relpath=f"d{n}.txt", status="ok", sha256=f"h{n}",
                         report_json=_report(f"d{n}.txt", f"h{n}") + " " * 2000, score=1, keys=KEYS)
        store.finish_run(run)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header-only", "pdf", "zeros"])
@pytest.mark.parametrize("create", [False, True])
def test_damaged_database_is_one_line_and_unchanged(tmp_path: Path, samples_dir: Path, damage: str,
                                                    create: bool) -> None:
    good = tmp_path / "good.sqlite"
    _real_store(good)
    data = good.read_bytes()
    assert len(data) > 8192
    content = {"garbage": bytes(range(256)) * 40, "truncated": data[: len(data) // 2], "header-only": data[:60],
               "pdf": (samples_dir / "nl_samenwerking_gaps.pdf").read_bytes(), "zeros": bytes(8192)}[damage]
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(content)
    with pytest.raises(AgreementscanError) as info:
        with open_store(bad, create=create) as store:
            list(store.items(-1))
    message = str(info.value)
    assert message.startswith("bad.sqlite: ") or message.startswith(f"{bad}: ")
    assert "\n" not in message and "internal" not in message
    assert bad.read_bytes() == content
    assert _side_files(bad) == []


def test_new_and_empty_files_are_created_as_ours(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(AgreementscanError, match="empty file"):
        open_store(empty, create=False)  # report never creates
    no_tables = tmp_path / "no-tables.sqlite"
    sqlite3.connect(no_tables).execute("PRAGMA journal_mode=WAL").connection.close()
    assert no_tables.stat().st_size > 0
    for path in (empty, tmp_path / "new.sqlite", no_tables):
        open_store(path).close()
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_from_before_the_application_id_is_read_and_stamped_on_write(tmp_path: Path) -> None:
    db_path = tmp_path / "old.sqlite"
    _real_store(db_path)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA application_id=0")  # what stores made before the marker look like
    db.close()
    before = db_path.read_bytes()
    with open_store(db_path, create=False) as store:
        assert len(list(store.items())) == 40
    assert db_path.read_bytes() == before  # reading does not stamp
    open_store(db_path).close()
    assert sqlite3.connect(db_path).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    # Same user_version but another layout: not ours.
    db = sqlite3.connect(db_path)
    db.executescript("PRAGMA application_id=0; ALTER TABLE runs ADD COLUMN extra TEXT;")
    db.close()
    with pytest.raises(AgreementscanError, match="not an agreementscan results database"):
        open_store(db_path)


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_store(path).close()
    sqlite3.connect(path).execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}").connection.close()
    with pytest.raises(AgreementscanError, match="schema version 2"):
        open_store(path, create=False)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    with pytest.raises(AgreementscanError, match="not a regular file"):
        open_store(fifo)


def test_write_failures_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    run = store.start_run(*KEYS, {})
    store.db.execute("PRAGMA query_only=1")  # every write now fails inside SQLite, as on a full disk
    with pytest.raises(AgreementscanError, match="s.sqlite: cannot write to results database"):
        store.record(run, 0, path="a.txt", relpath="a.txt", status="ok", sha256="h", report_json="{}", keys=KEYS)
    with pytest.raises(AgreementscanError, match="cannot write to results database"):
        store.finish_run(run)
    store.close()
