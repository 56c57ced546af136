"""The message catalogue: validated on load, English as the fallback; wording at render time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agreementscan.api import scan_text
from agreementscan.errors import LexiconError
from agreementscan.lexicon.loader import lexicon_root
from agreementscan.model import ElementResult, Status
from agreementscan.render import render
from agreementscan.render.words import catalogue, element_words, reason


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    for lang in ("en", "nl"):
        (tmp_path / lang).mkdir()
        shutil.copy(lexicon_root() / lang / "messages.toml", tmp_path / lang / "messages.toml")
    return tmp_path


def _set(root: Path, lang: str, line: str) -> Path:
    """Add ``line`` to a catalogue, replacing the line of the same key (TOML has no repeats)."""
    path = root / lang / "messages.toml"
    key = line.split("=")[0].strip()
    kept = [old for old in path.read_text(encoding="utf-8").splitlines() if old.split("=")[0].strip() != key]
    path.write_text("\n".join(kept) + "\n" + line + "\n", encoding="utf-8")
    return path


def test_a_language_without_a_catalogue_gets_english(root: Path) -> None:
    assert catalogue("de", root) == catalogue("en", root)
    assert catalogue("de", root)["title"] == "Partnership agreement check"


def test_a_catalogue_may_leave_keys_out(root: Path) -> None:
    path = root / "nl" / "messages.toml"
    path.write_text('schema = 1\nlanguage = "nl"\n[messages]\n"title" = "Controle"\n', encoding="utf-8")
    table = catalogue("nl", root)
    assert table["title"] == "Controle" and table["checks"] == "Checks"  # the rest in English


@pytest.mark.parametrize(("line", "problem"), [
    ('"no.such.key" = "x"', "no.such.key: unknown message"),
    ('"cause.placeholder" = "Open: {plek}"', "cause.placeholder: placeholders differ from English"),
    ('"title" = 3', "title: a message must be a non-empty string"),
    ('"title" = "a {"', "title: bad placeholder"),
    ("[messages", "not valid TOML"),
])
def test_a_bad_catalogue_names_the_file_and_the_key(root: Path, line: str, problem: str) -> None:
    path = _set(root, "nl", line)
    with pytest.raises(LexiconError) as caught:
        catalogue("nl", root)
    message = str(caught.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_one_result_renders_in_either_language() -> None:
    result = scan_text("Either Party may terminate this Agreement if the other Party commits a material breach.",
                       report_language="en")
    termination = result.element("termination")
    assert termination.cause == "covered" and dict(termination.params)["passages"] == 1
    assert reason(termination, "nl").startswith("Geregeld") and reason(termination, "en").startswith("Covered")
    dutch = render(result, "markdown", language="nl")
    assert dutch == render(scan_text("Either Party may terminate this Agreement if the other Party commits a "
                                     "material breach.", report_language="nl"), "markdown")
    assert render(result, "text") != render(result, "text", language="nl")


def test_an_element_no_checklist_knows_is_named_by_its_id() -> None:
    element = ElementResult(id="house_rule", pitfall=9, status=Status.MISSING, cause="not_found")
    assert element_words(element, "en").name == "house_rule"
    assert reason(element, "en") == "Nothing found; looked for terms such as ."


def test_the_analysis_returns_the_same_findings_whatever_the_report_language(samples_dir: Path) -> None:
    from dataclasses import replace

    from agreementscan.api import scan_file

    for name in ("nl_samenwerking_gaps.txt", "en_jv_complete.txt"):
        dutch = scan_file(samples_dir / name, report_language="nl")
        english = scan_file(samples_dir / name, report_language="en")
        assert replace(dutch, report_language="en") == english
        assert render(dutch, "json", language="en") == render(english, "json")
