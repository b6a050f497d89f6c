"""Whether a tally's figures can all be true: conflict, agreement, or a single source.

Each figure stands for the range of true counts it allows: "at least 70" is
70 or more, "more than 2,000" 2,001 or more, "up to 70" at most 70, "about
100" within `ABOUT` (10 %) of 100 either way. An exact count that is a round
hundred ("2,000 killed") is read as "about": reporters round, and a headline's
"2,000" does not contradict the body's "more than 2,000".

Figures of one window conflict when their ranges have no count in common.
Cumulative figures counted up to different dates may differ, but a total
cannot shrink: an earlier figure conflicts with a later one only when its
lowest count is above the later one's highest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Final, Literal

from .figures import Figure

ABOUT: Final = 0.10
SAME_DAY_DAYS: Final = 1
Flag = Literal["conflict", "agreement", "single source"]


def allowed(count: int, qualifier: str) -> tuple[float, float]:
    """The range of true counts a figure allows (see the module docstring)."""
    if qualifier == "exact" and count >= 100 and count % 100 == 0:
        qualifier = "about"
    if qualifier == "at_least":
        return count, math.inf
    if qualifier == "more_than":
        return count + 1, math.inf
    if qualifier == "up_to":
        return 0, count
    if qualifier == "about":
        slack = max(1.0, count * ABOUT)
        return math.floor(count - slack), math.ceil(count + slack)
    return count, count


def shown(figure: Figure) -> str:
    """ "more than 2,000" and the like: a figure as a reader would say it."""
    words = {"exact": "", "at_least": "at least ", "more_than": "more than ", "about": "about ",
             "up_to": "up to "}  # fmt: skip
    return f"{words.get(figure.qualifier, '')}{figure.count:,}"


def _as_of(figure: Figure) -> date | None:
    return figure.window.hi if figure.window.kind == "cumulative" else None


def contradiction(a: Figure, b: Figure) -> str | None:
    """Why two figures of one tally cannot both be true, or None when they can."""
    (a_lo, a_hi), (b_lo, b_hi) = allowed(a.count, a.qualifier), allowed(b.count, b.qualifier)
    a_day, b_day = _as_of(a), _as_of(b)
    if a_day is not None and b_day is not None and abs((a_day - b_day).days) > SAME_DAY_DAYS:
        early, late = (a, b) if a_day < b_day else (b, a)
        (e_lo, _), (_, l_hi) = (
            ((a_lo, a_hi), (b_lo, b_hi)) if early is a else ((b_lo, b_hi), (a_lo, a_hi))
        )
        if e_lo > l_hi:
            return f"a total cannot shrink: {shown(early)} then {shown(late)}"
        return None
    if max(a_lo, b_lo) > min(a_hi, b_hi):
        return (
            f"{shown(a)} ({a.source_name or 'author'}) vs {shown(b)} ({b.source_name or 'author'})"
        )
    return None


@dataclass(frozen=True)
class Verdict:
    """A tally's flag and the reason for it."""

    flag: Flag
    reason: str


def judge(members: Sequence[Figure]) -> Verdict:
    """Conflict if any two figures cannot both be true; else agreement or a single source."""
    for a, b in combinations(members, 2):
        if (why := contradiction(a, b)) is not None:
            return Verdict("conflict", why)
    sources = {m.source_key for m in members}
    if len(sources) < 2:
        return Verdict("single source", "one source gives these figures")
    return Verdict("agreement", f"{len(sources)} sources, figures compatible with one count")
