"""Turn a figure's `period` ("on Thursday", "past 24 hours", "since March 2011") into dates.

A figure's window is resolved against its article's date. Two kinds are kept
apart, because a day's toll and a war's toll are never the same count:

* **event** windows: a day or a few days, weeks or a month (`lo`..`hi` is
  the range the counted days lie in; `span` is how many days they cover).
  A figure with no period is an event of the article's last few days
  (`NO_PERIOD_DAYS`), unless it reads as cumulative (below).
* **cumulative** windows: counted since a start (`lo`, None when unknown:
  "so far") up to the article's date (`hi`). A period is cumulative when it
  names the war ("since the uprising began", "nine-month-old uprising",
  "six-year war", "since March 2011"), says "so far", or covers more than
  `CUMULATIVE_DAYS`; a figure without a period is cumulative when its
  evidence or sentence counts from the war's start ("since the uprising
  began") or it is a death toll of 1,000 or more (daily tolls of the Syrian
  war stay well below that; totals do not).

Without the article's date a relative period cannot be placed: the window
is `dated=False` and can only meet figures of the same article.
Explicit dates are parsed with dateparser, relative to the article's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final, Literal

import dateparser
from dateutil.relativedelta import relativedelta

WAR_START: Final = date(2011, 3, 15)  # the first protests in Daraa
NO_PERIOD_DAYS: Final = 3
CUMULATIVE_DAYS: Final = 60
BIG_TOLL: Final = 1000

WindowKind = Literal["event", "cumulative"]


@dataclass(frozen=True)
class Window:
    """When a figure's dead were counted (see the module docstring)."""

    kind: WindowKind
    lo: date | None
    hi: date | None
    span: int
    label: str
    note: str
    dated: bool

    def describe(self) -> str:
        """A short human label: "2017-04-04", "2017-04-01..2017-04-07", "since 2011-03 to 2011-11"."""
        if not self.dated or self.hi is None:
            return (
                f"'{self.label}' (article date unknown)" if self.label else "article date unknown"
            )
        if self.kind == "cumulative":
            since = f"since {self.lo:%Y-%m}" if self.lo else "cumulative"
            return f"{since} to {self.hi:%Y-%m-%d}"
        assert self.lo is not None
        if self.span == 1 and self.lo == self.hi:
            return f"{self.hi:%Y-%m-%d}"
        return f"{self.span} day(s) within {self.lo:%Y-%m-%d}..{self.hi:%Y-%m-%d}"


_NUMBERS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "few": 3, "several": 3, "a": 1, "an": 1, "couple": 2, "last": 1, "past": 1,
}  # fmt: skip
NUMBER_RE = r"(\d+|" + "|".join(k for k in _NUMBERS if len(k) > 2) + r")"
_WAR = re.compile(
    r"\b(uprising|conflict|war|revolution|revolt|crisis|crackdown|unrest|erupt\w*|so far|"
    r"to date|since (?:\w+ ){0,4}(?:19|20)\d\d|since (?:it|the) (?:began|started|broke out)|"
    r"(?:began|started|broke out) in march)"
)
# in a figure's sentence (period absent), only the war's start makes it a total
_WAR_START = re.compile(
    r"\bsince (?:the |an? |its )?(?:\w+[- ]){0,3}(?:uprising|conflict|war|revolution|revolt|"
    r"crisis|crackdown|protests)(?: \w+){0,6} (?:began|started|erupted|broke out)|"
    r"\bsince (?:early |mid-?|late )?(?:march )?2011\b|\bsince the (?:start|beginning|outbreak)"
    r" of the (?:\w+ ){0,2}(?:uprising|conflict|war|revolution|crisis)"
)
_SINCE = re.compile(r"\bsince\b")
_WEEKDAYS: Final = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")(?:'?s)?\b")
_MONTHS = "|".join(m.lower() for m in calendar.month_name if m)
_MONTH_NUMBERS: Final = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH_ONLY = re.compile(rf"^(?:in |during |of |early |late |mid-?)*({_MONTHS})(?: (\d{{4}}))?$")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_AGE = re.compile(rf"\b{NUMBER_RE}[- ](year|month|week)s?\b")
_AGO = re.compile(rf"\b{NUMBER_RE} (year|month|week|day)s? ago\b")
_HOURS = re.compile(rf"\b{NUMBER_RE}[- ]hours?\b")
_DAYS = re.compile(rf"\b{NUMBER_RE}[- ]days?\b")
_WEEKS = re.compile(rf"\b{NUMBER_RE}[- ]weeks?\b")
_MONTHS_N = re.compile(rf"\b{NUMBER_RE}[- ]months?\b")
_TODAY = re.compile(
    r"\b(today|tonight|this (?:morning|afternoon|evening)|overnight|after midnight|dawn|"
    r"earlier in the day|morning|evening|night|hours?)\b"
)
_BETWEEN = re.compile(r"(?:between|from) (.+?) (?:and|to|until|till) (.+)$")
_PARSE_SETTINGS: Final[dict[str, Any]] = {
    "PREFER_DATES_FROM": "past",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS.get(word, 1)


def parse_date(text: str, base: date | None) -> date | None:
    """An explicit date ("May 25", "21 September 2016"), relative to `base` when it lacks a year."""
    settings = dict(_PARSE_SETTINGS)
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    elif not _YEAR.search(text):
        return None  # "May 25" with no article date: which year is unknowable
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def _month_range(text: str, base: date | None) -> tuple[date, date] | None:
    """The whole month of "during April", "August 2013", "in May"; None if not a bare month."""
    found = _MONTH_ONLY.match(text)
    if found is None:
        return None
    start = parse_date(f"{found.group(1)} {found.group(2) or ''}".strip(), base)
    if start is None:
        return None
    last = calendar.monthrange(start.year, start.month)[1]
    return start.replace(day=1), start.replace(day=last)


def _last_weekday(day: date, weekday: int, strictly_before: bool = False) -> date:
    back = (day.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return day - timedelta(days=back)


def _clean(period: str) -> str:
    text = period.lower().replace("\u2019", "'").replace(",", " ")
    text = re.sub(r"^(?:on|in|during|over|for|within|the|of)\s+", "", " ".join(text.split()))
    return re.sub(r"^(?:the|over the|in the|during the)\s+", "", text)


def _cumulative_start(text: str, day: date | None) -> tuple[date | None, str]:
    """When a cumulative count began, and how that was read."""
    if day is not None and (age := _AGE.search(text) or _AGO.search(text)):
        n, unit = number(age.group(1)), age.group(2)
        back = relativedelta(years=n) if unit == "year" else relativedelta(months=n)
        if unit in ("week", "day"):
            back = relativedelta(days=n * (7 if unit == "week" else 1))
        return day - back, f"'{age.group(0)}' before the article's date"
    if explicit := re.search(rf"\b(?:({_MONTHS}) )?((?:19|20)\d\d)\b", text):
        month = _MONTH_NUMBERS[explicit.group(1)] if explicit.group(1) else 1
        start = date(int(explicit.group(2)), month, 1)
        return start, f"since {start:%Y-%m}"
    since = re.search(rf"\b(?:since|from) (?:\w+ ){{0,6}}?({_MONTHS})\b", text)
    if since and day is not None and (begun := parse_date(since.group(1), day)) is not None:
        return begun, f"since {begun:%Y-%m}"
    if _WAR.search(text) and not re.search(r"so far|to date", text):
        return WAR_START, "since the uprising (2011-03)"
    if "this year" in text and day is not None:
        return date(day.year, 1, 1), "since the start of the year"
    return None, "start unknown"


def _cumulative(label: str, text: str, day: date | None, why: str) -> Window:
    start, how = _cumulative_start(text, day)
    note = f"cumulative ({why}): {how}"
    return Window("cumulative", start, day, 0, label, note, dated=day is not None)


def _event(label: str, lo: date, hi: date, span: int, note: str) -> Window:
    return Window("event", lo, hi, max(span, 1), label, note, dated=True)


def _relative_event(label: str, text: str, day: date) -> Window | None:
    """Event windows counted back from the article's date ("past 24 hours", "this week")."""
    if since := re.match(r"since (.+)$", text):
        start = _since_start(since.group(1), day)
        if start is not None and start <= day:
            return _event(label, start, day, (day - start).days + 1, f"since {start}")
    if weekday := _WEEKDAY.search(text):
        before = bool(re.search(r"\blast\b", text))
        hit = _last_weekday(day, _WEEKDAYS[weekday.group(1)], strictly_before=before)
        return _event(label, hit, hit, 1, f"{weekday.group(1).title()} before {day}")
    if re.search(r"\byesterday\b|\blast night\b", text):
        return _event(label, day - timedelta(days=1), day, 1, "the day before the article")
    if found := _HOURS.search(text):
        days = max(1, -(-number(found.group(1)) // 24))
        return _event(label, day - timedelta(days=days), day, days, f"{days} day(s) to {day}")
    if found := _DAYS.search(text) or re.search(r"\b(few|several|recent) days\b", text):
        n = number(found.group(1)) if found.group(1) not in ("recent",) else 4
        return _event(label, day - timedelta(days=n), day, n, f"{n} day(s) to {day}")
    if "weekend" in text:
        return _event(label, day - timedelta(days=8), day, 2, "the weekend before the article")
    if found := _WEEKS.search(text):
        n = 7 * number(found.group(1))
        return _event(label, day - timedelta(days=n), day, n, f"{n} days to {day}")
    if re.search(r"\bweek\b", text):
        back = 14 if re.search(r"\blast week\b", text) else 7
        return _event(label, day - timedelta(days=back), day, 7, f"a week to {day}")
    if found := _MONTHS_N.search(text):
        n = 30 * number(found.group(1))
        return _event(label, day - timedelta(days=n), day, n, f"{n} days to {day}")
    if re.search(r"\bmonth\b", text):
        back = 61 if re.search(r"\blast month\b", text) else 31
        return _event(label, day - timedelta(days=back), day, 30, f"a month to {day}")
    if _TODAY.search(text):
        return _event(label, day - timedelta(days=1), day, 1, f"the article's day ({day})")
    return None


def _since_start(text: str, day: date) -> date | None:
    if weekday := _WEEKDAY.search(text):
        return _last_weekday(day, _WEEKDAYS[weekday.group(1)], strictly_before=True)
    return parse_date(text, day)


def _absolute_event(label: str, text: str, day: date | None) -> Window | None:
    """Event windows named by dates: "May 25", "during April", "between April 27 and May 18"."""
    if between := _BETWEEN.search(text):
        first, last = between.group(1), between.group(2)
        if first.isdigit():  # "between 21 and 26 of september": the month is after the second
            month_year = re.sub(r"^\d+\s*(?:of\s+)?", "", last)
            first = f"{first} {month_year}"
        lo, hi = parse_date(first, day), parse_date(last, day)
        if lo is not None and hi is not None and lo <= hi:
            return _event(label, lo, hi, (hi - lo).days + 1, f"{lo}..{hi}")
    if month := _month_range(text, day):
        lo, hi = month
        return _event(label, lo, hi, (hi - lo).days + 1, f"the month {lo:%Y-%m}")
    if re.search(r"\d|" + _MONTHS, text):
        parsed = parse_date(text, day)
        if parsed is not None:
            return _event(label, parsed, parsed, 1, f"{parsed}")
    return None


def _undated(label: str, kind: WindowKind, note: str) -> Window:
    return Window(kind, None, None, 1, label, note, dated=False)


def resolve(
    period: str | None, context: str, count: int, day: date | None, outcome: str = "killed"
) -> Window:
    """The window of a figure: its period read against the article's date `day`.

    `context` is the figure's evidence (and its sentence, when the text is
    known), searched for a cumulative cue only when the period is absent or a
    bare month ("since the uprising broke out in March": period "March").
    """
    label = (period or "").strip()
    text = _clean(label)
    around = context.lower()
    if text and (_WAR.search(text) or (_AGE.search(text) and re.search(r"year|old", text))):
        return _cumulative(label, text, day, "the period names the war or its age")
    if re.search(r"\bthis year\b|\bso far\b|\bto date\b", text):
        return _cumulative(label, text, day, "a total to date")
    bare = not text or _MONTH_ONLY.match(text) is not None
    if bare and _WAR_START.search(around):
        return _cumulative(label, f"since {text} {around}" if text else around, day, "its sentence")
    if not text and count >= BIG_TOLL and outcome == "killed":
        return _cumulative(label, around, day, f"{count:,} with no period")
    if not text:
        if day is None:
            return _undated(label, "event", "no period, article date unknown")
        lo = day - timedelta(days=NO_PERIOD_DAYS)
        return _event(label, lo, day, 1, f"no period: a day within {NO_PERIOD_DAYS} of {day}")
    window = (_relative_event(label, text, day) if day else None) or _absolute_event(
        label, text, day
    )
    if window is None:
        return _undated(label, "event", "period not understood, or article date unknown")
    if window.span > CUMULATIVE_DAYS or (_SINCE.search(text) and window.span > 31):
        note = f"cumulative ({window.span} days): since {window.lo}"
        return Window("cumulative", window.lo, window.hi, 0, label, note, dated=window.dated)
    return window
