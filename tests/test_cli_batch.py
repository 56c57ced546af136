"""`agreementscan batch` and `agreementscan report` end to end (worker processes included)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreementscan.batch import Batch
from agreementscan.cli import main
from agreementscan.store import open_store

GOOD = ("en_alliance_gaps.txt", "nl_samenwerking_gaps.pdf", "en_jv_complete.docx")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def folder(tmp_path: Path, samples_dir: Path) -> Path:
    root = tmp_path / "contracts"
    (root / "sub").mkdir(parents=True)
    for name in GOOD[:2]:
        shutil.copy(samples_dir / name, root / name)
    shutil.copy(samples_dir / GOOD[2], root / "sub" / GOOD[2])
    return root


def test_csv_jsonl_errors_and_exit_codes(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (folder / "notes.xlsx").write_bytes(b"PK")
    formula = folder / "=HYPERLINK(1).txt"
    formula.write_bytes((folder / GOOD[0]).read_bytes())
    before = _hashes(folder)
    monkeypatch.chdir(folder)  # so that the formula file's path starts with "="
    out = tmp_path / "overview.csv"
    result = run("batch", ".", formula.name, "-j", "2", "-f", "csv", "-o", str(out), "--fail-on", "missing")
    assert result.exit_code == 2, result.stderr  # broken.pdf, after all the others
    assert "1 failed" in result.stderr and "1 skipped" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    docs = {r["path"] for r in rows if r["element"]}
    assert len(docs) == 5  # four in the folder (the formula file twice: via "." and by name)
    assert len([r for r in rows if r["element"]]) == 5 * 25
    assert {r["status"] for r in rows if not r["element"]} == {"error", "skipped"}
    assert "'=HYPERLINK(1).txt" in docs  # neutralised against formula injection
    assert all(not r["path"].startswith(("=", "+", "-", "@")) for r in rows)
    assert _hashes(folder) == before  # inputs untouched

    # The same run as JSON Lines: every line parses, errors are objects; --allow-errors
    # leaves the exit code to --fail-on (the gap samples have missing elements).
    result = run("batch", ".", "-j", "2", "-f", "jsonl", "--allow-errors", "--fail-on", "missing")
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(1 for d in lines if d.get("schema") == "agreementscan.report/1") == 4
    errors = [d for d in lines if "error" in d]
    assert {Path(d["path"]).name for d in errors} == {"broken.pdf", "notes.xlsx"}
    assert _hashes(folder) == before


def _interrupt_after_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make batches behave as if Ctrl-C came right after their first document was committed."""
    iterate = Batch.__iter__

    def interrupted(self: Batch):  # type: ignore[no-untyped-def]
        items = iterate(self)
        yield next(items)
        items.throw(KeyboardInterrupt)  # raised where the batch waits: its own cleanup runs

    monkeypatch.setattr(Batch, "__iter__", interrupted)


def test_db_reuse_rescan_resume_and_report(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "scans.sqlite"
    # A run interrupted after one document keeps that document.
    with monkeypatch.context() as patch:
        _interrupt_after_first(patch)
        result = run("batch", str(folder), "-j", "1", "--db", str(db))
    assert result.exit_code == 130 and "interrupted after 1 of 3" in result.stderr
    with open_store(db) as store:
        assert store.counts()["reports"] == 1
        assert store.latest_run().status == "interrupted"

    # The re-run reuses it and scans the other two.
    result = run("batch", str(folder), "-j", "2", "--db", str(db), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "2 scanned, 1 from the results database" in result.stderr
    first_csv = result.stdout

    # Unchanged: nothing is scanned (no worker is even started).
    result = run("batch", str(folder), "--db", str(db), "-f", "csv")
    assert "0 scanned, 3 from the results database" in result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(first_csv.splitlines())

    # `report` renders the latest run again without scanning.
    report = run("report", "--db", str(db), "-f", "csv")
    assert report.exit_code == 0
    assert sorted(report.stdout.splitlines()) == sorted(first_csv.splitlines())
    table = run("report", "--db", str(db), "-f", "table").stdout
    assert table.count(" ok ") == 3  # one row per document (long paths fold over lines)
    try:
        import agreementscan.render.html  # noqa: F401 - written alongside; skip the HTML part without it
    except ImportError:
        pass
    else:
        pages = tmp_path / "pages"
        assert run("report", "--db", str(db), "--report-dir", str(pages), "-o", str(tmp_path / "t.txt")).exit_code == 0
        assert {"index.html", "en_alliance_gaps.txt.html", "sub__en_jv_complete.docx.html"} <= {
            p.name for p in pages.iterdir()}
        assert "<mark" in (pages / "en_alliance_gaps.txt.html").read_text(encoding="utf-8")  # text re-read

    # A changed file is scanned again; the others still come from the store.
    changed = folder / GOOD[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe parties agree to review the alliance "
                       "every quarter.\n", encoding="utf-8")
    result = run("batch", str(folder), "-j", "1", "--db", str(db), "-f", "json")
    assert "1 scanned, 2 from the results database" in result.stderr
    reports = json.loads(result.stdout)
    assert {Path(r["document"]["path"]).name for r in reports} == {GOOD[0], GOOD[1], GOOD[2]}


def test_report_dir_index_escapes_and_links(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("agreementscan.render.html")
    odd = folder / "<img src=x onerror=alert(1)>.txt"
    odd.write_bytes((folder / GOOD[0]).read_bytes())
    reports = tmp_path / "reports"
    result = run("batch", str(folder), "-j", "2", "--report-dir", str(reports), "--include", "*.txt",
                 "-o", str(tmp_path / "table.txt"))
    assert result.exit_code == 0, result.stderr
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "<img" not in index and "&lt;img src=x onerror=alert(1)&gt;.txt" in index
    assert "Content-Security-Policy" in index and "<script" not in index and "http" not in index.split("<body>")[1]
    pages = sorted(p.name for p in reports.iterdir())
    assert "index-score.html" in pages and "en_alliance_gaps.txt.html" in pages
    assert 'href="en_alliance_gaps.txt.html"' in index
    assert (tmp_path / "table.txt").read_text(encoding="utf-8").count(" ok ") == 2


def test_refuses_to_overwrite_an_input(folder: Path) -> None:
    target = folder / GOOD[0]
    before = target.read_bytes()
    result = run("batch", str(folder), "-f", "jsonl", "-o", str(target))
    assert result.exit_code == 2 and "input file" in result.stderr
    assert target.read_bytes() == before


def test_report_needs_an_existing_database(tmp_path: Path) -> None:
    result = run("report", "--db", str(tmp_path / "none.sqlite"))
    assert result.exit_code == 2 and "no such results database" in result.stderr


@pytest.mark.parametrize("command", ["report", "batch"])
def test_db_of_another_program_is_refused_unchanged(folder: Path, tmp_path: Path, command: str) -> None:
    import sqlite3

    other = tmp_path / "family-photos.sqlite"
    db = sqlite3.connect(other)
    db.executescript("CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO runs VALUES (1, 'x');")
    db.close()
    before = other.read_bytes()
    args = ["report", "--db", str(other)] if command == "report" else ["batch", str(folder), "-j", "0", "--db", str(other)]
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    assert "family-photos.sqlite: not an agreementscan results database" in result.stderr
    assert other.read_bytes() == before
    assert not list(tmp_path.glob("family-photos.sqlite-*"))


def test_report_dir_never_replaces_files_it_did_not_write(folder: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.html").write_text("my own index\n")
    (docs / "notes.txt").write_text("unrelated\n")
    db = tmp_path / "s.sqlite"
    result = run("batch", str(folder), "-j", "0", "--db", str(db), "--report-dir", str(docs))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"{docs / 'index.html'}: exists and was not written by agreementscan" in result.stderr
    assert "--report-dir" in result.stderr and "--force" in result.stderr
    assert (docs / "index.html").read_text() == "my own index\n"
    assert sorted(p.name for p in docs.iterdir()) == ["index.html", "notes.txt"]  # nothing written at all

    # A page name that is the user's file is refused the same way, by `report` too.
    (docs / "index.html").unlink()
    (docs / "en_alliance_gaps.txt.html").write_text("mine\n")
    result = run("batch", str(folder), "-j", "0", "--db", str(db), "--report-dir", str(docs))
    assert result.exit_code == 2 and "en_alliance_gaps.txt.html: exists" in result.stderr
    assert (docs / "en_alliance_gaps.txt.html").read_text() == "mine\n"

    # --force replaces them; from then on the pages are ours and re-runs replace them freely.
    assert run("batch", str(folder), "-j", "0", "--db", str(db), "--report-dir", str(docs), "--force").exit_code == 0
    assert "<html" in (docs / "en_alliance_gaps.txt.html").read_text()
    assert (docs / "notes.txt").read_text() == "unrelated\n"
    assert run("batch", str(folder), "-j", "0", "--db", str(db), "--report-dir", str(docs)).exit_code == 0
    assert run("report", "--db", str(db), "--report-dir", str(docs)).exit_code == 0

    # A page the user edited since is theirs again.
    page = docs / "en_alliance_gaps.txt.html"
    page.write_text(page.read_text() + "<!-- my note -->\n")
    edited = page.read_bytes()
    result = run("report", "--db", str(db), "--report-dir", str(docs))
    assert result.exit_code == 2 and "en_alliance_gaps.txt.html: exists and was not written" in result.stderr
    assert page.read_bytes() == edited


def test_report_dir_refuses_non_files_and_a_damaged_manifest(folder: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "index.html").mkdir(parents=True)
    for force in ((), ("--force",)):
        result = run("batch", str(folder), "-j", "0", "--report-dir", str(docs), *force)
        assert result.exit_code == 2 and "index.html: exists and is not a regular file" in result.stderr
    (docs / "index.html").rmdir()
    manifest = docs / ".agreementscan-manifest.json"
    manifest.write_text("{not json")
    result = run("batch", str(folder), "-j", "0", "--report-dir", str(docs))
    assert result.exit_code == 2 and "damaged manifest" in result.stderr and "--force" in result.stderr
    assert run("batch", str(folder), "-j", "0", "--report-dir", str(docs), "--force").exit_code == 0
    assert json.loads(manifest.read_text())["schema"] == "agreementscan.report-dir/1"


def test_report_dir_pages_of_a_killed_run_stay_ours(folder: Path, tmp_path: Path) -> None:
    """A run killed with SIGKILL had claimed its pages (hash unknown): the next run may replace them."""
    docs = tmp_path / "docs"
    assert run("batch", str(folder), "-j", "0", "--report-dir", str(docs)).exit_code == 0
    manifest = docs / ".agreementscan-manifest.json"
    data = json.loads(manifest.read_text())
    data["files"] = {name: None for name in data["files"]}  # as left by claim() before the kill
    manifest.write_text(json.dumps(data))
    (docs / "index.html").write_text("half of a page written when the run was killed")
    assert run("batch", str(folder), "-j", "0", "--report-dir", str(docs)).exit_code == 0
    assert "<html" in (docs / "index.html").read_text()
