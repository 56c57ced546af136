"""Finding the agreements under folders: the walk, and what to do with each file it meets.

Folders are walked iteratively (an explicit stack: nesting thousands deep is no
problem), with symbolic links followed but a folder entered only once, so link loops end.
Every file becomes an :class:`Entry`: to scan, skipped (not a supported format) or an
error row (broken link, loop, not a regular file).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".docm", ".txt", ".md", ".markdown")


@dataclass(frozen=True)
class Entry:
    """A file (or folder) the walk found, and what to do with it."""

    path: str
    """The path as found: the given root joined with the names below it."""
    relpath: str
    """Path relative to the given folder, with ``/`` (the file name for files given directly)."""
    action: str
    """``scan``, ``skipped`` or ``error``."""
    message: str | None = None
    size: int = 0
    mtime_ns: int = 0




_WORD_PROCESSOR_SUFFIXES = (".doc", ".dot", ".rtf", ".odt", ".ott", ".pages", ".wpd", ".wps", ".xps")
"""Documents that are agreements in a format we do not read: the skip message says what to do."""


def _normalise_patterns(patterns: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for pattern in patterns:
        pattern = pattern.replace(os.sep, "/")
        out.append(pattern)
        # "**/x" should also match "x" at the top of the folder, as in most glob dialects.
        while pattern.startswith("**/"):
            pattern = pattern[3:]
            out.append(pattern)
    return tuple(out)


def _matches(relpath: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(relpath, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover(paths: Iterable[str | Path], *, recursive: bool = True, include: Iterable[str] = (),
             exclude: Iterable[str] = ()) -> list[Entry]:
    """Every file under ``paths`` with what to do with it, in a stable (sorted) order.

    Folders are walked with symbolic links followed, but a folder (by device and inode)
    is entered only once: a link back to an ancestor is reported as an error row
    ("symbolic link loop"), another link to a folder already walked as skipped. Files
    given directly are always scanned (their format is detected from the content).
    ``include``/``exclude`` globs are matched against the path relative to the given
    folder and against the file name; an excluded folder is not entered.
    """
    includes, excludes = _normalise_patterns(include), _normalise_patterns(exclude)
    entries: list[Entry] = []
    visited: dict[tuple[int, int], str] = {}
    for raw in paths:
        root = os.fspath(raw)
        try:
            st = os.stat(root)
        except FileNotFoundError:
            problem = "broken symbolic link" if os.path.islink(root) else "file not found"
            entries.append(Entry(root, os.path.basename(root) or root, "error", problem))
            continue
        except OSError as exc:
            entries.append(Entry(root, os.path.basename(root) or root, "error", _os_reason(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in visited:
                entries.append(Entry(root, root, "skipped", f"same folder as {visited[key]}"))
                continue
            visited[key] = root
            _walk(root, "", recursive, includes, excludes, entries, visited, (key,))
        elif stat.S_ISREG(st.st_mode):
            entries.append(Entry(root, os.path.basename(root), "scan", None, st.st_size, st.st_mtime_ns))
        else:
            entries.append(Entry(root, os.path.basename(root), "error", "not a regular file"))
    return entries


def _os_reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"


def _walk(folder: str, rel: str, recursive: bool, includes: Sequence[str], excludes: Sequence[str],
          out: list[Entry], visited: dict[tuple[int, int], str], ancestors: tuple[tuple[int, int], ...]) -> None:
    """Append the entries under ``folder`` in depth-first, sorted order.

    Iterative, with an explicit stack of folder listings: a recursive walk crashed with
    RecursionError on folders nested a few thousand levels deep.
    """
    # Each frame: (children of one folder, position of the next child, rel path, ancestors).
    stack: list[tuple[list[os.DirEntry[str]], list[int], str, tuple[tuple[int, int], ...]]] = []
    listing = _listing(folder, rel, out)
    if listing is None:
        return
    stack.append((listing, [0], rel, ancestors))
    while stack:
        children, position, base, above = stack[-1]
        if position[0] >= len(children):
            stack.pop()
            continue
        child = children[position[0]]
        position[0] += 1
        relpath = f"{base}/{child.name}" if base else child.name
        if excludes and _matches(relpath, child.name, excludes):
            continue
        try:
            st = os.stat(child.path)  # follows links
        except FileNotFoundError:
            if child.is_symlink() and (not includes or _matches(relpath, child.name, includes)):
                out.append(Entry(child.path, relpath, "error", "broken symbolic link"))
            continue
        except OSError as exc:
            if not includes or _matches(relpath, child.name, includes):
                out.append(Entry(child.path, relpath, "error", _os_reason(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            if not recursive:
                continue
            key = (st.st_dev, st.st_ino)
            if key in above:
                out.append(Entry(child.path, relpath, "error",
                                 f"symbolic link loop (points back to {visited.get(key, 'a parent folder')})"))
            elif key in visited:
                out.append(Entry(child.path, relpath, "skipped", f"same folder as {visited[key]}"))
            else:
                visited[key] = child.path
                sub = _listing(child.path, relpath, out)
                if sub is not None:
                    stack.append((sub, [0], relpath, (*above, key)))
            continue
        if includes and not _matches(relpath, child.name, includes):
            continue
        suffix = os.path.splitext(child.name)[1].lower()
        if suffix not in SUPPORTED_SUFFIXES:
            hint = "; save it as .docx or .pdf" if suffix in _WORD_PROCESSOR_SUFFIXES else ""
            out.append(Entry(child.path, relpath, "skipped", f"unsupported format ({suffix or 'no extension'}){hint}"))
        elif child.name.startswith("~$"):
            out.append(Entry(child.path, relpath, "skipped", "Office lock file"))
        elif not stat.S_ISREG(st.st_mode):
            out.append(Entry(child.path, relpath, "error", "not a regular file"))
        else:
            out.append(Entry(child.path, relpath, "scan", None, st.st_size, st.st_mtime_ns))


def _listing(folder: str, rel: str, out: list[Entry]) -> list[os.DirEntry[str]] | None:
    """The entries of ``folder``, real ones before links; None (and an error row) if unreadable."""
    try:
        with os.scandir(folder) as it:
            # Real entries before links, so that a folder reached both ways is reported by its real path.
            return sorted(it, key=lambda e: (e.is_symlink(), e.name))
    except OSError as exc:
        out.append(Entry(folder, rel or ".", "error", _os_reason(exc)))
        return None


