"""Annotated copies of an agreement: Word comments, PDF highlights, or an HTML report.

The writers only read a finished :class:`~agreementscan.model.ScanResult` and the source
file; they write to a temporary file that :func:`annotate_file` renames into place, so a
failed or interrupted run never leaves a half-written copy, and never touches the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import limits
from ..engine import Scanner, ScanOptions
from ..errors import UsageError
from ..fileio import atomic_path
from ..model import ScanResult

if TYPE_CHECKING:  # pragma: no cover
    from ..baseline import Baseline
    from ..lexicon.profile import Profile

EXTENSIONS = {"docx": ".docx", "pdf": ".pdf", "txt": ".html", "md": ".html"}
"""Output extension per detected input format: text inputs get the HTML report."""


@dataclass(frozen=True)
class Annotated:
    """What :func:`annotate_file` wrote."""

    path: Path
    kind: str
    """``docx`` (comments), ``pdf`` (highlights) or ``html`` (report)."""
    notes: int
    """Comments or highlights written (evidence spans marked in the HTML report)."""
    result: ScanResult


def default_output(source: Path, fmt: str) -> Path:
    """``<stem>.agreementscan.<ext>`` next to the input."""
    return source.with_name(f"{source.stem}.agreementscan{EXTENSIONS.get(fmt, '.html')}")


def check_target(source: Path, target: Path, *, force: bool) -> None:
    """Refuse to write over the input, or over an existing file without ``force``."""
    try:
        same = target.exists() and source.exists() and target.resolve() == source.resolve()
    except OSError:
        same = False
    if same or target.absolute() == source.absolute():
        raise UsageError(f"{target}: refusing to write the annotated copy over the input file")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; give a file name for the annotated copy")
    if target.exists() and not force:
        raise UsageError(f"{target}: already exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"{target}: folder {target.parent} does not exist")


def annotate_file(source: str | Path, output: str | Path | None = None, *, force: bool = False,
                  language: str = "auto", report_language: str | None = None, password: str | None = None,
                  max_pages: int | None = limits.MAX_PAGES, max_bytes: int | None = limits.MAX_BYTES,
                  max_chars: int | None = limits.MAX_CHARS, profile: Profile | None = None,
                  baseline: Baseline | None = None, timeout: float | None = None,
                  scanner: Scanner | None = None) -> Annotated:
    """Scan ``source`` and write its annotated copy (or HTML report for text inputs).

    ``scanner`` (the CLI passes its own) replaces the language, limit, profile and
    timeout keywords. With a time limit the scan and the writing run in a child process
    that is stopped when time runs out (:class:`~agreementscan.isolation.TimeLimitExceeded`);
    the half-written temporary file is removed and the target is left as it was.
    """
    from ..extract import detect_format

    if scanner is None:
        options = ScanOptions(language=language, report_language=report_language, password=password,
                              max_pages=max_pages, max_bytes=max_bytes, max_chars=max_chars, timeout=timeout)
        scanner = Scanner(options, profile)
    source = Path(source)
    fmt = detect_format(source)
    target = Path(output) if output is not None else default_output(source, fmt)
    check_target(source, target, force=force)
    kind = fmt if fmt in ("docx", "pdf") else "html"
    try:
        with atomic_path(target) as tmp:
            result, notes = scanner.run_limited(_write_copy, scanner, source, tmp, target, kind, baseline,
                                                path=str(source))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    return Annotated(target, kind, notes, result)


def _cannot_write(target: Path, exc: OSError) -> UsageError:
    return UsageError(f"{target}: cannot write the annotated copy ({exc.strerror or exc})")


def _write_copy(scanner: Scanner, source: Path, tmp: Path, target: Path, kind: str,
                baseline: Baseline | None) -> tuple[ScanResult, int]:
    """Scan ``source`` and write the annotated copy into ``tmp``; (result, notes written)."""
    result = scanner.scan_here(source, baseline=baseline)
    password = scanner.options.password
    try:
        if kind == "docx":
            from .docx import annotate_docx

            return result, annotate_docx(result, source, tmp)
        if kind == "pdf":
            from .pdf import annotate_pdf

            return result, annotate_pdf(result, source, tmp, password=password)
        from ..render import render

        tmp.write_text(render([result], "html"), encoding="utf-8")
        return result, sum(len(e.evidence) for e in result.elements)
    except OSError as exc:  # raised in the child: it must cross as our own error
        raise _cannot_write(target, exc) from None

