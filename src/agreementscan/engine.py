"""The scanner engine: one frozen set of options in, ``ScanResult`` values out.

Every client builds a :class:`Scanner` from :class:`ScanOptions` and asks it to scan: the
library API (:mod:`agreementscan.api`), batch workers, ``annotate``, ``eval``, ``baseline``
and ``lexicon test``. The scanner owns what is expensive to build and must not be built
twice: the lexicon profile, the token matchers, and the warm-up of the spaCy pipelines
before a time-limited child process is forked.

This module sits on a low floor: it imports extraction, the lexicons and the analysis,
and nothing of the API, the CLI, batch, annotate or evaluate (a test checks the graph).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import limits
from .errors import ExtractionError

if TYPE_CHECKING:  # pragma: no cover
    from .analyse import Matchers
    from .baseline import Baseline
    from .lexicon.profile import Profile
    from .model import Document, ScanResult


@dataclass(frozen=True)
class ScanOptions:
    """Everything that decides how one document is scanned, with the one set of defaults.

    The CLI (flags over the configuration file), the library API, batch and annotate all
    build this value; the limits come from :mod:`agreementscan.limits`. ``timeout=None``
    scans in the calling process without a time limit (what ``jobs=0`` batches and
    library calls without ``timeout=`` get); any number runs each document in a child
    process that is killed when the time is up. ``max_*=None`` lifts that limit.
    """

    language: str = "auto"
    report_language: str | None = None
    playbooks: tuple[str, ...] = ()
    """Playbook folders layered on the built-in lexicons, in order (absolute paths)."""
    disable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    """Severity overrides as sorted (element id, severity) pairs."""
    password: str | None = None
    max_bytes: int | None = limits.MAX_BYTES
    max_pages: int | None = limits.MAX_PAGES
    max_chars: int | None = limits.MAX_CHARS
    timeout: float | None = limits.TIMEOUT

    @classmethod
    def build(cls, *, playbooks: Iterable[str | Path] = (), disable: Iterable[str] = (),
              severity: Mapping[str, Any] | None = None, **values: Any) -> ScanOptions:
        """Options from loose values: playbook paths resolved, severities as sorted pairs."""
        levels = tuple(sorted((k, getattr(v, "value", v)) for k, v in (severity or {}).items()))
        return cls(playbooks=tuple(str(Path(p).resolve()) for p in playbooks), disable=tuple(disable),
                   severity=levels, **values)

    def with_(self, **changes: Any) -> ScanOptions:
        """A copy with some fields changed (the value itself is frozen)."""
        return replace(self, **changes)

    @property
    def has_profile(self) -> bool:
        """True when playbooks, disabled elements or severity overrides change the lexicons."""
        return bool(self.playbooks or self.disable or self.severity)

    def load_profile(self) -> Profile:
        """The lexicon profile these options ask for (cached by content, see ``load_profile``)."""
        from .lexicon.profile import load_profile

        return load_profile(self.playbooks, disable=self.disable, severity=dict(self.severity))

    def key(self) -> str:
        """The part of the options that changes a report (the results store keys reports by it)."""
        # Not the report language: the store keeps language-neutral findings, worded when
        # they are rendered.
        key = f"lang={self.language}"
        if self.has_profile:
            key += f";profile={self.load_profile().version}"
        return key


@dataclass
class Scanner:
    """Scans documents with one :class:`ScanOptions`; reuse it for many documents.

    ``profile`` may be given ready-made (the library API accepts a Profile object);
    otherwise it is loaded from the options on first use, so a batch re-run that finds
    every report in its store never compiles the lexicons.
    """

    options: ScanOptions = field(default_factory=ScanOptions)
    profile_given: Profile | None = None
    _profile: Profile | None = field(default=None, init=False, repr=False)
    _matchers: Matchers | None = field(default=None, init=False, repr=False)
    _seen_languages: set[str] = field(default_factory=set, init=False, repr=False)

    # ----------------------------------------------------------------- what it owns

    @property
    def profile(self) -> Profile:
        """The lexicons (with playbooks layered on) this scanner uses."""
        if self._profile is None:
            self._profile = self.profile_given if self.profile_given is not None else self.options.load_profile()
        return self._profile

    @property
    def matchers(self) -> Matchers:
        """The token matchers of this scanner's profile, built per language on first use."""
        if self._matchers is None:
            from .analyse import Matchers

            self._matchers = Matchers()
        return self._matchers

    def warm(self, languages: Iterable[str]) -> None:
        """Build the pipelines and matchers of ``languages`` now, in this process."""
        from .analyse import warm

        warm(languages, self.profile, self.matchers)

    def __getstate__(self) -> dict[str, Any]:
        # Sent to child processes: the matchers hold spaCy objects that are rebuilt there
        # on first use rather than pickled.
        state = dict(self.__dict__)
        state["_matchers"] = None
        state["_seen_languages"] = set()
        return state

    # ----------------------------------------------------------------- scanning

    def scan(self, path: str | Path, *, baseline: Baseline | None = None) -> ScanResult:
        """Extract and scan one file under the options' limits and time limit.

        With a time limit the document is scanned in a child process that is killed when
        time runs out (:class:`~agreementscan.isolation.TimeLimitExceeded`); nothing
        inside can delay or swallow that.
        """
        return self.run_limited(self.scan_here, path, baseline=baseline, path=str(path))

    def run_limited(self, func: Any, *args: Any, path: str | None = None, **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` under the options' time limit (in a child when there is one).

        For clients whose unit of work is more than the scan (``annotate`` writes its copy
        in the same child, so the limit covers both).
        """
        timeout = self.options.timeout
        if timeout is None:
            return func(*args, **kwargs)
        from .isolation import run_isolated

        # The lexicons are compiled here, before the fork, so that every child starts with
        # them and no document's time limit pays for them.
        self.profile  # noqa: B018 - loaded for its side effect
        self._warm_seen()
        result = run_isolated(func, *args, timeout=timeout, path=path, **kwargs)
        # annotate returns (result, notes): remember the scanned document's language either way.
        scanned = result[0] if isinstance(result, tuple) and result else result
        language = getattr(scanned, "language", None)
        if isinstance(language, str):
            self._seen_languages.add(language)
        return result

    def _warm_seen(self) -> None:
        """Build, here, the pipelines of the languages earlier documents needed.

        A child process is forked from this one, so what is built here is built once for
        all later documents. The first document builds only what it needs, in its child:
        a single scan pays nothing extra.
        """
        if self._seen_languages:
            self.warm(self._seen_languages)

    def scan_here(self, path: str | Path, *, baseline: Baseline | None = None) -> ScanResult:
        """:meth:`scan` in this process, without the time limit."""
        from .extract import extract

        options = self.options
        document = extract(path, password=options.password, max_pages=options.max_pages,
                           max_bytes=options.max_bytes, max_chars=options.max_chars)
        if options.max_chars is not None and len(document.text) > options.max_chars:
            raise ExtractionError(path, f"text has {len(document.text):,} characters, more than the --max-chars "
                                        f"limit of {options.max_chars:,}")
        return self.analyse(document, baseline=baseline)

    def scan_text(self, text: str, *, path: str | None = None, baseline: Baseline | None = None) -> ScanResult:
        """Scan agreement text given as a string (normalised to NFC with ``\\n`` line ends)."""
        from .extract import document_from_text, normalise_text

        normalised = normalise_text(text)
        sha = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
        return self.analyse(document_from_text(normalised, path=path, fmt="txt", sha256=sha), baseline=baseline)

    def analyse(self, document: Document, *, baseline: Baseline | None = None) -> ScanResult:
        """Assess an extracted document (and mark the accepted findings of ``baseline``)."""
        from .analyse import analyse

        result = analyse(document, language=self.options.language, report_language=self.options.report_language,
                         profile=self.profile, matchers=self.matchers)
        if baseline is None:
            return result
        from .baseline import apply_baseline

        return apply_baseline(result, baseline)


def scanner_for(options: ScanOptions, profile: Profile | None = None) -> Scanner:
    """A scanner for ``options``, reused while the same options come back (small, bounded).

    Library calls such as ``scan_text`` in a loop then share one profile and one set of
    matchers instead of rebuilding them per call.
    """
    key = (options, id(profile) if profile is not None else None)
    found = _SCANNERS.get(key)
    if found is None or (profile is not None and found.profile_given is not profile):
        while len(_SCANNERS) >= _KEEP:
            _SCANNERS.pop(next(iter(_SCANNERS)))
        found = _SCANNERS[key] = Scanner(options, profile)
    return found


_KEEP = 8
_SCANNERS: dict[tuple[ScanOptions, int | None], Scanner] = {}


__all__ = ["ScanOptions", "Scanner", "scanner_for"]
