"""The library API: what the CLI, the tests and other programs call."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from typing import TYPE_CHECKING

from . import limits
from .errors import AgreementscanError, ExtractionError
from .model import ScanResult

if TYPE_CHECKING:  # pragma: no cover
    from .baseline import Baseline
    from .lexicon.profile import Profile


SUPPORTED_SUFFIXES = (".pdf", ".docx", ".docm", ".txt", ".md", ".markdown", ".text")


def scan_text(text: str, *, language: str = "auto", report_language: str | None = None,
              path: str | None = None, profile: Profile | None = None,
              baseline: Baseline | None = None) -> ScanResult:
    """Scan agreement text given as a string (normalised to NFC with ``\\n`` line ends)."""
    from .analyse import analyse
    from .extract import document_from_text, normalise_text

    normalised = normalise_text(text)
    sha = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    document = document_from_text(normalised, path=path, fmt="txt", sha256=sha)
    return _finish(analyse(document, language=language, report_language=report_language, profile=profile), baseline)


def scan_file(path: str | Path, *, language: str = "auto", report_language: str | None = None,
              password: str | None = None, max_pages: int | None = None,
              max_bytes: int | None = limits.MAX_BYTES, max_chars: int | None = limits.MAX_CHARS,
              profile: Profile | None = None, baseline: Baseline | None = None,
              timeout: float | None = None) -> ScanResult:
    """Extract and scan one agreement file (PDF, DOCX, TXT or MD).

    ``profile`` layers playbooks, disabled elements and severities on the built-in lexicons
    (:func:`agreementscan.lexicon.profile.load_profile`); ``baseline`` marks accepted
    findings of this exact document as suppressed. With ``timeout`` (seconds) the document
    is scanned in a child process that is stopped when time runs out, raising
    :class:`~agreementscan.isolation.TimeLimitExceeded`; nothing inside can delay or
    swallow that.
    """
    if timeout is None:
        return _scan_file_here(path, language, report_language, password, max_pages, max_bytes, max_chars,
                               profile, baseline)
    from .isolation import run_isolated

    _warm(profile)
    result = run_isolated(_scan_file_here, path, language, report_language, password, max_pages, max_bytes,
                          max_chars, profile, baseline, timeout=timeout, path=str(path))
    _SEEN_LANGUAGES.add(result.language)
    return result


_SEEN_LANGUAGES: set[str] = set()
"""Languages of documents scanned in child processes so far (see :func:`_warm`)."""


def _warm(profile: Profile | None) -> None:
    """Build, here, the pipelines of the languages earlier documents needed.

    A child process is forked from this one, so what is built here is built once for all
    later documents. The first document builds only what it needs, in its child: a single
    scan pays nothing extra.
    """
    if _SEEN_LANGUAGES:
        from .analyse import warm

        warm(_SEEN_LANGUAGES, profile)


def _scan_file_here(path: str | Path, language: str, report_language: str | None, password: str | None,
                    max_pages: int | None, max_bytes: int | None, max_chars: int | None, profile: Profile | None,
                    baseline: Baseline | None) -> ScanResult:
    from .analyse import analyse
    from .extract import extract

    document = extract(path, password=password, max_pages=max_pages, max_bytes=max_bytes, max_chars=max_chars)
    if max_chars is not None and len(document.text) > max_chars:
        raise ExtractionError(path, f"text has {len(document.text):,} characters, more than the --max-chars "
                                    f"limit of {max_chars:,}")
    return _finish(analyse(document, language=language, report_language=report_language, profile=profile), baseline)


def _finish(result: ScanResult, baseline: Baseline | None) -> ScanResult:
    if baseline is None:
        return result
    from .baseline import apply_baseline

    return apply_baseline(result, baseline)


def iter_files(paths: Iterable[str | Path], *, recursive: bool = True) -> Iterator[Path]:
    """Supported files under ``paths`` (files are passed through as given), sorted per folder."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            for child in sorted(path.glob(pattern)):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


def scan_folder(paths: str | Path | Iterable[str | Path], *, language: str = "auto",
                report_language: str | None = None, recursive: bool = True, include: Iterable[str] = (),
                exclude: Iterable[str] = (), jobs: int | None = None, timeout: float | None = limits.TIMEOUT,
                password: str | None = None, max_pages: int | None = limits.MAX_PAGES,
                max_bytes: int | None = limits.MAX_BYTES,
                ) -> Iterator[tuple[Path, ScanResult | AgreementscanError]]:
    """Scan every supported file under ``paths``; yield (path, result or error) as each finishes.

    A file that cannot be read (or that hangs past ``timeout`` seconds, or crashes its
    worker) yields an :class:`AgreementscanError` instead of stopping the run. Files run in
    ``jobs`` worker processes (default: one per CPU; ``0`` scans in this process, without
    timeouts). Unsupported formats are left out; see :mod:`agreementscan.batch` for the
    engine with skipped files, a results store and HTML reports.
    """
    from .batch import Batch, ScanOptions, discover

    if isinstance(paths, (str, Path)):
        paths = [paths]
    options = ScanOptions(language=language, report_language=report_language, password=password,
                          max_pages=max_pages, max_bytes=max_bytes)
    entries = discover(paths, recursive=recursive, include=include, exclude=exclude)
    batch = Batch(entries, options, jobs=jobs, timeout=timeout, want="result")
    iterator = iter(batch)
    try:
        for item in iterator:
            if item.status == "ok" and item.result is not None:
                yield Path(item.path), item.result
            elif item.status == "error":
                yield Path(item.path), item.exception()
    finally:
        # Abandoning the loop early stops the workers too.
        iterator.close()  # type: ignore[attr-defined]
