"""Languages are data: a playbook folder adds a third language (German) with no code change.

The German lexicon below is small but real: a common.toml with its own stop words,
negation cues, placeholders, abbreviations, value patterns and heading words, and four
element files with phrase, regular-expression and lemma (spaCy token) rules. The scans go
through the real CLI, real spaCy (``spacy.blank("de")`` with the lemma table of
spacy-lookups-data) and real files.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.analyse.language import detect
from agreementscan.cli import main
from agreementscan.errors import LexiconError
from agreementscan.extract.text import read_text
from agreementscan.lexicon import LANGUAGES, Localized, builtin_languages
from agreementscan.lexicon.loader import available_languages, load_cues, _read_toml
from agreementscan.lexicon.profile import check_playbook, load_profile

GERMAN_COMMON = r'''
language = "de"
stopwords = ["der", "die", "das", "und", "ist", "nicht", "mit", "dem", "den", "des", "sich", "auf", "für",
  "eine", "einer", "wird", "werden", "zwischen", "vertrag", "oder", "auch", "parteien", "partei", "ein", "zu"]
negation_cues = ['\b(?:nicht|kein|keine|keinen|niemals|ohne)\b']
placeholders = ['\[\s*[●•]\s*\]', '\bnoch\s+zu\s+(?:bestimmen|vereinbaren)\b', '\bTBD\b']
abbreviations = ["Abs.", "Art.", "Nr.", "z.B.", "ggf.", "bzw.", "GmbH."]
percent_words = ['prozent\b']

[values]
notice_period = ['\b(?:\d+|einem|einen|drei|sechs|zwölf)\s+(?:tagen|wochen|monaten|monat|jahr)\b[^.;]{0,40}\b(?:frist|kündigungsfrist|vorher|schriftlich)',
  '\b(?:kündigungs)?frist\s+von\s+(?:\d+|drei|sechs)\s+(?:tagen|wochen|monaten)']
frequency = ['\b(?:jährlich|monatlich|quartalsweise|vierteljährlich)\b']
percentage = ['\b\d{1,3}\s*(?:%|prozent\b)']
number = ['(?:€|EUR)\s*\d']
date = ['\b\d{1,2}\.\s*(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\s+\d{4}\b']
period = ['\b(?:\d+|drei|fünf|zehn)\s+(?:jahren|jahre|monaten)\b']
money = ['(?:€|EUR)\s*\d']

[headings]
numbered = ["artikel", "abschnitt", "anlage"]
inline = ["artikel", "abschnitt", "anlage"]
small_words = ["und", "oder", "der", "die", "das", "des", "von", "zur", "zum"]
verbs = ["ist", "sind", "wird", "werden", "hat", "haben", "kann", "muss"]
not_headings = ['seite\s+\d+', 'inhaltsverzeichnis']
definitions = ['begriffsbestimmungen', 'definitionen']

[parties]
together = ['\b(?:die parteien|jede partei|beide parteien)\b']
subjects = ["die parteien", "jede partei", "beide parteien"]
articles = ["der", "die", "das"]
'''

GERMAN_ELEMENTS = {
    "governing_law": r'''
element = "governing_law"
headings = ['\banwendbares recht\b', '\brechtswahl\b']
[[rules]]
id = "law"
pattern = '\b(?:unterliegt|unterliegen)\b[^.]{0,60}\b(?:deutschem|österreichischem|schweizerischem)\s+recht\b'
weight = 3
''',
    "confidentiality": r'''
element = "confidentiality"
headings = ['\bvertraulichkeit\b', '\bgeheimhaltung\b']
negation = "count"
[[rules]]
id = "confidential"
phrases = ["vertraulich zu behandeln", "streng vertraulich", "Geheimhaltung"]
weight = 3
''',
    "termination": r'''
element = "termination"
headings = ['\bkündigung\b', '\bbeendigung\b']
requires_value = "notice_period"
[[rules]]
id = "terminate"
tokens = [{LEMMA = "kündigen"}]
value = "notice_period"
weight = 2
''',
    "profit_loss_sharing": r'''
element = "profit_loss_sharing"
headings = ['\bgewinnverteilung\b']
[[rules]]
id = "profit"
pattern = '\b(?:gewinne?|verluste?)\b[^.]{0,60}\bverteilt\b'
weight = 3
''',
}

GERMAN_TEXT = """Kooperationsvertrag

zwischen der Alpha GmbH und der Beta GmbH (die Parteien).

Artikel 1 Anwendbares Recht
Dieser Vertrag unterliegt ausschließlich deutschem Recht. Gerichtsstand ist Berlin.

Artikel 2 Vertraulichkeit
Die Parteien verpflichten sich, alle Informationen aus der Zusammenarbeit streng vertraulich zu behandeln.
Diese Pflicht gilt auch nach dem Ende des Vertrags für die Dauer von fünf Jahren.

Artikel 3 Kündigung
Jede Partei kann diesen Vertrag mit einer Frist von drei Monaten schriftlich kündigen.
Die Kündigung bedarf der Schriftform und ist an die Geschäftsführung der anderen Partei zu richten.

Artikel 4 Gewinnverteilung
Die Gewinne werden zwischen den Parteien im Verhältnis [●] verteilt.
Die Einzelheiten der Verteilung sind noch zu bestimmen und werden in einer Anlage festgelegt.

Artikel 5 Sonstiges
Änderungen dieses Vertrags bedürfen der Schriftform. Sollte eine Bestimmung unwirksam sein, bleibt
die Wirksamkeit der übrigen Bestimmungen davon unberührt. Die Parteien werden die unwirksame
Bestimmung durch eine wirksame ersetzen, die dem wirtschaftlichen Zweck am nächsten kommt.
"""


def german_playbook(root: Path) -> Path:
    """A playbook folder that adds German: ``de/common.toml`` and four element files."""
    folder = root / "playbook-de"
    (folder / "de").mkdir(parents=True)
    (folder / "de" / "common.toml").write_text(GERMAN_COMMON, encoding="utf-8")
    for element, body in GERMAN_ELEMENTS.items():
        (folder / "de" / f"{element}.toml").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def _scan(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["scan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_builtin_languages_come_from_the_lexicon_folders() -> None:
    assert builtin_languages() == ("nl", "en") == LANGUAGES


def test_a_playbook_adds_german_and_a_german_text_gets_real_findings(tmp_path: Path) -> None:
    playbook = german_playbook(tmp_path)
    contract = tmp_path / "vertrag.txt"
    contract.write_text(GERMAN_TEXT, encoding="utf-8")
    before = contract.read_bytes()

    code, out, err = _scan(str(contract), "--lexicon", str(playbook), "-f", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["document"]["language"] == "de"  # detection considers the third language
    elements = {e["id"]: e for e in report["elements"]}
    assert elements["governing_law"]["status"] == "present"
    assert elements["governing_law"]["evidence"][0]["rule"] == "de.governing_law.law"
    assert elements["confidentiality"]["status"] == "present"
    # A lemma rule: "kündigen" found through the German lemma table, with the notice period.
    assert elements["termination"]["status"] == "present"
    assert any(ev["rule"] == "de.termination.terminate" for ev in elements["termination"]["evidence"])
    # German placeholders make the profit split weak.
    assert elements["profit_loss_sharing"]["status"] == "weak"
    # Elements the German lexicon has no file for are simply not found in it.
    assert elements["exclusivity"]["status"] == "missing"
    # No "unsupported language" warning: German is supported now.
    assert not any("German" in w or "not supported" in w for w in report["document"]["warnings"])
    assert contract.read_bytes() == before

    # The sections come from the German heading words ("Artikel 3 Kündigung").
    sections = {ev["section"] for ev in elements["termination"]["evidence"]}
    assert any(s and "Kündigung" in s for s in sections)


def test_german_without_the_playbook_is_an_unsupported_language(tmp_path: Path) -> None:
    contract = tmp_path / "vertrag.txt"
    contract.write_text(GERMAN_TEXT, encoding="utf-8")
    code, out, _ = _scan(str(contract), "-f", "json")
    assert code == 0
    report = json.loads(out)
    assert report["document"]["language"] != "de"
    assert any("German" in w for w in report["document"]["warnings"])
    assert {e["id"]: e for e in report["elements"]}["governing_law"]["status"] == "missing"


def test_lang_and_report_lang_accept_a_playbook_language_only_with_the_playbook(tmp_path: Path) -> None:
    playbook = german_playbook(tmp_path)
    contract = tmp_path / "vertrag.txt"
    contract.write_text(GERMAN_TEXT, encoding="utf-8")
    code, out, _ = _scan(str(contract), "--lexicon", str(playbook), "--lang", "de", "-f", "json")
    assert code == 0
    assert json.loads(out)["document"]["language"] == "de"
    code, _, err = _scan(str(contract), "--lang", "de")
    assert code == 2 and "Invalid value for '--lang'" in err and "'de' is not one of 'auto', 'nl', 'en'" in err
    assert "Traceback" not in err
    # No German report catalogue: the report falls back to English.
    code, out, err = _scan(str(contract), "--lexicon", str(playbook), "--report-lang", "de")
    assert code == 0, err
    assert "Nothing found" in out or "Covered" in out
    assert available_languages([playbook]) == ("nl", "en", "de")


def test_lexicon_check_accepts_the_german_playbook(tmp_path: Path) -> None:
    report = check_playbook(german_playbook(tmp_path))
    assert report.errors == ()
    assert sorted(report.extended["de"]) == sorted(GERMAN_ELEMENTS)


def test_a_folder_without_common_toml_is_still_a_stray_folder(tmp_path: Path) -> None:
    playbook = tmp_path / "pb"
    (playbook / "fr").mkdir(parents=True)
    (playbook / "fr" / "governing_law.toml").write_text('element = "governing_law"\nheadings = ["loi"]\n')
    with pytest.raises(LexiconError, match="unexpected folder"):
        load_profile([playbook])


def test_bad_cues_name_file_line_and_entry(tmp_path: Path) -> None:
    playbook = german_playbook(tmp_path)
    common = playbook / "de" / "common.toml"
    common.write_text(GERMAN_COMMON.replace("'inhaltsverzeichnis'", "'(inhalt'"), encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        load_profile([playbook])
    message = str(caught.value)
    line = next(i for i, text in enumerate(common.read_text().splitlines(), 1) if "(inhalt" in text)
    assert f"common.toml:{line}:" in message and "headings.not_headings" in message
    assert "bad regular expression" in message and "\n" not in message

    common.write_text(GERMAN_COMMON.replace("[parties]", "[parties]\nsubject = ['x']"), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"common\.toml:\d+: parties: unknown key 'subject'"):
        load_profile([playbook])


def test_cues_of_the_builtin_lexicons_load(tmp_path: Path) -> None:
    from agreementscan.lexicon import lexicon_root

    data, ctx = _read_toml(lexicon_root() / "en" / "common.toml")
    cues = load_cues(data, ctx)
    assert "article" in cues.numbered and "shall" in cues.verbs and cues.percent_words


def test_localized_get_falls_back_to_english_then_the_first() -> None:
    text = Localized.of({"nl": "Hallo", "en": "Hello"})
    assert text.get("nl") == "Hallo" and text.get("de") == "Hello" and text["en"] == "Hello"
    assert Localized.of({"nl": "Hallo"}).get("de") == "Hallo"
    assert dict(text) == {"en": "Hello", "nl": "Hallo"}
    assert Localized.of({"en": "a", "nl": "b"}) == Localized.of({"nl": "b", "en": "a"})


def test_detection_prefers_a_supported_third_language(tmp_path: Path) -> None:
    document = read_text(GERMAN_TEXT.encode("utf-8"), "vertrag.txt", "txt", "0" * 64)
    profile = load_profile([german_playbook(tmp_path)])
    stopwords = {lang: lexicon.stopwords for lang, lexicon in profile.lexicons.items()}
    language, _, unsupported = detect(document, stopwords)
    assert (language, unsupported) == ("de", None)
    language, _, unsupported = detect(document, {k: v for k, v in stopwords.items() if k != "de"})
    assert unsupported == "de"


def test_a_playbook_adds_heading_words_to_a_builtin_language(tmp_path: Path) -> None:
    playbook = tmp_path / "pb"
    (playbook / "en").mkdir(parents=True)
    (playbook / "en" / "common.toml").write_text('[headings]\ninline = ["rider"]\nverbs = ["shalt"]\n',
                                                 encoding="utf-8")
    english = load_profile([playbook]).lexicons["en"]
    assert "rider" in english.cues.inline and "article" in english.cues.inline
    assert english.cues.verbs[-1] == "shalt" and "shall" in english.cues.verbs
    assert english.cues.small_words == load_profile().lexicons["en"].cues.small_words


def test_config_lang_may_name_a_playbook_language(tmp_path: Path) -> None:
    from agreementscan.config import load_config
    from agreementscan.errors import AgreementscanError

    german_playbook(tmp_path)
    config = tmp_path / "agreementscan.toml"
    config.write_text('lang = "de"\nplaybooks = ["playbook-de"]\n', encoding="utf-8")
    assert load_config(config).lang == "de"
    config.write_text('lang = "de"\n', encoding="utf-8")
    with pytest.raises(AgreementscanError, match=r"lang.*must be one of auto, nl, en, not 'de'"):
        load_config(config)


def _lexicon_copy(tmp_path: Path) -> Path:
    import shutil

    from agreementscan.lexicon import lexicon_root

    target = tmp_path / "lexicons"
    shutil.copytree(lexicon_root(), target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def test_the_checklist_orders_the_languages_and_names_only_existing_ones(tmp_path: Path) -> None:
    from agreementscan.lexicon import discover_languages, load_checklist

    root = _lexicon_copy(tmp_path)
    checklist = root / "checklist.toml"
    text = checklist.read_text(encoding="utf-8")
    checklist.write_text(text.replace('languages = ["nl", "en"]', 'languages = ["en", "nl"]'), encoding="utf-8")
    assert discover_languages(root) == ("en", "nl")

    other = _lexicon_copy(tmp_path / "other")
    (other / "checklist.toml").write_text(text.replace('languages = ["nl", "en"]', 'languages = ["nl", "en", "xx"]'),
                                          encoding="utf-8")
    with pytest.raises(LexiconError, match=r"checklist\.toml:\d+: languages: 'xx' has no folder with a common\.toml"):
        load_checklist(other)

    # A folder without common.toml is no language; one with it is, even unlisted (it comes last).
    third = _lexicon_copy(tmp_path / "third")
    (third / "zz").mkdir()
    assert discover_languages(third) == ("nl", "en")
    (third / "de").mkdir()
    (third / "de" / "common.toml").write_text(GERMAN_COMMON, encoding="utf-8")
    assert discover_languages(third) == ("nl", "en", "de")
