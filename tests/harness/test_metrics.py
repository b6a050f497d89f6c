"""metrics.json: stable keys, reproducible bootstrap intervals that contain the point."""

from __future__ import annotations

import json

from claimtrace.harness.metrics import PRF_KEYS, TOP_KEYS
from claimtrace.harness.records import KINDS, SOURCE_TYPES
from claimtrace.harness.stats import bootstrap_prf, prf, resample_indices

from .conftest import Workspace, claim

# Written out on purpose: changing a key must change this test (and evals/GUIDE.md).
EXPECTED_TOP = [
    "schema", "gold", "pred", "n_docs", "n_gold_claims", "n_pred_claims",
    "headline_threshold", "thresholds", "bootstrap", "levels", "casualty", "fields", "macro",
    "by_kind", "by_source_type", "trust", "documents", "per_document", "errors",
]  # fmt: skip
EXPECTED_ERRORS = [
    "threshold", "n_gold", "n_pred", "gold", "casualty_fields", "source", "pred",
    "missed_by_kind", "missed_by_source_type",
]  # fmt: skip
EXPECTED_PRF = ["p", "r", "f1", "p_ci", "r_ci", "f1_ci", "tp", "n_pred", "n_gold"]
EXPECTED_FIELDS = [
    "source.type", "cue", "mode", "kind", "certainty", "casualty.count", "casualty.qualifier",
    "casualty.outcome", "casualty.victims", "casualty.location", "casualty.period",
]  # fmt: skip
EXPECTED_TRUST = [
    "pred_docs", "failed_docs", "missing_docs", "pred_claims", "grounding", "retries", "reasks",
    "dropped_ungrounded", "merged_duplicates", "calls", "chunks", "cache_hits", "tokens",
    "wall_s", "warnings", "models", "prompt_versions",
]  # fmt: skip


def _several_docs(ws: Workspace) -> None:
    """Six documents with mixed outcomes, so that resampling moves the figures."""
    gold, pred = [], []
    for i in range(6):
        text = f"Report {i}: activists said {i + 2} civilians were killed. Officials denied it."
        ws.doc(f"d{i}", text)
        gold.append(
            {
                "doc_id": f"d{i}",
                "claims": [
                    claim(
                        f"{i + 2} civilians were killed", casualty=(i + 2, "killed", "civilians")
                    ),
                    claim("Officials denied it", name="officials", type="government"),
                ],
            }
        )
        claims = [claim(f"{i + 2} civilians were killed", casualty=(i + 2, "killed", "civilians"))]
        if i % 2:
            claims.append(claim("something else entirely", type="author"))
        if i % 3 == 0:
            claims.append(claim("Officials denied it", name="the officials", type="government"))
        pred.append({"doc_id": f"d{i}", "claims": claims})
    ws.gold(gold)
    ws.pred(pred)


def test_metrics_json_keys_are_stable(ws: Workspace) -> None:
    _several_docs(ws)
    result = ws.evaluate()
    metrics = json.loads(result.metrics_path.read_text())
    assert list(metrics) == EXPECTED_TOP == list(TOP_KEYS)
    assert list(PRF_KEYS) == EXPECTED_PRF
    assert list(metrics["levels"]) == ["0.3", "0.5", "0.8"]
    for block in metrics["levels"].values():
        assert list(block) == ["L1", "L2", "L3"]
        assert all(list(b) == EXPECTED_PRF for b in block.values())
    assert list(metrics["casualty"]) == EXPECTED_PRF
    assert list(metrics["fields"]) == EXPECTED_FIELDS
    assert list(metrics["macro"]) == ["L1", "L2", "L3"]
    assert list(metrics["by_kind"]) == list(KINDS)
    assert list(metrics["by_source_type"]) == list(SOURCE_TYPES)
    assert list(metrics["trust"]) == EXPECTED_TRUST
    assert list(metrics["documents"]) == ["failed", "missing_in_pred", "extra_in_pred"]
    errors = metrics["errors"]
    assert list(errors) == EXPECTED_ERRORS
    assert list(errors["gold"]) == ["correct", "casualty_fields", "source", "missed_near", "missed"]
    assert list(errors["casualty_fields"]) == ["count", "outcome", "victims", "casualty_missing"]
    assert list(errors["source"]) == ["author_vs_source", "type", "name"]
    assert list(errors["pred"]) == ["spurious_near", "spurious"]
    for block in ("gold", "casualty_fields", "source", "pred"):
        assert all(list(e) == ["count", "share"] for e in errors[block].values())
    assert list(errors["missed_by_kind"]) == list(KINDS)
    assert list(errors["missed_by_source_type"]) == list(SOURCE_TYPES)
    assert list(errors["missed_by_kind"]["event"]) == ["missed_near", "missed", "n_gold"]
    assert metrics["bootstrap"]["resamples"] == 1000
    assert metrics["n_docs"] == 6


def test_bootstrap_is_reproducible_and_contains_the_point(ws: Workspace) -> None:
    _several_docs(ws)
    first = ws.evaluate("out1").metrics
    second = ws.evaluate("out2").metrics
    assert first["levels"] == second["levels"]
    assert first["casualty"] == second["casualty"]
    blocks = [b for t in first["levels"].values() for b in t.values()] + [first["casualty"]]
    moved = False
    for block in blocks:
        for key in ("p", "r", "f1"):
            low, high = block[f"{key}_ci"]
            assert low <= block[key] <= high
            moved |= low < high
    assert moved  # the documents differ, so some interval has width


def test_bootstrap_helpers_directly() -> None:
    import numpy as np

    a, b = resample_indices(4, resamples=50, seed=1), resample_indices(4, resamples=50, seed=1)
    assert (a == b).all() and a.shape == (50, 4)
    tp, n_pred, n_gold = (
        np.array(v, dtype=np.int64) for v in ([1, 0, 2, 1], [1, 1, 2, 2], [2, 1, 2, 1])
    )
    interval = bootstrap_prf(tp, n_pred, n_gold, resample_indices(4))
    assert interval is not None
    # point: tp 4, pred 6, gold 6 -> P = R = F1 = 2/3
    assert interval.f1[0] <= prf(4, 6, 6).f1 <= interval.f1[1]
