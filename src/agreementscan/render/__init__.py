"""Renderers: turn finished :class:`~agreementscan.model.ScanResult` values into text.

Renderers only read results; they never analyse and never print. They do all the wording,
in the language they are given (default: each result's ``report_language``), from the
message catalogue and the checklist (:mod:`.words`). Each output format has one module and
one function ``(results, *, language=None) -> str``; :data:`RENDERERS` maps every
:class:`Format` member to it (a test checks the mapping is complete). Every renderer's
output ends with a newline, so callers can write it as is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum

from ..model import ScanResult
from .html import render_html
from .jsonreport import render_json, report_dict
from .markdown import render_markdown
from .sarif import render_sarif
from .text import render_text

__all__ = ["Format", "RENDERERS", "render", "report_dict"]


class Format(str, Enum):
    """Output formats the CLI offers with ``--format``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    SARIF = "sarif"


RENDERERS: dict[Format, Callable[..., str]] = {
    Format.TEXT: render_text,
    Format.JSON: render_json,
    Format.MARKDOWN: render_markdown,
    Format.HTML: render_html,
    Format.SARIF: render_sarif,
}


def render(
    results: Sequence[ScanResult] | ScanResult,
    fmt: Format | str,
    *,
    color: bool = False,
    width: int = 100,
    language: str | None = None,
) -> str:
    """Render one or more results in ``fmt``; ``color`` and ``width`` apply to text only.

    ``language`` (``nl``, ``en``, ...) words the reports in that language; by default each
    result's ``report_language``. A language without a message catalogue gets English.

    Several results give a JSON array, text/Markdown reports joined by a rule, or one
    HTML page with a section per result.
    An unknown format name raises ValueError listing the known ones.
    """
    try:
        fmt = Format(fmt)
    except ValueError:
        known = ", ".join(f.value for f in Format)
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {known}") from None
    # A single result is accepted too, because that is the common library call.
    batch = [results] if isinstance(results, ScanResult) else list(results)
    from ..errors import surrogates_shown

    # A file name that is not UTF-8 must never make a report unwritable (JSON and SARIF
    # escape those bytes themselves, as JSON text).
    if fmt is Format.TEXT:
        return surrogates_shown(render_text(batch, color=color, width=width, language=language))
    return surrogates_shown(RENDERERS[fmt](batch, language=language))
