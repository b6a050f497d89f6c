"""`eval ledger`'s metrics on a hand-made example, and the scorer on a synthetic gold set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrace.harness.ledger_eval import bcubed, evaluate_ledger, pairwise, read_tallies

from .helpers import casualty


def test_pairwise_and_bcubed_by_hand() -> None:
    # gold {a,b,c} {d}; predicted {a,b} {c,d}
    gold = {("x", "a"): 1, ("x", "b"): 1, ("x", "c"): 1, ("x", "d"): 2}
    pred = {("x", "a"): 1, ("x", "b"): 1, ("x", "c"): 2, ("x", "d"): 2}
    pw = pairwise(pred, gold)
    # gold pairs: ab ac bc = 3; predicted pairs: ab cd = 2; both: ab = 1
    assert (pw["pairs_gold"], pw["pairs_pred"], pw["pairs_both"]) == (3, 2, 1)
    assert pw["p"] == pytest.approx(1 / 2) and pw["r"] == pytest.approx(1 / 3)
    assert pw["f1"] == pytest.approx(0.4)
    b3 = bcubed(pred, gold)
    # precision: a 2/2, b 2/2, c 1/2, d 1/2 -> 0.75; recall: a 2/3, b 2/3, c 1/3, d 1/1 -> 2/3
    assert b3["p"] == pytest.approx(0.75) and b3["r"] == pytest.approx(2 / 3)
    assert b3["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_perfect_and_all_singletons() -> None:
    gold = {("x", "a"): 1, ("x", "b"): 2}
    assert pairwise(gold, gold)["f1"] == 1.0 and bcubed(gold, gold)["f1"] == 1.0
    lumped = {("x", "a"): 1, ("x", "b"): 1}
    assert pairwise(lumped, gold)["p"] == 0.0


TEXTS = {
    "1": "Wed 05 Apr 2017 At least 58 people were killed in Khan Sheikhoun on Tuesday, SOHR said.",
    "2": "Thu 06 Apr 2017 Syrian state media said 86 people were killed in Idlib province on "
    "Tuesday. Separately 12 soldiers were killed in Homs on Wednesday.",
}


@pytest.fixture
def gold_set(tmp_path: Path) -> dict[str, Path]:
    """A two-article FA-KES-shaped corpus, its casualty claims and gold tallies."""
    corpus = tmp_path / "corpus.csv"
    rows = ["unit_id,article_title,article_content,source,date,location,labels"]
    rows += [f'{k},t,"{v}",outlet{k},4/{4 + int(k)}/2017,idlib,1' for k, v in TEXTS.items()]
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    claims = {
        "fakes-1": [casualty("At least 58 people were killed in Khan Sheikhoun on Tuesday", 58,
                             qualifier="at_least", location="Khan Sheikhoun", period="on Tuesday")],
        "fakes-2": [casualty("86 people were killed in Idlib province on Tuesday", 86,
                             location="Idlib province", period="on Tuesday", source="state media",
                             source_type="state_media"),
                    casualty("12 soldiers were killed in Homs on Wednesday", 12,
                             victims="security_forces", location="Homs", period="on Wednesday")],
    }  # fmt: skip
    claims_path = tmp_path / "claims.jsonl"
    claims_path.write_text(
        "".join(json.dumps({"doc_id": k, "claims": v}) + "\n" for k, v in claims.items()),
        encoding="utf-8",
    )
    tallies = [
        {"tally": "t01", "members": [{"doc_id": "fakes-1", "evidence": claims["fakes-1"][0]["evidence"]},
                                     {"doc_id": "fakes-2", "evidence": claims["fakes-2"][0]["evidence"]}]},
        {"tally": "t02", "members": [{"doc_id": "fakes-2", "evidence": claims["fakes-2"][1]["evidence"]}]},
    ]  # fmt: skip
    tallies_path = tmp_path / "tallies.jsonl"
    tallies_path.write_text("".join(json.dumps(t) + "\n" for t in tallies), encoding="utf-8")
    pred_path = tmp_path / "pred.jsonl"  # finds the 58 and the 86 only, plus one gold lacks
    pred = {
        "fakes-1": [claims["fakes-1"][0]],
        "fakes-2": [claims["fakes-2"][0], casualty("Syrian state media", 3, location="Homs")],
    }
    pred_path.write_text(
        "".join(json.dumps({"doc_id": k, "claims": v}) + "\n" for k, v in pred.items()),
        encoding="utf-8",
    )
    return {"corpus": corpus, "claims": claims_path, "tallies": tallies_path, "pred": pred_path}


def test_scorer_on_a_synthetic_gold_set(gold_set: dict[str, Path], tmp_path: Path) -> None:
    assert (
        read_tallies(gold_set["tallies"])[
            ("fakes-2", "12 soldiers were killed in Homs on Wednesday")
        ]
        == "t02"
    )
    result = evaluate_ledger(gold_set["claims"], gold_set["tallies"], gold_set["corpus"],
                             tmp_path / "out", gold_set["pred"])  # fmt: skip
    on_gold = result.metrics["gold_claims"]
    assert on_gold["pairwise"]["f1"] == 1.0 and on_gold["bcubed"]["f1"] == 1.0
    on_pred = result.metrics["predicted_claims"]
    assert (on_pred["matched"], on_pred["unmatched_gold"], on_pred["unmatched_pred"]) == (2, 1, 1)
    assert on_pred["pairwise"]["f1"] == 1.0
    report = result.markdown_path.read_text(encoding="utf-8")
    assert "| gold | 1.000 | 1.000 | 1.000 |" in report


def test_eval_ledger_command(gold_set: dict[str, Path], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from claimtrace.harness.cli import eval_app

    args = ["ledger", "--claims", str(gold_set["claims"]), "--tallies", str(gold_set["tallies"]),
            "--corpus", str(gold_set["corpus"]), "--pred", str(gold_set["pred"]),
            "--out", str(tmp_path / "o")]  # fmt: skip
    result = CliRunner().invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "metrics.json").is_file() and "unpaired 1 predicted" in result.output
