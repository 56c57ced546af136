"""The ``--lang`` and ``--report-lang`` choices: the languages of the lexicon folders.

The built-in languages are listed in ``--help``; any other language code is accepted here
and checked once the playbooks are known (a playbook folder may add that language).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..lexicon.loader import LANGUAGE_CODE, available_languages, builtin_languages


class LanguageChoice(click.Choice):
    """``auto`` (if allowed) and the built-in languages; other language codes pass through
    to :func:`check_languages`."""

    def __init__(self, *, auto: bool) -> None:
        super().__init__([*(["auto"] if auto else []), *builtin_languages()])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and LANGUAGE_CODE.fullmatch(value) and value not in self.choices:
            return value  # maybe a playbook's language: checked by check_languages
        return super().convert(value, param, ctx)


def check_languages(playbooks: Iterable[str | Path], **given: str | None) -> None:
    """Fail like click does when a ``--lang``/``--report-lang`` value is no language of the
    built-in lexicons or of ``playbooks`` (keyword: the option's name, ``lang`` or ``report_lang``)."""
    languages = available_languages(playbooks)
    for name, value in given.items():
        allowed = ("auto", *languages) if name == "lang" else languages
        if value is not None and value not in allowed:
            option = "--" + name.replace("_", "-")
            raise click.BadParameter(f"{value!r} is not one of {', '.join(map(repr, allowed))} (a playbook "
                                     "adds a language with a <lang>/common.toml folder)", param_hint=f"'{option}'")
