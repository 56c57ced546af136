"""Building a :class:`~agreementscan.model.SourceMap` while a reader assembles block texts.

A reader builds each block's raw text as a :class:`Trace`: pieces of text, each with the
source place it came from (a PDF page and pdfium character index, a DOCX text element and
offset) or none (a made-up separator). The same string operations the reader applies to
the text (strip, collapse whitespace, join) are applied to the trace, so the final text and
its origins cannot drift apart. :func:`source_map` then puts the block traces at their
document offsets, through the NFC normalisation ``build_document`` applies.
"""

from __future__ import annotations

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
        if where >= 0:
            end = src + len(text) if src_end is None else src_end
            self.spans.append((self.length, self.length + len(text), where, src, end))
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


def _normalised_spans(raw: str, spans: list[Span], expected: str) -> list[Span] | None:
    """``spans`` of ``raw`` carried over to ``normalise_text(raw) == expected``; None if impossible.

    NFC composes a base character with the combining marks after it, so the raw text is cut
    into such clusters and each is normalised on its own; a cluster whose characters came
    from one place in one piece becomes a unit span. If the clusters do not reproduce the
    whole normalised text (exotic compositions, ``\\r\\n``), the block gets no map at all.
    """
    owner: list[Span | None] = [None] * len(raw)
    for span in spans:
        for i in range(span[0], span[1]):
            owner[i] = span
    out: list[Span] = []
    pieces: list[str] = []
    pos = i = 0
    while i < len(raw):
        j = i + 1
        while j < len(raw) and unicodedata.combining(raw[j]):
            j += 1
        piece = normalise_text(raw[i:j])
        pieces.append(piece)
        first, last = owner[i], owner[j - 1]
        if piece and first is not None and first is last:
            a, b, w, s, e = first
            if b - a == e - s:  # character by character: the cluster's own source range
                out.append((pos, pos + len(piece), w, s + i - a, s + j - a))
            elif (i, j) == (a, b):  # a unit span that is exactly this cluster
                out.append((pos, pos + len(piece), w, s, e))
        pos += len(piece)
        i = j
    if "".join(pieces) != expected:
        return None
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
