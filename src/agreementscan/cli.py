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



# --------------------------------------------------------------------------- batch and report

BATCH_FORMATS = ("table", "csv", "jsonl", "json")
EXIT_INTERRUPTED = 130


def _check_target(path: Path, inputs: Sequence[str | Path]) -> Path:
    """Resolve an output path; refuse a folder, a missing folder or one of the input files."""
    target = path.resolve()
    if target.is_dir():
        _fail(f"{path}: is a directory; give a file name")
    if not target.parent.is_dir():
        _fail(f"{path}: folder {target.parent} does not exist")
    for source in inputs:
        # Cheap filter first: only same-named inputs can be the same file.
        if os.path.basename(source) == target.name and os.path.realpath(source) == str(target):
            _fail(f"{path}: refusing to write over an input file")
    return target


class _AtomicStream:
    """A text stream to ``-o FILE`` through a temporary file renamed at the end, or to stdout."""

    def __init__(self, path: Path | None, inputs: Sequence[str | Path]) -> None:
        self.path = path
        self.tmp: str | None = None
        if path is None:
            self.stream = sys.stdout
            return
        target = _check_target(path, inputs)
        self.target = target
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        self.stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def commit(self) -> None:
        """Make the file appear complete under its name (or flush stdout)."""
        if self.tmp is None:
            self.stream.flush()
            return
        self.stream.close()
        try:
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            _fail(f"{self.path}: cannot write output ({exc.strerror or exc})")
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None:
            self.stream.close()
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


class _Overview:
    """Writes the overview of a batch as items arrive; counts what the exit code needs."""

    def __init__(self, fmt: str, output: Path | None, inputs: Sequence[str | Path], report_dir: Path | None,
                 fail_on: str, color: bool) -> None:
        from .render.portfolio import CsvWriter, JsonArrayWriter

        self.fmt = fmt
        self.fail_on = fail_on
        self.report_dir = report_dir
        self.color = color
        self.rows: list = []  # compact items, for the table and the index only
        self.counts = {"ok": 0, "error": 0, "skipped": 0, "cached": 0, "pages": 0}
        self.failed_on = False
        self.out = _AtomicStream(output, inputs) if fmt != "table" else None
        self.csv = CsvWriter(self.out.stream) if fmt == "csv" and self.out else None
        self.json = JsonArrayWriter(self.out.stream) if fmt == "json" and self.out else None
        self.output = output
        self.inputs = inputs

    def add(self, item) -> None:  # type: ignore[no-untyped-def]
        from .render.portfolio import compact, jsonl_line

        self.counts[item.status] += 1
        self.counts["cached"] += int(item.cached)
        summary = item.summary
        if item.status == "ok" and summary is not None:
            self.counts["pages"] += summary.pages or 0
            bad = summary.missing if self.fail_on == "missing" else summary.missing + summary.weak
            self.failed_on = self.failed_on or (self.fail_on != "never" and bad > 0)
        if self.csv is not None:
            self.csv.write(item)
        elif self.json is not None:
            self.json.write(item)
        elif self.fmt == "jsonl" and self.out is not None:
            self.out.stream.write(jsonl_line(item))
        if self.fmt == "table" or self.report_dir is not None:
            self.rows.append(compact(item))

    def finish(self) -> None:
        """Complete every output (also after an interrupt: what finished is written whole)."""
        from .render.portfolio import index_pages, render_table

        if self.json is not None:
            self.json.close()
        if self.out is not None:
            self.out.commit()
        if self.fmt == "table":
            to_terminal = self.output is None and sys.stdout.isatty()
            width = max(100, click.get_terminal_size()[0]) if to_terminal else 160
            rows = sorted(self.rows, key=lambda i: i.path)  # completion order is not reproducible
            content = render_table(rows, color=self.color and to_terminal, width=width)
            if self.output is not None:
                write_output(self.output, content, [Path(p) for p in self.inputs])
            else:
                click.echo(content, nl=False)
        if self.report_dir is not None:
            for name, page in index_pages(self.rows).items():
                write_output(self.report_dir / name, page)

    def abandon(self) -> None:
        if self.out is not None:
            self.out.discard()

    def exit_code(self, allow_errors: bool) -> int:
        if self.counts["error"] and not allow_errors:
            return EXIT_ERROR
        return EXIT_FAIL_ON if self.failed_on else EXIT_OK


def _progress_bar(total: int):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr (only called when stderr is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]} pages/s"), TextColumn("{task.fields[errors]} errors"),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = progress.add_task("scanning", total=total, rate="0", errors=0)
    return progress, task


def _drive(items, overview: _Overview, total: int, show_progress: bool) -> None:  # type: ignore[no-untyped-def]
    """Feed items to the overview, with a progress bar when asked; finish outputs even on Ctrl-C."""
    import time

    start = time.monotonic()
    progress = task = None
    if show_progress:
        progress, task = _progress_bar(total)
        progress.start()
    try:
        for item in items:
            overview.add(item)
            if progress is not None:
                rate = overview.counts["pages"] / max(time.monotonic() - start, 1e-6)
                progress.update(task, advance=1, rate=f"{rate:.0f}", errors=overview.counts["error"])
    except KeyboardInterrupt:
        if progress is not None:
            progress.stop()
        overview.finish()
        raise
    except BaseException:
        overview.abandon()
        raise
    finally:
        if progress is not None:
            progress.stop()
    overview.finish()


def _report_dir(path: Path | None) -> Path | None:
    if path is None:
        return None
    from .render import Format

    if "html" not in {f.value for f in Format}:
        _fail("--report-dir needs the HTML report, which this installation does not have")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{path}: cannot create report folder ({exc.strerror or exc})")
    return path


def _summary_line(overview: _Overview) -> str:
    c = overview.counts
    scanned = c["ok"] - c["cached"]
    parts = [f"{scanned} scanned"]
    if c["cached"]:
        parts.append(f"{c['cached']} from the results database")
    parts.append(f"{c['error']} failed")
    parts.append(f"{c['skipped']} skipped (unsupported or duplicate)")
    return "agreementscan: " + ", ".join(parts)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: one per CPU; 0 scans in this process without timeouts).")
@click.option("--recursive/--no-recursive", default=True, show_default=True, help="Scan sub-folders too.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Only files whose relative path or name matches (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Leave out files and folders whose relative path or name matches (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(BATCH_FORMATS), default="table", show_default=True,
              help="Overview format: a table, CSV (document x element), JSON Lines or a JSON array of reports.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the overview to this file (atomically) instead of standard output.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="SQLite results database: reuse reports of unchanged documents, store new ones.")
@click.option("--report-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write an HTML report per document and an index.html overview into this folder.")
@click.option("--lang", type=click.Choice(["auto", "nl", "en"]), default="auto", show_default=True,
              help="Language of the agreements; auto detects it per paragraph.")
@click.option("--report-lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the reports. Default: each agreement's language.")
@click.option("--fail-on", type=click.Choice(["missing", "weak", "never"]), default="never", show_default=True,
              help="Exit with code 1 when any document has an element missing (or weak or missing).")
@click.option("--allow-errors", is_flag=True, help="Do not exit with code 2 because some files could not be scanned.")
@click.option("--password", default=None, help="Password for encrypted PDFs.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds one document may take before its worker is stopped.")
@click.option("--max-pages", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Refuse PDFs with more pages than this.")
@click.option("--max-size", type=click.IntRange(min=1), default=50, show_default=True,
              help="Refuse files larger than this many megabytes.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when it is a terminal).")
@click.option("--color/--no-color", default=None, help="Colour the table (default: when writing to a terminal).")
def batch(paths: tuple[Path, ...], jobs: int | None, recursive: bool, include: tuple[str, ...],
          exclude: tuple[str, ...], fmt: str, output: Path | None, db: Path | None, report_dir: Path | None,
          lang: str, report_lang: str | None, fail_on: str, allow_errors: bool, password: str | None,
          timeout: float, max_pages: int, max_size: int, progress: bool | None, color: bool | None) -> None:
    """Scan every agreement under PATHS (folders or files) in parallel and write an overview.

    Only .pdf .docx .docm .txt .md .markdown files are scanned; others are listed as
    skipped. A file that cannot be read, hangs past --timeout or crashes its worker
    becomes an error row and the run goes on. With --db, unchanged documents are read
    from the results database instead of scanned again, and an interrupted run resumes.

    \b
    Exit codes: 0 done, 1 when --fail-on is met, 2 when a file could not be scanned
    (after all others; not with --allow-errors), 130 when interrupted (Ctrl-C).

    \b
    Examples:
      agreementscan batch contracts/ -j 2 -o overview.csv -f csv
      agreementscan batch contracts/ --db scans.sqlite --report-dir reports/
      agreementscan batch contracts/ --format jsonl --fail-on missing
    """
    from .batch import Batch, ScanOptions, discover
    from .render.portfolio import report_names
    from .store import open_store

    entries = discover(paths, recursive=recursive, include=include, exclude=exclude)
    report_dir = _report_dir(report_dir)
    inputs = [e.path for e in entries if e.action == "scan"]
    if db is not None:
        _check_target(db, inputs)
    store = open_store(db) if db is not None else None
    options = ScanOptions(language=lang, report_language=report_lang, password=password, max_pages=max_pages,
                          max_bytes=max_size * 1_000_000)
    args = {"paths": [str(p) for p in paths], "recursive": recursive, "include": list(include),
            "exclude": list(exclude), "lang": lang, "report_lang": report_lang, "max_pages": max_pages,
            "max_size": max_size, "timeout": timeout}
    run = Batch(entries, options, jobs=jobs, timeout=timeout, store=store, report_dir=report_dir,
                report_names=report_names(entries) if report_dir is not None else None, run_args=args)
    overview = _Overview(fmt, output, inputs, report_dir, fail_on,
                         color if color is not None else True)
    show = sys.stderr.isatty() if progress is None else progress
    iterator = iter(run)
    try:
        _drive(iterator, overview, len(entries), show)
    except KeyboardInterrupt:
        iterator.close()  # type: ignore[attr-defined]
        done = sum(overview.counts[k] for k in ("ok", "error", "skipped"))
        kept = " (finished documents are in the results database)" if store is not None else ""
        click.echo(f"agreementscan: interrupted after {done} of {len(entries)} files{kept}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        iterator.close()  # type: ignore[attr-defined]
        if store is not None:
            store.close()
    click.echo(_summary_line(overview), err=True)
    sys.exit(overview.exit_code(allow_errors))


@main.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The results database written by `batch --db`.")
@click.option("--all", "all_documents", is_flag=True,
              help="Every document the database has seen (as of its latest run), not only the latest run.")
@click.option("-f", "--format", "fmt", type=click.Choice(BATCH_FORMATS), default="table", show_default=True,
              help="Overview format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the overview to this file (atomically) instead of standard output.")
@click.option("--report-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write an HTML report per document and an index.html overview into this folder.")
@click.option("--fail-on", type=click.Choice(["missing", "weak", "never"]), default="never", show_default=True,
              help="Exit with code 1 when any document has an element missing (or weak or missing).")
@click.option("--allow-errors", is_flag=True, help="Do not exit with code 2 because of error rows.")
@click.option("--color/--no-color", default=None, help="Colour the table (default: when writing to a terminal).")
def report(db: Path, all_documents: bool, fmt: str, output: Path | None, report_dir: Path | None, fail_on: str,
           allow_errors: bool, color: bool | None) -> None:
    """Render the overview of a batch again from its results database, without rescanning.

    Shows the latest run by default, or with --all every path the database has seen.
    """
    from .batch import Entry, items_from_store
    from .render.portfolio import report_names
    from .store import open_store

    store = open_store(db, create=False)
    try:
        stored = list(store.items(-1 if all_documents else None))
    finally:
        store.close()
    report_dir = _report_dir(report_dir)
    names = report_names(Entry(s.path, s.relpath, "scan") for s in stored if s.status == "ok") if report_dir else {}
    items = items_from_store(stored, report_dir=report_dir, report_names=names)
    overview = _Overview(fmt, output, [], report_dir, fail_on, color if color is not None else True)
    _drive(items, overview, len(stored), False)
    sys.exit(overview.exit_code(allow_errors))


def run() -> None:  # pragma: no cover - used by the console script wrapper
    main()
