"""Regenerate the screenshots in docs/img/ from the bundled samples.

    python scripts/screenshots.py [--out docs/img]

* ``report-nl.png``: HTML report of ``samples/nl_samenwerking_gaps.docx``;
* ``report-en.png``: HTML report of ``samples/en_collab_tricky.pdf``;
* ``annotated-docx.png``: first page of the annotated Word copy of the Dutch sample,
  only when LibreOffice (``soffice``) and ``pdftoppm`` are installed.

Needs a headless Chromium (``chromium``, ``chromium-browser`` or ``google-chrome`` on PATH).
The PNGs are reduced to a palette so that each stays well under 300 KB in the repository.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH = 1280
MAX_BYTES = 300_000
# Export the Word comments too: in the margin where LibreOffice supports it, else as notes.
PDF_OPTIONS = (
    '{"ExportNotes":{"type":"boolean","value":"true"},'
    '"ExportNotesInMargin":{"type":"boolean","value":"true"}}'
)

REPORTS = (
    ("nl_samenwerking_gaps.docx", "report-nl.png", 1500),
    ("en_collab_tricky.pdf", "report-en.png", 1500),
)


def find_browser() -> str | None:
    """The first Chromium-like browser on PATH."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def screenshot(browser: str, page: Path, target: Path, height: int, profile: Path) -> None:
    """Screenshot the top ``height`` pixels of ``page`` at 1280 px wide."""
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
        f"--user-data-dir={profile}", f"--window-size={WIDTH},{height}",
        f"--screenshot={target}", page.as_uri(),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def shrink(path: Path) -> int:
    """Reduce a PNG to a palette (the report uses few colours) and return its size."""
    for colours in (256, 128, 64):
        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
        size = path.stat().st_size
        if size < MAX_BYTES:
            return size
    return size


def report_shots(browser: str, out: Path, work: Path) -> None:
    import agreementscan
    from agreementscan.render import render

    for sample, name, height in REPORTS:
        result = agreementscan.scan_file(SAMPLES / sample)
        page = work / f"{Path(sample).stem}.html"
        page.write_text(render(result, "html"), encoding="utf-8")
        target = out / name
        screenshot(browser, page, target, height, work / "profile")
        print(f"{shown(target)}: {shrink(target) // 1024} KB")


def annotated_docx_shot(out: Path, work: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        missing = "soffice/libreoffice" if not soffice else "pdftoppm"
        print(f"skipped annotated-docx.png: {missing} is not installed")
        return
    try:
        from agreementscan.annotate import annotate_file
    except ImportError as exc:
        print(f"skipped annotated-docx.png: agreementscan.annotate is not available ({exc})")
        return
    source = SAMPLES / "nl_samenwerking_gaps.docx"
    annotated = annotate_file(source, work / "nl_samenwerking_gaps.annotated.docx", force=True)
    # LibreOffice needs its own profile folder, or it clashes with a running instance.
    subprocess.run(
        [soffice, f"-env:UserInstallation={(work / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", f"pdf:writer_pdf_Export:{PDF_OPTIONS}", "--outdir", str(work),
         str(annotated.path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = annotated.path.with_suffix(".pdf")
    prefix = work / "annotated-page"
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    target = out / "annotated-docx.png"
    shutil.copyfile(prefix.with_suffix(".png"), target)
    print(f"{shown(target)}: {shrink(target) // 1024} KB ({annotated.notes} comments)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    browser = find_browser()
    if browser is None:
        print("no Chromium found on PATH (" + ", ".join(BROWSERS) + ")", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="agreementscan-shots-") as tmp:
        work = Path(tmp)
        report_shots(browser, out, work)
        annotated_docx_shot(out, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
