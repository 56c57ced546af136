"""Outputs that cannot be written: a full disk (a real tiny tmpfs) and an immutable folder
(chattr +i, which stops root too). One line naming the file and the problem, exit 2, no
temporary file left behind, never `internal error`."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from agreementscan.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def folder(tmp_path: Path, samples_dir: Path) -> Path:
    root = tmp_path / "contracts"
    root.mkdir()
    for name in ("en_alliance_gaps.txt", "en_jv_complete.docx"):
        shutil.copy(samples_dir / name, root / name)
    return root


@pytest.fixture()
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 KiB tmpfs: smaller than the reports, so writing them runs out of space."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)  # never leave it mounted
            pytest.fail("the tiny disk was still in use: a file was left open")


@pytest.fixture()
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can create files in, root included."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def _one_line(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "table"])
def test_full_disk_for_the_overview(folder: Path, full_disk: Path, fmt: str) -> None:
    target = full_disk / f"out.{fmt}"
    # The full reports do not fit in 16 KiB; the table and the CSV do: fill the disk first for those.
    filler = full_disk / "filler"
    if fmt in ("table", "csv"):
        with pytest.raises(OSError):
            filler.write_bytes(b"x" * 64 * 1024)
    result = run("batch", str(folder), "-j", "0", "-f", fmt, "-o", str(target))
    _one_line(result, f"{target}: cannot", "No space left on device")
    assert not target.exists()
    assert [p.name for p in full_disk.iterdir() if p.name != "filler"] == []


def test_full_disk_for_the_results_database(folder: Path, full_disk: Path) -> None:
    db = full_disk / "scans.sqlite"
    result = run("batch", str(folder), "-j", "0", "--db", str(db))
    _one_line(result, "scans.sqlite: cannot", "full")
    assert not [p for p in full_disk.iterdir() if p.name.endswith(".tmp")]


def test_immutable_folder_for_the_overview_and_the_database(folder: Path, immutable: Path) -> None:
    target = immutable / "out.csv"
    _one_line(run("batch", str(folder), "-j", "0", "-f", "csv", "-o", str(target)),
              f"{target}: cannot write output", "Operation not permitted")
    _one_line(run("batch", str(folder), "-j", "0", "--db", str(immutable / "s.sqlite")), "s.sqlite: cannot")
    _one_line(run("batch", str(folder), "-j", "0", "--report-dir", str(immutable / "reports")), "reports")
    assert list(immutable.iterdir()) == []


def test_full_disk_for_the_report_folder(folder: Path, full_disk: Path, tmp_path: Path) -> None:
    db = tmp_path / "scans.sqlite"
    assert run("batch", str(folder), "-j", "0", "--db", str(db)).exit_code == 0
    for command in (["report", "--db", str(db)], ["batch", str(folder), "-j", "0", "--db", str(db)]):
        reports = full_disk / "reports"
        result = run(*command, "--report-dir", str(reports))
        _one_line(result, str(reports), "No space left on device")
        assert not [p for p in full_disk.rglob("*") if p.name.endswith(".tmp")]
        shutil.rmtree(reports)
