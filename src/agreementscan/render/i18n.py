"""How the reports present things: labels, excerpts, locations, grouping by pitfall.

The words themselves come from the message catalogue (:mod:`agreementscan.render.words`,
``lexicons/<lang>/messages.toml``); this module holds the small presentation helpers the
text, Markdown and HTML reports share, so that they all say things the same way.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import (
    ElementResult,
    Evidence,
    PitfallSummary,
    ScanResult,
    Severity,
    Status,
)
from .words import DEFAULT_LANGUAGE, message

__all__ = ["DEFAULT_LANGUAGE", "STATUS_ORDER", "elements_by_pitfall", "language_name", "location", "plain",
           "severity_label", "snippet", "status_label", "t"]

# Order in which statuses are counted and listed everywhere (JSON summary included).
STATUS_ORDER: tuple[Status, ...] = (
    Status.PRESENT,
    Status.WEAK,
    Status.MISSING,
    Status.NOT_APPLICABLE,
)


def t(key: str, lang: str, **kw: object) -> str:
    """Return the message ``key`` in ``lang`` (English if unknown), filled with ``kw``.

    An unknown key raises KeyError: a typo should fail a test, not print a blank.
    """
    return message(key, lang, **kw)


def status_label(status: Status | str, lang: str) -> str:
    """The status word, e.g. ``ontbreekt`` for missing in Dutch."""
    return t(f"status.{Status(status).value}", lang)


def severity_label(severity: Severity | str, lang: str) -> str:
    """The severity word, e.g. ``waarschuwing`` for warning in Dutch."""
    return t(f"severity.{Severity(severity).value}", lang)


def language_name(code: str, lang: str) -> str:
    """Name of a document language code (``nl``, ``en``, ``mixed``) in ``lang``."""
    try:
        return t(f"lang.{code}", lang)
    except KeyError:
        return code


# C0/C1 control characters (ESC above all) must never reach a terminal or a Markdown
# file from document text: they could forge colours or hide text.
_WHITESPACE = re.compile(r"\s+")


def plain(text: str) -> str:
    """Collapse whitespace and drop control and format characters (bidi overrides too)."""
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return _WHITESPACE.sub(" ", cleaned).strip()


def snippet(text: str, limit: int = 160) -> str:
    """A one-line excerpt of ``text``, cut to ``limit`` characters with "…"."""
    flat = plain(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    # Prefer ending at a word boundary unless that would throw away too much.
    space = cut.rfind(" ")
    if space >= limit * 0.75:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def location(evidence: Evidence, lang: str, *, section_limit: int = 60) -> str:
    """Where evidence stands, e.g. ``page 3, paragraph 12, section “4. Termination”``."""
    parts: list[str] = []
    if evidence.page is not None:
        parts.append(t("loc.page", lang, n=evidence.page))
    if evidence.paragraph is not None:
        parts.append(t("loc.paragraph", lang, n=evidence.paragraph))
    if evidence.line is not None:
        parts.append(t("loc.line", lang, n=evidence.line))
    if evidence.section:
        name = snippet(evidence.section, section_limit)
        if name:
            parts.append(t("loc.section", lang, name=name))
    return ", ".join(parts)


def elements_by_pitfall(
    result: ScanResult,
) -> list[tuple[PitfallSummary | None, list[ElementResult]]]:
    """Elements grouped under their pitfall, in the result's order.

    Elements whose pitfall has no summary come last under ``None`` rather than being
    dropped: a report must never hide a finding.
    """
    groups: dict[int, list[ElementResult]] = {p.id: [] for p in result.pitfalls}
    orphans: list[ElementResult] = []
    for element in result.elements:
        groups.get(element.pitfall, orphans).append(element)
    ordered: list[tuple[PitfallSummary | None, list[ElementResult]]] = [
        (p, groups[p.id]) for p in result.pitfalls
    ]
    if orphans:
        ordered.append((None, orphans))
    return ordered
