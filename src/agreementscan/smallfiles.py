"""Reading the small files a user points us at: configuration, baselines and playbooks.

These are settings, never documents, so they are refused unless they are regular files of
at most :data:`MAX_SETTINGS_BYTES`: ``--config /dev/zero`` must not read gigabytes, and a
FIFO must not block the run. The file is checked with ``stat`` before it is opened, opened
with ``O_NONBLOCK`` (a FIFO swapped in between cannot block the open) and checked again
with ``fstat`` on what was actually opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_SETTINGS_BYTES = 1_000_000
"""Largest configuration, baseline or playbook file (1 MB): far above any real one."""


class UnreadableFile(Exception):
    """The file is not something we read as settings; ``str()`` says why in plain words."""


def _check_mode(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise UnreadableFile("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise UnreadableFile("not a regular file (a device, FIFO or socket); refusing to read it")


def _is_devnull(info: os.stat_result) -> bool:
    try:
        null = os.stat(os.devnull)
    except OSError:  # pragma: no cover - a system without /dev/null
        return False
    return stat.S_ISCHR(null.st_mode) and (info.st_rdev, info.st_ino, info.st_dev) == (null.st_rdev, null.st_ino,
                                                                                     null.st_dev)


def read_small(path: str | Path, limit: int = MAX_SETTINGS_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    ``/dev/null`` reads as an empty file (``--config /dev/null`` is the usual way to say
    "no configuration"). Raises FileNotFoundError when it does not exist, :class:`UnreadableFile` when it is not a
    regular file or is too large, and OSError for other failures to read it.
    """
    info = os.stat(path)
    if stat.S_ISCHR(info.st_mode) and _is_devnull(info):
        return b""
    _check_mode(info.st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        _check_mode(info.st_mode)
        too_big = UnreadableFile(f"larger than {limit // 1_000_000 or limit} "
                                 f"{'MB' if limit >= 1_000_000 else 'bytes'}; "
                                 "settings files are never that large, refusing to read it")
        if info.st_size > limit:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        # Read to one byte past the limit: the size can change after fstat.
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise too_big
        return b"".join(chunks)
    finally:
        os.close(fd)
