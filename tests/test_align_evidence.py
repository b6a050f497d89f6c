"""Grounding: locating model strings in the article and deriving evidence clauses."""

from __future__ import annotations

import pytest

from claimtrace import align, evidence, sentences

TEXT = (
    "The UK-based Syrian Observatory for Human Rights said on Tuesday\u00a0that\u00a027 civilians "
    "were shot dead by security forces and 34 soldiers were killed in clashes. "
    "Activists said “it was a massacre” in Homs. 27 civilians were also buried."
)


def span(found: align.Located | None) -> str:
    assert found is not None
    return TEXT[found.start : found.end]


def test_exact() -> None:
    found = align.locate(TEXT, "34 soldiers were killed")
    assert found and found.grounding == "exact" and span(found) == "34 soldiers were killed"


def test_normalized_whitespace_quotes_dashes_and_case() -> None:
    found = align.locate(TEXT, "said on tuesday that 27 CIVILIANS")
    assert found and found.grounding == "normalized"
    assert span(found) == "said on Tuesday\u00a0that\u00a027 civilians"
    quoted = align.locate(TEXT, 'activists said "it was a massacre"')
    assert quoted and quoted.grounding == "normalized" and span(quoted).endswith("massacre”")


def test_fuzzy_snaps_to_whole_words() -> None:
    found = align.locate(TEXT, "At least 27 civilians were shot dead by security force")
    assert found and found.grounding == "fuzzy"
    assert span(found) == "27 civilians were shot dead by security forces"


def test_not_found() -> None:
    assert align.locate(TEXT, "the ministry denied any involvement in the attack") is None
    assert align.locate(TEXT, "   ") is None


def test_repeated_substring_prefers_the_window() -> None:
    second = TEXT.rindex("27 civilians")
    found = align.locate(TEXT, "27 civilians", near=(second - 5, len(TEXT)))
    assert found and found.start == second
    assert align.locate(TEXT, "27 civilians").start == TEXT.index("27 civilians")  # type: ignore[union-attr]


def test_non_ascii_offsets_index_the_original_text() -> None:
    text = "Ḥamāh — “Zwölf” Menschen: 12 civilians were killed in Ḥamāh’s centre."
    found = align.locate(text, "12 civilians were killed in hamah's centre")
    assert found is not None
    assert text[found.start : found.end].startswith("12 civilians")
    normalized = align.locate(text, "“zwölf” menschen")
    assert normalized and text[normalized.start : normalized.end] == "“Zwölf” Menschen"


def test_verbatim_within_sentence_only() -> None:
    assert align.verbatim(TEXT, "said", (0, 40), within=True) is None
    assert align.verbatim(TEXT, "SAID", (0, 60), within=True) == "said"


@pytest.mark.parametrize(
    ("count", "phrase"),
    [
        (2000, "2,000 people"),
        (23, "Twenty-three people"),
        (24, "dozens of"),
        (12, "a dozen"),
        (4, "four other"),
        (200, "hundreds of"),
        (1, "a child"),
    ],
)
def test_count_mentions(count: int, phrase: str) -> None:
    text = f"Reports say {phrase} were hit."
    assert evidence.find_count(text, count, 0, len(text)) == text.index(phrase)


def test_count_does_not_match_inside_other_numbers() -> None:
    text = "1200 people and 2019 events"
    assert evidence.find_count(text, 200, 0, len(text)) is None
    assert evidence.find_count(text, 20, 0, len(text)) is None


def test_evidence_clause_for_each_figure_in_one_sentence() -> None:
    sentence = sentences.segment(TEXT)[0]
    for count, expected in [
        (27, "27 civilians were shot dead by security forces"),
        (34, "34 soldiers were killed in clashes"),
    ]:
        start, end = evidence.evidence_span(TEXT, sentence, count, "said")  # type: ignore[misc]
        assert TEXT[start:end] == expected
    assert evidence.evidence_span(TEXT, sentence, 99, "said") is None


def test_content_drops_the_attribution() -> None:
    text = 'Burhan Ghalioun, head of the SNC, said: "Russia has confirmed the need for dialogue."'
    sentence = sentences.segment(text)[0]
    start, end = evidence.evidence_span(text, sentence, None, "said")  # type: ignore[misc]
    assert text[start:end] == "Russia has confirmed the need for dialogue"
    trailing = "The bus was carrying pilgrims, the observatory said."
    s2 = sentences.segment(trailing)[0]
    start, end = evidence.evidence_span(trailing, s2, None, "said")  # type: ignore[misc]
    assert trailing[start:end] == "The bus was carrying pilgrims"
