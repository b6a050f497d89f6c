"""Evidence similarity: F1 of lower-cased word-token multisets, lifted by >= 0.8 containment."""

from __future__ import annotations

import pytest

from claimtrace.harness.similarity import similarity, tokens


def test_tokens_are_lowercased_word_runs() -> None:
    assert tokens("At least 2,000 Syrians; al-Assad's") == [
        "at", "least", "2", "000", "syrians", "al", "assad", "s",
    ]  # fmt: skip


def test_exact_match_is_one() -> None:
    assert similarity("27 civilians were shot dead", "27 Civilians were shot dead.") == 1.0


def test_containment_lifts_to_share() -> None:
    # shorter: 5 tokens, all inside the 8-token longer one: F1 = 2*5/13 = 0.769,
    # share = 5/5 = 1.0 >= 0.8 -> similarity 1.0
    short = "27 civilians were shot dead"
    long = "27 civilians were shot dead by security forces"
    assert similarity(short, long) == 1.0
    assert similarity(long, short) == 1.0


def test_containment_at_exactly_eighty_percent() -> None:
    # 4 of the shorter's 5 tokens (34 soldiers were killed) are in the 8-token longer span:
    # F1 = 8/13 = 0.615, share = 0.8 -> similarity 0.8
    a = "34 soldiers were killed yesterday"
    b = "34 soldiers were killed in clashes near Homs"
    assert similarity(a, b) == pytest.approx(0.8)


def test_partial_overlap_below_containment_is_plain_f1() -> None:
    # common {the, airport} = 2 of 6 and 7 tokens: F1 = 4/13 = 0.3077, share 2/6 < 0.8
    a = "rebels shelled the airport near Aleppo"
    b = "government jets bombed the airport outside Idlib"
    assert similarity(a, b) == pytest.approx(4 / 13)


def test_multiset_counts_repeats_once_each() -> None:
    # "the the army" vs "the army": common = {the: 1, army: 1} = 2; share 2/2 = 1.0
    assert similarity("the the army", "the army") == 1.0
    # "killed killed killed" vs "killed people": common 1; F1 = 2/5 = 0.4; share 1/2 < 0.8
    assert similarity("killed killed killed", "killed people") == pytest.approx(0.4)


def test_no_overlap_and_empty_are_zero() -> None:
    assert similarity("Russia vetoed the resolution", "27 civilians were shot dead") == 0.0
    assert similarity("", "anything") == 0.0
    assert similarity("...", "—") == 0.0
