"""The command line as a shell runs it: a real terminal, pipes that close, devices as targets,
exit codes that say why, and time limits that hold. Every test runs the installed command
in a real subprocess."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "agreementscan"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    return env


def _run(*args: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=_env())


def _in_terminal(args: list[str], cwd: Path, columns: int = 100) -> tuple[int, str]:
    """Run a command with stdin, stdout and stderr on a pseudo-terminal, as in a real shell."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=_env(), close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    code = proc.wait(timeout=30)
    return code, b"".join(chunks).decode("utf-8", errors="replace")


def test_quickstart_scan_in_a_real_terminal() -> None:
    """The README's first command, exactly, in a pseudo-terminal: a coloured Dutch report."""
    exe = shutil.which("agreementscan") or pytest.skip("the agreementscan command is not installed")
    code, screen = _in_terminal([exe, "scan", "samples/nl_samenwerking_gaps.docx"], cwd=ROOT)
    assert code == 0, screen
    assert "internal error" not in screen and "Traceback" not in screen
    assert "Controle samenwerkingsovereenkomst" in screen and "Valkuil 5" in screen
    assert "\x1b[" in screen  # a terminal gets colour
    longest = max(len(line) for line in _strip_ansi(screen).splitlines())
    assert longest <= 100  # and lines that fit its width


def test_batch_table_in_a_real_terminal(tmp_path: Path) -> None:
    exe = shutil.which("agreementscan") or pytest.skip("the agreementscan command is not installed")
    for name in ("en_alliance_gaps.txt", "nl_jv_complete.txt"):
        shutil.copy(ROOT / "samples" / name, tmp_path / name)
    # A relative folder keeps the paths short enough not to fold in the table.
    code, screen = _in_terminal([exe, "batch", ".", "-j", "1"], cwd=tmp_path, columns=120)
    assert code == 0, screen
    assert "internal error" not in screen and "en_alliance_gaps.txt" in screen and "2 scanned" in screen


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text).replace("\r", "")


# --------------------------------------------------------------------------- pipes


def _read_then_close(args: list[str], lines: int = 3) -> tuple[int, list[str], str]:
    """Like ``args | head -N``: read N lines, close the pipe, let the command finish."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None and proc.stderr is not None
    head = [proc.stdout.readline().decode("utf-8") for _ in range(lines)]
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    return proc.wait(timeout=180), head, err


def test_scan_into_a_closed_pipe_ends_quietly_with_its_own_exit_code() -> None:
    files = [str(ROOT / "samples" / f"{name}.txt") for name in ("en_alliance_gaps", "en_jv_complete", "nl_jv_complete")]
    # JSON of three reports is far more than a pipe buffer, so the reader closes mid-write.
    code, head, err = _read_then_close([*COMMAND, "scan", *files, "-f", "json"])
    assert head[0].startswith("[")
    assert code == 0 and err == ""
    code, _, err = _read_then_close([*COMMAND, "scan", *files, "-f", "json", "--fail-on", "missing"])
    assert code == 1 and "internal error" not in err and "BrokenPipe" not in err
    assert err.startswith("agreementscan: --fail-on missing met by ")


@pytest.fixture(scope="module")
def results_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("folder")
    for name in ("en_alliance_gaps.txt", "en_jv_complete.txt", "nl_jv_complete.txt", "nl_covenant_tricky.txt"):
        shutil.copy(ROOT / "samples" / name, folder / name)
    db = folder.parent / "batch.sqlite"
    proc = _run("batch", str(folder), "-j", "1", "--db", str(db), "-f", "jsonl", "-o", os.devnull)
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_report_into_a_closed_pipe(results_db: Path, fmt: str) -> None:
    code, head, err = _read_then_close([*COMMAND, "report", "--db", str(results_db), "-f", fmt])
    assert head[0]
    assert code == 0 and err == ""


def test_batch_into_a_closed_pipe_stops_its_workers(results_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(8):
        shutil.copy(ROOT / "samples" / "en_jv_complete.txt", folder / f"copy{index}.txt")
        with open(folder / f"copy{index}.txt", "a", encoding="utf-8") as handle:
            handle.write(f"\nCopy {index}.\n")  # distinct content, so nothing is shared
    code, head, err = _read_then_close([*COMMAND, "batch", str(folder), "-j", "1", "-f", "jsonl"], lines=1)
    assert json.loads(head[0])["document"]["path"].endswith(".txt")
    assert code == 0 and "internal error" not in err and "Traceback" not in err


# --------------------------------------------------------------------------- output targets


def test_output_to_dev_stdout_and_to_a_pipe_reader() -> None:
    proc = _run("scan", str(ROOT / "samples" / "en_alliance_gaps.txt"), "-f", "json", "-o", "/dev/stdout")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["schema"].startswith("agreementscan")


def _device(path: Path, minor: int) -> Path:
    """A private copy of /dev/null (minor 3) or /dev/full (minor 7): a test that went wrong
    must not be able to replace the system's own device with a file."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        with open(path, "w", encoding="utf-8") as handle:  # a nodev mount refuses devices
            handle.write("")
    except OSError as exc:
        if minor == 7 and exc.errno == 28:  # ENOSPC: the full device works
            return path
        pytest.skip(f"cannot make a device node here ({exc.strerror})")
    return path


def test_output_to_a_device_writes_into_it_and_never_replaces_it(tmp_path: Path) -> None:
    null = _device(tmp_path / "null", 3)
    for args in (["scan", str(ROOT / "samples" / "en_alliance_gaps.txt")],
                 ["batch", str(ROOT / "samples" / "en_alliance_gaps.txt"), "-j", "1", "-f", "csv"]):
        proc = _run(*args, "-o", str(null))
        assert proc.returncode == 0, proc.stderr
        assert stat.S_ISCHR(os.stat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary file either


def test_output_to_a_full_device_is_one_line(tmp_path: Path) -> None:
    full = _device(tmp_path / "full", 7)
    proc = _run("scan", str(ROOT / "samples" / "en_alliance_gaps.txt"), "-o", str(full))
    assert proc.returncode == 2
    assert proc.stderr == f"agreementscan: error: {full}: cannot write report (No space left on device)\n"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_output_to_a_fifo_with_a_reader(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)  # the reader opens first, as a shell's reader would
    proc = _run("scan", str(ROOT / "samples" / "en_alliance_gaps.txt"), "-f", "json", "-o", str(fifo))
    reader.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(received[0])["schema"].startswith("agreementscan") and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_to_a_fifo_without_a_reader_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    proc = _run("scan", str(ROOT / "samples" / "en_alliance_gaps.txt"), "-o", str(fifo), timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith(f"agreementscan: error: {fifo}: cannot write report (")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_batch_output_to_dev_stdout(tmp_path: Path) -> None:
    shutil.copy(ROOT / "samples" / "en_alliance_gaps.txt", tmp_path / "a.txt")
    proc = _run("batch", str(tmp_path), "-j", "1", "-f", "csv", "-o", "/dev/stdout")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('"path",') and proc.stdout.count("\n") == 26


# --------------------------------------------------------------------------- exit codes and colour


def test_fail_on_says_what_triggered_it() -> None:
    proc = _run("scan", str(ROOT / "samples" / "en_alliance_gaps.txt"), "--fail-on", "missing")
    assert proc.returncode == 1
    (line,) = proc.stderr.splitlines()
    assert line.startswith("agreementscan: --fail-on missing met by ") and "measurable_targets" in line
    assert line.endswith("(exit code 1)")
    proc = _run("scan", str(ROOT / "samples" / "en_jv_complete.txt"), "--fail-on", "missing")
    assert proc.returncode == 0 and proc.stderr == ""


def test_batch_fail_on_says_which_documents(tmp_path: Path) -> None:
    shutil.copy(ROOT / "samples" / "en_alliance_gaps.txt", tmp_path / "gaps.txt")
    shutil.copy(ROOT / "samples" / "en_jv_complete.txt", tmp_path / "complete.txt")
    proc = _run("batch", str(tmp_path), "-j", "1", "-f", "jsonl", "-o", os.devnull, "--fail-on", "missing")
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (f"agreementscan: --fail-on missing met by 1 of 2 document(s): "
                                            f"{tmp_path / 'gaps.txt'} (exit code 1)")


def test_an_empty_folder_or_one_without_agreements_says_so(tmp_path: Path) -> None:
    proc = _run("batch", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("agreementscan: error: no agreements to scan (the folder is empty)")
    (tmp_path / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    proc = _run("batch", str(tmp_path))
    assert proc.returncode == 2 and "2 file(s) skipped as unsupported" in proc.stderr
    assert proc.stderr.count("\n") == 1
    proc = _run("batch", str(tmp_path), "--allow-empty", "-f", "jsonl")
    assert proc.returncode == 0
    assert [json.loads(line)["skipped"] for line in proc.stdout.splitlines()] == [True, True]


def test_color_is_forced_on_a_pipe_and_off_by_default() -> None:
    sample = str(ROOT / "samples" / "en_alliance_gaps.txt")
    assert "\x1b[" in _run("scan", sample, "--color").stdout
    assert "\x1b[" not in _run("scan", sample).stdout
    assert "\x1b[" not in _run("scan", sample, "-f", "json", "--color").stdout


def test_batch_table_color_is_forced_on_a_pipe(tmp_path: Path) -> None:
    shutil.copy(ROOT / "samples" / "en_alliance_gaps.txt", tmp_path / "a.txt")
    assert "\x1b[" in _run("batch", str(tmp_path), "-j", "1", "--color").stdout
    assert "\x1b[" not in _run("batch", str(tmp_path), "-j", "1").stdout


# --------------------------------------------------------------------------- time limits


def _slow_text(path: Path, clauses: int = 40_000) -> Path:
    """About 6 MB of clauses (by default): seconds of work by construction, killed long
    before it ends."""
    clause = ("The Parties shall meet every quarter to review the progress of the Alliance and may "
              "terminate this Agreement on ninety days' written notice. ")
    path.write_text(clause * clauses, encoding="utf-8")
    return path


def _slow_pdf(path: Path) -> Path:
    """A 300-page PDF of dense text: reading it alone takes many times the limit below."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    line = "The Parties shall review the Alliance every quarter and report in writing to the Board. " * 2
    for page in range(300):
        text = pdf.beginText(30, 800)
        text.setFont("Helvetica", 7)
        for row in range(110):
            text.textLine(f"{page}.{row} {line}")
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return path


def _assert_timed_out(proc: subprocess.CompletedProcess[str], path: Path, seconds: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (f"agreementscan: error: {path}: took longer than {seconds} s (the --timeout limit); "
                           "raise --timeout for long documents\n")


def test_scan_timeout_holds_for_text_and_pdf(tmp_path: Path) -> None:
    text = _slow_text(tmp_path / "long.txt")
    _assert_timed_out(_run("scan", str(text), "--timeout", "0.25"), text, "0.25")
    pdf = _slow_pdf(tmp_path / "long.pdf")
    _assert_timed_out(_run("scan", str(pdf), "--timeout", "0.3"), pdf, "0.3")


def test_timeout_from_the_configuration_file(tmp_path: Path) -> None:
    text = _slow_text(tmp_path / "long.txt")
    (tmp_path / "agreementscan.toml").write_text("[limits]\ntimeout = 0.25\n", encoding="utf-8")
    proc = _run("scan", "long.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "took longer than 0.25 s (the --timeout limit)" in proc.stderr


def test_annotate_timeout_leaves_nothing_behind(tmp_path: Path) -> None:
    text = _slow_text(tmp_path / "long.txt")
    before = sorted(p.name for p in tmp_path.iterdir())
    _assert_timed_out(_run("annotate", str(text), "--timeout", "0.25"), text, "0.25")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_eval_timeout_is_an_error_row_and_the_rest_is_measured(tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    shutil.copy(ROOT / "samples" / "en_alliance_gaps.txt", tmp_path / "gaps.txt")
    # The limit must let the short sample through (its child builds a pipeline first), so the
    # slow one is made far slower than the limit: about 14 MB, tens of seconds of work.
    _slow_text(tmp_path / "long.txt", clauses=100_000)
    label = json.loads((ROOT / "samples" / "labels" / "en_alliance_gaps.json").read_text(encoding="utf-8"))
    for name in ("gaps.txt", "long.txt"):
        (tmp_path / "labels" / f"{name}.json").write_text(json.dumps({**label, "file": name}), encoding="utf-8")
    proc = _run("eval", str(tmp_path), "-f", "json", "--timeout", "3")
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert report["documents"] == 1
    assert any("long.txt: took longer than 3 s" in e for e in report["errors"])


def test_ctrl_c_stops_the_child_too(tmp_path: Path) -> None:
    text = _slow_text(tmp_path / "long.txt")
    # SIGINT's default action restored: a shell starts background jobs with it ignored.
    proc = subprocess.Popen([*COMMAND, "scan", str(text), "--timeout", "60"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(), start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.0)  # long enough for the child to be working; any moment would do
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=30)
    assert proc.returncode == 130
    leftover = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "90000", "soon"])
def test_timeout_must_be_a_finite_number_of_seconds(value: str) -> None:
    for command in ("scan", "batch"):
        proc = _run(command, str(ROOT / "samples" / "en_alliance_gaps.txt"), "--timeout", value)
        assert proc.returncode == 2 and "--timeout" in proc.stderr and "Traceback" not in proc.stderr
