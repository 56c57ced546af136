"""Playbooks are checked like code: patterns that hang, token patterns spaCy refuses,
files that are not regular or too deep. Every problem is one line naming file and entry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.cli import main
from agreementscan.lexicon.backtracking import backtracking_risk

ROOT = Path(__file__).resolve().parents[2]
GAPS = ROOT / "samples" / "en_alliance_gaps.txt"


def _playbook(tmp_path: Path, rule: str) -> tuple[Path, Path]:
    book = tmp_path / "book"
    (book / "en").mkdir(parents=True)
    path = book / "en" / "exclusivity.toml"
    path.write_text(f'element = "exclusivity"\n\n[[rules]]\nid = "mine"\n{rule}\nweight = 3\n', encoding="utf-8")
    return book, path


def _check_and_scan(book: Path) -> tuple[int, str, int, str]:
    runner = CliRunner()
    checked = runner.invoke(main, ["lexicon", "check", str(book)])
    scanned = runner.invoke(main, ["scan", str(GAPS), "--lexicon", str(book), "-q", "-f", "json"])
    return checked.exit_code, checked.stdout, scanned.exit_code, scanned.stderr


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|a)*b", r"(\w+\s?)*;", r"\b(?:\d+x?)*y"])
def test_catastrophic_regex_is_refused_by_check_and_scan(tmp_path: Path, pattern: str) -> None:
    book, path = _playbook(tmp_path, f"pattern = '{pattern}'")
    code, out, scan_code, err = _check_and_scan(book)
    assert code == 1, out
    assert out.startswith(f"{path}:5: en.exclusivity.mine: regular expression in 'pattern' can take exponential "
                          "time on some texts (")
    assert out.count("\n") == 1
    assert scan_code == 2 and err.count("\n") == 1 and "exponential time" in err and str(path) in err


def test_catastrophic_regex_in_context_and_headings(tmp_path: Path) -> None:
    book, path = _playbook(tmp_path, "phrases = [\"ring fence\"]\ncontext = ['(?:ab|a)*c', '(\\s*\\w+)*!']")
    code, out, _, _ = _check_and_scan(book)
    assert code == 1 and "regular expression in 'context'" in out and "(\\\\s*\\\\w+)*!" in out


@pytest.mark.parametrize("pattern", [r"\bring[- ]?fenc\w*\b", r"(?:\w+\s+){0,3}notice", r"\d{1,3}(?:[.,]\d{3})*",
                                     r"\w+(?:-\w+)*", r"(?:ab|a)*c"])
def test_ordinary_patterns_pass(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


def test_every_built_in_pattern_passes_the_check() -> None:
    from agreementscan.lexicon.loader import load_language

    # load_language applies the check; it would raise on any built-in pattern it flags.
    for lang in ("nl", "en"):
        assert load_language(lang).elements


@pytest.mark.parametrize(("tokens", "message"), [
    ('[{LOWER = {IN = "exclusive"}}]', "invalid token pattern: token 1 LOWER: Input should be a valid list"),
    ('[{LOWER = "sole"}, {LOWER = "right", OP = "x"}]', "invalid token pattern: token 2 OP: Input should be"),
    ('[{LENGTH = "long"}]', "invalid token pattern: token 1 LENGTH:"),
    ('[{LOWER = {REGEX = "(e+)+x"}}]', "invalid token pattern: token 1 LOWER: REGEX '(e+)+x' can take exponential"),
])
def test_invalid_token_pattern_is_refused_by_check_and_scan(tmp_path: Path, tokens: str, message: str) -> None:
    book, path = _playbook(tmp_path, f"tokens = {tokens}")
    code, out, scan_code, err = _check_and_scan(book)
    assert code == 1 and out.startswith(f"{path}:4: en.exclusivity.mine: {message}"), out
    assert out.count("\n") == 1
    assert scan_code == 2 and "internal error" not in err and message in err and err.count("\n") == 1


def test_valid_token_pattern_still_passes(tmp_path: Path) -> None:
    book, _ = _playbook(tmp_path, 'tokens = [{LOWER = "sole"}, {LOWER = {IN = ["right", "rights"]}}]')
    code, out, scan_code, err = _check_and_scan(book)
    assert code == 0 and "OK" in out and scan_code == 0, err


def test_deeply_nested_playbook_file(tmp_path: Path) -> None:
    book, path = _playbook(tmp_path, "phrases = [\"ring fence\"]")
    path.write_text(path.read_text(encoding="utf-8") + "x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, out, scan_code, err = _check_and_scan(book)
    assert code == 1 and out == f"{path}: invalid TOML: nested too deeply\n"
    assert scan_code == 2 and err == f"agreementscan: error: {path}: invalid TOML: nested too deeply\n"


@pytest.mark.parametrize("kind", ["fifo", "big"])
def test_playbook_files_must_be_small_regular_files(tmp_path: Path, kind: str) -> None:
    book = tmp_path / "book"
    (book / "en").mkdir(parents=True)
    path = book / "en" / "exclusivity.toml"
    if kind == "fifo":
        os.mkfifo(path)
        message = "not a regular file (a device, FIFO or socket); refusing to read it"
    else:
        path.write_text('element = "exclusivity"\n' + "#\n" * 600_000, encoding="utf-8")
        message = "larger than 1 MB; settings files are never that large, refusing to read it"
    for args in (["lexicon", "check", str(book)], ["scan", str(GAPS), "--lexicon", str(book), "-q"]):
        # A subprocess with a time limit: the old code blocked for ever on the FIFO.
        done = subprocess.run([sys.executable, "-m", "agreementscan", *args], capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL, cwd=tmp_path)
        assert done.returncode in (1, 2), done.stderr
        assert f"{path}: {message}" in done.stdout + done.stderr
        assert "internal error" not in done.stderr
