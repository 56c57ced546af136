"""Project configuration: ``agreementscan.toml`` or ``[tool.agreementscan]`` in ``pyproject.toml``.

Found by walking up from the current directory (or given with ``--config``). Keys use the
command-line spelling; command-line flags win over the file. Unknown keys are errors that
name the file, the line and the key, so a typo never silently does nothing.

    lang = "nl"                      # auto | nl | en (or a language a playbook adds)
    report-lang = "en"
    playbooks = ["playbooks/legal"]  # relative to the config file
    disable = ["exclusivity"]
    fail-on = "error"                # missing | weak | error | warning | info | never
    baseline = "agreementscan-baseline.json"

    [severity]
    governing_law = "warning"

    [limits]
    max-size = 50                    # MB
    max-pages = 2000
    max-chars = 5000000
    timeout = 120                    # seconds per document (batch)
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AgreementscanError, shown, toml_error_line
from .lexicon.loader import available_languages
from .model import Severity
from .smallfiles import UnreadableFile, read_small

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "agreementscan.toml"
FAIL_ON = ("missing", "weak", "error", "warning", "info", "never")
TOP_KEYS = ("lang", "report-lang", "playbooks", "disable", "severity", "fail-on", "baseline", "limits")
LIMIT_KEYS = ("max-size", "max-pages", "max-chars", "timeout")
# Allowed ranges: (whole numbers only, lowest, highest). max-size (MB) and timeout (seconds)
# may be fractional; the ceilings only stop absurd values (inf, 1e300) from reaching the code.
LIMIT_RANGES: dict[str, tuple[bool, float, float]] = {
    "max-size": (False, 0.0, 1_000_000.0),
    "max-pages": (True, 1, 10_000_000),
    "max-chars": (True, 1, 10_000_000_000),
    "timeout": (False, 0.0, 86_400.0),
}


class ConfigError(AgreementscanError):
    """A configuration file is invalid."""

    def __init__(self, path: Path, key: str | None, message: str, line: int | None = None) -> None:
        where = shown(path) if line is None else f"{shown(path)}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.path, self.key, self.line = path, key, line


@dataclass(frozen=True)
class Limits:
    max_size: float | None = None
    """Megabytes (may be fractional: 0.5 is 500,000 bytes)."""
    max_pages: int | None = None
    max_chars: int | None = None
    timeout: float | None = None


@dataclass(frozen=True)
class Config:
    """Settings from a configuration file; None means "not set here"."""

    path: Path | None = None
    lang: str | None = None
    report_lang: str | None = None
    playbooks: tuple[Path, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str | None = None
    baseline: Path | None = None
    limits: Limits = field(default_factory=Limits)
    warnings: tuple[str, ...] = ()
    """Configuration files that discovery skipped, and why (the CLI prints them)."""

    @property
    def max_bytes(self) -> int | None:
        """``limits.max_size`` in bytes."""
        size = self.limits.max_size
        return None if size is None else max(1, round(size * 1_000_000))

    def check_elements(self, known: tuple[str, ...]) -> None:
        """Refuse disabled or re-rated element ids that neither the lexicons nor a playbook define."""
        if self.path is None:
            return
        text = _read(self.path)
        for element in self.disable:
            if element not in known:
                raise ConfigError(self.path, "disable", f"unknown element id {element!r}", _line(text, "disable"))
        for element in self.severity:
            if element not in known:
                raise ConfigError(self.path, f"severity.{element}", "unknown element id", _line(text, element))


def unsafe_reason(path: Path) -> str | None:
    """Why a discovered configuration file must not be trusted, or None when it may be.

    Like git's ``safe.directory``: a file that someone else could have put there or changed
    (its folder or itself writable by other users, or owned by another user than us or
    root) could silently disable checks, so discovery skips it. A sticky bit does not make
    a world-writable folder safe: anyone may still create the file there.
    """
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows has no such owners
        return None
    me = os.geteuid()
    try:
        folder, own = os.stat(path.parent), os.stat(path)
    except OSError as exc:
        return f"cannot check who owns it ({exc.strerror or exc})"
    if folder.st_mode & stat.S_IWOTH:
        return f"its folder {shown(path.parent)} is writable by other users"
    if folder.st_uid not in (me, 0):
        return f"its folder {shown(path.parent)} belongs to another user"
    if own.st_mode & stat.S_IWOTH:
        return "it is writable by other users"
    if own.st_uid not in (me, 0):
        return "it belongs to another user"
    return None


def discover_config(start: Path | None = None) -> tuple[Path | None, tuple[str, ...]]:
    """The nearest trusted agreementscan.toml or pyproject.toml with [tool.agreementscan],
    walking up, and a warning for every unsafe one skipped on the way."""
    folder = (start or Path.cwd()).resolve()
    warnings: list[str] = []
    for candidate in (folder, *folder.parents):
        for name in (CONFIG_NAME, "pyproject.toml"):
            path = candidate / name
            try:
                if not path.is_file():
                    continue
            except OSError:
                continue
            reason = unsafe_reason(path)
            if name == "pyproject.toml":
                try:
                    data = tomllib.loads(_read(path))
                except (ConfigError, tomllib.TOMLDecodeError, RecursionError):
                    continue
                if not (isinstance(data.get("tool"), dict) and "agreementscan" in data["tool"]):
                    continue
            if reason is not None:
                warnings.append(f"ignoring configuration {shown(path)}: {reason} "
                                "(pass it with --config to use it anyway)")
                continue
            return path, tuple(warnings)
    return None, tuple(warnings)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest trusted configuration file walking up from ``start`` (see :func:`discover_config`)."""
    return discover_config(start)[0]


def _read(path: Path) -> str:
    """The text of a configuration file: a regular UTF-8 file of at most 1 MB."""
    try:
        return read_small(path).decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, "configuration file not found") from None
    except UnreadableFile as exc:
        raise ConfigError(path, None, str(exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(path, None, "cannot read configuration (not valid UTF-8)") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read configuration ({exc.strerror or exc})") from None


def _line(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_config(path: Path | None = None, *, start: Path | None = None, known_elements: tuple[str, ...] = ()) -> Config:
    """Read and validate a configuration file (``path``, or the one found from ``start``)."""
    warnings: tuple[str, ...] = ()
    if path is None:
        path, warnings = discover_config(start)
    if path is None:
        return Config(warnings=warnings)
    text = _read(path)
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"invalid TOML: {exc}", toml_error_line(exc)) from None
    except RecursionError:
        raise ConfigError(path, None, "invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("agreementscan", {})
    if not isinstance(data, dict):
        raise ConfigError(path, None, "the configuration must be a table")

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(path, key, message, _line(text, key.rsplit(".", 1)[-1]))

    for key in data:
        if key not in TOP_KEYS:
            raise fail(key, f"unknown key (allowed: {', '.join(TOP_KEYS)})")

    def choice(key: str, allowed: tuple[str, ...]) -> str | None:
        value = data.get(key)
        if value is not None and value not in allowed:
            raise fail(key, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def str_list(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, "must be a list of strings")
        return tuple(value)

    base = path.parent
    disable = str_list("disable")
    for element in disable:
        if known_elements and element not in known_elements:
            raise fail("disable", f"unknown element id {element!r}")
    severity: dict[str, Severity] = {}
    raw_severity = data.get("severity", {})
    if not isinstance(raw_severity, dict):
        raise fail("severity", "must be a table of element = \"error|warning|info\"")
    for element, level in raw_severity.items():
        if known_elements and element not in known_elements:
            raise fail(f"severity.{element}", "unknown element id")
        try:
            severity[element] = Severity(level)
        except ValueError:
            raise fail(f"severity.{element}", f"must be error, warning or info, not {level!r}") from None
    raw_limits = data.get("limits", {})
    if not isinstance(raw_limits, dict):
        raise fail("limits", "must be a table")
    for key, value in raw_limits.items():
        if key not in LIMIT_KEYS:
            raise fail(f"limits.{key}", f"unknown key (allowed: {', '.join(LIMIT_KEYS)})")
        whole, low, high = LIMIT_RANGES[key]
        if whole:
            allowed = f"a whole number from {low:,} to {high:,}"
            good = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        else:
            allowed = f"a number above {low:g} and at most {high:,.0f}"
            good = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                    and low < value <= high)
        if not good:
            raise fail(f"limits.{key}", f"must be {allowed}, not {value!r}")
    baseline = data.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise fail("baseline", "must be a path")
    playbooks = tuple((base / p).resolve() for p in str_list("playbooks"))
    languages = available_languages(playbooks)
    return Config(
        path=path,
        lang=choice("lang", ("auto", *languages)),
        report_lang=choice("report-lang", languages),
        playbooks=playbooks,
        disable=disable,
        severity=severity,
        fail_on=choice("fail-on", FAIL_ON),
        baseline=(base / baseline).resolve() if baseline else None,
        limits=Limits(
            max_size=float(raw_limits["max-size"]) if "max-size" in raw_limits else None,
            max_pages=int(raw_limits["max-pages"]) if "max-pages" in raw_limits else None,
            max_chars=int(raw_limits["max-chars"]) if "max-chars" in raw_limits else None,
            timeout=float(raw_limits["timeout"]) if "timeout" in raw_limits else None,
        ),
        warnings=warnings,
    )
