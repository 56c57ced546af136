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
from .words import (
    check_message,
    gap_words,
    language_of,
    pitfall_tip,
    pitfall_title,
    reason,
    warning_texts,
)

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


def render_markdown(results: Sequence[ScanResult], *, language: str | None = None) -> str:
    """All reports, separated by a horizontal rule; ends with a newline.

    ``language`` words every report in that language (default: each result's own).
    """
    return SEPARATOR.join(_render_one(r, language) for r in results)


def _render_one(result: ScanResult, language: str | None = None) -> str:
    lang = language_of(result, language)
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
    warnings = warning_texts(result, lang)
    if warnings:
        out.append(f"**{t('warnings', lang)}**")
        out.append("")
        out.extend(f"- {md(w)}" for w in warnings)
        out.append("")

    if result.pitfalls:
        out += [f"## {t('score', lang)}", ""]
        out.append(f"| # | {t('pitfall', lang)} | {t('score', lang)} |")
        out.append("|--:|---|--:|")
        for pitfall in result.pitfalls:
            out.append(
                f"| {pitfall.id} | {md(pitfall_title(pitfall, lang, result.checklist))} | "
                f"{t('score_value', lang, score=pitfall.score)} |"
            )
        out.append("")

    for group, elements in elements_by_pitfall(result):
        out.extend(_pitfall(result, group, elements, lang))

    out.extend(_checks(result, result.checks, lang))

    counts = status_counts(result)
    summary = " · ".join(
        f"{md(STATUS_MARKS[s])} {counts[s.value]} {status_label(s, lang)}" for s in STATUS_ORDER
    )
    out += [f"## {t('summary', lang)}", "", summary, ""]
    return "\n".join(out)


def _pitfall(
    result: ScanResult, pitfall: PitfallSummary | None, elements: list[ElementResult], lang: str
) -> list[str]:
    checklist = result.checklist
    if pitfall is None:
        heading = md(t("other_elements", lang))
    else:
        title = t("pitfall_heading", lang, n=pitfall.id, title=plain(pitfall_title(pitfall, lang, checklist)))
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
            why = md(reason(element, lang, checklist))
            if element.suppression is not None:
                why += (f" *{md(t('accepted', lang))}: {md(element.suppression.justification)} "
                        f"({md(element.suppression.date)})*")
            words = gap_words(element, lang, checklist)
            out.append(
                f"| {cell_status} | **{md(words.name or element.id)}** "
                f"| {why} | {_evidence_cell(element, words.searched_for, lang)} |"
            )
        out.append("")

    gaps = [(e, gap_words(e, lang, checklist)) for e in elements if Status(e.status) in (Status.WEAK, Status.MISSING)]
    gaps = [(e, w) for e, w in gaps if w.advice or w.questions]
    if gaps:
        out += [f"**{t('what_to_do', lang)}**", ""]
        for element, words in gaps:
            label = status_label(element.status, lang)
            advice = f" {md(words.advice)}" if words.advice else ""
            out.append(f"- **{md(words.name or element.id)}** ({label}):{advice}")
            if words.questions:
                out.append(f"  - {t('questions', lang)}:")
                out.extend(f"    - {md(q)}" for q in words.questions)
        out.append("")

    tip = pitfall_tip(pitfall, lang, checklist) if pitfall is not None else ""
    if tip:
        out += [f"> **{t('tip', lang)}:** {md(tip)}", ""]
    return out


def _quote(evidence: Evidence, more: int, lang: str) -> str:
    text = t("quote", lang, text=md(snippet(evidence.text, SNIPPET_LIMIT), line_start=False))
    where = location(evidence, lang)
    if where:
        text += f" ({md(where, line_start=False)})"
    if more > 0:
        text += " " + md(t("more_evidence", lang, n=more))
    return text


def _evidence_cell(element: ElementResult, searched_for: tuple[str, ...], lang: str) -> str:
    status = Status(element.status)
    if status.covered and element.evidence:
        return _quote(element.evidence[0], len(element.evidence) - 1, lang)
    if status is Status.MISSING and searched_for:
        searched = ", ".join(md(s) for s in searched_for)
        return f"*{t('searched_for', lang)}: {searched}*"
    return ""


def _checks(result: ScanResult, checks: Sequence[Check], lang: str) -> list[str]:
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
            f"| {severity_label(check.severity, lang)} | {md(check_message(check, lang, result.checklist))} "
            f"| {evidence} |"
        )
    out.append("")
    return out
