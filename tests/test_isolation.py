"""Time limits that hold: a child process per document, killed when its time is up."""

from __future__ import annotations

import os
import pickle
import signal
import time

import pytest

from agreementscan.errors import ExtractionError, LexiconError
from agreementscan.isolation import ChildCrashed, ChildError, TimeLimitExceeded, run_isolated


def _stubborn() -> None:
    """Swallows every exception, the way a library's broad ``except`` does, forever."""
    while True:
        try:
            time.sleep(0.01)
        except BaseException:  # noqa: BLE001 - this is the point of the test
            pass


def _blocked_in_c() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM, signal.SIGINT})
    time.sleep(3600)


def _add(a: int, b: int, *, times: int = 1) -> int:
    return (a + b) * times


def _raise_extraction() -> None:
    raise ExtractionError("contract.pdf", "damaged PDF: no pages")


def _raise_bug() -> None:
    raise TypeError("unsupported operand")


def _exit_hard() -> None:
    os._exit(3)


def _segfault() -> None:
    import faulthandler

    faulthandler.disable()  # pytest's dump of the crash would only be noise here
    os.kill(os.getpid(), signal.SIGSEGV)


def _memory() -> None:
    raise MemoryError


def test_returns_the_value_and_keeps_arguments() -> None:
    assert run_isolated(_add, 2, 3, times=4, timeout=30) == 20


def test_no_timeout_runs_in_this_process() -> None:
    assert run_isolated(os.getpid, timeout=None) == os.getpid()
    assert run_isolated(os.getpid, timeout=30) != os.getpid()


@pytest.mark.parametrize("func", [_stubborn, _blocked_in_c])
def test_a_child_that_swallows_or_blocks_every_signal_is_still_stopped(func) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TimeLimitExceeded) as caught:
        run_isolated(func, timeout=0.3, path="slow.pdf")
    assert str(caught.value) == "slow.pdf: took longer than 0.3 s (the --timeout limit); raise --timeout for long documents"


def test_our_errors_cross_with_their_type_and_message() -> None:
    with pytest.raises(ExtractionError) as caught:
        run_isolated(_raise_extraction, timeout=30)
    assert caught.value.path == "contract.pdf" and caught.value.message == "damaged PDF: no pages"


def test_a_bug_in_the_child_stays_a_bug() -> None:
    with pytest.raises(ChildError) as caught:
        run_isolated(_raise_bug, timeout=30)
    assert caught.value.type_name == "TypeError" and str(caught.value) == "unsupported operand"
    assert "_raise_bug" in caught.value.child_traceback


def test_memory_error_crosses_as_memory_error() -> None:
    with pytest.raises(MemoryError):
        run_isolated(_memory, timeout=30)


@pytest.mark.parametrize(("func", "how"), [(_exit_hard, "exit code 3"), (_segfault, "SIGSEGV")])
def test_a_child_that_dies_is_reported(func, how: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ChildCrashed) as caught:
        run_isolated(func, timeout=30, path="odd.docx")
    assert str(caught.value) == f"odd.docx: the scan stopped unexpectedly ({how})"


def test_errors_survive_pickling() -> None:
    for error in (ExtractionError("a.pdf", "damaged"), LexiconError("x.toml", "rule", "bad", 3),
                  TimeLimitExceeded("b.txt", 2.5), ChildCrashed("c.txt", "SIGKILL")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
