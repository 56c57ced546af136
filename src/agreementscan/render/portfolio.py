"""Overview outputs of a batch: a table, CSV, JSON Lines, a JSON array and an HTML index.

These renderers read :class:`~agreementscan.batch.BatchItem` values and never analyse.
CSV, JSON Lines and JSON are written item by item (the writers take an open text
stream), so a batch of any size needs memory for one report at a time; the table and
the index need every row, so they take compact items (:func:`compact`: no report, no
document) instead.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

if TYPE_CHECKING:  # pragma: no cover
    from ..batch import BatchItem, Entry
    from ..model import ScanResult

CSV_FIELDS = ("path", "sha256", "language", "element", "pitfall", "status", "severity", "suppressed",
              "evidence_count", "error")
INDEX_NAME = "index.html"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _pitfall_ids() -> tuple[int, ...]:
    """The checklist's pitfall numbers, in order (the overview has a column for each)."""
    from ..lexicon.loader import load_checklist

    return tuple(p.id for p in load_checklist().pitfalls)


def _result(item: BatchItem, result: ScanResult | None) -> ScanResult | None:
    """The item's result: the one given (a baseline already applied), else decoded now."""
    return result if result is not None else item.scan_result()


def compact(item: BatchItem) -> BatchItem:
    """The item without its full report and result: what tables and the index keep per row."""
    return dataclasses.replace(item, report_json=None, result=None)


# --------------------------------------------------------------------------- names


def report_names(entries: Iterable[Entry]) -> dict[str, str]:
    """A safe, unique HTML file name for every entry to scan, keyed by its path.

    Names come from the relative path: anything but letters, digits, ``.``, ``_`` and
    ``-`` becomes ``_``, so no name can climb out of the report folder or need quoting;
    uniqueness is checked case-insensitively (for case-insensitive file systems) and the
    index names are reserved.
    """
    taken = {INDEX_NAME}
    names: dict[str, str] = {}
    for entry in entries:
        if entry.action != "scan" or entry.path in names:
            continue
        ascii_name = unicodedata.normalize("NFKD", entry.relpath).encode("ascii", "ignore").decode("ascii")
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name.replace("/", "__")).strip("._-") or "document"
        stem = stem[:120]
        if stem.lower().startswith("index"):
            stem = f"doc_{stem}"  # index.html and index-*.html are the overview pages
        name = f"{stem}.html"
        counter = 2
        while name.lower() in taken:
            name = f"{stem}-{counter}.html"
            counter += 1
        taken.add(name.lower())
        names[entry.path] = name
    return names


# --------------------------------------------------------------------------- csv / jsonl / json


def neutralise(cell: object) -> str:
    """A CSV cell that spreadsheets will not run as a formula (prefix ``'`` when needed), with
    control, bidi and undecodable characters of file names escaped (:func:`shown`)."""
    from ..errors import shown

    raw = "" if cell is None else str(cell)
    text = shown(raw)
    return "'" + text if raw.startswith(_FORMULA_START) or text.startswith(_FORMULA_START) else text


class CsvWriter:
    """One CSV row per document × element; a single row for a skipped or failed file."""

    def __init__(self, stream: TextIO) -> None:
        # Every cell quoted: a CR or LF inside a cell can never start a new spreadsheet row.
        self.writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self.writer.writerow(CSV_FIELDS)

    def write(self, item: BatchItem, result: ScanResult | None = None) -> None:
        """Write the rows of one item (``result``: its decoded result, if the caller has it)."""
        row = self.writer.writerow
        found = _result(item, result) if item.status == "ok" else None
        if found is None:
            sha = item.summary.sha256 if item.summary else ""
            row([neutralise(v) for v in (item.path, sha, "", "", "", item.status, "", "", "", item.error or "")])
            return
        sha = found.document.sha256 or ""
        for element in found.elements:
            # "suppressed" holds the baseline justification of an accepted finding.
            accepted = element.suppression.justification if element.suppression is not None else ""
            row([neutralise(v) for v in (item.path, sha, found.language, element.id, element.pitfall,
                                         element.status.value, element.severity.value, accepted,
                                         len(element.evidence), "")])


def error_object(item: BatchItem) -> dict[str, Any]:
    """A skipped or failed file as JSON data."""
    data: dict[str, Any] = {"path": item.path, "error": item.error or item.status}
    if item.status == "skipped":
        data["skipped"] = True
    elif item.error_kind:
        data["kind"] = item.error_kind
    return data


def jsonl_line(item: BatchItem, result: ScanResult | None = None) -> str:
    """One line of JSON Lines: the full report (worded now, in the item's report language),
    or an error object; ends with a newline."""
    from ..errors import json_safe
    from .jsonreport import report_dict

    found = _result(item, result) if item.status == "ok" else None
    if found is not None:
        return json_safe(json.dumps(report_dict(found), ensure_ascii=False, separators=(",", ":"))) + "\n"
    return json_safe(json.dumps(error_object(item), ensure_ascii=False)) + "\n"


class JsonArrayWriter:
    """A JSON array of reports and error objects, written one element at a time."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0
        stream.write("[")

    def write(self, item: BatchItem, result: ScanResult | None = None) -> None:
        """Append one element."""
        self.stream.write(",\n" if self.count else "\n")
        self.stream.write(jsonl_line(item, result).rstrip("\n"))
        self.count += 1

    def close(self) -> None:
        """Finish the array (an empty batch gives ``[]``)."""
        self.stream.write("\n]\n" if self.count else "]\n")


# --------------------------------------------------------------------------- table


def _score_style(score: int) -> str:
    return "red" if score < 50 else "yellow" if score < 80 else "green"


def render_table(items: Sequence[BatchItem], *, color: bool = False, width: int = 160) -> str:
    """A terminal table, one row per file; ends with a newline."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..errors import shown

    # Names are data: Text cells are never read as Rich markup ("[/b]" in a file name),
    # and shown() escapes control and bidi characters and undecodable bytes.
    table = Table(show_lines=False, pad_edge=False, expand=False)
    table.add_column("path", overflow="fold")
    table.add_column("lang")
    pitfalls = _pitfall_ids()
    for number in pitfalls:
        table.add_column(f"P{number}", justify="right")
    table.add_column("score", justify="right")
    table.add_column("missing", justify="right")
    table.add_column("status")
    table.add_column("error", overflow="fold")
    for item in items:
        summary = item.summary
        if item.status == "ok" and summary is not None:
            scores = [Text(str(s), style=_score_style(s)) for s in summary.pitfalls]
            table.add_row(Text(shown(item.path)), summary.language or "", *scores,
                          Text(str(summary.score), style=_score_style(summary.score)),
                          str(summary.missing), "ok", "")
        else:
            style = "red" if item.status == "error" else "dim"
            table.add_row(Text(shown(item.path)), "", *[""] * len(pitfalls), "", "", Text(item.status, style=style),
                          Text(shown(item.error or "")))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, emoji=False, soft_wrap=False)
    console.print(table)
    return buffer.getvalue()


# --------------------------------------------------------------------------- html index

# The style sheet stays here, not in the template, because the page's CSP names its hash.
_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
th a{color:inherit}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.h0{background:#d73027;color:#fff}.h1{background:#f46d43}.h2{background:#fdae61}
.h3{background:#fee08b}.h4{background:#d9ef8b}.h5{background:#a6d96a}.h6{background:#66bd63}
.error{color:#b00}.skipped{color:#777}
nav a{margin-right:.75rem}
"""



def _heat(score: int | None) -> str:
    if score is None:
        return ""
    return f"h{min(6, max(0, score * 7 // 101))}"


def index_pages(items: Sequence[BatchItem], *, title: str | None = None,
                language: str | None = None) -> dict[str, str]:
    """The HTML index as ``{file name: page}``: ``index.html`` sorted by path and one page per
    other sort order (overall score, each pitfall, missing count), linked from the column
    headings, so the table sorts without any script. Every value is escaped by Jinja2; the
    pages load nothing and a Content-Security-Policy allows only their own style sheet.
    """
    import base64

    from jinja2 import Environment, PackageLoader, StrictUndefined

    from ..errors import shown
    from ..version import __version__

    env = Environment(loader=PackageLoader("agreementscan.render", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    template = env.get_template("index.html.j2")
    style_hash = "sha256-" + base64.b64encode(hashlib.sha256(_STYLE.encode("utf-8")).digest()).decode("ascii")

    from .words import DEFAULT_LANGUAGE, message, pitfall_title

    lang = language or DEFAULT_LANGUAGE
    title = title or message("overview.title", lang)
    columns = [(f"p{n}", f"P{n}", message("overview.pitfall_column", lang, n=n, title=pitfall_title(n, lang)))
               for n in _pitfall_ids()]
    columns += [("score", "score", message("overview.score_column", lang)),
                ("missing", "missing", message("overview.missing_column", lang))]
    sorts = {"path": message("overview.path", lang),
             **{key: long.lower() if key.startswith("p") and key != "path" else label for key, label, long in columns}}
    pages = {"path": INDEX_NAME, **{key: f"index-{key}.html" for key, _, _ in columns}}

    def row_view(item: BatchItem) -> dict[str, Any]:
        summary = item.summary if item.status == "ok" else None
        values: list[int | None] = [None] * 7
        if summary is not None:
            values = [*summary.pitfalls, summary.score, summary.missing]
        cells = [{"value": "" if v is None else v, "cls": _heat(v) if i < 6 else ""} for i, v in enumerate(values)]
        return {"path": shown(item.path), "href": quote(item.report_file) if item.report_file else None,
                "language": summary.language if summary else "", "cells": cells, "status": item.status,
                "error": shown(item.error or "") if item.status != "ok" else None}

    ok = [i for i in items if i.status == "ok" and i.summary is not None]
    rest = sorted((i for i in items if not (i.status == "ok" and i.summary is not None)), key=lambda i: i.path)
    counts = {"ok": len(ok), "error": sum(1 for i in rest if i.status == "error"),
              "skipped": sum(1 for i in rest if i.status == "skipped")}

    def key_for(sort: str) -> Any:
        if sort == "path":
            return lambda i: i.path
        if sort == "score":
            return lambda i: (i.summary.score, i.path)
        if sort == "missing":
            return lambda i: (-i.summary.missing, i.path)
        number = int(sort[1:]) - 1
        return lambda i: (i.summary.pitfalls[number] if len(i.summary.pitfalls) > number else 0, i.path)

    out: dict[str, str] = {}
    for sort, name in pages.items():
        rows = [row_view(i) for i in sorted(ok, key=key_for(sort))] + [row_view(i) for i in rest]
        words = {"counts": message("overview.counts", lang, **counts),
                 "sorted_by": message("overview.sorted_by", lang, sort=sorts[sort]),
                 "path": message("overview.path", lang), "language": message("overview.language", lang),
                 "status": message("overview.status", lang),
                 "by": {key: message("overview.by", lang, sort=label) for key, label in sorts.items()}}
        out[name] = template.render(title=title, style=_STYLE, style_hash=style_hash, rows=rows, columns=columns,
                                    sorts=sorts, pages=pages, current=sort, counts=counts, version=__version__,
                                    lang=lang, words=words)
    return out
