"""Writing outputs atomically: a temporary file in the target's folder, then a rename.

An interrupted or failed write never leaves a half-written file under the real name, and
the finished file gets the usual permissions (mkstemp alone would make it private).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def _temporary_prefix(target: Path) -> str:
    return f".{target.name}."


def remove_temporaries(target: str | Path) -> None:
    """Remove temporary files of :func:`atomic_path` for ``target`` left by a process that was
    killed while writing it (SIGKILL runs no cleanup). Only names of our own pattern go."""
    target = Path(target)
    prefix = _temporary_prefix(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        # mkstemp adds exactly 8 random characters between prefix and suffix.
        if name.startswith(prefix) and name.endswith(".tmp") and len(name) == len(prefix) + 8 + 4:
            with contextlib.suppress(OSError):
                os.unlink(target.parent / name)


class NotRegularFile(OSError):
    """The target exists and is a device, FIFO, socket or folder: we never replace those."""


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto it when the block ends without error.

    Only a regular file (or nothing) is ever replaced: a symbolic link is followed to the
    file it names, and a device, FIFO, socket or folder raises :class:`NotRegularFile`
    before anything is written. The temporary file is removed on any exception,
    ``KeyboardInterrupt`` and SIGTERM (see :mod:`agreementscan.interrupts`) included.
    """
    target = Path(os.path.realpath(target))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise NotRegularFile(errno.EEXIST, "exists and is not a regular file; refusing to replace it", str(target))
    tmp: Path | None = None
    created = False
    try:
        # The name is chosen before the file exists (mkstemp returns it only afterwards):
        # a SIGTERM, raised as an exception at any moment after the file is made, still
        # finds its name here and removes it.
        for _ in range(100):
            tmp = target.parent / f"{_temporary_prefix(target)}{secrets.token_hex(4)}.tmp"
            try:
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            created = True
            break
        else:  # pragma: no cover - 100 collisions of 32 random bits
            raise FileExistsError(f"no free temporary name beside {target}")
        os.chmod(tmp, 0o666 & ~_UMASK)
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp is not None and (created or tmp.exists()):
            tmp.unlink(missing_ok=True)  # only still there when something failed


def write_text_atomic(target: str | Path, content: str) -> None:
    """Write UTF-8 text with ``\\n`` line ends to ``target`` atomically; raises OSError."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
