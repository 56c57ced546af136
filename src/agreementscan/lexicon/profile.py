"""Profiles: the built-in lexicons with playbooks layered on top, elements disabled and
severities overridden.

A playbook is a folder in the same format as the built-in ``lexicons/``::

    my-playbook/
      checklist.toml       optional: schema = 1, disable = ["id", ...], [[elements]] for new elements
      en/<element>.toml    terms for an existing element (added to it) or a new element's lexicon
      nl/<element>.toml
      en/common.toml       optional: more negation cues, placeholders, ignore or definition patterns
      de/common.toml       a folder for a language the built-in lexicons lack adds that language:
      de/<element>.toml    its common.toml is complete (as lexicons/en/common.toml); elements
                           without a file have no rules in it

Several playbooks are applied in order. Adding to an existing element appends its rules,
heading and exclusion patterns and examples; numbers set in the playbook (threshold,
weights of its own rules) apply. A new element needs an entry in ``checklist.toml`` with
its texts in the built-in languages and a lexicon file in each built-in language.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import LexiconError
from ..model import Severity
from .loader import (
    _check_keys,
    _Ctx,
    _read_toml,
    _regex,
    _str_list,
    _text,
    _texts,
    builtin_languages,
    empty_element,
    is_language_folder,
    lexicon_root,
    lexicon_version,
    load_checklist,
    load_cues,
    load_element,
    load_language,
    new_language,
    read_lexicon_bytes,
)
from .schema import VALUE_KINDS, Checklist, ElementInfo, ElementLexicon, LanguageLexicon, Localized, Text

# Keys of an element file that, when a playbook sets them, replace the built-in value.
_SCALARS = ("heading_weight", "threshold", "requires_value", "negation", "each_party")
# Keys whose patterns a playbook adds as further alternatives.
_PATTERNS = ("headings", "negations", "applicable_if", "not_applicable_if")
_COMMON_KEYS = ("language", "negation_cues", "placeholders", "ignore", "definitions", "values", "percent_words",
                "headings", "parties")


@dataclass(frozen=True)
class Profile:
    """What a scan checks: the checklist and one lexicon per language."""

    checklist: Checklist
    lexicons: Mapping[str, LanguageLexicon]
    playbooks: tuple[Path, ...] = ()
    disabled: tuple[str, ...] = ()
    version: str = ""
    """Changes whenever any lexicon, playbook, disabled element or severity changes."""
    playbook_elements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per language: the element ids a playbook defined or extended (for ``lexicon test``)."""


def _combine(first: re.Pattern[str] | None, second: re.Pattern[str] | None) -> re.Pattern[str] | None:
    if first is None or second is None:
        return first or second
    return re.compile(f"(?:{first.pattern})|(?:{second.pattern})", re.IGNORECASE)


def _text2(ctx: _Ctx, entry: str, raw: dict[str, Any], key: str) -> Text:
    """A text in every built-in language (more languages may be given)."""
    return _text(ctx, entry, raw, key, builtin_languages())


def _optional_text2(ctx: _Ctx, entry: str, raw: dict[str, Any], key: str, fallback: Text) -> Text:
    return _text2(ctx, entry, raw, key) if key in raw else fallback


def _blank() -> Text:
    return Localized.of({lang: "" for lang in builtin_languages()})


def _new_elements(folder: Path, known: Checklist) -> tuple[list[ElementInfo], list[str]]:
    """New elements and disabled ids from a playbook's checklist.toml (if it has one)."""
    path = folder / "checklist.toml"
    if not path.is_file():
        return [], []
    data, ctx = _read_toml(path)
    _check_keys(ctx, "checklist", data, ("schema", "elements", "disable"))
    if data.get("schema", 1) != 1:
        raise ctx.error("schema", f"unsupported schema {data['schema']!r} (expected 1)", "schema")
    known_ids = {e.id for e in known.elements}
    disable = list(_str_list(ctx, "disable", data.get("disable", []), "disable")) if "disable" in data else []
    for element_id in disable:
        if element_id not in known_ids:
            raise ctx.error("disable", f"unknown element id {element_id!r}", element_id)
    required = ("id", "pitfall", "severity", "name", "description", "advice")
    optional = ("why", "questions", "searched_for", "example_present", "example_weak")
    out: list[ElementInfo] = []
    raw_elements = data.get("elements", [])
    if not isinstance(raw_elements, list):
        raise ctx.error("elements", "use [[elements]] tables for new elements")
    for raw in raw_elements:
        entry = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
        if not isinstance(raw, dict):
            raise ctx.error(entry, "every [[elements]] entry must be a table")
        _check_keys(ctx, entry, raw, required + optional, required)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", entry):
            raise ctx.error(entry, "element id must be lower_snake_case")
        if entry in known_ids or entry in {e.id for e in out}:
            raise ctx.error(entry, "element already exists; to add terms to it, put rules in <lang>/"
                                   f"{entry}.toml instead of a new [[elements]] entry")
        if raw["pitfall"] not in (1, 2, 3, 4, 5):
            raise ctx.error(entry, f"pitfall must be 1-5, not {raw['pitfall']!r}", "pitfall")
        try:
            severity = Severity(raw["severity"])
        except ValueError:
            raise ctx.error(entry, f"severity must be one of error, warning, info, not {raw['severity']!r}",
                            "severity") from None
        description = _text2(ctx, entry, raw, "description")
        none: Localized[tuple[str, ...]] = Localized.of({lang: () for lang in builtin_languages()})
        questions = _texts(ctx, entry, raw, "questions", builtin_languages()) if "questions" in raw else none
        searched = _texts(ctx, entry, raw, "searched_for", builtin_languages()) if "searched_for" in raw else none
        out.append(ElementInfo(
            id=entry, pitfall=raw["pitfall"], severity=severity, name=_text2(ctx, entry, raw, "name"),
            description=description, why=_optional_text2(ctx, entry, raw, "why", description),
            advice=_text2(ctx, entry, raw, "advice"), question_lists=questions, search_terms=searched,
            example_present=_optional_text2(ctx, entry, raw, "example_present", _blank()),
            example_weak=_optional_text2(ctx, entry, raw, "example_weak", _blank()),
        ))
    return out, disable


def _merge_element(base: ElementLexicon, extra: ElementLexicon, raw_keys: Iterable[str]) -> ElementLexicon:
    """The built-in element with a playbook's additions (its rules, patterns and examples)."""
    existing = {rule.id for rule in base.rules}
    for rule in extra.rules:
        if rule.id in existing:
            raise LexiconError(extra.path, rule.id, "duplicate rule id (the built-in lexicon has it already)")
    changes: dict[str, Any] = {
        "rules": base.rules + extra.rules,
        "path": f"{base.path} + {extra.path}",
        "examples_positive": base.examples_positive + extra.examples_positive,
        "examples_weak": base.examples_weak + extra.examples_weak,
        "examples_negative": base.examples_negative + extra.examples_negative,
    }
    for key in _PATTERNS:
        changes[key] = _combine(getattr(base, key), getattr(extra, key))
    for key in _SCALARS:
        if key in raw_keys:
            changes[key] = getattr(extra, key)
    return replace(base, **changes)


def _merge_common(lexicon: LanguageLexicon, path: Path) -> LanguageLexicon:
    """A language lexicon with a playbook's common.toml additions."""
    data, ctx = _read_toml(path)
    _check_keys(ctx, "common", data, _COMMON_KEYS)
    if data.get("language", lexicon.language) != lexicon.language:
        raise ctx.error("language", f"language must be {lexicon.language!r}", "language")
    changes: dict[str, Any] = {}
    for key in ("negation_cues", "placeholders", "ignore", "definitions"):
        if key in data:
            extra = _regex(ctx, key, _str_list(ctx, key, data[key], key), key)
            changes[key] = _combine(getattr(lexicon, key), extra)
    if "values" in data:
        values = data["values"]
        if not isinstance(values, dict):
            raise ctx.error("values", "[values] must be a table")
        _check_keys(ctx, "values", values, VALUE_KINDS)
        merged: dict[str, re.Pattern[str] | None] = dict(lexicon.values)
        for kind, patterns in values.items():
            merged[kind] = _combine(
                merged[kind], _regex(ctx, f"values.{kind}", _str_list(ctx, kind, patterns, kind), kind)
            )
        changes["values"] = merged
    if any(key in data for key in ("percent_words", "headings", "parties")):
        # More heading, party or percent words: added to the built-in ones, field by field.
        extra_cues = load_cues(data, ctx)
        changes["cues"] = replace(lexicon.cues, **{
            f.name: getattr(lexicon.cues, f.name) + getattr(extra_cues, f.name)
            for f in dataclasses.fields(extra_cues) if getattr(extra_cues, f.name)})
    return replace(lexicon, **changes) if changes else lexicon


def _digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for folder in paths:
        for path in sorted(folder.rglob("*.toml")):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0" + read_lexicon_bytes(path)
                          + b"\0")
    return digest.hexdigest()[:12]


def _check_folder(folder: Path) -> tuple[str, ...]:
    """The playbook's language folders (built-in ones first); any other folder is an error."""
    if not folder.is_dir():
        raise LexiconError(folder, None, "playbook folder not found")
    builtin = builtin_languages()
    stray = [p for p in folder.iterdir() if p.is_dir() and p.name not in builtin and not p.name.startswith(".")
             and not is_language_folder(p)]
    if stray:
        raise LexiconError(stray[0], None, f"unexpected folder (a playbook has {', '.join(builtin)} folders, or a "
                                           "folder named by a language code with a common.toml to add a language)")
    added = sorted(p.name for p in folder.iterdir() if p.name not in builtin and is_language_folder(p))
    return (*builtin, *added)


@functools.lru_cache(maxsize=16)
def _load(playbooks: tuple[Path, ...], content: str, disable: tuple[str, ...],
          severity: tuple[tuple[str, str], ...]) -> Profile:
    # ``content`` (the digest of the playbooks' files) is part of the cache key only: an
    # edited playbook is a new key, so a long-lived process never serves the old rules.
    checklist = load_checklist()
    builtin = builtin_languages()
    lexicons = {lang: load_language(lang) for lang in builtin}
    touched: dict[str, list[str]] = {lang: [] for lang in builtin}
    disabled = list(disable)
    for folder in playbooks:
        languages = _check_folder(folder)
        new, off = _new_elements(folder, checklist)
        disabled += off
        checklist = Checklist(checklist.pitfalls, checklist.elements + tuple(new))
        ids = [e.id for e in checklist.elements]
        for lang in languages:
            if lang not in lexicons:
                lexicons[lang] = new_language(folder / lang)
                touched[lang] = []
            elif lang not in builtin:
                raise LexiconError(folder / lang, None, "another playbook already adds this language; "
                                                        "extend it there")
            lexicon = lexicons[lang]
            lang_dir = folder / lang
            elements = dict(lexicon.elements)
            files = sorted(lang_dir.glob("*.toml")) if lang_dir.is_dir() else []
            for path in files:
                if path.name == "common.toml":
                    if lang in builtin:
                        lexicon = _merge_common(lexicon, path)
                    continue
                extra = load_element(path, lang, ids)
                raw_keys = _read_toml(path)[0].keys()
                base = elements.get(extra.element)
                elements[extra.element] = extra if base is None else _merge_element(base, extra, raw_keys)
                touched[lang].append(extra.element)
            for info in new:
                if info.id not in elements and lang in builtin:
                    raise LexiconError(lang_dir / f"{info.id}.toml", info.id,
                                       "new element has no lexicon file for this language")
            lexicons[lang] = replace(lexicon, elements=elements)
    known = {e.id for e in checklist.elements}
    for lang, lexicon in lexicons.items():
        # A language a playbook adds need not cover every element: those it lacks have no rules.
        gaps = {i: empty_element(i, Path(lang) / f"{i}.toml") for i in known if i not in lexicon.elements}
        if gaps:
            lexicons[lang] = replace(lexicon, elements={**lexicon.elements, **gaps})
    for element_id in disabled:
        if element_id not in known:
            raise LexiconError(lexicon_root(), element_id, "cannot disable an unknown element id")
    overrides = dict(severity)
    for element_id in overrides:
        if element_id not in known:
            raise LexiconError(lexicon_root(), element_id, "severity override for an unknown element id")
    kept = tuple(
        replace(e, severity=Severity(overrides[e.id])) if e.id in overrides else e
        for e in checklist.elements if e.id not in disabled
    )
    checklist = Checklist(checklist.pitfalls, kept)
    version = lexicon_version()
    if playbooks or disabled or overrides:
        spec = f"{_digest(playbooks)}|{','.join(sorted(disabled))}|{sorted(overrides.items())}"
        version = hashlib.sha256(f"{version}|{spec}".encode()).hexdigest()[:12]
    return Profile(checklist, lexicons, playbooks, tuple(dict.fromkeys(disabled)), version,
                   {lang: tuple(dict.fromkeys(ids)) for lang, ids in touched.items()})


def load_profile(playbooks: Sequence[str | Path] = (), *, disable: Sequence[str] = (),
                 severity: Mapping[str, str | Severity] | None = None) -> Profile:
    """The built-in lexicons with ``playbooks`` layered in order.

    Cached by the playbooks' content, not their paths: editing a playbook file and
    loading again gives the new rules.
    """
    folders = tuple(Path(p).resolve() for p in playbooks)
    levels = tuple(sorted((k, Severity(v).value) for k, v in (severity or {}).items()))
    for folder in folders:
        _check_folder(folder)
    return _load(folders, _digest(folders), tuple(disable), levels)


def element_ids(playbooks: Sequence[str | Path] = ()) -> tuple[str, ...]:
    """Ids of the built-in elements plus those the playbooks add (without compiling lexicons)."""
    checklist = load_checklist()
    ids = [e.id for e in checklist.elements]
    for folder in playbooks:
        new, _ = _new_elements(Path(folder), checklist)
        ids += [e.id for e in new]
    return tuple(ids)


def default_profile() -> Profile:
    """The built-in lexicons only."""
    return load_profile()


@dataclass(frozen=True)
class CheckReport:
    """What ``lexicon check`` found in one playbook."""

    folder: Path
    errors: tuple[str, ...]
    new_elements: tuple[str, ...] = ()
    extended: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    rules: dict[str, int] = dataclasses.field(default_factory=dict)
    disabled: tuple[str, ...] = ()


def check_playbook(folder: str | Path) -> CheckReport:
    """Validate every file of a playbook, collecting all errors (file:line: entry: problem)."""
    folder = Path(folder).resolve()
    errors: list[str] = []
    try:
        languages = _check_folder(folder)
    except LexiconError as exc:
        return CheckReport(folder, (str(exc),))
    base = load_checklist()
    try:
        new, disabled = _new_elements(folder, base)
    except LexiconError as exc:
        errors.append(str(exc))
        new, disabled = [], []
    ids = [e.id for e in base.elements] + [e.id for e in new]
    extended: dict[str, list[str]] = {}
    rules: dict[str, int] = {}
    builtin = builtin_languages()
    for lang in languages:
        lang_dir = folder / lang
        for path in sorted(lang_dir.glob("*.toml")) if lang_dir.is_dir() else []:
            try:
                if path.name == "common.toml":
                    if lang in builtin:
                        _merge_common(load_language(lang), path)
                    else:
                        new_language(lang_dir)
                    continue
                element = load_element(path, lang, ids)
                base_element = load_language(lang).elements.get(element.element) if lang in builtin else None
                if base_element is not None:
                    _merge_element(base_element, element, _read_toml(path)[0].keys())
                extended.setdefault(lang, []).append(element.element)
                rules[lang] = rules.get(lang, 0) + len(element.rules)
            except LexiconError as exc:
                errors.append(str(exc))
        for info in new:
            if lang in builtin and not (lang_dir / f"{info.id}.toml").is_file():
                errors.append(
                    f"{lang_dir / (info.id + '.toml')}: {info.id}: new element has no lexicon file for this language"
                )
    return CheckReport(folder, tuple(errors), tuple(e.id for e in new),
                       {k: tuple(v) for k, v in extended.items()}, rules, tuple(disabled))


@dataclass(frozen=True)
class ExampleFailure:
    language: str
    element: str
    kind: str
    text: str
    got: str


__all__ = ["Profile", "load_profile", "default_profile", "check_playbook", "CheckReport",
           "ExampleFailure"]
