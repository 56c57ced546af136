"""Playbooks, configuration, severities, baselines, SARIF and the checklist/explain commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from agreementscan.cli import main

ROOT = Path(__file__).resolve().parents[1]
PLAYBOOK = ROOT / "examples" / "playbook-data-protection"


def _run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    import os

    runner = CliRunner()
    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)  # the configuration is found by walking up from here
        result = runner.invoke(main, list(args))
    finally:
        os.chdir(before)
    return result.exit_code, result.stdout, result.stderr


def _elements(out: str) -> dict[str, dict]:
    return {e["id"]: e for e in json.loads(out)["elements"]}


def test_checklist_and_explain_in_both_languages() -> None:
    code, out, _ = _run("checklist", "--lang", "nl")
    assert code == 0 and "Valkuil 1: Doelen niet helder" in out and "exit_moments" in out
    code, out, _ = _run("checklist", "--format", "json")
    assert [len(p["elements"]) for p in json.loads(out)["pitfalls"]] == [4, 6, 10, 3, 2]
    code, out, _ = _run("explain", "exit_moments", "--lang", "en")
    assert code == 0 and "Why it matters" in out and "Questions to ask your partner" in out
    code, out, _ = _run("explain", "exit_moments", "--lang", "nl")
    assert "Waarom het ertoe doet" in out
    code, _, err = _run("explain", "exit_moment")
    assert code == 2 and "did you mean exit_moments" in err


def test_lexicon_check_and_test_on_the_example_playbook() -> None:
    code, out, _ = _run("lexicon", "check", str(PLAYBOOK))
    assert code == 0 and "OK: 1 new element(s), 1 extended" in out
    code, out, _ = _run("lexicon", "test", str(PLAYBOOK))
    assert code == 0 and "6 of 6 examples passed" in out


def test_lexicon_check_reports_file_line_and_entry(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(PLAYBOOK, book)
    path = book / "en" / "data_protection.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight = 2", "weight = 20"), encoding="utf-8")
    (book / "nl" / "exclusivity.toml").write_text('element = "exclusivity"\n[[rules]]\nid = "x"\npattern = "(unclosed"\n',
                                                  encoding="utf-8")
    code, out, _ = _run("lexicon", "check", str(book))
    assert code == 1
    lines = out.strip().splitlines()
    assert any(f"{path}:" in line and "en.data_protection.personal_data" in line and "weight" in line for line in lines)
    assert any("exclusivity.toml:4: nl.exclusivity.x: bad regular expression" in line for line in lines)


def test_lexicon_test_reports_a_failing_example(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(PLAYBOOK, book)
    path = book / "en" / "exclusivity.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'negative = ["Partner shall ring-fence its budget."]\n',
                    encoding="utf-8")
    code, out, _ = _run("lexicon", "test", str(book))
    assert code == 1 and "negative example came out present" in out


def test_playbook_adds_an_element_and_terms(samples_dir: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text((samples_dir / "en_alliance_gaps.txt").read_text(encoding="utf-8")
                     + "\n\nEach Party shall process personal data under the GDPR as an independent controller.\n",
                     encoding="utf-8")
    code, out, _ = _run("scan", str(draft), "--format", "json", "--lexicon", str(PLAYBOOK))
    elements = _elements(out)
    assert code == 0 and len(elements) == 26
    assert elements["data_protection"]["status"] == "present" and elements["data_protection"]["severity"] == "error"
    plain_scan = _elements(_run("scan", str(draft), "--format", "json")[1])
    assert "data_protection" not in plain_scan and len(plain_scan) == 25


def test_configuration_file_walks_up_and_flags_win(samples_dir: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "deep").mkdir(parents=True)
    shutil.copytree(PLAYBOOK, project / "book")
    (project / "agreementscan.toml").write_text(
        'report-lang = "nl"\nplaybooks = ["book"]\ndisable = ["exclusivity"]\nfail-on = "error"\n'
        '[severity]\ngoverning_law = "error"\n', encoding="utf-8")
    source = str(samples_dir / "en_collab_tricky.txt")
    code, out, _ = _run("scan", source, "--format", "json", cwd=project / "deep")
    report = json.loads(out)
    elements = _elements(out)
    assert report["report_language"] == "nl"
    assert "exclusivity" not in elements and "data_protection" in elements
    assert elements["governing_law"]["severity"] == "error" and elements["governing_law"]["status"] == "weak"
    assert code == 1  # fail-on = "error" from the file: a weak error-severity element remains
    code, out, _ = _run("scan", source, "--format", "json", "--report-lang", "en", "--fail-on", "never",
                        cwd=project / "deep")
    assert code == 0 and json.loads(out)["report_language"] == "en"


def test_unknown_configuration_key_is_an_error_with_file_and_line(samples_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "agreementscan.toml"
    config.write_text('lang = "nl"\nreport_lang = "en"\n', encoding="utf-8")
    code, _, err = _run("scan", str(samples_dir / "en_jv_complete.txt"), "--config", str(config))
    assert code == 2 and f"{config}:2: report_lang: unknown key" in err


def test_fail_on_severity_levels(samples_dir: Path) -> None:
    gaps = str(samples_dir / "en_alliance_gaps.txt")
    assert _run("scan", gaps, "--fail-on", "error")[0] == 1   # mission_values (error) is missing
    complete = str(samples_dir / "en_jv_complete.txt")
    for level in ("error", "warning", "info", "missing", "weak"):
        assert _run("scan", complete, "--fail-on", level)[0] == 0


def test_baseline_suppresses_accepted_findings_for_that_document_only(samples_dir: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    shutil.copy(samples_dir / "en_alliance_gaps.txt", draft)
    baseline = tmp_path / "baseline.json"
    missing = [e for e, v in _elements(_run("scan", str(draft), "--format", "json")[1]).items() if v["status"] == "missing"]
    accepts = [a for element in missing for a in ("--accept", f"{element}=Accepted by both boards on 2026-11-02")]
    code, _, err = _run("baseline", str(draft), *accepts, "--baseline", str(baseline))
    assert code == 0 and "Wrote" in err
    entries = json.loads(baseline.read_text(encoding="utf-8"))["entries"]
    assert {e["element"] for e in entries} == set(missing) and all(e["justification"] for e in entries)
    assert _run("scan", str(draft), "--fail-on", "missing")[0] == 1
    code, out, _ = _run("scan", str(draft), "--format", "json", "--fail-on", "missing", "--baseline", str(baseline))
    assert code == 0
    suppressed = {k: v["suppressed"] for k, v in _elements(out).items() if v["suppressed"]}
    assert set(suppressed) == set(missing)
    assert next(iter(suppressed.values()))["justification"] == "Accepted by both boards on 2026-11-02"
    code, text, _ = _run("scan", str(draft), "--baseline", str(baseline))
    assert "Accepted (baseline): Accepted by both boards" in text
    draft.write_text(draft.read_text(encoding="utf-8") + "\nOne more clause.\n", encoding="utf-8")
    assert _run("scan", str(draft), "--fail-on", "missing", "--baseline", str(baseline))[0] == 1
    code, out, _ = _run("baseline", str(draft), "--baseline", str(baseline))
    assert "stale:" in out


def test_baseline_needs_a_justification(samples_dir: Path, tmp_path: Path) -> None:
    code, _, err = _run("baseline", str(samples_dir / "en_alliance_gaps.txt"), "--accept", "exit_moments",
                        "--baseline", str(tmp_path / "b.json"))
    assert code == 2 and "ELEMENT=" in err and not (tmp_path / "b.json").exists()


def test_sarif_from_the_command_line(samples_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "draft.sarif"
    code, _, _ = _run("scan", str(samples_dir / "nl_covenant_tricky.pdf"), "--format", "sarif", "-o", str(target))
    assert code == 0
    log = json.loads(target.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "agreementscan"
    schema = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if schema.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.Draft4Validator(json.loads(schema.read_text(encoding="utf-8"))).validate(log)


def _all_commands(group=main, prefix: str = "agreementscan") -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    import click

    out = []
    for name, command in group.commands.items():
        out.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            out += _all_commands(command, f"{prefix} {name}")
    return out


@pytest.mark.parametrize(("name", "command"), _all_commands(), ids=[n for n, _ in _all_commands()])
def test_every_command_has_help_and_is_in_the_readme(name: str, command: object) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert name in readme
    args = name.split()[1:] + ["--help"]
    code, out, _ = _run(*args)
    assert code == 0 and len(out) > 150 and getattr(command, "help", None)
