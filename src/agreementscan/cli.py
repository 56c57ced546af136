"""Command line: a thin click layer over the library API.

No analysis happens here: commands parse options, call :mod:`agreementscan.api`, hand the
results to a renderer and choose the exit code. Heavy modules are imported inside the
commands so that ``--help`` and ``--version`` stay instant.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from . import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .model import ScanResult

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_ERROR = 2

FORMATS = ("text", "json", "markdown", "html")


class InputError(click.ClickException):
    """A problem with the user's input: one line on stderr and exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file: object = None) -> None:  # noqa: ARG002 - click's signature
        from .errors import shown

        # One line, whatever the message holds (a file name may contain a newline).
        click.echo(f"agreementscan: error: {shown(self.format_message())}", err=True)


def _fail(message: str) -> NoReturn:
    raise InputError(message)


def write_output(path: Path, content: str, inputs: Sequence[Path] = ()) -> None:
    """Write ``content`` to ``path`` atomically, refusing to overwrite an input file."""
    target = path.resolve()
    for source in inputs:
        try:
            if source.exists() and source.resolve() == target:
                _fail(f"{path}: refusing to write the report over an input file")
        except OSError:
            continue
    if target.is_dir():
        _fail(f"{path}: is a directory; give a file name for the report")
    folder = target.parent
    if not folder.is_dir():
        _fail(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        _fail(f"{path}: cannot write report ({exc.strerror or exc})")


def fails(results: Sequence[ScanResult], fail_on: str) -> bool:
    """True when any result has an element at or below the ``--fail-on`` level."""
    if fail_on == "never":
        return False
    bad = {"missing"} if fail_on == "missing" else {"missing", "weak"}
    return any(e.status.value in bad for r in results for e in r.elements)


class _Group(click.Group):
    """Turns any error that escapes a command into one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from .errors import AgreementscanError

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except AgreementscanError as exc:
            raise InputError(str(exc)) from None
        except MemoryError:
            raise InputError("out of memory; try --max-size or --max-pages") from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if os.environ.get("AGREEMENTSCAN_DEBUG"):
                raise
            raise InputError(f"internal error ({type(exc).__name__}: {exc}); "
                             "set AGREEMENTSCAN_DEBUG=1 to see the details") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="agreementscan")
def main() -> None:
    """Check partnership agreements (Dutch or English) for the five pitfalls of strategic
    partnerships, before you sign.

    \b
    Examples:
      agreementscan scan draft.docx
      agreementscan scan alliance.pdf --format json -o alliance.json
      agreementscan eval ../shared/corpus/dev
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format. With several files, json gives an array of reports.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--lang", type=click.Choice(["auto", "nl", "en"]), default="auto", show_default=True,
              help="Language of the agreement; auto detects it per paragraph.")
@click.option("--report-lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the report. Default: the agreement's language.")
@click.option("--fail-on", type=click.Choice(["missing", "weak", "never"]), default="never", show_default=True,
              help="Exit with code 1 when any element is missing (or weak or missing).")
@click.option("--password", default=None, help="Password for an encrypted PDF.")
@click.option("--max-pages", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Refuse PDFs with more pages than this.")
@click.option("--max-size", type=click.IntRange(min=1), default=50, show_default=True,
              help="Refuse files larger than this many megabytes.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when writing to a terminal).")
def scan(files: tuple[Path, ...], fmt: str, output: Path | None, lang: str, report_lang: str | None,
         fail_on: str, password: str | None, max_pages: int, max_size: int, color: bool | None) -> None:
    """Scan one or more agreements (PDF, DOCX, TXT or MD) and report every checklist element.

    Exit codes: 0 done, 1 when --fail-on is met, 2 when a file could not be read or an
    option is wrong (the other files are still reported).
    """
    from .api import scan_file
    from .errors import AgreementscanError, shown
    from .render import render

    results = []
    had_error = False
    for path in files:
        try:
            results.append(scan_file(path, language=lang, report_language=report_lang, password=password,
                                     max_pages=max_pages, max_bytes=max_size * 1_000_000))
        except AgreementscanError as exc:
            had_error = True
            click.echo(f"agreementscan: error: {shown(str(exc))}", err=True)
    if results:
        to_terminal = output is None and sys.stdout.isatty()
        use_color = to_terminal if color is None else color
        width = 100
        if to_terminal:
            width = max(60, min(120, click.get_terminal_size()[0]))
        content = render(results, fmt, color=use_color and fmt == "text", width=width)
        if output is not None:
            write_output(output, content, files)
        else:
            click.echo(content, nl=False)
    if had_error:
        sys.exit(EXIT_ERROR)
    if fails(results, fail_on):
        sys.exit(EXIT_FAIL_ON)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the copy. Default: <stem>.agreementscan.<ext> next to the input.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists (never the input).")
@click.option("--lang", type=click.Choice(["auto", "nl", "en"]), default="auto", show_default=True,
              help="Language of the agreement.")
@click.option("--report-lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the notes. Default: the agreement's language.")
@click.option("--fail-on", type=click.Choice(["missing", "weak", "never"]), default="never", show_default=True,
              help="Exit with code 1 when any element is missing (or weak or missing).")
@click.option("--password", default=None, help="Password for an encrypted PDF.")
@click.option("--max-pages", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Refuse PDFs with more pages than this.")
@click.option("--max-size", type=click.IntRange(min=1), default=50, show_default=True,
              help="Refuse files larger than this many megabytes.")
def annotate(file: Path, output: Path | None, force: bool, lang: str, report_lang: str | None, fail_on: str,
             password: str | None, max_pages: int, max_size: int) -> None:
    """Write a reviewed copy of FILE with the findings inside the agreement itself.

    \b
    .docx      -> a copy with Word comments on the evidence and a summary comment
    .pdf       -> a copy with highlights (a colour per pitfall) and a summary note
    .txt, .md  -> the HTML report with the full text highlighted

    The input is never changed; the copy is written atomically and an existing file is
    only replaced with --force.
    """
    from .annotate import annotate_file

    done = annotate_file(file, output, force=force, language=lang, report_language=report_lang, password=password,
                         max_pages=max_pages, max_bytes=max_size * 1_000_000)
    counts = {s: sum(1 for e in done.result.elements if e.status.value == s) for s in ("missing", "weak")}
    what = {"docx": "comments", "pdf": "highlights", "html": "highlighted passages"}[done.kind]
    click.echo(f"Wrote {done.path} ({done.notes} {what}; {counts['missing']} missing, {counts['weak']} weak elements)",
               err=True)
    if fails([done.result], fail_on):
        sys.exit(EXIT_FAIL_ON)


@main.command(name="eval")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@click.option("--worst", type=click.IntRange(min=0), default=15, show_default=True,
              help="How many of the worst disagreements to list.")
def eval_command(directory: Path, fmt: str, output: Path | None, worst: int) -> None:
    """Measure accuracy against labelled agreements in DIRECTORY (reads DIRECTORY/labels/*.json).

    Prints per element precision, recall and F1 of "covered" (present or weak) and of
    "missing" (missing or not applicable), their mean, the headline macro average over
    elements with at least 3 labelled documents in each class, the 3-way agreement, and
    the worst disagreements with their evidence.
    """
    import json

    from .errors import AgreementscanError
    from .evaluate import evaluate, report_to_dict, report_to_text

    if not directory.is_dir():
        _fail(f"{directory}: not a directory")
    try:
        report = evaluate(directory, worst=worst)
    except AgreementscanError as exc:
        _fail(str(exc))
    if fmt == "json":
        content = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"
    else:
        content = report_to_text(report)
    if output is not None:
        write_output(output, content)
    else:
        click.echo(content, nl=False)
    if report.errors:
        sys.exit(EXIT_ERROR)


def run() -> None:  # pragma: no cover - used by the console script wrapper
    main()
