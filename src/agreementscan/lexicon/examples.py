"""``lexicon test``: run a playbook's own examples through the scanner.

A client of :class:`~agreementscan.engine.Scanner`, so it lives above the engine and not
in :mod:`agreementscan.lexicon.profile`, which the engine itself uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine import Scanner, ScanOptions
from .loader import load_element
from .profile import ExampleFailure, load_profile


def run_playbook_examples(folder: str | Path, *,
                          playbooks: Sequence[str | Path] = ()) -> tuple[int, list[ExampleFailure]]:
    """Run the examples of every element the playbook defines or extends; (count, failures)."""
    folder = Path(folder).resolve()
    profile = load_profile([*playbooks, folder])
    scanners = {lang: Scanner(ScanOptions(language=lang, timeout=None), profile) for lang in profile.lexicons}
    ran = 0
    failures: list[ExampleFailure] = []
    for lang in profile.lexicons:
        for element_id in profile.playbook_elements.get(lang, ()):
            if element_id not in {e.id for e in profile.checklist.elements}:
                continue  # disabled by the playbook itself
            path = folder / lang / f"{element_id}.toml"
            if not path.is_file():
                continue
            own = load_element(path, lang, [e.id for e in profile.checklist.elements])
            cases = ([("positive", t) for t in own.examples_positive] + [("weak", t) for t in own.examples_weak]
                     + [("negative", t) for t in own.examples_negative])
            for kind, text in cases:
                ran += 1
                status = scanners[lang].scan_text(text).element(element_id).status
                good = (status.covered if kind == "positive" else status.value == "weak" if kind == "weak"
                        else not status.covered)
                if not good:
                    failures.append(ExampleFailure(lang, element_id, kind, text, status.value))
    return ran, failures


__all__ = ["ExampleFailure", "run_playbook_examples"]
