"""Commands about the checklist itself: checklist, explain, and lexicon check/test for playbooks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..lexicon.loader import builtin_languages
from ..lexicon.schema import FALLBACK_LANGUAGE
from .app import EXIT_FAIL_ON, main, profile_options, resolve


@main.command()
@click.option(
    "--lang", type=click.Choice(builtin_languages()), default=FALLBACK_LANGUAGE, show_default=True, help="Language."
)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="Output format.")
@profile_options
def checklist(lang: str, fmt: str, config: Path | None, lexicons: tuple[Path, ...]) -> None:
    """List the five pitfalls with their tips and every element with its id and severity.

    Playbooks (--lexicon, or those in the configuration) add their elements; disabled
    elements are left out.
    """
    from ..explain import render_checklist

    settings = resolve(config=config, lexicons=lexicons)
    click.echo(render_checklist(settings.profile.checklist, lang, fmt), nl=False)


@main.command()
@click.argument("element")
@click.option(
    "--lang", type=click.Choice(builtin_languages()), default=FALLBACK_LANGUAGE, show_default=True, help="Language."
)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="Output format.")
@profile_options
def explain(element: str, lang: str, fmt: str, config: Path | None, lexicons: tuple[Path, ...]) -> None:
    """Explain one element: what it is, why it matters, examples, and questions to ask.

    \b
    Example:
      agreementscan explain exit_moments --lang nl
    """
    from ..explain import render_explain

    settings = resolve(config=config, lexicons=lexicons)
    click.echo(render_explain(settings.profile.checklist, element, lang, fmt), nl=False)


@main.group()
def lexicon() -> None:
    """Check and test playbooks: your own terms and elements on top of the built-in lexicons."""


def _checked(folder: Path):  # type: ignore[no-untyped-def]
    """The playbook's check report, or None after printing its errors (file:line: entry: message)."""
    from ..errors import shown
    from ..lexicon.profile import check_playbook

    report = check_playbook(folder)
    for error in report.errors:
        click.echo(shown(error))
    return None if report.errors else report


@lexicon.command(name="check")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
def lexicon_check(folders: tuple[Path, ...]) -> None:
    """Validate playbook FOLDERS: every problem as file:line: entry: message, or OK with counts.

    Exit code 1 when any folder has errors.
    """
    from ..errors import shown

    failed = False
    for folder in folders:
        report = _checked(folder)
        if report is None:
            failed = True
            continue
        rules = ", ".join(f"{n} rules ({lang})" for lang, n in sorted(report.rules.items())) or "no rules"
        extended = sorted({e for ids in report.extended.values() for e in ids} - set(report.new_elements))
        click.echo(f"{shown(folder)}: OK: {len(report.new_elements)} new element(s), {len(extended)} extended, "
                   f"{len(report.disabled)} disabled, {rules}")
    if failed:
        sys.exit(EXIT_FAIL_ON)


@lexicon.command(name="test")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
def lexicon_test(folders: tuple[Path, ...]) -> None:
    """Run the examples in the element files of playbook FOLDERS and report failures.

    Positive examples must come out present or weak, weak ones weak, negative ones
    missing or not applicable. Exit code 1 when any example fails.
    """
    from ..errors import shown
    from ..lexicon.examples import run_playbook_examples

    failed = False
    for folder in folders:
        if _checked(folder) is None:
            failed = True
            continue
        ran, failures = run_playbook_examples(folder)
        for failure in failures:
            click.echo(f"{shown(folder)}/{failure.language}/{failure.element}.toml: {failure.kind} example came out "
                       f"{failure.got}: {shown(repr(failure.text))}")
        click.echo(f"{shown(folder)}: {ran - len(failures)} of {ran} examples passed")
        failed = failed or bool(failures)
    if failed:
        sys.exit(EXIT_FAIL_ON)
