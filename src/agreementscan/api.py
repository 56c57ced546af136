"""The library API: a thin facade over :class:`agreementscan.engine.Scanner`.

Each call builds :class:`~agreementscan.engine.ScanOptions` from its keyword arguments and
reuses a scanner for the same options, so a loop of ``scan_text`` calls compiles the
lexicons and matchers once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import limits
from .engine import ScanOptions, scanner_for
from .errors import AgreementscanError
from .model import ScanResult

if TYPE_CHECKING:  # pragma: no cover
    from .baseline import Baseline
    from .lexicon.profile import Profile


SUPPORTED_SUFFIXES = (".pdf", ".docx", ".docm", ".txt", ".md", ".markdown", ".text")


def _options(language: str, report_language: str | None, **limits_given: Any) -> ScanOptions:
    return ScanOptions(language=language, report_language=report_language, **limits_given)


def scan_text(text: str, *, language: str = "auto", report_language: str | None = None,
              path: str | None = None, profile: Profile | None = None,
              baseline: Baseline | None = None) -> ScanResult:
    """Scan agreement text given as a string (normalised to NFC with ``\\n`` line ends)."""
    scanner = scanner_for(_options(language, report_language, timeout=None), profile)
    return scanner.scan_text(text, path=path, baseline=baseline)


def scan_file(path: str | Path, *, language: str = "auto", report_language: str | None = None,
              password: str | None = None, max_pages: int | None = limits.MAX_PAGES,
              max_bytes: int | None = limits.MAX_BYTES, max_chars: int | None = limits.MAX_CHARS,
              profile: Profile | None = None, baseline: Baseline | None = None,
              timeout: float | None = None) -> ScanResult:
    """Extract and scan one agreement file (PDF, DOCX, TXT or MD).

    ``profile`` layers playbooks, disabled elements and severities on the built-in lexicons
    (:func:`agreementscan.lexicon.profile.load_profile`); ``baseline`` marks accepted
    findings of this exact document as suppressed. With ``timeout`` (seconds) the document
    is scanned in a child process that is stopped when time runs out, raising
    :class:`~agreementscan.isolation.TimeLimitExceeded`; nothing inside can delay or
    swallow that. Without it the scan runs here: a library call starts no process unasked
    (a Dask or Spark worker may not be allowed to). The other limits are those of
    :class:`~agreementscan.engine.ScanOptions`, the same as the CLI's.
    """
    options = _options(language, report_language, password=password, max_pages=max_pages, max_bytes=max_bytes,
                       max_chars=max_chars, timeout=timeout)
    return scanner_for(options, profile).scan(path, baseline=baseline)


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
    from .batch import Batch, discover

    if isinstance(paths, (str, Path)):
        paths = [paths]
    options = _options(language, report_language, password=password, max_pages=max_pages, max_bytes=max_bytes,
                       timeout=timeout)
    entries = discover(paths, recursive=recursive, include=include, exclude=exclude)
    batch = Batch(entries, options, jobs=jobs, want="result")
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
