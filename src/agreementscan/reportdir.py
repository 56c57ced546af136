"""A ``--report-dir`` folder that only ever replaces files agreementscan wrote itself.

The folder holds a manifest, ``.agreementscan-manifest.json``, with the SHA-256 (and size and
modification time, to avoid re-reading unchanged pages) of every page a run wrote. Before a
run writes anything, :meth:`ReportFolder.claim` checks every name it is going to write: a
file that is not in the manifest, or whose content changed since, is the user's, and the run
stops with one line naming it (unless ``--force``). A path that is not a regular file (a
folder, a symbolic link) is never replaced, with or without ``--force``.

The claimed names are written to the manifest first, without a hash ("being written"), so a
run killed with SIGKILL before it could record the pages it wrote does not lock its own
pages away from the next run. The manifest is always replaced atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import UsageError, shown
from .fileio import write_text_atomic

MANIFEST_NAME = ".agreementscan-manifest.json"
SCHEMA = "agreementscan.report-dir/1"
SAVE_EVERY = 5.0
"""Seconds between manifest saves during a run (each save rewrites the whole file)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ReportFolder:
    """The manifest of one report folder; create the folder first."""

    def __init__(self, path: str | Path, *, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        self.files: dict[str, dict[str, Any] | None] = {}
        """Page name -> {sha256, size, mtime_ns}, or None while a run is writing it."""
        self._saved_at = 0.0
        self._dirty = False
        self._load()

    @property
    def manifest(self) -> Path:
        return self.path / MANIFEST_NAME

    def _load(self) -> None:
        try:
            st = os.lstat(self.manifest)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UsageError(f"{shown(self.manifest)}: cannot read ({exc.strerror or exc})") from None
        problem = None
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{shown(self.manifest)}: not a regular file; choose another --report-dir")
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("files"), dict):
                problem = "not an agreementscan manifest"
            else:
                self.files = {str(k): v if isinstance(v, dict) else None for k, v in data["files"].items()}
        except (OSError, UnicodeDecodeError, ValueError):
            problem = "damaged manifest"
        if problem is not None and not self.force:
            raise UsageError(f"{shown(self.manifest)}: {problem}; choose another --report-dir or use --force")

    def _ours(self, name: str, st: os.stat_result) -> bool:
        if name not in self.files:
            return False
        known = self.files[name]
        if known is None:
            return True  # claimed by a run that was stopped before it recorded the page
        if known.get("size") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns:
            return True
        try:
            return _sha256(self.path / name) == known.get("sha256")
        except OSError:
            return False

    def claim(self, names: Iterable[str]) -> None:
        """Refuse (one line) if any of ``names`` is a file we did not write; then record them."""
        names = list(dict.fromkeys(names))
        for name in names:
            target = self.path / name
            try:
                st = os.lstat(target)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise UsageError(f"{shown(target)}: cannot read ({exc.strerror or exc})") from None
            if not stat.S_ISREG(st.st_mode):
                raise UsageError(f"{shown(target)}: exists and is not a regular file; it is never replaced; "
                                 "choose another --report-dir")
            if not self.force and not self._ours(name, st):
                raise UsageError(f"{shown(target)}: exists and was not written by agreementscan (or was changed "
                                 "since); choose another --report-dir or use --force to replace it")
        for name in names:
            self.files[name] = None
        self.save()

    def wrote(self, name: str) -> None:
        """Record a page this run has just written (by this process or a worker)."""
        target = self.path / name
        try:
            st = os.stat(target)
            self.files[name] = {"sha256": _sha256(target), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        except OSError:
            return  # not there after all: stays claimed
        self._dirty = True
        if time.monotonic() - self._saved_at > SAVE_EVERY:
            self.save()

    def write(self, name: str, content: str) -> None:
        """Write a page atomically and record it."""
        target = self.path / name
        try:
            write_text_atomic(target, content)
        except OSError as exc:
            raise UsageError(f"{shown(target)}: cannot write report ({exc.strerror or exc})") from None
        self.wrote(name)

    def save(self) -> None:
        """Replace the manifest atomically."""
        data = {"schema": SCHEMA, "files": dict(sorted(self.files.items()))}
        try:
            write_text_atomic(self.manifest, json.dumps(data, indent=0, sort_keys=True) + "\n")
        except OSError as exc:
            raise UsageError(f"{shown(self.manifest)}: cannot write ({exc.strerror or exc})") from None
        self._saved_at = time.monotonic()
        self._dirty = False

    def close(self) -> None:
        """Save what changed since the last save."""
        if self._dirty:
            self.save()
