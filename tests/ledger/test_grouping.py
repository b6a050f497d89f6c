"""The grouping rule and the conflict/agreement flag, on hand-made records."""

from __future__ import annotations

import pytest

from claimtrace.ledger.agreement import allowed, judge
from claimtrace.ledger.build import build, ledger_json
from claimtrace.ledger.context import Sources

from .helpers import casualty, record


def _tallies(*records: object) -> list[dict[str, object]]:
    return ledger_json(build(list(records), Sources()))["tallies"]  # type: ignore[arg-type]


def test_same_event_across_outlets_is_one_tally_with_a_reason() -> None:
    a = record("a", [casualty("58 killed", 58, qualifier="at_least", location="Khan Sheikhoun",
                              period="on Tuesday")], day="2017-04-05", outlet="ahram")  # fmt: skip
    b = record("b", [casualty("86 killed", 86, location="Idlib province", period="Tuesday",
                              source="SANA", source_type="state_media")],
               day="2017-04-06", outlet="sana")  # fmt: skip
    tallies = _tallies(a, b)
    assert len(tallies) == 1
    tally = tallies[0]
    assert tally["place"] == "Khan Sheikhoun (Idlib)"
    assert tally["window"]["label"] == "2017-04-04"
    assert (tally["count_min"], tally["count_max"], tally["flag"]) == (58, 86, "agreement")
    assert "lies in Idlib" in str(tally["why"])
    figure = tally["figures"][0]  # type: ignore[index]
    assert {"doc_id", "start", "end", "evidence", "outlet", "date"} <= set(figure)


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("outcome", "injured"),
        ("victims", "security_forces"),
        ("location", "Saraqeb"),
        ("period", "since the conflict began in March 2011"),
        ("period", "on Monday"),
    ],
)
def test_one_difference_splits(change: str, value: str) -> None:
    base = {"location": "Khan Sheikhoun", "period": "on Tuesday"}
    other = {**base, change: value}
    a = record("a", [casualty("58 killed", 58, **base)], day="2017-04-05")  # type: ignore[arg-type]
    b = record("b", [casualty("86 killed", 86, **other)], day="2017-04-05")  # type: ignore[arg-type]
    assert len(_tallies(a, b)) == 2


def test_a_day_and_a_week_are_apart_and_so_are_subgroups() -> None:
    a = record("a", [casualty("100 killed today", 100, location="Syria", period="today"),
                     casualty("400 killed this week", 400, location="Syria", period="this week"),
                     casualty("30 children killed today", 30, location="Syria", period="today")],
               day="2012-01-27")  # fmt: skip
    assert len(_tallies(a)) == 3


def test_combined_figures_stay_apart_from_killed() -> None:
    a = record("a", [casualty("40 people were killed", 40, location="Douma", period="Tuesday"),
                     casualty("hundreds were killed or injured", 200, qualifier="about",
                              location="Douma", period="Tuesday")], day="2013-08-21")  # fmt: skip
    assert len(_tallies(a)) == 2


def test_undated_figures_only_meet_their_own_article() -> None:
    a = record("a", [casualty("12 killed", 12, location="Homs", period="on Friday")])
    b = record("b", [casualty("12 killed", 12, location="Homs", period="on Friday")])
    assert len(_tallies(a, b)) == 2


@pytest.mark.parametrize(
    ("first", "second", "flag"),
    [
        ((70, "at_least"), (72, "exact"), "agreement"),
        ((2000, "more_than"), (2500, "exact"), "agreement"),
        ((100, "about"), (104, "exact"), "agreement"),
        ((2000, "exact"), (2000, "more_than"), "agreement"),  # a round headline figure
        ((70, "at_least"), (58, "exact"), "conflict"),
        ((100, "about"), (120, "exact"), "conflict"),
        ((70, "up_to"), (80, "at_least"), "conflict"),
    ],
)
def test_conflict_considers_qualifiers(
    first: tuple[int, str], second: tuple[int, str], flag: str
) -> None:
    a = record("a", [casualty("x killed", first[0], qualifier=first[1], location="Homs",
                              period="Tuesday")], day="2017-04-05")  # fmt: skip
    b = record("b", [casualty("y killed", second[0], qualifier=second[1], location="Homs",
                              period="Tuesday", source="SANA", source_type="state_media")],
               day="2017-04-05")  # fmt: skip
    (tally,) = _tallies(a, b)
    assert tally["flag"] == flag


def test_single_source_and_growing_totals() -> None:
    a = record("a", [casualty("3 killed", 3, location="Homs", period="Tuesday")], day="2017-04-05")
    assert _tallies(a)[0]["flag"] == "single source"
    early = record("e", [casualty("1,100 killed", 1100, qualifier="at_least", location="Syria",
                                  period="since March 2011")], day="2011-11-15")  # fmt: skip
    late = record("l", [casualty("2,000 killed", 2000, qualifier="more_than", location="Syria",
                                 period="since March 2011", source="SANA",
                                 source_type="state_media")], day="2011-12-15")  # fmt: skip
    (tally,) = _tallies(early, late)
    assert tally["flag"] == "agreement"
    shrunk = record("s", [casualty("900 killed", 900, location="Syria", period="since March 2011",
                                   source="UN", source_type="intl_org")], day="2011-12-20")  # fmt: skip
    (tally,) = _tallies(early, shrunk)
    assert tally["flag"] == "conflict" and "cannot shrink" in str(tally["flag_reason"])


def test_allowed_ranges() -> None:
    assert allowed(70, "at_least")[0] == 70
    assert allowed(2000, "more_than")[0] == 2001
    assert allowed(100, "about") == (90, 110)
    assert allowed(72, "exact") == (72, 72)
    assert judge([]).flag == "single source"
