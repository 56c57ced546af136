"""When a scan should fail a build: the ``--fail-on`` rule (stored results are decoded to
:class:`ScanResult` by :mod:`agreementscan.codec` first, so there is one copy of the rule).

``missing`` fails on any missing element, ``weak`` on any weak or missing one; ``error``,
``warning`` and ``info`` fail on a gap (weak or missing element) or consistency check of
at least that severity. Findings accepted in a baseline (suppressed) never fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import ScanResult, Severity, Status

FAIL_ON = ("missing", "weak", "error", "warning", "info", "never")
_RANK = {"info": 0, "warning": 1, "error": 2}


def _modes(gaps: Iterable[tuple[str, str]], checks: Iterable[str]) -> frozenset[str]:
    """Fail-on modes met by (status, severity) of unsuppressed gaps and check severities."""
    met: set[str] = set()
    worst = -1
    for status, severity in gaps:
        met.add("weak")
        if status == Status.MISSING.value:
            met.add("missing")
        worst = max(worst, _RANK.get(severity, 1))
    for severity in checks:
        worst = max(worst, _RANK.get(severity, 1))
    met.update(level for level, rank in _RANK.items() if worst >= rank)
    return frozenset(met)


def result_modes(result: ScanResult) -> frozenset[str]:
    """The fail-on modes one scan result meets."""
    gaps = [(e.status.value, Severity(e.severity).value) for e in result.elements
            if e.status in (Status.WEAK, Status.MISSING) and e.suppression is None]
    return _modes(gaps, [Severity(c.severity).value for c in result.checks])


def fails(results: Sequence[ScanResult], fail_on: str) -> bool:
    """True when any result meets ``fail_on``."""
    return fail_on != "never" and any(fail_on in result_modes(r) for r in results)


def triggers(result: ScanResult, fail_on: str) -> tuple[str, ...]:
    """Ids of the elements and checks of ``result`` that meet ``fail_on`` (for the message
    that says why a build failed)."""
    if fail_on == "never":
        return ()
    found: list[str] = []
    for element in result.elements:
        if element.suppression is not None or element.status not in (Status.WEAK, Status.MISSING):
            continue
        if fail_on == "missing" and element.status != Status.MISSING:
            continue
        if fail_on in _RANK and _RANK.get(Severity(element.severity).value, 1) < _RANK[fail_on]:
            continue
        found.append(element.id)
    if fail_on in _RANK:
        found += [c.id for c in result.checks if _RANK.get(Severity(c.severity).value, 1) >= _RANK[fail_on]]
    return tuple(found)
