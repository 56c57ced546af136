"""Renderer tests on hand-built results: shapes, escaping and language of the labels."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from agreementscan.model import Evidence, ScanResult, Status
from agreementscan.render import RENDERERS, Format, render, report_dict
from agreementscan.render.i18n import location, snippet, status_label, t
from agreementscan.render.words import catalogue, pitfall_title
from agreementscan.render.markdown import md

ANSI = re.compile(r"\x1b\[")

STATUS_WORDS = {
    "nl": ("aanwezig", "zwak", "ontbreekt", "niet van toepassing"),
    "en": ("present", "weak", "missing", "not applicable"),
}


# --- registry ------------------------------------------------------------------------


def test_renderers_cover_every_format() -> None:
    assert set(RENDERERS) == set(Format)
    assert all(callable(fn) for fn in RENDERERS.values())


def test_format_values() -> None:
    assert [f.value for f in Format] == ["text", "json", "markdown", "html", "sarif"]
    assert Format("markdown") is Format.MARKDOWN


def test_unknown_format_is_a_clear_error(result: ScanResult) -> None:
    with pytest.raises(ValueError, match="text, json, markdown"):
        render([result], "html-ish")


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_and_ends_with_newline(result: ScanResult, fmt: Format) -> None:
    out = render([result], fmt)
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert render(result, fmt.value) == out  # a bare result and a str format work too


# --- JSON ----------------------------------------------------------------------------

EVIDENCE_KEYS = ["text", "start", "end", "page", "paragraph", "line", "section", "rule"]


def test_json_shape_and_key_order(result: ScanResult, document_text: str) -> None:
    data = json.loads(render([result], Format.JSON))
    assert list(data) == [
        "schema", "tool", "document", "report_language", "score",
        "pitfalls", "elements", "checks", "summary",
    ]  # fmt: skip
    assert data["schema"] == "agreementscan.report/1"
    assert data["tool"] == {"name": "agreementscan", "version": "0.1.0"}
    assert list(data["document"]) == [
        "path", "sha256", "format", "language", "pages", "characters", "warnings",
    ]  # fmt: skip
    assert data["document"]["characters"] == len(document_text)
    assert data["document"]["warnings"] == ["Scanned page without text"]
    assert data["report_language"] == result.report_language
    assert data["score"] == 67
    assert [list(p) for p in data["pitfalls"]] == [["id", "key", "title", "tip", "score"]] * 3
    for element in data["elements"]:
        assert list(element) == [
            "id", "name", "pitfall", "status", "severity", "reason", "advice", "questions", "suppressed", "evidence",
        ]  # fmt: skip
        for ev in element["evidence"]:
            assert list(ev) == EVIDENCE_KEYS
    assert [e["status"] for e in data["elements"]] == [
        "present", "weak", "missing", "not_applicable", "present",
    ]  # fmt: skip
    check = data["checks"][0]
    assert list(check) == ["id", "severity", "message", "evidence"]
    assert check["severity"] == "error"
    assert list(check["evidence"][0]) == EVIDENCE_KEYS
    assert data["summary"] == {"present": 2, "weak": 1, "missing": 1, "not_applicable": 1}
    assert list(data["summary"]) == ["present", "weak", "missing", "not_applicable"]


def test_json_evidence_offsets_survive(result: ScanResult, document_text: str) -> None:
    data = json.loads(render([result], Format.JSON))
    spans = [ev for el in data["elements"] for ev in el["evidence"]]
    spans += [ev for ch in data["checks"] for ev in ch["evidence"]]
    assert len(spans) == 4
    for ev in spans:
        assert document_text[ev["start"] : ev["end"]] == ev["text"]
    first = data["elements"][0]["evidence"][0]
    assert first["page"] == 1 and first["section"] == "1. Doel"
    assert first["rule"] == "nl.objectives.purpose" and first["line"] is None


def test_json_keeps_non_ascii_and_markup_literally(result_nl: ScanResult) -> None:
    out = render([result_nl], Format.JSON)
    assert "Beëindiging" in out and "\\u00eb" not in out
    assert "[bold]samen[/]" in out and "<script>" in out
    assert out.startswith('{\n  "schema"')  # indent 2


def test_json_one_result_is_object_several_are_array(
    result_nl: ScanResult, result_en: ScanResult
) -> None:
    assert isinstance(json.loads(render([result_nl], "json")), dict)
    both = json.loads(render([result_nl, result_en], "json"))
    assert isinstance(both, list) and len(both) == 2
    assert [r["report_language"] for r in both] == ["nl", "en"]
    assert json.loads(render([], "json")) == []


def test_report_dict_is_what_json_renders(result: ScanResult) -> None:
    assert json.loads(render([result], "json")) == report_dict(result)
    json.dumps(report_dict(result))  # plain data only: no enums or tuples-as-objects


# --- text ----------------------------------------------------------------------------


def test_text_has_no_ansi_without_color(
    result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Environment that would make rich colour a real terminal must not leak in.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "20")
    out = render([result], Format.TEXT, color=False, width=100)
    assert not ANSI.search(out)
    assert max(len(line) for line in out.splitlines()) <= 100
    assert max(len(line) for line in out.splitlines()) > 20


def test_text_has_ansi_with_color(result: ScanResult) -> None:
    assert ANSI.search(render([result], Format.TEXT, color=True))


def test_text_status_words_in_report_language(result: ScanResult) -> None:
    out = render([result], Format.TEXT, width=200)
    lang = result.report_language
    other = "en" if lang == "nl" else "nl"
    for word in STATUS_WORDS[lang]:
        assert word in out
    assert STATUS_WORDS[other][2] not in out  # "missing" / "ontbreekt"
    assert "✔" in out and "✘" in out and "–" in out
    assert t("what_to_do", lang) in out and t("checks", lang) in out


def test_text_renders_document_markup_literally(result_nl: ScanResult) -> None:
    loud = replace(
        result_nl.elements[0], cause="note", params=(("text", "Zie [red]artikel 1[/red] :warning: hier."),)
    )
    res = replace(result_nl, elements=(loud, *result_nl.elements[1:]))
    out = render([res], Format.TEXT, width=200)
    assert "[bold]samen[/]" in out
    assert "<script>alert(1)</script>" in out
    assert "[red]artikel 1[/red] :warning:" in out


def test_text_details_for_each_status(result_nl: ScanResult, result_en: ScanResult) -> None:
    nl = render([result_nl], Format.TEXT, width=200)
    assert "pagina 1, alinea 2, sectie “1. Doel”" in nl
    assert "Wat te doen: Vul het percentage in." in nl
    assert "Wat te doen: Spreek mijlpalen af." in nl
    assert "Tip: Stel samen heldere doelen." in nl
    assert "FOUT" in nl and "Placeholder in tekst." in nl
    assert "Valkuil 1: Doelen niet helder" in nl and "50/100" in nl
    assert "samples/nl/overeenkomst.txt" in nl
    en = render([result_en], Format.TEXT, width=200)
    assert "page 2, paragraph 5, section “Artikel 9 Beëindiging”" in en
    assert "What to do: Agree milestones." in en
    assert "Summary: ✔ 2 present · ~ 1 weak · ✘ 1 missing · – 1 not applicable" in en


def test_text_shortens_long_evidence_and_strips_control_codes(result_en: ScanResult) -> None:
    long = "word " * 100 + "\x1b[31mred\x1b[0m"
    ev = Evidence(text=long, start=0, end=len(long), line=7)
    element = replace(result_en.elements[0], evidence=(ev, ev))
    res = replace(result_en, elements=(element,))
    out = render([res], Format.TEXT, width=300)
    assert "\x1b" not in out
    quote = next(line for line in out.splitlines() if "Evidence:" in line)
    assert "…" in quote and "line 7" in quote and "(+1 more)" in quote
    assert len(quote) < 260


def test_text_several_results_are_separated(result_nl: ScanResult, result_en: ScanResult) -> None:
    out = render([result_nl, result_en], Format.TEXT, width=60)
    assert "─" * 60 in out
    assert out.index("Controle samenwerkingsovereenkomst") < out.index(
        "Partnership agreement check"
    )


# --- Markdown ------------------------------------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_markdown_escapes_document_text(result_nl: ScanResult) -> None:
    out = render([result_nl], Format.MARKDOWN)
    assert "openen \\| Benelux" in out
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "\\[bold\\]samen\\[/\\]" in out
    # Every table row keeps its column count despite the '|' in the evidence.
    for block in out.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            widths = {len(_UNESCAPED_PIPE.findall(row)) for row in rows}
            assert len(widths) == 1, block


def test_markdown_content(result: ScanResult) -> None:
    out = render([result], Format.MARKDOWN)
    lang = result.report_language
    assert out.startswith(f"# {t('title', lang)}: samples/nl/overeenkomst.txt\n")
    for word in STATUS_WORDS[lang]:
        assert word in out
    assert f"## {t('pitfall_heading', lang, n=1, title=pitfall_title(result.pitfalls[0], lang, result.checklist))} (50/100)" in out
    assert f"**{t('what_to_do', lang)}**" in out
    assert f"## {t('checks', lang)}" in out
    assert "“XX%”" in out


def test_markdown_several_results_are_separated(
    result_nl: ScanResult, result_en: ScanResult
) -> None:
    out = render([result_nl, result_en], Format.MARKDOWN)
    assert "\n\n---\n\n" in out
    assert out.count("\n# ") + out.startswith("# ") == 2


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("# Kop", "\\# Kop"),
        ("a | b", "a \\| b"),
        ("`code`", "\\`code\\`"),
        ("<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; &amp; y"),
        ("*vet* _schuin_", "\\*vet\\* \\_schuin\\_"),
        ("1. eerste", "1\\. eerste"),
        ("- punt", "\\- punt"),
        ("regel\nmet\tspaties", "regel met spaties"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md(raw) == escaped


# --- i18n ----------------------------------------------------------------------------


def test_both_languages_have_the_same_keys() -> None:
    STRINGS = {lang: catalogue(lang) for lang in ("nl", "en")}
    assert set(STRINGS["nl"]) == set(STRINGS["en"])


def test_status_labels() -> None:
    assert [status_label(s, "nl") for s in Status] == list(STATUS_WORDS["nl"])
    assert [status_label(s, "en") for s in Status] == list(STATUS_WORDS["en"])
    assert t("evidence", "nl") == "Bewijs" and t("evidence", "fr") == "Evidence"
    with pytest.raises(KeyError):
        t("no-such-key", "en")


def test_location_and_snippet() -> None:
    ev = Evidence(text="x", start=0, end=1, page=3, line=9, section="  4.\nExit  ")
    assert location(ev, "nl") == "pagina 3, regel 9, sectie “4. Exit”"
    assert location(Evidence(text="x", start=0, end=1), "en") == ""
    assert snippet("a  b\n c") == "a b c"
    cut = snippet("lorem ipsum " * 40, 50)
    assert len(cut) <= 50 and cut.endswith("…")


def test_fixture_offsets_are_consistent(result: ScanResult) -> None:
    # Guard for the fixture itself: offsets must point at the quoted text.
    for el in result.elements:
        for ev in el.evidence:
            assert result.document.text[ev.start : ev.end] == ev.text
