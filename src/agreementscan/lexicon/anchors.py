"""Literal "anchors" of a regular expression: strings one of which every match contains.

Running ~150 case-insensitive patterns over a 170,000-character contract costs about 0.3 s
in Python's ``re``; finding a rule's anchors with ``str.find`` and running the pattern only
in the sentences that contain one is many times faster and finds the same matches within
sentences. The anchors are derived from the parsed pattern, so lexicon authors need not
write them.
"""

from __future__ import annotations

import sys
from typing import Any

if sys.version_info >= (3, 11):
    import re._constants as _c
    import re._parser as _p
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

MIN_ANCHOR = 3
"""Shorter anchors hit nearly every sentence, which makes them useless as a filter."""

Factors = frozenset[str] | None


def _best(candidates: list[frozenset[str]]) -> Factors:
    if not candidates:
        return None
    # Prefer sets whose shortest string is longest (rarer in text), then smaller sets.
    return max(candidates, key=lambda s: (min(len(x) for x in s), -len(s)))


def _sequence(items: Any) -> Factors:
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av).lower())
            continue
        if op is _c.AT:
            continue  # zero-width anchors (\b, ^) do not break a literal run's meaning
        flush()
        if op is _c.SUBPATTERN:
            sub = _sequence(av[-1])
            if sub:
                candidates.append(sub)
        elif op is _c.BRANCH:
            branches = [_sequence(b) for b in av[1]]
            if branches and all(branches):
                candidates.append(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or getattr(_c, "POSSESSIVE_REPEAT", None) is op:
            low, _high, item = av
            if low >= 1:
                sub = _sequence(item)
                if sub:
                    candidates.append(sub)
        # IN, ANY, lookarounds, categories: no literal constraint
    flush()
    return _best(candidates)


def anchors(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased strings one of which every match of ``pattern`` contains, or None."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - an unparsable pattern simply gets no anchors
        return None
    found = _sequence(list(parsed))  # type: ignore[call-overload]  # re._parser.SubPattern is iterable
    if not found or min(len(x) for x in found) < MIN_ANCHOR:
        return None
    return tuple(sorted(found))
