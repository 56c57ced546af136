"""The scanner engine: one options value with one set of defaults, scanners that own their
caches, and a profile that follows the playbook's content."""

from __future__ import annotations

import inspect
import pickle
import shutil
from pathlib import Path

import pytest

from agreementscan import limits
from agreementscan.api import scan_file, scan_folder, scan_text
from agreementscan.engine import ScanOptions, Scanner, scanner_for
from agreementscan.lexicon.profile import load_profile

ROOT = Path(__file__).resolve().parents[1]
PLAYBOOK = ROOT / "examples" / "playbook-data-protection"
GDPR = "Each Party shall process personal data under the GDPR as an independent controller."


def test_one_set_of_defaults_for_every_client() -> None:
    from agreementscan.annotate import annotate_file

    defaults = ScanOptions()
    assert (defaults.max_bytes, defaults.max_pages, defaults.max_chars, defaults.timeout) == (
        limits.MAX_BYTES, limits.MAX_PAGES, limits.MAX_CHARS, limits.TIMEOUT)
    # scan_file used to take max_pages=None while scan_folder took 2000; annotate likewise.
    for func in (scan_file, scan_folder, annotate_file):
        params = inspect.signature(func).parameters
        for name in ("max_pages", "max_bytes"):
            assert params[name].default == getattr(defaults, name), (func.__name__, name)


def test_cli_settings_without_flags_or_configuration_are_the_defaults(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementscan.cli.app import resolve

    monkeypatch.chdir(tmp_path)  # no configuration file up from here
    assert resolve().options == ScanOptions()
    options = resolve(max_size=2, max_pages=5, timeout=9.5, lang="nl").options
    assert options == ScanOptions(language="nl", max_bytes=2_000_000, max_pages=5, timeout=9.5)


def test_config_limits_map_onto_the_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementscan.cli.app import resolve

    (tmp_path / "agreementscan.toml").write_text("[limits]\nmax-size = 0.5\nmax-chars = 1000\ntimeout = 7\n",
                                                 encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    options = resolve().options
    assert (options.max_bytes, options.max_chars, options.timeout, options.max_pages) == (
        500_000, 1000, 7.0, limits.MAX_PAGES)


def test_scanner_for_reuses_one_scanner_per_options() -> None:
    options = ScanOptions(language="en", timeout=None)
    first = scanner_for(options)
    assert scanner_for(ScanOptions(language="en", timeout=None)) is first
    assert scanner_for(options.with_(language="nl")) is not first
    first.scan_text(GDPR)
    built = first.matchers
    scan_text(GDPR, language="en")  # the API goes through the same scanner: nothing rebuilt
    assert scanner_for(options).matchers is built


def test_scanner_pickles_without_its_spacy_objects() -> None:
    scanner = Scanner(ScanOptions(language="en", timeout=None))
    scanner.scan_text(GDPR)
    copy = pickle.loads(pickle.dumps(scanner))
    assert copy.options == scanner.options and copy._matchers is None
    assert copy.scan_text(GDPR).element("termination").status == scanner.scan_text(GDPR).element(
        "termination").status


def test_scan_with_a_time_limit_runs_in_a_child(tmp_path: Path, samples_dir: Path) -> None:
    import os

    from agreementscan.engine import Scanner as _Scanner

    scanner = _Scanner(ScanOptions(timeout=60))
    assert scanner._profile is None  # nothing compiled until needed
    pids = scanner.run_limited(os.getpid), _Scanner(ScanOptions(timeout=None)).run_limited(os.getpid)
    assert pids[0] != os.getpid() and pids[1] == os.getpid()
    # Compiled here before the fork: no child's time limit pays for the lexicons.
    assert scanner._profile is not None
    result = scanner.scan(samples_dir / "en_alliance_gaps.txt")
    assert result.language == "en" and scanner._seen_languages == {"en"}


def test_profile_follows_the_playbook_content_not_its_path(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(PLAYBOOK, book)
    before = load_profile([book])
    assert load_profile([book]) is before  # unchanged content: the cached profile
    rule = book / "en" / "data_protection.toml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace('"personal data", ', '"personal data", "privacy notice", '), encoding="utf-8")
    after = load_profile([book])
    assert after is not before and after.version != before.version
    text = "The Parties shall publish a privacy notice."
    old = Scanner(ScanOptions(language="en", timeout=None), before).scan_text(text).element("data_protection")
    new = Scanner(ScanOptions.build(language="en", timeout=None, playbooks=[book])).scan_text(text).element(
        "data_protection")
    assert not old.status.covered and new.status.covered


def test_options_key_names_what_changes_a_report(tmp_path: Path) -> None:
    assert ScanOptions().key() == "lang=auto"
    assert ScanOptions(max_pages=3, timeout=1).key() == ScanOptions().key()  # limits change no report
    # Nor does the report language: the store keeps findings, worded when rendered.
    assert ScanOptions(report_language="nl").key() == ScanOptions().key()
    keyed = ScanOptions.build(playbooks=[PLAYBOOK]).key()
    assert keyed.startswith("lang=auto;profile=")
