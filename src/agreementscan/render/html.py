"""The HTML report: one self-contained page, readable offline and printable.

The page has no script and loads nothing: the CSS is inline and a Content-Security-Policy
meta tag forbids everything else, so even a mistake in escaping could not run code or
phone home. All text reaches the page through Jinja2 with autoescaping on; this module
only prepares plain values (labels, anchors, and the full text cut into tokens) and never
builds markup from document text itself.

The full agreement text is reproduced exactly once, with every evidence span wrapped in a
``<mark id="ev-<element>-<n>">``. Spans may nest or cross (two elements quoting the same
sentence), so the text is cut at every span boundary and the marks are opened and closed
like a stack; a span that crosses another is continued in a second mark without an id,
which keeps ids unique and the text content identical to ``Document.text``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import (
    BlockKind,
    Document,
    ElementResult,
    Evidence,
    ScanResult,
    Severity,
    Status,
)
from .i18n import (
    DEFAULT_LANGUAGE,
    STATUS_ORDER,
    elements_by_pitfall,
    language_name,
    location,
    severity_label,
    snippet,
    status_label,
    t,
)
from .jsonreport import TOOL_NAME, status_counts
from .words import check_message, gap_words, language_of, pitfall_tip, pitfall_title, reason, warning_texts

if TYPE_CHECKING:  # pragma: no cover
    from jinja2 import Environment

__all__ = ["render_html"]

SNIPPET_LIMIT = 240

STATUS_MARKS: dict[Status, str] = {
    Status.PRESENT: "✔",
    Status.WEAK: "◐",
    Status.MISSING: "✘",
    Status.NOT_APPLICABLE: "–",
}
SEVERITY_MARKS: dict[Severity, str] = {
    Severity.ERROR: "✘",
    Severity.WARNING: "!",
    Severity.INFO: "i",
}

# Ids are built from element ids (lexicon data, not document text), but an id with a
# space or a quote would still break the link, so anything unusual becomes a dash.
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def _slug(value: str) -> str:
    return _UNSAFE_ID.sub("-", value).strip("-") or "x"


def _file_name(path: str | None, lang: str) -> str:
    """Only the file name: folders can hold a user name or a client's name."""
    if not path:
        return t("no_path", lang)
    # Split on both separators: a report made on Windows may be rendered elsewhere.
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1] or path


def _score_class(score: int) -> str:
    """Traffic-light band of a 0–100 score, for the gauge colour only (the number is shown)."""
    if score >= 80:
        return "good"
    if score >= 50:
        return "fair"
    return "poor"


# --- the full text, cut into tokens ----------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of the full text to wrap in one tag (evidence, check or heading)."""

    start: int
    end: int
    rank: int
    """Outer first when two spans cover the same text: headings, then evidence, then checks."""
    order: int
    """Position in the input, so equal spans nest the same way every time."""
    tag: str
    anchor: str = ""
    """The id, given only to the first piece of the span."""
    classes: str = ""
    title: str = ""
    href: str = ""
    """Where the small label inside the mark links to (its element); empty for none."""
    ref: str = ""
    """Short label shown by the link, e.g. ``3.2`` for pitfall 3, element 2."""
    label: str = ""
    """Accessible name of the link."""

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.start, -self.end, self.rank, self.order)


@dataclass(frozen=True)
class Token:
    """One step of the full text: ``open`` a span, ``close`` it, or ``text``.

    A ``marker`` is an empty element that shows a page number through CSS, so it adds
    nothing to the text content.
    """

    kind: str
    text: str = ""
    span: Span | None = None
    first: bool = True
    """For ``open``: whether this is the span's first piece (the one with the id)."""


def tokenize(
    text: str, spans: Iterable[Span], markers: dict[int, str] | None = None
) -> list[Token]:
    """Cut ``text`` at every span boundary into open/close/text tokens that nest properly.

    Every span is opened at least once and its first piece carries the id; the text
    tokens concatenate to ``text`` exactly. Work is linear in the text plus the number
    of boundaries times the nesting depth (small in practice).
    """
    size = len(text)
    markers = markers or {}
    clean: list[Span] = []
    for span in spans:
        # Clamp rather than fail: a stale offset must not lose the whole report.
        start = min(max(span.start, 0), size)
        end = min(max(span.end, start), size)
        if (start, end) != (span.start, span.end):
            span = replace(span, start=start, end=end)
        clean.append(span)
    clean.sort(key=lambda s: s.key)
    empty = [s for s in clean if s.start == s.end]
    ranged = [s for s in clean if s.start < s.end]

    bounds = sorted(
        {0, size}
        | {s.start for s in clean}
        | {s.end for s in ranged}
        | {m for m in markers if 0 <= m <= size}
    )
    tokens: list[Token] = []
    stack: list[Span] = []
    active: list[Span] = []
    opened: set[int] = set()
    next_ranged = next_empty = 0
    for i, here in enumerate(bounds):
        active = [s for s in active if s.end > here]
        while next_ranged < len(ranged) and ranged[next_ranged].start <= here:
            active.append(ranged[next_ranged])
            next_ranged += 1
        target = sorted(active, key=lambda s: s.key) if here < size else []
        keep = 0
        while keep < len(stack) and keep < len(target) and stack[keep] is target[keep]:
            keep += 1
        for span in reversed(stack[keep:]):
            tokens.append(Token("close", span=span))
        del stack[keep:]
        if here in markers:
            tokens.append(Token("marker", text=markers[here]))
        while next_empty < len(empty) and empty[next_empty].start <= here:
            span = empty[next_empty]
            next_empty += 1
            tokens.append(Token("open", span=span, first=True))
            tokens.append(Token("close", span=span))
        for span in target[keep:]:
            first = id(span) not in opened
            opened.add(id(span))
            tokens.append(Token("open", span=span, first=first))
            stack.append(span)
        if i + 1 < len(bounds):
            tokens.append(Token("text", text=text[here : bounds[i + 1]]))
    return tokens


# --- view model ----------------------------------------------------------------------


@dataclass
class EvidenceView:
    href: str
    quote: str
    where: str


@dataclass
class ElementView:
    anchor: str
    ref: str
    pitfall_class: str
    name: str
    status: str
    status_label: str
    symbol: str
    severity: str
    reason: str
    evidence: list[EvidenceView]
    gap: bool
    searched_for: tuple[str, ...]
    why: str
    advice: str
    questions: tuple[str, ...]
    accepted: str = ""
    """The baseline justification and date when the finding was accepted."""


@dataclass
class PitfallView:
    anchor: str
    number: int | None
    pitfall_class: str
    heading: str
    title: str
    score: int | None
    score_class: str
    tip: str
    elements: list[ElementView]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class CheckView:
    severity: str
    severity_label: str
    symbol: str
    message: str
    evidence: list[EvidenceView]


@dataclass
class ReportView:
    lang: str
    anchor: str
    prefix: str
    name: str
    format: str
    language: str
    doc_lang: str
    """``lang`` attribute of the full text (empty when mixed or unknown)."""
    pages: int | None
    score: int
    score_class: str
    covered: int
    total: int
    counts: list[tuple[str, str, str, int]]
    """(status value, label, symbol, count) in the usual order."""
    warnings: tuple[str, ...]
    pitfalls: list[PitfallView]
    checks: list[CheckView]
    legend: list[tuple[str, str]]
    has_check_spans: bool
    tokens: list[Token]
    tool_version: str


def _pitfall_class(number: int | None) -> str:
    return f"p{number}" if number in (1, 2, 3, 4, 5) else "p0"


def _evidence_views(
    items: Sequence[Evidence], anchor: Callable[[int], str], lang: str
) -> list[EvidenceView]:
    return [
        EvidenceView(f"#{anchor(n)}", snippet(ev.text, SNIPPET_LIMIT), location(ev, lang))
        for n, ev in enumerate(items, start=1)
    ]


def _report_view(result: ScanResult, prefix: str, language: str | None = None) -> ReportView:
    from ..lexicon import LANGUAGES

    lang = language_of(result, language)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    checklist = result.checklist
    document: Document = result.document

    def ev_id(element: ElementResult, n: int) -> str:
        return f"{prefix}ev-{_slug(element.id)}-{n}"

    spans: list[Span] = []
    pitfalls: list[PitfallView] = []
    order = 0
    for position, (pitfall, elements) in enumerate(elements_by_pitfall(result), start=1):
        number = pitfall.id if pitfall is not None else None
        pclass = _pitfall_class(number)
        views: list[ElementView] = []
        for index, element in enumerate(elements, start=1):
            status = Status(element.status)
            words = gap_words(element, lang, checklist)
            name = words.name or element.id
            ref = f"{number if number is not None else position}.{index}"
            anchor = f"{prefix}el-{_slug(element.id)}"
            for n, ev in enumerate(element.evidence, start=1):
                spans.append(
                    Span(
                        start=ev.start,
                        end=ev.end,
                        rank=1,
                        order=order,
                        tag="mark",
                        anchor=ev_id(element, n),
                        classes=f"ev {pclass} s-{status.value}",
                        title=f"{ref} {name} ({status_label(status, lang)})",
                        href=f"#{anchor}",
                        ref=ref,
                        label=t("html.back_to_element", lang, ref=ref, name=name),
                    )
                )
                order += 1
            gap = status in (Status.WEAK, Status.MISSING)
            views.append(
                ElementView(
                    anchor=anchor,
                    ref=ref,
                    pitfall_class=pclass,
                    name=name,
                    status=status.value,
                    status_label=status_label(status, lang),
                    symbol=STATUS_MARKS[status],
                    severity=Severity(element.severity).value,
                    reason=reason(element, lang, checklist),
                    evidence=_evidence_views(
                        element.evidence, functools.partial(ev_id, element), lang
                    ),
                    gap=gap,
                    searched_for=words.searched_for if gap else (),
                    why=pitfall_tip(pitfall, lang, checklist) if gap and pitfall is not None else "",
                    advice=words.advice if gap else "",
                    questions=words.questions if gap else (),
                    accepted=(f"{element.suppression.justification} ({element.suppression.date})"
                              if element.suppression is not None else ""),
                )
            )
        counts = {s.value: 0 for s in STATUS_ORDER}
        for view in views:
            counts[view.status] += 1
        if pitfall is None:
            heading, title = t("other_elements", lang), t("other_elements", lang)
        else:
            title = pitfall_title(pitfall, lang, checklist)
            heading = t("pitfall_heading", lang, n=pitfall.id, title=title)
        pitfalls.append(
            PitfallView(
                anchor=f"{prefix}pitfall-{number if number is not None else 'other'}",
                number=number,
                pitfall_class=pclass,
                heading=heading,
                title=title,
                score=pitfall.score if pitfall is not None else None,
                score_class=_score_class(pitfall.score) if pitfall is not None else "",
                tip=pitfall_tip(pitfall, lang, checklist) if pitfall is not None else "",
                elements=views,
                counts=counts,
            )
        )

    checks: list[CheckView] = []
    for c, check in enumerate(result.checks, start=1):
        severity = Severity(check.severity)
        text = check_message(check, lang, checklist)

        def ck_id(n: int, c: int = c) -> str:
            return f"{prefix}ck-{c}-{n}"

        for n, ev in enumerate(check.evidence, start=1):
            spans.append(
                Span(
                    start=ev.start,
                    end=ev.end,
                    rank=2,
                    order=order,
                    tag="span",
                    anchor=ck_id(n),
                    classes=f"ck sev-{severity.value}",
                    title=f"{t('html.check_span', lang)}: {text}",
                )
            )
            order += 1
        checks.append(
            CheckView(
                severity=severity.value,
                severity_label=severity_label(severity, lang),
                symbol=SEVERITY_MARKS[severity],
                message=text,
                evidence=_evidence_views(check.evidence, ck_id, lang),
            )
        )

    # Headings in bold make the long text easy to scan; they are the outermost spans.
    for block in document.blocks:
        if BlockKind(block.kind) is BlockKind.HEADING and block.start < block.end:
            spans.append(
                Span(block.start, block.end, rank=0, order=order, tag="span", classes="hd")
            )
            order += 1

    markers: dict[int, str] = {}
    if document.pages:
        seen = {1}
        for block in sorted(document.blocks, key=lambda b: b.start):
            if block.page is not None and block.page not in seen:
                seen.add(block.page)
                markers.setdefault(block.start, t("loc.page", lang, n=block.page))

    counts = status_counts(result)
    covered = counts[Status.PRESENT.value] + counts[Status.WEAK.value]
    applicable = len(result.elements) - counts[Status.NOT_APPLICABLE.value]
    return ReportView(
        lang=lang,
        anchor=f"{prefix}report",
        prefix=prefix,
        name=_file_name(document.path, lang),
        format=document.format,
        language=language_name(result.language, lang),
        doc_lang=result.language if result.language in ("nl", "en") else "",
        pages=document.pages,
        score=result.score,
        score_class=_score_class(result.score),
        covered=covered,
        total=applicable,
        counts=[
            (s.value, status_label(s, lang), STATUS_MARKS[s], counts[s.value])
            for s in STATUS_ORDER
        ],
        warnings=warning_texts(result, lang),
        pitfalls=pitfalls,
        checks=checks,
        legend=[(p.pitfall_class, p.heading) for p in pitfalls if p.number is not None],
        has_check_spans=any(c.evidence for c in checks),
        tokens=tokenize(document.text, spans, markers),
        tool_version=result.tool_version,
    )


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Imported here so that the other report formats do not pay for Jinja2.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("agreementscan.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(results: Sequence[ScanResult], *, language: str | None = None) -> str:
    """One HTML page with a report section per result; ends with a newline.

    ``language`` words every report in that language (default: each result's own).
    """
    several = len(results) > 1
    reports = [
        _report_view(result, f"r{k}-" if several else "", language)
        for k, result in enumerate(results, start=1)
    ]
    lang = reports[0].lang if reports else DEFAULT_LANGUAGE
    version = reports[0].tool_version if reports else ""
    if not version:
        from ..version import __version__ as version
    page = _environment().get_template("report.html.j2").render(
        reports=reports,
        lang=lang,
        several=several,
        tool=TOOL_NAME,
        version=version,
        t=t,
    )
    return page.rstrip("\n") + "\n"
