"""Source correctness: author rules, containment, acronyms, fuzzy token-set ratio."""

from __future__ import annotations

import pytest

from claimtrace.harness.records import Source
from claimtrace.harness.sources import acronym, normalise_name, source_correct

SOHR = "Syrian Observatory for Human Rights"


def src(name: str | None, type: str = "ngo") -> Source:
    return Source(name=name, type=type)  # type: ignore[arg-type]


def test_normalise_and_acronym() -> None:
    assert normalise_name("The U.N.  Security-Council") == "un security council"
    assert acronym(SOHR) == "SOHR"
    assert acronym("state-run Syrian Arab News Agency") == "SANA"
    assert acronym("Syrian Network for Human Rights") == "SNHR"


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        # "observatory" (after dropping "the") is a whole-word part of the full name
        (SOHR, "the observatory"),
        # a name written as an acronym against the other's initials
        (SOHR, "SOHR"),
        ("SNHR", "Syrian Network for Human Rights"),
        ("United Nations", "U.N."),
        ("SANA", "state-run Syrian Arab News Agency"),
        # case and punctuation do not matter
        ("Syrian Arab News Agency", "syrian arab news agency (SANA)"),
        # fuzzy token-set ratio >= 80 (one typo)
        ("Wissam Tarif", "Wisam Tarif"),
    ],
)
def test_same_source(gold: str, pred: str) -> None:
    assert source_correct(src(gold), src(pred))
    assert source_correct(src(pred), src(gold))


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        (SOHR, "SANA"),  # acronym SOHR != SANA, no containment, low ratio
        ("Insan", "Syrian government"),
        ("UN", "UNICEF"),  # containment is by whole words, not characters
    ],
)
def test_different_source(gold: str, pred: str) -> None:
    assert not source_correct(src(gold), src(pred))


def test_author_rules() -> None:
    assert source_correct(src(None, "author"), src(None, "author"))
    # both author: names do not matter
    assert source_correct(src(None, "author"), src("the article", "author"))
    # one author, one attributed: wrong even if names would match
    assert not source_correct(src(None, "author"), src(SOHR))
    assert not source_correct(src(SOHR), src(SOHR, "author"))
    # a non-author source without a name never matches
    assert not source_correct(src(SOHR), src(None, "anonymous"))
