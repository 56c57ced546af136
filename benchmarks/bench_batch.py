#!/usr/bin/env python
"""Benchmark ``agreementscan batch`` against baselines measured in the same run.

Prints ratios, never asserts timings. The corpus PDFs (``../shared/corpus/dev/en/*.pdf``
next to the repository) are copied into a temporary folder until it holds at least
``--pages`` pages; every copy gets a different trailing comment after ``%%EOF`` (PDF
readers ignore it) so that copies differ in content and the results store cannot treat
them as one document.

1. throughput: ``agreementscan batch DIR -j 2 -f jsonl -o FILE`` (a child process, wall
   time including worker start-up) versus raw pypdfium2 text extraction of the same files
   in one process (aim: batch ≤ 2× raw), and versus pdfplumber ``extract_text`` on a
   subset, extrapolated per page (aim: batch ≥ 10× faster than pdfplumber);
2. memory: peak RSS (VmHWM) of each worker, reported by the workers themselves, at 1× and
   3× the folder size (aim: ≤ 400 MB per worker, and flat as the folder grows);
3. re-run: a second ``batch --db`` over the unchanged folder as a % of the first
   ``batch --db`` (aim: ≤ 5%).

Usage::

    python benchmarks/bench_batch.py [--corpus DIR] [--pages N] [--jobs N]

When the corpus is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev" / "en"

AIM_RAW_RATIO = 2.0
AIM_PLUMBER_SPEEDUP = 10.0
AIM_WORKER_MB = 400
AIM_RERUN_PERCENT = 5.0
PLUMBER_SAMPLE_PAGES = 60


def hr(title: str) -> None:
    print()
    print(f"== {title} " + "=" * max(0, 72 - len(title)))


def aim(met: bool) -> str:
    return "aim met" if met else "aim NOT met"


def count_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def build_folder(pdfs: list[Path], target: Path, min_pages: int, start_copy: int = 0) -> tuple[int, int, int]:
    """Copy PDFs (each copy unique) into ``target`` until it holds ``min_pages``; return (files, pages, copies)."""
    target.mkdir(parents=True, exist_ok=True)
    pages = {p: count_pages(p) for p in pdfs}
    files = total = 0
    copy = start_copy
    while total < min_pages:
        for pdf in pdfs:
            data = pdf.read_bytes() + f"\n% agreementscan benchmark copy {copy}\n".encode("ascii")
            (target / f"{pdf.stem}-{copy:03d}.pdf").write_bytes(data)
            files += 1
            total += pages[pdf]
        copy += 1
    return files, total, copy


def raw_extract(folder: Path) -> int:
    """Baseline: pypdfium2 text of every page of every PDF, in this process. Returns pages."""
    import pypdfium2 as pdfium

    done = 0
    for path in sorted(folder.glob("*.pdf")):
        pdf = pdfium.PdfDocument(str(path))
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                done += 1
        finally:
            pdf.close()
    return done


def plumber_extract(pdfs: list[Path], max_pages: int) -> tuple[int, float]:
    """pdfplumber ``extract_text`` on whole files until ``max_pages``; (pages, seconds)."""
    import pdfplumber

    done = 0
    start = time.perf_counter()
    for path in pdfs:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                done += 1
        if done >= max_pages:
            break
    return done, time.perf_counter() - start


def cli_batch(folder: Path, jobs: int, extra: list[str], out: Path) -> tuple[float, str]:
    """Wall time of the CLI in a child process; returns (seconds, stderr)."""
    args = [sys.executable, "-m", "agreementscan", "batch", str(folder), "-j", str(jobs), "-f", "jsonl",
            "-o", str(out), "--allow-errors", *extra]
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=tempfile.gettempdir(), timeout=3600)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"batch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""


def worker_memory(folder: Path, jobs: int) -> tuple[float, list[float], int]:
    """Run the engine in this process; return (seconds, peak MB per worker, workers started)."""
    from agreementscan.batch import Batch, ScanOptions, discover

    batch = Batch(discover([folder]), ScanOptions(), jobs=jobs)
    start = time.perf_counter()
    for _item in batch:
        pass
    elapsed = time.perf_counter() - start
    peaks = sorted((kb / 1024 for kb in batch.stats.worker_peak_rss_kb.values()), reverse=True)
    return elapsed, peaks, batch.stats.workers_started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=1000, help="minimum pages in the 1x folder")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    pdfs = sorted(args.corpus.glob("*.pdf")) if args.corpus.is_dir() else []
    if not pdfs:
        print(f"corpus not found or without PDFs: {args.corpus}; nothing to benchmark")
        return 0
    print(f"agreementscan batch benchmark  python {sys.version.split()[0]}  cpus {os.cpu_count()}  jobs {args.jobs}")

    work = Path(tempfile.mkdtemp(prefix="agreementscan-bench-"))
    try:
        one = work / "x1"
        files, pages, copies = build_folder(pdfs, one, args.pages)
        print(f"folder 1x: {files} PDFs ({len(pdfs)} corpus files x {copies} unique copies), {pages} pages")

        hr("1. throughput")
        raw_extract(one)  # warm the page cache and pdfium
        start = time.perf_counter()
        raw_pages = raw_extract(one)
        raw_s = time.perf_counter() - start
        print(f"raw pypdfium2, 1 process : {raw_s:7.2f} s  {raw_pages / raw_s:8.0f} pages/s")

        batch_s, line = cli_batch(one, args.jobs, [], work / "out.jsonl")
        print(f"batch -j {args.jobs} (CLI, wall)   : {batch_s:7.2f} s  {pages / batch_s:8.0f} pages/s   [{line}]")
        ratio = batch_s / raw_s
        print(f"batch / raw              : {ratio:7.2f}x   (aim <= {AIM_RAW_RATIO:g}x: {aim(ratio <= AIM_RAW_RATIO)})")

        sample = sorted(one.glob("*.pdf"))
        plumber_pages, plumber_s = plumber_extract(sample, PLUMBER_SAMPLE_PAGES)
        plumber_rate = plumber_pages / plumber_s
        plumber_total = pages / plumber_rate
        print(f"pdfplumber extract_text  : {plumber_pages} pages in {plumber_s:.2f} s = {plumber_rate:.1f} pages/s; "
              f"extrapolated to {pages} pages: {plumber_total:.1f} s")
        speedup = plumber_total / batch_s
        print(f"batch speed-up vs plumber: {speedup:7.1f}x   (aim >= {AIM_PLUMBER_SPEEDUP:g}x: "
              f"{aim(speedup >= AIM_PLUMBER_SPEEDUP)}; pdfplumber extrapolated from a {plumber_pages}-page subset)")

        hr("2. memory per worker")
        secs1, peaks1, started1 = worker_memory(one, args.jobs)
        print(f"1x ({pages} pages): engine {secs1:.2f} s, workers started {started1}, "
              f"peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in peaks1)}")
        three = work / "x3"
        _, pages3, _ = build_folder(pdfs, three, pages * 3)
        secs3, peaks3, started3 = worker_memory(three, args.jobs)
        print(f"3x ({pages3} pages): engine {secs3:.2f} s, workers started {started3}, "
              f"peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in peaks3)}")
        top1, top3 = max(peaks1), max(peaks3)
        print(f"max worker peak: 1x {top1:.0f} MB, 3x {top3:.0f} MB (3x/1x = {top3 / top1:.2f}); "
              f"aim <= {AIM_WORKER_MB} MB: {aim(top3 <= AIM_WORKER_MB)}; flat (3x/1x <= 1.10): {aim(top3 / top1 <= 1.10)}")
        shutil.rmtree(three)

        hr("3. re-run with --db")
        db = work / "scans.sqlite"
        first_s, line1 = cli_batch(one, args.jobs, ["--db", str(db)], work / "db1.jsonl")
        second_s, line2 = cli_batch(one, args.jobs, ["--db", str(db)], work / "db2.jsonl")
        percent = 100 * second_s / first_s
        print(f"first run  --db: {first_s:7.2f} s   [{line1}]")
        print(f"second run --db: {second_s:7.2f} s   [{line2}]")
        print(f"second / first : {percent:6.1f} %   (aim <= {AIM_RERUN_PERCENT:g}%: {aim(percent <= AIM_RERUN_PERCENT)})")
        same = (work / "db1.jsonl").read_bytes().count(b"\n") == (work / "db2.jsonl").read_bytes().count(b"\n")
        print(f"same number of reports in both runs: {same}; database size {db.stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
