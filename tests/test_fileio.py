"""Atomic writes: the temporary file goes on any exception, Ctrl-C and SIGTERM included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agreementscan import interrupts
from agreementscan.fileio import atomic_path, remove_temporaries, write_text_atomic


@pytest.fixture()
def sigterm_handler() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    interrupts.install()
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_temporary_file_removed_on_keyboard_interrupt(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_text("before")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx"]
    assert target.read_text() == "before"


def test_real_sigterm_during_a_write_removes_the_temporary_file(tmp_path: Path, sigterm_handler: None) -> None:
    target = tmp_path / "out.jsonl"
    with pytest.raises(interrupts.Terminated):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises at once; never reached
    assert list(tmp_path.iterdir()) == []
    assert interrupts.exit_code(interrupts.Terminated()) == 143
    assert interrupts.exit_code(KeyboardInterrupt()) == 130


def test_remove_temporaries_only_takes_our_own_pattern(tmp_path: Path) -> None:
    target = tmp_path / "a.html"
    ours = tmp_path / ".a.html.k2j4x9q1.tmp"
    kept = [tmp_path / ".a.html.notes.tmp", tmp_path / ".b.html.k2j4x9q1.tmp", tmp_path / "a.html"]
    for path in (ours, *kept):
        path.write_text("x")
    remove_temporaries(target)
    assert not ours.exists() and all(p.exists() for p in kept)
    write_text_atomic(target, "done")
    assert target.read_text() == "done"


def test_sigterm_during_annotate_leaves_no_temporary_file(tmp_path: Path, samples_dir: Path) -> None:
    """A real `agreementscan annotate` stopped with SIGTERM while it writes the copy."""
    docx = pytest.importorskip("docx")
    document = docx.Document(str(samples_dir / "en_jv_complete.docx"))
    texts = [p.text for p in document.paragraphs]
    for _ in range(10):  # big enough that writing the comments takes a while
        for text in texts:
            document.add_paragraph(text)
    source = tmp_path / "big.docx"
    document.save(str(source))
    before = source.read_bytes()
    target = tmp_path / "out.docx"
    proc = subprocess.Popen([sys.executable, "-m", "agreementscan", "annotate", str(source), "-o", str(target)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".out.docx.*.tmp")):
            assert proc.poll() is None, "annotate finished before its temporary file was seen"
            assert time.monotonic() < deadline
            time.sleep(0.002)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, stderr.decode()
    assert stderr.decode().strip() == "agreementscan: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.docx"]
    assert source.read_bytes() == before


def test_atomic_writes_never_replace_what_is_not_a_regular_file(tmp_path: Path) -> None:
    import os
    import stat

    from agreementscan.fileio import NotRegularFile, write_text_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    for target in (fifo, folder):
        with pytest.raises(NotRegularFile, match="not a regular file"):
            write_text_atomic(target, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and folder.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "pipe"]  # no temporary file either
    # A link is followed: the file it names is replaced, the link stays a link.
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_annotate_force_never_replaces_a_device(tmp_path: Path, samples_dir: Path) -> None:
    import os
    import stat

    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror})")
    proc = subprocess.run([sys.executable, "-m", "agreementscan", "annotate", str(samples_dir / "en_alliance_gaps.pdf"),
                           "-o", str(null), "--force", "-q"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == (f"agreementscan: error: {null}: cannot write the annotated copy "
                           "(exists and is not a regular file; refusing to replace it)\n")
    assert stat.S_ISCHR(os.stat(null).st_mode)
