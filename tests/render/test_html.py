"""The HTML report, checked with the standard library's HTML parser (no browser needed).

The page must reproduce the agreement text exactly once with one ``<mark>`` per evidence
item, every in-page link must land on an element, and nothing from the document or its
file name may turn into markup or load anything from the network.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

import agreementscan
from agreementscan.model import ScanResult, Status
from agreementscan.render import RENDERERS, Format, render
from agreementscan.render.html import Span, render_html, tokenize
from agreementscan.render.words import check_message, element_name

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

HOSTILE_TEXT = (
    "SAMENWERKINGSOVEREENKOMST\n\n"
    "Artikel 1 Doel\n"
    "Het doel van deze samenwerking is <script>alert(1)</script> een product te ontwikkelen.\n\n"
    'Artikel 2 Beëindiging <img src=x onerror=alert(1)> "quoted" \'single\' & more\n'
    "Elke partij kan deze overeenkomst opzeggen met een opzegtermijn van drie maanden.\n"
    "Geschillen worden voorgelegd aan de bevoegde rechter te Amsterdam; Nederlands recht is van "
    "toepassing.\n"
)


class Page(HTMLParser):
    """Collects what the tests look at: ids, links, marks, tags and the full text."""

    VOID = {"meta", "br", "img", "hr", "input", "link", "source", "wbr", "col", "area", "base"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.hrefs: list[str] = []
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, str, str]] = []
        self.marks: list[dict[str, str]] = []
        self.mark_text: dict[str, str] = {}
        self.fulltexts: list[str] = []
        self.reports = 0
        self.title = ""
        self._open_marks: list[str | None] = []
        self._fulltext_depth = 0
        self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags[tag] += 1
        self.attrs.extend((tag, name, value or "") for name, value in attrs)
        if "id" in values:
            self.ids[values["id"]] += 1
        if "href" in values:
            self.hrefs.append(values["href"])
        if tag == "article" and "report" in values.get("class", "").split():
            self.reports += 1
        if tag == "title":
            self._in_title = True
        if self._fulltext_depth and tag not in self.VOID:
            self._fulltext_depth += 1
        elif tag == "div" and "fulltext" in values.get("class", "").split():
            self._fulltext_depth = 1
            self.fulltexts.append("")
        if tag == "mark":
            self.marks.append(values)
            mark_id = values.get("id")
            self._open_marks.append(mark_id)
            if mark_id:
                self.mark_text[mark_id] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "mark" and self._open_marks:
            self._open_marks.pop()
        if self._fulltext_depth:
            self._fulltext_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._fulltext_depth:
            self.fulltexts[-1] += data
        for mark_id in self._open_marks:
            if mark_id:
                self.mark_text[mark_id] += data

    @property
    def evidence_marks(self) -> list[str]:
        return [m["id"] for m in self.marks if re.search(r"(^|-)ev-", m.get("id", ""))]


def evidence_ids(result: ScanResult, prefix: str = "") -> list[str]:
    return [
        f"{prefix}ev-{element.id}-{n}"
        for element in result.elements
        for n in range(1, len(element.evidence) + 1)
    ]


def assert_links_resolve(page: Page) -> None:
    duplicates = [name for name, count in page.ids.items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates[:5]}"
    local = [h for h in page.hrefs if h.startswith("#")]
    assert local, "the report has no in-page links"
    dangling = [h for h in local if h[1:] not in page.ids]
    assert not dangling, f"links without a target: {dangling[:5]}"
    assert all(h.startswith("#") for h in page.hrefs), [h for h in page.hrefs if h[:1] != "#"]


SAMPLE_FILES = [
    "nl_samenwerking_gaps.docx",
    "en_collab_tricky.pdf",
    "en_jv_complete.txt",
    "nl_jv_complete.pdf",
]


@pytest.fixture(scope="module", params=SAMPLE_FILES)
def sample(request: pytest.FixtureRequest) -> tuple[ScanResult, str, Page]:
    result = agreementscan.scan_file(SAMPLES / request.param)
    html = render_html([result])
    return result, html, Page(html)


@pytest.fixture(scope="module")
def hostile() -> dict[str, tuple[ScanResult, str, Page]]:
    out = {}
    for lang in ("nl", "en"):
        result = agreementscan.scan_text(
            HOSTILE_TEXT,
            report_language=lang,
            path='/home/jan/Klanten/Acme/"><script>x</script>.txt',
        )
        html = render_html([result])
        out[lang] = (result, html, Page(html))
    return out


# --- registry and shape --------------------------------------------------------------


def test_html_is_a_registered_format(result_nl: ScanResult) -> None:
    assert Format("html") is Format.HTML
    assert RENDERERS[Format.HTML] is render_html
    out = render(result_nl, "html")
    assert out == render([result_nl], Format.HTML)
    assert out.startswith("<!DOCTYPE html>") and out.endswith("</html>\n")


def test_templates_ship_as_package_data() -> None:
    folder = resources.files("agreementscan.render") / "templates"
    names = {entry.name for entry in folder.iterdir()}
    assert "report.html.j2" in names
    assert all(name.endswith(".j2") for name in names if not name.startswith("."))


def test_strict_csp_and_no_scripts(sample: tuple[ScanResult, str, Page]) -> None:
    _, html, page = sample
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert metas == [CSP]
    # The CSP comes before the stylesheet, so it governs everything on the page.
    assert html.index("Content-Security-Policy") < html.index("<style>")
    for tag in ("script", "link", "iframe", "object", "embed", "img", "form", "base"):
        assert page.tags[tag] == 0, f"<{tag}> in the report"
    assert not [a for a in page.attrs if a[1].startswith("on")], "event handler attribute"


def test_no_external_resources(sample: tuple[ScanResult, str, Page]) -> None:
    _, html, page = sample
    assert "http://" not in html and "https://" not in html
    assert "url(" not in html and "@import" not in html
    assert not [a for a in page.attrs if a[1] in ("src", "srcset", "action", "data")]


# --- highlights and links ------------------------------------------------------------


def test_one_mark_per_evidence_item(sample: tuple[ScanResult, str, Page]) -> None:
    result, _, page = sample
    expected = evidence_ids(result)
    assert expected, "sample without evidence"
    assert sorted(page.evidence_marks) == sorted(expected)
    for element in result.elements:
        for n, ev in enumerate(element.evidence, start=1):
            # The mark holds the exact span (the samples have no crossing spans).
            assert page.mark_text[f"ev-{element.id}-{n}"] == result.document.text[ev.start : ev.end]


def test_marks_link_back_to_their_element(sample: tuple[ScanResult, str, Page]) -> None:
    result, html, page = sample
    names = {e.id: element_name(e, result.report_language) for e in result.elements}
    for mark in page.marks:
        if "id" not in mark:
            continue
        element_id = mark["id"][3:].rsplit("-", 1)[0]
        assert names[element_id] in mark["title"]
        assert f'id="{mark["id"]}" ' in html
    for element in result.elements:
        if element.evidence:
            assert html.count(f'href="#el-{element.id}"') >= len(element.evidence)


def test_every_link_resolves(sample: tuple[ScanResult, str, Page]) -> None:
    result, _, page = sample
    assert_links_resolve(page)
    for ev_id in evidence_ids(result):
        assert f"#{ev_id}" in page.hrefs, f"no link from the element list to {ev_id}"


def test_full_text_is_reproduced_exactly_once(sample: tuple[ScanResult, str, Page]) -> None:
    result, _, page = sample
    assert page.fulltexts == [result.document.text]


def test_nested_identical_spans_are_all_marked() -> None:
    # nl_samenwerking_gaps quotes some sentences for two elements at once.
    result = agreementscan.scan_file(SAMPLES / "nl_samenwerking_gaps.docx")
    spans = Counter((ev.start, ev.end) for e in result.elements for ev in e.evidence)
    assert max(spans.values()) > 1, "sample no longer has shared evidence; pick another"
    page = Page(render_html([result]))
    assert len(page.evidence_marks) == sum(spans.values())


def test_checks_link_to_their_spans() -> None:
    result = agreementscan.scan_file(SAMPLES / "nl_jv_complete.pdf")
    assert result.checks and result.checks[0].evidence
    html = render_html([result])
    page = Page(html)
    assert "ck-1-1" in page.ids and "#ck-1-1" in page.hrefs
    message = check_message(result.checks[0], result.report_language)
    assert message in page.title or message[:30] in html


def test_status_badges_have_text_and_symbol(result_en: ScanResult) -> None:
    html = render_html([result_en])
    badges = (("✔", "present"), ("◐", "weak"), ("✘", "missing"), ("–", "not applicable"))
    for symbol, word in badges:
        assert f'<span class="sym" aria-hidden="true">{symbol}</span> {word}</span>' in html


def test_gaps_show_search_terms_advice_and_questions(result_en: ScanResult) -> None:
    html = render_html([result_en])
    for text in (
        "Searched for", "milestone", "schedule", "Why it matters", "Set clear goals together.",
        "Agree milestones.", "Ask your partner", "Which percentage?",
    ):  # fmt: skip
        assert text in html, text
    # A present element gets no gap box.
    objectives = html.split('id="el-objectives"', 1)[1].split('<li class="element', 1)[0]
    assert 'class="gap"' not in objectives


# --- escaping ------------------------------------------------------------------------


def test_document_text_is_escaped(hostile: dict[str, tuple[ScanResult, str, Page]]) -> None:
    result, html, page = hostile["en"]
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert page.tags["script"] == 0 and page.tags["img"] == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&#34;quoted&#34; &#39;single&#39; &amp; more" in html
    assert page.fulltexts == [result.document.text]


def test_file_name_is_escaped_and_folders_are_left_out(
    hostile: dict[str, tuple[ScanResult, str, Page]],
) -> None:
    _, html, page = hostile["nl"]
    # The path's last "/" is inside "</script>", so the file name is "script>.txt".
    assert "script&gt;.txt" in html
    assert "Klanten" not in html and "/home/jan" not in html
    assert "<script" not in html.lower()
    for name, escaped in (
        ('"><script>.txt', "&#34;&gt;&lt;script&gt;.txt"),
        ("'><img src=x onerror=alert(1)>.txt", "&#39;&gt;&lt;img src=x onerror=alert(1)&gt;.txt"),
    ):
        result = agreementscan.scan_text(HOSTILE_TEXT, path=name)
        html = render_html([result])
        assert escaped in html
        parsed = Page(html)
        assert parsed.tags["script"] == 0 and parsed.tags["img"] == 0
        assert name in parsed.title  # shown literally


def test_hand_built_result_with_checks_and_markup(result_nl: ScanResult) -> None:
    html = render_html([result_nl])
    page = Page(html)
    assert "<script" not in html.lower()
    assert page.fulltexts == [result_nl.document.text]
    assert sorted(page.evidence_marks) == sorted(evidence_ids(result_nl))
    assert "ck-1-1" in page.ids  # the placeholder check, nested inside an evidence mark
    assert_links_resolve(page)


# --- language ------------------------------------------------------------------------


def test_ui_language_follows_report_language(
    hostile: dict[str, tuple[ScanResult, str, Page]],
) -> None:
    _, html_nl, _ = hostile["nl"]
    _, html_en, _ = hostile["en"]
    assert '<html lang="nl">' in html_nl and '<html lang="en">' in html_en
    for nl, en in (
        ("Volledige tekst met markeringen", "Full text with highlights"),
        ("Totaalscore", "Overall score"),
        ("geen juridisch advies", "not legal advice"),
        ("Valkuil 1:", "Pitfall 1:"),
        ("Legenda:", "Legend:"),
    ):
        assert nl in html_nl and nl not in html_en
        assert en in html_en and en not in html_nl


# --- several results -----------------------------------------------------------------


def test_two_results_make_one_page_with_two_sections() -> None:
    first = agreementscan.scan_file(SAMPLES / "nl_samenwerking_gaps.txt")
    second = agreementscan.scan_file(SAMPLES / "en_alliance_gaps.txt", report_language="nl")
    html = render([first, second], "html")
    page = Page(html)
    assert html.count("<!DOCTYPE html>") == 1 and page.tags["html"] == 1 and page.tags["body"] == 1
    assert page.reports == 2
    assert "#r1-report" in page.hrefs and "#r2-report" in page.hrefs  # the table of contents
    assert_links_resolve(page)
    expected = evidence_ids(first, "r1-") + evidence_ids(second, "r2-")
    assert sorted(page.evidence_marks) == sorted(expected)
    assert page.fulltexts == [first.document.text, second.document.text]
    assert "nl_samenwerking_gaps.txt" in page.title and "en_alliance_gaps.txt" in page.title


# --- the tokenizer on its own ----------------------------------------------------------


def _spans(*ranges: tuple[int, int]) -> list[Span]:
    return [
        Span(start, end, rank=1, order=n, tag="mark", anchor=f"s{n}")
        for n, (start, end) in enumerate(ranges)
    ]


def _replay(text: str, spans: list[Span]) -> tuple[str, dict[str, str], Counter[str]]:
    """Concatenated text, the text inside each span's first piece, and first pieces per span."""
    out = ""
    stack: list[Span] = []
    inside: dict[str, str] = {}
    first_open: set[str] = set()
    firsts: Counter[str] = Counter()
    for token in tokenize(text, spans):
        if token.kind == "open":
            assert token.span is not None
            stack.append(token.span)
            if token.first:
                firsts[token.span.anchor] += 1
                inside[token.span.anchor] = ""
                first_open.add(token.span.anchor)
        elif token.kind == "close":
            assert stack and stack[-1] is token.span, "tags do not nest"
            stack.pop()
            first_open.discard(token.span.anchor)
        elif token.kind == "text":
            out += token.text
            for anchor in first_open:
                inside[anchor] += token.text
    assert not stack
    return out, inside, firsts


@pytest.mark.parametrize(
    "ranges",
    [
        [(0, 5)],
        [(2, 8), (2, 8)],  # identical
        [(0, 10), (3, 6)],  # nested
        [(0, 6), (6, 10)],  # adjacent
        [(0, 6), (3, 10)],  # crossing
        [(1, 9), (0, 5), (4, 12), (4, 12), (7, 7)],  # a bit of everything, one empty
    ],
)
def test_tokenize_nests_and_keeps_text(ranges: list[tuple[int, int]]) -> None:
    text = "abcdefghijkl"
    spans = _spans(*ranges)
    out, inside, firsts = _replay(text, spans)
    assert out == text
    assert firsts == Counter(s.anchor for s in spans)  # one id-carrying piece each
    for span in spans:
        whole = text[span.start : span.end]
        assert whole.startswith(inside[span.anchor])
        if not any(o.start < span.start < o.end < span.end for o in spans):
            assert inside[span.anchor] == whole  # not crossed: the mark holds it all


def test_tokenize_clamps_bad_offsets() -> None:
    out, inside, firsts = _replay("abc", _spans((-4, 2), (1, 99), (5, 9)))
    assert out == "abc"
    # (-4, 2) becomes (0, 2), which (1, 3) crosses: its id-carrying piece is "b".
    assert inside == {"s0": "ab", "s1": "b", "s2": ""}
    assert sum(firsts.values()) == 3


def test_status_symbols_cover_every_status() -> None:
    from agreementscan.render.html import STATUS_MARKS

    assert set(STATUS_MARKS) == set(Status)
