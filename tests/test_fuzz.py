"""A short fixed-seed slice of benchmarks/fuzz_inputs.py: mutated PDFs and DOCX never crash."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from fuzz_inputs import mutations, run  # noqa: E402


def test_mutations_are_deterministic() -> None:
    first = [data for _, data in mutations(7, 5)]
    again = [data for _, data in mutations(7, 5)]
    assert first == again and len({len(d) for d in first}) > 1


def test_fixed_seed_slice_finds_no_unhandled_exception(capfd) -> None:  # type: ignore[no-untyped-def]
    failures = run(seed=20261127, iterations=40)
    assert failures == []
    # Library noise (pdfminer warnings about damaged fonts) must not reach the user's terminal.
    assert "FontBBox" not in capfd.readouterr().err
