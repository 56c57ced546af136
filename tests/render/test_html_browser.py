"""The HTML report in a real headless Chromium: what a reader's browser actually builds.

``--dump-dom`` prints the DOM after the page has loaded, so anything that managed to run
(an injected script, an ``onerror`` handler) would show in it. Skipped when no Chromium
or Chrome binary is on PATH (install the Debian package ``chromium`` to run these).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

import agreementscan
from agreementscan.render import render


def _sibling(name: str) -> ModuleType:
    """Load a module next to this file whatever pytest's import mode (shared, not copied)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_agreementscan_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_html_tests = _sibling("test_html")
Page = _html_tests.Page
assert_links_resolve = _html_tests.assert_links_resolve
evidence_ids = _html_tests.evidence_ids

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)

pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless browser on PATH (looked for: " + ", ".join(BROWSERS) + "); "
    "install it with `apt-get install -y chromium` to run the browser tests",
)

PWNED_TEXT = (
    "SAMENWERKINGSOVEREENKOMST\n\n"
    "Artikel 1 Doel\n"
    'Het doel is <script>document.title="pwned"</script> samen een product te ontwikkelen.\n\n'
    "Artikel 2 Beëindiging\n"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> Elke partij kan "
    "deze overeenkomst opzeggen met een opzegtermijn van drie maanden.\n"
)


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the browser headless on ``page``, offline-minded and with a throwaway profile."""
    assert BROWSER is not None
    command = [
        BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
        f"--user-data-dir={profile}", *extra, page.as_uri(),
    ]  # fmt: skip
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pytest.fail(f"{BROWSER} did not finish within 60 s")
    assert proc.returncode == 0, f"{BROWSER} failed ({proc.returncode}):\n{proc.stderr[-2000:]}"
    return proc


def dump_dom(html: str, tmp_path: Path) -> str:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = chromium(page, tmp_path / "profile", "--dump-dom").stdout
    assert "<body" in dom, f"no DOM dumped:\n{dom[:500]}"
    return dom


@pytest.mark.parametrize("sample", ["nl_samenwerking_gaps.docx", "en_collab_tricky.pdf"])
def test_rendered_dom_has_every_highlight_and_link(sample: str, tmp_path: Path) -> None:
    result = agreementscan.scan_file(SAMPLES / sample)
    dom = Page(dump_dom(render(result, "html"), tmp_path))
    assert sorted(dom.evidence_marks) == sorted(evidence_ids(result))
    assert_links_resolve(dom)
    assert dom.fulltexts == [result.document.text]


def test_injected_markup_stays_text(tmp_path: Path) -> None:
    name = '"><script>document.title="pwned"</script>.txt'
    result = agreementscan.scan_text(PWNED_TEXT, path=name)
    html = render(result, "html")
    raw = dump_dom(html, tmp_path)
    dom = Page(raw)
    assert not [a for a in dom.attrs if a[1] == "data-pwned"], "the onerror handler ran"
    assert "data-pwned=" not in raw
    assert dom.title.strip() and "pwned" != dom.title.strip()
    assert dom.tags["script"] == 0 and dom.tags["img"] == 0
    assert 'document.title="pwned"' in dom.fulltexts[0]  # shown as text
    assert "&lt;script&gt;document.title=" in raw
    assert dom.fulltexts == [result.document.text]


def test_screenshot_is_not_blank(tmp_path: Path) -> None:
    result = agreementscan.scan_file(SAMPLES / "nl_samenwerking_gaps.docx")
    page = tmp_path / "report.html"
    page.write_text(render(result, "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    chromium(page, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1800")
    assert shot.is_file()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000, "screenshot is suspiciously small (blank page?)"
