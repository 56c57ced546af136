"""A static check for regular expressions that can backtrack catastrophically.

Python's ``re`` backtracks, so a pattern such as ``(a+)+``, ``(a|a)*`` or ``(\\w+\\s?)*``
takes exponential time on a line that almost matches: one playbook entry can hang a scan.
This check finds the usual shape of such patterns in the parsed pattern: a repeat whose body
can match the same text in more than one way, because

* the body holds a variable-length repeat of characters that every other required part of
  the body can also match (``(a+)+``, ``(\\w+\\d)*``, ``(\\s*\\w+)*``), or
* two alternatives of the body can match the same single character (``(a|a)*``, ``(\\w|\\d)+``).

It is a heuristic: it flags the common catastrophic forms and leaves unambiguous ones such
as ``(?:\\w+\\s+){0,3}`` alone. Possessive repeats and atomic groups never backtrack and
are not flagged.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import re._constants as _c
    import re._parser as _p
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

# Characters the character sets are evaluated on: ASCII, Latin-1, some letters, digits,
# spaces and punctuation from elsewhere. Two sets "overlap" when they share one of these.
_SAMPLE = "".join(chr(i) for i in range(0x250)) + "\u00a0\u2007\u2009\u2013\u2014\u2018\u2019\u201c\u201d\u2028жω中٣"
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)
_POSSESSIVE = getattr(_c, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)


def _category(name: Any, ch: str) -> bool:
    if name in (_c.CATEGORY_DIGIT, _c.CATEGORY_UNI_DIGIT):
        return ch.isdecimal()
    if name in (_c.CATEGORY_NOT_DIGIT, _c.CATEGORY_UNI_NOT_DIGIT):
        return not ch.isdecimal()
    if name in (_c.CATEGORY_SPACE, _c.CATEGORY_UNI_SPACE):
        return ch.isspace()
    if name in (_c.CATEGORY_NOT_SPACE, _c.CATEGORY_UNI_NOT_SPACE):
        return not ch.isspace()
    if name in (_c.CATEGORY_WORD, _c.CATEGORY_UNI_WORD):
        return ch.isalnum() or ch == "_"
    if name in (_c.CATEGORY_NOT_WORD, _c.CATEGORY_UNI_NOT_WORD):
        return not (ch.isalnum() or ch == "_")
    return True  # line breaks and the like: assume the worst


def _cases(code: int) -> set[str]:
    ch = chr(code)
    return {ch, ch.lower(), ch.upper()}  # the lexicons are matched case-insensitively


def _in(items: Any, ch: str) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            hit = hit or ch in _cases(av)
        elif op is _c.RANGE:
            lo, hi = av
            hit = hit or any(lo <= ord(c) <= hi for c in {ch, ch.lower(), ch.upper()} if len(c) == 1)
        elif op is _c.CATEGORY:
            hit = hit or _category(av, ch)
        else:
            hit = True  # anything unexpected: assume it matches
    return hit != negate


def _alphabet(items: Any) -> frozenset[str]:
    """The sample characters some part of ``items`` can consume."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            out |= _cases(av) & set(_SAMPLE)
        elif op is _c.NOT_LITERAL:
            out |= set(_SAMPLE) - _cases(av)
        elif op is _c.ANY:
            out |= set(_SAMPLE) - {"\n"}
        elif op is _c.IN:
            out |= {ch for ch in _SAMPLE if _in(av, ch)}
        elif op in _REPEATS or op is _POSSESSIVE:
            out |= _alphabet(av[2])
        elif op is _c.SUBPATTERN:
            out |= _alphabet(av[-1])
        elif op is _ATOMIC:
            out |= _alphabet(av)
        elif op is _c.BRANCH:
            for branch in av[1]:
                out |= _alphabet(branch)
        elif op is _c.GROUPREF or op is _c.GROUPREF_EXISTS:
            out |= set(_SAMPLE)
    return frozenset(out)


def _min_width(items: Any) -> int:
    try:
        return int(_p.SubPattern(_p.State(), list(items)).getwidth()[0])
    except Exception:  # noqa: BLE001 - an odd node: count it as required
        return 1


def _flatten(items: Any) -> list[tuple[Any, Any]]:
    """The items of a sequence with plain groups opened and zero-width items left out."""
    out: list[tuple[Any, Any]] = []
    for op, av in items:
        if op is _c.SUBPATTERN:
            out.extend(_flatten(av[-1]))
        elif op not in _ZERO_WIDTH:
            out.append((op, av))
    return out


def _single_chars(branch: Any) -> frozenset[str]:
    """The single characters ``branch`` can match on its own, as the whole alternative."""
    items = _flatten(branch)
    if len(items) == 1:
        op, av = items[0]
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            return _alphabet(items)
        if op in _REPEATS and av[0] <= 1 <= av[1]:
            return _single_chars(av[2])
        if op is _c.BRANCH:
            return frozenset().union(*(_single_chars(b) for b in av[1]))
    return frozenset()


def _first(items: list[tuple[Any, Any]]) -> frozenset[str]:
    """The sample characters a sequence can start with (an over-estimate)."""
    out: set[str] = set()
    for item in items:
        out |= _alphabet([item])
        if _min_width([item]) > 0:
            break
    return frozenset(out)


def _ambiguous(body: Any) -> str | None:
    """Why a repeated ``body`` can match one text in several ways, or None."""
    items = _flatten(body)
    for index, (op, av) in enumerate(items):
        if op in _REPEATS and av[1] > av[0] and av[1] > 1:
            letters = _alphabet(av[2])
            required = [item for item in items[:index] + items[index + 1:] if _min_width([item]) > 0]
            if all(letters & _alphabet([item]) for item in required):
                return "a repeated group holds a repeat that can share its characters with the group's next round"
        if op is _c.BRANCH:
            branches = av[1]
            shapes = [repr(b) for b in branches]
            if len(set(shapes)) < len(shapes):
                return "two alternatives inside a repeat are the same"
            # ``(?:aa|a)*`` parses as ``a(?:a|)``: an empty alternative at the end of the body
            # next to one that starts like the body's next round.
            if index == len(items) - 1 and any(_min_width(b) == 0 for b in branches):
                start = _first(items)
                if any(_min_width(b) > 0 and _first(_flatten(b)) & start for b in branches):
                    return "an alternative inside a repeat can also be the start of the next round"
            sets = [_single_chars(b) for b in branches]
            for i, first in enumerate(sets):
                for second in sets[i + 1:]:
                    if first & second:
                        return "two alternatives inside a repeat can match the same character"
            if len(items) == 1:
                for branch in av[1]:
                    reason = _ambiguous(branch)
                    if reason:
                        return reason
    return None


def _walk(items: Any) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if high > 1:
                reason = _ambiguous(body)
                if reason:
                    return reason
            found = _walk(body)
        elif op is _POSSESSIVE or op is _ATOMIC:
            found = None  # never backtracks into
        elif op is _c.SUBPATTERN:
            found = _walk(av[-1])
        elif op is _c.BRANCH:
            found = next((r for r in (_walk(b) for b in av[1]) if r), None)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _walk(av[1])
        else:
            found = None
        if found:
            return found
    return None


def backtracking_risk(pattern: str, flags: int = re.IGNORECASE) -> str | None:
    """Why ``pattern`` may take exponential time (nested or overlapping repeats), or None."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - compile errors are reported elsewhere
        return None
    return _walk(list(parsed))  # type: ignore[call-overload]  # re._parser.SubPattern is iterable
