"""Language per block and per document."""

from __future__ import annotations

from agreementscan.api import scan_text
from agreementscan.render.words import warning_texts

NL = ("Partijen werken samen bij de ontwikkeling van een nieuw product. De overeenkomst wordt aangegaan "
      "voor de duur van drie jaar en kan door elk van de partijen worden opgezegd met een termijn van drie maanden.")
EN = ("The Parties shall cooperate in the development of a new product. This Agreement is entered into for "
      "a period of three years and may be terminated by either Party on three months' notice.")


def test_dutch_and_english_documents() -> None:
    assert scan_text(NL).language == "nl"
    assert scan_text(EN).language == "en"
    assert scan_text(NL).report_language == "nl"


def test_bilingual_document_is_mixed_and_reads_both_lexicons() -> None:
    result = scan_text(NL + "\n\n" + EN + "\n\n" + NL + "\n\n" + EN)
    assert result.language == "mixed"
    assert set(result.block_languages) == {"nl", "en"}
    assert result.report_language == "en"
    assert result.element("termination").status.covered


def test_forced_language_overrides_detection() -> None:
    assert scan_text(EN, language="nl").language == "nl"


def test_german_text_warns_that_results_are_unreliable() -> None:
    german = ("Die Parteien vereinbaren eine Zusammenarbeit bei der Entwicklung eines neuen Produkts. Der Vertrag "
              "wird für die Dauer von drei Jahren geschlossen und kann von jeder Partei mit einer Frist von drei "
              "Monaten gekündigt werden, wenn die andere Partei ihre Pflichten nicht erfüllt.")
    result = scan_text(german, report_language="en")
    assert any("German" in w for w in warning_texts(result))
