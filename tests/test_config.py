"""Configuration files: discovery by walking up, validation with file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreementscan.config import ConfigError, find_config, load_config
from agreementscan.model import Severity

IDS = ("exclusivity", "governing_law", "objectives")


def test_found_by_walking_up_and_paths_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "agreementscan.toml").write_text(
        'lang = "nl"\nplaybooks = ["books/legal"]\nfail-on = "error"\n[severity]\ngoverning_law = "warning"\n'
        '[limits]\nmax-pages = 10\ntimeout = 5\n', encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "agreementscan.toml"
    config = load_config(start=deep, known_elements=IDS)
    assert config.lang == "nl" and config.fail_on == "error"
    assert config.playbooks == ((tmp_path / "books" / "legal").resolve(),)
    assert config.severity == {"governing_law": Severity.WARNING}
    assert config.limits.max_pages == 10 and config.limits.timeout == 5.0


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.agreementscan]\nreport-lang = "en"\n',
                                             encoding="utf-8")
    assert load_config(start=tmp_path).report_lang == "en"


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)
    assert config.path is None and config.lang is None and config.playbooks == () and config.fail_on is None


@pytest.mark.parametrize(("content", "message", "line"), [
    ('lang = "nl"\nlanguage = "en"\n', "language: unknown key", 2),
    ('fail-on = "sometimes"\n', "fail-on: must be one of", 1),
    ('[severity]\nexclusivity = "fatal"\n', "severity.exclusivity: must be error, warning or info", 2),
    ('[severity]\nnot_an_element = "info"\n', "severity.not_an_element: unknown element id", 2),
    ('disable = ["exclusivity", "nope"]\n', "disable: unknown element id 'nope'", 1),
    ('[limits]\nmax-pagez = 3\n', "limits.max-pagez: unknown key", 2),
    ('lang = \n', "invalid TOML", 1),
])
def test_errors_name_file_line_and_key(tmp_path: Path, content: str, message: str, line: int) -> None:
    path = tmp_path / "agreementscan.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, known_elements=IDS)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


# --------------------------------------------------------------------------- trusted places only

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from agreementscan.cli import main  # noqa: E402
from agreementscan.lexicon.loader import load_checklist  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GAPS = ROOT / "samples" / "en_alliance_gaps.txt"


def _lenient_config() -> str:
    """A configuration that makes every gap harmless: what a planted file would do."""
    return "[severity]\n" + "".join(f'{e.id} = "info"\n' for e in load_checklist().elements)


def _scan_in(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["scan", str(GAPS), "--fail-on", "error", "-f", "json", *args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("mode", [0o777, 0o1777])
def test_config_in_a_world_writable_folder_is_skipped_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int) -> None:
    shared = tmp_path / "shared"
    work = shared / "work"
    work.mkdir(parents=True)
    shared.chmod(mode)  # like /tmp: anyone may create files here, sticky bit or not
    planted = shared / "agreementscan.toml"
    planted.write_text(_lenient_config(), encoding="utf-8")
    code, err = _scan_in(work, monkeypatch)
    assert code == 1, err  # the gaps still count
    lines = err.splitlines()
    assert lines[0] == (f"agreementscan: warning: ignoring configuration {planted}: its folder {shared} is "
                        "writable by other users (pass it with --config to use it anyway)")
    assert len(lines) == 2 and lines[1].startswith("agreementscan: --fail-on error met by ")
    # An explicit --config is the user's choice: trusted, and named on stderr.
    code, err = _scan_in(work, monkeypatch, "--config", str(planted))
    assert code == 0 and err == f"agreementscan: using configuration {planted}\n"


def test_world_writable_config_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = tmp_path / "agreementscan.toml"
    planted.write_text(_lenient_config(), encoding="utf-8")
    planted.chmod(0o666)
    code, err = _scan_in(tmp_path, monkeypatch)
    assert code == 1 and "it is writable by other users" in err and str(planted) in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give files away")
def test_config_owned_by_another_user_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planted = tmp_path / "agreementscan.toml"
    planted.write_text(_lenient_config(), encoding="utf-8")
    os.chown(planted, 65534, 65534)
    code, err = _scan_in(tmp_path, monkeypatch)
    assert code == 1 and "it belongs to another user" in err
    os.chown(planted, 0, 0)
    os.chown(tmp_path, 65534, 65534)
    code, err = _scan_in(tmp_path, monkeypatch)
    assert code == 1 and f"its folder {tmp_path} belongs to another user" in err


def test_the_config_used_is_named_unless_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "agreementscan.toml"
    own.write_text(_lenient_config(), encoding="utf-8")
    code, err = _scan_in(tmp_path, monkeypatch)
    assert code == 0 and err == f"agreementscan: using configuration {own}\n"
    for flag in ("-q", "--quiet"):
        code, err = _scan_in(tmp_path, monkeypatch, flag)
        assert code == 0 and err == ""


def test_discovery_warnings_are_data_not_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "open").chmod(0o777)
    (tmp_path / "open" / "agreementscan.toml").write_text('lang = "nl"\n', encoding="utf-8")
    config = load_config(start=tmp_path / "open")
    assert config.path is None and config.lang is None
    assert len(config.warnings) == 1 and "writable by other users" in config.warnings[0]
    assert capsys.readouterr() == ("", "")


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize(("value", "key", "message"), [
    ("nan", "timeout", "must be a number above 0 and at most 86,400, not nan"),
    ("inf", "timeout", "must be a number above 0 and at most 86,400, not inf"),
    ("-inf", "timeout", "not -inf"),
    ("inf", "max-size", "must be a number above 0 and at most 1,000,000, not inf"),
    ("nan", "max-size", "not nan"),
    ("0", "max-size", "not 0"),
    ("nan", "max-pages", "must be a whole number from 1 to 10,000,000, not nan"),
    ("2.5", "max-pages", "must be a whole number from 1 to 10,000,000, not 2.5"),
    ("1e400", "max-chars", "must be a whole number from 1 to 10,000,000,000, not inf"),
    ("0", "max-chars", "not 0"),
    ("true", "max-pages", "not True"),
])
def test_limits_are_finite_and_in_range(tmp_path: Path, value: str, key: str, message: str) -> None:
    path = tmp_path / "agreementscan.toml"
    path.write_text(f'lang = "en"\n[limits]\n{key} = {value}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert text.startswith(f"{path}:3: limits.{key}: must be ") and text.endswith(message)


def test_fractional_max_size_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "agreementscan.toml"
    path.write_text("[limits]\nmax-size = 0.001\n", encoding="utf-8")
    assert load_config(path).max_bytes == 1000
    big = tmp_path / "big.txt"
    big.write_text(GAPS.read_text(encoding="utf-8"), encoding="utf-8")  # a few kB, over 1000 bytes
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", str(big), "-q"])
    assert result.exit_code == 2 and "larger than the 0.001 MB limit" in result.stderr, result.stderr


def test_bad_limit_from_the_cli_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agreementscan.toml").write_text("[limits]\nmax-pages = nan\n", encoding="utf-8")
    code, err = _scan_in(tmp_path, monkeypatch)
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err and "limits.max-pages" in err


# --------------------------------------------------------------------------- not regular, too big, too deep

def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A subprocess with a time limit: on a FIFO the old code blocked for ever.
    return subprocess.run([sys.executable, "-m", "agreementscan", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("option", ["--config", "--baseline"])
def test_config_and_baseline_must_be_regular_files(tmp_path: Path, option: str) -> None:
    fifo = tmp_path / "settings.fifo"
    os.mkfifo(fifo)
    for target in (Path("/dev/zero"), fifo):
        done = _cli(tmp_path, "scan", str(GAPS), option, str(target), "-q")
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [f"agreementscan: error: {target}: not a regular file (a device, FIFO or "
                                            "socket); refusing to read it"]


def test_oversized_config_and_baseline_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "agreementscan.toml"
    big.write_text("# padding\n" * 110_000, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"larger than 1 MB"):
        load_config(big)
    from agreementscan.baseline import BaselineError, load_baseline

    baseline = tmp_path / "b.json"
    baseline.write_text(" " * 1_000_001, encoding="utf-8")
    with pytest.raises(BaselineError, match=r"b\.json: larger than 1 MB"):
        load_baseline(baseline)


def test_deeply_nested_config_and_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "agreementscan.toml"
    config.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    baseline = tmp_path / "b.json"
    baseline.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args, message in ((["--config", str(config)], f"{config}: invalid TOML: nested too deeply"),
                          (["--config", os.devnull, "--baseline", str(baseline)], "nested too deeply")):
        result = CliRunner().invoke(main, ["scan", str(GAPS), "-q", *args])
        assert result.exit_code == 2 and "internal error" not in result.stderr, result.stderr
        assert message in result.stderr and result.stderr.count("\n") == 1
