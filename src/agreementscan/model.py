"""Plain, immutable data passed between the stages extract → analyse → render.

Nothing here does work: every stage returns one of these values and the next stage
only reads it. Change a value with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import enum
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .lexicon.schema import Checklist

Scalar = str | int | float | bool | None
Params = tuple[tuple[str, Scalar], ...]
"""Parameters of a finding: (name, value) pairs with plain values, so results stay frozen,
hashable and JSON-able. Renderers fill them into the message catalogue."""


def param(params: Params, name: str, default: Any = None) -> Any:
    """The value of one parameter (``default`` when absent)."""
    for key, value in params:
        if key == name:
            return value
    return default


class Status(str, enum.Enum):
    """How well an agreement covers one checklist element."""

    PRESENT = "present"
    WEAK = "weak"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"

    @property
    def covered(self) -> bool:
        """True when the element is there at all (present or weak)."""
        return self in (Status.PRESENT, Status.WEAK)


class Severity(str, enum.Enum):
    """How much a consistency check (or an element gap) matters."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class BlockKind(str, enum.Enum):
    """What kind of text a block is; headings name the sections below them."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"
    HEADER = "header"
    FOOTER = "footer"


@dataclass(frozen=True)
class Block:
    """A run of document text with its location.

    ``text == Document.text[start:end]`` always holds.
    """

    text: str
    """The block's text, exactly as it stands in the document text."""
    start: int
    """Offset of the first character in :attr:`Document.text`."""
    end: int
    """Offset one past the last character in :attr:`Document.text`."""
    kind: BlockKind = BlockKind.PARAGRAPH
    page: int | None = None
    """1-based page number (PDF only)."""
    paragraph: int | None = None
    """1-based paragraph index in the source (DOCX: body paragraph/table-row order)."""
    line: int | None = None
    """1-based line number of the block's first line (TXT/MD only)."""
    section: str | None = None
    """Text of the nearest heading above this block (or the block itself if a heading)."""


@dataclass(frozen=True)
class SourceMap:
    """Where each stretch of :attr:`Document.text` came from in the source file.

    Built by the PDF and DOCX extractors for the annotators, so they place highlights and
    comments from document offsets without reading the text again. Compact on purpose
    (batch workers pickle every result): flat integer arrays, five numbers per span.

    Span *i* is ``spans[5*i : 5*i + 5]`` = ``(start, end, where, src_start, src_end)``:
    document characters ``[start, end)`` came from positions ``[src_start, src_end)`` of
    source place ``where``. Spans are sorted by ``start`` and do not overlap. When both
    lengths agree the mapping is character by character; otherwise (an NFC-composed
    character, a ligature) the span is one unit that can only be taken whole.
    Characters the extractor made up (paragraph breaks, the " | " between table cells,
    joining spaces) are in no span.

    - PDF: ``where`` is the 1-based page number; source positions are pdfium character
      indices on that page (so character boxes come straight from pdfium).
    - DOCX: ``where`` numbers a text element (``w:t``, ``w:tab``, ``w:br``, ...) inside a run;
      its child-index path from ``w:body`` is ``paths[path_starts[where]:path_starts[where + 1]]``,
      and source positions are character offsets in that element's text.
    """

    format: str
    spans: array = field(default_factory=lambda: array("i"))
    paths: array = field(default_factory=lambda: array("i"))
    path_starts: array = field(default_factory=lambda: array("i", [0]))

    def __len__(self) -> int:
        return len(self.spans) // 5

    def path(self, where: int) -> tuple[int, ...]:
        """Child-index path from ``w:body`` of DOCX text element ``where``."""
        return tuple(self.paths[self.path_starts[where]:self.path_starts[where + 1]])


@dataclass(frozen=True)
class Document:
    """One extracted agreement: NFC-normalised text with ``\\n`` line endings, plus blocks."""

    text: str
    blocks: tuple[Block, ...]
    format: str
    """Detected format: ``pdf``, ``docx``, ``txt`` or ``md``."""
    path: str | None = None
    sha256: str | None = None
    """SHA-256 of the input file's bytes (of the UTF-8 text for :func:`scan_text`)."""
    pages: int | None = None
    """Page count for PDFs; None for formats without pages."""
    warnings: tuple[str, ...] = ()
    """Non-fatal problems found while extracting (English, one line each)."""
    characters: int | None = None
    """Length of the text when the text itself is not kept (a result read back from the
    results store); None means ``len(text)``."""

    @property
    def length(self) -> int:
        """Number of characters of the extracted text (also when the text is not kept)."""
        return self.characters if self.characters is not None else len(self.text)
    source_map: SourceMap | None = field(default=None, compare=False, repr=False)
    """Where the text came from in a PDF or DOCX file (for the annotators); None otherwise.
    Not part of equality: two extractions of the same text are the same document."""


@dataclass(frozen=True)
class Evidence:
    """A span of the document text that supports a finding."""

    text: str
    """``Document.text[start:end]``."""
    start: int
    end: int
    page: int | None = None
    paragraph: int | None = None
    line: int | None = None
    section: str | None = None
    rule: str | None = None
    """Id of the lexicon entry that matched (for example ``en.termination.breach``)."""


@dataclass(frozen=True)
class Suppression:
    """A finding the reviewers accepted in a baseline file: still shown, not failing."""

    justification: str
    date: str
    """ISO date (YYYY-MM-DD) the finding was accepted."""
    baseline: str | None = None
    """Path of the baseline file that holds the acceptance."""


@dataclass(frozen=True)
class ElementResult:
    """The verdict on one checklist element: data only, no wording.

    Renderers word it (in any report language) from :attr:`cause` and :attr:`params`
    through the message catalogue, and take the element's name, advice and questions
    from the checklist by :attr:`id` (see :mod:`agreementscan.render.words`).
    """

    id: str
    pitfall: int
    status: Status
    cause: str = ""
    """Why this status: ``covered``, ``placeholder``, ``no_value``, ``negated``, ``vague``,
    ``one_side``, ``not_found``, ``not_applicable`` (or ``note``, whose ``text`` parameter
    is shown as is: for results built by hand or by a plug-in)."""
    params: Params = ()
    """Details of the cause: ``passages`` and ``section`` (covered), ``placeholder``,
    ``value`` (the kind of value that is missing: notice_period, frequency, ...)."""
    evidence: tuple[Evidence, ...] = ()
    severity: Severity = Severity.WARNING
    suppression: Suppression | None = None
    """Set when a baseline accepted this finding for this exact document."""

    def param(self, name: str, default: Any = None) -> Any:
        """One parameter of the cause."""
        return param(self.params, name, default)


@dataclass(frozen=True)
class Check:
    """A consistency finding across the agreement (for example shares not adding up).

    Worded by the renderers from ``check.<id>`` in the message catalogue and :attr:`params`
    (``total`` of the shares, the ``split`` such as ``50/50``).
    """

    id: str
    severity: Severity
    params: Params = ()
    evidence: tuple[Evidence, ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        """One parameter of the check."""
        return param(self.params, name, default)


@dataclass(frozen=True)
class PitfallSummary:
    """Score of one of the five pitfalls (its title and tip come from the checklist)."""

    id: int
    key: str
    score: int
    """0–100: share of the pitfall's elements covered, weak counting half."""


@dataclass(frozen=True)
class Notice:
    """A document-level warning: a code (``warn.<code>`` in the catalogue) and parameters.

    ``extract`` carries the extraction warning's English ``text``; ``unsupported_language``
    the ``language`` code; ``short`` the number of ``words``.
    """

    code: str
    params: Params = ()

    def param(self, name: str, default: Any = None) -> Any:
        """One parameter of the warning."""
        return param(self.params, name, default)


@dataclass(frozen=True)
class ScanResult:
    """Everything the analysis concluded about one document."""

    document: Document
    language: str
    """Detected (or forced) document language: ``nl``, ``en`` or ``mixed``."""
    report_language: str
    """The language renderers word the result in unless told otherwise (``nl`` or ``en``)."""
    elements: tuple[ElementResult, ...]
    pitfalls: tuple[PitfallSummary, ...]
    checks: tuple[Check, ...]
    score: int
    tool_version: str
    block_languages: tuple[str, ...] = field(default=())
    """Language per block of :attr:`Document.blocks` (``nl``, ``en`` or ``und``)."""
    warnings: tuple[Notice, ...] = ()
    """Document-level warnings (extraction, language, length), as codes with parameters."""
    checklist: Checklist | None = field(default=None, compare=False, repr=False)
    """The checklist of the profile the scan used, where renderers find element names,
    advice and questions (None: the built-in checklist). Not part of equality: it is the
    vocabulary, not the finding."""

    def element(self, element_id: str) -> ElementResult:
        """Return the result for one element id (KeyError if unknown)."""
        for result in self.elements:
            if result.id == element_id:
                return result
        raise KeyError(element_id)
