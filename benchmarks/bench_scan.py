#!/usr/bin/env python
"""Benchmark agreementscan against baselines measured in the same run.

Prints ratios, never asserts timings (the numbers depend on the machine). Sections (the
child-process ones 2-4 run first, while this process is still small: on Linux a child's
ru_maxrss starts at its parent's peak):

1. throughput: end-to-end ``scan_file`` over the dev corpus PDFs versus raw pypdfium2
   text extraction of the same files (best of N, after an untimed warm-up); also
   agreementscan's extraction stage alone, so the ratio can be split into extract/analyse;
2. CLI latency: ``python -m agreementscan --help`` / ``--version`` versus ``python -c pass``;
3. peak memory (ru_maxrss) of a child scanning the largest PDF versus a child that only
   imports the package and builds both spaCy pipelines;
4. start-up: a child importing ``agreementscan.api`` and building both pipelines, plus the
   extra cost of its first scan.

Usage::

    python benchmarks/bench_scan.py [--corpus DIR] [--repeat N] [--json OUT]

``--corpus`` defaults to ``../shared/corpus/dev`` next to the repository; every ``*.pdf``
below it is used. When it is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"

AIM_THROUGHPUT_RATIO = 3.0  # end-to-end scan time / raw pypdfium2 extraction time
AIM_HELP_SECONDS = 0.3  # wall time of `agreementscan --help`
CLI_REPEAT = 5


# --------------------------------------------------------------------------- helpers


def hr(title: str) -> None:
    print()
    print(f"== {title} " + "=" * max(0, 72 - len(title)))


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms" if seconds < 1 else f"{seconds:7.2f} s "


def aim(met: bool) -> str:
    return "aim met" if met else "aim NOT met"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def run_child(args: list[str], *, timeout: float = 120) -> tuple[float, str]:
    """Run a child process from a neutral directory; return (wall seconds, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          cwd=tempfile.gettempdir(), env=child_env())
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {' '.join(args[:4])} ...\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def run_python(code: str, *, timeout: float = 120) -> tuple[float, dict[str, Any]]:
    """Run ``code`` in a fresh interpreter; its last stdout line must be a JSON object."""
    elapsed, out = run_child([sys.executable, "-c", textwrap.dedent(code)], timeout=timeout)
    lines = [line for line in out.splitlines() if line.strip()]
    return elapsed, json.loads(lines[-1]) if lines else {}


def best_of(n: int, func: Any) -> float:
    return min(func() for _ in range(n))


# --------------------------------------------------------------------------- 1. throughput


def _version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def count_pages(pdfs: list[Path]) -> dict[Path, int]:
    import pypdfium2 as pdfium

    pages = {}
    for path in pdfs:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pages[path] = len(pdf)
        finally:
            pdf.close()
    return pages


def raw_extract(path: Path) -> int:
    """Baseline: open with pypdfium2, get every page's text, close. Returns characters read."""
    import pypdfium2 as pdfium

    chars = 0
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return chars


def timed_pass(pdfs: list[Path], func: Any, per_file: dict[Path, float]) -> float:
    """Run ``func`` on every file; keep each file's best time in ``per_file``; return the total."""
    total = 0.0
    for path in pdfs:
        start = time.perf_counter()
        func(path)
        elapsed = time.perf_counter() - start
        total += elapsed
        per_file[path] = min(per_file.get(path, elapsed), elapsed)
    return total


def bench_throughput(pdfs: list[Path], pages: dict[Path, int], repeat: int) -> dict[str, Any]:
    from agreementscan.analyse.pipeline import get_nlp
    from agreementscan.api import scan_file
    from agreementscan.extract import extract

    # Warm-up (untimed): pipelines, lexicons, matchers, pdf libraries, file cache.
    warm_start = time.perf_counter()
    get_nlp("en")
    get_nlp("nl")
    scan_file(pdfs[0])
    for path in pdfs:
        raw_extract(path)
    warm = time.perf_counter() - warm_start

    raw_best = extract_best = scan_best = float("inf")
    raw_files: dict[Path, float] = {}
    extract_files: dict[Path, float] = {}
    scan_files: dict[Path, float] = {}
    for _ in range(repeat):  # interleaved, so drifting machine load hits all three alike
        raw_best = min(raw_best, timed_pass(pdfs, raw_extract, raw_files))
        extract_best = min(extract_best, timed_pass(pdfs, extract, extract_files))
        scan_best = min(scan_best, timed_pass(pdfs, scan_file, scan_files))

    total_pages = sum(pages.values())
    ratio = scan_best / raw_best
    result = {
        "files": len(pdfs),
        "pages": total_pages,
        "repeat": repeat,
        "warmup_s": warm,
        "raw_pypdfium2_s": raw_best,
        "raw_pages_per_s": total_pages / raw_best,
        "extract_only_s": extract_best,
        "extract_pages_per_s": total_pages / extract_best,
        "scan_s": scan_best,
        "scan_pages_per_s": total_pages / scan_best,
        "ratio_scan_to_raw": ratio,
        "ratio_extract_to_raw": extract_best / raw_best,
        "aim_ratio": AIM_THROUGHPUT_RATIO,
        "aim_met": ratio <= AIM_THROUGHPUT_RATIO,
        "per_file": [
            {"file": str(path.relative_to(path.parents[1])) if len(path.parents) > 1 else path.name,
             "pages": pages[path], "raw_s": raw_files[path], "extract_s": extract_files[path],
             "scan_s": scan_files[path], "ratio": scan_files[path] / max(raw_files[path], 1e-9)}
            for path in pdfs
        ],
    }

    hr("Throughput: scan_file vs raw pypdfium2 text extraction")
    print(f"corpus: {len(pdfs)} PDFs, {total_pages} pages; best of {repeat}; warm-up {warm:.2f} s (untimed)")
    print(f"  {'':34s} {'seconds':>10s} {'pages/s':>9s} {'x raw':>7s}")
    for label, seconds in (("raw pypdfium2 get_text_range", raw_best),
                           ("agreementscan extract() only", extract_best),
                           ("agreementscan scan_file (end-to-end)", scan_best)):
        print(f"  {label:34s} {fmt_s(seconds):>10s} {total_pages / seconds:9.1f} {seconds / raw_best:6.1f}x")
    analyse_share = max(0.0, scan_best - extract_best) / scan_best
    print(f"  analysis (scan - extract) is about {analyse_share:.0%} of the end-to-end time")
    print(f"ratio scan/raw = {ratio:.1f}x (aim <= {AIM_THROUGHPUT_RATIO:g}x): {aim(result['aim_met'])}")
    worst = sorted(result["per_file"], key=lambda row: row["scan_s"], reverse=True)[:5]
    print("slowest files (best per-file times):")
    for row in worst:
        print(f"  {row['file']:42s} {row['pages']:4d} p  scan {fmt_s(row['scan_s'])}  "
              f"extract {fmt_s(row['extract_s'])}  raw {fmt_s(row['raw_s'])}  {row['ratio']:5.1f}x")
    return result


# --------------------------------------------------------------------------- 2. CLI latency


def bench_cli() -> dict[str, Any]:
    def wall(args: list[str]) -> float:
        return run_child(args)[0]

    base_cmd = [sys.executable, "-c", "pass"]
    commands = {
        "python -m agreementscan --help": [sys.executable, "-m", "agreementscan", "--help"],
        "python -m agreementscan --version": [sys.executable, "-m", "agreementscan", "--version"],
    }
    script = Path(sys.executable).with_name("agreementscan")
    if script.is_file():  # the console script the user actually types
        commands["agreementscan --help (console script)"] = [str(script), "--help"]
    wall(base_cmd)  # warm the OS file cache
    baseline = best_of(CLI_REPEAT, lambda: wall(base_cmd))
    rows = {}
    for label, args in commands.items():
        wall(args)
        rows[label] = best_of(CLI_REPEAT, lambda a=args: wall(a))
    help_s = rows["python -m agreementscan --help"]
    result = {
        "repeat": CLI_REPEAT,
        "python_c_pass_s": baseline,
        "commands_s": rows,
        "help_ratio_to_python": help_s / baseline,
        "help_over_python_s": help_s - baseline,
        "aim_help_s": AIM_HELP_SECONDS,
        "aim_met": help_s < AIM_HELP_SECONDS,
    }

    hr("CLI latency (wall time of a fresh process)")
    print(f"best of {CLI_REPEAT}")
    print(f"  {'python -c pass (baseline)':40s} {fmt_s(baseline)}")
    for label, seconds in rows.items():
        print(f"  {label:40s} {fmt_s(seconds)}  {seconds / baseline:5.1f}x  (+{(seconds - baseline) * 1000:.0f} ms)")
    print(f"--help: {help_s:.3f} s (aim < {AIM_HELP_SECONDS:g} s): {aim(result['aim_met'])}")
    return result


# --------------------------------------------------------------------------- 3. peak memory

# ru_maxrss is inherited across fork+exec on Linux (the child starts with the parent's peak), so
# these children are started before this process imports spaCy or scans anything, and the
# bare-Python child shows the floor. VmHWM (per address space, reset by exec) is a cross-check.
_MAXRSS = """
import json, resource, sys
def maxrss_mb():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KB on Linux
def hwm_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
"""

_MEM_BASELINE = _MAXRSS + """
from agreementscan.analyse.pipeline import get_nlp
get_nlp("en"); get_nlp("nl")
print(json.dumps({"maxrss_mb": maxrss_mb(), "hwm_mb": hwm_mb()}))
"""

_MEM_SCAN = _MAXRSS + """
from agreementscan.analyse.pipeline import get_nlp
from agreementscan.api import scan_file
get_nlp("en"); get_nlp("nl")
after_pipelines = maxrss_mb()
result = scan_file(sys.argv[1])
print(json.dumps({"maxrss_mb": maxrss_mb(), "hwm_mb": hwm_mb(), "after_pipelines_mb": after_pipelines,
                  "elements": len(result.elements)}))
"""

_MEM_PYTHON = _MAXRSS + """
print(json.dumps({"maxrss_mb": maxrss_mb(), "hwm_mb": hwm_mb()}))
"""


def bench_memory(largest: Path, pages: int) -> dict[str, Any] | None:
    hr("Peak memory (ru_maxrss of a child process)")
    try:
        import resource  # noqa: F401
    except ImportError:
        print("skipped: the resource module is not available on this platform")
        return None
    python_row = run_python(_MEM_PYTHON)[1]
    baseline_row = run_python(_MEM_BASELINE)[1]
    elapsed, out = run_child([sys.executable, "-c", textwrap.dedent(_MEM_SCAN), str(largest)])
    scan = json.loads(out.splitlines()[-1])
    python, baseline = python_row["maxrss_mb"], baseline_row["maxrss_mb"]
    result = {
        "file": largest.name,
        "pages": pages,
        "python_only_mb": python,
        "baseline_import_pipelines_mb": baseline,
        "scan_mb": scan["maxrss_mb"],
        "scan_minus_baseline_mb": scan["maxrss_mb"] - baseline,
        "scan_ratio_to_baseline": scan["maxrss_mb"] / baseline,
        "scan_child_wall_s": elapsed,
        "vmhwm_mb": {"python_only": python_row.get("hwm_mb"), "baseline": baseline_row.get("hwm_mb"),
                     "scan": scan.get("hwm_mb")},
    }
    print(f"largest dev PDF: {largest.name} ({pages} pages)")
    hwm = result["vmhwm_mb"]
    show_hwm = all(value is not None for value in hwm.values())
    print(f"  {'':44s} {'ru_maxrss':>10s}" + (f" {'VmHWM':>10s}" if show_hwm else ""))
    for label, value, key in (("bare python -c", python, "python_only"),
                              ("import + build en/nl pipelines (baseline)", baseline, "baseline"),
                              ("baseline + scan_file(largest)", scan["maxrss_mb"], "scan")):
        print(f"  {label:44s} {value:7.1f} MB" + (f" {hwm[key]:7.1f} MB" if show_hwm else ""))
    print(f"scan adds {result['scan_minus_baseline_mb']:+.1f} MB over the baseline "
          f"({result['scan_ratio_to_baseline']:.2f}x); the pipelines cost {baseline - python:.1f} MB over bare Python")
    return result


# --------------------------------------------------------------------------- 4. start-up

_STARTUP = """
import json, sys, time
t0 = time.perf_counter()
import agreementscan.api
t1 = time.perf_counter()
from agreementscan.analyse.pipeline import get_nlp
get_nlp("en"); get_nlp("nl")
t2 = time.perf_counter()
agreementscan.api.scan_file(sys.argv[1])
t3 = time.perf_counter()
agreementscan.api.scan_file(sys.argv[1])
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "pipelines_s": t2 - t1, "first_scan_s": t3 - t2,
                  "second_scan_s": t4 - t3, "until_ready_s": t2 - t0}))
"""


def bench_startup(smallest: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        wall, out = run_child([sys.executable, "-c", textwrap.dedent(_STARTUP), str(smallest)])
        row = json.loads(out.splitlines()[-1])
        row["wall_s"] = wall
        runs.append(row)
    best = min(runs, key=lambda row: row["until_ready_s"])
    base = best_of(3, lambda: run_child([sys.executable, "-c", "pass"])[0])
    first_extra = best["first_scan_s"] - best["second_scan_s"]
    result = {"repeat": repeat, "file": smallest.name, "python_c_pass_s": base, **best,
              "first_scan_extra_s": first_extra}

    hr("Start-up: fresh process until the first scan can run")
    print(f"best of {repeat} (by import + pipelines); first-scan file: {smallest.name}")
    print(f"  {'import agreementscan.api':40s} {fmt_s(best['import_s'])}")
    print(f"  {'build en + nl pipelines (get_nlp)':40s} {fmt_s(best['pipelines_s'])}")
    print(f"  {'= ready to scan (in-process)':40s} {fmt_s(best['until_ready_s'])}")
    print(f"  {'first scan_file':40s} {fmt_s(best['first_scan_s'])}")
    print(f"  {'second scan_file (same file)':40s} {fmt_s(best['second_scan_s'])}")
    print(f"  {'whole child process (wall)':40s} {fmt_s(best['wall_s'])}  (python -c pass: {fmt_s(base).strip()})")
    print(f"one-off first-scan overhead beyond the pipelines: {first_extra * 1000:+.0f} ms")
    return result


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"folder searched recursively for *.pdf (default: {DEFAULT_CORPUS})")
    parser.add_argument("--repeat", type=int, default=3, help="repeats; the best is reported (default: 3)")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write the numbers to this JSON file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    corpus: Path = args.corpus
    if not corpus.is_dir():
        print(f"bench_scan: corpus folder {corpus} not found; nothing to benchmark (skipped).")
        return 0
    pdfs = sorted(corpus.rglob("*.pdf"))
    if not pdfs:
        print(f"bench_scan: no *.pdf files under {corpus}; nothing to benchmark (skipped).")
        return 0

    try:  # light imports only: spaCy is loaded here only after the child-process sections
        import agreementscan
        import pypdfium2  # noqa: F401
    except ImportError as exc:
        print(f"bench_scan: cannot import {exc.name}; install the package first (pip install -e .)")
        return 2
    versions = {name: _version(name) for name in ("spacy", "pypdfium2", "click")}

    started = time.perf_counter()
    pages = count_pages(pdfs)
    largest = max(pdfs, key=lambda p: (pages[p], p.stat().st_size))
    smallest = min(pdfs, key=lambda p: (pages[p], p.stat().st_size))

    print(f"agreementscan {agreementscan.__version__} | Python {platform.python_version()} | "
          f"spaCy {versions['spacy']} | pypdfium2 {versions['pypdfium2']} | "
          f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs")
    print(f"corpus: {corpus}")

    report: dict[str, Any] = {
        "agreementscan": agreementscan.__version__,
        "python": platform.python_version(),
        **versions,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "corpus": str(corpus),
    }
    # Child-process sections first, while this process is still small (see _MAXRSS).
    report["cli"] = bench_cli()
    report["memory"] = bench_memory(largest, pages[largest])
    report["startup"] = bench_startup(smallest, min(args.repeat, 3))
    report["throughput"] = bench_throughput(pdfs, pages, args.repeat)
    report["total_runtime_s"] = time.perf_counter() - started

    hr("Summary")
    tp, cli = report["throughput"], report["cli"]
    print(f"scan/raw extraction: {tp['ratio_scan_to_raw']:.1f}x (aim <= {AIM_THROUGHPUT_RATIO:g}x) "
          f"-> {aim(tp['aim_met'])}")
    print(f"--help: {cli['commands_s']['python -m agreementscan --help']:.3f} s "
          f"(aim < {AIM_HELP_SECONDS:g} s) -> {aim(cli['aim_met'])}")
    if report["memory"]:
        mem = report["memory"]
        print(f"peak memory, largest PDF: {mem['scan_mb']:.0f} MB ({mem['scan_minus_baseline_mb']:+.0f} MB "
              f"over import + pipelines)")
    print(f"start-up to ready: {report['startup']['until_ready_s']:.2f} s")
    print(f"benchmark runtime: {report['total_runtime_s']:.0f} s")

    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
