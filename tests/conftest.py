"""Shared test helpers: paths to the bundled samples and the (optional) shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "labels").is_dir():
        pytest.skip("../shared/corpus/dev is not available")
    return CORPUS
