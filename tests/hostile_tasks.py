"""Scans that misbehave on purpose, injected into a batch (``Batch(..., scan=hostile)``).

They live in a module of their own (not a test file) so that spawned worker processes can
import them by name: the pool pickles the callable by reference.
"""

from __future__ import annotations

import os
import time
from typing import Any

from agreementscan.batch import Job, scan_document


def hostile(job: Job) -> dict[str, Any]:
    """Sleep forever on ``hang.txt``, exit at once on ``crash.txt``, run out of memory on
    ``memory.txt``; scan every other file as usual."""
    name = os.path.basename(job.path)
    if name == "hang.txt":
        time.sleep(3600)
    elif name == "crash.txt":
        os._exit(1)
    elif name == "memory.txt":
        raise MemoryError
    return scan_document(job)


def run_cli_with_hostile_batch() -> None:
    """``python -c`` entry for subprocess tests: the real CLI, its batches scanning with :func:`hostile`."""
    import agreementscan.batch as batch
    from agreementscan.cli import main

    class HostileBatch(batch.Batch):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, scan=hostile, **kwargs)

    batch.Batch = HostileBatch  # type: ignore[misc]  # cli.folders imports Batch when the command runs
    main(prog_name="agreementscan")


def arithmetic(value: int) -> tuple[int, int]:
    """A plain task for the pool: sleeps forever on -1, dies on -2, raises MemoryError on -3,
    raises a bug on -4; else returns (the square, the worker's pid)."""
    if value == -1:
        time.sleep(3600)
    elif value == -2:
        os._exit(3)
    elif value == -3:
        raise MemoryError
    elif value == -4:
        raise ZeroDivisionError("division by zero")
    return value * value, os.getpid()
