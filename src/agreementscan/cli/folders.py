"""Commands on folders: batch (parallel scan with an overview) and report (from the results database)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from .app import (
    EXIT_ERROR,
    EXIT_FAIL_ON,
    EXIT_OK,
    Seconds,
    _fail,
    baseline_option,
    echo_out,
    fail_on_option,
    is_stdout,
    language_options,
    limit_options,
    main,
    profile_options,
    quiet_option,
    resolve,
    special_target,
    stdout_closed,
    terminal_width,
    write_output,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..baseline import Baseline
    from ..reportdir import ReportFolder

BATCH_FORMATS = ("table", "csv", "jsonl", "json")


def overview_options(func):  # type: ignore[no-untyped-def]
    """-f, -o, --report-dir and --force, shared by batch and report."""
    func = click.option("--force", is_flag=True,
                        help="Replace files in --report-dir that agreementscan did not write (or that were "
                             "changed since).")(func)
    func = click.option("--report-dir", type=click.Path(path_type=Path, file_okay=False),
                        help="Write an HTML report per document and an index.html overview into this folder.")(func)
    func = click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
                        help="Write the overview to this file (atomically) instead of standard output.")(func)
    func = click.option("-f", "--format", "fmt", type=click.Choice(BATCH_FORMATS), default="table",
                        show_default=True, help="Overview format: a table, CSV (document x element), "
                                                "JSON Lines or a JSON array of reports.")(func)
    return func


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


class OutputClosed(Exception):
    """The reader of the overview went away (``| head``): stop, quietly."""


class _AtomicStream:
    """A text stream to ``-o FILE`` through a temporary file renamed at the end, or to stdout
    (also for ``-o -`` and ``-o /dev/stdout``), or straight into a device or FIFO."""

    def __init__(self, path: Path | None, inputs: Sequence[str | Path]) -> None:
        self.path = path
        self.tmp: str | None = None
        if path is None or is_stdout(path):
            self.stream = sys.stdout
            return
        if special_target(path):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
                os.set_blocking(fd, True)
            except OSError as exc:
                _fail(f"{path}: cannot write output ({exc.strerror or exc})")
            self.stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
            return
        target = _check_target(path, inputs)
        self.target = target
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:  # a read-only or immutable folder, a full disk
            _fail(f"{path}: cannot write output ({exc.strerror or exc})")
        self.stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except BrokenPipeError:
            raise OutputClosed from None
        except OSError as exc:  # full disk, quota
            self.failed(exc)

    def failed(self, exc: OSError) -> NoReturn:
        """A write to the output failed (full disk, quota): remove the temporary file, one line."""
        self.discard()
        _fail(f"{self.path or 'standard output'}: cannot write output ({exc.strerror or exc})")

    def commit(self) -> None:
        """Make the file appear complete under its name (or flush stdout)."""
        if self.tmp is None:
            try:
                self.stream.flush()
                if self.stream is not sys.stdout:
                    self.stream.close()
            except BrokenPipeError:
                raise OutputClosed from None
            except OSError as exc:
                _fail(f"{self.path or 'standard output'}: cannot write output ({exc.strerror or exc})")
            return
        try:
            self.stream.close()  # flushes: a full disk shows here
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.failed(exc)
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None:
            try:
                self.stream.close()
            except OSError:
                pass  # the flush failed (full disk); the file goes anyway
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


class _Overview:
    """Writes the overview of a batch as items arrive; counts what the exit code needs."""

    def __init__(self, fmt: str, output: Path | None, inputs: Sequence[str | Path], report_dir: Path | None,
                 fail_on: str, color: bool | None, baseline: Baseline | None = None,
                 folder: ReportFolder | None = None, language: str | None = None) -> None:
        from ..render.portfolio import CsvWriter, JsonArrayWriter

        self.fmt = fmt
        self.fail_on = fail_on
        self.report_dir = report_dir
        self.folder = folder
        self.color = color
        self.rows: list = []  # compact items, for the table and the index only
        self.counts = {"ok": 0, "error": 0, "skipped": 0, "cached": 0, "pages": 0}
        self.failed_on = False
        self.failed_paths: list[str] = []
        self.closed = False
        """True when the reader of standard output went away before the end."""
        self.out = _AtomicStream(output, inputs) if fmt != "table" else None
        self.csv = CsvWriter(self.out) if fmt == "csv" and self.out else None  # type: ignore[arg-type]
        self.json = JsonArrayWriter(self.out) if fmt == "json" and self.out else None  # type: ignore[arg-type]
        self.output = output
        self.inputs = inputs
        self.baseline = baseline
        self.language = language

    def add(self, item) -> None:  # type: ignore[no-untyped-def]
        from ..render.portfolio import compact, jsonl_line

        item, result = _with_baseline(item, self.baseline, need=self.fmt != "table")
        self.counts[item.status] += 1
        self.counts["cached"] += int(item.cached)
        summary = item.summary
        if item.status == "ok" and summary is not None:
            self.counts["pages"] += summary.pages or 0
            if self.fail_on != "never" and self.fail_on in summary.fails_on:
                self.failed_on = True
                self.failed_paths.append(item.path)
        if self.csv is not None:
            self.csv.write(item, result)
        elif self.json is not None:
            self.json.write(item, result)
        elif self.fmt == "jsonl" and self.out is not None:
            self.out.write(jsonl_line(item, result))
        if self.fmt == "table" or self.report_dir is not None:
            self.rows.append(compact(item))
        if self.folder is not None and item.report_file:
            self.folder.wrote(item.report_file)

    def finish(self) -> None:
        """Complete every output (also after an interrupt: what finished is written whole)."""
        from ..render.portfolio import index_pages, render_table

        if self.json is not None:
            try:
                self.json.close()
            except OSError as exc:
                assert self.out is not None
                self.out.failed(exc)
        if self.out is not None:
            self.out.commit()
        if self.fmt == "table":
            to_terminal = (self.output is None or is_stdout(self.output)) and sys.stdout.isatty()
            width = max(100, terminal_width()) if to_terminal else 160
            rows = sorted(self.rows, key=lambda i: i.path)  # completion order is not reproducible
            color = to_terminal if self.color is None else self.color
            content = render_table(rows, color=color, width=width)
            if self.output is not None:
                write_output(self.output, content, [Path(p) for p in self.inputs], color=color)
            else:
                echo_out(content, color=color)
        if self.report_dir is not None:
            for name, page in index_pages(self.rows, language=self.language).items():
                if self.folder is not None:
                    self.folder.write(name, page)
                else:
                    write_output(self.report_dir / name, page)
        if self.folder is not None:
            self.folder.close()

    def abandon(self) -> None:
        if self.out is not None:
            self.out.discard()

    def exit_code(self, allow_errors: bool) -> int:
        if self.counts["error"] and not allow_errors:
            return EXIT_ERROR
        return EXIT_FAIL_ON if self.failed_on else EXIT_OK

    def explain_exit(self, code: int) -> str | None:
        """One stderr line that says why the exit code is not 0 (None when it is 0)."""
        from ..errors import shown

        if code == EXIT_ERROR:
            return (f"agreementscan: {self.counts['error']} file(s) could not be scanned (exit code {EXIT_ERROR}; "
                    "see the error rows, or pass --allow-errors)")
        if code == EXIT_FAIL_ON:
            paths = sorted(self.failed_paths)
            first = ", ".join(shown(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            return (f"agreementscan: --fail-on {self.fail_on} met by {len(paths)} of {self.counts['ok']} "
                    f"document(s): {first} (exit code {EXIT_FAIL_ON})")
        return None


def _with_baseline(item, baseline: Baseline | None, *, need: bool = True):  # type: ignore[no-untyped-def]
    """(item, its decoded result): with a baseline, accepted findings are marked suppressed in
    both (the result is decoded only when a baseline or an output ``need`` s it)."""
    if item.status != "ok" or item.report_json is None or (baseline is None and not need):
        return item, None
    import dataclasses

    from ..baseline import apply_baseline
    from ..batch import summary_of

    result = item.scan_result()
    if baseline is None or result is None:
        return item, result
    result = apply_baseline(result, baseline)
    kept = result if item.result is not None else None
    return dataclasses.replace(item, summary=summary_of(result), result=kept), result


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
    except OutputClosed:
        # The reader went away: the rest of the overview has nowhere to go, but the files
        # that do not go to standard output (the report folder) are still completed.
        stdout_closed()
        overview.closed = True
        if progress is not None:
            progress.stop()
        overview.finish()
        return
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
    from ..render import Format

    if "html" not in {f.value for f in Format}:
        _fail("--report-dir needs the HTML report, which this installation does not have")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{path}: cannot create report folder ({exc.strerror or exc})")
    return path


def _claim_report_dir(path: Path | None, pages: Sequence[str], force: bool) -> ReportFolder | None:
    """Check (before any write) that the pages and index of this run replace only our own files."""
    if path is None:
        return None
    from ..render.portfolio import index_pages
    from ..reportdir import ReportFolder

    folder = ReportFolder(path, force=force)
    folder.claim([*pages, *index_pages([])])
    return folder


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
@overview_options
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False),
              help="SQLite results database: reuse reports of unchanged documents, store new ones.")
@language_options
@fail_on_option
@click.option("--allow-errors", is_flag=True, help="Do not exit with code 2 because some files could not be scanned.")
@click.option("--allow-empty", is_flag=True,
              help="Exit 0 when PATHS hold no agreements (default: exit 2 and say so).")
@click.option("--timeout", type=Seconds(), default=None,
              help="Seconds one document may take before its worker is stopped (default 120).")
@limit_options
@profile_options
@baseline_option
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when it is a terminal).")
@click.option("--color/--no-color", default=None, help="Colour the table (default: when writing to a terminal).")
def batch(paths: tuple[Path, ...], jobs: int | None, recursive: bool, include: tuple[str, ...],
          exclude: tuple[str, ...], fmt: str, output: Path | None, force: bool, db: Path | None,
          report_dir: Path | None,
          lang: str | None, report_lang: str | None, fail_on: str | None, allow_errors: bool, timeout: float | None,
          password: str | None, max_pages: int | None, max_size: int | None, max_chars: int | None,
          config: Path | None, lexicons: tuple[Path, ...], baseline: Path | None, progress: bool | None,
          color: bool | None, allow_empty: bool) -> None:
    """Scan every agreement under PATHS (folders or files) in parallel and write an overview.

    Only .pdf .docx .docm .txt .md .markdown files are scanned; others are listed as
    skipped. A file that cannot be read, hangs past --timeout or crashes its worker
    becomes an error row and the run goes on. With --db, unchanged documents are read
    from the results database instead of scanned again, and an interrupted run resumes.

    \b
    Exit codes: 0 done, 1 when --fail-on is met, 2 when a file could not be scanned
    (after all others; not with --allow-errors) or PATHS hold no agreement (not with
    --allow-empty), 130 when interrupted (Ctrl-C), 143 on SIGTERM. A non-zero exit always
    says why on stderr.

    \b
    Examples:
      agreementscan batch contracts/ -j 2 -o overview.csv -f csv
      agreementscan batch contracts/ --db scans.sqlite --report-dir reports/
      agreementscan batch contracts/ --format jsonl --fail-on missing
    """
    from ..batch import Batch, discover
    from ..render.portfolio import report_names
    from ..store import open_store

    settings = resolve(config=config, lexicons=lexicons, lang=lang, report_lang=report_lang, fail_on=fail_on,
                       password=password, max_pages=max_pages, max_size=max_size, max_chars=max_chars,
                       timeout=timeout, baseline=baseline)
    entries = discover(paths, recursive=recursive, include=include, exclude=exclude)
    if not any(e.action == "scan" for e in entries) and not allow_empty:
        _nothing_to_scan(entries)
    inputs = [e.path for e in entries if e.action == "scan"]
    if db is not None:
        _check_target(db, inputs)
    store = open_store(db) if db is not None else None  # refuses a file that is not ours before any write
    report_dir = _report_dir(report_dir)
    options = settings.options
    args = {"paths": [str(p) for p in paths], "recursive": recursive, "include": list(include),
            "exclude": list(exclude), "lang": settings.lang, "report_lang": settings.report_lang,
            "max_pages": settings.max_pages, "max_size": settings.max_bytes // 1_000_000, "timeout": settings.timeout,
            "playbooks": list(options.playbooks)}
    pages = report_names(entries) if report_dir is not None else None
    folder = _claim_report_dir(report_dir, list((pages or {}).values()), force)
    run = Batch(entries, options, jobs=jobs, store=store, report_dir=report_dir,
                report_names=pages, run_args=args)
    overview = _Overview(fmt, output, inputs, report_dir, settings.fail_on,
                         color, settings.baseline, folder, language=settings.report_lang)
    show = sys.stderr.isatty() if progress is None else progress
    iterator = iter(run)
    try:
        _drive(iterator, overview, len(entries), show)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (interrupts.Terminated)
        from ..interrupts import exit_code

        iterator.close()  # type: ignore[attr-defined]
        done = sum(overview.counts[k] for k in ("ok", "error", "skipped"))
        kept = " (finished documents are in the results database)" if store is not None else ""
        click.echo(f"agreementscan: interrupted after {done} of {len(entries)} files{kept}", err=True)
        sys.exit(exit_code(exc))
    finally:
        iterator.close()  # type: ignore[attr-defined]
        if store is not None:
            store.close()
    click.echo(_summary_line(overview), err=True)
    _exit(overview, allow_errors)


def _exit(overview: _Overview, allow_errors: bool) -> None:
    code = overview.exit_code(allow_errors)
    why = overview.explain_exit(code)
    if why:
        click.echo(why, err=True)
    sys.exit(code)


def _nothing_to_scan(entries: Sequence) -> None:  # type: ignore[type-arg]
    """Exit 2 with one line when PATHS hold no agreement to scan (a wrong folder, a typo)."""
    skipped = sum(1 for e in entries if e.action == "skipped")
    errors = sum(1 for e in entries if e.action == "error")
    if not entries:
        detail = "the folder is empty"
    else:
        detail = f"{skipped} file(s) skipped as unsupported, {errors} could not be read"
    _fail(f"no agreements to scan ({detail}); supported: .pdf .docx .docm .txt .md .markdown "
          "(pass --allow-empty to accept an empty folder)")


@main.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The results database written by `batch --db`.")
@click.option("--all", "all_documents", is_flag=True,
              help="Every document the database has seen (as of its latest run), not only the latest run.")
@overview_options
@fail_on_option
@baseline_option
@click.option("--report-lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the reports (default: from the configuration, else each document's own). "
                   "The database keeps language-neutral findings, so any language works without a rescan.")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
              help="Configuration file (for fail-on, baseline and report-lang; default: found by walking up).")
@quiet_option
@click.option("--allow-errors", is_flag=True, help="Do not exit with code 2 because of error rows.")
@click.option("--color/--no-color", default=None, help="Colour the table (default: when writing to a terminal).")
def report(db: Path, all_documents: bool, fmt: str, output: Path | None, force: bool, report_dir: Path | None,
           fail_on: str | None, baseline: Path | None, report_lang: str | None, config: Path | None,
           allow_errors: bool, color: bool | None) -> None:
    """Render the overview of a batch again from its results database, without rescanning.

    Shows the latest run by default, or with --all every path the database has seen.
    With --report-lang the reports are worded in that language.
    """
    from ..batch import Entry, items_from_store
    from ..render.portfolio import report_names
    from ..store import open_store

    settings = resolve(config=config, fail_on=fail_on, baseline=baseline, report_lang=report_lang)
    store = open_store(db, create=False)
    try:
        stored = list(store.items(-1 if all_documents else None))
    finally:
        store.close()
    report_dir = _report_dir(report_dir)
    names = report_names(Entry(s.path, s.relpath, "scan") for s in stored if s.status == "ok") if report_dir else {}
    folder = _claim_report_dir(report_dir, list(names.values()), force)
    items = items_from_store(stored, report_dir=report_dir, report_names=names, language=settings.report_lang)
    overview = _Overview(fmt, output, [], report_dir, settings.fail_on, color, settings.baseline, folder,
                         language=settings.report_lang)
    _drive(items, overview, len(stored), False)
    _exit(overview, allow_errors)
