"""Build the ledger: records -> figures -> tallies and views -> one JSON-ready dict.

The JSON is the ledger's one shape: the CLI writes it and renders CSV,
markdown and HTML from it, and `POST /v1/ledger` answers it, so every
output says the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..harness.records import DocRecord
from .agreement import Verdict, judge, shown
from .context import Article, Sources, articles
from .figures import Figure, figures
from .grouping import cluster, reason, views

LEDGER_VERSION = 1


@dataclass(frozen=True)
class Tally:
    """Figures that count the same dead, with the verdict on them and why they were grouped."""

    members: tuple[Figure, ...]
    verdict: Verdict
    why: str
    view: int


@dataclass(frozen=True)
class Ledger:
    """Everything the ledger found in a set of records."""

    articles: dict[str, Article]
    figures: tuple[Figure, ...]
    tallies: tuple[Tally, ...]
    failed: tuple[str, ...]


def build(records: Sequence[DocRecord], sources: Sources) -> Ledger:
    """Group the casualty claims of `records` into tallies (rule: `grouping`)."""
    ok = [r for r in records if not r.failed]
    arts = articles(((r.doc_id, r.meta) for r in ok), sources)
    found = figures([(r.doc_id, r.claim_list) for r in ok], arts)
    groups = cluster(found)
    view_of = views(groups)
    tallies = [Tally(tuple(g), judge(g), reason(g), view_of[i]) for i, g in enumerate(groups)]
    ordered = _ordered(tallies)
    return Ledger(arts, tuple(found), tuple(ordered), tuple(r.doc_id for r in records if r.failed))


def _view_key(members: Sequence[Figure]) -> tuple[str, str, str]:
    days = [m.window.hi.isoformat() for m in members if m.window.hi is not None]
    return (members[0].window.kind, max(days) if days else "9999", members[0].place.label)


def _ordered(tallies: list[Tally]) -> list[Tally]:
    """Views in (kind, date, place) order, numbered again from 0; in a view, bigger tallies first."""
    first: dict[int, tuple[str, str, str]] = {}
    for tally in tallies:
        key = _view_key(tally.members)
        first[tally.view] = min(first.get(tally.view, key), key)
    renumber = {old: new for new, old in enumerate(sorted(first, key=lambda v: first[v]))}
    moved = [Tally(t.members, t.verdict, t.why, renumber[t.view]) for t in tallies]
    return sorted(moved, key=lambda t: (t.view, -len(t.members), t.members[0].index))


def tally_id(number: int) -> str:
    return f"t{number + 1:02d}"


def view_id(number: int) -> str:
    return f"v{number + 1:02d}"


def _figure_json(fig: Figure) -> dict[str, Any]:
    art = fig.article
    return {
        "doc_id": fig.doc_id,
        "start": fig.start,
        "end": fig.end,
        "evidence": fig.evidence,
        "count": fig.count,
        "qualifier": fig.qualifier,
        "figure": shown(fig),
        "outcome": fig.outcome,
        "victims": fig.victims,
        "source_name": fig.source_name,
        "source_type": fig.source_type,
        "outlet": fig.outlet,
        "date": art.day.isoformat() if art.day else None,
        "date_basis": art.date_basis,
        "location": fig.location,
        "place": fig.place.label,
        "period": fig.period,
        "window": fig.window.describe(),
    }


def _place_label(members: Sequence[Figure]) -> str:
    """The most specific place the members name (a town over its governorate)."""
    specific = [m.place.label for m in members if m.place.locality is not None]
    return Counter(specific or [m.place.label for m in members]).most_common(1)[0][0]


def _window_json(members: Sequence[Figure]) -> dict[str, Any]:
    """The window all members share: the overlap of event windows, the span of totals."""
    kind = members[0].window.kind
    dated = [m.window for m in members if m.window.dated]
    if not dated:
        labels = sorted({m.window.label for m in members if m.window.label})
        return {"kind": kind, "from": None, "to": None, "label": " / ".join(labels) or "undated"}
    his = [w.hi for w in dated if w.hi is not None]
    los = [w.lo for w in dated if w.lo is not None]
    start: date | None
    if kind == "event":
        start, end = max(los), min(his)
        label = f"{start}" if start == end else f"{start}..{end}"
    else:
        start, end = (min(los) if los else None), max(his)
        label = f"since {start:%Y-%m} to {end}" if start else f"total to {end}"
    return {
        "kind": kind,
        "from": start.isoformat() if start else None,
        "to": end.isoformat(),
        "label": label,
    }


def _tally_json(number: int, tally: Tally) -> dict[str, Any]:
    members = tally.members
    counts = [m.count for m in members]
    return {
        "tally": tally_id(number),
        "view": view_id(tally.view),
        "outcome": members[0].outcome_class,
        "victims": members[0].victim_class,
        "place": _place_label(members),
        "window": _window_json(members),
        "flag": tally.verdict.flag,
        "flag_reason": tally.verdict.reason,
        "why": tally.why,
        "count_min": min(counts),
        "count_max": max(counts),
        "sources": len({m.source_key for m in members}),
        "documents": len({m.doc_id for m in members}),
        "figures": [_figure_json(m) for m in members],
    }


def _views_json(tallies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for tally in tallies:
        view = found.setdefault(
            tally["view"],
            {
                "view": tally["view"],
                "place": tally["place"],
                "window": tally["window"],
                "tallies": [],
            },
        )
        view["tallies"].append(tally["tally"])
    return list(found.values())


def _article_json(art: Article, n_figures: int) -> dict[str, Any]:
    return {
        "doc_id": art.doc_id,
        "outlet": art.outlet,
        "date": art.day.isoformat() if art.day else None,
        "date_basis": art.date_basis,
        "location": art.location,
        "figures": n_figures,
    }


def ledger_json(ledger: Ledger) -> dict[str, Any]:
    """The ledger as JSON: documents, views, tallies (with their figures) and a summary."""
    tallies = [_tally_json(i, t) for i, t in enumerate(ledger.tallies)]
    per_doc = Counter(f.doc_id for f in ledger.figures)
    flags = Counter(t["flag"] for t in tallies)
    return {
        "ledger_version": LEDGER_VERSION,
        "rule": "docs/ledger.md: one outcome, compatible victims, one place, one time window",
        "summary": {
            "documents": len(ledger.articles),
            "failed_documents": list(ledger.failed),
            "figures": len(ledger.figures),
            "tallies": len(tallies),
            "views": len({t["view"] for t in tallies}),
            "conflict": flags["conflict"],
            "agreement": flags["agreement"],
            "single_source": flags["single source"],
        },
        "documents": [_article_json(a, per_doc[d]) for d, a in ledger.articles.items()],
        "views": _views_json(tallies),
        "tallies": tallies,
    }
