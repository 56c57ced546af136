"""Sentence splitting with legal abbreviations, and inline headings."""

from __future__ import annotations

import pytest

from agreementscan.analyse.sentences import inline_heading, split_sentences
from agreementscan.extract import document_from_text


@pytest.mark.parametrize(("text", "title"), [
    ("7. TERM AND TERMINATION.", "TERM AND TERMINATION"),
    ("Article 9 Beëindiging", "Beëindiging"),
    ("12.2 Termination for Convenience.", "Termination for Convenience"),
    ("The Parties shall meet quarterly.", None),
    ("Page 14", None),
])
def test_inline_heading(text: str, title: str | None) -> None:
    assert inline_heading(text) == title


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Acme Inc. and Beta B.V. agree as set out in Sec. 4 of the Annex. The term is five years."
    document = document_from_text(text)
    sentences, _ = split_sentences(document, "en")
    assert [document.text[s.start:s.end] for s in sentences] == [
        "Acme Inc. and Beta B.V. agree as set out in Sec. 4 of the Annex.", "The term is five years."]


def test_sections_follow_inline_headings() -> None:
    text = "8. CONFIDENTIALITY. Each Party shall keep all information secret. 9. GOVERNING LAW. Dutch law applies."
    document = document_from_text(text)
    sentences, _ = split_sentences(document, "en")
    sections = {document.text[s.start:s.end]: s.section for s in sentences if not s.heading}
    assert sections["Each Party shall keep all information secret."] == "CONFIDENTIALITY"
    assert sections["Dutch law applies."] == "GOVERNING LAW"


def test_token_rules_match_lemmas_of_capitalised_words() -> None:
    from agreementscan.analyse import Matchers
    from agreementscan.lexicon.profile import default_profile

    document = document_from_text("EITHER PARTY MAY TERMINATE THE AGREEMENT. Alpha Terminated the Collaboration.")
    _, token_hits = split_sentences(document, "en", matchers={"en": Matchers().get("en", default_profile())})
    found = [(rule, document.text[s:e]) for rule, s, e in token_hits if rule == "en.termination.terminate_lemma"]
    assert found == [("en.termination.terminate_lemma", "TERMINATE THE AGREEMENT"),
                     ("en.termination.terminate_lemma", "Terminated the Collaboration")]
