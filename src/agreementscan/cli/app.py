"""Command line: the click group, shared options and settings; commands live beside it.

No analysis happens here: commands parse options into one
:class:`~agreementscan.engine.ScanOptions` (:attr:`Settings.options`), scan with its
:class:`~agreementscan.engine.Scanner`, hand the results to a renderer and choose the exit
code. Heavy modules are imported inside the commands so that ``--help`` and ``--version``
stay instant.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from ..version import __version__
from .languages import LanguageChoice, check_languages

if TYPE_CHECKING:  # pragma: no cover
    from ..baseline import Baseline
    from ..engine import Scanner, ScanOptions
    from ..lexicon.profile import Profile
    from ..model import ScanResult

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_ERROR = 2

FORMATS = ("text", "json", "markdown", "html", "sarif")
FAIL_ON = ("missing", "weak", "error", "warning", "info", "never")
EXIT_INTERRUPTED = 130


class InputError(click.ClickException):
    """A problem with the user's input: one line on stderr and exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file: object = None) -> None:  # noqa: ARG002 - click's signature
        from ..errors import shown

        # One line, whatever the message holds (a file name may contain a newline).
        click.echo(f"agreementscan: error: {shown(self.format_message())}", err=True)


def _fail(message: str) -> NoReturn:
    raise InputError(message)


_STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def echo_out(content: str, *, color: bool | None = None) -> None:
    """Write to standard output; a reader that went away (``| head``) ends output quietly.

    ``color=True`` keeps colour codes on a pipe (click strips them unless told).
    """
    try:
        click.echo(content, nl=False, color=color)
        sys.stdout.flush()
    except BrokenPipeError:
        stdout_closed()


def stdout_closed() -> None:
    """Point standard output at /dev/null: the pipe's reader has gone, and nothing else
    written (not even the interpreter's last flush) should turn that into an error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def is_stdout(path: Path) -> bool:
    """True for ``-o -`` and ``-o /dev/stdout`` (and its /dev/fd spellings)."""
    return str(path) in _STDOUT_NAMES


def special_target(path: Path) -> bool:
    """True when ``path`` exists and is not a regular file (a device, a FIFO): such a target
    is written into, never replaced by a file of ours."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_special(path: Path, content: str) -> None:
    """Write into a device or FIFO as it is (``/dev/null``, a named pipe with a reader)."""
    try:
        # O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) instead of hanging.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        _fail(f"{path}: cannot write report ({exc.strerror or exc})")
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except BrokenPipeError:
        return
    except OSError as exc:
        _fail(f"{path}: cannot write report ({exc.strerror or exc})")


def write_output(path: Path, content: str, inputs: Sequence[Path] = (), *, color: bool | None = None) -> None:
    """Write ``content`` to ``path``: atomically for a file, refusing to overwrite an input
    file; as it is for standard output, devices and FIFOs (never replaced)."""
    if is_stdout(path):
        echo_out(content, color=color)
        return
    if special_target(path):
        write_special(path, content)
        return
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
    from ..fileio import write_text_atomic

    try:
        write_text_atomic(target, content)
    except OSError as exc:
        _fail(f"{path}: cannot write report ({exc.strerror or exc})")


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` wins; 80 when unknown)."""
    import shutil

    return shutil.get_terminal_size().columns


def explain_fail_on(results: Sequence[ScanResult], fail_on: str) -> str | None:
    """One line that says which findings met ``--fail-on`` (None when nothing did)."""
    from ..errors import shown
    from ..policy import triggers

    hits = [(r, found) for r in results if (found := triggers(r, fail_on))]
    if not hits:
        return None
    parts = []
    for result, found in hits[:3]:
        listed = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        parts.append(f"{shown(result.document.path or '<text>')}: {listed}")
    more = f"; {len(hits) - 3} more documents" if len(hits) > 3 else ""
    return f"agreementscan: --fail-on {fail_on} met by {'; '.join(parts)}{more} (exit code {EXIT_FAIL_ON})"


def fails(results: Sequence[ScanResult], fail_on: str) -> bool:
    """True when any result meets ``--fail-on`` (suppressed findings never count)."""
    from ..policy import fails as policy_fails

    return policy_fails(results, fail_on)


class _Group(click.Group):
    """Turns any error that escapes a command into one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from ..errors import AgreementscanError

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (interrupts.Terminated): cleanup has run
            from ..interrupts import exit_code

            click.echo("agreementscan: interrupted", err=True)
            raise click.exceptions.Exit(exit_code(exc)) from None
        except AgreementscanError as exc:
            raise InputError(str(exc)) from None
        except MemoryError:
            raise InputError("out of memory; try --max-size or --max-pages") from None
        except BrokenPipeError:
            # The reader of our output went away (``| head``): end quietly, as other tools do.
            stdout_closed()
            raise click.exceptions.Exit(EXIT_OK) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            if os.environ.get("AGREEMENTSCAN_DEBUG"):
                raise
            from ..isolation import ChildError

            name = exc.type_name if isinstance(exc, ChildError) else type(exc).__name__
            raise InputError(f"internal error ({name}: {exc}); "
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
      agreementscan annotate draft.docx
      agreementscan batch contracts/ --db scans.sqlite --report-dir reports/
      agreementscan explain exit_moments --lang nl

    \b
    Shell completion (bash; use zsh_source or fish_source for those shells):
      eval "$(_AGREEMENTSCAN_COMPLETE=bash_source agreementscan)"
    """
    from ..interrupts import install

    install()  # SIGTERM runs the same cleanup as Ctrl-C (temporary files, workers, the store)



# --------------------------------------------------------------------------- shared options


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> bool:  # noqa: ARG001
    # Kept in ctx.meta, not passed to the command, so commands need no extra parameter.
    if value:
        ctx.meta["agreementscan.quiet"] = True
    return value


def quiet_option(func):  # type: ignore[no-untyped-def]
    """-q/--quiet: no note on stderr saying which configuration file was used."""
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                        help="Do not say on stderr which configuration file is used.")(func)


def profile_options(func):  # type: ignore[no-untyped-def]
    """--config, --lexicon and --quiet: where playbooks, disabled elements and severities come from."""
    func = quiet_option(func)
    func = click.option("--lexicon", "lexicons", multiple=True, metavar="DIR",
                        type=click.Path(path_type=Path, file_okay=False),
                        help="A playbook folder layered on the built-in lexicons (repeatable, applied in order).")(func)
    func = click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
                        help="Configuration file (default: agreementscan.toml or [tool.agreementscan] in "
                             "pyproject.toml, found by walking up from the current folder).")(func)
    return func


def language_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--report-lang", type=LanguageChoice(auto=False), default=None,
                        help="Language of the report. Default: the agreement's language.")(func)
    func = click.option("--lang", type=LanguageChoice(auto=True), default=None,
                        help="Language of the agreement (default auto: detected per paragraph).")(func)
    return func


def limit_options(func):  # type: ignore[no-untyped-def]
    func = click.option("--max-chars", type=click.IntRange(min=1), default=None,
                        help="Refuse documents with more extracted characters than this (default 20,000,000).")(func)
    func = click.option("--max-size", type=click.IntRange(min=1), default=None,
                        help="Refuse files larger than this many megabytes (default 50).")(func)
    func = click.option("--max-pages", type=click.IntRange(min=1), default=None,
                        help="Refuse PDFs with more pages than this (default 2000).")(func)
    func = click.option("--password", default=None, help="Password for encrypted PDFs.")(func)
    return func


def fail_on_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--fail-on", type=click.Choice(FAIL_ON), default=None,
        help="Exit with code 1 when any element is missing (missing), weak or missing (weak), or when any gap "
             "or check of at least this severity remains (error, warning, info). Accepted findings never "
             "count. Default: never.")(func)


def baseline_option(func):  # type: ignore[no-untyped-def]
    return click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), default=None,
                        help="Baseline file of accepted findings (see `agreementscan baseline`).")(func)


@dataclass
class Settings:
    """Command-line flags merged over the configuration file, over the defaults."""

    lang: str
    report_lang: str | None
    fail_on: str
    password: str | None
    max_pages: int
    max_bytes: int
    max_chars: int
    timeout: float
    baseline: Baseline | None
    config: Path | None
    playbooks: tuple[Path, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, str] | None = None
    _scanner: Scanner | None = None

    @property
    def options(self) -> ScanOptions:
        """The one options value every command scans with (scan, annotate, baseline, eval, batch)."""
        from ..engine import ScanOptions

        return ScanOptions.build(language=self.lang, report_language=self.report_lang, password=self.password,
                                 max_pages=self.max_pages, max_bytes=self.max_bytes, max_chars=self.max_chars,
                                 timeout=self.timeout, playbooks=self.playbooks, disable=self.disable,
                                 severity=self.severity)

    @property
    def scanner(self) -> Scanner:
        """One scanner for the whole command, so its documents share lexicons and matchers."""
        if self._scanner is None:
            from ..engine import Scanner

            self._scanner = Scanner(self.options)
        return self._scanner

    @property
    def profile(self) -> Profile:
        """The lexicons with playbooks layered on; compiled on first use only (a batch re-run
        that finds every report in its database never needs them)."""
        return self.scanner.profile


def resolve(*, config: Path | None = None, lexicons: Sequence[Path] = (), lang: str | None = None,
            report_lang: str | None = None, fail_on: str | None = None, password: str | None = None,
            max_pages: int | None = None, max_size: int | None = None, max_chars: int | None = None,
            timeout: float | None = None, baseline: Path | None = None) -> Settings:
    """The settings of one command: flags win over the configuration file."""
    from .. import limits as defaults  # the defaults of ScanOptions too: one set
    from ..baseline import load_baseline
    from ..config import load_config
    from ..lexicon.profile import element_ids

    found = load_config(config) if config is not None else load_config(start=Path.cwd())
    context = click.get_current_context(silent=True)
    quiet = bool(context is not None and context.meta.get("agreementscan.quiet"))
    from ..errors import shown

    # Skipped files are always reported (they are a security matter); the note is not.
    for warning in found.warnings:
        click.echo(f"agreementscan: warning: {shown(warning)}", err=True)
    if found.path is not None and not quiet:
        click.echo(f"agreementscan: using configuration {shown(found.path)}", err=True)
    playbooks = tuple(Path(p).resolve() for p in (*found.playbooks, *lexicons))
    check_languages(playbooks, lang=lang, report_lang=report_lang)
    if found.disable or found.severity:
        found.check_elements(element_ids(playbooks))
    limits = found.limits
    baseline_path = baseline or found.baseline
    return Settings(
        lang=lang or found.lang or "auto",
        report_lang=report_lang or found.report_lang,
        fail_on=fail_on or found.fail_on or "never",
        password=password,
        max_pages=max_pages or limits.max_pages or defaults.MAX_PAGES,
        max_bytes=(max_size * 1_000_000 if max_size else None) or found.max_bytes or defaults.MAX_BYTES,
        max_chars=max_chars or limits.max_chars or defaults.MAX_CHARS,
        timeout=timeout or limits.timeout or defaults.TIMEOUT,
        baseline=load_baseline(baseline_path, missing_ok=False) if baseline_path is not None else None,
        config=found.path,
        playbooks=playbooks,
        disable=found.disable,
        severity={k: v.value for k, v in found.severity.items()},
    )

class Seconds(click.ParamType):
    """A finite number of seconds above 0 and at most a day (click's FloatRange lets nan through)."""

    name = "seconds"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        import math

        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or not 0 < number <= 86_400:
            self.fail(f"{value!r} must be a number of seconds above 0 and at most 86400", param, ctx)
        return number


def timeout_option(func):  # type: ignore[no-untyped-def]
    return click.option("--timeout", type=Seconds(), default=None,
                        help="Seconds one document may take (default 120).")(func)
