"""A process pool that survives its tasks: kill on timeout, replace crashed workers.

Each worker is a process of its own with one pipe, running an injected picklable callable
on one task at a time. A task that hangs or crashes its worker (segfault, ``os._exit``,
out of memory) costs exactly that worker: it is killed and replaced, the task becomes a
``timeout`` or ``crash`` outcome and the others go on. ``concurrent.futures`` cannot do
this: it cannot cancel a running task, and one dead worker breaks the whole pool.

Workers ignore Ctrl-C (the parent decides what stops, and kills them), die with their
parent even when it is killed with SIGKILL (:func:`~agreementscan.interrupts.die_with_parent`),
and are replaced after ``recycle_after`` tasks to bound the memory a long run gathers.
The pool knows nothing of documents: :mod:`agreementscan.batch.run` gives it the scan.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import AgreementscanError, ExtractionError

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

RECYCLE_AFTER = 200
"""Tasks per worker before it is replaced: keeps spaCy's growing string store in check."""
STARTUP_TIMEOUT = 300.0
MAX_STARTUP_FAILURES = 3


def describe(exc: BaseException) -> tuple[str, str]:
    """(kind, one-line message without the path) for an exception raised by a task."""
    if isinstance(exc, ExtractionError):
        return "extract", exc.message
    if isinstance(exc, AgreementscanError):
        return "extract", str(exc)
    if isinstance(exc, MemoryError):
        return "memory", "out of memory while scanning; try --max-size or --max-pages"
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return "internal", f"internal error ({type(exc).__name__}: {reason})"


@dataclass
class Outcome:
    """What became of one task: its value, or why it has none."""

    key: Any
    """The key the task was submitted with."""
    value: Any = None
    error_kind: str | None = None
    """None when the task returned; else ``timeout``, ``crash`` or what :func:`describe` says."""
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_kind is None


@dataclass
class PoolStats:
    """Counters of a pool (mutable: the pool updates them as it goes)."""

    workers_started: int = 0
    worker_peak_rss_kb: dict[int, int] = field(default_factory=dict)
    """Peak resident memory (VmHWM) of each worker process, by pid."""


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB (VmHWM: not inherited across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):  # pragma: no cover - Windows
        return 0


def _worker_main(conn: Connection, task: Callable[[Any], Any], warm: Callable[[], None] | None,
                 parent_pid: int | None = None) -> None:
    """Entry point of a worker process: warm up, then run tasks from the pipe until told to stop."""
    import signal

    from ..interrupts import die_with_parent

    # Ctrl-C reaches the whole process group; the parent decides what stops, and kills us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed with SIGKILL cannot stop us: without this, a worker busy on a hanging
    # task would run on for as long as the task takes.
    die_with_parent(parent_pid)
    if warm is not None:
        warm()
    conn.send(("ready", None, None, peak_rss_kb()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, argument = message
        try:
            outcome: tuple[Any, ...] = ("ok", task_id, task(argument))
        except BaseException as exc:  # noqa: BLE001 - every failure becomes an outcome
            outcome = ("error", task_id, describe(exc))
        try:
            conn.send((*outcome, peak_rss_kb()))
        except (EOFError, OSError):
            return
        outcome = ()  # drop the value before waiting for the next task


@dataclass
class _Job:
    id: int
    key: Any
    argument: Any
    sent_at: float = 0.0


class _Worker:
    """One worker process and the pipe to it (mutable bookkeeping of the parent)."""

    def __init__(self, ctx: Any, task: Callable[[Any], Any], warm: Callable[[], None] | None) -> None:
        parent_end, child_end = ctx.Pipe(duplex=True)
        self.conn: Connection = parent_end
        self.process: BaseProcess = ctx.Process(target=_worker_main, args=(child_end, task, warm, os.getpid()),
                                                daemon=True, name="agreementscan-worker")
        self.process.start()
        child_end.close()  # so that our end sees EOF when the worker dies
        self.started = time.monotonic()
        self.ready = False
        self.job: _Job | None = None
        self.done = 0

    def send(self, job: _Job) -> None:
        job.sent_at = time.monotonic()
        self.job = job
        self.conn.send((job.id, job.argument))

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()

    def exit_reason(self) -> str:
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is None:
            return "the worker process stopped answering"
        if code < 0:
            import signal

            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the worker process crashed ({name})"
        return f"the worker process exited unexpectedly (exit code {code})"


class Pool:
    """Run ``task(argument)`` in up to ``jobs`` worker processes, each task under ``timeout``.

    ``task`` and ``warm`` must be picklable (module-level functions, or instances of
    module-level classes): workers are fresh interpreters (``spawn``: ``fork`` would copy
    the parent's threads and open files, and is not available everywhere). ``warm`` runs
    once in each worker before its first task. ``on_kill(key)`` runs in the parent after
    a worker was killed in the middle of that task (to clean up what it was writing).
    """

    def __init__(self, task: Callable[[Any], Any], *, jobs: int, timeout: float | None,
                 warm: Callable[[], None] | None = None, recycle_after: int = RECYCLE_AFTER,
                 on_kill: Callable[[Any], None] | None = None, stats: PoolStats | None = None) -> None:
        self.task = task
        self.warm = warm
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.recycle_after = max(1, recycle_after)
        self.on_kill = on_kill
        self.stats = stats if stats is not None else PoolStats()
        self._workers: list[_Worker] = []
        self._pending: deque[_Job] = deque()
        self._next_id = 0

    def submit(self, key: Any, argument: Any) -> None:
        """Queue a task; its outcome comes out of :meth:`results`."""
        self._pending.append(_Job(self._next_id, key, argument))
        self._next_id += 1

    def start(self) -> None:
        """Start one worker now, so it warms up while the caller prepares the tasks."""
        if not self._workers:
            self._spawn()

    def results(self) -> Iterator[Outcome]:
        """Run every submitted task; yield each outcome as it finishes."""
        from multiprocessing.connection import wait

        startup_failures = 0
        while self._pending or any(w.job is not None for w in self._workers):
            # Keep as many workers as there is work for, up to jobs.
            busy = sum(1 for w in self._workers if w.job is not None)
            while len(self._workers) < min(self.jobs, busy + len(self._pending)):
                self._spawn()
            for worker in self._workers:
                if worker.ready and worker.job is None and self._pending:
                    worker.send(self._pending.popleft())
            waitables: list[Any] = []
            for worker in self._workers:
                waitables += [worker.conn, worker.process.sentinel]
            now = time.monotonic()
            deadlines = [w.job.sent_at + self.timeout for w in self._workers
                         if w.job is not None and self.timeout is not None]
            deadlines += [w.started + STARTUP_TIMEOUT for w in self._workers if not w.ready]
            wait_for = max(0.0, min(deadlines) - now) if deadlines else None
            wait(waitables, timeout=min(wait_for, 1.0) if wait_for is not None else 1.0)
            for worker in list(self._workers):
                outcome = self._poll(worker)
                if outcome == "startup-failed":
                    startup_failures += 1
                    if startup_failures >= MAX_STARTUP_FAILURES:
                        raise AgreementscanError("worker processes cannot start: "
                                                 f"{worker.exit_reason()} (set AGREEMENTSCAN_DEBUG=1 and see stderr)")
                elif isinstance(outcome, Outcome):
                    startup_failures = 0
                    yield outcome

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers: idle ones are asked to exit, busy ones (or all, with ``kill``) killed."""
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.job is None and worker.ready and not kill:
                worker.stop()
            else:
                self._kill(worker)

    # ----------------------------------------------------------------- internals

    def _spawn(self) -> _Worker:
        import multiprocessing

        worker = _Worker(multiprocessing.get_context("spawn"), self.task, self.warm)
        self._workers.append(worker)
        self.stats.workers_started += 1
        return worker

    def _kill(self, worker: _Worker) -> None:
        worker.kill()
        if worker.job is not None and self.on_kill is not None:
            self.on_kill(worker.job.key)

    def _poll(self, worker: _Worker) -> Outcome | str | None:
        """Read what a worker sent, or notice that it died or overran; an outcome if a task finished."""
        now = time.monotonic()
        try:
            message = worker.conn.recv() if worker.conn.poll() else None
        except (EOFError, OSError):
            message = None
            dead = True
        else:
            dead = message is None and not worker.process.is_alive()
        if message is not None:
            kind, job_id, body, rss = message
            if worker.process.pid is not None:
                self.stats.worker_peak_rss_kb[worker.process.pid] = rss
            if kind == "ready":
                worker.ready = True
                return None
            job = worker.job
            worker.job = None
            worker.done += 1
            if job is None or job.id != job_id:  # pragma: no cover - protocol guard
                return None
            if worker.done >= self.recycle_after:
                self._workers.remove(worker)
                worker.stop()
            seconds = now - job.sent_at
            if kind == "ok":
                return Outcome(job.key, body, seconds=seconds)
            error_kind, text = body
            return Outcome(job.key, error_kind=error_kind, error=text, seconds=seconds)
        job = worker.job
        if dead:
            reason = worker.exit_reason()
            self._workers.remove(worker)
            self._kill(worker)
            if job is None:
                return "startup-failed" if not worker.ready else None
            return Outcome(job.key, error_kind="crash", error=reason, seconds=now - job.sent_at)
        if job is not None and self.timeout is not None and now - job.sent_at > self.timeout:
            self._workers.remove(worker)
            self._kill(worker)
            return Outcome(job.key, error_kind="timeout", seconds=now - job.sent_at,
                           error=f"took longer than {self.timeout:g} s (the --timeout limit); its worker was stopped")
        if not worker.ready and now - worker.started > STARTUP_TIMEOUT:
            self._workers.remove(worker)
            self._kill(worker)
            return "startup-failed"
        return None


__all__ = ["Outcome", "Pool", "PoolStats", "describe", "peak_rss_kb", "RECYCLE_AFTER"]
