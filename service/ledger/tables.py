"""The ledger as CSV (one row per figure) and as a markdown table (one section per view).

Both are rendered from the ledger's JSON, so they cannot disagree with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

CSV_COLUMNS = (
    "view", "tally", "outcome", "victims", "place", "window", "flag", "count_min", "count_max",
    "doc_id", "start", "end", "figure", "count", "qualifier", "source_name", "source_type",
    "outlet", "date", "date_basis", "period", "location", "evidence", "why",
)  # fmt: skip


def csv_rows(ledger: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per figure, with its tally's columns repeated."""
    rows = []
    for tally in ledger["tallies"]:
        shared = {
            "view": tally["view"], "tally": tally["tally"], "outcome": tally["outcome"],
            "victims": tally["victims"], "place": tally["place"],
            "window": tally["window"]["label"], "flag": tally["flag"],
            "count_min": tally["count_min"], "count_max": tally["count_max"], "why": tally["why"],
        }  # fmt: skip
        for fig in tally["figures"]:
            rows.append({**shared, **{k: fig[k] for k in CSV_COLUMNS if k in fig}})
    return rows


def to_csv(ledger: Mapping[str, Any]) -> str:
    """CSV text, header first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(ledger))
    return out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").split())


def _source(fig: Mapping[str, Any]) -> str:
    if fig["source_name"] is None:
        return "the article (author)"
    return f"{fig['source_name']} ({fig['source_type']})"


def to_markdown(ledger: Mapping[str, Any]) -> str:
    """A section per view: its tallies side by side, one row per figure."""
    summary = ledger["summary"]
    lines = [
        "# Casualty ledger",
        "",
        f"{summary['figures']} figures from {summary['documents']} documents in "
        f"{summary['tallies']} tallies ({summary['conflict']} conflict, "
        f"{summary['agreement']} agreement, {summary['single_source']} single source), "
        f"{summary['views']} views. Rule: {ledger['rule']}.",
    ]
    tallies = {t["tally"]: t for t in ledger["tallies"]}
    for view in ledger["views"]:
        lines += ["", f"## {view['view']}: {view['place']}, {view['window']['label']}", ""]
        lines.append("| tally | flag | range | figure | source | outlet | date | evidence |")
        lines.append("| --- | --- | --- | ---: | --- | --- | --- | --- |")
        for name in view["tallies"]:
            tally = tallies[name]
            what = f"{name}: {tally['outcome']} {tally['victims']}, {tally['place']}"
            span = f"{tally['count_min']:,}–{tally['count_max']:,}"
            for fig in tally["figures"]:
                where = f"{fig['doc_id']} [{fig['start']}:{fig['end']}]"
                cells = [what, tally["flag"], span, fig["figure"], _source(fig),
                         fig["outlet"] or "", fig["date"] or "?",
                         f"{fig['evidence']} ({where})"]  # fmt: skip
                lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
                what = span = ""
        for name in view["tallies"]:
            lines.append(f"\n- {name}: {_cell(tallies[name]['why'])}")
    return "\n".join(lines) + "\n"
