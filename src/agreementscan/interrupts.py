"""Stopping cleanly on SIGTERM and SIGINT, and worker processes that die with their parent.

Python's default for SIGTERM is to die on the spot: no ``finally`` block runs, so temporary
files stay behind, worker processes are orphaned and a batch run stays ``running`` in its
results database. :func:`install` makes SIGTERM raise :class:`Terminated` in the main thread
instead; it is a ``KeyboardInterrupt``, so every path that already handles Ctrl-C (finish
what finished, stop the workers, mark the run interrupted) handles SIGTERM too.

Workers call :func:`die_with_parent`: when the parent is killed with SIGKILL (no cleanup
possible) the kernel kills them as well (Linux ``PR_SET_PDEATHSIG``), or elsewhere a thread
notices that the parent is gone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

EXIT_SIGINT = 128 + signal.SIGINT
EXIT_SIGTERM = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; raised in the main thread so that cleanup runs."""


def _on_sigterm(signum: int, frame: object) -> None:  # noqa: ARG001 - signal handler signature
    # Once only: a second SIGTERM must not cut the cleanup of the first short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


def install() -> None:
    """Make SIGTERM raise :class:`Terminated` (main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # leave a host program's own handler alone
        signal.signal(signal.SIGTERM, _on_sigterm)


def exit_code(exc: BaseException) -> int:
    """The shell's convention: 128 + the signal number (143 for SIGTERM, 130 for Ctrl-C)."""
    return EXIT_SIGTERM if isinstance(exc, Terminated) else EXIT_SIGINT


def _set_pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1  # from <linux/prctl.h>
        return int(libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError, ValueError):
        return False


def die_with_parent(parent_pid: int | None, poll_seconds: float = 1.0) -> None:
    """End this process when ``parent_pid`` (the process that started it) ends."""
    if parent_pid is None:
        return
    if _set_pdeathsig():
        # The parent may have died before prctl ran; then the signal will never come.
        if os.getppid() != parent_pid:
            os._exit(1)
        return

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:  # re-parented: the parent is gone
                os._exit(1)
            time.sleep(poll_seconds)

    threading.Thread(target=watch, name="agreementscan-parent-watch", daemon=True).start()
