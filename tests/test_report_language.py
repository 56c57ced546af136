"""A batch stored once renders in any report language, from the database, without a rescan."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreementscan.cli import main
from agreementscan.store import open_store

GOOD = ("en_alliance_gaps.txt", "nl_samenwerking_gaps.pdf", "en_jv_complete.docx")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def folder(tmp_path: Path, samples_dir: Path) -> Path:
    root = tmp_path / "contracts"
    root.mkdir()
    for name in GOOD:
        shutil.copy(samples_dir / name, root / name)
    return root


def _by_name(out: str) -> dict[str, dict]:
    return {Path(r["document"]["path"]).name: r for r in json.loads(out)}


def test_report_rerenders_a_stored_english_batch_in_dutch(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "scans.sqlite"
    start = time.perf_counter()
    batch = run("batch", str(folder), "-j", "2", "--db", str(db), "--report-lang", "en", "-f", "json")
    batch_seconds = time.perf_counter() - start
    assert batch.exit_code == 0, batch.stderr
    assert {r["report_language"] for r in json.loads(batch.stdout)} == {"en"}
    # What a direct Dutch scan of each file says: the stored batch must say exactly that.
    expected = {name: json.loads(run("scan", str(folder / name), "--format", "json", "--report-lang", "nl").stdout)
                for name in GOOD}

    # The files go away: whatever `report` prints cannot come from a scan.
    moved = tmp_path / "moved"
    folder.rename(moved)
    with open_store(db) as store:
        before = store.counts()
    start = time.perf_counter()
    report = run("report", "--db", str(db), "--report-lang", "nl", "-f", "json")
    report_seconds = time.perf_counter() - start
    assert report.exit_code == 0, report.stderr
    assert _by_name(report.stdout) == expected
    print(f"\nbatch of {len(GOOD)} documents: {batch_seconds:.2f} s; report --report-lang nl: "
          f"{report_seconds:.3f} s ({report_seconds / batch_seconds:.1%} of the batch)")

    lines = run("report", "--db", str(db), "--report-lang", "nl", "-f", "jsonl").stdout.splitlines()
    assert {Path(json.loads(line)["document"]["path"]).name: json.loads(line) for line in lines} == expected
    table = run("report", "--db", str(db), "--report-lang", "nl", "-f", "table").stdout
    assert table.count(" ok ") == 3
    csv_nl = run("report", "--db", str(db), "--report-lang", "nl", "-f", "csv").stdout
    assert csv_nl == run("report", "--db", str(db), "--report-lang", "en", "-f", "csv").stdout  # no words in it
    english = _by_name(run("report", "--db", str(db), "--report-lang", "en", "-f", "json").stdout)
    assert english == _by_name(batch.stdout)  # and back to English, unchanged

    # The HTML pages and the index, in Dutch; with the files back, the full text is shown again.
    moved.rename(folder)
    pages = tmp_path / "pages"
    result = run("report", "--db", str(db), "--report-lang", "nl", "--report-dir", str(pages),
                 "-o", str(tmp_path / "t.txt"))
    assert result.exit_code == 0, result.stderr
    page = (pages / "en_alliance_gaps.txt.html").read_text(encoding="utf-8")
    assert '<html lang="nl"' in page and "Valkuil 1: Doelen niet helder" in page and "<mark" in page
    assert "Valkuil 1: Doelen niet helder" in (pages / "index.html").read_text(encoding="utf-8")
    with open_store(db) as store:
        assert store.counts()["reports"] == before["reports"] == 3


def test_batch_in_another_report_language_reuses_the_stored_findings(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "scans.sqlite"
    assert run("batch", str(folder), "-j", "0", "--db", str(db), "--report-lang", "en").exit_code == 0
    again = run("batch", str(folder), "-j", "0", "--db", str(db), "--report-lang", "nl", "-f", "json")
    assert again.exit_code == 0, again.stderr
    assert "0 scanned, 3 from the results database" in again.stderr
    reports = _by_name(again.stdout)
    assert {r["report_language"] for r in reports.values()} == {"nl"}
    assert reports["en_alliance_gaps.txt"]["pitfalls"][0]["title"] == "Doelen niet helder"
    # Without --report-lang each document is worded in its own language again.
    own = _by_name(run("batch", str(folder), "-j", "0", "--db", str(db), "-f", "json").stdout)
    assert {n: r["report_language"] for n, r in own.items()} == {
        "en_alliance_gaps.txt": "en", "nl_samenwerking_gaps.pdf": "nl", "en_jv_complete.docx": "en"}


def test_a_database_of_an_older_version_gives_an_error_row_not_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    keys = ("0.0.9", "abc123", "lang=auto;report_lang=auto")
    old_report = json.dumps({"schema": "agreementscan.report/1", "elements": []})  # worded reports, as stored before
    with open_store(db) as store:
        run_id = store.start_run(*keys, {})
        store.record(run_id, 0, path="a.txt", relpath="a.txt", status="ok", sha256="h1", report_json=old_report,
                     keys=keys)
        store.finish_run(run_id, "finished")
    result = run("report", "--db", str(db), "-f", "csv")
    assert result.exit_code == 2
    rows = result.stdout.splitlines()
    assert len(rows) == 2 and '"error"' in rows[1] and "stored result cannot be read" in rows[1]
    assert "run batch again" in rows[1] and "Traceback" not in result.stderr
