"""Property-based tests: scan_text on any text returns valid evidence or the project's own error."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreementscan.api import scan_text
from agreementscan.errors import AgreementscanError
from agreementscan.render import render

CLAUSES = [
    "Either Party may terminate this Agreement for convenience upon ninety (90) days' notice.",
    "De stuurgroep vergadert ten minste eenmaal per kwartaal.",
    "Alpha shall hold XX% of the issued shares in the Joint Venture Company.",
    "Neither Party may assign this Agreement without consent.",
    "Artikel 9 Beëindiging", "7. TERM AND TERMINATION.", "[●]", "n.t.b.", "“Affiliate” means",
    "<script>alert(1)</script>", "\u202e\u0000\ufeff", "50% / 50%",
]

texts = st.one_of(
    st.text(max_size=3000),
    st.lists(st.one_of(st.sampled_from(CLAUSES), st.text(max_size=80)), max_size=40).map(lambda parts: "\n".join(parts)),
    st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=60).map(lambda parts: " ".join(parts)),
)


def _check(text: str) -> None:
    try:
        result = scan_text(text)
    except AgreementscanError as exc:
        assert "\n" not in str(exc)
        return
    document = result.document.text
    assert len(result.elements) == 25
    for element in result.elements:
        for ev in element.evidence:
            assert 0 <= ev.start <= ev.end <= len(document)
            assert document[ev.start:ev.end] == ev.text
    for check in result.checks:
        for ev in check.evidence:
            assert document[ev.start:ev.end] == ev.text
    assert 0 <= result.score <= 100
    json.loads(render(result, "json"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_scan_text_never_breaks_its_promises(text: str) -> None:
    _check(text)


def test_edge_cases() -> None:
    for text in ["", " ", "\r\n\r\n", "\x00", "é" * 5, "a\u0308" * 100, "." * 10_000, "\n" * 5000]:
        _check(text)
