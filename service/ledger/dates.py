"""An article's date: from its metadata, else a dateline, else what its text gives away.

Every relative period ("on Thursday") is read against this date, so where
it came from is kept (`basis`) and shown. The text fallbacks are estimates:
a dateline at the top ("Wed 05 Apr 2017"); otherwise the latest full date
the text mentions (a photo caption, say) or the date an age of the uprising
implies ("the nine-month-old uprising": March 2011 + 9 months), whichever is
later, since an article is not older than what it reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from .periods import NUMBER_RE, WAR_START, number, parse_date

_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_FULL_DATE: Final = re.compile(
    rf"\b(?:\d{{1,2}} {_MON},? (?:19|20)\d\d|{_MON} \d{{1,2}},? ?(?:19|20)\d\d|"
    r"\d{1,2}\.\d{1,2}\.(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_UPRISING = r"(?:uprising|revolt|revolution|protests|conflict|crisis|war|unrest)"
_AGE: Final = re.compile(
    rf"\b{NUMBER_RE}[- ]month[- ]old (?:\w+ ){{0,3}}?{_UPRISING}|"
    rf"{_UPRISING} (?:\w+ ){{0,4}}?(?:began|started|erupted|broke out) {NUMBER_RE} months ago",
    re.IGNORECASE,
)
DATELINE_CHARS: Final = 200


@dataclass(frozen=True)
class Dated:
    """A date and where it came from ("meta", "corpus", "dateline", "text: ...")."""

    day: date
    basis: str


def parse_meta_date(value: str | None) -> date | None:
    """A metadata date: ISO, or FA-KES's month-first "4/5/2017"; None when unreadable."""
    if not value or not value.strip():
        return None
    try:
        parsed: datetime = dateutil_parser.parse(value.strip(), dayfirst=False)
        return parsed.date()
    except (ValueError, OverflowError):
        return parse_date(value, None)


def _parse_full(text: str) -> date | None:
    """One `_FULL_DATE` match: "20.04.2017" is day first; "Jul 282016" lost a space."""
    if dotted := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        day, month, year = (int(g) for g in dotted.groups())
        return date(year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None
    return parse_date(re.sub(r"(\d{1,2})((?:19|20)\d\d)$", r"\1 \2", text), None)


def dateline(text: str) -> date | None:
    """A full date in the first lines ("Wed 05 Apr 2017 ...", "20.04.2017"), or None."""
    found = _FULL_DATE.search(text[:DATELINE_CHARS])
    return _parse_full(found.group(0)) if found else None


def text_date(text: str) -> Dated | None:
    """The article's date as its text gives it away (see the module docstring)."""
    if (line := dateline(text)) is not None:
        return Dated(line, "dateline")
    candidates: list[Dated] = []
    mentioned = [d for m in _FULL_DATE.finditer(text) if (d := _parse_full(m.group(0)))]
    if mentioned:
        candidates.append(Dated(max(mentioned), "text: latest date it mentions"))
    for match in _AGE.finditer(text):
        months = number(next(g for g in match.groups() if g).lower())
        implied = WAR_START + relativedelta(months=months)
        candidates.append(Dated(implied, f"text: '{match.group(0)}' after 2011-03"))
    return max(candidates, key=lambda d: d.day) if candidates else None
