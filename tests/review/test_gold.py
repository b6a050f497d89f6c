"""Records to gold lines: what the page starts from must be gold the harness reads."""

from __future__ import annotations

import json
from pathlib import Path

from claimtrace.harness.reader import read_gold
from claimtrace.load import DocumentStore
from claimtrace.review.data import page_data, utf16_span

from .conftest import HOSTILE, PLAIN, Run


def test_gold_lines_pass_the_harness_gold_reader(run: Run, tmp_path: Path) -> None:
    lines = run.review.gold_lines()
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    records, texts = read_gold(gold, DocumentStore([run.docs], []))
    # the failed document and the one without text are not gold
    assert [r.doc_id for r in records] == ["hostile", "plain"]
    assert texts["plain"] == PLAIN
    assert [len(r.claim_list) for r in records] == [3, 1]


def test_normalized_evidence_becomes_the_verbatim_text(run: Run) -> None:
    plain = run.review.docs[1]
    assert plain.claims[0].claim["evidence"] == "twelve   people were wounded"
    assert plain.claims[0].problem is None


def test_claims_breaking_gold_rules_keep_their_problem(run: Run) -> None:
    problems = [c.problem for c in run.review.docs[1].claims]
    assert problems[1] == "evidence is not found verbatim in the text"
    assert problems[2] == "casualty must be present exactly when kind is 'casualty'"
    missing = run.review.docs[2]
    assert missing.doc_id == "elsewhere" and missing.text is None
    assert "elsewhere: document not found" in str(missing.text_error)


def test_gold_claims_hold_only_the_guide_fields(run: Run) -> None:
    claim = run.review.docs[0].claims[0].claim
    assert list(claim) == [
        "evidence", "statement", "source", "cue", "mode", "kind", "certainty", "casualty",
    ]  # fmt: skip


def test_spans_are_utf16_offsets_for_the_browser(run: Run) -> None:
    outer = "27 civilians were shot dead by security forces in Deraa"
    start = HOSTILE.index(outer)
    # the emoji before the span is one code point but two UTF-16 units
    assert utf16_span(HOSTILE, (start, start + len(outer))) == (start + 1, start + 1 + len(outer))
    first = page_data(run.review)["docs"][0]["claims"][0]
    assert first["span"] == (start + 1, start + 1 + len(outer))
