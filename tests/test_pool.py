"""The generic process pool: an injected callable per task, kill on timeout, crashed workers
replaced, workers recycled. No documents: plain functions from tests/hostile_tasks.py."""

from __future__ import annotations

from hostile_tasks import arithmetic

from agreementscan.batch.pool import Pool


def _run(pool: Pool, values: list[int]) -> dict[int, object]:
    for value in values:
        pool.submit(value, value)
    try:
        return {o.key: o for o in pool.results()}
    finally:
        pool.close()


def test_hang_crash_memory_and_bug_become_outcomes_and_the_rest_goes_on() -> None:
    killed: list[int] = []
    pool = Pool(arithmetic, jobs=2, timeout=2, on_kill=killed.append)
    out = _run(pool, [2, -1, -2, -3, -4, 3])
    assert out[2].ok and out[2].value[0] == 4 and out[3].value[0] == 9
    assert (out[-1].error_kind, out[-1].error) == (
        "timeout", "took longer than 2 s (the --timeout limit); its worker was stopped")
    assert (out[-2].error_kind, out[-2].error) == ("crash", "the worker process exited unexpectedly (exit code 3)")
    assert out[-3].error_kind == "memory"
    assert (out[-4].error_kind, out[-4].error) == ("internal", "internal error (ZeroDivisionError: division by zero)")
    assert sorted(killed) == [-2, -1]  # the hung and the crashed task's workers
    assert pool.stats.workers_started >= 3  # and both were replaced
    assert all(rss > 0 for rss in pool.stats.worker_peak_rss_kb.values())


def test_workers_are_recycled_after_n_tasks() -> None:
    pool = Pool(arithmetic, jobs=1, timeout=30, recycle_after=2)
    out = _run(pool, [1, 2, 3, 4, 5])
    pids = [o.value[1] for o in out.values()]
    assert all(o.ok for o in out.values()) and len(set(pids)) == 3
    assert pool.stats.workers_started == 3
