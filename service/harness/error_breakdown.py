"""Errors by category at the headline threshold: what keeps the scores down.

L1/L2/L3 say how much is right; they do not say what the rest got wrong, and
the fixes differ: a wrong source calls for prompt work on attribution, a
missed claim near a prediction for work on evidence boundaries or splitting,
a claim with nothing predicted anywhere near it for better recall. Each gold
claim falls in exactly one category, from the pairs already matched at 0.5:

- `correct`: an L3 hit;
- `casualty_fields`: L2 but not L3; sub-counts say which of `count`,
  `outcome`, `victims` disagreed (a pair can count in several), or
  `casualty_missing` when the prediction has no casualty object;
- `source`: L1 but not L2; sub-counts `author_vs_source` (exactly one side is
  the author), `type` (both name a source, of different types; the names
  differ too, since `sources.source_correct` compares names only), `name`
  (same type, names not matching per `sources.source_correct`);
- `missed_near`: not matched, but a predicted claim's evidence overlaps the
  gold evidence in the text (a boundary, splitting or pairing problem);
- `missed`: not matched and no predicted evidence overlaps it.

Each unmatched predicted claim is `spurious_near` (its evidence overlaps some
gold evidence: a duplicate, split or boundary problem) or `spurious`.
Overlap is by character offsets in the document: a valid `span` extra, else
the evidence located as for the HTML report, else searched ignoring case and
whitespace; evidence that cannot be located overlaps nothing. A failed or
missing document has no predictions, so all its gold claims are `missed`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .offsets import Offsets, evidence_offsets, find_loose
from .records import KINDS, SOURCE_TYPES, Claim, Source
from .score import HEADLINE, ScoredDoc, casualty_core_ok, threshold_key
from .sources import source_correct

GOLD_CATEGORIES: tuple[str, ...] = ("correct", "casualty_fields", "source", "missed_near", "missed")
PRED_CATEGORIES: tuple[str, ...] = ("spurious_near", "spurious")
CASUALTY_CORE: tuple[str, ...] = ("count", "outcome", "victims")
CASUALTY_SUBS: tuple[str, ...] = (*CASUALTY_CORE, "casualty_missing")
SOURCE_SUBS: tuple[str, ...] = ("author_vs_source", "type", "name")
MISSED: tuple[str, ...] = ("missed_near", "missed")
SUBDIVIDED: tuple[str, ...] = ("casualty_fields", "source")  # gold categories with sub-counts

ERROR_MEANINGS: dict[str, str] = {
    "correct": "matched, source right, casualty count/outcome/victims right (L3)",
    "casualty_fields": "source right (L2) but a casualty figure wrong",
    "count": "the count differs",
    "outcome": "the outcome differs",
    "victims": "the victims differ",
    "casualty_missing": "the prediction has no casualty object",
    "source": "matched (L1) but the source is wrong",
    "author_vs_source": "one side is the author, the other names a source",
    "type": "both name a source, of different types (and the names differ)",
    "name": "same source type, names do not match",
    "missed_near": "not matched, but a prediction overlaps its evidence (boundary, split, pairing)",
    "missed": "not matched, and no prediction overlaps its evidence",
    "spurious_near": "unmatched prediction overlapping gold evidence (duplicate, split, boundary)",
    "spurious": "unmatched prediction overlapping no gold evidence",
}


ERRORS_NOTE = (
    "Each gold claim is in exactly one of correct, casualty_fields, source, missed_near and "
    "missed; ↳ rows break a category down (a pair can be under several casualty rows). "
    "Shares are of gold claims, except the spurious rows, which are of predicted claims."
)


@dataclass
class ErrorTally:
    """Counts over all documents; every Counter key is one of the names above."""

    gold: Counter[str] = field(default_factory=Counter)
    pred: Counter[str] = field(default_factory=Counter)
    casualty: Counter[str] = field(default_factory=Counter)
    source: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    by_source_type: dict[str, Counter[str]] = field(default_factory=dict)


def source_error(gold: Source, pred: Source) -> str:
    """Why a wrong source is wrong: `author_vs_source`, `type` or `name`."""
    if (gold.type == "author") != (pred.type == "author"):
        return "author_vs_source"
    return "type" if gold.type != pred.type else "name"


def casualty_errors(gold: Claim, pred: Claim) -> list[str]:
    """Which of count/outcome/victims disagree, or ["casualty_missing"]."""
    if gold.casualty is None:
        return []
    if pred.casualty is None:
        return ["casualty_missing"]
    g, p = gold.casualty, pred.casualty
    return [name for name in CASUALTY_CORE if getattr(g, name) != getattr(p, name)]


def claim_offsets(text: str, claims: Sequence[Claim]) -> list[Offsets | None]:
    """Each claim's evidence offsets: span or verbatim (see `evidence_offsets`), else a loose search."""
    return [
        found if found is not None else find_loose(text, claim.evidence)
        for found, claim in zip(evidence_offsets(text, claims), claims, strict=True)
    ]


def overlaps_any(offsets: Offsets | None, others: Iterable[Offsets | None]) -> bool:
    """Whether the offsets share at least one character with any of the others."""
    if offsets is None:
        return False
    start, end = offsets
    return any(o is not None and start < o[1] and o[0] < end for o in others)


def _tally_pair(gold: Claim, pred: Claim, tally: ErrorTally) -> None:
    if not source_correct(gold.source, pred.source):
        tally.gold["source"] += 1
        tally.source[source_error(gold.source, pred.source)] += 1
    elif not casualty_core_ok(gold, pred):
        tally.gold["casualty_fields"] += 1
        tally.casualty.update(casualty_errors(gold, pred))
    else:
        tally.gold["correct"] += 1


def _tally_missed(claim: Claim, category: str, tally: ErrorTally) -> None:
    tally.gold[category] += 1
    tally.by_kind.setdefault(claim.kind, Counter())[category] += 1
    tally.by_source_type.setdefault(claim.source.type, Counter())[category] += 1


def tally_document(doc: ScoredDoc, tally: ErrorTally) -> None:
    """Add one document's gold and unmatched predicted claims to the tally."""
    pairs = doc.pairs[threshold_key(HEADLINE)]
    gold_at = claim_offsets(doc.text, doc.gold)
    pred_at = claim_offsets(doc.text, doc.pred)
    for pair in pairs:
        _tally_pair(doc.gold[pair.gold], doc.pred[pair.pred], tally)
    matched_gold = {pair.gold for pair in pairs}
    for i, claim in enumerate(doc.gold):
        if i not in matched_gold:
            near = overlaps_any(gold_at[i], pred_at)
            _tally_missed(claim, "missed_near" if near else "missed", tally)
    matched_pred = {pair.pred for pair in pairs}
    for j in range(len(doc.pred)):
        if j not in matched_pred:
            near = overlaps_any(pred_at[j], gold_at)
            tally.pred["spurious_near" if near else "spurious"] += 1


def _entries(counts: Counter[str], names: Sequence[str], total: int) -> dict[str, Any]:
    return {
        name: {"count": counts[name], "share": counts[name] / total if total else None}
        for name in names
    }


def _missed_by(
    values: Sequence[str], missed: dict[str, Counter[str]], n_gold: Counter[str]
) -> dict[str, Any]:
    return {
        value: {
            **{name: missed.get(value, Counter())[name] for name in MISSED},
            "n_gold": n_gold[value],
        }
        for value in values
    }


def error_breakdown(docs: Sequence[ScoredDoc]) -> dict[str, Any]:
    """The `errors` block of metrics.json (see metrics.py for its keys)."""
    tally = ErrorTally()
    for doc in docs:
        tally_document(doc, tally)
    gold = [claim for doc in docs for claim in doc.gold]
    n_gold, n_pred = len(gold), sum(len(doc.pred) for doc in docs)
    return {
        "threshold": HEADLINE,
        "n_gold": n_gold,
        "n_pred": n_pred,
        "gold": _entries(tally.gold, GOLD_CATEGORIES, n_gold),
        "casualty_fields": _entries(tally.casualty, CASUALTY_SUBS, n_gold),
        "source": _entries(tally.source, SOURCE_SUBS, n_gold),
        "pred": _entries(tally.pred, PRED_CATEGORIES, n_pred),
        "missed_by_kind": _missed_by(KINDS, tally.by_kind, Counter(c.kind for c in gold)),
        "missed_by_source_type": _missed_by(
            SOURCE_TYPES, tally.by_source_type, Counter(c.source.type for c in gold)
        ),
    }


ErrorRow = tuple[str, int, float | None, str]


def error_rows(errors: dict[str, Any]) -> list[ErrorRow]:
    """(label, count, share, meaning) in reading order; sub-counts follow their category."""
    rows: list[ErrorRow] = []
    for name, entry in [*errors["gold"].items(), *errors["pred"].items()]:
        rows.append((name, entry["count"], entry["share"], ERROR_MEANINGS[name]))
        subs = errors[name].items() if name in SUBDIVIDED else []
        rows += [(f"↳ {sub}", e["count"], e["share"], ERROR_MEANINGS[sub]) for sub, e in subs]
    return rows
