"""Generators for hostile inputs that are too big (or too many) to keep in the repository.

Each function writes or returns one case; the tests call them into a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

CLAUSE = ("7.1 Either Party may terminate this Agreement for convenience by giving the other Party three (3) "
          "months' written notice. The Parties shall meet every quarter in a steering committee to resolve any "
          "dispute. ")


def repeated_clause(times: int) -> str:
    """An "agreement" that is one clause repeated ``times`` times (14,000 times is 1 MB)."""
    return "Joint Venture Agreement\n\n" + CLAUSE * times


def nested_folders(root: Path, depth: int) -> Path:
    """``root/d/d/.../d`` ``depth`` levels deep; returns the deepest folder."""
    # One mkdir per level relative to the last one: the full path may exceed what one call takes.
    root.mkdir(parents=True)
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
    finally:
        os.close(fd)
    return root.joinpath(*["d"] * depth)


def remove_nested(root: Path) -> None:
    """Delete a tree made by :func:`nested_folders`, without recursion.

    ``shutil.rmtree`` (and so pytest's clean-up of tmp_path) recurses once per level and
    fails on such a tree; go down with directory descriptors, then remove from the bottom.
    """
    fds = [os.open(root, os.O_RDONLY)]
    try:
        while True:
            names = os.listdir(fds[-1])
            for name in names:
                if name != "d":
                    os.unlink(name, dir_fd=fds[-1])
            if "d" not in names:
                break
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir("d", dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)
    os.rmdir(root)
