"""Time limits that hold: run one document's work in a child process that is killed on time.

A signal-based alarm raises inside whatever code happens to run, so a library's broad
``except`` can swallow it, and a long call in C (a regex, pdfium) is not interrupted at
all. A child process cannot argue with SIGKILL. The child is forked from the caller, so
it starts with the lexicons and pipelines the caller has already built; the caller's
state is never changed by the child. Where ``fork`` is not available (or threads are
running, which makes it unsafe) a fresh interpreter is started instead, which is slower
but just as strict.

Batch workers are long-lived child processes killed by the same rule (see
:mod:`agreementscan.batch.pool`); this module serves single documents: ``scan``, ``annotate``,
``eval`` and ``scan_file(timeout=...)``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import AgreementscanError

T = TypeVar("T")


class TimeLimitExceeded(AgreementscanError):
    """A document took longer than its time limit; its child process was stopped."""

    def __init__(self, path: str | None, seconds: float) -> None:
        from .errors import shown

        self.path = path
        self.seconds = seconds
        where = f"{shown(path)}: " if path else ""
        super().__init__(f"{where}took longer than {seconds:g} s (the --timeout limit); "
                         "raise --timeout for long documents")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.seconds))


class ChildCrashed(AgreementscanError):
    """The child process died without an answer (a crash in C code, or killed from outside)."""

    def __init__(self, path: str | None, how: str) -> None:
        from .errors import shown

        self.path = path
        self.how = how
        where = f"{shown(path)}: " if path else ""
        super().__init__(f"{where}the scan stopped unexpectedly ({how})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.how))


class ChildError(RuntimeError):
    """An unexpected exception in the child: one of our bugs, shown as an internal error.

    It keeps the original type name and message (what the CLI's one-line handler prints)
    and the child's traceback (printed with ``AGREEMENTSCAN_DEBUG=1``).
    """

    def __init__(self, type_name: str, message: str, child_traceback: str) -> None:
        self.type_name = type_name
        self.child_traceback = child_traceback
        super().__init__(message)

    def __str__(self) -> str:
        return self.args[0] if self.args else ""


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # fork copies only the calling thread: with other threads alive a lock they hold
    # could stay locked forever in the child. macOS frameworks are not fork-safe either.
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _child(conn: Any, reader: Any, parent_pid: int, func: Callable[..., Any], args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> None:
    """Run ``func`` and send back ("ok", value) or the exception, then exit at once."""
    from .interrupts import die_with_parent

    # The parent decides when a document stops (it kills us): Ctrl-C reaches the whole
    # process group, and the parent's own SIGTERM handler must not run here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    # Should the parent die without stopping us (SIGKILL, or a signal at the very moment of
    # the fork), the kernel stops us too.
    die_with_parent(parent_pid)
    # Our copy of the reading end: with it open, a send to a parent that is gone would
    # block forever instead of failing.
    reader.close()
    try:
        outcome: tuple[Any, ...] = ("ok", func(*args, **kwargs))
    except AgreementscanError as exc:
        outcome = ("error", _portable(exc))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - everything else is reported as our bug
        outcome = ("internal", (type(exc).__name__, str(exc), traceback.format_exc()))
    try:
        conn.send(outcome)
    except Exception as exc:  # noqa: BLE001 - e.g. an exception that cannot be pickled
        conn.send(("internal", (type(exc).__name__, str(exc), traceback.format_exc())))
    finally:
        conn.close()


def _portable(exc: AgreementscanError) -> AgreementscanError:
    """``exc`` if it survives pickling, else a plain error with the same message."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any pickling problem: fall back to the message
        return AgreementscanError(str(exc))
    return exc


def _handle_pending() -> None:
    """Nothing; calling it is the point (the interpreter runs pending signal handlers on calls)."""


def _signal_name(code: int) -> str:
    import signal

    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def run_isolated(func: Callable[..., T], *args: Any, timeout: float | None, path: str | None = None,
                 **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a child process, stopped after ``timeout`` seconds.

    Raises :class:`TimeLimitExceeded` when time runs out, :class:`ChildCrashed` when the
    child dies, the child's :class:`AgreementscanError` as it was raised, MemoryError when
    the child ran out of memory, and :class:`ChildError` for anything else. With
    ``timeout=None`` the function runs here, in this process.
    """
    if timeout is None:
        return func(*args, **kwargs)
    import time
    from multiprocessing.connection import wait

    ctx = _context()
    parent_end, child_end = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child_end, parent_end, os.getpid(), func, args, kwargs),
                          daemon=True, name="agreementscan-document")
    try:
        # A stop signal that arrives while fork() runs its at-fork hooks would be raised
        # inside them and lost ("Exception ignored"); held back until the child exists, it
        # is raised when the mask is restored, and the finally block below stops the child.
        previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            # A signal that came just before the mask has run only its C half: calling any
            # Python function runs its Python handler now, before the fork, not inside it.
            _handle_pending()
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        child_end.close()  # our copy: EOF on parent_end then means the child is gone
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeLimitExceeded(path, timeout)
            ready = wait([parent_end, process.sentinel], timeout=left)
            if parent_end in ready:
                try:
                    kind, value = parent_end.recv()
                except EOFError:
                    process.join(timeout=5)
                    code = process.exitcode
                    how = _signal_name(code) if code is not None and code < 0 else f"exit code {code}"
                    raise ChildCrashed(path, how) from None
                break
            if process.sentinel in ready and not parent_end.poll():
                process.join(timeout=5)
                code = process.exitcode or 0
                raise ChildCrashed(path, _signal_name(code) if code < 0 else f"exit code {code}")
    finally:
        if process.pid is not None:  # started (a signal may have cut start() short after the fork)
            if process.is_alive():
                process.kill()
            process.join(timeout=5)
        parent_end.close()
        child_end.close()
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "error":
        raise value
    if kind == "memory":
        raise MemoryError
    type_name, message, child_tb = value
    if os.environ.get("AGREEMENTSCAN_DEBUG"):
        sys.stderr.write(child_tb)
    raise ChildError(type_name, message, child_tb)
