"""The library API on real files: scan_file, scan_text, scan_folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from agreementscan import scan_file, scan_folder, scan_text
from agreementscan.errors import AgreementscanError
from agreementscan.model import ScanResult


def test_scan_text_keeps_the_text_after_normalisation() -> None:
    text = "De partijen werken samen.\r\nDeze overeenkomst is beëindigd."
    result = scan_text(text)
    assert result.document.text == "De partijen werken samen.\nDeze overeenkomst is beëindigd."
    assert isinstance(result, ScanResult)


def test_scan_file_same_verdicts_across_formats(samples_dir: Path) -> None:
    results = [scan_file(samples_dir / f"en_jv_complete.{ext}") for ext in ("txt", "docx", "pdf")]
    statuses = [[e.status for e in r.elements] for r in results]
    assert statuses[0] == statuses[1] == statuses[2]
    assert results[2].document.pages and results[2].document.pages > 1


def test_scan_folder_yields_results_and_errors(samples_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes((samples_dir / "en_alliance_gaps.txt").read_bytes())
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    out = dict(scan_folder(tmp_path))
    assert set(p.name for p in out) == {"good.txt", "broken.pdf"}
    assert isinstance(out[tmp_path / "good.txt"], ScanResult)
    assert isinstance(out[tmp_path / "broken.pdf"], AgreementscanError)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()} == hashes
