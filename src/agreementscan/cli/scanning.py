"""Commands on single agreements: scan, annotate, baseline, and eval over labelled ones."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import (
    EXIT_ERROR,
    EXIT_FAIL_ON,
    FORMATS,
    _fail,
    baseline_option,
    echo_out,
    explain_fail_on,
    fail_on_option,
    fails,
    is_stdout,
    language_options,
    limit_options,
    main,
    profile_options,
    resolve,
    terminal_width,
    timeout_option,
    write_output,
)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format. With several files, json is an array of reports; sarif is one SARIF 2.1.0 log.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@language_options
@fail_on_option
@limit_options
@profile_options
@baseline_option
@timeout_option
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when writing to a terminal).")
def scan(files: tuple[Path, ...], fmt: str, output: Path | None, lang: str | None, report_lang: str | None,
         fail_on: str | None, password: str | None, max_pages: int | None, max_size: int | None,
         max_chars: int | None, config: Path | None, lexicons: tuple[Path, ...], baseline: Path | None,
         timeout: float | None, color: bool | None) -> None:
    """Scan one or more agreements (PDF, DOCX, TXT or MD) and report every checklist element.

    Exit codes: 0 done, 1 when --fail-on is met, 2 when a file could not be read or an
    option is wrong (the other files are still reported).
    """
    from ..errors import AgreementscanError, shown
    from ..render import render

    settings = resolve(config=config, lexicons=lexicons, lang=lang, report_lang=report_lang, fail_on=fail_on,
                       password=password, max_pages=max_pages, max_size=max_size, max_chars=max_chars,
                       timeout=timeout, baseline=baseline)
    results = []
    had_error = False
    for path in files:
        try:
            results.append(settings.scanner.scan(path, baseline=settings.baseline))
        except AgreementscanError as exc:
            had_error = True
            click.echo(f"agreementscan: error: {shown(str(exc))}", err=True)
    if results:
        to_terminal = (output is None or is_stdout(output)) and sys.stdout.isatty()
        use_color = (to_terminal if color is None else color) and fmt == "text"
        width = max(60, min(120, terminal_width())) if to_terminal else 100
        content = render(results, fmt, color=use_color, width=width)
        if output is not None:
            write_output(output, content, files, color=use_color)
        else:
            echo_out(content, color=use_color)
    if had_error:
        sys.exit(EXIT_ERROR)
    _exit_on_fail(results, settings.fail_on)


def _exit_on_fail(results: list, fail_on: str) -> None:  # type: ignore[type-arg]
    """Exit with code 1, saying why on stderr, when the results meet ``--fail-on``."""
    if fails(results, fail_on):
        click.echo(explain_fail_on(results, fail_on), err=True)
        sys.exit(EXIT_FAIL_ON)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the copy. Default: <stem>.agreementscan.<ext> next to the input.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists (never the input).")
@language_options
@fail_on_option
@limit_options
@profile_options
@baseline_option
@timeout_option
def annotate(file: Path, output: Path | None, force: bool, lang: str | None, report_lang: str | None,
             fail_on: str | None, password: str | None, max_pages: int | None, max_size: int | None,
             max_chars: int | None, config: Path | None, lexicons: tuple[Path, ...], baseline: Path | None,
             timeout: float | None) -> None:
    """Write a reviewed copy of FILE with the findings inside the agreement itself.

    \b
    .docx      -> a copy with Word comments on the evidence and a summary comment
    .pdf       -> a copy with highlights (a colour per pitfall) and a summary note
    .txt, .md  -> the HTML report with the full text highlighted

    The input is never changed; the copy is written atomically and an existing file is
    only replaced with --force.
    """
    from ..annotate import annotate_file
    from ..errors import shown

    settings = resolve(config=config, lexicons=lexicons, lang=lang, report_lang=report_lang, fail_on=fail_on,
                       password=password, max_pages=max_pages, max_size=max_size, max_chars=max_chars,
                       baseline=baseline, timeout=timeout)
    done = annotate_file(file, output, force=force, baseline=settings.baseline, scanner=settings.scanner)
    counts = {s: sum(1 for e in done.result.elements if e.status.value == s) for s in ("missing", "weak")}
    what = {"docx": "comments", "pdf": "highlights", "html": "highlighted passages"}[done.kind]
    click.echo(
        f"Wrote {shown(done.path)} ({done.notes} {what}; {counts['missing']} missing, {counts['weak']} weak elements)",
        err=True,
    )
    _exit_on_fail([done.result], settings.fail_on)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--accept", "accepts", multiple=True, metavar='ELEMENT="JUSTIFICATION"',
              help="Accept the current gap of ELEMENT in these documents, with a justification (repeatable).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Baseline file (default: the configuration's baseline, else agreementscan-baseline.json here).")
@language_options
@limit_options
@profile_options
@timeout_option
def baseline(files: tuple[Path, ...], accepts: tuple[str, ...], baseline_file: Path | None, lang: str | None,
             report_lang: str | None, password: str | None, max_pages: int | None, max_size: int | None,
             max_chars: int | None, config: Path | None, lexicons: tuple[Path, ...], timeout: float | None) -> None:
    """Record accepted findings (with --accept), or list what the baseline holds for FILES.

    An accepted finding stays visible in every report, marked as accepted with its
    justification and date, and no longer counts for --fail-on. It applies only to the
    exact document it was accepted for: when the agreement changes, it is reviewed again.

    \b
    Example:
      agreementscan baseline draft.pdf --accept exclusivity="Accepted by both boards on 2026-11-02"
    """
    from ..baseline import BASELINE_NAME, accept, load_baseline, parse_accepts, save_baseline
    from ..errors import shown

    settings = resolve(config=config, lexicons=lexicons, lang=lang, report_lang=report_lang, password=password,
                       max_pages=max_pages, max_size=max_size, max_chars=max_chars, timeout=timeout)
    target = baseline_file or (settings.baseline.path if settings.baseline is not None else Path(BASELINE_NAME))
    current = load_baseline(target, missing_ok=True)
    justifications = parse_accepts(accepts)
    for path in files:
        result = settings.scanner.scan(path)
        if justifications:
            current, notes = accept(current, result, justifications)
            for note in notes:
                click.echo(f"agreementscan: {shown(path)}: {shown(note)}", err=True)
            continue
        entries = current.for_document(result.document.sha256)
        stale = [e for e in current.entries if e.path == str(path) and e.sha256 != result.document.sha256]
        click.echo(f"{shown(path)}: {len(entries)} accepted finding(s)")
        for entry in entries.values():
            click.echo(shown(f"  {entry.element} ({entry.status}, {entry.date}): {entry.justification}"))
        for entry in stale:
            click.echo(f"  stale: {entry.element} was accepted for an earlier version of this document")
    if justifications:
        save_baseline(current)
        click.echo(f"Wrote {shown(target)} ({len(current.entries)} accepted finding(s))", err=True)


@main.command(name="eval")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@click.option("--worst", type=click.IntRange(min=0), default=15, show_default=True,
              help="How many of the worst disagreements to list.")
@click.option("--elements", "only", metavar="ID,ID,...",
              help="Count only these element ids (comma-separated), e.g. the ones a label set is reliable on.")
@limit_options
@profile_options
@timeout_option
def eval_command(directory: Path, fmt: str, output: Path | None, worst: int, only: str | None, password: str | None,
                 max_pages: int | None, max_size: int | None, max_chars: int | None, config: Path | None,
                 lexicons: tuple[Path, ...], timeout: float | None) -> None:
    """Measure accuracy against labelled agreements in DIRECTORY (reads DIRECTORY/labels/*.json).

    Prints per element precision, recall and F1 of "covered" (present or weak) and of
    "missing" (missing or not applicable), their mean, the headline macro average over
    elements with at least 3 labelled documents in each class, the 3-way agreement, and
    the worst disagreements with their evidence. Label files may be partial: only the
    elements a file lists count for its document. Where label and scan both say covered,
    it also reports how often the first quote (and any quote) overlaps the labelled one,
    overall, per element and per label language.
    """
    import json

    from ..engine import Scanner
    from ..evaluate import evaluate, report_to_dict, report_to_text

    if not directory.is_dir():
        _fail(f"{directory}: not a directory")
    settings = resolve(config=config, lexicons=lexicons, password=password, max_pages=max_pages,
                       max_size=max_size, max_chars=max_chars, timeout=timeout)

    # The same limits and time limit as `scan` (a document that hangs is an error row); the
    # language is always detected, as the labels are compared with what auto-detection finds.
    scanner = Scanner(settings.options.with_(language="auto", report_language=None))
    elements = only.split(",") if only is not None else None
    report = evaluate(directory, worst=worst, scan=scanner.scan, elements=elements)
    if fmt == "json":
        content = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"
    else:
        content = report_to_text(report)
    if output is not None:
        write_output(output, content)
    else:
        echo_out(content)
    if report.errors:
        sys.exit(EXIT_ERROR)
