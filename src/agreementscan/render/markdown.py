"""The Markdown report (GitHub-flavoured: pipe tables).

All text that comes from the document or the analysis goes through :func:`md`, which
flattens it to one line and escapes what Markdown or embedded HTML would interpret:
an agreement quoting ``<script>`` or a table cell holding ``|`` must show up literally.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Check, ElementResult, Evidence, PitfallSummary, ScanResult, Status
from .i18n import (
    STATUS_ORDER,
    elements_by_pitfall,
    language_name,
    location,
    plain,
    severity_label,
    snippet,
    status_label,
    t,
)
from .jsonreport import status_counts

SNIPPET_LIMIT = 160
SEPARATOR = "\n---\n\n"

STATUS_MARKS: dict[Status, str] = {
    Status.PRESENT: "✔",
    Status.WEAK: "~",
    Status.MISSING: "✘",
    Status.NOT_APPLICABLE: "–",
}

# Characters with inline meaning; CommonMark lets any ASCII punctuation be escaped.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
# At the start of a line these would open a heading, a list or a setext underline.
_LEADING_MARK = re.compile(r"^([#+=-])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")


def md(text: str, *, line_start: bool = True) -> str:
    """One line of literal text, safe inside a paragraph, list item or table cell.

    ``line_start=False`` skips the escapes that only matter at the start of a line,
    for text that always follows other text (keeps ``0.1.0`` readable in the source).
    """
    flat = plain(text)
    # As entities, not backslashes: raw HTML such as <script> is passed through by most
    # Markdown renderers, and a backslash does not stop that.
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    if not line_start:
        return flat
    flat = _LEADING_MARK.sub(r"\\\1", flat)
    return _LEADING_NUMBER.sub(r"\1\\\2", flat)


def render_markdown(results: Sequence[ScanResult]) -> str:
    """All reports, separated by a horizontal rule; ends with a newline."""
    return SEPARATOR.join(_render_one(r) for r in results)


def _render_one(result: ScanResult) -> str:
    lang = result.report_language
    document = result.document
    name = document.path if document.path else t("no_path", lang)
    out: list[str] = [f"# {md(t('title', lang))}: {md(name)}", ""]
    out.append(f"- **{t('format', lang)}:** {md(document.format)}")
    out.append(f"- **{t('language', lang)}:** {md(language_name(result.language, lang))}")
    if document.pages is not None:
        out.append(f"- **{t('pages', lang)}:** {document.pages}")
    out.append(
        f"- **{t('overall_score', lang)}:** {t('score_value', lang, score=result.score)}"
    )
    out.append(f"- agreementscan {md(result.tool_version, line_start=False)}")
    out.append("")
    if result.warnings:
        out.append(f"**{t('warnings', lang)}**")
        out.append("")
        out.extend(f"- {md(w)}" for w in result.warnings)
        out.append("")

    if result.pitfalls:
        out += [f"## {t('score', lang)}", ""]
        out.append(f"| # | {t('pitfall', lang)} | {t('score', lang)} |")
        out.append("|--:|---|--:|")
        for pitfall in result.pitfalls:
            out.append(
                f"| {pitfall.id} | {md(pitfall.title)} | "
                f"{t('score_value', lang, score=pitfall.score)} |"
            )
        out.append("")

    for pitfall, elements in elements_by_pitfall(result):
        out.extend(_pitfall(pitfall, elements, lang))

    out.extend(_checks(result.checks, lang))

    counts = status_counts(result)
    summary = " · ".join(
        f"{md(STATUS_MARKS[s])} {counts[s.value]} {status_label(s, lang)}" for s in STATUS_ORDER
    )
    out += [f"## {t('summary', lang)}", "", summary, ""]
    return "\n".join(out)


def _pitfall(
    pitfall: PitfallSummary | None, elements: list[ElementResult], lang: str
) -> list[str]:
    if pitfall is None:
        heading = md(t("other_elements", lang))
    else:
        title = t("pitfall_heading", lang, n=pitfall.id, title=plain(pitfall.title))
        heading = f"{md(title)} ({t('score_value', lang, score=pitfall.score)})"
    out = [f"## {heading}", ""]
    if elements:
        out.append(
            f"| {t('status', lang)} | {t('element', lang)} | {t('reason', lang)} "
            f"| {t('evidence', lang)} |"
        )
        out.append("|---|---|---|---|")
        for element in elements:
            status = Status(element.status)
            cell_status = f"{md(STATUS_MARKS[status])} {status_label(status, lang)}"
            reason = md(element.reason)
            if element.suppression is not None:
                reason += (f" *{md(t('accepted', lang))}: {md(element.suppression.justification)} "
                           f"({md(element.suppression.date)})*")
            out.append(
                f"| {cell_status} | **{md(element.name or element.id)}** "
                f"| {reason} | {_evidence_cell(element, lang)} |"
            )
        out.append("")

    gaps = [e for e in elements if Status(e.status) in (Status.WEAK, Status.MISSING)]
    gaps = [e for e in gaps if e.advice or e.questions]
    if gaps:
        out += [f"**{t('what_to_do', lang)}**", ""]
        for element in gaps:
            label = status_label(element.status, lang)
            advice = f" {md(element.advice)}" if element.advice else ""
            out.append(f"- **{md(element.name or element.id)}** ({label}):{advice}")
            if element.questions:
                out.append(f"  - {t('questions', lang)}:")
                out.extend(f"    - {md(q)}" for q in element.questions)
        out.append("")

    if pitfall is not None and pitfall.tip:
        out += [f"> **{t('tip', lang)}:** {md(pitfall.tip)}", ""]
    return out


def _quote(evidence: Evidence, more: int, lang: str) -> str:
    text = t("quote", lang, text=md(snippet(evidence.text, SNIPPET_LIMIT), line_start=False))
    where = location(evidence, lang)
    if where:
        text += f" ({md(where, line_start=False)})"
    if more > 0:
        text += " " + md(t("more_evidence", lang, n=more))
    return text


def _evidence_cell(element: ElementResult, lang: str) -> str:
    status = Status(element.status)
    if status.covered and element.evidence:
        return _quote(element.evidence[0], len(element.evidence) - 1, lang)
    if status is Status.MISSING and element.searched_for:
        searched = ", ".join(md(s) for s in element.searched_for)
        return f"*{t('searched_for', lang)}: {searched}*"
    return ""


def _checks(checks: Sequence[Check], lang: str) -> list[str]:
    out = [f"## {t('checks', lang)}", ""]
    if not checks:
        return out + [t("no_checks", lang), ""]
    out.append(f"| {t('severity', lang)} | {t('message', lang)} | {t('evidence', lang)} |")
    out.append("|---|---|---|")
    for check in checks:
        evidence = ""
        if check.evidence:
            evidence = _quote(check.evidence[0], len(check.evidence) - 1, lang)
        out.append(
            f"| {severity_label(check.severity, lang)} | {md(check.message)} | {evidence} |"
        )
    out.append("")
    return out
