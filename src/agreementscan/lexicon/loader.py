"""Load and validate the TOML lexicons shipped in ``agreementscan.lexicons``.

Every problem raises :class:`~agreementscan.errors.LexiconError` naming the file, the
entry and (where it can be found) the line, so a person editing a lexicon can fix it.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import LexiconError, toml_error_line
from ..model import Severity
from ..smallfiles import UnreadableFile, read_small
from .anchors import anchors as find_anchors
from .backtracking import backtracking_risk
from .schema import (
    NEGATION_MODES,
    RULE_STATUSES,
    VALUE_KINDS,
    Checklist,
    ElementInfo,
    ElementLexicon,
    LanguageCues,
    LanguageLexicon,
    Localized,
    PitfallInfo,
    Rule,
    Text,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# spaCy Matcher token attributes we allow in lexicons; spaCy checks the rest on add.
TOKEN_KEYS = frozenset(
    {"ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "IS_DIGIT", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM",
     "IS_UPPER", "IS_TITLE", "SHAPE", "OP", "LENGTH", "IS_SENT_START"}
)


def lexicon_root() -> Path:
    """Directory of the built-in lexicons (inside the installed package)."""
    return Path(str(resources.files("agreementscan.lexicons")))


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
"""A lexicon language folder's name: an ISO 639 code such as ``nl``, ``en`` or ``de``."""


def is_language_folder(folder: Path) -> bool:
    """True for ``<lang>/`` with a ``common.toml``: that is what makes a language."""
    return folder.is_dir() and bool(LANGUAGE_CODE.fullmatch(folder.name)) and (folder / "common.toml").is_file()


def discover_languages(root: Path | None = None) -> tuple[str, ...]:
    """The languages of a lexicon folder: its ``<lang>/`` folders that have a ``common.toml``.

    Ordered as the checklist's ``languages`` list says (the first leads when a mixed
    document runs several lexicons), then alphabetically. Not cached: listing a folder is
    cheap, and a cache by path would miss a language folder added later.
    """
    base = root or lexicon_root()
    try:
        found = [p.name for p in base.iterdir() if is_language_folder(p)]
    except OSError as exc:
        raise LexiconError(base, None, f"cannot list the lexicon folder ({exc.strerror or exc})") from None
    order: list[str] = []
    checklist = base / "checklist.toml"
    if checklist.is_file():
        listed = _checklist_toml(checklist)[0].get("languages", [])
        order = [lang for lang in listed if isinstance(lang, str)] if isinstance(listed, list) else []
    return tuple(sorted(found, key=lambda lang: (order.index(lang) if lang in order else len(order), lang)))


@functools.lru_cache(maxsize=1)
def builtin_languages() -> tuple[str, ...]:
    """The languages of the built-in lexicons (``nl`` and ``en`` as shipped; the installed
    package does not change while it runs)."""
    return discover_languages(None)


def available_languages(playbooks: Iterable[str | Path] = ()) -> tuple[str, ...]:
    """The built-in languages, then those that ``playbooks`` add (their ``<lang>/`` folders
    with a ``common.toml``), without loading any lexicon."""
    found = list(builtin_languages())
    for folder in playbooks:
        try:
            children = sorted(Path(folder).iterdir())
        except OSError:
            continue  # reported when the playbook is loaded
        found += [p.name for p in children if p.name not in found and is_language_folder(p)]
    return tuple(found)


class _Ctx:
    """Where we are while validating, so every error can name file, entry and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def line_of(self, needle: str | None) -> int | None:
        if not needle:
            return None
        for number, line in enumerate(self.text.splitlines(), start=1):
            if needle in line:
                return number
        return None

    def error(self, entry: str | None, message: str, needle: str | None = None) -> LexiconError:
        return LexiconError(self.path, entry, message, self.line_of(needle or entry))


def _read_toml(path: Path) -> tuple[dict[str, Any], _Ctx]:
    raw = read_lexicon_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LexiconError(path, None, "not valid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(path, None, f"invalid TOML: {exc}", toml_error_line(exc)) from None
    except RecursionError:
        raise LexiconError(path, None, "invalid TOML: nested too deeply") from None
    return data, _Ctx(path, text)


@functools.lru_cache(maxsize=8)
def _checklist_toml(path: Path) -> tuple[dict[str, Any], _Ctx]:
    """A checklist.toml parsed once: the language order and the checklist both read it (never
    mutated)."""
    return _read_toml(path)


def read_lexicon_bytes(path: Path) -> bytes:
    """A lexicon or playbook file's bytes: a regular file of at most 1 MB (never a FIFO or device)."""
    try:
        return read_small(path)
    except UnreadableFile as exc:
        raise LexiconError(path, None, str(exc)) from None
    except OSError as exc:
        raise LexiconError(path, None, f"cannot read file ({exc.strerror or exc})") from None


def _check_keys(
    ctx: _Ctx, entry: str, data: dict[str, Any], allowed: Iterable[str], required: Iterable[str] = ()
) -> None:
    allowed_set = set(allowed)
    for key in data:
        if key not in allowed_set:
            raise ctx.error(entry, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed_set))})", key)
    for key in required:
        if key not in data:
            raise ctx.error(entry, f"missing required key {key!r}")


def _str(ctx: _Ctx, entry: str, value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(entry, f"{key!r} must be a non-empty string")
    return value


def _str_list(ctx: _Ctx, entry: str, value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ctx.error(entry, f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _regex(ctx: _Ctx, entry: str, patterns: Iterable[str], key: str) -> re.Pattern[str]:
    patterns = list(patterns)
    joined = "|".join(f"(?:{p})" for p in patterns)
    try:
        compiled = re.compile(joined, re.IGNORECASE)
    except re.error as exc:
        # Find which alternative is broken so the message points at it.
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as inner:
                raise ctx.error(entry, f"bad regular expression in {key!r}: {pattern!r}: {inner}", pattern) from None
        raise ctx.error(entry, f"bad regular expression in {key!r}: {exc}") from None
    for pattern in patterns:
        # Checked like code at load time: one such pattern can hang every scan.
        reason = backtracking_risk(pattern)
        if reason:
            raise ctx.error(entry, f"regular expression in {key!r} can take exponential time on some texts "
                                   f"({reason}): {pattern!r}; rewrite it without nested or overlapping repeats",
                            pattern)
    return compiled


@functools.lru_cache(maxsize=1)
def _blank_vocab() -> Any:
    from spacy.vocab import Vocab

    return Vocab()


def token_pattern_problem(pattern: list[dict[str, Any]]) -> str | None:
    """What is wrong with a spaCy Matcher token pattern, in one line, or None.

    spaCy's own schema (``spacy.schemas.validate_token_pattern``) and a trial ``Matcher.add``
    on a blank vocabulary, so a bad pattern is reported when the lexicon is loaded or
    checked, not as a crash in the middle of a scan. Regular expressions inside a token
    pattern (``{LOWER = {REGEX = "..."}}``) get the same backtracking check as others.
    """
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher
    from spacy.schemas import validate_token_pattern

    errors = validate_token_pattern(pattern)
    if errors:
        # "[pattern -> 0 -> LOWER -> TokenPatternString -> IN] Input should be a valid list"
        match = re.match(r"\[pattern -> (\d+)(?: -> (\w+))?[^ ]*(?: -> [^ ]+)* ?\] (.*)", errors[0])
        if match:
            number, key, message = match.groups()
            return f"token {int(number) + 1}{f' {key}' if key else ''}: {message}"
        return errors[0]
    for number, token in enumerate(pattern, start=1):
        for key, value in token.items():
            if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                try:
                    re.compile(value["REGEX"])
                except re.error as exc:
                    return f"token {number} {key}: bad REGEX {value['REGEX']!r}: {exc}"
                reason = backtracking_risk(value["REGEX"], 0)
                if reason:
                    return f"token {number} {key}: REGEX {value['REGEX']!r} can take exponential time ({reason})"
    try:
        Matcher(_blank_vocab(), validate=True).add("check", [pattern])
    except (MatchPatternError, ValueError, KeyError, TypeError) as exc:
        return " ".join(str(exc).split())
    return None


def phrases_to_regex(phrases: Iterable[str]) -> str:
    """Literal phrases as one regex: word boundaries, any whitespace between words."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        words = [re.escape(w) for w in phrase.split()]
        body = r"\s+".join(words)
        left = r"\b" if re.match(r"\w", phrase) else ""
        right = r"\b" if re.search(r"\w$", phrase) else ""
        parts.append(f"{left}{body}{right}")
    return "|".join(parts)


def _per_language(ctx: _Ctx, entry: str, data: dict[str, Any], key: str, required: Iterable[str]) -> dict[str, Any]:
    """The table ``key.<lang> = ...``: every required language, other keys language codes."""
    value = data.get(key)
    required = tuple(required)
    if not isinstance(value, dict) or not set(required) <= set(value):
        names = " and ".join(f"{key}.{lang}" for lang in required)
        raise ctx.error(entry, f"{key!r} needs a text per language: {names}", key)
    for lang in value:
        if not LANGUAGE_CODE.fullmatch(lang):
            raise ctx.error(entry, f"{key}.{lang}: {lang!r} is not a language code (two or three lower-case letters)",
                            f"{key}.{lang}")
    return value


def _text(ctx: _Ctx, entry: str, data: dict[str, Any], key: str, required: Iterable[str]) -> Text:
    """A text per language (``name.nl = "…"``, ``name.en = "…"``)."""
    value = _per_language(ctx, entry, data, key, required)
    return Localized.of({lang: _str(ctx, entry, v, f"{key}.{lang}") for lang, v in value.items()})


def _texts(ctx: _Ctx, entry: str, data: dict[str, Any], key: str,
           required: Iterable[str]) -> Localized[tuple[str, ...]]:
    """A list of texts per language (``questions.nl = ["…"]``)."""
    value = _per_language(ctx, entry, data, key, required)
    return Localized.of({lang: _str_list(ctx, entry, v, f"{key}.{lang}") for lang, v in value.items()})


def _root_content(root: Path | None) -> str | None:
    """A digest of the lexicon files under ``root``; None for the built-in lexicons (package
    data, which does not change under a running process)."""
    return None if root is None else lexicon_version(root)


def load_checklist(root: Path | None = None) -> Checklist:
    """Load ``checklist.toml``: the five pitfalls and every element's texts (cached by content)."""
    return _checklist(root, _root_content(root))


@functools.lru_cache(maxsize=8)
def _checklist(root: Path | None, content: str | None) -> Checklist:  # noqa: ARG001 - content: the cache key
    path = (root or lexicon_root()) / "checklist.toml"
    data, ctx = _checklist_toml(path)
    _check_keys(
        ctx, "checklist", data, ("schema", "languages", "pitfalls", "elements"), ("schema", "pitfalls", "elements")
    )
    if data["schema"] != 1:
        raise ctx.error("schema", f"unsupported schema {data['schema']!r} (expected 1)", "schema")
    langs = discover_languages(root)
    if not langs:
        raise ctx.error("languages", f"no language folders (<lang>/common.toml) next to {path.name}")
    for lang in _str_list(ctx, "languages", data.get("languages", []), "languages") if "languages" in data else ():
        if lang not in langs:
            raise ctx.error("languages", f"{lang!r} has no folder with a common.toml", lang)

    def text_of(ctx: _Ctx, entry: str, raw: dict[str, Any], key: str) -> Text:
        return _text(ctx, entry, raw, key, langs)
    pitfalls: list[PitfallInfo] = []
    for raw in data["pitfalls"]:
        entry = f"pitfall {raw.get('id', '?')}"
        _check_keys(ctx, entry, raw, ("id", "key", "title", "summary", "tip"), ("id", "key", "title", "summary", "tip"))
        if raw["id"] not in (1, 2, 3, 4, 5):
            raise ctx.error(entry, "pitfall id must be 1-5")
        pitfalls.append(PitfallInfo(raw["id"], _str(ctx, entry, raw["key"], "key"), text_of(ctx, entry, raw, "title"),
                                    text_of(ctx, entry, raw, "summary"), text_of(ctx, entry, raw, "tip")))
    if sorted(p.id for p in pitfalls) != [1, 2, 3, 4, 5]:
        raise ctx.error("pitfalls", "need exactly the pitfalls 1, 2, 3, 4 and 5")
    elements: list[ElementInfo] = []
    keys = ("id", "pitfall", "severity", "name", "description", "why", "advice", "questions", "searched_for",
            "example_present", "example_weak")
    for raw in data["elements"]:
        entry = str(raw.get("id", "?"))
        _check_keys(ctx, entry, raw, keys, keys)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", entry):
            raise ctx.error(entry, "element id must be lower_snake_case")
        if raw["pitfall"] not in (1, 2, 3, 4, 5):
            raise ctx.error(entry, f"pitfall must be 1-5, not {raw['pitfall']!r}")
        try:
            severity = Severity(raw["severity"])
        except ValueError:
            raise ctx.error(entry, f"severity must be one of error, warning, info, not {raw['severity']!r}") from None
        elements.append(ElementInfo(
            id=entry, pitfall=raw["pitfall"], severity=severity, name=text_of(ctx, entry, raw, "name"),
            description=text_of(ctx, entry, raw, "description"), why=text_of(ctx, entry, raw, "why"),
            advice=text_of(ctx, entry, raw, "advice"), question_lists=_texts(ctx, entry, raw, "questions", langs),
            search_terms=_texts(ctx, entry, raw, "searched_for", langs),
            example_present=text_of(ctx, entry, raw, "example_present"),
            example_weak=text_of(ctx, entry, raw, "example_weak"),
        ))
    seen: set[str] = set()
    for info in elements:
        if info.id in seen:
            raise ctx.error(info.id, "duplicate element id")
        seen.add(info.id)
    return Checklist(tuple(pitfalls), tuple(elements))


_ELEMENT_KEYS = (
    "element",
    "each_party",
    "headings",
    "heading_weight",
    "threshold",
    "requires_value",
    "negation",
    "negations",
    "applicable_if",
    "not_applicable_if",
    "rules",
    "examples",
)
_RULE_KEYS = ("id", "pattern", "phrases", "tokens", "weight", "status", "context", "exclude", "value", "negatable")


def _load_rule(ctx: _Ctx, lang: str, element: str, raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise ctx.error(element, "every [[rules]] entry must be a table")
    local = raw.get("id")
    if not isinstance(local, str) or not re.fullmatch(r"[a-z0-9_]+", local):
        raise ctx.error(element, f"rule id must be lower_snake_case, not {local!r}", str(local))
    entry = f"{lang}.{element}.{local}"
    _check_keys(ctx, entry, raw, _RULE_KEYS, ("id",))
    kinds = [k for k in ("pattern", "phrases", "tokens") if k in raw]
    if len(kinds) != 1:
        raise ctx.error(entry, "a rule needs exactly one of 'pattern', 'phrases' or 'tokens'", f'"{local}"')
    regex = tokens = None
    if "pattern" in raw:
        regex = _regex(ctx, entry, [_str(ctx, entry, raw["pattern"], "pattern")], "pattern")
    elif "phrases" in raw:
        regex = _regex(ctx, entry, [phrases_to_regex(_str_list(ctx, entry, raw["phrases"], "phrases"))], "phrases")
    else:
        pattern = raw["tokens"]
        if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
            raise ctx.error(entry, "'tokens' must be a list of token tables, e.g. [{LOWER = \"notice\"}]")
        for token in pattern:
            for key in token:
                if key not in TOKEN_KEYS:
                    raise ctx.error(
                        entry, f"unknown token attribute {key!r} (allowed: {', '.join(sorted(TOKEN_KEYS))})", key
                    )
        problem = token_pattern_problem(pattern)
        if problem:
            raise ctx.error(entry, f"invalid token pattern: {problem}", f'"{local}"')
        tokens = tuple(pattern)
    weight = raw.get("weight", 2.0)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not 0.1 <= weight <= 5:
        raise ctx.error(entry, f"weight must be a number from 0.1 to 5, not {weight!r}", f'"{local}"')
    status = raw.get("status", "present")
    if status not in RULE_STATUSES:
        raise ctx.error(entry, f"status must be one of {', '.join(RULE_STATUSES)}, not {status!r}", f'"{local}"')
    value = raw.get("value")
    if value is not None and value not in VALUE_KINDS:
        raise ctx.error(entry, f"value must be one of {', '.join(VALUE_KINDS)}, not {value!r}", f'"{local}"')
    negatable = raw.get("negatable", True)
    if not isinstance(negatable, bool):
        raise ctx.error(entry, "negatable must be true or false", f'"{local}"')
    context = (
        _regex(ctx, entry, _str_list(ctx, entry, raw["context"], "context"), "context") if "context" in raw else None
    )
    exclude = (
        _regex(ctx, entry, _str_list(ctx, entry, raw["exclude"], "exclude"), "exclude") if "exclude" in raw else None
    )
    lower_regex = None
    # Python's re is markedly slower with IGNORECASE; matching lower-cased text with a
    # case-sensitive pattern is equivalent unless the pattern spells upper-case letters.
    if regex is not None and not re.search(r"(?<!\\)[A-Z]", regex.pattern):
        lower_regex = re.compile(regex.pattern)
    rule_anchors = find_anchors(regex.pattern, re.IGNORECASE) if regex is not None else None
    return Rule(
        id=entry,
        weight=float(weight),
        regex=regex,
        lower_regex=lower_regex,
        anchors=rule_anchors,
        tokens=tokens,
        status=status,
        context=context,
        exclude=exclude,
        value=value,
        negatable=negatable,
    )


def load_element(path: Path, lang: str, known_ids: Iterable[str] | None = None) -> ElementLexicon:
    """Load one ``<lang>/<element>.toml`` file."""
    data, ctx = _read_toml(path)
    element = data.get("element")
    if not isinstance(element, str):
        raise ctx.error(None, "missing 'element = \"<id>\"' at the top")
    if element != path.stem:
        raise ctx.error(element, f"element id {element!r} does not match the file name {path.name!r}", "element")
    if known_ids is not None and element not in set(known_ids):
        raise ctx.error(element, "unknown element id (not in checklist.toml)", "element")
    _check_keys(ctx, element, data, _ELEMENT_KEYS, ("element",))
    rules_raw = data.get("rules", [])
    if not isinstance(rules_raw, list):
        raise ctx.error(element, "'rules' must be an array of tables ([[rules]])")
    rules = tuple(_load_rule(ctx, lang, element, raw) for raw in rules_raw)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ctx.error(rule.id, "duplicate rule id", rule.id.rsplit(".", 1)[1])
        seen.add(rule.id)
    if not rules and "headings" not in data:
        raise ctx.error(element, "needs at least one rule or a 'headings' list")

    def opt_regex(key: str) -> re.Pattern[str] | None:
        return _regex(ctx, element, _str_list(ctx, element, data[key], key), key) if key in data else None

    def number(key: str, default: float, low: float, high: float) -> float:
        value = data.get(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
            raise ctx.error(element, f"{key} must be a number from {low} to {high}", key)
        return float(value)

    requires_value = data.get("requires_value")
    if requires_value is not None and requires_value not in VALUE_KINDS:
        raise ctx.error(element, f"requires_value must be one of {', '.join(VALUE_KINDS)}", "requires_value")
    negation = data.get("negation", "weak")
    if negation not in NEGATION_MODES:
        raise ctx.error(element, f"negation must be one of {', '.join(NEGATION_MODES)}", "negation")
    examples = data.get("examples", {})
    if not isinstance(examples, dict):
        raise ctx.error(element, "[examples] must be a table with positive, weak and negative lists")
    _check_keys(ctx, f"{element}.examples", examples, ("positive", "weak", "negative"))
    return ElementLexicon(
        element=element,
        path=str(path),
        rules=rules,
        headings=opt_regex("headings"),
        heading_weight=number("heading_weight", 2.5, 0.1, 5),
        threshold=number("threshold", 2.0, 0.1, 10),
        requires_value=requires_value,
        negation=negation,
        negations=opt_regex("negations"),
        applicable_if=opt_regex("applicable_if"),
        not_applicable_if=opt_regex("not_applicable_if"),
        each_party=_bool(ctx, element, data, "each_party"),
        examples_positive=_str_list(ctx, element, examples.get("positive", []), "positive")
        if examples.get("positive")
        else (),
        examples_weak=_str_list(ctx, element, examples.get("weak", []), "weak") if examples.get("weak") else (),
        examples_negative=_str_list(ctx, element, examples.get("negative", []), "negative")
        if examples.get("negative")
        else (),
    )


def _bool(ctx: _Ctx, entry: str, data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ctx.error(entry, f"{key} must be true or false", key)
    return value


_HEADING_WORDS = ("numbered", "inline", "small_words", "caps_fillers", "abbreviations", "verbs", "contents")
_HEADING_PATTERNS = ("not_headings", "definitions")
COMMON_KEYS = ("language", "stopwords", "negation_cues", "placeholders", "abbreviations", "values", "ignore",
               "definitions", "percent_words", "headings", "parties")
"""Keys of ``<lang>/common.toml``; the first six are required."""


def _words(ctx: _Ctx, entry: str, value: Any, key: str) -> tuple[str, ...]:
    """A list of plain words or phrases, lower-cased (they are compared with lower-case text)."""
    words = _str_list(ctx, entry, value, key)
    for word in words:
        if word != word.strip() or "  " in word:
            raise ctx.error(entry, f"{key!r}: {word!r} has stray spaces", word)
    return tuple(w.lower() for w in words)


def _patterns(ctx: _Ctx, entry: str, value: Any, key: str) -> tuple[str, ...]:
    """A list of regular expressions, checked (syntax, backtracking) but kept as text."""
    patterns = _str_list(ctx, entry, value, key)
    _regex(ctx, entry, patterns, key)
    return patterns


def load_cues(data: dict[str, Any], ctx: _Ctx) -> LanguageCues:
    """The ``percent_words``, ``[headings]`` and ``[parties]`` of a common.toml, validated."""
    headings = data.get("headings", {})
    parties = data.get("parties", {})
    for name, table in (("headings", headings), ("parties", parties)):
        if not isinstance(table, dict):
            raise ctx.error(name, f"[{name}] must be a table", name)
    _check_keys(ctx, "headings", headings, _HEADING_WORDS + _HEADING_PATTERNS)
    _check_keys(ctx, "parties", parties, ("together", "subjects", "articles"))
    values: dict[str, tuple[str, ...]] = {}
    for key in _HEADING_WORDS:
        if key in headings:
            values[key] = _words(ctx, f"headings.{key}", headings[key], key)
    for key in _HEADING_PATTERNS:
        if key in headings:
            values[key] = _patterns(ctx, f"headings.{key}", headings[key], key)
    if "together" in parties:
        values["together"] = _patterns(ctx, "parties.together", parties["together"], "together")
    for key in ("subjects", "articles"):
        if key in parties:
            values[key] = _words(ctx, f"parties.{key}", parties[key], key)
    if "percent_words" in data:
        values["percent_words"] = _patterns(ctx, "percent_words", data["percent_words"], "percent_words")
    return LanguageCues(**values)


def _load_common(path: Path, lang: str) -> dict[str, Any]:
    data, ctx = _read_toml(path)
    keys = COMMON_KEYS
    _check_keys(ctx, "common", data, keys, keys[:6])
    if data["language"] != lang:
        raise ctx.error("language", f"language must be {lang!r}", "language")
    values = data["values"]
    if not isinstance(values, dict):
        raise ctx.error("values", "[values] must be a table")
    _check_keys(ctx, "values", values, VALUE_KINDS, VALUE_KINDS)
    return {
        "stopwords": frozenset(w.lower() for w in _str_list(ctx, "stopwords", data["stopwords"], "stopwords")),
        "negation_cues": _regex(
            ctx,
            "negation_cues",
            _str_list(ctx, "negation_cues", data["negation_cues"], "negation_cues"),
            "negation_cues",
        ),
        "placeholders": _regex(
            ctx, "placeholders", _str_list(ctx, "placeholders", data["placeholders"], "placeholders"), "placeholders"
        ),
        "abbreviations": _str_list(ctx, "abbreviations", data["abbreviations"], "abbreviations"),
        "ignore": _regex(ctx, "ignore", _str_list(ctx, "ignore", data["ignore"], "ignore"), "ignore")
        if "ignore" in data
        else None,
        "definitions": _regex(
            ctx, "definitions", _str_list(ctx, "definitions", data["definitions"], "definitions"), "definitions"
        )
        if "definitions" in data
        else None,
        "values": {k: _regex(ctx, f"values.{k}", _str_list(ctx, f"values.{k}", v, k), k) for k, v in values.items()},
        "cues": load_cues(data, ctx),
    }


MESSAGES_FILE = "messages.toml"
"""Each language folder's message catalogue (read by ``render.words``), not an element file."""


@functools.lru_cache(maxsize=4)
def other_languages(root: Path | None = None) -> dict[str, frozenset[str]]:
    """Stop words of languages without a lexicon (``other_languages.toml``), to warn about them."""
    path = (root or lexicon_root()) / "other_languages.toml"
    if not path.is_file():
        return {}
    data, ctx = _read_toml(path)
    out: dict[str, frozenset[str]] = {}
    for lang, table in data.items():
        if not LANGUAGE_CODE.fullmatch(lang) or not isinstance(table, dict):
            raise ctx.error(lang, "expected [<language code>] tables with a stopwords list", lang)
        _check_keys(ctx, lang, table, ("stopwords",), ("stopwords",))
        out[lang] = frozenset(_words(ctx, lang, table["stopwords"], "stopwords"))
    return out


@functools.lru_cache(maxsize=16)
def language_cues(lang: str, root: Path | None = None) -> LanguageCues:
    """Only the heading and party cues of one language (cheap: no element files, no patterns)."""
    path = (root or lexicon_root()) / lang / "common.toml"
    data, ctx = _read_toml(path)
    return load_cues(data, ctx)


def empty_element(element: str, path: Path) -> ElementLexicon:
    """An element a language has no file for: no rules, so it is never found in that language."""
    return ElementLexicon(element=element, path=str(path), rules=(), headings=None)


def new_language(folder: Path) -> LanguageLexicon:
    """A language that a playbook adds: its ``common.toml``, no elements yet (the caller adds them)."""
    return LanguageLexicon(language=folder.name, **_load_common(folder / "common.toml", folder.name))


def load_language(lang: str, root: Path | None = None) -> LanguageLexicon:
    """Load and validate one language's lexicon directory (``<root>/<lang>/``); every
    checklist element needs a file there. Cached by content: an edited lexicon folder is
    read again, so nobody needs to clear a cache."""
    return _language(lang, root, _root_content(root))


@functools.lru_cache(maxsize=16)
def _language(lang: str, root: Path | None, content: str | None) -> LanguageLexicon:  # noqa: ARG001
    base = root or lexicon_root()
    languages = discover_languages(root)
    if lang not in languages:
        raise LexiconError(str(base), lang, f"unsupported language (supported: {', '.join(languages)})")
    checklist = load_checklist(root)
    folder = base / lang
    if not folder.is_dir():
        raise LexiconError(folder, None, "lexicon folder not found")
    common = _load_common(folder / "common.toml", lang)
    ids = [e.id for e in checklist.elements]
    elements: dict[str, ElementLexicon] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name in ("common.toml", MESSAGES_FILE):
            continue
        element = load_element(path, lang, ids)
        elements[element.element] = element
    missing = [i for i in ids if i not in elements]
    if missing:
        raise LexiconError(folder, None, f"no lexicon file for element(s): {', '.join(missing)}")
    return LanguageLexicon(language=lang, elements=elements, **common)


def lexicon_version(root: Path | None = None) -> str:
    """Short hex SHA-256 over the shipped lexicon files (relative path and bytes of each).

    Stored results are keyed by it, so editing any lexicon file invalidates them. Computed
    once for the built-in lexicons; every time for another ``root``, whose files may change.
    """
    return _builtin_version() if root is None else _version_of(root)


@functools.lru_cache(maxsize=1)
def _builtin_version() -> str:
    return _version_of(lexicon_root())


def _version_of(base: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(base.rglob("*.toml")):
        if path.name == MESSAGES_FILE:
            continue  # wording only: stored findings stay valid when a message changes
        # The relative path is hashed too, so that renaming a file changes the version.
        digest.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]
