"""Every command leaves its input files byte-for-byte unchanged, and writes only where asked."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from agreementscan.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_no_command_changes_an_input(samples_dir: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in ("nl_samenwerking_gaps.docx", "en_collab_tricky.pdf", "en_alliance_gaps.txt"):
        shutil.copy(samples_dir / name, inputs / name)
    labels = inputs / "labels"
    labels.mkdir()
    label = json.loads((samples_dir / "labels" / "en_alliance_gaps.json").read_text(encoding="utf-8"))
    (labels / "en_alliance_gaps.json").write_text(json.dumps(label), encoding="utf-8")
    before = _snapshot(inputs)
    out = tmp_path / "out"
    out.mkdir()
    runner = CliRunner()
    docx, pdf, txt = (str(inputs / n) for n in ("nl_samenwerking_gaps.docx", "en_collab_tricky.pdf", "en_alliance_gaps.txt"))
    book = str(ROOT / "examples" / "playbook-data-protection")
    commands = [
        ["scan", docx, pdf, txt, "--format", "json", "-o", str(out / "r.json")],
        ["scan", txt, "--format", "html", "-o", str(out / "r.html"), "--lexicon", book],
        ["scan", pdf, "--format", "sarif", "-o", str(out / "r.sarif")],
        ["annotate", docx, "-o", str(out / "a.docx")],
        ["annotate", pdf, "-o", str(out / "a.pdf")],
        ["annotate", txt, "-o", str(out / "a.html")],
        ["baseline", txt, "--accept", "exit_moments=Agreed with the partner", "--baseline", str(out / "b.json")],
        ["batch", str(inputs), "-j", "1", "--db", str(out / "s.sqlite"), "--report-dir", str(out / "reports"),
         "-f", "csv", "-o", str(out / "o.csv"), "--baseline", str(out / "b.json"), "--lexicon", book],
        ["report", "--db", str(out / "s.sqlite"), "-f", "jsonl", "-o", str(out / "o.jsonl")],
        ["eval", str(inputs), "-o", str(out / "eval.txt")],
    ]
    for args in commands:
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert _snapshot(inputs) == before, args
    written = {p.name for p in out.iterdir()}
    assert {"r.json", "r.html", "r.sarif", "a.docx", "a.pdf", "a.html", "b.json", "s.sqlite", "o.csv",
            "o.jsonl", "eval.txt", "reports"} <= written
    assert not [p for p in out.rglob("*.tmp")]
    rows = (out / "o.csv").read_text(encoding="utf-8")
    assert "data_protection" in rows and "Agreed with the partner" in rows
    # Refusals: over an input, with or without --force.
    assert runner.invoke(main, ["scan", txt, "-o", txt]).exit_code == 2
    assert runner.invoke(main, ["annotate", txt, "-o", txt, "--force"]).exit_code == 2
    assert _snapshot(inputs) == before
