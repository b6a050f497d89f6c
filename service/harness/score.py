"""Pair each gold document with its prediction and decide, per matched pair, L1/L2/L3.

A gold document missing from the pred file, or whose pred record is an error
record, is scored as a document with no predictions; its status says which.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .matching import Pair, assign, similarity_matrix, tie_break_matrix
from .records import Claim, DocRecord
from .sources import source_correct

THRESHOLDS: tuple[float, ...] = (0.3, 0.5, 0.8)
HEADLINE = 0.5
LEVELS: tuple[str, ...] = ("L1", "L2", "L3")

Status = Literal["ok", "failed", "missing"]
CasualtyTuple = tuple[int, str, str]


def threshold_key(threshold: float) -> str:
    """The JSON key of a threshold ("0.5")."""
    return f"{threshold:g}"


def casualty_core_ok(gold: Claim, pred: Claim) -> bool:
    """L3's extra test: for a casualty gold claim, count, outcome and victims all agree."""
    if gold.kind != "casualty" or gold.casualty is None:
        return True
    if pred.casualty is None:
        return False
    g, p = gold.casualty, pred.casualty
    return (g.count, g.outcome, g.victims) == (p.count, p.outcome, p.victims)


def level_hits(gold: Claim, pred: Claim) -> tuple[bool, bool, bool]:
    """(L1, L2, L3) for a matched pair."""
    l2 = source_correct(gold.source, pred.source)
    return True, l2, l2 and casualty_core_ok(gold, pred)


def casualty_tuples(claims: Sequence[Claim]) -> Counter[CasualtyTuple]:
    """Multiset of (count, outcome, victims) over the casualty claims."""
    return Counter(
        (c.casualty.count, c.casualty.outcome, c.casualty.victims)
        for c in claims
        if c.kind == "casualty" and c.casualty is not None
    )


@dataclass(frozen=True)
class ScoredDoc:
    """A gold document, its predictions and the matched pairs at every threshold."""

    doc_id: str
    text: str
    gold: tuple[Claim, ...]
    pred: tuple[Claim, ...]
    status: Status
    error: str | None
    record: DocRecord | None
    pairs: dict[str, tuple[Pair, ...]]

    def level_tp(self, threshold: float) -> tuple[int, int, int]:
        """True positives at L1, L2, L3 at the threshold."""
        totals = [0, 0, 0]
        for pair in self.pairs[threshold_key(threshold)]:
            for i, hit in enumerate(level_hits(self.gold[pair.gold], self.pred[pair.pred])):
                totals[i] += hit
        return totals[0], totals[1], totals[2]

    def casualty_counts(self) -> tuple[int, int, int]:
        """(tp, n_pred, n_gold) of the casualty-tuple multisets."""
        gold, pred = casualty_tuples(self.gold), casualty_tuples(self.pred)
        return sum((gold & pred).values()), sum(pred.values()), sum(gold.values())


def score_document(
    doc_id: str, text: str, gold: Sequence[Claim], record: DocRecord | None
) -> ScoredDoc:
    """Match one document's predictions to its gold claims at every threshold."""
    status: Status = "missing" if record is None else "failed" if record.failed else "ok"
    pred = tuple(record.claim_list) if record is not None and status == "ok" else ()
    matrix, ties = similarity_matrix(gold, pred), tie_break_matrix(gold, pred)
    pairs = {threshold_key(t): tuple(assign(matrix, t, ties)) for t in THRESHOLDS}
    error = record.error if record is not None else None
    return ScoredDoc(doc_id, text, tuple(gold), pred, status, error, record, pairs)


def score_documents(
    gold: Sequence[DocRecord], texts: dict[str, str], pred: Sequence[DocRecord]
) -> tuple[list[ScoredDoc], list[str]]:
    """Scored gold documents in gold order, and the pred doc_ids that are not in gold."""
    by_id = {record.doc_id: record for record in pred}
    gold_ids = {record.doc_id for record in gold}
    docs = [
        score_document(g.doc_id, texts[g.doc_id], g.claim_list, by_id.get(g.doc_id)) for g in gold
    ]
    extra = [record.doc_id for record in pred if record.doc_id not in gold_ids]
    return docs, extra
