"""The ledger as one self-contained HTML page: a chart of figures by source over time, then
the views' tables.

One file that works offline: inline CSS and an inline SVG chart (no script,
no CDN, no web fonts, no link to load anything), so it can be mailed or
archived with the data it shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any, Final

WIDTH: Final = 960
HEIGHT: Final = 380
MARGIN: Final = (30, 20, 50, 70)  # top, right, bottom, left
COLOURS: Final = {
    "government": "#1f77b4", "military": "#17becf", "state_media": "#d62728",
    "armed_group": "#8c564b", "intl_org": "#2ca02c", "ngo": "#ff7f0e", "activist": "#9467bd",
    "media": "#7f7f7f", "witness": "#e377c2", "expert": "#bcbd22", "anonymous": "#aaaaaa",
    "author": "#333333",
}  # fmt: skip
FLAG_COLOURS: Final = {"conflict": "#c0392b", "agreement": "#1e8449", "single source": "#777"}
STYLE: Final = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:8px 0}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f4f4f4}.num{text-align:right;white-space:nowrap}
.flag{font-weight:600;white-space:nowrap}.why{color:#555;font-size:12px}
.ev{font-size:12px;color:#333}.legend span{display:inline-block;margin-right:12px}
.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
svg text{font:11px system-ui,sans-serif;fill:#444}
"""


def _points(ledger: Mapping[str, Any]) -> list[tuple[date, int, Mapping[str, Any], str]]:
    """(date, count, figure, tally id) for every dated figure with a count above zero."""
    return [
        (date.fromisoformat(fig["date"]), fig["count"], fig, tally["tally"])
        for tally in ledger["tallies"]
        for fig in tally["figures"]
        if fig["date"] and fig["count"] > 0
    ]


@dataclass(frozen=True)
class Axes:
    """Where a (date, count) lands in the plot: time left to right, log count bottom up."""

    low: int  # first day shown (ordinal)
    high: int
    top_log: float  # log10 of the highest count shown

    @classmethod
    def around(cls, points: Sequence[tuple[date, int, Any, str]]) -> Axes:
        days = [p[0].toordinal() for p in points]
        return cls(min(days) - 1, max(days) + 1, math.log10(max(p[1] for p in points)) + 0.3)

    def x(self, day: date) -> float:
        width = WIDTH - MARGIN[1] - MARGIN[3]
        return MARGIN[3] + width * (day.toordinal() - self.low) / max(self.high - self.low, 1)

    def y(self, count: int) -> float:
        height = HEIGHT - MARGIN[0] - MARGIN[2]
        return MARGIN[0] + height * (1 - math.log10(max(count, 1)) / self.top_log)


def chart(ledger: Mapping[str, Any]) -> str:
    """An SVG scatter: x the article's date, y the count (log scale), colour the source type."""
    points = _points(ledger)
    if not points:
        return "<p>No figure has a known date: nothing to chart.</p>"
    top, right, bottom, left = MARGIN
    axes = Axes.around(points)
    x, y = axes.x, axes.y
    low, high, top_log = axes.low, axes.high, axes.top_log
    plot_w, plot_h = WIDTH - left - right, HEIGHT - top - bottom
    parts = [f'<svg width="{WIDTH}" height="{HEIGHT}" role="img" '
             'aria-label="figures by source over time">']  # fmt: skip
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
                 'stroke="#ccc"/>')  # fmt: skip
    for power in range(int(top_log) + 1):
        ty = y(10**power)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
                     f'stroke="#e4e4e4"/><text x="{left - 6}" y="{ty + 4:.1f}" '
                     f'text-anchor="end">{10**power:,}</text>')  # fmt: skip
    for step in range(5):
        day = date.fromordinal(low + round((high - low) * step / 4))
        parts.append(f'<text x="{x(day):.1f}" y="{top + plot_h + 18}" '
                     f'text-anchor="middle">{day.isoformat()}</text>')  # fmt: skip
    for day, count, fig, tally in points:
        colour = COLOURS.get(fig["source_type"], "#000")
        tip = escape(f"{tally}: {fig['figure']} {fig['outcome']} ({fig['source_name'] or 'author'}"
                     f", {fig['outlet'] or fig['doc_id']}, {day})")  # fmt: skip
        parts.append(f'<circle cx="{x(day):.1f}" cy="{y(count):.1f}" r="5" fill="{colour}" '
                     f'fill-opacity="0.75" stroke="#222" stroke-width="0.5"><title>{tip}</title>'
                     "</circle>")  # fmt: skip
    parts.append(f'<text x="{left}" y="{top - 10}">count (log scale) by article date</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(ledger: Mapping[str, Any]) -> str:
    types = sorted({f["source_type"] for t in ledger["tallies"] for f in t["figures"]})
    items = "".join(
        f'<span><i class="dot" style="background:{COLOURS.get(k, "#000")}"></i>{escape(k)}</span>'
        for k in types
    )
    return f'<p class="legend">{items}</p>'


def _view_table(view: Mapping[str, Any], tallies: Mapping[str, Mapping[str, Any]]) -> str:
    rows = []
    for name in view["tallies"]:
        tally = tallies[name]
        colour = FLAG_COLOURS.get(tally["flag"], "#000")
        head = (f'<tr><th colspan="7" id="{escape(name)}">{escape(name)}: '
                f"{escape(tally['outcome'])} {escape(tally['victims'])}, {escape(tally['place'])}, "
                f"{escape(tally['window']['label'])} · range {tally['count_min']:,}–"
                f"{tally['count_max']:,} · <span class=\"flag\" style=\"color:{colour}\">"
                f"{escape(tally['flag'])}</span> <span class=\"why\">({escape(tally['flag_reason'])})"
                f"<br>why grouped: {escape(tally['why'])}</span></th></tr>")  # fmt: skip
        rows.append(head)
        for fig in tally["figures"]:
            cells = [
                f'<td class="num">{escape(fig["figure"])}</td>',
                f"<td>{escape(fig['source_name'] or 'the article (author)')}"
                f" <small>({escape(fig['source_type'])})</small></td>",
                f"<td>{escape(fig['outlet'] or '')}</td>",
                f"<td>{escape(fig['date'] or '?')}</td>",
                f"<td>{escape(fig['period'] or '')}</td>",
                f'<td class="ev">“{escape(fig["evidence"])}”</td>',
                f"<td><code>{escape(fig['doc_id'])} [{fig['start']}:{fig['end']}]</code></td>",
            ]
            rows.append("<tr>" + "".join(cells) + "</tr>")
    title = f"{view['view']}: {view['place']}, {view['window']['label']}"
    header = ("<tr><th>figure</th><th>source</th><th>outlet</th><th>date</th><th>period</th>"
              "<th>evidence</th><th>document [start:end]</th></tr>")  # fmt: skip
    return f"<h2>{escape(title)}</h2><table>{header}{''.join(rows)}</table>"


def to_html(ledger: Mapping[str, Any], title: str = "Casualty ledger") -> str:
    """The whole page."""
    summary = ledger["summary"]
    tallies = {t["tally"]: t for t in ledger["tallies"]}
    intro = (f"{summary['figures']} figures from {summary['documents']} documents in "
             f"{summary['tallies']} tallies: {summary['conflict']} conflict, "
             f"{summary['agreement']} agreement, {summary['single_source']} single source. "
             f"Each view holds the tallies of one place and time window, side by side. "
             f"Rule: {ledger['rule']}.")  # fmt: skip
    views = "".join(_view_table(v, tallies) for v in ledger["views"])
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(intro)}</p>{chart(ledger)}{_legend(ledger)}"
        f"{views}</body></html>\n"
    )
