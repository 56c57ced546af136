"""Building a :class:`~agreementscan.model.SourceMap` while a reader assembles block texts.

A reader builds each block's raw text as a :class:`Trace`: pieces of text, each with the
source place it came from (a PDF page and pdfium character index, a DOCX text element and
offset) or none (a made-up separator). The same string operations the reader applies to
the text (strip, collapse whitespace, join) are applied to the trace, so the final text and
its origins cannot drift apart. :func:`source_map` then puts the block traces at their
document offsets, through the NFC normalisation ``build_document`` applies.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence

from ..model import SourceMap
from .common import Draft, normalise_text

__all__ = ["PathTable", "Trace", "source_map"]

_WORD_RE = re.compile(r"\S+")

Span = tuple[int, int, int, int, int]
"""(start, end, where, src_start, src_end); offsets relative to the trace's text."""


class Trace:
    """Text under construction with the origin of each piece."""

    __slots__ = ("parts", "spans", "length")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, where: int = -1, src: int = 0, src_end: int | None = None) -> None:
        """Append ``text``; it came from ``[src, src_end)`` of place ``where`` (-1: made up)."""
        if not text:
            return
        n, m = self.length, len(text)
        if where >= 0:
            end = src + m if src_end is None else src_end
            spans = self.spans
            last = spans[-1] if spans else None
            # One span for characters that continue each other (a table cell matched one by one).
            if (last is not None and last[2] == where and last[1] == n and last[4] == src
                    and last[1] - last[0] == src - last[3] and m == end - src):
                spans[-1] = (last[0], n + m, where, last[3], end)
            else:
                spans.append((n, n + m, where, src, end))
        self.parts.append(text)
        self.length = n + m

    def add_spans(self, text: str, spans: Iterable[Span]) -> None:
        """Append ``text`` whose origins are ``spans`` (offsets relative to ``text``)."""
        shift = self.length
        self.spans.extend((a + shift, b + shift, w, s, e) for a, b, w, s, e in spans)
        self.parts.append(text)
        self.length += len(text)

    def extend(self, other: Trace) -> None:
        """Append another trace (its text and origins)."""
        shift = self.length
        self.spans.extend((a + shift, b + shift, w, s, e) for a, b, w, s, e in other.spans)
        self.parts.append(other.text)
        self.length += other.length

    def freeze(self) -> Trace:
        """This trace with its spans packed into an int array (a block waiting for its offset)."""
        packed = array("i")
        for span in self.spans:
            packed.extend(span)
        self.spans = packed  # type: ignore[assignment]
        self.parts = [self.text]
        return self

    def span_tuples(self) -> list[Span]:
        """The spans as tuples, packed or not."""
        if isinstance(self.spans, array):
            flat = self.spans
            return [tuple(flat[i:i + 5]) for i in range(0, len(flat), 5)]  # type: ignore[misc]
        return list(self.spans)

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def slice(self, start: int, end: int) -> Trace:
        """The trace of ``text[start:end]``; a unit span cut in two is dropped."""
        out = Trace()
        out.parts = [self.text[start:end]]
        out.length = max(0, end - start)
        for a, b, w, s, e in self.spans:
            if b <= start or a >= end:
                continue
            if a >= start and b <= end:
                out.spans.append((a - start, b - start, w, s, e))
            elif b - a == e - s:  # character by character: clip both sides alike
                lo, hi = max(a, start), min(b, end)
                out.spans.append((lo - start, hi - start, w, s + lo - a, s + hi - a))
        return out

    def strip(self) -> Trace:
        """As ``str.strip()``."""
        text = self.text
        if not (text[:1].isspace() or text[-1:].isspace()):
            return self
        lead = len(text) - len(text.lstrip())
        return self.slice(lead, lead + len(text.strip()))

    def collapse(self) -> Trace:
        """As ``" ".join(text.split())``: the joining spaces are made up."""
        out = Trace()
        for match in _WORD_RE.finditer(self.text):
            if out.length:
                out.add(" ")
            out.extend(self.slice(match.start(), match.end()))
        return out


def join(traces: Iterable[Trace], sep: str) -> Trace:
    """As ``sep.join(texts)``."""
    out = Trace()
    for i, trace in enumerate(traces):
        if i:
            out.add(sep)
        out.extend(trace)
    return out


class PathTable:
    """DOCX text-element paths (child indices from ``w:body``), stored flat."""

    __slots__ = ("paths", "starts")

    def __init__(self) -> None:
        self.paths = array("i")
        self.starts = array("i", [0])

    def add(self, path: Sequence[int]) -> int:
        """Register one path; returns its number (the span's ``where``)."""
        self.paths.extend(path)
        self.starts.append(len(self.paths))
        return len(self.starts) - 2


# Characters that NFC or the line-end rule may change or compose: below U+0300 only "\r".
_UNSTABLE_RE = re.compile("[\r\u0300-\U0010ffff]")


def _changes(raw: str) -> list[tuple[int, int, str]]:
    """``(start, end, normalised)`` for each cluster of ``raw`` that normalisation changes.

    NFC composes a base character with the combining marks after it, so a cluster is a
    character and the combining marks after it; only clusters holding a character from
    U+0300 up (or "\r") can change, so the (long) rest is never looked at character by character.
    """
    out: list[tuple[int, int, str]] = []
    done = 0
    for match in _UNSTABLE_RE.finditer(raw):
        i = match.start()
        if i < done:
            continue
        while i > done and unicodedata.combining(raw[i]):
            i -= 1
        j = match.start() + 1
        while j < len(raw) and (unicodedata.combining(raw[j]) or raw[j - 1:j + 1] == "\r\n"):
            j += 1
        piece = normalise_text(raw[i:j])
        if piece != raw[i:j]:
            out.append((i, j, piece))
        done = j
    return out


def _normalised_spans(raw: str, spans: list[Span], expected: str) -> list[Span] | None:
    """``spans`` of ``raw`` carried over to ``normalise_text(raw) == expected``; None if impossible.

    Unchanged stretches keep their spans (shifted); a changed cluster whose characters
    came from one place in one span becomes a unit span; if the clusters do not rebuild the
    whole normalised text (exotic compositions), the block gets no map at all.
    """
    changes = _changes(raw)
    rebuilt: list[str] = []
    shifts: list[tuple[int, int]] = []  # (raw offset, output - raw) from that offset on
    placed: dict[int, int] = {}  # output offset of each changed cluster, by its raw start
    pos = delta = 0
    for i, j, piece in changes:
        placed[i] = i + delta
        rebuilt.append(raw[pos:i])
        rebuilt.append(piece)
        delta += len(piece) - (j - i)
        shifts.append((j, delta))
        pos = j
    rebuilt.append(raw[pos:])
    if "".join(rebuilt) != expected:
        return None
    starts = [j for j, _ in shifts]

    def moved(k: int) -> int:
        """Output offset of raw offset ``k`` (outside changed clusters)."""
        n = bisect.bisect_right(starts, k)
        return k + (shifts[n - 1][1] if n else 0)

    out: list[Span] = []
    for a, b, w, s0, e in spans:
        linear = b - a == e - s0
        inside = [(i, j, piece) for i, j, piece in changes if i < b and j > a]
        if not inside:
            out.append((moved(a), moved(b - 1) + 1, w, s0, e))
            continue
        if not linear:
            continue  # a unit span that normalisation changes again: left unmapped
        cursor = a
        for i, j, piece in inside:
            if cursor < i:
                out.append((moved(cursor), moved(i - 1) + 1, w, s0 + cursor - a, s0 + i - a))
            if a <= i and j <= b and piece:
                lo = placed[i]
                out.append((lo, lo + len(piece), w, s0 + i - a, s0 + j - a))
            cursor = max(cursor, j)
        if cursor < b:
            out.append((moved(cursor), moved(b - 1) + 1, w, s0 + cursor - a, s0 + b - a))
    return _merged(out)


def _merged(spans: list[Span]) -> list[Span]:
    """Join neighbouring character-by-character spans that continue each other."""
    out: list[Span] = []
    for span in spans:
        if out:
            a, b, w, s, e = out[-1]
            if (w == span[2] and b == span[0] and e == span[3] and b - a == e - s
                    and span[1] - span[0] == span[4] - span[3]):
                out[-1] = (a, span[1], w, s, span[4])
                continue
        out.append(span)
    return out


def source_map(fmt: str, drafts: Iterable[Draft], paths: PathTable | None = None) -> SourceMap:
    """The document's map from the drafts ``build_document`` kept (their ``trace`` set)."""
    spans = array("i")
    for d in drafts:
        trace = d.trace
        if trace is None or d.start < 0:
            continue
        raw = trace.text
        if raw == d.text and isinstance(trace.spans, array):
            for i in range(0, len(trace.spans), 5):  # the common case, without tuples
                a, b, w, s, e = trace.spans[i:i + 5]
                spans.extend((a + d.start, b + d.start, w, s, e))
            continue
        block = trace.span_tuples() if raw == d.text else _normalised_spans(raw, trace.span_tuples(), d.text)
        for a, b, w, s, e in block or ():
            spans.extend((a + d.start, b + d.start, w, s, e))
    if paths is None:
        return SourceMap(fmt, spans)
    return SourceMap(fmt, spans, paths.paths, paths.starts)
