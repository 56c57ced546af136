"""Bounded fuzzing of the extractors: mutated sample PDFs and DOCX files must never crash.

Every mutation (bit flips, truncation, duplicated or zeroed chunks, shuffled zip members)
is written to a temporary file and scanned; the only acceptable failure is the project's own
``AgreementscanError`` (a one-line message). Anything else is printed with its seed so it
can be replayed. ``tests/test_fuzz.py`` runs a short fixed-seed slice of the same loop.

    python benchmarks/fuzz_inputs.py --iterations 500 --seed 1
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [ROOT / "samples" / name for name in
         ("en_jv_complete.pdf", "nl_covenant_tricky.pdf", "en_alliance_gaps.docx", "nl_jv_complete.docx")]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    kind = rng.choice(["flip", "truncate", "zero", "duplicate", "splice"])
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del buf[rng.randrange(1, len(buf)):]
    elif kind == "zero":
        start = rng.randrange(len(buf))
        buf[start:start + rng.randint(1, 4096)] = b"\x00" * len(buf[start:start + 4096])
    elif kind == "duplicate":
        start = rng.randrange(len(buf))
        chunk = buf[start:start + rng.randint(1, 4096)]
        at = rng.randrange(len(buf))
        buf[at:at] = chunk
    else:
        at = rng.randrange(len(buf))
        buf[at:at] = rng.choice([b"endobj", b"stream", b"%%EOF", b"<<", b">>", b"/Length 999999", b"xref"])
    return bytes(buf)


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate one member of a .docx (the XML) rather than the zip container only."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    target = rng.randrange(len(items))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for index, (info, content) in enumerate(items):
            if index == target:
                if rng.random() < 0.2:
                    continue  # drop the member
                content = _mutate_bytes(content, rng) if content else content
            zout.writestr(info.filename, content)
    return out.getvalue()


def mutations(seed: int, iterations: int) -> Iterator[tuple[str, bytes]]:
    """(label, bytes) for each mutation; deterministic for a seed."""
    rng = random.Random(seed)
    originals = {path.name: path.read_bytes() for path in SEEDS}
    for i in range(iterations):
        name = rng.choice(sorted(originals))
        data = originals[name]
        if name.endswith(".docx") and rng.random() < 0.6:
            mutated = _mutate_zip(data, rng)
        else:
            mutated = _mutate_bytes(data, rng)
        yield f"{seed}:{i}:{name}", mutated


def run(seed: int, iterations: int, *, verbose: bool = False) -> list[str]:
    """Scan every mutation; return descriptions of unexpected exceptions."""
    from agreementscan import scan_file
    from agreementscan.errors import AgreementscanError

    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, data in mutations(seed, iterations):
            suffix = Path(label.rsplit(":", 1)[1]).suffix
            path = Path(tmp) / f"mutant{suffix}"
            path.write_bytes(data)
            try:
                result = scan_file(path, max_pages=200)
                text = result.document.text
                for element in result.elements:
                    for ev in element.evidence:
                        if text[ev.start:ev.end] != ev.text:
                            failures.append(f"{label}: evidence offsets do not match the text")
            except AgreementscanError as exc:
                if "\n" in str(exc):
                    failures.append(f"{label}: error message has several lines: {exc!r}")
                if verbose:
                    print(f"{label}: {exc}")
            except Exception:  # noqa: BLE001 - this is what the fuzzer looks for
                failures.append(f"{label}: {traceback.format_exc(limit=3)}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    failures = run(args.seed, args.iterations, verbose=args.verbose)
    elapsed = time.perf_counter() - started
    print(f"{args.iterations} mutations (seed {args.seed}) in {elapsed:.1f} s: {len(failures)} unhandled")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
