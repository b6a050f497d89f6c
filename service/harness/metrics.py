"""Assemble metrics.json from scored documents. Its keys are a stable interface.

Top level (`SCHEMA` = "claimtrace-eval/1"; a change of meaning bumps it):

- `schema`, `gold`, `pred` (paths; relative to the checkout when inside it,
  so a report reads the same in every clone), `n_docs`, `n_gold_claims`, `n_pred_claims`,
  `headline_threshold` (0.5), `thresholds` ([0.3, 0.5, 0.8]),
  `bootstrap` {`resamples`, `seed`, `confidence`}.
- `levels` {"0.3"|"0.5"|"0.8": {"L1"|"L2"|"L3": PRF}} where PRF is
  {`p`, `r`, `f1`, `p_ci`, `r_ci`, `f1_ci`, `tp`, `n_pred`, `n_gold`}; an
  interval is [low, high] or null when there are no documents.
- `casualty`: PRF of the (count, outcome, victims) multisets.
- `fields` {field: {`correct`, `total`, `accuracy`}} on pairs matched at 0.5;
  accuracy is null when total is 0.
- `macro` {"L1"|"L2"|"L3": {`p`, `r`, `f1`}}: mean of per-document figures at 0.5.
- `by_kind`, `by_source_type` {value: {"L1"|"L2": {`p`, `r`, `f1`, `tp_pred`,
  `n_pred`, `tp_gold`, `n_gold`}}}: precision over predictions of that value
  (tp_pred / n_pred), recall over gold claims of that value (tp_gold / n_gold);
  a figure with an empty denominator is null. Every enum value is present.
- `trust`: see trust.py.
- `documents` {`failed` [{`doc_id`, `error`}], `missing_in_pred` [ids],
  `extra_in_pred` (count of pred doc_ids not in gold)}.
- `per_document` [{`doc_id`, `status`, `n_gold`, `n_pred`, `L1_tp`, `L2_tp`,
  `L3_tp`, `casualty_tp`, `casualty_n_pred`, `casualty_n_gold`}] at 0.5.
- `errors` (error_breakdown.py; categories at 0.5): `threshold`, `n_gold`,
  `n_pred`; `gold` {`correct`|`casualty_fields`|`source`|`missed_near`|`missed`:
  {`count`, `share`}}, one category per gold claim, share of `n_gold`;
  `casualty_fields` {`count`|`outcome`|`victims`|`casualty_missing`: {`count`,
  `share`}} (a pair may count under several of the first three) and `source`
  {`author_vs_source`|`type`|`name`: {`count`, `share`}}, the sub-counts of
  those two categories, shares of `n_gold`; `pred` {`spurious_near`|`spurious`:
  {`count`, `share`}} over unmatched predictions, share of `n_pred`;
  `missed_by_kind`, `missed_by_source_type` {value: {`missed_near`, `missed`,
  `n_gold`}} by the gold claim's value. A share is null when its denominator is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import PROJECT_ROOT
from .error_breakdown import error_breakdown
from .fields import FIELDS, field_agreement
from .records import KINDS, SOURCE_TYPES, Claim
from .score import HEADLINE, LEVELS, THRESHOLDS, ScoredDoc, level_hits, threshold_key
from .stats import CONFIDENCE, RESAMPLES, SEED, IntArray, bootstrap_prf, prf, resample_indices
from .trust import trust_figures

SCHEMA = "claimtrace-eval/1"
TOP_KEYS: tuple[str, ...] = (
    "schema",
    "gold",
    "pred",
    "n_docs",
    "n_gold_claims",
    "n_pred_claims",
    "headline_threshold",
    "thresholds",
    "bootstrap",
    "levels",
    "casualty",
    "fields",
    "macro",
    "by_kind",
    "by_source_type",
    "trust",
    "documents",
    "per_document",
    "errors",
)
PRF_KEYS: tuple[str, ...] = ("p", "r", "f1", "p_ci", "r_ci", "f1_ci", "tp", "n_pred", "n_gold")


def _prf_block(
    tp: IntArray, n_pred: IntArray, n_gold: IntArray, indices: IntArray
) -> dict[str, Any]:
    point = prf(int(tp.sum()), int(n_pred.sum()), int(n_gold.sum()))
    interval = bootstrap_prf(tp, n_pred, n_gold, indices)
    return {
        "p": point.p,
        "r": point.r,
        "f1": point.f1,
        "p_ci": list(interval.p) if interval else None,
        "r_ci": list(interval.r) if interval else None,
        "f1_ci": list(interval.f1) if interval else None,
        "tp": int(tp.sum()),
        "n_pred": int(n_pred.sum()),
        "n_gold": int(n_gold.sum()),
    }


def _array(values: Sequence[int]) -> IntArray:
    return np.asarray(values, dtype=np.int64)


def _levels(docs: Sequence[ScoredDoc], indices: IntArray) -> dict[str, Any]:
    n_pred = _array([len(d.pred) for d in docs])
    n_gold = _array([len(d.gold) for d in docs])
    out: dict[str, Any] = {}
    for threshold in THRESHOLDS:
        tps = [d.level_tp(threshold) for d in docs]
        out[threshold_key(threshold)] = {
            level: _prf_block(_array([t[i] for t in tps]), n_pred, n_gold, indices)
            for i, level in enumerate(LEVELS)
        }
    return out


def _casualty(docs: Sequence[ScoredDoc], indices: IntArray) -> dict[str, Any]:
    counts = [d.casualty_counts() for d in docs]
    tp, n_pred, n_gold = (_array([c[i] for c in counts]) for i in range(3))
    return _prf_block(tp, n_pred, n_gold, indices)


def _fields(docs: Sequence[ScoredDoc]) -> dict[str, Any]:
    correct = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    for doc in docs:
        for pair in doc.pairs[threshold_key(HEADLINE)]:
            for name, ok in field_agreement(doc.gold[pair.gold], doc.pred[pair.pred]).items():
                correct[name] += ok
                total[name] += 1
    return {
        f: {
            "correct": correct[f],
            "total": total[f],
            "accuracy": correct[f] / total[f] if total[f] else None,
        }
        for f in FIELDS
    }


def _macro(docs: Sequence[ScoredDoc]) -> dict[str, Any]:
    per_doc = [(d.level_tp(HEADLINE), len(d.pred), len(d.gold)) for d in docs]
    out: dict[str, Any] = {}
    for i, level in enumerate(LEVELS):
        scores = [prf(tp[i], n_pred, n_gold) for tp, n_pred, n_gold in per_doc]
        out[level] = {
            "p": float(np.mean([s.p for s in scores])) if scores else None,
            "r": float(np.mean([s.r for s in scores])) if scores else None,
            "f1": float(np.mean([s.f1 for s in scores])) if scores else None,
        }
    return out


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class _Tally:
    """Counts behind one breakdown row."""

    n_pred: int = 0
    n_gold: int = 0
    tp_pred: list[int] = field(default_factory=lambda: [0, 0])
    tp_gold: list[int] = field(default_factory=lambda: [0, 0])


def _breakdown(
    docs: Sequence[ScoredDoc], values: Sequence[str], key: Callable[[Claim], str]
) -> dict[str, Any]:
    """L1/L2 P/R/F1 per value of `key`: gold's value for recall, pred's for precision."""
    tallies = {value: _Tally() for value in values}
    for doc in docs:
        for claim in doc.gold:
            tallies[key(claim)].n_gold += 1
        for claim in doc.pred:
            tallies[key(claim)].n_pred += 1
        for pair in doc.pairs[threshold_key(HEADLINE)]:
            gold, pred = doc.gold[pair.gold], doc.pred[pair.pred]
            hits = level_hits(gold, pred)
            for i in range(2):
                tallies[key(pred)].tp_pred[i] += hits[i]
                tallies[key(gold)].tp_gold[i] += hits[i]
    out: dict[str, Any] = {}
    for value, t in tallies.items():
        out[value] = {}
        for i, level in enumerate(("L1", "L2")):
            p, r = _ratio(t.tp_pred[i], t.n_pred), _ratio(t.tp_gold[i], t.n_gold)
            f1 = None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)
            out[value][level] = {
                "p": p,
                "r": r,
                "f1": f1,
                "tp_pred": t.tp_pred[i],
                "n_pred": t.n_pred,
                "tp_gold": t.tp_gold[i],
                "n_gold": t.n_gold,
            }
    return out


def _per_document(docs: Sequence[ScoredDoc]) -> list[dict[str, Any]]:
    rows = []
    for d in docs:
        l1, l2, l3 = d.level_tp(HEADLINE)
        c_tp, c_pred, c_gold = d.casualty_counts()
        rows.append(
            {
                "doc_id": d.doc_id,
                "status": d.status,
                "n_gold": len(d.gold),
                "n_pred": len(d.pred),
                "L1_tp": l1,
                "L2_tp": l2,
                "L3_tp": l3,
                "casualty_tp": c_tp,
                "casualty_n_pred": c_pred,
                "casualty_n_gold": c_gold,
            }
        )
    return rows


def shown_path(path: Path) -> str:
    """`path` relative to the checkout when inside it (no machine's absolute path), else as given."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def build_metrics(
    docs: Sequence[ScoredDoc], extra_pred: Sequence[str], gold_path: Path, pred_path: Path
) -> dict[str, Any]:
    """The whole metrics.json document (keys in TOP_KEYS order)."""
    indices = resample_indices(len(docs)) if docs else np.zeros((0, 0), dtype=np.int64)
    metrics: dict[str, Any] = {
        "schema": SCHEMA,
        "gold": shown_path(gold_path),
        "pred": shown_path(pred_path),
        "n_docs": len(docs),
        "n_gold_claims": sum(len(d.gold) for d in docs),
        "n_pred_claims": sum(len(d.pred) for d in docs),
        "headline_threshold": HEADLINE,
        "thresholds": list(THRESHOLDS),
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "confidence": CONFIDENCE},
        "levels": _levels(docs, indices),
        "casualty": _casualty(docs, indices),
        "fields": _fields(docs),
        "macro": _macro(docs),
        "by_kind": _breakdown(docs, KINDS, lambda c: c.kind),
        "by_source_type": _breakdown(docs, SOURCE_TYPES, lambda c: c.source.type),
        "trust": trust_figures(docs),
        "documents": {
            "failed": [
                {"doc_id": d.doc_id, "error": d.error} for d in docs if d.status == "failed"
            ],
            "missing_in_pred": [d.doc_id for d in docs if d.status == "missing"],
            "extra_in_pred": len(extra_pred),
        },
        "per_document": _per_document(docs),
        "errors": error_breakdown(docs),
    }
    assert tuple(metrics) == TOP_KEYS
    return metrics
