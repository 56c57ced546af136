"""The shipped lexicons: complete, identical ids in both languages, and their examples hold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agreementscan.api import scan_text
from agreementscan.errors import LexiconError
from agreementscan.lexicon import LANGUAGES, lexicon_root, load_checklist, load_language
from agreementscan.lexicon.loader import load_element
from agreementscan.model import Status

CHECKLIST_IDS = [
    "objectives", "measurable_targets", "timeline", "duration", "equity_split", "contributions",
    "profit_loss_sharing", "governance", "ip_ownership", "exclusivity", "termination",
    "termination_for_convenience", "change_of_control", "exit_moments", "exit_arrangements",
    "transfer_restrictions", "risk_allocation", "dispute_resolution", "governing_law", "confidentiality",
    "review_moments", "reporting", "alliance_management", "mission_values", "code_of_conduct",
]


def test_checklist_has_the_public_ids_in_order() -> None:
    checklist = load_checklist()
    assert [e.id for e in checklist.elements] == CHECKLIST_IDS
    assert [p.id for p in checklist.pitfalls] == [1, 2, 3, 4, 5]
    for info in checklist.elements:
        for lang in LANGUAGES:
            assert info.name.get(lang) and info.advice.get(lang) and info.why.get(lang)
            assert 1 <= len(info.questions(lang)) <= 3
            assert info.searched_for(lang)


def test_both_languages_cover_exactly_the_same_element_ids() -> None:
    ids = {lang: set(load_language(lang).elements) for lang in LANGUAGES}
    assert ids["nl"] == ids["en"] == set(CHECKLIST_IDS)


def _examples() -> list[tuple[str, str, str, str]]:
    cases = []
    for lang in LANGUAGES:
        for element_id, element in load_language(lang).elements.items():
            cases += [(lang, element_id, "positive", text) for text in element.examples_positive]
            cases += [(lang, element_id, "weak", text) for text in element.examples_weak]
            cases += [(lang, element_id, "negative", text) for text in element.examples_negative]
    return cases


def test_every_element_has_examples_in_both_languages() -> None:
    for lang in LANGUAGES:
        for element_id, element in load_language(lang).elements.items():
            assert element.examples_positive, f"{lang}/{element_id}: no positive example"
            assert element.examples_negative, f"{lang}/{element_id}: no negative example"


@pytest.mark.parametrize(("lang", "element_id", "kind", "text"), _examples(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_lexicon_example(lang: str, element_id: str, kind: str, text: str) -> None:
    result = scan_text(text, language=lang)
    status = result.element(element_id).status
    if kind == "positive":
        assert status.covered, f"{lang}/{element_id}: expected covered for {text!r}, got {status.value}"
    elif kind == "weak":
        assert status is Status.WEAK, f"{lang}/{element_id}: expected weak for {text!r}, got {status.value}"
    else:
        assert not status.covered, f"{lang}/{element_id}: expected not covered for {text!r}, got {status.value}"


@pytest.fixture()
def lexicon_copy(tmp_path: Path) -> Path:
    target = tmp_path / "lexicons"
    shutil.copytree(lexicon_root(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def test_bad_regex_names_file_entry_and_line(lexicon_copy: Path) -> None:
    path = lexicon_copy / "en" / "termination.toml"
    text = path.read_text(encoding="utf-8").replace("pattern = '\\bterminat\\w*\\b'", "pattern = '\\bterminat(\\w*\\b'")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_element(path, "en")
    message = str(info.value)
    assert "termination.toml" in message and "en.termination.terminate_word" in message
    assert "bad regular expression" in message and info.value.line is not None


def test_unknown_key_and_bad_weight_are_rejected(lexicon_copy: Path) -> None:
    path = lexicon_copy / "nl" / "governing_law.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\nspeling = 1\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown key 'speling'"):
        load_element(path, "nl")
    path = lexicon_copy / "en" / "confidentiality.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight = 3", "weight = 9", 1), encoding="utf-8")
    with pytest.raises(LexiconError, match="weight must be a number from 0.1 to 5"):
        load_element(path, "en")


def test_file_name_must_match_element_and_toml_errors_have_lines(lexicon_copy: Path) -> None:
    path = lexicon_copy / "en" / "duration.toml"
    renamed = path.with_name("term.toml")
    path.rename(renamed)
    with pytest.raises(LexiconError, match="does not match the file name"):
        load_element(renamed, "en")
    broken = lexicon_copy / "en" / "reporting.toml"
    broken.write_text("element = \"reporting\"\nheadings = ['x'\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_element(broken, "en")
    assert "invalid TOML" in str(info.value) and "reporting.toml" in str(info.value)


def test_missing_element_file_is_reported(lexicon_copy: Path) -> None:
    assert load_language("nl", lexicon_copy).elements["exit_moments"]
    # Cached by content, not by path: the same folder, changed, is read again.
    (lexicon_copy / "nl" / "exit_moments.toml").unlink()
    with pytest.raises(LexiconError, match="exit_moments"):
        load_language("nl", lexicon_copy)
