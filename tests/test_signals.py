"""SIGTERM, SIGINT and SIGKILL of a real `agreementscan batch`: workers stop, the run is marked,
no temporary file stays behind, and a resume serves every committed document from the store."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.cli import main

WAIT = 120.0
"""Upper bound for any wait below (worker start-up loads spaCy); never reached when things work."""


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            found |= {int(p) for p in Path(path).read_text().split()}
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _default_sigint() -> None:
    """Give the command Ctrl-C's default action: a shell starts background jobs (a test run
    started with ``&``) with SIGINT ignored, and Python keeps an inherited SIG_IGN."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _query(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _committed(db: Path) -> int:
    try:
        return _query(db, "SELECT count(*) FROM run_items WHERE status = 'ok'")[0][0]
    except sqlite3.Error:
        return 0  # not created yet


@pytest.fixture()
def folder(tmp_path: Path, samples_dir: Path) -> Path:
    root = tmp_path / "contracts"
    root.mkdir()
    text = (samples_dir / "en_alliance_gaps.txt").read_text(encoding="utf-8")
    for name in ("a01", "a02", "a03", "a04", "hang", "z01", "z02", "z03", "z04"):
        # hang.txt sleeps in its worker (the injected hostile scan), so the run is surely still going.
        (root / f"{name}.txt").write_text(f"{text}\n\nCopy {name}.\n", encoding="utf-8")
    return root


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)])
def test_signal_stops_workers_marks_run_and_resume_serves_committed(folder: Path, tmp_path: Path, signum: int,
                                                                   code: int) -> None:
    db, out, reports = tmp_path / "scans.sqlite", tmp_path / "out.csv", tmp_path / "reports"
    # The real CLI, with its batch scanning through tests/hostile_tasks.py (hang.txt never ends).
    tests = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")]))}
    entry = "import hostile_tasks; hostile_tasks.run_cli_with_hostile_batch()"
    proc = subprocess.Popen([sys.executable, "-c", entry, "batch", str(folder), "-j", "2", "--db", str(db),
                             "-f", "csv", "-o", str(out), "--report-dir", str(reports)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path,
                            preexec_fn=_default_sigint)
    try:
        deadline = time.monotonic() + WAIT
        while _committed(db) < 1:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no document was committed"
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) >= 2  # two workers (and multiprocessing's resource tracker)
        os.kill(proc.pid, signum)
        _, stderr = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code, stderr.decode()
    deadline = time.monotonic() + WAIT  # after SIGKILL the kernel ends the workers: allow it a moment
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], "worker processes were left running"

    committed = {row[0] for row in _query(db, "SELECT path FROM run_items WHERE run_id = 1 AND status = 'ok'")}
    assert committed
    status = _query(db, "SELECT status FROM runs WHERE id = 1")[0][0]
    if signum == signal.SIGKILL:
        assert status == "running"  # nothing can run after SIGKILL; the resume below still works
    else:
        assert status == "interrupted"
        assert stderr.decode().count("\n") == 1 and "interrupted" in stderr.decode()
        assert out.is_file()  # the documents finished so far, written whole
        assert not list(tmp_path.rglob("*.tmp")), "temporary files were left behind"

    # Resume with the ordinary scan, so hang.txt is scanned like the others.
    shutil.rmtree(reports)
    result = CliRunner().invoke(main, ["batch", str(folder), "-j", "0", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    cached = {row[0] for row in _query(db, "SELECT path FROM run_items WHERE run_id = 2 AND cached = 1")}
    assert committed <= cached
    assert _query(db, "SELECT status FROM runs WHERE id = 2")[0][0] == "finished"
