"""`claimtrace eval ledger`: score the ledger's grouping against hand-made tallies.

Gold is `evals/ledger/`: `claims.jsonl` (casualty claims, gold format) and
`tallies.jsonl` (each claim, named by doc_id and evidence, in one tally).
Two runs are scored:

* **gold claims**: the ledger groups the gold claims themselves (metadata
  from the corpus CSV), so only the grouping rule is tested;
* **predicted claims**: the ledger groups an extraction of the same articles;
  each predicted casualty claim is paired with a gold claim of its document
  by the harness's own matching (evidence similarity >= 0.5, one to one), and
  the grouping is scored over the paired gold claims. Unpaired predicted and
  gold claims are counted, not scored.

Both are scored with pairwise F1 (for every pair of claims: in one tally or
not, in gold and in prediction) and B-cubed F1 (per claim: the share of its
predicted tally that is in its gold tally, and the reverse, averaged).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ledger.build import build, tally_id
from ..ledger.context import Sources
from ..load import Document, DocumentStore
from .matching import assign, similarity_matrix, tie_break_matrix
from .reader import read_gold, read_pred
from .records import DocRecord
from .run import extract_predictions
from .score import HEADLINE

Item = tuple[str, str]  # (doc_id, evidence)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 1.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pairwise(pred: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> dict[str, Any]:
    """Pairwise precision, recall, F1 over all pairs of the gold items (same tally or not).

    With no pair together on one side, that side's ratio is 1 (nothing claimed, nothing missed).
    """
    items = sorted(gold)
    both = pred_same = gold_same = 0
    for a, b in combinations(items, 2):
        in_pred, in_gold = pred[a] == pred[b], gold[a] == gold[b]
        pred_same += in_pred
        gold_same += in_gold
        both += in_pred and in_gold
    p, r = _ratio(both, pred_same), _ratio(both, gold_same)
    return {"p": p, "r": r, "f1": _f1(p, r), "pairs_both": both, "pairs_pred": pred_same,
            "pairs_gold": gold_same}  # fmt: skip


def bcubed(pred: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> dict[str, Any]:
    """B-cubed precision, recall, F1 averaged over the gold items."""
    items = sorted(gold)
    if not items:
        return {"p": 1.0, "r": 1.0, "f1": 1.0}
    p_sum = r_sum = 0.0
    for item in items:
        same_pred = {o for o in items if pred[o] == pred[item]}
        same_gold = {o for o in items if gold[o] == gold[item]}
        common = len(same_pred & same_gold)
        p_sum += common / len(same_pred)
        r_sum += common / len(same_gold)
    p, r = p_sum / len(items), r_sum / len(items)
    return {"p": p, "r": r, "f1": _f1(p, r)}


def read_tallies(path: Path) -> dict[Item, str]:
    """(doc_id, evidence) -> gold tally id; a claim in two tallies is refused."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    labels: dict[Item, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            members = [(m["doc_id"], m["evidence"]) for m in row["members"]]
            name = str(row["tally"])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise InputError(f"{path}:{lineno}: not a tally line ({err})") from err
        for member in members:
            if member in labels:
                raise InputError(f"{path}:{lineno}: {member} is already in {labels[member]}")
            labels[member] = name
    return labels


def predicted_tallies(records: Sequence[DocRecord], sources: Sources) -> dict[Item, str]:
    """(doc_id, evidence) -> the ledger's tally id for every casualty claim of `records`."""
    ledger = build(records, sources)
    return {
        (fig.doc_id, fig.evidence): tally_id(number)
        for number, tally in enumerate(ledger.tallies)
        for fig in tally.members
    }


def _casualty(record: DocRecord | None) -> list[Any]:
    claims = record.claim_list if record is not None and not record.failed else []
    return [c for c in claims if c.kind == "casualty" and c.casualty is not None]


@dataclass(frozen=True)
class Matched:
    """Gold items paired with predicted claims: item -> predicted tally, and what stayed unpaired."""

    pred_labels: dict[Item, str]
    unmatched_gold: int
    unmatched_pred: int
    n_pred: int


def match_predictions(
    gold: Sequence[DocRecord], pred: Sequence[DocRecord], pred_tallies: Mapping[Item, str]
) -> Matched:
    """Pair each document's predicted casualty claims with its gold ones (similarity >= 0.5)."""
    by_id = {r.doc_id: r for r in pred}
    labels: dict[Item, str] = {}
    unmatched_gold = unmatched_pred = n_pred = 0
    for record in gold:
        g, p = _casualty(record), _casualty(by_id.get(record.doc_id))
        n_pred += len(p)
        pairs = assign(similarity_matrix(g, p), HEADLINE, tie_break_matrix(g, p))
        for pair in pairs:
            key = (record.doc_id, p[pair.pred].evidence)
            labels[(record.doc_id, g[pair.gold].evidence)] = pred_tallies.get(key, "?")
        unmatched_gold += len(g) - len(pairs)
        unmatched_pred += len(p) - len(pairs)
    return Matched(labels, unmatched_gold, unmatched_pred, n_pred)


def _scores(pred: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> dict[str, Any]:
    return {"pairwise": pairwise(pred, gold), "bcubed": bcubed(pred, gold)}


@dataclass(frozen=True)
class LedgerEvalResult:
    """What `eval ledger` measured and where it wrote it."""

    metrics: dict[str, Any]
    metrics_path: Path
    markdown_path: Path
    pred_path: Path


def evaluate_ledger(
    claims_path: Path,
    tallies_path: Path,
    corpus: Path,
    out_dir: Path,
    pred_path: Path | None = None,
    **extract_options: Any,
) -> LedgerEvalResult:
    """Score the ledger on gold claims and on predicted claims; write metrics.json and report.md."""
    store = DocumentStore(dirs=(), corpora=(corpus,))
    gold, texts = read_gold(claims_path, store)
    gold_labels = read_tallies(tallies_path)
    items = {(r.doc_id, c.evidence) for r in gold for c in _casualty(r)}
    if missing := sorted(items - set(gold_labels)):
        raise InputError(f"{tallies_path}: claim {missing[0]} is in no tally")
    sources = Sources(docs=(), corpora=(corpus,))
    out_dir.mkdir(parents=True, exist_ok=True)
    if pred_path is None:
        pred_path = out_dir / "pred.jsonl"
        documents = [Document(r.doc_id, texts[r.doc_id]) for r in gold]
        extract_predictions(documents, pred_path, **{"strategy": "rules", **extract_options})
    pred = read_pred(pred_path)
    on_gold = predicted_tallies(gold, sources)
    matched = match_predictions(gold, pred, predicted_tallies(pred, sources))
    gold_matched = {item: gold_labels[item] for item in matched.pred_labels}
    metrics = {
        "claims": str(claims_path),
        "tallies": str(tallies_path),
        "pred": str(pred_path),
        "n_documents": len(gold),
        "n_gold_claims": len(items),
        "n_gold_tallies": len(set(gold_labels.values())),
        "gold_claims": {**_scores(on_gold, gold_labels), "n_tallies": len(set(on_gold.values()))},
        "predicted_claims": {
            **_scores(matched.pred_labels, gold_matched),
            "n_pred_claims": matched.n_pred,
            "matched": len(matched.pred_labels),
            "unmatched_gold": matched.unmatched_gold,
            "unmatched_pred": matched.unmatched_pred,
            "similarity": HEADLINE,
        },
    }
    metrics_path, markdown_path = out_dir / "metrics.json", out_dir / "report.md"
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    markdown_path.write_text(render_markdown(metrics) + "\n", encoding="utf-8")
    return LedgerEvalResult(metrics, metrics_path, markdown_path, pred_path)


def render_markdown(metrics: Mapping[str, Any]) -> str:
    """A short report: one row per run, pairwise and B-cubed P/R/F1."""
    lines = [
        "# claimtrace eval: ledger",
        "",
        f"{metrics['n_documents']} articles, {metrics['n_gold_claims']} gold casualty claims "
        f"in {metrics['n_gold_tallies']} gold tallies.",
        "",
        "| claims grouped | pairwise P | R | F1 | B-cubed P | R | F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, key in (("gold", "gold_claims"), ("predicted (matched)", "predicted_claims")):
        pw, b3 = metrics[key]["pairwise"], metrics[key]["bcubed"]
        cells = [pw["p"], pw["r"], pw["f1"], b3["p"], b3["r"], b3["f1"]]
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in cells) + " |")
    pred = metrics["predicted_claims"]
    lines += [
        "",
        f"Predicted claims: {pred['n_pred_claims']} casualty claims, {pred['matched']} paired "
        f"with a gold claim (evidence similarity ≥ {pred['similarity']:g}); "
        f"{pred['unmatched_pred']} predicted and {pred['unmatched_gold']} gold claims unpaired "
        "(not scored).",
    ]
    return "\n".join(lines)
