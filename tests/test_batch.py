"""The batch engine: discovery, worker isolation (timeouts, crashes), summaries and names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agreementscan import scan_text
from agreementscan.batch import Batch, ScanOptions, discover, summary_of
from agreementscan.codec import result_from_dict, result_to_dict
from agreementscan.render.jsonreport import report_dict
from agreementscan.render.portfolio import neutralise, report_names


def _tree(root: Path, samples: Path) -> None:
    text = (samples / "en_alliance_gaps.txt").read_bytes()
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_bytes(text)
    (root / "sub" / "b.md").write_bytes(text)
    (root / "sub" / "deeper" / "c.txt").write_bytes(text)
    (root / "sub" / "draft-old.txt").write_bytes(text)
    (root / "image.png").write_bytes(b"\x89PNG\r\n")
    (root / "~$a.docx").write_bytes(b"lock")


def _actions(entries: list) -> dict[str, tuple[str, str | None]]:
    return {e.relpath: (e.action, e.message) for e in entries}


def test_discover_recursive_and_skipped(tmp_path: Path, samples_dir: Path) -> None:
    _tree(tmp_path, samples_dir)
    found = _actions(discover([tmp_path]))
    assert {k for k, v in found.items() if v[0] == "scan"} == {"a.txt", "sub/b.md", "sub/deeper/c.txt",
                                                              "sub/draft-old.txt"}
    assert found["image.png"] == ("skipped", "unsupported format (.png)")
    assert found["~$a.docx"][0] == "skipped"
    flat = _actions(discover([tmp_path], recursive=False))
    assert {k for k, v in flat.items() if v[0] == "scan"} == {"a.txt"}


@pytest.mark.parametrize(("include", "exclude", "expected"), [
    (["*.md"], [], {"sub/b.md"}),
    (["sub/*"], [], {"sub/b.md", "sub/deeper/c.txt", "sub/draft-old.txt"}),
    (["**/c.txt"], [], {"sub/deeper/c.txt"}),
    ([], ["deeper"], {"a.txt", "sub/b.md", "sub/draft-old.txt"}),  # an excluded folder is not entered
    ([], ["*-old.*"], {"a.txt", "sub/b.md", "sub/deeper/c.txt"}),
    (["*.txt"], ["sub/*"], {"a.txt"}),
])
def test_discover_include_exclude(tmp_path: Path, samples_dir: Path, include: list[str], exclude: list[str],
                                  expected: set[str]) -> None:
    _tree(tmp_path, samples_dir)
    entries = discover([tmp_path], include=include, exclude=exclude)
    assert {e.relpath for e in entries if e.action == "scan"} == expected


def test_discover_symlink_loop_and_broken_link(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Agreement text.", encoding="utf-8")
    os.symlink("..", tmp_path / "docs" / "up")  # a loop back to the root
    os.symlink("docs", tmp_path / "again")  # a second way into a folder already walked
    os.symlink("missing.pdf", tmp_path / "gone.pdf")
    os.symlink("self.pdf", tmp_path / "self.pdf")  # a link to itself: ELOOP
    found = _actions(discover([tmp_path]))
    assert found["docs/a.txt"][0] == "scan"
    assert found["docs/up"][0] == "error" and "symbolic link loop" in found["docs/up"][1]
    assert found["again"][0] == "skipped" and "same folder" in found["again"][1]
    assert found["gone.pdf"] == ("error", "broken symbolic link")
    assert found["self.pdf"] == ("error", "symbolic link loop")
    assert sum(1 for k in found if k.endswith("a.txt")) == 1  # never walked twice


def test_discover_missing_root_and_explicit_file(tmp_path: Path) -> None:
    odd = tmp_path / "notes.data"
    odd.write_text("x", encoding="utf-8")
    found = discover([tmp_path / "nope", odd])
    assert [(e.action, e.message) for e in found] == [("error", "file not found"), ("scan", None)]


def test_report_round_trip_and_summary(samples_dir: Path) -> None:
    result = scan_text((samples_dir / "en_alliance_gaps.txt").read_text(encoding="utf-8"), path="x.txt")
    data = result_to_dict(result, text=False)  # what the results store keeps
    assert report_dict(result_from_dict(data, result.document)) == report_dict(result)
    bare = result_from_dict(data)  # without the document: quotes stay, the text is not there
    assert [e.status for e in bare.elements] == [e.status for e in result.elements]
    summary = summary_of(bare)
    assert summary.score == result.score and len(summary.pitfalls) == 5
    assert summary.missing == sum(1 for e in result.elements if e.status.value == "missing")


def test_report_names_are_safe_and_unique(tmp_path: Path) -> None:
    entries = discover([])  # empty
    assert report_names(entries) == {}
    from agreementscan.batch import Entry

    names = report_names([Entry("a/../x.pdf", "../x.pdf", "scan"), Entry("A/B.txt", "A/B.txt", "scan"),
                          Entry("a/b.txt", "a/b.txt", "scan"), Entry("index.html", "index", "scan"),
                          Entry("é <script>.txt", "é <script>.txt", "scan")])
    values = list(names.values())
    assert len({v.lower() for v in values}) == len(values)
    assert all(v.endswith(".html") and "/" not in v and ".." not in v.replace("..html", "") for v in values)
    assert "index.html" not in values
    assert names["é <script>.txt"] == "e_script_.txt.html"


def test_neutralise_formula_cells() -> None:
    assert [neutralise(v) for v in ("=1+1", "+x", "-2", "@SUM", "\tx", "\rx", "ok", 3, None)] == [
        "'=1+1", "'+x", "'-2", "'@SUM", "'\\tx", "'\\rx", "ok", "3", ""]  # control characters escaped


def test_hang_and_crash_become_error_rows(tmp_path: Path, samples_dir: Path) -> None:
    from hostile_tasks import hostile

    text = (samples_dir / "en_alliance_gaps.txt").read_bytes()
    for name in ("good1.txt", "hang.txt", "crash.txt", "memory.txt", "good2.txt"):
        (tmp_path / name).write_bytes(text)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    batch = Batch(discover([tmp_path]), ScanOptions(), jobs=2, timeout=3, scan=hostile)
    items = {Path(i.path).name: i for i in batch}
    assert items["good1.txt"].status == items["good2.txt"].status == "ok"
    assert (items["hang.txt"].status, items["hang.txt"].error_kind) == ("error", "timeout")
    assert "took longer than 3 s (the --timeout limit)" in items["hang.txt"].error
    assert (items["crash.txt"].status, items["crash.txt"].error_kind) == ("error", "crash")
    assert "exit code 1" in items["crash.txt"].error
    assert (items["memory.txt"].error_kind, items["broken.pdf"].error_kind) == ("memory", "extract")
    assert batch.stats.scanned == 2 and batch.stats.errors == 4
    assert batch.stats.workers_started >= 3  # the hung and the crashed worker were replaced
    assert all(rss > 0 for rss in batch.stats.worker_peak_rss_kb.values())


def test_in_process_mode_returns_results(tmp_path: Path, samples_dir: Path) -> None:
    (tmp_path / "a.txt").write_bytes((samples_dir / "nl_samenwerking_gaps.txt").read_bytes())
    (items,) = list(Batch(discover([tmp_path]), jobs=0, want="result"))
    assert items.status == "ok" and items.result is not None and items.result.language == "nl"


def test_hashing_reads_no_more_than_the_size_limit(tmp_path: Path) -> None:
    import hashlib

    from agreementscan.batch import file_sha256, hash_within

    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 5000)
    assert file_sha256(str(path)) == hashlib.sha256(b"x" * 5000).hexdigest()
    assert file_sha256(str(path), limit=99) == hashlib.sha256(b"x" * 100).hexdigest()
    assert hash_within(str(path), 30, None) == file_sha256(str(path))


def test_hashing_a_fifo_never_blocks(tmp_path: Path) -> None:
    import os
    import threading

    from agreementscan.batch import hash_within

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A writer that holds the pipe open and never writes: a blocking read would wait forever.
    writer = threading.Thread(target=lambda: open(fifo, "wb").close(), daemon=True)
    writer.start()
    try:
        hash_within(str(fifo), 30, None)
    except OSError:
        pass  # refused at once is fine too; hanging is not
