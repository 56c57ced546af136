"""annotate_file and the `annotate` command: output naming, refusals, atomic writes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.annotate import annotate_file, default_output
from agreementscan.cli import main
from agreementscan.errors import UsageError


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def workdir(tmp_path: Path, samples_dir: Path) -> Path:
    for name in ("en_collab_tricky.txt", "nl_jv_complete.docx", "en_alliance_gaps.pdf"):
        shutil.copy(samples_dir / name, tmp_path / name)
    return tmp_path


def test_default_names_follow_the_detected_format(tmp_path: Path) -> None:
    assert default_output(tmp_path / "draft.docx", "docx").name == "draft.agreementscan.docx"
    assert default_output(tmp_path / "alliance.pdf", "pdf").name == "alliance.agreementscan.pdf"
    assert default_output(tmp_path / "notes.txt", "txt").name == "notes.agreementscan.html"


@pytest.mark.parametrize(("name", "kind", "suffix"), [
    ("en_collab_tricky.txt", "html", ".html"),
    ("nl_jv_complete.docx", "docx", ".docx"),
    ("en_alliance_gaps.pdf", "pdf", ".pdf"),
])
def test_annotate_writes_next_to_the_input_and_leaves_it_alone(workdir: Path, name: str, kind: str, suffix: str) -> None:
    source = workdir / name
    before = _sha(source)
    done = annotate_file(source)
    assert done.kind == kind and done.path == workdir / f"{source.stem}.agreementscan{suffix}"
    assert done.path.stat().st_size > 1000 and done.notes > 0
    assert _sha(source) == before
    assert not [p for p in workdir.iterdir() if p.name.endswith(".tmp")]


def test_refuses_existing_output_and_the_input_itself(workdir: Path) -> None:
    source = workdir / "en_collab_tricky.txt"
    annotate_file(source)
    with pytest.raises(UsageError, match="already exists; use --force"):
        annotate_file(source)
    annotate_file(source, force=True)
    with pytest.raises(UsageError, match="over the input file"):
        annotate_file(source, source, force=True)
    assert source.read_text(encoding="utf-8").startswith("COLLABORATION AGREEMENT")


def test_annotate_command(workdir: Path) -> None:
    runner = CliRunner()
    out = workdir / "review.pdf"
    result = runner.invoke(main, ["annotate", str(workdir / "en_alliance_gaps.pdf"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.exists() and "highlights" in result.stderr
    again = runner.invoke(main, ["annotate", str(workdir / "en_alliance_gaps.pdf"), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    failing = runner.invoke(main, ["annotate", str(workdir / "en_alliance_gaps.pdf"), "-o", str(out), "--force",
                                   "--fail-on", "missing"])
    assert failing.exit_code == 1
