"""The terminal report, laid out with rich and returned as a string.

Every piece of text goes in as a :class:`rich.text.Text`, never as a markup string, and
the console has markup and emoji codes switched off: document text such as ``[bold]``
or ``:warning:`` must come out literally. Without colour the console is not a terminal,
so rich writes no escape codes at all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..model import (
    Check,
    ElementResult,
    Evidence,
    PitfallSummary,
    ScanResult,
    Severity,
    Status,
)
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

STATUS_MARKS: dict[Status, str] = {
    Status.PRESENT: "✔",
    Status.WEAK: "~",
    Status.MISSING: "✘",
    Status.NOT_APPLICABLE: "–",
}
STATUS_STYLES: dict[Status, str] = {
    Status.PRESENT: "green",
    Status.WEAK: "yellow",
    Status.MISSING: "red",
    Status.NOT_APPLICABLE: "dim",
}
SEVERITY_STYLES: dict[str, str] = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render_text(
    results: Sequence[ScanResult], *, color: bool = False, width: int = 100, language: str | None = None
) -> str:
    """All reports, separated by a horizontal rule; ends with a newline.

    ``language`` words every report in that language (default: each result's own).
    """
    separator = "\n" + "─" * width + "\n\n"
    return separator.join(_render_one(r, color=color, width=width, language=language) for r in results)


def _render_one(result: ScanResult, *, color: bool, width: int, language: str | None = None) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    lang = language_of(result, language)
    for renderable in _report(result, lang):
        console.print(renderable)
    out = buffer.getvalue()
    # Tables pad their rows to full width; trailing blanks only make diffs noisy.
    return "\n".join(line.rstrip() for line in out.splitlines()) + "\n"


def _report(result: ScanResult, lang: str) -> list[object]:
    parts: list[object] = [*_header(result, lang)]
    for pitfall, elements in elements_by_pitfall(result):
        parts.append(Text())
        parts.extend(_pitfall(result, pitfall, elements, lang))
    parts.append(Text())
    parts.extend(_checks(result, result.checks, lang))
    parts.append(Text())
    parts.append(_summary(result, lang))
    return parts


def _score_text(score: int, lang: str) -> Text:
    # A ten-cell bar reads faster than the number alone when scanning five pitfalls.
    cells = max(0, min(10, round(score / 10)))
    style = "green" if score >= 75 else "yellow" if score >= 50 else "red"
    return Text.assemble(
        ("█" * cells, style),
        ("░" * (10 - cells), "dim"),
        " ",
        (t("score_value", lang, score=score), f"bold {style}"),
    )


def _header(result: ScanResult, lang: str) -> list[object]:
    document = result.document
    title = Text()
    title.append(t("title", lang), style="bold")
    title.append(f"  (agreementscan {plain(result.tool_version)})", style="dim")
    facts = Text()
    fields: list[tuple[str, str]] = [
        (t("file", lang), plain(document.path) if document.path else t("no_path", lang)),
        (t("format", lang), plain(document.format)),
        (t("language", lang), language_name(result.language, lang)),
    ]
    if document.pages is not None:
        fields.append((t("pages", lang), str(document.pages)))
    for i, (label, value) in enumerate(fields):
        if i:
            facts.append("   ")
        facts.append(f"{label}: ", style="bold")
        facts.append(value)
    score = Text.assemble(
        (f"{t('overall_score', lang)}: ", "bold"), _score_text(result.score, lang)
    )
    parts: list[object] = [title, facts, score]
    warnings = warning_texts(result, lang)
    if warnings:
        parts.append(Text(f"{t('warnings', lang)}:", style="bold yellow"))
        for warning in warnings:
            parts.append(Padding(Text(f"! {plain(warning)}", style="yellow"), (0, 0, 0, 2)))
    return parts


def _pitfall(
    result: ScanResult, pitfall: PitfallSummary | None, elements: list[ElementResult], lang: str
) -> list[object]:
    if pitfall is None:
        heading = Text(t("other_elements", lang), style="bold underline")
    else:
        heading = Text()
        heading.append(
            t("pitfall_heading", lang, n=pitfall.id, title=plain(pitfall_title(pitfall, lang, result.checklist))),
            style="bold underline",
        )
        heading.append("  ")
        heading.append_text(_score_text(pitfall.score, lang))
    parts: list[object] = [heading]

    # A grid gives a hanging indent: wrapped reasons and evidence stay right of the mark.
    label_width = max(len(status_label(s, lang)) for s in STATUS_ORDER) + 2
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=label_width, no_wrap=True)
    grid.add_column(ratio=1)
    for element in elements:
        grid.add_row(_status_cell(element.status, lang), _element_cell(result, element, lang))
    if elements:
        parts.append(Padding(grid, (0, 0, 0, 2)))
    tip_text = pitfall_tip(pitfall, lang, result.checklist) if pitfall is not None else ""
    if tip_text:
        tip = Text.assemble((f"{t('tip', lang)}: ", "bold"), plain(tip_text))
        parts.append(Padding(tip, (0, 0, 0, 2)))
    return parts


def _status_cell(status: Status, lang: str) -> Text:
    status = Status(status)
    style = STATUS_STYLES[status]
    return Text(f"{STATUS_MARKS[status]} {status_label(status, lang)}", style=style)


def _element_cell(result: ScanResult, element: ElementResult, lang: str) -> Group:
    status = Status(element.status)
    words = gap_words(element, lang, result.checklist)
    name = plain(words.name) or element.id
    why = reason(element, lang, result.checklist)
    first = Text()
    first.append(name, style="bold")
    if why:
        first.append(" — ")
        first.append(plain(why))
    lines: list[Text] = [first]
    if status.covered and element.evidence:
        lines.append(_evidence_line(element.evidence[0], len(element.evidence) - 1, lang))
    if element.suppression is not None:
        lines.append(Text.assemble((f"{t('accepted', lang)}: ", "bold cyan"),
                                   f"{plain(element.suppression.justification)} ({element.suppression.date})"))
    if status in (Status.WEAK, Status.MISSING):
        if status is Status.MISSING and words.searched_for:
            searched = ", ".join(plain(s) for s in words.searched_for)
            lines.append(Text(f"{t('searched_for', lang)}: {searched}", style="dim"))
        if words.advice:
            lines.append(
                Text.assemble((f"{t('what_to_do', lang)}: ", "bold"), plain(words.advice))
            )
        if words.questions:
            lines.append(Text(f"{t('questions', lang)}:", style="bold"))
            lines.extend(Text(f"  ? {plain(q)}") for q in words.questions)
    return Group(*lines)


def _evidence_line(evidence: Evidence, more: int, lang: str) -> Text:
    line = Text()
    line.append(f"{t('evidence', lang)}: ", style="dim")
    line.append(t("quote", lang, text=snippet(evidence.text, SNIPPET_LIMIT)), style="italic")
    where = location(evidence, lang)
    if where:
        line.append(f" ({where})", style="dim")
    if more > 0:
        line.append(" " + t("more_evidence", lang, n=more), style="dim")
    return line


def _checks(result: ScanResult, checks: Sequence[Check], lang: str) -> list[object]:
    parts: list[object] = [Text(t("checks", lang), style="bold underline")]
    if not checks:
        parts.append(Padding(Text(t("no_checks", lang)), (0, 0, 0, 2)))
        return parts
    label_width = max(len(severity_label(s, lang)) for s in SEVERITY_STYLES) + 2
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=label_width, no_wrap=True)
    grid.add_column(ratio=1)
    for check in checks:
        severity = severity_label(check.severity, lang)
        style = SEVERITY_STYLES.get(Severity(check.severity).value, "")
        lines: list[Text] = [Text(plain(check_message(check, lang, result.checklist)))]
        if check.evidence:
            lines.append(_evidence_line(check.evidence[0], len(check.evidence) - 1, lang))
        grid.add_row(Text(severity.upper(), style=style), Group(*lines))
    parts.append(Padding(grid, (0, 0, 0, 2)))
    return parts


def _summary(result: ScanResult, lang: str) -> Text:
    counts = status_counts(result)
    line = Text()
    line.append(f"{t('summary', lang)}: ", style="bold")
    for i, status in enumerate(STATUS_ORDER):
        if i:
            line.append(" · ")
        line.append(
            f"{STATUS_MARKS[status]} {counts[status.value]} {status_label(status, lang)}",
            style=STATUS_STYLES[status],
        )
    return line
