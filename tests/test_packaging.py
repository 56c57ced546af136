"""Packaging: the wheel ships the lexicons, py.typed and the console script, and nothing else.

``test_wheel_contents`` builds a real wheel (``pip wheel --no-deps --no-build-isolation``) from
a scratch copy of the repository, so no ``build/`` or ``*.egg-info`` is left in the working tree
and a stale ``build/lib`` there cannot leak into the result. It never downloads anything: when
the build requirements of ``pyproject.toml`` are not installed in this environment it skips.
It is marked ``slow``; deselect it with ``-m "not slow"``.

``test_lexicons_resources`` is fast and checks the installed package (editable or not) through
``importlib.resources``, the way the loader finds its data.
"""

from __future__ import annotations

import configparser
import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
LANGUAGES = ("en", "nl")

# Not copied into the scratch tree: VCS data, build output, caches, virtualenvs.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".hg", ".svn", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".venv", "venv",
)


def _element_ids(checklist_text: str) -> list[str]:
    data = tomllib.loads(checklist_text)
    ids = [element["id"] for element in data.get("elements", [])]
    assert ids, "checklist.toml lists no [[elements]]"
    return ids


def _expected_lexicon_files(element_ids: list[str]) -> set[str]:
    expected = {"agreementscan/lexicons/checklist.toml", "agreementscan/py.typed",
                # Code and data that came later: the HTML templates, the CLI and annotate packages.
                "agreementscan/render/templates/report.html.j2", "agreementscan/render/templates/index.html.j2",
                "agreementscan/cli/__init__.py", "agreementscan/annotate/docx.py", "agreementscan/annotate/pdf.py"}
    for lang in LANGUAGES:
        expected.add(f"agreementscan/lexicons/{lang}/common.toml")
        expected.add(f"agreementscan/lexicons/{lang}/messages.toml")  # the message catalogue
        expected.update(f"agreementscan/lexicons/{lang}/{eid}.toml" for eid in element_ids)
    return expected


# --------------------------------------------------------------------------- fast


def test_lexicons_resources() -> None:
    """The lexicons are reachable as package data (works for editable and normal installs)."""
    root = resources.files("agreementscan.lexicons")
    checklist = root / "checklist.toml"
    assert checklist.is_file(), f"checklist.toml missing from {root}"
    ids = _element_ids(checklist.read_text(encoding="utf-8"))
    for lang in LANGUAGES:
        folder = root / lang
        assert folder.is_dir(), f"language folder {lang}/ missing from {root}"
        assert (folder / "common.toml").is_file(), f"{lang}/common.toml missing from {root}"
        missing = [eid for eid in ids if not (folder / f"{eid}.toml").is_file()]
        assert not missing, f"{lang}: no lexicon file for {missing}"


# --------------------------------------------------------------------------- slow


def _unmet_build_requirements() -> list[str]:
    """Build requirements from pyproject.toml that this interpreter does not satisfy."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # pragma: no cover - packaging is nearly always there (pip vendors it)
        from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]

    with open(ROOT / "pyproject.toml", "rb") as handle:
        requires = tomllib.load(handle).get("build-system", {}).get("requires", ["setuptools", "wheel"])
    unmet = []
    for raw in requires:
        req = Requirement(raw)
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            have = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            unmet.append(f"{raw} (not installed)")
            continue
        if req.specifier and not req.specifier.contains(have, prereleases=True):
            unmet.append(f"{raw} (have {have})")
    return unmet


def _digests(folder: Path) -> dict[str, Path]:
    """sha256 -> path for every non-empty file under ``folder`` (empty if it is absent)."""
    found: dict[str, Path] = {}
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file() and path.stat().st_size > 0:
                found[hashlib.sha256(path.read_bytes()).hexdigest()] = path
    return found


@pytest.fixture(scope="module")
def wheel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        import pip  # noqa: F401
    except ImportError:
        pytest.skip("pip is not installed in this environment; cannot build the wheel")
    unmet = _unmet_build_requirements()
    if unmet:
        pytest.skip(
            "build requirements from pyproject.toml are not installed here and this test does not "
            "download them (it builds with --no-build-isolation): " + ", ".join(unmet)
            + ". Install them into this environment to run it."
        )
    base = tmp_path_factory.mktemp("wheel")
    tree = base / "main"
    shutil.copytree(ROOT, tree, ignore=COPY_IGNORE, symlinks=True)
    if SHARED.exists():
        # Keep the real layout, so a stray "../shared" reference would still be picked up.
        (base / "shared").symlink_to(SHARED, target_is_directory=True)
    out = base / "dist"
    command = [
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "--disable-pip-version-check", "--no-input", "-q", "-w", str(out), str(tree),
    ]
    try:
        proc = subprocess.run(command, cwd=base, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pytest.fail("pip wheel took more than 180 s")
    assert proc.returncode == 0, f"pip wheel failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    wheels = sorted(out.glob("agreementscan-*.whl"))
    assert len(wheels) == 1, f"expected one agreementscan wheel in {out}, found {wheels}"
    return wheels[0]


@pytest.fixture(scope="module")
def wheel_names(wheel_path: Path) -> list[str]:
    with zipfile.ZipFile(wheel_path) as archive:
        return archive.namelist()


@pytest.mark.slow
def test_wheel_has_lexicons_and_py_typed(wheel_path: Path, wheel_names: list[str]) -> None:
    with zipfile.ZipFile(wheel_path) as archive:
        checklist = archive.read("agreementscan/lexicons/checklist.toml").decode("utf-8")
    ids = _element_ids(checklist)
    assert ids == _element_ids((ROOT / "lexicons" / "checklist.toml").read_text(encoding="utf-8")), \
        "checklist.toml in the wheel differs from lexicons/checklist.toml"
    missing = sorted(_expected_lexicon_files(ids) - set(wheel_names))
    assert not missing, f"missing from {wheel_path.name}: {missing}"


@pytest.mark.slow
def test_wheel_has_every_module_of_the_source_tree(wheel_names: list[str]) -> None:
    """A package added under src/ but not listed in pyproject.toml would install without it
    (an editable install hides this: it reads src/ directly)."""
    source = ROOT / "src"
    modules = {p.relative_to(source).as_posix() for p in source.rglob("*.py")}
    missing = sorted(modules - set(wheel_names))
    assert not missing, f"missing from the wheel: {missing}"


@pytest.mark.slow
def test_wheel_entry_point(wheel_path: Path, wheel_names: list[str]) -> None:
    candidates = [n for n in wheel_names if n.endswith(".dist-info/entry_points.txt")]
    assert len(candidates) == 1, f"entry_points.txt in wheel: {candidates}"
    with zipfile.ZipFile(wheel_path) as archive:
        text = archive.read(candidates[0]).decode("utf-8")
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep the case of names
    parser.read_string(text)
    assert parser.has_section("console_scripts"), f"no [console_scripts] in:\n{text}"
    scripts = {name: value.strip() for name, value in parser.items("console_scripts")}
    assert scripts.get("agreementscan") == "agreementscan.cli:main", f"console_scripts: {scripts}"


@pytest.mark.slow
def test_wheel_has_no_corpus_or_samples(wheel_path: Path, wheel_names: list[str]) -> None:
    for name in wheel_names:
        parts = name.split("/")
        assert not {"shared", "corpus", "samples"} & set(parts), f"{name} does not belong in the wheel"
    outside = {**_digests(SAMPLES), **_digests(SHARED)}
    leaked = []
    with zipfile.ZipFile(wheel_path) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.file_size == 0:
                continue
            digest = hashlib.sha256(archive.read(info)).hexdigest()
            if digest in outside:
                leaked.append(f"{info.filename} == {outside[digest]}")
    assert not leaked, "files from samples/ or ../shared/ inside the wheel: " + "; ".join(leaked)
