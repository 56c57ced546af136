"""The checklist itself, for people: every pitfall and element, and one element explained.

Texts come from ``checklist.toml`` (and any playbooks) in Dutch or English; this module only
lays them out, as plain text, Markdown or JSON.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import UsageError
from .lexicon.schema import Checklist, ElementInfo

LABELS = {
    "en": {"pitfall": "Pitfall", "severity": "severity", "what": "What it is", "why": "Why it matters",
           "present": "Covered, for example", "weak": "Weak, for example", "questions": "Questions to ask your partner",
           "looks_for": "agreementscan looks for", "tip": "Tip", "advice": "What to do about a gap",
           "elements": "elements", "id": "id", "name": "name"},
    "nl": {"pitfall": "Valkuil", "severity": "ernst", "what": "Wat het is", "why": "Waarom het ertoe doet",
           "present": "Geregeld, bijvoorbeeld", "weak": "Zwak, bijvoorbeeld", "questions": "Vragen aan uw partner",
           "looks_for": "agreementscan zoekt naar", "tip": "Tip", "advice": "Wat te doen bij een gat",
           "elements": "onderdelen", "id": "id", "name": "naam"},
}
SEVERITY = {"en": {"error": "error", "warning": "warning", "info": "info"},
            "nl": {"error": "fout", "warning": "waarschuwing", "info": "info"}}


def checklist_data(checklist: Checklist, lang: str) -> dict[str, Any]:
    """The checklist as JSON-ready data in one language."""
    return {
        "schema": "agreementscan.checklist/1",
        "language": lang,
        "pitfalls": [
            {
                "id": p.id,
                "key": p.key,
                "title": p.title.get(lang),
                "summary": p.summary.get(lang),
                "tip": p.tip.get(lang),
                "elements": [
                    {
                        "id": e.id,
                        "name": e.name.get(lang),
                        "severity": e.severity.value,
                        "description": e.description.get(lang),
                    }
                    for e in checklist.elements
                    if e.pitfall == p.id
                ],
            }
            for p in checklist.pitfalls
        ],
    }


def render_checklist(checklist: Checklist, lang: str, fmt: str = "text") -> str:
    """Every pitfall with its tip and elements (ids, names, severities)."""
    if fmt == "json":
        return json.dumps(checklist_data(checklist, lang), ensure_ascii=False, indent=2) + "\n"
    words = LABELS[lang]
    lines: list[str] = []
    for pitfall in checklist.pitfalls:
        elements = [e for e in checklist.elements if e.pitfall == pitfall.id]
        if fmt == "markdown":
            lines += [
                f"## {words['pitfall']} {pitfall.id}: {pitfall.title.get(lang)}",
                "",
                pitfall.summary.get(lang),
                "",
                f"**{words['tip']}:** {pitfall.tip.get(lang)}",
                "",
                f"| {words['id']} | {words['name']} | {words['severity']} |",
                "|---|---|---|",
            ]
            lines += [f"| `{e.id}` | {e.name.get(lang)} | {SEVERITY[lang][e.severity.value]} |" for e in elements]
            lines.append("")
        else:
            lines += [f"{words['pitfall']} {pitfall.id}: {pitfall.title.get(lang)}",
                      f"  {words['tip']}: {pitfall.tip.get(lang)}"]
            width = max(len(e.id) for e in elements) if elements else 0
            lines += [f"  {e.id:<{width}}  {e.name.get(lang)}  [{SEVERITY[lang][e.severity.value]}]" for e in elements]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def find_element(checklist: Checklist, element_id: str) -> ElementInfo:
    """The element, or a usage error that suggests close ids."""
    try:
        return checklist.element(element_id)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(element_id, [e.id for e in checklist.elements], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'agreementscan checklist'"
        raise UsageError(f"unknown element id {element_id!r}{hint}") from None


def explain_data(checklist: Checklist, element_id: str, lang: str) -> dict[str, Any]:
    info = find_element(checklist, element_id)
    pitfall = checklist.pitfall(info.pitfall)
    return {
        "id": info.id, "name": info.name.get(lang), "pitfall": {"id": pitfall.id, "title": pitfall.title.get(lang),
                                                               "tip": pitfall.tip.get(lang)},
        "severity": info.severity.value, "description": info.description.get(lang), "why": info.why.get(lang),
        "advice": info.advice.get(lang), "example_present": info.example_present.get(lang),
        "example_weak": info.example_weak.get(lang), "questions": list(info.questions(lang)),
        "searched_for": list(info.searched_for(lang)),
    }


def render_explain(checklist: Checklist, element_id: str, lang: str, fmt: str = "text") -> str:
    """Definition, why it matters, examples, questions to ask, and what the scanner looks for."""
    data = explain_data(checklist, element_id, lang)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    words = LABELS[lang]
    pitfall = data["pitfall"]
    head = f"{data['id']}: {data['name']} ({words['pitfall'].lower()} {pitfall['id']}: {pitfall['title']}; " \
           f"{words['severity']} {SEVERITY[lang][data['severity']]})"
    sections = [
        (words["what"], data["description"]),
        (words["why"], data["why"]),
        (words["advice"], data["advice"]),
        (words["present"], f"“{data['example_present']}”"),
        (words["weak"], f"“{data['example_weak']}”"),
        (words["questions"], "\n".join(f"- {q}" for q in data["questions"])),
        (words["looks_for"], ", ".join(data["searched_for"])),
        (f"{words['tip']} ({words['pitfall'].lower()} {pitfall['id']})", pitfall["tip"]),
    ]
    if fmt == "markdown":
        return f"## {head}\n\n" + "\n\n".join(f"**{title}**\n\n{body}" for title, body in sections) + "\n"
    return head + "\n\n" + "\n\n".join(f"{title}:\n{_indent(body)}" for title, body in sections) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
