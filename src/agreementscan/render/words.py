"""All wording of findings, in any report language: the message catalogue and the checklist.

The analysis returns data (statuses, causes, parameters, evidence); every sentence a user
reads is made here, at render time, so one result renders in Dutch or English alike.
Two sources:

* the **message catalogue** of each language, ``lexicons/<lang>/messages.toml``: the
  renderers' labels, the reason of each cause, the check messages and the warnings. It is
  validated on load; English is the reference, a language without a catalogue (or a key
  a catalogue leaves out) falls back to English.
* the **checklist** (``lexicons/checklist.toml``, or the profile's checklist when the scan
  used playbooks; :attr:`ScanResult.checklist`): element names, descriptions, advice,
  questions and search terms, and pitfall titles and tips.

Every function takes the language explicitly; renderers pass the language they were asked
for, by default :attr:`ScanResult.report_language`.
"""

from __future__ import annotations

import functools
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LexiconError
from ..model import Check, ElementResult, Notice, PitfallSummary, ScanResult, Status

if TYPE_CHECKING:  # pragma: no cover
    from ..lexicon.schema import Checklist, ElementInfo, PitfallInfo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "DEFAULT_LANGUAGE", "ElementWords", "catalogue", "check_message", "default_report_language",
    "element_name", "element_words", "message", "pitfall_tip", "pitfall_title", "reason", "warning_texts",
]

DEFAULT_LANGUAGE = "en"
MESSAGES_FILE = "messages.toml"


# --------------------------------------------------------------------------- the catalogue


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _read(path: Path, lang: str) -> dict[str, str]:
    """One catalogue file, checked for shape (a ``[messages]`` table of strings)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(path, None, f"not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(path, None, f"cannot read message catalogue ({exc})") from None
    unknown = sorted(set(data) - {"schema", "language", "messages"})
    if unknown:
        raise LexiconError(path, None, f"unknown key(s) {', '.join(unknown)} (expected schema, language, [messages])")
    if data.get("schema") != 1:
        raise LexiconError(path, None, "schema must be 1")
    if data.get("language") != lang:
        raise LexiconError(path, None, f"language must be {lang!r} (the folder's name)")
    messages = data.get("messages")
    if not isinstance(messages, dict):
        raise LexiconError(path, None, "needs a [messages] table")
    for key, value in messages.items():
        if not isinstance(value, str) or not value.strip():
            raise LexiconError(path, key, "a message must be a non-empty string")
        try:
            _fields(value)
        except ValueError as exc:
            raise LexiconError(path, key, f"bad placeholder ({exc}); write a literal brace as {{{{ or }}}}") from None
    return messages


def _root() -> Path:
    from ..lexicon.loader import lexicon_root

    return lexicon_root()


@functools.lru_cache(maxsize=16)
def _load(lang: str, root: Path) -> dict[str, str]:
    english = _read(root / DEFAULT_LANGUAGE / MESSAGES_FILE, DEFAULT_LANGUAGE)
    if lang == DEFAULT_LANGUAGE:
        return english
    path = root / lang / MESSAGES_FILE
    if not path.is_file():
        return english
    own = _read(path, lang)
    for key, text in own.items():
        if key not in english:
            raise LexiconError(path, key, "unknown message (not in the English catalogue)")
        if _fields(text) != _fields(english[key]):
            want = ", ".join(sorted(_fields(english[key]))) or "none"
            raise LexiconError(path, key, f"placeholders differ from English (English uses: {want})")
    return {**english, **own}


def catalogue(lang: str, root: Path | None = None) -> dict[str, str]:
    """Every message in ``lang`` (English where the language has none), validated."""
    return _load(lang, root or _root())


def message(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in.

    An unknown key raises KeyError: a typo should fail a test, not print a blank.
    """
    template = catalogue(lang)[key]
    return template.format(**values) if values else template


def default_report_language(document_language: str) -> str:
    """The report language of a document when none is asked for: its own, else English."""
    from ..lexicon import LANGUAGES

    return document_language if document_language in LANGUAGES else DEFAULT_LANGUAGE


def language_of(result: ScanResult, language: str | None) -> str:
    """The language to render ``result`` in: ``language`` or the result's report language."""
    return language or result.report_language or DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- the checklist


@functools.lru_cache(maxsize=1)
def _builtin() -> Checklist:
    from ..lexicon.loader import load_checklist

    return load_checklist()


def _element_info(element_id: str, checklist: Checklist | None) -> ElementInfo | None:
    for source in (checklist, _builtin()):
        if source is not None:
            try:
                return source.element(element_id)
            except KeyError:
                continue
    return None


def _pitfall_info(pitfall_id: int, checklist: Checklist | None) -> PitfallInfo | None:
    for source in (checklist, _builtin()):
        if source is not None:
            try:
                return source.pitfall(pitfall_id)
            except KeyError:
                continue
    return None


@dataclass(frozen=True)
class ElementWords:
    """What the checklist says about one element, in one language."""

    name: str
    description: str = ""
    why: str = ""
    advice: str = ""
    questions: tuple[str, ...] = ()
    searched_for: tuple[str, ...] = ()


def element_words(element: ElementResult | str, lang: str, checklist: Checklist | None = None) -> ElementWords:
    """Name, description, advice, questions and search terms of an element (by its id).

    An element no checklist knows is named by its id, with no other texts.
    """
    element_id = element if isinstance(element, str) else element.id
    info = _element_info(element_id, checklist)
    if info is None:
        return ElementWords(name=element_id)
    return ElementWords(name=info.name.get(lang), description=info.description.get(lang), why=info.why.get(lang),
                        advice=info.advice.get(lang), questions=tuple(info.questions(lang)),
                        searched_for=tuple(info.searched_for(lang)))


def element_name(element: ElementResult | str, lang: str, checklist: Checklist | None = None) -> str:
    """The element's short name in ``lang`` (for the annotated copies and overviews)."""
    return element_words(element, lang, checklist).name


def gap_words(element: ElementResult, lang: str, checklist: Checklist | None = None) -> ElementWords:
    """:func:`element_words`, with advice and questions only for a gap (weak or missing)."""
    words = element_words(element, lang, checklist)
    if Status(element.status) in (Status.WEAK, Status.MISSING):
        return words
    return ElementWords(name=words.name, description=words.description, why=words.why,
                        searched_for=words.searched_for)


def pitfall_title(pitfall: PitfallSummary | int, lang: str, checklist: Checklist | None = None) -> str:
    """The pitfall's title in ``lang``."""
    number = pitfall if isinstance(pitfall, int) else pitfall.id
    info = _pitfall_info(number, checklist)
    return info.title.get(lang) if info is not None else str(number)


def pitfall_tip(pitfall: PitfallSummary | int, lang: str, checklist: Checklist | None = None) -> str:
    """The pitfall's tip in ``lang`` (empty when the checklist has none)."""
    number = pitfall if isinstance(pitfall, int) else pitfall.id
    info = _pitfall_info(number, checklist)
    return info.tip.get(lang) if info is not None else ""


# --------------------------------------------------------------------------- findings


def _short(section: str, limit: int = 60) -> str:
    section = " ".join(section.split())
    return section if len(section) <= limit else section[: limit - 1] + "…"


def _params(params: Any) -> dict[str, Any]:
    return dict(params)


def _worded(key: str, lang: str, values: dict[str, Any]) -> str:
    """``key`` filled with ``values``; a key the catalogue lacks shows its ``text`` or the key."""
    table = catalogue(lang)
    if key not in table:
        return str(values.get("text") or key.split(".", 1)[-1])
    template = table[key]
    fields = _fields(template)
    return template.format(**{name: values.get(name, "") for name in fields})


def reason(element: ElementResult, lang: str, checklist: Checklist | None = None) -> str:
    """One sentence in ``lang`` saying why the element has its status."""
    values = _params(element.params)
    cause = element.cause or ("covered" if Status(element.status).covered else "not_found")
    if cause == "covered":
        section = values.get("section")
        count = int(values.get("passages") or len(element.evidence) or 1)
        values["where"] = message("where_section", lang, section=_short(section)) if section else ""
        values["n"] = count
        values["passages"] = message("passage" if count == 1 else "passages", lang)
    elif cause == "no_value":
        kind = values.get("value")
        values["value"] = message(f"value.{kind}", lang) if f"value.{kind}" in catalogue(lang) else str(kind or "")
    elif cause == "not_found":
        terms = element_words(element, lang, checklist).searched_for[:4]
        values["terms"] = ", ".join(f"“{term}”" for term in terms)
    elif cause == "placeholder":
        values.setdefault("placeholder", "")
    return _worded(f"cause.{cause}", lang, values)


def check_message(check: Check, lang: str, checklist: Checklist | None = None) -> str:
    """The consistency check's message in ``lang``."""
    values = _params(check.params)
    total = values.get("total")
    if isinstance(total, (int, float)):
        values["total"] = f"{total:g}"
    if check.id == "unequal_split":
        values["tip"] = pitfall_tip(2, lang, checklist)
    return _worded(f"check.{check.id}", lang, values)


def warning_text(notice: Notice | str, lang: str) -> str:
    """One document warning in ``lang`` (extraction warnings stay as the reader wrote them)."""
    if isinstance(notice, str):
        return notice
    values = _params(notice.params)
    if notice.code == "unsupported_language":
        code = values.get("language", "")
        values["language"] = message(f"lang.{code}", lang) if f"lang.{code}" in catalogue(lang) else str(code)
    return _worded(f"warn.{notice.code}", lang, values)


def warning_texts(result: ScanResult, lang: str | None = None) -> tuple[str, ...]:
    """Every document-level warning of ``result``, worded in ``lang``, without repeats."""
    lang = language_of(result, lang)
    return tuple(dict.fromkeys(warning_text(n, lang) for n in result.warnings))
