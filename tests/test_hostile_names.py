"""File names are data, never markup or control: every output shows them escaped."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.cli import main
from agreementscan.errors import shown

GAPS = Path(__file__).resolve().parents[1] / "samples" / "en_alliance_gaps.txt"
UNSAFE = ("\x1b", "\u202e", "\r", "\udcff", "\x9b", "\u2066")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    (folder / "x[").mkdir(parents=True)
    names = ["x[/b]y.txt", "[link=http:evil]z.txt", "contract\u202etxt.md", "esc\x1b[31mred.txt", "cr\rline.txt",
             "=1+1.txt", "ok.txt"]
    for name in names:
        shutil.copy(GAPS, folder / name)
    shutil.copy(GAPS, os.path.join(os.fsencode(folder), b"bad\xff.txt"))  # not valid UTF-8
    return folder


def _batch(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["batch", "d", "-j", "0", "-q", *args])
    return result.exit_code, result.stdout, result.stderr


def test_shown_escapes_control_bidi_format_and_undecodable_characters() -> None:
    assert shown("contract\u202etxt.exe") == "contract\\u202etxt.exe"
    assert shown("a\x1b[31mb\x9bc\x7f") == "a\\x1b[31mb\\x9bc\\x7f"
    assert shown(os.fsdecode(b"bad\xff.txt")) == "bad\\xff.txt"
    assert shown("zero\u200bwidth\u2067\u200f") == "zero\\u200bwidth\\u2067\\u200f"
    assert shown("caf\u00e9 \u00a0ok") == "caf\u00e9 \u00a0ok"  # ordinary letters and spaces stay


def test_table_shows_names_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _folder(tmp_path)
    code, out, err = _batch(tmp_path, monkeypatch)
    assert code == 0, err
    assert "internal error" not in err
    for unsafe in UNSAFE:
        assert unsafe not in out
    # With --color the only escapes are our own colour codes; a name's own escape never passes.
    code, coloured, err = _batch(tmp_path, monkeypatch, "--color")
    assert code == 0 and "\x1b[" in coloured
    assert "escred.txt" not in re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    # Markup in a name is neither an error nor swallowed: the path reads as it is.
    plain = out.replace("\x1b[0m", "")
    for name in ("x[/b]y.txt", "[link=http:evil]z.txt", "contract\\u202etxt.md", "esc\\x1b[31mred.txt",
                 "cr\\rline.txt", "bad\\xff.txt"):
        assert name in plain
    assert "8 scanned, 0 failed" in err


def test_csv_cells_are_quoted_neutralised_and_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _folder(tmp_path)
    code, _, err = _batch(tmp_path, monkeypatch, "-f", "csv", "-o", "out.csv")
    assert code == 0, err
    raw = (tmp_path / "out.csv").read_bytes().decode("utf-8")  # valid UTF-8, whatever the names
    assert "\r" not in raw and "\u202e" not in raw and "\x1b" not in raw
    rows = list(csv.reader(raw.splitlines()))
    assert len(rows) == 1 + 8 * 25 and all(len(r) == 10 for r in rows)
    assert all(line.startswith('"') for line in raw.splitlines())  # every cell quoted
    # A name that starts like a formula never starts the cell with one.
    monkeypatch.chdir(tmp_path / "d")
    result = CliRunner().invoke(main, ["batch", "=1+1.txt", "-j", "0", "-f", "csv", "-q"])
    cells = [r[0] for r in csv.reader(result.stdout.splitlines()[1:])]
    assert cells and all(c == "'=1+1.txt" for c in cells)


def test_non_utf8_name_never_loses_the_overview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _folder(tmp_path)
    for fmt in ("jsonl", "json"):
        code, _, err = _batch(tmp_path, monkeypatch, "-f", fmt, "-o", f"out.{fmt}")
        assert code == 0, err
        text = (tmp_path / f"out.{fmt}").read_bytes().decode("utf-8")
        reports = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else json.loads(text)
        paths = sorted(r["document"]["path"] for r in reports)
        assert len(paths) == 8 and "d/bad\\xff.txt" in paths
    code, _, err = _batch(tmp_path, monkeypatch, "--report-dir", "reports")
    assert code == 0, err
    index = (tmp_path / "reports" / "index.html").read_bytes().decode("utf-8")
    assert "d/bad\\xff.txt" in index and "\u202e" not in index and "\x1b" not in index


def test_scan_json_of_a_non_utf8_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(GAPS, os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", os.fsdecode(b"bad\xff.txt"), "-f", "json", "-o", "r.json", "-q"])
    assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "r.json").read_bytes().decode("utf-8"))["document"]["path"] == "bad\\xff.txt"


def test_annotate_message_escapes_the_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "evil\x1b]0;pwned\x07\u202etxt.md"
    shutil.copy(GAPS, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["annotate", name, "-q"])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr
    assert result.stderr.startswith("Wrote evil\\x1b]0;pwned\\x07\\u202etxt.agreementscan.html")


def test_non_utf8_name_in_the_results_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store keeps every document, undecodable names included, and a re-run serves them all."""
    _folder(tmp_path)
    code, _, err = _batch(tmp_path, monkeypatch, "-f", "jsonl", "-o", "first.jsonl", "--db", "scans.sqlite")
    assert code == 0, err
    code, _, err = _batch(tmp_path, monkeypatch, "-f", "jsonl", "-o", "again.jsonl", "--db", "scans.sqlite")
    assert code == 0, err
    assert "8 from the results database" in err
    result = CliRunner().invoke(main, ["report", "--db", "scans.sqlite", "-f", "csv", "-o", "rows.csv", "-q"])
    assert result.exit_code == 0, result.stderr
    rows = (tmp_path / "rows.csv").read_bytes().decode("utf-8")
    assert "d/bad\\xff.txt" in rows and rows.count("\n") == 1 + 8 * 25
