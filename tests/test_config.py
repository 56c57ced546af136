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
