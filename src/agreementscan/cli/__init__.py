"""Command line: a thin click layer over the library API.

No analysis happens here: commands parse options, merge them over the configuration file,
call :mod:`agreementscan.api`, hand the results to a renderer and choose the exit code.
Heavy modules are imported inside the commands so that ``--help`` and ``--version`` stay
instant. The group lives in :mod:`.app`; importing the command modules registers them.
"""

from __future__ import annotations

from . import folders, playbooks, scanning  # noqa: F401  (registers the commands)
from .app import EXIT_ERROR, EXIT_FAIL_ON, EXIT_INTERRUPTED, EXIT_OK, InputError, fails, main, write_output

__all__ = ["main", "fails", "write_output", "InputError", "EXIT_OK", "EXIT_FAIL_ON", "EXIT_ERROR", "EXIT_INTERRUPTED"]
