"""The command line, run in-process with click's runner and as a real subprocess."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan import __version__
from agreementscan.cli import main

ELEMENT_IDS = 25


def _run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = _run("--version")
    assert code == 0 and __version__ in out
    code, out, _ = _run("--help")
    assert code == 0 and "scan" in out and "eval" in out


def test_scan_text_report(samples_dir: Path) -> None:
    code, out, err = _run("scan", str(samples_dir / "en_alliance_gaps.txt"))
    assert code == 0, err
    assert "Pitfall 1" in out and "missing" in out and "\x1b[" not in out


def test_scan_json_report_shape_and_offsets(samples_dir: Path) -> None:
    path = samples_dir / "nl_jv_complete.docx"
    code, out, err = _run("scan", str(path), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["schema"] == "agreementscan.report/1"
    assert report["tool"]["version"] == __version__
    assert report["document"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report["document"]["format"] == "docx" and report["document"]["language"] == "nl"
    assert len(report["elements"]) == ELEMENT_IDS
    assert len({e["id"] for e in report["elements"]}) == ELEMENT_IDS
    assert [p["id"] for p in report["pitfalls"]] == [1, 2, 3, 4, 5]
    assert 0 <= report["score"] <= 100
    from agreementscan.extract import extract

    text = extract(path).text
    assert report["document"]["characters"] == len(text)
    for element in report["elements"]:
        assert element["status"] in {"present", "weak", "missing", "not_applicable"}
        assert element["reason"]
        for ev in element["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]


def test_several_files_give_a_json_array_in_report_language(samples_dir: Path) -> None:
    code, out, _ = _run("scan", str(samples_dir / "en_jv_complete.txt"), str(samples_dir / "nl_jv_complete.pdf"),
                        "--format", "json", "--report-lang", "nl")
    assert code == 0
    reports = json.loads(out)
    assert isinstance(reports, list) and len(reports) == 2
    assert all(r["report_language"] == "nl" for r in reports)
    assert reports[1]["document"]["pages"] >= 1


def test_markdown_to_output_file_written_atomically(samples_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    code, out, _ = _run("scan", str(samples_dir / "en_collab_tricky.pdf"), "--format", "markdown", "-o", str(target))
    assert code == 0 and out == ""
    content = target.read_text(encoding="utf-8")
    assert content.startswith("#") and "weak" in content
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_fail_on(samples_dir: Path) -> None:
    gaps = str(samples_dir / "en_alliance_gaps.txt")
    assert _run("scan", gaps, "--fail-on", "missing")[0] == 1
    assert _run("scan", gaps, "--fail-on", "never")[0] == 0
    complete = str(samples_dir / "en_jv_complete.txt")
    assert _run("scan", complete, "--fail-on", "weak")[0] == 0


def test_missing_file_is_a_one_line_error_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pdf"
    code, out, err = _run("scan", str(missing))
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "nope.pdf" in err and "not found" in err and "Traceback" not in err


def test_one_bad_file_still_reports_the_others(samples_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = _run("scan", str(empty), str(samples_dir / "en_jv_complete.txt"), "--format", "json")
    assert code == 2
    assert "empty.txt" in err
    assert json.loads(out)["document"]["path"].endswith("en_jv_complete.txt")


def test_refuses_to_overwrite_the_input(tmp_path: Path, samples_dir: Path) -> None:
    source = tmp_path / "draft.txt"
    source.write_bytes((samples_dir / "en_jv_complete.txt").read_bytes())
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    code, _, err = _run("scan", str(source), "-o", str(source))
    assert code == 2 and "input file" in err
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_bad_option_is_a_usage_error() -> None:
    code, _, err = _run("scan", "x.pdf", "--format", "yaml")
    assert code == 2 and "yaml" in err


def test_eval_on_bundled_samples(samples_dir: Path) -> None:
    code, out, err = _run("eval", str(samples_dir), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["documents"] == 18
    assert {"headline", "agreement_3way", "elements", "disagreements"} <= set(report)


def test_console_script_runs_as_a_module(samples_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "agreementscan", "scan", str(samples_dir / "nl_covenant_tricky.txt"),
                           "--format", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["document"]["language"] == "nl"


@pytest.mark.parametrize("command", ["scan", "eval"])
def test_every_command_has_help(command: str) -> None:
    code, out, _ = _run(command, "--help")
    assert code == 0 and len(out) > 200


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in main.commands:
        assert f"agreementscan {command}" in readme, command


def test_unexpected_errors_become_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch, samples_dir: Path) -> None:
    from agreementscan.engine import Scanner

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(Scanner, "scan_here", boom)
    monkeypatch.delenv("AGREEMENTSCAN_DEBUG", raising=False)
    code, _, err = _run("scan", str(samples_dir / "en_jv_complete.txt"))
    assert code == 2
    assert err.strip() == ("agreementscan: error: internal error (RuntimeError: simulated failure); "
                           "set AGREEMENTSCAN_DEBUG=1 to see the details")
