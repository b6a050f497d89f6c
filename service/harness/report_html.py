"""report.html: one self-contained page to read every document's gold and predictions side by side.

Each text is cut at every span boundary and each piece that lies in one or
more evidence spans becomes one `<mark>`, so overlapping spans need no nesting.
Marks carry `data-claim` (claim ids such as `d0-g1`, `d0-p2`) and, for matched
claims, `data-pair` (`d0-m1`); the inline script marks linked pieces and, on
hover or click, lights up (and scrolls to) the partner in the other column.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .error_breakdown import ERRORS_NOTE, error_rows
from .fields import field_errors
from .offsets import evidence_offsets
from .records import Claim
from .score import HEADLINE, LEVELS, ScoredDoc, level_hits, threshold_key
from .sources import source_correct

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 1.5em 3em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin:0}h3{font-size:1em;margin:.3em 0}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;
text-align:left;vertical-align:top}
section.doc{border-top:2px solid #888;margin-top:2em;padding-top:.5em}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.text{white-space:pre-wrap;border:1px solid #ddd;padding:.5em;max-height:40em;overflow:auto;
background:#fcfcfc}
mark{border-radius:2px;padding:0 1px;cursor:pointer;background:none}
mark.matched{background:#c8f0c8}mark.miss{background:#ffc9c9}
mark.false-alarm{background:#e3d1ff}mark.overlap{box-shadow:inset 0 -2px #555}
mark.active,tr.active,li.active{outline:2px solid #d48a00;background:#ffe066}
.badge{font-size:.8em;padding:1px 6px;border-radius:8px;background:#eee;margin-left:.5em}
.badge.failed,.badge.missing{background:#ffc9c9}
section.errors{margin:1em 0}.legend mark{cursor:default}.muted{color:#777}.error{color:#a00}
"""

SCRIPT = """
(function(){
  function marks(id){return document.querySelectorAll('[data-pair~="'+id+'"]');}
  function light(ids,on){ids.forEach(function(id){marks(id).forEach(function(e){
    e.classList.toggle('active',on);});});}
  document.querySelectorAll('mark[data-pair]').forEach(function(m){
    var ids=m.getAttribute('data-pair').split(' ');
    var side=m.classList.contains('gold')?'pred':'gold';
    var partner=ids.some(function(id){return Array.prototype.some.call(marks(id),
      function(e){return e.tagName==='MARK'&&e.classList.contains(side);});});
    if(!partner){return;}
    m.classList.add('linked');
    m.addEventListener('mouseenter',function(){light(ids,true);});
    m.addEventListener('mouseleave',function(){light(ids,false);});
    m.addEventListener('click',function(){
      var other=document.querySelector('mark.'+side+'[data-pair~="'+ids[0]+'"]');
      if(other){other.scrollIntoView({block:'center',behavior:'smooth'});}
    });
  });
  document.querySelectorAll('[data-pair]:not(mark)').forEach(function(r){
    var ids=r.getAttribute('data-pair').split(' ');
    r.addEventListener('mouseenter',function(){light(ids,true);});
    r.addEventListener('mouseleave',function(){light(ids,false);});
  });
})();
"""


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    claim_id: str
    pair_id: str | None
    state: str
    title: str


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _claim_title(claim_id: str, claim: Claim) -> str:
    who = claim.source.name or claim.source.type
    extra = ""
    if claim.casualty is not None:
        c = claim.casualty
        extra = f", {c.qualifier} {c.count} {c.victims} {c.outcome}"
    return f"{claim_id}: {claim.kind} ({who}{extra})"


def render_text(text: str, side: str, spans: Sequence[_Span]) -> str:
    """The text with every piece inside evidence spans wrapped in one <mark>."""
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    for start, end in itertools.pairwise(cuts):
        piece = _esc(text[start:end])
        covering = [s for s in spans if s.start <= start and s.end >= end]
        if not covering:
            out.append(piece)
            continue
        states = sorted({s.state for s in covering})
        classes = [side, *states] + (["overlap"] if len(covering) > 1 else [])
        pairs = [s.pair_id for s in covering if s.pair_id]
        claim_ids = " ".join(s.claim_id for s in covering)
        attrs = f' class="{" ".join(classes)}" data-claim="{claim_ids}"'
        if pairs:
            attrs += f' data-pair="{" ".join(pairs)}"'
        attrs += f' title="{_esc("; ".join(s.title for s in covering))}"'
        out.append(f"<mark{attrs}>{piece}</mark>")
    return "".join(out)


def _column(
    doc: ScoredDoc, number: int, side: str, claims: Sequence[Claim], partner_of: dict[int, int]
) -> str:
    prefix = "g" if side == "gold" else "p"
    unmatched = "miss" if side == "gold" else "false-alarm"
    spans: list[_Span] = []
    lost: list[str] = []
    for i, offsets in enumerate(evidence_offsets(doc.text, claims)):
        claim_id = f"d{number}-{prefix}{i}"
        pair = partner_of.get(i)
        pair_id = f"d{number}-m{pair}" if pair is not None else None
        title = _claim_title(claim_id, claims[i])
        if offsets is None:
            lost.append(f"<li>{_esc(title)}: {_esc(claims[i].evidence)}</li>")
            continue
        state = "matched" if pair_id else unmatched
        spans.append(_Span(offsets[0], offsets[1], claim_id, pair_id, state, title))
    label = "Gold" if side == "gold" else "Predicted"
    body = f'<div class="text">{render_text(doc.text, side, spans)}</div>'
    if lost:
        body += f'<p class="muted">Not found in the text:</p><ul>{"".join(lost)}</ul>'
    return f'<div class="col {side}-col"><h3>{label} ({len(claims)})</h3>{body}</div>'


def _pairs_table(doc: ScoredDoc, number: int) -> str:
    pairs = doc.pairs[threshold_key(HEADLINE)]
    rows = []
    for k, pair in enumerate(pairs):
        gold, pred = doc.gold[pair.gold], doc.pred[pair.pred]
        _, l2, l3 = level_hits(gold, pred)
        rows.append(
            f'<tr data-pair="d{number}-m{k}"><td>g{pair.gold}</td><td>{_esc(gold.evidence)}</td>'
            f"<td>p{pair.pred}</td><td>{_esc(pred.evidence)}</td><td>{pair.similarity:.2f}</td>"
            f"<td>{'✓' if l2 else '✗'}</td><td>{'✓' if l3 else '✗'}</td></tr>"
        )
    if not rows:
        return '<p class="muted">No matched pairs.</p>'
    head = "<tr><th></th><th>gold evidence</th><th></th><th>predicted evidence</th>"
    head += "<th>sim</th><th>L2</th><th>L3</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _errors_list(doc: ScoredDoc, number: int) -> str:
    items = []
    for k, pair in enumerate(doc.pairs[threshold_key(HEADLINE)]):
        gold, pred = doc.gold[pair.gold], doc.pred[pair.pred]
        errors = field_errors(gold, pred, source_correct(gold.source, pred.source))
        if not errors:
            continue
        details = "; ".join(
            f"<b>{_esc(e.field)}</b>: gold {_esc(repr(e.gold))} vs pred {_esc(repr(e.pred))}"
            for e in errors
        )
        items.append(
            f'<li class="field-error" data-pair="d{number}-m{k}">'
            f"g{pair.gold} ↔ p{pair.pred}: {details}</li>"
        )
    if not items:
        return '<p class="muted">No field errors on matched pairs.</p>'
    return f'<ul class="errors">{"".join(items)}</ul>'


def render_document(doc: ScoredDoc, number: int) -> str:
    """One document's section: badge, the two columns, pairs and field errors."""
    pairs = doc.pairs[threshold_key(HEADLINE)]
    gold_partner = {p.gold: k for k, p in enumerate(pairs)}
    pred_partner = {p.pred: k for k, p in enumerate(pairs)}
    l1, l2, l3 = doc.level_tp(HEADLINE)
    badge = f'<span class="badge {doc.status}">{doc.status}</span>'
    error = f'<p class="error">{_esc(doc.error)}</p>' if doc.error else ""
    counts = (
        f'<p class="muted">gold {len(doc.gold)} · predicted {len(doc.pred)} · '
        f"matched {l1} · L2 {l2} · L3 {l3}</p>"
    )
    columns = (
        '<div class="cols">'
        + _column(doc, number, "gold", doc.gold, gold_partner)
        + _column(doc, number, "pred", doc.pred, pred_partner)
        + "</div>"
    )
    return (
        f'<section class="doc" id="doc-{number}" data-doc="{_esc(doc.doc_id)}">'
        f"<h2>{_esc(doc.doc_id)}{badge}</h2>{error}{counts}{columns}"
        f"<h3>Matched pairs (similarity ≥ {HEADLINE:g})</h3>{_pairs_table(doc, number)}"
        f"<h3>Field errors on matched pairs</h3>{_errors_list(doc, number)}</section>"
    )


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "–" if value is None else str(value)


def _interval(interval: Sequence[float] | None) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""


def _summary(metrics: dict[str, Any]) -> str:
    level = metrics["levels"][threshold_key(HEADLINE)]
    rows = [(name, level[name]) for name in LEVELS] + [("casualty", metrics["casualty"])]
    body = "".join(
        f"<tr><td>{name}</td><td>{_fmt(b['p'])}</td><td>{_fmt(b['r'])}</td>"
        f"<td>{_fmt(b['f1'])} {_interval(b['f1_ci'])}</td>"
        f"<td>{b['tp']}</td><td>{b['n_pred']}</td><td>{b['n_gold']}</td></tr>"
        for name, b in rows
    )
    head = "<tr><th></th><th>P</th><th>R</th><th>F1 [95% CI]</th>"
    head += "<th>tp</th><th>pred</th><th>gold</th></tr>"
    return f"<table>{head}{body}</table>"


def _missed_table(title: str, block: dict[str, Any]) -> str:
    body = "".join(
        f"<tr><td>{_esc(value)}</td><td>{b['missed_near']}</td><td>{b['missed']}</td>"
        f"<td>{b['n_gold']}</td></tr>"
        for value, b in block.items()
        if b["n_gold"]
    )
    head = f"<tr><th>{_esc(title)}</th><th>missed_near</th><th>missed</th><th>gold</th></tr>"
    return f"<table>{head}{body}</table>"


def _errors(errors: dict[str, Any]) -> str:
    """The error-category table and the missed claims by kind and by source type."""
    body = "".join(
        f"<tr><td>{_esc(label)}</td><td>{count}</td><td>{_fmt(share)}</td>"
        f"<td>{_esc(meaning)}</td></tr>"
        for label, count, share, meaning in error_rows(errors)
    )
    head = "<tr><th>category</th><th>count</th><th>share</th><th>meaning</th></tr>"
    return (
        f'<section class="errors"><h2>Errors by category (≥ {errors["threshold"]:g})</h2>'
        f'<p class="muted">{_esc(ERRORS_NOTE)}</p><table>{head}{body}</table>'
        f"{_missed_table('missed by kind', errors['missed_by_kind'])}"
        f"{_missed_table('missed by source type', errors['missed_by_source_type'])}</section>"
    )


def _nav(docs: Sequence[ScoredDoc]) -> str:
    items = "".join(
        f'<li><a href="#doc-{n}">{_esc(d.doc_id)}</a> <span class="muted">'
        f"{d.status}, gold {len(d.gold)}, pred {len(d.pred)}, matched {d.level_tp(HEADLINE)[0]}"
        f"</span></li>"
        for n, d in enumerate(docs)
    )
    return f"<nav><ol>{items}</ol></nav>"


LEGEND = (
    '<p class="legend"><mark class="matched">matched</mark> '
    '<mark class="miss">gold missed</mark> <mark class="false-alarm">false alarm</mark> '
    '<mark class="matched overlap">overlapping spans</mark> · hover or click a matched span '
    "to find its partner</p>"
)


def render_html(docs: Sequence[ScoredDoc], metrics: dict[str, Any], title: str) -> str:
    """The whole report page (no external resources)."""
    sections = "".join(render_document(d, n) for n, d in enumerate(docs))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{_esc(title)}</h1><p class="muted">gold {_esc(metrics["gold"])} · '
        f"pred {_esc(metrics['pred'])} · {metrics['n_docs']} documents</p>"
        f"{_summary(metrics)}{_errors(metrics['errors'])}{LEGEND}{_nav(docs)}{sections}<script>{SCRIPT}</script></body></html>"
    )
