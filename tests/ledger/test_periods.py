"""Period resolution against the article's date, cumulative kept apart from daily."""

from __future__ import annotations

from datetime import date

import pytest

from claimtrace.ledger.dates import dateline, parse_meta_date, text_date
from claimtrace.ledger.periods import WAR_START, resolve

WEDNESDAY = date(2017, 4, 5)


@pytest.mark.parametrize(
    ("period", "lo", "hi"),
    [
        ("on Tuesday", date(2017, 4, 4), date(2017, 4, 4)),
        ("Tuesdays", date(2017, 4, 4), date(2017, 4, 4)),
        ("on Thursday", date(2017, 3, 30), date(2017, 3, 30)),
        ("past 24 hours", date(2017, 4, 4), WEDNESDAY),
        ("overnight", date(2017, 4, 4), WEDNESDAY),
        ("yesterday", date(2017, 4, 4), WEDNESDAY),
        ("May 25", date(2016, 5, 25), date(2016, 5, 25)),
        ("during April", date(2017, 4, 1), date(2017, 4, 30)),
        ("August 2013", date(2013, 8, 1), date(2013, 8, 31)),
        ("Between 21 and 26 of September", date(2016, 9, 21), date(2016, 9, 26)),
    ],
)
def test_event_periods(period: str, lo: date, hi: date) -> None:
    window = resolve(period, "", 20, WEDNESDAY)
    assert (window.kind, window.lo, window.hi) == ("event", lo, hi)


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("since the uprising began", WAR_START),
        ("since March 2011", date(2011, 3, 1)),
        ("since the conflict began in March 2011", date(2011, 3, 1)),
        ("six-year war", date(2011, 4, 5)),
        ("in the past nine months", date(2016, 7, 9)),
    ],
)
def test_cumulative_periods(period: str, start: date) -> None:
    window = resolve(period, "", 20, WEDNESDAY)
    assert (window.kind, window.lo, window.hi) == ("cumulative", start, WEDNESDAY)


def test_nine_month_old_uprising_counts_from_its_start() -> None:
    window = resolve("nine-month-old", "", 2000, date(2011, 12, 15))
    assert window.kind == "cumulative" and window.lo == date(2011, 3, 15)


def test_no_period_is_a_recent_event_unless_a_big_death_toll_or_the_sentence_says_since() -> None:
    assert resolve(None, "12 killed", 12, WEDNESDAY).kind == "event"
    assert resolve(None, "5,000 killed", 5000, WEDNESDAY).kind == "cumulative"
    assert resolve(None, "2,000 displaced", 2000, WEDNESDAY, "displaced").kind == "event"
    since = "1,100 soldiers have been killed since the uprising broke out in March"
    window = resolve("March", since, 1100, date(2011, 11, 15))
    assert window.kind == "cumulative" and window.lo == date(2011, 3, 1)


def test_relative_period_without_article_date_is_undated() -> None:
    assert not resolve("on Thursday", "", 5, None).dated
    assert resolve("August 2013", "", 5, None).dated


def test_article_dates() -> None:
    assert parse_meta_date("4/5/2017") == date(2017, 4, 5)
    assert parse_meta_date("2017-04-05") == date(2017, 4, 5)
    assert dateline("Wed 05 Apr 2017 Syria attack ...") == date(2017, 4, 5)
    assert dateline("20.04.2017(updated 1618 20.04.2017) ...") == date(2017, 4, 20)
    found = text_date(
        "Published on\n\n... since an anti-government uprising began eight months ago"
    )
    assert found is not None and found.day == date(2011, 11, 15)
