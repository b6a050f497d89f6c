"""Sentence splitting keeps offsets; chunks respect the budget and overlap."""

from __future__ import annotations

import itertools

from claimtrace import chunking, sentences


def test_offsets_round_trip_and_abbreviations() -> None:
    text = "Gen. Ali said 5 died.  Mr. Smith (U.S. envoy) agreed!\n\nHeadline Without Stop\n“Quote.” Next one?"
    split = sentences.segment(text)
    assert [s.text for s in split] == [
        "Gen. Ali said 5 died.",
        "Mr. Smith (U.S. envoy) agreed!",
        "Headline Without Stop",
        "“Quote.”",
        "Next one?",
    ]
    assert all(text[s.start : s.end] == s.text for s in split)
    assert [s.number for s in split] == [1, 2, 3, 4, 5]


def test_empty_text_has_no_sentences() -> None:
    assert sentences.segment("  \n\n ") == []


def test_chunks_fit_the_budget_and_overlap() -> None:
    text = " ".join(f"Sentence number {i} reports that {i} people were killed." for i in range(60))
    split = sentences.segment(text)
    chunks = chunking.chunk(split, budget_tokens=120, overlap=1)
    assert len(chunks) > 3
    for chunk in chunks:
        cost = sum(chunking.estimate_tokens(s.text) + 4 for s in chunk.sentences)
        assert cost <= 120 or len(chunk.sentences) == 1
    for before, after in itertools.pairwise(chunks):
        assert after.sentences[0] == before.sentences[-1]  # one sentence of overlap
    covered = {s.number for c in chunks for s in c.sentences}
    assert covered == {s.number for s in split}


def test_one_chunk_when_it_fits() -> None:
    split = sentences.segment("A said 3 died. B said 4 were hurt.")
    assert len(chunking.chunk(split, budget_tokens=4000)) == 1


def test_overlong_sentence_stands_alone() -> None:
    split = sentences.segment("word " * 2000 + ". Short one here.")
    chunks = chunking.chunk(split, budget_tokens=100)
    assert len(chunks[0].sentences) == 1 and len(chunks) == 2
