"""Levels, casualty tuples, field accuracy, breakdowns, empty/missing/failed docs, trust."""

from __future__ import annotations

import pytest

from claimtrace.harness.stats import prf

from .conftest import Workspace, claim

TEXT = (
    "The Syrian Observatory for Human Rights said 27 civilians were shot dead by security "
    "forces and 34 soldiers were killed in clashes. At least four other civilians were killed "
    "in Homs, the group said. Russia has repeatedly opposed Western efforts."
)


def _casualty(count: int, victims: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "count": count,
        "qualifier": "exact",
        "outcome": "killed",
        "victims": victims,
        "location": None,
        "period": None,
    }
    return {**base, **fields}


def _levels_case(ws: Workspace) -> None:
    """Four gold claims, five predictions, worked out by hand below."""
    ws.doc("d", TEXT)
    ws.gold(
        [
            {
                "doc_id": "d",
                "claims": [
                    # g0..g3
                    claim(
                        "27 civilians were shot dead by security forces",
                        casualty=_casualty(27, "civilians", period="past 24 hours"),
                    ),
                    claim(
                        "34 soldiers were killed in clashes",
                        casualty=(34, "killed", "security_forces"),
                    ),
                    claim("Russia has repeatedly opposed Western efforts", type="author"),
                    claim(
                        "At least four other civilians were killed",
                        casualty=_casualty(4, "civilians", location="Homs"),
                    ),
                ],
            }
        ]
    )
    ws.pred(
        [
            {
                "doc_id": "d",
                "claims": [
                    # p0 ~ g0 (containment -> 1.0), "the observatory" is SOHR: L1 L2 L3;
                    # cue "Said" equals "said"; period missing (field error)
                    claim(
                        "27 civilians were shot dead",
                        name="the observatory",
                        cue="Said",
                        casualty=(27, "killed", "civilians"),
                    ),
                    # p1 = g1 but source wrong (SANA, state_media): L1 only
                    claim(
                        "34 soldiers were killed in clashes",
                        name="SANA",
                        type="state_media",
                        casualty=(34, "killed", "security_forces"),
                    ),
                    # p2 = g2, both author, not casualty: L1 L2 L3
                    claim("Russia has repeatedly opposed Western efforts", type="author"),
                    # p3: false alarm (best similarity with g1: {were, killed}, F1 4/12 = 0.33,
                    # below 0.5; at 0.3 g1 is taken by p1 at 1.0 anyway)
                    claim(
                        "12 suspected army deserters were killed",
                        casualty=(12, "killed", "armed_group"),
                    ),
                    # p4 = g3, source by acronym, count 40 != 4: L1 L2, not L3;
                    # cue and certainty wrong; location "homs" == "Homs"
                    claim(
                        "At least four other civilians were killed",
                        name="SOHR",
                        cue="reported",
                        certainty="hedged",
                        casualty=_casualty(40, "civilians", location="homs."),
                    ),
                ],
            }
        ]
    )


def test_levels_by_hand(ws: Workspace) -> None:
    _levels_case(ws)
    levels = ws.evaluate().metrics["levels"]["0.5"]
    # L1: tp 4 of 5 pred, 4 gold -> P 0.8, R 1.0, F1 8/9
    # L2: tp 3 (p0, p2, p4)      -> P 0.6, R 0.75, F1 2/3
    # L3: tp 2 (p0, p2)          -> P 0.4, R 0.5, F1 4/9
    expected = {"L1": (4, 0.8, 1.0, 8 / 9), "L2": (3, 0.6, 0.75, 2 / 3), "L3": (2, 0.4, 0.5, 4 / 9)}
    for level, (tp, p, r, f1) in expected.items():
        block = levels[level]
        assert (block["tp"], block["n_pred"], block["n_gold"]) == (tp, 5, 4)
        assert block["p"] == pytest.approx(p)
        assert block["r"] == pytest.approx(r)
        assert block["f1"] == pytest.approx(f1)


def test_casualty_tuples_by_hand(ws: Workspace) -> None:
    _levels_case(ws)
    cas = ws.evaluate().metrics["casualty"]
    # gold {27 civ, 34 sf, 4 civ}; pred {27 civ, 34 sf, 12 armed, 40 civ}: tp 2
    # P 2/4, R 2/3, F1 4/7
    assert (cas["tp"], cas["n_pred"], cas["n_gold"]) == (2, 4, 3)
    assert cas["f1"] == pytest.approx(4 / 7)


def test_field_accuracy_by_hand(ws: Workspace) -> None:
    _levels_case(ws)
    fields = ws.evaluate().metrics["fields"]
    got = {name: (f["correct"], f["total"]) for name, f in fields.items()}
    # four matched pairs; three of them have a casualty on both sides
    assert got == {
        "source.type": (3, 4),  # p1 state_media != ngo
        "cue": (3, 4),  # p4 "reported" != "said"; "Said" == "said"
        "mode": (4, 4),
        "kind": (4, 4),
        "certainty": (3, 4),  # p4 hedged
        "casualty.count": (2, 3),  # p4 40 != 4
        "casualty.qualifier": (3, 3),
        "casualty.outcome": (3, 3),
        "casualty.victims": (3, 3),
        "casualty.location": (3, 3),  # "homs." == "Homs", null == null
        "casualty.period": (2, 3),  # p0 null != "past 24 hours"
    }


def test_breakdowns_by_hand(ws: Workspace) -> None:
    _levels_case(ws)
    metrics = ws.evaluate().metrics
    casualty = metrics["by_kind"]["casualty"]
    # pred casualty: p0 p1 p3 p4 (4), matched p0 p1 p4 -> P 3/4; gold casualty g0 g1 g3 all matched
    assert (casualty["L1"]["p"], casualty["L1"]["r"]) == (0.75, 1.0)
    # L2: p1 has the wrong source -> P 2/4, R 2/3
    assert casualty["L2"]["p"] == 0.5
    assert casualty["L2"]["r"] == pytest.approx(2 / 3)
    assert metrics["by_kind"]["position"]["L1"] == {
        "p": None, "r": None, "f1": None, "tp_pred": 0, "n_pred": 0, "tp_gold": 0, "n_gold": 0,
    }  # fmt: skip
    state_media = metrics["by_source_type"]["state_media"]
    # p1 (state_media) is matched (L1) but its source is wrong (L2); no gold is state_media
    assert (state_media["L1"]["p"], state_media["L1"]["r"]) == (1.0, None)
    assert state_media["L2"]["p"] == 0.0
    ngo = metrics["by_source_type"]["ngo"]
    # pred ngo: p0 p3 p4, matched p0 p4; gold ngo g0 g1 g3, all matched at L1, g1 not at L2
    assert ngo["L1"]["p"] == pytest.approx(2 / 3)
    assert ngo["L1"]["r"] == 1.0
    assert ngo["L2"]["r"] == pytest.approx(2 / 3)


def test_macro_equals_micro_for_one_document(ws: Workspace) -> None:
    _levels_case(ws)
    metrics = ws.evaluate().metrics
    for level in ("L1", "L2", "L3"):
        assert metrics["macro"][level]["f1"] == pytest.approx(metrics["levels"]["0.5"][level]["f1"])


def test_empty_missing_and_failed_documents(ws: Workspace) -> None:
    ws.doc("a", "Activists said 27 civilians were shot dead.")
    ws.doc("b", "Nothing to report here.")
    ws.doc("c", "The weather was fine.")
    ws.doc("e", "Troops said the town fell.")
    ws.doc("f", "Officials said the border closed.")
    ws.gold(
        [
            {"doc_id": "a", "claims": [claim("27 civilians were shot dead")]},
            {"doc_id": "b", "claims": []},
            {"doc_id": "c", "claims": []},
            {"doc_id": "e", "claims": [claim("the town fell")]},
            {"doc_id": "f", "claims": [claim("the border closed")]},
        ]
    )
    ws.pred(
        [
            {"doc_id": "a", "claims": [claim("27 civilians were shot dead")]},
            {"doc_id": "b", "claims": []},
            {"doc_id": "c", "claims": [claim("the weather was fine", type="author")]},
            {"doc_id": "f", "error": "model timed out"},
            {"doc_id": "zzz", "claims": []},
        ]
    )
    metrics = ws.evaluate().metrics
    l1 = metrics["levels"]["0.5"]["L1"]
    # micro: tp 1 (a), pred 2 (a, c), gold 3 (a, e, f): P 0.5, R 1/3, F1 0.4
    assert (l1["tp"], l1["n_pred"], l1["n_gold"]) == (1, 2, 3)
    assert l1["f1"] == pytest.approx(0.4)
    # macro: a = 1, b (empty/empty) = 1, c (false alarm only) = 0, e (missing) = 0,
    # f (failed) = 0 -> 2/5 for P, R and F1
    assert metrics["macro"]["L1"] == pytest.approx({"p": 0.4, "r": 0.4, "f1": 0.4})
    docs = metrics["documents"]
    assert docs == {
        "failed": [{"doc_id": "f", "error": "model timed out"}],
        "missing_in_pred": ["e"],
        "extra_in_pred": 1,
    }
    statuses = {d["doc_id"]: d["status"] for d in metrics["per_document"]}
    assert statuses == {"a": "ok", "b": "ok", "c": "ok", "e": "missing", "f": "failed"}
    assert metrics["trust"]["failed_docs"] == 1
    assert metrics["trust"]["missing_docs"] == 1


def test_all_empty_is_perfect(ws: Workspace) -> None:
    ws.doc("b", "Nothing to report here.")
    ws.gold([{"doc_id": "b", "claims": []}])
    ws.pred([{"doc_id": "b", "claims": []}])
    l1 = ws.evaluate().metrics["levels"]["0.5"]["L1"]
    assert (l1["p"], l1["r"], l1["f1"]) == (1.0, 1.0, 1.0)
    assert l1["f1_ci"] == [1.0, 1.0]


def test_prf_conventions() -> None:
    assert prf(0, 0, 0) == prf(1, 1, 1)  # empty/empty: 1, 1, 1
    assert (prf(0, 0, 3).p, prf(0, 0, 3).r, prf(0, 0, 3).f1) == (0.0, 0.0, 0.0)
    assert (prf(0, 2, 0).p, prf(0, 2, 0).r) == (0.0, 0.0)
    assert prf(2, 4, 2).f1 == pytest.approx(2 / 3)


def test_plain_gold_file_is_a_valid_pred_file(ws: Workspace) -> None:
    _levels_case(ws)
    gold = ws.root / "gold.jsonl"
    ws.pred([])  # overwritten below with the gold itself
    (ws.root / "pred.jsonl").write_text(gold.read_text())
    metrics = ws.evaluate().metrics
    for threshold in ("0.3", "0.5", "0.8"):
        for level in ("L1", "L2", "L3"):
            assert metrics["levels"][threshold][level]["f1"] == 1.0
    assert metrics["casualty"]["f1"] == 1.0
    assert all(f["accuracy"] == 1.0 for f in metrics["fields"].values())


def test_trust_figures(ws: Workspace) -> None:
    ws.doc("a", "Activists said 27 civilians were shot dead and 3 were hurt.")
    ws.doc("b", "Troops said the town fell.")
    ws.doc("c", "Officials said the border closed.")
    ws.gold(
        [
            {"doc_id": "a", "claims": []},
            {"doc_id": "b", "claims": []},
            {"doc_id": "c", "claims": []},
        ]
    )
    ws.pred(
        [
            {
                "doc_id": "a",
                "model": "m1",
                "prompt_version": "v1",
                "usage": {"prompt_tokens": 100, "completion_tokens": 20},
                "timings": {"total_s": 2.0},
                "cache_hit": False,
                "stats": {
                    "retries": 1,
                    "reasks": 2,
                    "dropped_ungrounded": 3,
                    "calls": 2,
                    "chunks": 1,
                },
                "warnings": ["long document"],
                "claims": [
                    claim(
                        "27 civilians were shot dead",
                        grounding="exact",
                        span={"start": 15, "end": 42},
                    ),
                    claim("three were hurt", grounding="none"),
                ],
            },
            {
                "doc_id": "b",
                "model": "m1",
                "usage": {"prompt_tokens": 300, "completion_tokens": 40},
                "timings": {"total_s": 4.0},
                "cache_hit": True,
                "stats": {"reasks": 1, "dropped_ungrounded": 1},
                "claims": [claim("town fell", grounding="fuzzy"), claim("the town fell")],
            },
            {"doc_id": "c", "timings": {"total_s": 9.0}, "claims": []},
        ]
    )
    trust = ws.evaluate().metrics["trust"]
    # four claims: exact, none, fuzzy, unreported -> 0.25 each, normalized 0
    assert {k: v["count"] for k, v in trust["grounding"].items()} == {
        "exact": 1, "normalized": 0, "fuzzy": 1, "none": 1, "unreported": 1,
    }  # fmt: skip
    assert trust["grounding"]["exact"]["share"] == 0.25
    assert (trust["retries"], trust["reasks"], trust["dropped_ungrounded"]) == (1, 3, 4)
    assert (trust["calls"], trust["chunks"], trust["merged_duplicates"]) == (2, 1, 0)
    assert trust["cache_hits"] == 1
    assert trust["tokens"] == {
        "prompt": 400, "completion": 60, "prompt_per_doc": 200.0, "completion_per_doc": 30.0,
        "docs_reporting": 2,
    }  # fmt: skip
    # walls 2, 4, 9: mean 5, median 4, max 9
    assert trust["wall_s"] == {
        "total": 15.0,
        "mean": 5.0,
        "p50": 4.0,
        "max": 9.0,
        "docs_reporting": 3,
    }
    assert (trust["warnings"], trust["models"], trust["prompt_versions"]) == (1, ["m1"], ["v1"])
    assert trust["failed_docs"] == 0
